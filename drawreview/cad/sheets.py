"""Split a drawing into sheets: model space (one per title-block frame) and each paper-space
layout with content.

One pass over a space (``cad.extents``) measures every visible entity in world coordinates and
collects frame candidates (rectangles, block inserts) and the texts/ATTRIBs a title block may
hold; ``cad.frames`` decides which candidates are sheet frames.  Visible content that ends up
on no sheet is named in the first sheet's notes.  Keys are stable: ``model``, ``model#2`` … (frames ordered in rows, top to
bottom, left to right) and ``layout:<name>`` (``layout:<name>#2`` …).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from drawreview.cad import textcodes, titleblock
from drawreview.cad.dxf import Drawing, finite
from drawreview.cad.extents import Measurer
from drawreview.cad.frames import find_frames
from drawreview.cad.notes import info
from drawreview.cad.style import Styles
from drawreview.cad.viewport import clip_outline, model_viewports

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


def split_sheets(drawing: Drawing) -> list[SheetSpec]:
    """Every sheet of a loaded drawing: model space (one per sheet frame, or its extents) and
    each paper-space layout with content.  The one splitter for the upload pipeline and
    ``drawreview check``."""
    doc = drawing.doc
    measurer = Measurer(doc, Styles(doc))
    specs: list[SheetSpec] = []
    m = measurer.space(doc.modelspace())
    if m.count:
        specs += _space_sheets(m, "model", "model", None)
    for layout in doc.layouts:
        if layout.is_modelspace:
            continue
        m = measurer.space(layout)
        outlines = [clip_outline(vp) for vp in model_viewports(layout)]
        for outline in outlines:
            xs, ys = [p[0] for p in outline], [p[1] for p in outline]
            m.boxes.append((min(xs), min(ys), max(xs), max(ys)))
        m.count += len(outlines)
        if m.count:
            specs += _space_sheets(m, f"layout:{layout.name}", "layout", layout.name, _paper(layout))
    drawing.block_boxes = measurer.blocks  # the painter's form boxes are these block extents
    drawing.exploded = measurer.exploded  # and it draws the multilines measured here
    return specs


def _space_sheets(m, key: str, space: str, layout: str | None, paper=None) -> list[SheetSpec]:
    frames = find_frames(m)
    boxes = np.asarray(m.boxes, dtype=float).reshape(-1, 4)
    if not frames:
        extents = robust_extents(boxes)
        if extents is not None and paper is not None:  # the layout's paper, and whatever lies beyond it
            extents = (min(extents[0], paper[0]), min(extents[1], paper[1]),
                       max(extents[2], paper[2]), max(extents[3], paper[3]))
        elif paper is not None and not len(boxes):
            extents = paper
        spec = SheetSpec(key, space, layout, extents, notes=[NO_FRAME])
        _name_from_layout(spec)
        _outside(spec, [extents] if extents else [], boxes)
        return [spec]
    out = []
    for i, fr in enumerate(_rows(frames)):
        spec = SheetSpec(key if i == 0 else f"{key}#{i + 1}", space, layout, fr[:4], detected=True, frames=len(frames))
        info = _title(fr, m)
        spec.number, spec.title = info["number"], info["title"]
        spec.discipline, spec.scale = info["discipline"], info["scale"]
        if len(frames) == 1:
            _name_from_layout(spec)
        out.append(spec)
    _outside(out[0], [s.bbox for s in out], boxes)
    return out


NO_FRAME = info("未识别到图框，按图纸范围出图 / no frame found; the sheet covers the drawing extents")
DEFAULT_LAYOUT = re.compile(r"^(layout|布局|model|模型|sheet|lay)\s*\d*$", re.I)


def _name_from_layout(spec: SheetSpec) -> None:
    """A layout named like a sheet number (建施-01, A-101) numbers its sheet; another name that is
    not a default one (Layout1, 布局2) titles it, when the title block gave nothing."""
    name = (spec.layout or "").strip()
    if not name or DEFAULT_LAYOUT.match(name):
        return
    if not spec.number and titleblock.looks_like_number(name):
        spec.number = name
        spec.discipline = spec.discipline or titleblock.discipline_of(name)
    elif not spec.title and not titleblock.looks_like_number(name):
        spec.title = name


NUMBER_FROM_FILE = info("图号取自文件名（图面未注明图号）/ the sheet number is taken from the file name "
                        "(the drawing names none)")


def name_from_file(specs: list[SheetSpec], file_name: str) -> None:
    """A file that makes one sheet and names no number on it, named after that sheet
    (建施-01 一层平面图.dwg): the number (and title) from the file name, said in the sheet's
    notes, so completeness and the report know the sheet. Several sheets: the name is no one's."""
    if len(specs) != 1 or specs[0].number:
        return
    got = titleblock.number_from_file_name(file_name or "")
    if got is None:
        return
    spec = specs[0]
    spec.number, spec.title = got[0], spec.title or got[1] or None
    spec.discipline = spec.discipline or titleblock.discipline_of(got[0])
    spec.notes = spec.notes + [NUMBER_FROM_FILE]


def _outside(spec: SheetSpec, sheet_boxes: list, boxes: np.ndarray) -> None:
    """Name in *spec*'s notes the visible entities whose box meets none of *sheet_boxes*."""
    if not len(boxes):
        return
    hit = np.zeros(len(boxes), dtype=bool)
    for x0, y0, x1, y1 in sheet_boxes:
        tol = 1e-6 * max(x1 - x0, y1 - y0, 1e-9)
        hit |= (boxes[:, 0] <= x1 + tol) & (boxes[:, 2] >= x0 - tol) & (boxes[:, 1] <= y1 + tol) & \
               (boxes[:, 3] >= y0 - tol)
    n = int((~hit).sum())
    if n:
        where = "任何图框之外" if spec.detected else "图形主体之外很远处"
        en = "outside every sheet frame" if spec.detected else "far away from the rest of the drawing"
        lies, is_ = ("1 visible entity lies", "is") if n == 1 else (f"{n} visible entities lie", "are")
        spec.notes.append(info(f"{n} 个可见图元位于{where}，未出现在本文件的图纸上 / {lies} {en} "
                               f"and {is_} on no sheet of this file"))


def _paper(layout) -> tuple | None:
    """The layout's paper (its limits, in paper units) when it has sane ones."""
    d = layout.dxf_layout.dxf if hasattr(layout, "dxf_layout") else None
    lo, hi = (d.get("limmin"), d.get("limmax")) if d is not None else (None, None)
    if lo is None or hi is None or not finite(lo.x, lo.y, hi.x, hi.y):
        return None
    if hi.x - lo.x <= 0 or hi.y - lo.y <= 0:
        return None
    return (lo.x, lo.y, hi.x, hi.y)


def anchor(d: dict):
    for key in ("start", "insert", "center", "defpoint", "location"):
        p = d.get(key)
        if p is not None:
            return p
    return None


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


def _title(frame, scan) -> dict:
    x0, y0, x1, y1, attribs = frame[:5]
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
                text = textcodes.words(e)
            except Exception:  # noqa: BLE001
                continue
            texts.append((text.strip(), x, y, th))
    return titleblock.read(pairs, texts)


def robust_extents(points) -> tuple[float, float, float, float] | None:
    """Bounding box of *points* (x, y) or boxes (x0, y0, x1, y1) ignoring damaged values and
    far-away strays (the entities left out are named in the sheet's notes).

    A stray lies apart from the drawing: beyond twice the span of the bulk of it (the 1st to
    99th percentile of the corners) and joined to it by nothing.  What reaches out from the bulk
    (a frame's side lines around a title block of a thousand exploded letter strokes) is the
    drawing, however few its corners are: boxes are measured as the intervals they cover, and
    the intervals joined to the bulk keep their whole length (docs/decisions/129)."""
    a = np.asarray(points, dtype=float)
    if not a.size:
        return None
    boxes = a if a.shape[1] == 4 else np.hstack([a, a])
    boxes = boxes[np.isfinite(boxes).all(axis=1) & (np.abs(boxes) < LIMIT).all(axis=1)]
    if not len(boxes):
        return None
    corners = boxes.reshape(-1, 2)
    lo, hi = np.percentile(corners, [1, 99], axis=0)
    span = np.maximum(hi - lo, 1e-9)
    reach = [_reach(boxes[:, axis], boxes[:, axis + 2], lo[axis], hi[axis], span[axis], float(span.max()))
             for axis in (0, 1)]
    keep = np.ones(len(corners), dtype=bool)
    for axis, (r0, r1) in enumerate(reach):
        keep &= (corners[:, axis] >= r0) & (corners[:, axis] <= r1)
    a = corners[keep]
    (x0, y0), (x1, y1) = a.min(axis=0), a.max(axis=0)
    if x1 - x0 <= 0 and y1 - y0 <= 0:
        x0, y0, x1, y1 = x0 - 1, y0 - 1, x1 + 1, y1 + 1
    return float(x0), float(y0), float(x1), float(y1)


def _reach(starts: np.ndarray, ends: np.ndarray, lo: float, hi: float, span: float,
           size: float) -> tuple[float, float]:
    """The range along one axis that the drawing covers: the bulk [lo, hi] widened by twice its
    span, and further by every run of overlapping intervals that meets that window.  An interval
    longer than ``LONG`` times the bulk's *size* (its larger span) joins nothing (a line to a
    damaged far point)."""
    w0, w1 = lo - 2 * span, hi + 2 * span
    short = (ends - starts) <= LONG * size
    s, e = starts[short], ends[short]
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    if not len(s):
        return w0, w1
    run_end = np.maximum.accumulate(e)
    first = np.r_[True, s[1:] > run_end[:-1]]  # where a run of overlapping intervals begins
    run_lo = s[first]
    run_hi = np.maximum.reduceat(e, np.nonzero(first)[0])
    meets = (run_hi >= w0) & (run_lo <= w1)
    if meets.any():
        w0, w1 = min(w0, float(run_lo[meets].min())), max(w1, float(run_hi[meets].max()))
    return w0, w1


LONG = 100  # an interval longer than this many bulk spans is no part of the drawing's reach
