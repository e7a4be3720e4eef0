"""Overlay compare of two revisions of a sheet: removed in red, added in green, unchanged grey.

Two ways, one result (:class:`SheetDiff`, an overlay sheet PDF that tiles like any sheet):

* ``diff_drawings`` — DXF, entity level.  Every entity of the sheet gets a geometry
  signature (type, layer, pen, rounded DXF attributes and vertices, block content for
  INSERTs); equal signatures are *unchanged* whatever their handles; what is left pairs up by
  handle as *changed* unless it moved further than its own size — and lettering (text, dimensions, blocks with attributes) also by
  type, layer and insertion point, so a room name or dimension value edited in a re-exported
  file is *changed* too — (old drawn red, new orange), the rest is *removed* / *added*.  The
  overlay is the usual vector sheet PDF with four optional content groups (unchanged /
  removed / added / changed) around the layer groups, so the viewer can hide a category.
  ``on_new_page=True`` lays it out on the new sheet's own page (same size and drawing→sheet
  map as the new revision's sheet PDF), so it lines up with that sheet's tiles.
* ``rasterdiff.diff_sheet_pdfs`` — any two sheet PDFs (PDF uploads, or rendered layouts),
  raster level: both pages rasterised at one scale; ink only in the old page is red, only in
  the new green (a 1-pixel tolerance absorbs anti-aliasing), the rest grey; one image page.

Changed regions are bounding boxes in sheet coordinates (points, y down), merged when close.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ezdxf import bbox as ezbbox
from ezdxf import path as ezpath

from drawreview.cad import render as R
from drawreview.cad.canvas import Canvas
from drawreview.cad.dxf import Drawing
from drawreview.cad.painter import Painter
from drawreview.cad.sheets import SheetSpec
from drawreview.cad.style import Styles

GREY, RED, GREEN, ORANGE = (0.62, 0.62, 0.62), (0.86, 0.1, 0.1), (0.0, 0.62, 0.15), (0.9, 0.584, 0.0)
CATEGORIES = {"unchanged": "修订：未变 / unchanged", "removed": "修订：删除 / removed", "added": "修订：新增 / added",
              "changed": "修订：修改 / changed"}
_LETTERING = {"TEXT", "MTEXT", "DIMENSION", "ARC_DIMENSION", "LARGE_RADIAL_DIMENSION", "INSERT", "ATTDEF"}
_SKIP_ATTRIBS = {"handle", "owner", "paperspace"}


@dataclass
class SheetDiff:
    pdf: str
    width: float
    height: float
    map: list[float] | None  # [a, e, f] for entity diffs (drawing units -> sheet points)
    method: str  # "entities" or "raster"
    counts: dict = field(default_factory=dict)  # added / removed / changed / unchanged
    regions: list[dict] = field(default_factory=list)  # {"kind", "bbox": [x0, y0, x1, y1]}
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # changes on layers hidden by default (off or not plotted): counted apart, their regions
    # flagged ``hidden`` with the layers (decision 128); {"added", "removed", "changed", "layers"}
    hidden: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# -- entity level (DXF) -----------------------------------------------------------------------
class _Fixed(Styles):
    """Styles whose every pen has one colour (lineweights and dashes kept)."""

    def __init__(self, doc, rgb) -> None:
        super().__init__(doc)
        self.rgb = rgb

    def pen(self, d: dict, in_block: bool) -> tuple:
        _, lw, dash = super().pen(d, in_block)
        return (self.rgb, lw, dash)


def _entities(drawing: Drawing, spec: SheetSpec) -> list:
    if spec.space == "layout":
        return [e for e in drawing.doc.layouts.get(spec.layout) if e.dxftype() != "VIEWPORT"]
    box = [spec.bbox]
    return [e for e in drawing.doc.modelspace() if R._bucket(e, box) == 0]


def _r(v):
    if isinstance(v, float):
        return round(v, 4)
    if hasattr(v, "x") and hasattr(v, "y"):
        return tuple(round(c, 4) for c in v)
    return v if isinstance(v, (int, str, type(None))) else str(v)


class _Signer:
    def __init__(self, doc) -> None:
        self.doc = doc
        self.blocks: dict[str, str] = {}

    def block(self, name: str) -> str:
        if name not in self.blocks:
            self.blocks[name] = "…"  # recursion guard
            blk = self.doc.blocks.get(name)
            sigs = sorted(self.sign(e) for e in blk) if blk is not None else []
            self.blocks[name] = hashlib.sha1("|".join(sigs).encode()).hexdigest()
        return self.blocks[name]

    def sign(self, e) -> str:
        attribs = {k: _r(v) for k, v in e.dxf.all_existing_dxf_attribs().items() if k not in _SKIP_ATTRIBS}
        parts = [e.dxftype(), repr(sorted(attribs.items()))]
        kind = e.dxftype()
        if kind == "INSERT":
            parts.append(self.block(e.dxf.name))
            parts += [f"{a.dxf.tag}={a.dxf.text}@{_r(a.dxf.insert)}" for a in e.attribs]
        elif kind == "DIMENSION" and e.dxf.get("geometry"):
            parts.append(self.block(e.dxf.geometry))
        elif kind in ("MTEXT",):
            parts.append(e.text)
        else:
            try:
                p = ezpath.make_path(e)
                parts.append(repr([_r(v) for v in p.control_vertices()]))
            except Exception:  # noqa: BLE001 - no path for this type: attributes only
                pass
        return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def _match(old: list, new: list, old_doc, new_doc):
    so, sn = _Signer(old_doc), _Signer(new_doc)
    osig, nsig = [so.sign(e) for e in old], [sn.sign(e) for e in new]
    pool = Counter(osig)
    unchanged, added = [], []
    for e, s in zip(new, nsig):
        if pool[s] > 0:
            pool[s] -= 1
            unchanged.append(e)
        else:
            added.append(e)
    left = Counter(nsig)
    removed = []
    for e, s in zip(old, osig):
        if left[s] > 0:
            left[s] -= 1
        else:
            removed.append(e)
    by_handle = {e.dxf.handle: e for e in added}
    changed = [(e, by_handle.pop(e.dxf.handle)) for e in removed
               if e.dxf.handle in by_handle and _near(e, by_handle[e.dxf.handle])]
    paired = {id(o) for o, _ in changed}
    removed = [e for e in removed if id(e) not in paired]
    added = list(by_handle.values())
    # lettering whose handle changed (a re-exported file): same type, layer and insertion point
    by_place: dict = {}
    for e in added:
        if (k := _place(e)) is not None:
            by_place.setdefault(k, []).append(e)
    keep = []
    for e in removed:
        k = _place(e)
        if k is not None and by_place.get(k):
            changed.append((e, by_place[k].pop(0)))
        else:
            keep.append(e)
    taken = {id(n) for _, n in changed}
    return unchanged, keep, [e for e in added if id(e) not in taken], changed


def _near(a, b) -> bool:
    """A pair is one changed thing unless it moved further than its own size (then it is
    removed there and added here)."""
    ea, eb = _extent(a), _extent(b)
    if ea is None or eb is None:
        return True
    gx = max(0.0, max(ea[0], eb[0]) - min(ea[2], eb[2]))
    gy = max(0.0, max(ea[1], eb[1]) - min(ea[3], eb[3]))
    size = max(ea[2] - ea[0], ea[3] - ea[1], eb[2] - eb[0], eb[3] - eb[1])
    return (gx * gx + gy * gy) ** 0.5 <= size


def _place(e):
    kind = e.dxftype()
    if kind not in _LETTERING:
        return None
    p = e.dxf.get("defpoint") if "DIMENSION" in kind else e.dxf.get("insert")
    if p is None:
        return None
    return kind, e.dxf.get("layer", "0"), round(p.x, 3), round(p.y, 3)


def diff_drawings(old: Drawing, old_spec: SheetSpec, new: Drawing, new_spec: SheetSpec,
                  out_pdf: str | Path, *, on_new_page: bool = False, deadline: float | None = None) -> SheetDiff:
    """Entity-level overlay of one sheet in two revisions of a DXF (page map of the new one).

    The page covers both sheets' boxes, or with *on_new_page* exactly the new sheet's page
    (what lies outside it is clipped, as on the sheet itself).  *deadline*
    (``time.monotonic()``) stops painting with :class:`RenderTimeout`."""
    t0 = time.perf_counter()
    x0, y0, x1, y1 = new_spec.bbox
    if old_spec.bbox and not on_new_page:
        ox0, oy0, ox1, oy1 = old_spec.bbox
        x0, y0, x1, y1 = min(x0, ox0), min(y0, oy0), max(x1, ox1), max(y1, oy1)
    spec = SheetSpec(new_spec.key, new_spec.space, new_spec.layout, (x0, y0, x1, y1), new_spec.number,
                     new_spec.title, new_spec.discipline, new_spec.scale)
    unchanged, removed, added, changed = _match(_entities(old, old_spec), _entities(new, spec),
                                                old.doc, new.doc)
    st = R._setup(spec, new)
    a, decimals = st[0], st[4]
    names: dict[str, str] = {}
    for label in CATEGORIES.values():
        names[label] = f"K{len(names)}"
    painters = []
    content = []
    texts = []
    skipped = 0
    for label, parts in [
            (CATEGORIES["unchanged"], [(new, GREY, unchanged)]),
            (CATEGORIES["removed"], [(old, RED, removed)]),
            (CATEGORIES["added"], [(new, GREEN, added)]),
            (CATEGORIES["changed"], [(old, RED, [o for o, _ in changed]), (new, ORANGE, [n for _, n in changed])])]:
        body = []
        for drawing, rgb, ents in parts:
            styles = _Fixed(drawing.doc, rgb)
            p = Painter(drawing.doc, styles, a, decimals, names)
            p.prefix = f"D{len(painters)}B"  # distinct form names per painter
            p.deadline = deadline
            painters.append(p)
            cv = Canvas(a, x0, y0, decimals, layer_names=names)
            for e in ents:
                p.paint(e, cv)
            body.append(cv.close())
            texts += cv.texts
            skipped += cv.skipped
        content.append(f"/OC /{names[label]} BDC\n{''.join(body)}EMC\n")
    extra = [f for p in painters[1:] for f in p.forms.values() if f is not None]
    clip = "0 0 %.6f %.6f re W n\n" % (x1 - x0, y1 - y0)
    counts = {"added": len(added), "removed": len(removed), "changed": len(changed), "unchanged": len(unchanged)}
    res = R._write(new, spec, st, "".join(content), clip, painters[0], extra, Styles(new.doc),
                   {label: 1 for label in CATEGORIES.values()}, texts, Path(out_pdf), skipped)
    regions, hidden_regions = [], []
    hidden = {"added": 0, "removed": 0, "changed": 0}
    hidden_layers: set[str] = set()
    seen = _Seen(old.doc, new.doc)
    for kind, ents in [("removed", [(e,) for e in removed]), ("added", [(e,) for e in added]),
                       ("changed", changed)]:
        for group in ents:  # a changed pair: one region over its old and new extents
            # a removed entity is judged in the old revision, an added one in the new, a changed
            # pair in both: hidden only when neither sheet as issued draws it
            revisions = (False,) if kind == "removed" else (True,) if kind == "added" else (False, True)
            unseen = not any(seen.drawn(e, in_new) for e, in_new in zip(group, revisions))
            if unseen:  # reported apart
                hidden[kind] += 1
                counts[kind] -= 1
                hidden_layers.update(e.dxf.get("layer", "0") for e in group)
            boxes = [b for b in map(_extent, group) if b is not None]
            if boxes:
                box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                       max(b[2] for b in boxes), max(b[3] for b in boxes))
                bx0, by0, bx1, by1 = box
                (hidden_regions if unseen else regions).append(
                    (kind, [a * bx0 + res.map[1], -a * by1 + res.map[2], a * bx1 + res.map[1], -a * by0 + res.map[2]]))
    notes = res.notes
    if spec.space == "layout":
        notes.append("布局比较只含图纸空间图元，视口内容请用栅格比较 / layout compare covers paper-space "
                     "entities only; compare viewport content with diff_sheet_pdfs")
    merged = _merge(regions, 6.0) + [{**r, "hidden": True} for r in _merge(hidden_regions, 6.0)]
    if hidden_layers:
        hidden["layers"] = sorted(hidden_layers)
    return SheetDiff(res.pdf, res.width, res.height, res.map, "entities", counts, merged, notes,
                     round(time.perf_counter() - t0, 4), hidden)


class _Seen:
    """Whether a changed entity is drawn on its sheet as issued: its layer is on and plotted
    (``LayerInfo.shown``), or it is a block inserted on a layer hidden by default that holds
    content on other layers (which shows: AutoCAD's layer off, cad/blockforms.py)."""

    def __init__(self, old_doc, new_doc) -> None:
        from drawreview.cad.extents import Measurer

        self.styles = {True: Styles(new_doc), False: Styles(old_doc)}
        self.measurers = {True: Measurer(new_doc, self.styles[True]), False: Measurer(old_doc, self.styles[False])}

    def drawn(self, e, in_new: bool) -> bool:
        d = e.dxf.__dict__
        if self.styles[in_new].layer(d.get("layer", "0")).shown:
            return True
        if e.dxftype() == "INSERT":
            try:
                return self.measurers[in_new].block_box(d.get("name", ""), own=True) is not None
            except Exception:  # noqa: BLE001 - unmeasurable: say it is drawn rather than hide it
                return True
        return False


def _extent(e):
    try:
        ext = ezbbox.extents([e], fast=True)
    except Exception:  # noqa: BLE001
        return None
    if not ext.has_data:
        return None
    return ext.extmin.x, ext.extmin.y, ext.extmax.x, ext.extmax.y


def _merge(regions: list, gap: float) -> list[dict]:
    """Merge boxes of one kind that overlap or lie within *gap* points of each other."""
    out = []
    for kind in ("removed", "added", "changed"):
        boxes = [list(b) for k, b in regions if k == kind]
        merged = True
        while merged:
            merged = False
            keep: list[list] = []
            for b in boxes:
                for k in keep:
                    if b[0] <= k[2] + gap and k[0] <= b[2] + gap and b[1] <= k[3] + gap and k[1] <= b[3] + gap:
                        k[:] = [min(k[0], b[0]), min(k[1], b[1]), max(k[2], b[2]), max(k[3], b[3])]
                        merged = True
                        break
                else:
                    keep.append(b)
            boxes = keep
        out += [{"kind": kind, "bbox": [round(v, 2) for v in b]} for b in boxes]
    return out
