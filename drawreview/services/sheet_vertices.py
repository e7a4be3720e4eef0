"""The drawing's own corners and ends, for snapping measurements: every vertex of the sheet PDF's
vector linework (line ends, curve ends, rectangle and quad corners), in sheet points (PyMuPDF page
coordinates, y down — the viewer's sheet coordinates). Read once per sheet PDF and kept in a small
cache per set of layers the reviewer hid or showed (the tiles' ``?hidden=`` / ``?shown=``): the
vertices are those of the linework drawn on the tiles, so a measurement snaps only to what is seen.
A query returns the vertices inside a box, nearest the box's centre first."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import pymupdf

MAX_VERTICES = 400_000  # a sheet with more is sampled by its first vertices (said in the answer)
_cache: OrderedDict[tuple, tuple[np.ndarray, bool]] = OrderedDict()
_lock = threading.Lock()
CACHE_SIZE = 8


def _read(path: str, hidden: frozenset = frozenset(), shown: frozenset = frozenset()) -> tuple[np.ndarray, bool]:
    from drawreview.cad.tiles import _set_layers

    pts: list[tuple[float, float]] = []
    with pymupdf.open(path) as doc:
        if hidden or shown:  # MuPDF lists only the drawings of the optional content switched on
            _set_layers(doc, hidden, None, shown)
        for drawing in doc[0].get_drawings():
            for item in drawing["items"]:
                op = item[0]
                if op == "l":
                    pts += [(item[1].x, item[1].y), (item[2].x, item[2].y)]
                elif op == "c":
                    pts += [(item[1].x, item[1].y), (item[4].x, item[4].y)]
                elif op == "re":
                    r = item[1]
                    pts += [(r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1)]
                elif op == "qu":
                    q = item[1]
                    pts += [(q.ul.x, q.ul.y), (q.ur.x, q.ur.y), (q.lr.x, q.lr.y), (q.ll.x, q.ll.y)]
            if len(pts) >= MAX_VERTICES:
                break
    truncated = len(pts) >= MAX_VERTICES
    arr = np.unique(np.round(np.array(pts[:MAX_VERTICES], dtype=float).reshape(-1, 2), 3), axis=0)
    return arr, truncated


def vertices(path: str, key: str, hidden=(), shown=()) -> tuple[np.ndarray, bool]:
    """The vertices of sheet PDF *path* (*key*: its hash) with its layers in their default states,
    *hidden* layers hidden and *shown* ones (off by default) shown."""
    hidden, shown = frozenset(hidden), frozenset(shown)
    key = (key, hidden, shown)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    got = _read(path, hidden, shown)
    with _lock:
        _cache[key] = got
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return got


def in_box(arr: np.ndarray, box: tuple[float, float, float, float], limit: int) -> tuple[list[list[float]], bool]:
    """Vertices inside ``box`` (x0, y0, x1, y1), at most ``limit``, nearest the centre first."""
    x0, y0, x1, y1 = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
    if not len(arr):
        return [], False
    sel = arr[(arr[:, 0] >= x0) & (arr[:, 0] <= x1) & (arr[:, 1] >= y0) & (arr[:, 1] <= y1)]
    more = len(sel) > limit
    if more:
        c = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        sel = sel[np.argsort(((sel - c) ** 2).sum(axis=1))[:limit]]
    return sel.tolist(), more
