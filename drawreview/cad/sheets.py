"""Split a drawing into sheets: model space (one per title-block frame) and each paper-space
layout with content.

One pass over a space collects cheap anchor points (for robust extents), frame candidates
(closed rectangles on frame layers, INSERTs of frame blocks) and the texts/ATTRIBs a title
block may hold.  Keys are stable: ``model``, ``model#2`` … (frames ordered in rows, top to
bottom, left to right) and ``layout:<name>`` (``layout:<name>#2`` …).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
from ezdxf import bbox as ezbbox

from drawreview.cad import titleblock
from drawreview.cad.dxf import Drawing, finite
from drawreview.cad.viewport import clip_outline, model_viewports

FRAME_LAYER = re.compile(r"图框|(^|[^A-Z])(TK|BORDER|FRAME|TTLB|TITLE)([^A-Z]|$)", re.I)
FRAME_BLOCK = re.compile(r"图框|TK|FRAME|BORDER", re.I)
LIMIT = 1e15


@dataclass
class SheetSpec:
    key: str
    space: str  # "model", "layout" or "pdf"
    layout: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # drawing units
    number: str | None = None
    title: str | None = None
    discipline: str | None = None
    scale: str | None = None
    detected: bool = False  # a frame / title block was found
    page: int | None = None  # PDF page index
    frames: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Scan:
    points: list = field(default_factory=list)
    frames: list = field(default_factory=list)  # (x0, y0, x1, y1, attribs)
    texts: list = field(default_factory=list)  # (entity, x, y, h)
    attribs: list = field(default_factory=list)  # (tag, value, x, y)
    unmeasured: list = field(default_factory=list)  # entities that gave no points (hatches, splines...)
    count: int = 0


def split_sheets(drawing: Drawing) -> list[SheetSpec]:
    doc = drawing.doc
    specs: list[SheetSpec] = []
    block_boxes: dict[str, tuple | None] = {}
    msp = doc.modelspace()
    scan = _scan(msp, doc, block_boxes)
    if scan.count:
        specs += _space_sheets(scan, "model", "model", None)
    for layout in doc.layouts:
        if layout.is_modelspace:
            continue
        scan = _scan(layout, doc, block_boxes, paper=True)
        if scan.count:
            specs += _space_sheets(scan, f"layout:{layout.name}", "layout", layout.name)
    return specs


def _space_sheets(scan: _Scan, key: str, space: str, layout: str | None) -> list[SheetSpec]:
    frames = _outermost(scan.frames)
    extents = robust_extents(scan.points)
    if not frames:
        return [SheetSpec(key, space, layout, extents, notes=["未识别到图框，按图纸范围出图 / no frame found; "
                                                              "the sheet covers the drawing extents"])]
    out = []
    for i, fr in enumerate(_rows(frames)):
        spec = SheetSpec(key if i == 0 else f"{key}#{i + 1}", space, layout, fr[:4], detected=True, frames=len(frames))
        info = _title(fr, scan)
        spec.number, spec.title = info["number"], info["title"]
        spec.discipline, spec.scale = info["discipline"], info["scale"]
        out.append(spec)
    return out


def _scan(layout, doc, block_boxes: dict, paper: bool = False) -> _Scan:
    s = _Scan()
    pts = s.points
    for e in layout:
        d = e.dxf.__dict__
        kind = e.dxftype()
        if kind == "VIEWPORT":  # paper space: the viewports that show model space, below
            continue
        s.count += 1
        before = len(pts)
        p = anchor(d)
        if p is not None and kind != "INSERT":
            pts.append((p.x, p.y))
            if kind == "LINE":
                q = d["end"]
                pts.append((q.x, q.y))
            elif kind in ("CIRCLE", "ARC"):
                r = d.get("radius", 0)
                pts += [(p.x - r, p.y - r), (p.x + r, p.y + r)]
        if kind == "LWPOLYLINE":
            v = e.lwpoints.values.reshape(-1, 5)
            if len(v):
                xs, ys = v[:, 0].tolist(), v[:, 1].tolist()
                box = (min(xs), min(ys), max(xs), max(ys))
                pts += [box[:2], box[2:]]
                if _is_rect(xs, ys, e.closed) and FRAME_LAYER.search(d.get("layer", "")):
                    s.frames.append((*box, []))
        elif kind == "POLYLINE" and e.is_2d_polyline:  # R12 drawings draw frames this way
            loc = [v.dxf.location for v in e.vertices]
            if loc:
                xs, ys = [q.x for q in loc], [q.y for q in loc]
                box = (min(xs), min(ys), max(xs), max(ys))
                pts += [box[:2], box[2:]]
                if _is_rect(xs, ys, e.is_closed) and FRAME_LAYER.search(d.get("layer", "")):
                    s.frames.append((*box, []))
        elif kind in ("TEXT", "MTEXT") and p is not None:
            th = d.get("height") or d.get("char_height") or 1.0
            s.texts.append((e, p.x, p.y, th))
            w = d.get("width", 0) if kind == "MTEXT" else 0
            w = w if w and w > 0 else th * 0.6 * min(len(d.get("text", "")), 40)
            pts.append((p.x + w, p.y + th))
        elif kind == "INSERT":
            name = d.get("name", "")
            attribs = [(a.dxf.tag, a.dxf.text, a.dxf.insert.x, a.dxf.insert.y) for a in e.attribs]
            s.attribs += attribs
            box = _insert_box(e, doc, block_boxes)
            if box is not None:
                pts += [box[:2], box[2:]]
                if FRAME_BLOCK.search(name):
                    s.frames.append((*box, attribs))
        if len(pts) == before:
            s.unmeasured.append(e)
    if paper:
        for vp in model_viewports(layout):
            outline = clip_outline(vp)
            pts += [(min(p[0] for p in outline), min(p[1] for p in outline)),
                    (max(p[0] for p in outline), max(p[1] for p in outline))]
            s.count += 1
    return s


def anchor(d: dict):
    for key in ("start", "insert", "center", "defpoint"):
        p = d.get(key)
        if p is not None:
            return p
    return None


def _is_rect(xs, ys, closed: bool) -> bool:
    n = len(xs)
    if n == 5 and abs(xs[0] - xs[4]) < 1e-9 and abs(ys[0] - ys[4]) < 1e-9:
        n, closed = 4, True
    if n != 4 or not closed:
        return False
    ux = {round(x, 6) for x in xs[:4]}
    uy = {round(y, 6) for y in ys[:4]}
    return len(ux) == 2 and len(uy) == 2


def _insert_box(e, doc, cache: dict) -> tuple | None:
    name = e.dxf.name
    if name not in cache:
        cache[name] = None  # while it is measured: a block that inserts itself adds nothing
        block = doc.blocks.get(name)
        if block is not None:
            try:
                cache[name] = _block_box(block, doc, cache)
            except RecursionError:  # blocks nested hundreds deep
                cache[name] = None
    box = cache[name]
    if box is None:
        return None
    d = e.dxf.__dict__
    if not d.get("rotation") and d.get("extrusion") is None and all(
            d.get(k, 1.0) == 1.0 for k in ("xscale", "yscale")) and d.get("row_count", 1) == 1 \
            and d.get("column_count", 1) == 1:
        ins = d["insert"]
        dx, dy = ins.x - box[4], ins.y - box[5]
        return box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy
    m = e.matrix44()
    corners = [m.transform((x, y, 0)) for x in (box[0], box[2]) for y in (box[1], box[3])]
    xs, ys = [c.x for c in corners], [c.y for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _block_box(block, doc, cache: dict) -> tuple | None:
    """A block's extents and base point: the same points the layout scan takes (nested
    inserts through *cache*), and ezdxf's bounding box only for what the scan does not
    measure (ezdxf's for a whole block is ~10x slower: it explodes every entity)."""
    scan = _scan(block, doc, cache)
    pts = scan.points
    if scan.unmeasured:
        try:
            ext = ezbbox.extents(scan.unmeasured, fast=True)
            if ext.has_data:
                pts += [(ext.extmin.x, ext.extmin.y), (ext.extmax.x, ext.extmax.y)]
        except Exception:  # noqa: BLE001 - a damaged entity adds nothing
            pass
    pts = [p for p in pts if finite(*p)]
    if not pts:
        return None
    base = block.block.dxf.get("base_point") if block.block else None
    bx, by = (base.x, base.y) if base is not None else (0.0, 0.0)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys), bx, by


def _outermost(frames: list) -> list:
    """Drop frames inside other frames (inner borders, title-block tables) and tiny ones."""
    if not frames:
        return []
    big = max((f[2] - f[0]) * (f[3] - f[1]) for f in frames)
    keep = []
    for f in frames:
        w, h = f[2] - f[0], f[3] - f[1]
        if w <= 0 or h <= 0 or w * h < big * 0.02 or max(w, h) / min(w, h) > 6:
            continue
        inside = any(g is not f and g[0] <= f[0] + 1e-6 and g[1] <= f[1] + 1e-6 and g[2] >= f[2] - 1e-6
                     and g[3] >= f[3] - 1e-6 and (g[2] - g[0]) * (g[3] - g[1]) > w * h for g in frames)
        dup = any(g[:4] == f[:4] and id(g) < id(f) for g in keep)
        if not inside and not dup:
            keep.append(f)
    return keep


def _rows(frames: list) -> list:
    """Order frames in rows (top to bottom), each row left to right."""
    frames = sorted(frames, key=lambda f: -f[3])
    rows: list[list] = []
    for f in frames:
        for row in rows:
            r = row[0]
            if min(r[3], f[3]) - max(r[1], f[1]) > 0.5 * min(r[3] - r[1], f[3] - f[1]):
                row.append(f)
                break
        else:
            rows.append([f])
    return [f for row in rows for f in sorted(row, key=lambda f: f[0])]


def _title(frame, scan: _Scan) -> dict:
    x0, y0, x1, y1, attribs = frame
    w, h = x1 - x0, y1 - y0
    cx, cy = x0 + w * 0.5, y0 + h * 0.4  # the lower-right corner region

    def corner(x, y):
        return cx <= x <= x1 and y0 <= y <= cy

    pairs = [(t, v) for t, v, *_ in attribs]
    pairs += [(t, v) for t, v, x, y in scan.attribs if corner(x, y)]
    texts = []
    for e, x, y, th in scan.texts:
        if corner(x, y):
            try:
                text = e.plain_text() if e.dxftype() == "TEXT" else " ".join(e.plain_text(split=True))
            except Exception:  # noqa: BLE001
                continue
            texts.append((text.strip(), x, y, th))
    return titleblock.read(pairs, texts)


def robust_extents(points) -> tuple[float, float, float, float] | None:
    """Bounding box of *points* ignoring damaged values and far-away strays."""
    if not points:
        return None
    a = np.asarray(points, dtype=float)
    a = a[np.isfinite(a).all(axis=1) & (np.abs(a) < LIMIT).all(axis=1)]
    if not len(a):
        return None
    lo, hi = np.percentile(a, 1, axis=0), np.percentile(a, 99, axis=0)
    span = np.maximum(hi - lo, 1e-9)
    keep = ((a >= lo - 2 * span) & (a <= hi + 2 * span)).all(axis=1)
    a = a[keep]
    (x0, y0), (x1, y1) = a.min(axis=0), a.max(axis=0)
    if x1 - x0 <= 0 and y1 - y0 <= 0:
        x0, y0, x1, y1 = x0 - 1, y0 - 1, x1 + 1, y1 + 1
    return float(x0), float(y0), float(x1), float(y1)
