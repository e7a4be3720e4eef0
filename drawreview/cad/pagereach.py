"""Which of a sheet's layers hidden by default reach beyond its page (docs/decisions/128, 131).

The page is fitted to what the drawing shows by default (the plot: decision 122). A layer off
or not plotted in the drawing is kept in the sheet PDF as optional content, off by default, and
a reviewer may show it; what it holds outside the page is then cut at the page edge. The sheet
says so instead of growing the page (``beyond_page: true`` in its layer list; the viewer notes
it): a page grown to a far-off construction line would shrink the issued drawing and move every
comment's coordinates, and such layers are where stray content lives.

Measured here, while the sheet is drawn, from the drawing itself: the box of what each hidden
layer puts on the sheet, as the painter writes it — an entity on the layer; a block's content on
the layer, through every insert (nested ones too), cut at an XCLIP boundary's box; the layer-0
content of a block inserted on the layer (it takes the insert's layer); model space seen through
a layout's viewports, cut at each viewport's outline (decision 141: before, all 22 flags of the
shared drawings were model space cut there). Frozen layers (the drawing's, a viewport's) are not
drawn and not measured. Only entities on hidden layers, and each block once, are measured, so a
sheet pays almost nothing for it. The reference is ezdxf's drawing add-on drawing the sheet with
every layer on, whose output is cut at every clip (tests/cad/test_pagereach.py compares both on
every shared drawing); MuPDF's boxes of the finished PDF, the measure until decision 131, do not
see clips.
"""

from __future__ import annotations

import math

from drawreview.cad.extents import Measurer, insert_box

SLACK_PT = 1.0  # a line on the page's edge is not beyond it
EVERYWHERE = (-math.inf, -math.inf, math.inf, math.inf)  # an XLINE / RAY: drawn past every page
PLACED = ("INSERT", "DIMENSION")  # entities that draw a block


class _Unfiltered(Measurer):
    """The splitter's measure of one entity, whatever its layer's state (the painter draws an
    entity on a layer that is off into that layer's optional content)."""

    def visible(self, d: dict, in_block: bool = False) -> bool:
        return True


class Reach:
    """The boxes of one document's content on its layers hidden by default (off or not plotted,
    not frozen), by layer name as the sheet's layer list spells it; blocks measured once."""

    def __init__(self, doc, styles) -> None:
        self.doc = doc
        self.styles = styles
        self.hidden = {key for key, info in styles.layers.items() if not info.shown and not info.frozen}
        self._measurer = _Unfiltered(doc, styles)
        self._named: dict[tuple, dict] = {}  # (block, frozen) -> {layer: box with base point}
        self._zero: dict[tuple, tuple | None] = {}  # (block, frozen) -> its layer-0 content's box
        self._model: dict[frozenset, dict] = {}  # viewport-frozen layers -> model space's boxes

    def __bool__(self) -> bool:
        return bool(self.hidden)

    # -- what a sheet draws -------------------------------------------------------------
    def add(self, e, out: dict, frozen: frozenset = frozenset()) -> None:
        """Grow *out* ({layer: [x0, y0, x1, y1]}) by what top-level entity *e* draws on hidden
        layers; *frozen*: lower-case names of a viewport's frozen layers."""
        d = e.dxf.__dict__
        layer = d.get("layer", "0")
        key = layer.lower()
        hidden = key in self.hidden
        kind = e.dxftype()
        if not hidden and kind not in PLACED:  # most entities: a visible layer, no block
            return
        info = self.styles.layer(layer)
        if info.frozen or (frozen and key in frozen):
            return
        if kind in PLACED:
            self._placed(e, d, kind, info.name, hidden, out, frozen)
        elif hidden:
            _grow_all(out, info.name, self._measure(e))

    def through(self, vp, out: dict) -> None:
        """Grow *out* by model space as viewport *vp* shows it on paper: cut at the viewport's
        outline (its clipping boundary's box), as the painter clips it."""
        from drawreview.cad.viewport import clip_outline

        frozen = frozenset(n.lower() for n in vp.frozen_layers)
        model = self._model.get(frozen)
        if model is None:
            model = self._model[frozen] = {}
            for e in self.doc.modelspace():
                self.add(e, model, frozen)
        if not model:
            return
        outline = clip_outline(vp)
        if not outline:
            return
        window = (min(p[0] for p in outline), min(p[1] for p in outline),
                  max(p[0] for p in outline), max(p[1] for p in outline))
        m = vp.get_transformation_matrix()
        for layer, (x0, y0, x1, y1) in model.items():
            if not all(map(math.isfinite, (x0, y0, x1, y1))):
                box = EVERYWHERE
            else:
                corners = [m.transform((x, y, 0.0)) for x in (x0, x1) for y in (y0, y1)]
                xs, ys = [c.x for c in corners], [c.y for c in corners]
                box = (min(xs), min(ys), max(xs), max(ys))
            box = _cut(box, window)
            if box is not None:
                _grow(out, layer, box)

    def _placed(self, e, d, kind: str, name: str | None, zero: bool, out: dict, frozen: frozenset) -> None:
        """An INSERT (its attributes too) or a DIMENSION's geometry block: the block's content
        on hidden layers where it is placed and, when *zero*, its layer-0 content as *name*'s
        (None: a layer-0 insert in a block, whose layer-0 content takes the outer insert's)."""
        block = d.get("name", "") if kind == "INSERT" else d.get("geometry", "")
        if kind == "DIMENSION" and (not block or self.doc.blocks.get(block) is None):
            if zero:  # drawn from its parts, on its layer
                _grow_all(out, name, self._measure(e))
            return

        window = _xclip_box(e) if kind == "INSERT" and e.has_extension_dict else None

        def place(bb):  # a dimension's block is drawn where it stands; an XCLIP cuts an insert
            box = insert_box(e, d, bb) if kind == "INSERT" else bb[:4]
            return box if window is None else _cut(box, window)

        for layer, bb in self.named(block, frozen).items():
            box = place(bb)
            if box is not None:
                _grow(out, layer, box)
        if zero:
            box = self.zero(block, frozen)
            if box is not None and (box := place(box)) is not None:
                _grow(out, name, box)
        if kind != "INSERT":
            return
        for a in e.attribs:
            ad = a.dxf.__dict__
            layer = ad.get("layer", "0")
            info = self.styles.layer(layer)
            if info.frozen or (frozen and layer.lower() in frozen):
                continue
            if name is None and layer == "0":  # takes the outer insert's layer
                if zero:
                    _grow_all(out, None, self._measure(a))
            elif layer.lower() in self.hidden:
                _grow_all(out, info.name, self._measure(a))

    # -- blocks -------------------------------------------------------------------------
    def named(self, block: str, frozen: frozenset) -> dict:
        """{layer: (x0, y0, x1, y1, base x, base y)}: block content on hidden layers other than 0."""
        key = (block, frozen)
        got = self._named.get(key)
        if got is not None:
            return got
        self._named[key] = {}  # while it is measured: a block that inserts itself adds nothing
        out: dict = {}
        for e in self._entities(block):
            d = e.dxf.__dict__
            layer = d.get("layer", "0")
            info = self.styles.layer(layer)
            if info.frozen or (frozen and layer.lower() in frozen):
                continue
            kind = e.dxftype()
            hidden = layer != "0" and layer.lower() in self.hidden
            if kind in PLACED:
                self._placed(e, d, kind, None if layer == "0" else info.name, hidden, out, frozen)
            elif hidden:
                _grow_all(out, info.name, self._measure(e))
        got = self._named[key] = {layer: (*box, *self._base(block)) for layer, box in out.items()}
        return got

    def zero(self, block: str, frozen: frozenset) -> tuple | None:
        """(x0, y0, x1, y1, base x, base y) of the block's layer-0 content (nested layer-0
        inserts' layer-0 content too), which takes the layer of the insert that shows it."""
        key = (block, frozen)
        if key in self._zero:
            return self._zero[key]
        self._zero[key] = None
        out: dict = {}
        if not self.styles.layer("0").frozen and "0" not in frozen:
            for e in self._entities(block):
                d = e.dxf.__dict__
                if d.get("layer", "0") != "0":
                    continue
                kind = e.dxftype()
                if kind in PLACED:
                    found: dict = {}
                    self._placed(e, d, kind, None, True, found, frozen)
                    if None in found:
                        _grow(out, None, found[None])
                else:
                    _grow_all(out, None, self._measure(e))
        box = out.get(None)
        got = self._zero[key] = (*box, *self._base(block)) if box is not None else None
        return got

    def _entities(self, block: str):
        layout = self.doc.blocks.get(block)
        return () if layout is None else layout

    def _base(self, block: str) -> tuple[float, float]:
        head = self.doc.blocks.get(block).block
        base = head.dxf.get("base_point") if head is not None else None
        return (base.x, base.y) if base is not None else (0.0, 0.0)

    def _measure(self, e) -> list:
        """Boxes of entity *e* as the splitter measures it (an XLINE / RAY: everywhere; a POINT
        on Defpoints: nothing, the painter does not plot it)."""
        kind = e.dxftype()
        if kind in ("XLINE", "RAY"):
            return [EVERYWHERE]
        if kind == "POINT" and e.dxf.__dict__.get("layer", "0").lower() == "defpoints":
            return []
        try:
            return self._measurer.space([e], in_block=True).boxes
        except Exception:  # noqa: BLE001 - what the splitter cannot measure counts as nothing
            return []


def reach_of(drawing, styles) -> Reach:
    """The drawing's :class:`Reach`, made once (its blocks and model space are measured once for
    all its sheets; the auditor's changes drop it, as the splitter's block extents)."""
    if drawing.reach is None:
        drawing.reach = Reach(drawing.doc, styles)
    return drawing.reach


def _cut(box, window) -> tuple | None:
    """*box* cut at *window* (both (x0, y0, x1, y1)); None when they do not meet."""
    x0, y0 = max(box[0], window[0]), max(box[1], window[1])
    x1, y1 = min(box[2], window[2]), min(box[3], window[3])
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else None


def _xclip_box(e) -> tuple | None:
    """The box of an XCLIPped insert's clipping boundary where the insert stands (None: not
    clipped, or inverted: it keeps what lies outside its boundary), as ``blockforms`` clips."""
    from ezdxf.xclip import XClip

    try:
        xc = XClip(e)
        if not (xc.has_clipping_path and xc.is_clipping_enabled) or xc.is_inverted_clip:
            return None
        pts = list(xc.get_wcs_clipping_path().vertices)
    except Exception:  # noqa: BLE001 - a clip the painter cannot read is not drawn either
        return None
    if len(pts) < 2:
        return None
    return min(p.x for p in pts), min(p.y for p in pts), max(p.x for p in pts), max(p.y for p in pts)


def _grow(out: dict, layer, box) -> None:
    got = out.get(layer)
    if got is None:
        out[layer] = list(box[:4])
    else:
        got[0], got[1] = min(got[0], box[0]), min(got[1], box[1])
        got[2], got[3] = max(got[2], box[2]), max(got[3], box[3])


def _grow_all(out: dict, layer, boxes: list) -> None:
    for box in boxes:
        _grow(out, layer, box)


def mark_beyond_page(layers: list[dict], boxes: dict, page: tuple, unit_pt: float) -> list[dict]:
    """*layers* (the sheet's list) with ``beyond_page`` set on each layer hidden by default whose
    box in *boxes* reaches past *page* ((x0, y0, x1, y1) in the drawing units the boxes are in,
    *unit_pt* points each) by more than ``SLACK_PT``."""
    slack = SLACK_PT / unit_pt
    x0, y0, x1, y1 = page[0] - slack, page[1] - slack, page[2] + slack, page[3] + slack
    for lay in layers:
        if lay.get("on") is False or lay.get("plot") is False:
            box = boxes.get(lay["name"])
            if box is not None and (box[0] < x0 or box[1] < y0 or box[2] > x1 or box[3] > y1):
                lay["beyond_page"] = True
    return layers
