"""Raster tiles of a sheet PDF (docs/contracts.md): 256 px, zoom 0 fits the page.

Each sheet PDF is opened once and turned into a MuPDF display list per set of hidden layers;
a tile then replays only what falls inside its clip (a few milliseconds).  Both are kept in a
small LRU; a lock serialises MuPDF use, which is not thread-safe.
"""

from __future__ import annotations

import math
import os
import struct
import threading
import zlib
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pymupdf

from drawreview.errors import NotFound

TILE = 256
MIN_PX_PER_PT = 8.0
MAX_ZOOM = 8
_lock = threading.RLock()
_docs: OrderedDict = OrderedDict()  # path -> (mtime, doc)
_lists: OrderedDict = OrderedDict()  # (path, mtime, hidden, shown) -> (display list, rect)
_shown: dict = {}  # path -> [(hidden, shown) layers its open document is set to, its layers' defaults]
DOC_CACHE, LIST_CACHE = 16, 24
# thin lines at least one device pixel wide, as CAD viewers draw them (Acrobat: "enhance thin
# lines"): without it MuPDF anti-aliases a 0.1 pt wall of a zoomed-out sheet to a faint grey
# (~13 % ink) and plans read as empty; only while drawing tiles and thumbnails (a global setting)
MIN_LINE_PX = 1.0
TILE0 = "z0.png"  # a sheet PDF's zoom-0 tile, kept beside its blob (storage.derived) by the processing job


def zoom0_scale(width: float, height: float) -> float:
    return TILE / max(width, height)


def max_zoom(width: float, height: float) -> int:
    """Finest zoom: at least ~8 px per point, capped at 8."""
    s0 = zoom0_scale(width, height)
    return max(0, min(MAX_ZOOM, math.ceil(math.log2(MIN_PX_PER_PT / s0))))


def tile_pyramid_info(width: float, height: float) -> dict:
    """Everything a tile client needs: tile size, zoom-0 scale, max zoom, grid per zoom."""
    s0 = zoom0_scale(width, height)
    mz = max_zoom(width, height)
    grid = [[math.ceil(width * s0 * 2**z / TILE), math.ceil(height * s0 * 2**z / TILE)] for z in range(mz + 1)]
    return {"tile_size": TILE, "width": width, "height": height, "s0": s0, "max_zoom": mz, "grid": grid}


def tile_rect(width: float, height: float, z: int, x: int, y: int) -> pymupdf.Rect:
    s = zoom0_scale(width, height) * 2**z
    return pymupdf.Rect(x * TILE / s, y * TILE / s, (x + 1) * TILE / s, (y + 1) * TILE / s)


def _doc(path: str):
    mtime = os.stat(path).st_mtime_ns
    hit = _docs.get(path)
    if hit and hit[0] == mtime:
        _docs.move_to_end(path)
        return mtime, hit[1]
    if hit:
        hit[1].close()
    _shown.pop(path, None)
    doc = pymupdf.open(path)
    _docs[path] = (mtime, doc)
    while len(_docs) > DOC_CACHE:
        gone, (_, old) = _docs.popitem(last=False)
        _shown.pop(gone, None)
        old.close()
    return mtime, doc


def _display_list(sheet, hidden: frozenset, shown: frozenset = frozenset()):
    """(display list, page rect) for a sheet path (cached), an open document, or a display list
    already made (drawn as it is: no layers hidden or shown)."""
    if isinstance(sheet, pymupdf.DisplayList):
        if hidden or shown:
            raise ValueError("a ready display list cannot hide or show layers")
        return sheet, sheet.rect
    if isinstance(sheet, pymupdf.Document):
        _set_layers(sheet, hidden, shown=shown)
        page = sheet[0]
        return page.get_displaylist(), page.rect
    path = str(Path(sheet))
    mtime, doc = _doc(path)
    key = (path, mtime, hidden, shown)
    hit = _lists.get(key)
    if hit:
        _lists.move_to_end(key)
        return hit
    state, defaults = _shown.setdefault(path, [(frozenset(), frozenset()), None])
    if state != (hidden, shown):  # a freshly opened document shows the defaults
        if defaults is None:
            defaults = _shown[path][1] = _defaults(doc)
        _set_layers(doc, hidden, defaults, shown)
        _shown[path][0] = (hidden, shown)
    page = doc[0]
    hit = _lists[key] = (page.get_displaylist(), page.rect)
    while len(_lists) > LIST_CACHE:
        _lists.popitem(last=False)
    return hit


def _defaults(doc) -> dict:
    """Layer name -> shown by default, as the document was opened (``get_ocgs`` reports the
    current state, so it is read before any layer is switched)."""
    return {v["name"]: v["on"] for v in doc.get_ocgs().values()}


def _set_layers(doc, hidden: frozenset, defaults: dict | None = None, shown: frozenset = frozenset()) -> None:
    """Default visibility of every layer, plus *shown* (layers off by default: off or not
    plotted in the drawing), minus *hidden* (layer names; hidden wins)."""
    defaults = _defaults(doc) if defaults is None else defaults
    if not defaults:
        return
    for ui in doc.layer_ui_configs():
        want = (defaults.get(ui["text"], True) or ui["text"] in shown) and ui["text"] not in hidden
        if bool(ui["on"]) != want:
            doc.set_layer_ui_config(ui["number"], 0 if want else 2)


def png(pix: pymupdf.Pixmap) -> bytes:
    """PNG of an RGB pixmap, deflated at zlib level 1: a third of the time MuPDF's own PNG
    writer takes, for files ~10% larger (tiles are mostly white and compress well anyway)."""
    w, h, n = pix.width, pix.height, pix.n
    raw = np.zeros((h, w * n + 1), np.uint8)  # each row: filter type 0, then its samples
    raw[:, 1:] = np.frombuffer(pix.samples_mv, np.uint8).reshape(h, w * n)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    colour = {1: 0, 3: 2, 4: 6}[n]
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def render_tile(sheet, z: int, x: int, y: int, hidden_layers=(), fmt: str = "png", shown_layers=()) -> bytes:
    """PNG bytes of tile (z, x, y) of a sheet PDF (path or open document), white background;
    *hidden_layers* drawn hidden, *shown_layers* (off by default) drawn."""
    with _lock:
        dl, rect = _display_list(sheet, frozenset(hidden_layers), frozenset(shown_layers))
        w, h = rect.width, rect.height
        mz = max_zoom(w, h)
        n = 2**z
        if not (0 <= z <= mz and 0 <= x < n and 0 <= y < n):
            raise NotFound(f"瓦片 {z}/{x}/{y} 超出范围", f"tile {z}/{x}/{y} is out of range",
                           details={"max_zoom": mz})
        s = zoom0_scale(w, h) * n
        tile = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(x * TILE, y * TILE, (x + 1) * TILE, (y + 1) * TILE), False)
        tile.clear_with(255)
        clip = tile_rect(w, h, z, x, y) & rect
        if not clip.is_empty:
            pix = _draw(dl, pymupdf.Matrix(s, s), clip)
            tile.copy(pix, pix.irect)
        return png(tile) if fmt == "png" else tile.tobytes(fmt)


def thumbnail(sheet, size: int = 512, hidden_layers=(), shown_layers=()) -> bytes:
    """PNG of the whole sheet, its long side *size* pixels."""
    with _lock:
        dl, rect = _display_list(sheet, frozenset(hidden_layers), frozenset(shown_layers))
        s = size / max(rect.width, rect.height)
        return png(_draw(dl, pymupdf.Matrix(s, s)))


def _draw(dl, matrix, clip=None):
    """A display list drawn with thin lines kept visible (MIN_LINE_PX); the caller holds _lock."""
    pymupdf.TOOLS.set_graphics_min_line_width(MIN_LINE_PX)
    try:
        return dl.get_pixmap(matrix=matrix, clip=clip, alpha=False)
    finally:
        pymupdf.TOOLS.set_graphics_min_line_width(0.0)


def forget(path) -> None:
    """Drop a sheet from the caches (after it was re-rendered or deleted)."""
    path = str(Path(path))
    with _lock:
        for key in [k for k in _lists if k[0] == path]:
            del _lists[key]
        hit = _docs.pop(path, None)
        _shown.pop(path, None)
        if hit:
            hit[1].close()
