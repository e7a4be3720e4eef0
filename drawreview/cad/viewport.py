"""Paper-space viewports: which ones to draw and how model space appears through each.

A layout shows model space through its VIEWPORT entities.  Each viewport maps model space
to paper space with ezdxf's own transform (view target, view centre, view height / paper
height, twist), is clipped to its rectangle or to its non-rectangular clipping boundary, and
hides its own frozen layers (also inside blocks).  Model space is painted once per set of
viewport-frozen layers and viewport scale as a form XObject (lineweights and, with
``$PSLTSCALE`` 1, dashes are lengths on paper, so a form is written for its scale; one without
dashes or lineweights serves every scale); each viewport invokes that form with ``cm`` inside
its clip, so nine viewports of one plan at one scale cost one painted plan.

Which viewports count: the *overall* paper-space viewport (the layout's own
``viewport_handle`` and ``id`` 1, else the first with ``status`` 1) is the window the CAD program shows the layout
through, not a view of model space; viewports whose "off" flag is set are skipped; the rest are
drawn in stacking order, including those of a layout that was not current when the file was
saved (status 0; ezdxf's drawing add-on leaves these out).
"""

from __future__ import annotations

import math

import numpy as np
from ezdxf import path as ezpath

from drawreview.cad.canvas import Canvas
from drawreview.cad.notes import info
from drawreview.cad.blockforms import Form
from drawreview.cad.painter import Painter

MAX_FROZEN_SETS = 8  # more distinct per-viewport freeze sets than this: reuse the first


VP_OFF = 0x20000  # VIEWPORT status flag: turned off


def model_viewports(layout) -> list:
    """The viewports of a paper-space *layout* that show model space, in stacking order.

    A layout that was not current when the file was saved stores every viewport with status 0;
    AutoCAD still shows them unless their "off" flag is set, so status 0 alone does not hide one.
    The overall viewport (the layout's ``viewport_handle`` and ``id`` 1, else the first with
    status 1, ezdxf's ``main_viewport`` rule) is the layout's own window, not a view of model
    space."""
    vps = [e for e in layout if e.dxftype() == "VIEWPORT"]
    if not vps:
        return []
    own = layout.dxf_layout.dxf.get("viewport_handle") if hasattr(layout, "dxf_layout") else None

    def status(vp) -> int:
        return vp.dxf.get("status", 0)

    # id 1 names the overall viewport only where one alone has it: LibreDWG's dwg2dxf gives every
    # viewport id 1 (a DWG stores no ids), and all of them were taken for the layout's window
    numbered = sum(vp.dxf.get("id", 2) == 1 for vp in vps) <= 1
    overall = [vp for vp in vps if (own and vp.dxf.handle == own) or numbered and vp.dxf.get("id", 2) == 1]
    if not overall:  # the first one (in file order) with status 1: ezdxf's main_viewport
        overall = [vp for vp in vps if vp.dxf.get("status", 0) == 1][:1]
    vps = [vp for vp in vps if vp not in overall and not vp.dxf.get("flags", 0) & VP_OFF
           and vp.dxf.get("width", 0) > 0 and vp.dxf.get("height", 0) > 0]
    vps.sort(key=lambda vp: status(vp) or 1 << 30)  # stacking order; those saved off-screen (0) last
    return vps


def clip_outline(vp) -> list[tuple[float, float]]:
    """Paper-space outline of the viewport: its clipping boundary when it has one."""
    if vp.has_extended_clipping_path:
        try:
            p = ezpath.make_path(vp)
            pts = [(v.x, v.y) for v in p.flattening(_sagitta(vp))]
            if len(pts) >= 3:
                return pts
        except Exception:  # noqa: BLE001 - a damaged boundary: fall back to the rectangle
            pass
    return [(v.x, v.y) for v in vp.clipping_rect_corners()]


def _sagitta(vp) -> float:
    return max(vp.dxf.get("height", 1.0), vp.dxf.get("width", 1.0)) / 2000


class ViewportPainter:
    """Draws every viewport of one layout onto the layout's canvas."""

    def __init__(self, painter: Painter, extra: list[Form], notes: list[str]) -> None:
        self.painter = painter
        self.extra = extra  # forms the sheet PDF must also hold
        self.notes = notes
        self.msp_forms: dict[tuple, Form | None] = {}  # (frozen layers, scale or None: any scale)
        self.painters: dict[tuple, Painter] = {}
        self._points: np.ndarray | None = None
        self.empty: list[str] = []  # handles of viewports that look at empty model space
        self.scales: list[float] = []  # paper units per model unit of each viewport drawn

    def draw(self, vp, cv: Canvas) -> bool:
        """Draw model space through *vp*; False when nothing was drawn through it."""
        if not vp.is_top_view:
            self.notes.append(info("非俯视视口未绘制 / a non-top-view viewport was not drawn"))
            return False
        outline = clip_outline(vp)
        clip = cv.polyline(outline, True)
        if not clip:
            return False
        m = vp.get_transformation_matrix()
        aa, bb, cc, dd = m.ux.x, m.ux.y, m.uy.x, m.uy.y
        tx, ty = m.origin.x - cv.ox, m.origin.y - cv.oy
        if not cv.ok(aa, bb, cc, dd, tx, ty) or not math.hypot(aa, bb):
            return False
        form = self._model_form(frozenset(n.lower() for n in vp.frozen_layers), math.hypot(aa, bb))
        if form is None:
            return False
        if not self._sees_something(vp):
            self.empty.append(vp.dxf.handle)
        self.scales.append(math.hypot(aa, bb))
        cv.raw(None, f"q {clip}W n %.10f %.10f %.10f %.10f %.6f %.6f cm /{form.res} Do Q\n"
               % (aa, bb, cc, dd, tx, ty))
        cv.used |= form.layers
        xs, ys = [p[0] - cv.ox for p in outline], [p[1] - cv.oy for p in outline]
        lx0, ly0, lx1, ly1 = min(xs), min(ys), max(xs), max(ys)
        s = math.hypot(aa, bb)
        for text, x0, y0, x1, y1, layer in form.texts:
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            px, py = aa * mx + cc * my + tx, bb * mx + dd * my + ty
            if lx0 <= px <= lx1 and ly0 <= py <= ly1:
                hw, hh = (x1 - x0) * s / 2, (y1 - y0) * s / 2
                cv.texts.append((text, px - hw, py - hh, px + hw, py + hh, layer))
        return True

    def _model_form(self, frozen: frozenset, scale: float) -> Form | None:
        """Model space painted for viewports hiding *frozen* layers at *scale* (paper units per
        model unit): lineweights and, with $PSLTSCALE, dashes are paper lengths, so they are
        written in model units for that scale. A form that holds no dash and no lineweight
        above a hairline looks the same at every scale and serves them all."""
        key = (frozen, "%.6g" % scale)
        for k in ((frozen, None), key):
            if k in self.msp_forms:
                return self.msp_forms[k]
        if len(self.msp_forms) >= MAX_FROZEN_SETS:
            self.notes.append("视口冻结图层组合或比例过多，部分视口按首个组合绘制 / too many per-viewport "
                              "frozen-layer sets or scales; some viewports use the first one")
            return next(iter(self.msp_forms.values()))
        painter = self._painter(key, scale)
        painter.reach = max(painter.reach, self._model_reach())  # (the paper's own entities are drawn)
        n = len(self.msp_forms)
        fcv = Canvas(painter.unit_pt, 0.0, 0.0, painter.decimals + 3, True, painter.layer_names)
        for e in painter.doc.modelspace():
            painter.paint(e, fcv)
        content = fcv.close()
        self.painter.skipped += fcv.skipped
        form = Form(f"*MSP{n}", f"M{n}", content, fcv.texts, None, fcv.used) if content else None
        self.msp_forms[key if painter.styles.uses_scale() else (frozen, None)] = form
        if form:
            self.extra.append(form)
        return form

    def _painter(self, key: tuple, scale: float) -> Painter:
        """A painter for model space at *scale* whose block forms leave out the frozen layers
        of *key* (its own form names): a point on paper is ``unit_pt * scale`` per model unit."""
        got = self.painters.get(key)
        if got is None:
            base = self.painter
            got = Painter(base.doc, base.styles.for_viewport(scale), base.unit_pt * scale, base.decimals,
                          base.layer_names)
            got.frozen = set(key[0])
            got.prefix = f"V{len(self.painters)}B"
            got.deadline = base.deadline
            got.reach = base.reach  # (not the default 1e6: far ends lose precision in the reader)
            got.pagereach = base.pagereach
            self.painters[key] = got
        return got

    def _model_reach(self) -> float:
        """XLINE / RAY length in model space: past everything the model's points span."""
        if self._points is None:
            self._points = _model_points(self.painter.doc.modelspace())
        a = self._points
        if not len(a):
            return 1e6
        return float(2 * (np.abs(a).max() + (a.max(axis=0) - a.min(axis=0)).max()))

    def _sees_something(self, vp) -> bool:
        """True when some model-space vertex / insertion point lies in the viewport's view."""
        if self._points is None:
            self._points = _model_points(self.painter.doc.modelspace())
        try:
            x0, y0, x1, y1 = vp.get_modelspace_limits()
        except (ValueError, ZeroDivisionError):
            return True
        a = self._points
        return bool(len(a) and ((a[:, 0] >= x0) & (a[:, 0] <= x1) & (a[:, 1] >= y0) & (a[:, 1] <= y1)).any())

    def finish(self) -> None:
        """Hand the extra painters' block forms, notes and failures to the sheet."""
        base = self.painter
        if self.empty:
            self.notes.append(info(f"{len(self.empty)} 个布局视口对准的模型空间区域没有图形（视口句柄 "
                              f"{', '.join(self.empty)}），请核对图纸 / {len(self.empty)} layout viewport(s) "
                              f"look at an empty part of model space (handles {', '.join(self.empty)})"))
        for p in self.painters.values():
            self.extra += [f for f in p.forms.values() if f is not None]
            base.notes += p.notes
            base.failed.update(p.failed)
            base.custom.update(p.custom)
            base.missing |= p.missing
            base.skipped += p.skipped


PAPER_UNITS = {0: ("in", 0.0254), 1: ("mm", 0.001)}  # plot paper units: inches, millimetres


def layout_measure(paper_units: int, model_unit_m: float, scales: list[float]) -> tuple[str, float]:
    """(units, unit_m) of a layout sheet, whose map takes paper units (docs/decisions/117): its
    coordinates are in the paper unit; a length measured on it is a model length when every
    viewport shows model space at one scale (*scales*: paper units per model unit), a paper
    length when it has no viewport, and no real length (0: the viewer measures in points) when
    its viewports differ in scale."""
    units, paper_m = PAPER_UNITS[paper_units]
    if not scales:
        return units, paper_m
    if max(scales) - min(scales) > 1e-6 * max(scales):
        return units, 0.0
    return units, model_unit_m / scales[0]


def _model_points(msp) -> np.ndarray:
    """Cheap sample of model-space positions: insertion / centre / start / end points and
    LWPOLYLINE vertices of top-level entities."""
    pts = []
    for e in msp:
        d = e.dxf.__dict__
        for key in ("start", "end", "insert", "center", "defpoint", "text_midpoint"):
            p = d.get(key)
            if p is not None:
                pts.append((p.x, p.y))
        if e.dxftype() == "LWPOLYLINE":
            pts += e.lwpoints.values.reshape(-1, 5)[:, :2].tolist()
    a = np.asarray(pts, dtype=float).reshape(-1, 2)
    return a[np.isfinite(a).all(axis=1)]
