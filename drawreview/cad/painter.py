"""Walk DXF entities and write them onto a :class:`Canvas`.

Block definitions become PDF form XObjects painted once and invoked by every INSERT
(``cad.blockforms``); points, construction lines, meshes, external references and proxy
graphics are drawn by ``cad.specials``.  Entities with damaged coordinates (NaN, 1e300) are skipped and counted,
never drawn.
"""

from __future__ import annotations

import time
from collections import Counter

from ezdxf import path as ezpath
from ezdxf.entities import (
    Arc, AttDef, Attrib, Circle, Dimension, Hatch, Insert, Line, LWPolyline, MText, Solid, Text, Trace,
)
from ezdxf.entities.dxfentity import DXFTagStorage
from ezdxf.render import hatching

from drawreview.cad import hatchfill, lettering, ltsymbols, textcodes
from drawreview.cad.blockforms import BlockForms, Form
from drawreview.cad.canvas import FILL, LIMIT, STROKE, TEXT, Canvas
from drawreview.cad.polywidth import thin_segments
from drawreview.cad.specials import SpecialEntities
from drawreview.cad.style import Styles

SKIP = {"VIEWPORT", "SEQEND", "VERTEX", "OLE2FRAME", "LIGHT", "SUN"}
SOLIDS = {"3DSOLID", "REGION", "BODY", "SURFACE", "EXTRUDEDSURFACE", "LOFTEDSURFACE", "REVOLVEDSURFACE",
          "SWEPTSURFACE", "PLANESURFACE", "NURBSURFACE"}  # ACIS data: drawn from their proxy graphics
WHITE = ((1.0, 1.0, 1.0), None, None)
MAX_HATCH_LINES = 20000


class RenderTimeout(Exception):
    """The render ran past its deadline and stopped (a job's timeout: the thread must not run on)."""


def _unrotated(table) -> bool:
    """A table whose direction is the x axis (or not given)."""
    d = table.dxf.get("horizontal_direction")
    return d is None or (abs(d[1]) < 1e-9 and abs(d[2]) < 1e-9 and d[0] >= 0)


class Painter(BlockForms, SpecialEntities):
    def __init__(self, doc, styles: Styles, unit_pt: float, decimals: int, layer_names: dict[str, str]) -> None:
        self.doc = doc
        self.styles = styles
        self.unit_pt = unit_pt
        self.decimals = decimals
        self.layer_names = layer_names
        self.forms: dict[str, Form | None] = {}
        self.zero_needs: dict[str, bool] = {}  # block name: holds a layer-0 insert with a pen of its own
        self._building: list[str] = []
        self.notes: list[str] = []
        self.failed: Counter = Counter()
        self.custom: Counter = Counter()  # custom object types drawn as nothing (no proxy graphics)
        self.missing: set[str] = set()  # external files (images, underlays, XREF drawings) named
        self.skipped = 0
        self.frozen: set[str] = set()  # extra frozen layers (a viewport's), also inside blocks
        self.prefix = "B"  # form resource names: painters of one sheet need distinct ones
        self._measurer = None  # block extents for form bounding boxes
        self.pagereach = None  # cad.pagereach.Reach: blocks' content on hidden layers, for those boxes
        self.exploded: dict = {}  # MLINE -> its virtual entities, made by the splitter
        self.deadline: float | None = None  # time.monotonic() after which paint() raises RenderTimeout
        self.reach = 1e6  # XLINE/RAY length: past every sheet (render sets it from the sheet boxes)
        self._by_class = {
            Line: self._line, LWPolyline: self._lwpolyline, Circle: self._circle, Arc: self._arc,
            Text: self._text, Attrib: self._text, AttDef: self._text, MText: self._mtext, Insert: self._insert,
            Hatch: self._hatch, Solid: self._solid, Trace: self._solid,
        }
        ltsymbols.attach(self)  # the text of complex linetypes (none: the handlers stay as they are)

    # -- dispatch ------------------------------------------------------------------------
    def paint(self, e, cv: Canvas, in_block: bool = False) -> None:
        if self.deadline is not None:  # a clock read per entity (~50 ns) against µs of painting
            self.check_deadline()
        d = e.dxf.__dict__
        layer = d.get("layer", "0")
        info = self.styles.layer(layer)
        if info.frozen or (self.frozen and layer.lower() in self.frozen):
            return
        oc = None if (in_block and layer == "0") else info.name
        handler = self._by_class.get(type(e))
        try:
            if handler is not None:
                handler(e, d, cv, in_block, oc)
            else:
                self._other(e, d, cv, in_block, oc)
        except RenderTimeout:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad entity must not stop the sheet
            self.failed[f"{e.dxftype()}: {type(exc).__name__}"] += 1

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderTimeout("render stopped at its deadline")

    def _other(self, e, d, cv, in_block, oc) -> None:
        kind = e.dxftype()
        if kind in SKIP:
            return
        if kind == "ACAD_TABLE" and e.get_block_name() in self.doc.blocks and _unrotated(e):
            # the block AutoCAD regenerates for the table, as ezdxf draws it (its proxy graphics
            # lose the cell fills) and as a DWG's table is read back (cad/dwgtable.py); ezdxf
            # places the block by its insertion point only, so a turned table keeps its proxy
            for ve in e.virtual_entities():
                self.paint(ve, cv, in_block)
            return
        if isinstance(e, DXFTagStorage) or kind in SOLIDS or kind == "ACAD_PROXY_ENTITY":
            if getattr(e, "proxy_graphic", None):  # what the authoring program drew for it
                return self._proxy(e, cv, in_block)
            if kind not in SOLIDS:
                self.custom[kind] += 1  # a custom object (天正, AutoCAD Architecture …) without proxy graphics
            return
        if kind == "POINT":
            return self._point(e, d, cv, in_block, oc)
        if kind in ("XLINE", "RAY"):
            return self._ray(e, d, cv, in_block, oc, kind)
        if kind == "MESH" or (kind == "POLYLINE" and (e.is_poly_face_mesh or e.is_polygon_mesh)):
            return self._mesh(e, d, cv, in_block, oc)
        if isinstance(e, Dimension):
            return self._dimension(e, d, cv, in_block, oc)
        if kind == "WIPEOUT":
            pts = [(v.x, v.y) for v in e.boundary_path_wcs()]
            cv.use(FILL, oc, WHITE).append(cv.polyline(pts, True) + "f\n")
            return
        if kind == "IMAGE" or kind.endswith("UNDERLAY"):
            self._external(e, kind)
            pts = [(v.x, v.y) for v in e.boundary_path_wcs()]
            cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(cv.polyline(pts, True))
            return
        if kind == "3DFACE":
            pts = [(v.x, v.y) for v in e.wcs_vertices()]
            cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(cv.polyline(pts, True))
            return
        if kind == "POLYLINE" and e.is_2d_polyline and (any(  # a default end width alone: dia
                v.dxf.get("start_width", 0) or v.dxf.get("end_width", 0) for v in e.vertices)
                or d.get("default_start_width", 0) or d.get("default_end_width", 0)):
            return self._wide(e, d, cv, in_block, oc)
        if kind in ("ELLIPSE", "SPLINE", "POLYLINE", "HELIX"):
            p = ezpath.make_path(e)
            cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(cv.path(p))
            return
        if kind == "TOLERANCE":  # feature control frames: ezdxf draws none (cad/tolerance.py)
            from drawreview.cad import tolerance

            for ve in tolerance.virtual_entities(e):
                self.paint(ve, cv, in_block)
            return
        if hasattr(e, "virtual_entities"):  # LEADER, MLEADER, MLINE, ACAD_TABLE, ...
            parts = self.exploded.get(e) if kind == "MLINE" else None  # the splitter's
            for ve in e.virtual_entities() if parts is None else parts:
                self.paint(ve, cv, in_block)
            return
        self.failed[f"{kind}: unsupported"] += 1

    # -- curves --------------------------------------------------------------------------
    def _line(self, e, d, cv, in_block, oc) -> None:
        s, t = d["start"], d["end"]
        x0, y0, x1, y1 = s.x, s.y, t.x, t.y
        if -LIMIT < x0 < LIMIT and -LIMIT < y0 < LIMIT and -LIMIT < x1 < LIMIT and -LIMIT < y1 < LIMIT:
            ox, oy = cv.ox, cv.oy
            cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(
                cv.line_fmt % (x0 - ox, y0 - oy, x1 - ox, y1 - oy))
        else:
            cv.skipped += 1

    def _lwpolyline(self, e, d, cv, in_block, oc) -> None:
        ext = d.get("extrusion")
        v = e.lwpoints.values.reshape(-1, 5)
        if not len(v):
            return
        if v[:, 2:4].any():  # segments with their own start / end widths: filled, as plotted
            return self._wide(e, d, cv, in_block, oc)
        if v[:, 4].any() or (ext is not None and ext.z < 0.999) or d.get("elevation"):
            s = cv.path(ezpath.make_path(e))
        else:
            s = cv.polyline(v[:, :2].tolist(), e.closed)
        width = d.get("const_width") or None
        cv.use(STROKE, oc, self.styles.pen(d, in_block), width).append(s)

    def _wide(self, e, d, cv, in_block, oc) -> None:
        """A polyline with tapered or wide segments as ezdxf's trace builder outlines it, filled."""
        from ezdxf.render.trace import TraceBuilder

        ocs, elevation = e.ocs(), d.get("elevation", 0.0)
        elevation = elevation.z if hasattr(elevation, "z") else (elevation or 0.0)
        body = []
        for poly in TraceBuilder.from_polyline(e).polygons_wcs(ocs, elevation):
            body.append(cv.polyline([(p.x, p.y) for p in poly], True))
        if body:
            cv.use(FILL, oc, self.styles.pen(d, in_block)).append("".join(body) + "f\n")
        thin = "".join(cv.path(p) for p in thin_segments(e, ocs, elevation))  # no width: a line
        if thin:
            cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(thin)

    def _circle(self, e, d, cv, in_block, oc) -> None:
        ext = d.get("extrusion")
        if ext is not None and ext.z < 0.999:
            s = cv.path(ezpath.make_path(e))
        else:
            c = d.get("center")
            s = cv.arc(c.x, c.y, d.get("radius", 1.0), 0.0, 360.0) + "h\n"
        cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(s)

    def _arc(self, e, d, cv, in_block, oc) -> None:
        ext = d.get("extrusion")
        if ext is not None and ext.z < 0.999:
            s = cv.path(ezpath.make_path(e))
        else:
            c = d.get("center")
            s = cv.arc(c.x, c.y, d.get("radius", 1.0), d.get("start_angle", 0.0), d.get("end_angle", 360.0))
        cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(s)

    # -- areas ---------------------------------------------------------------------------
    def _hatch(self, e, d, cv, in_block, oc) -> None:
        pen = self.styles.pen(d, in_block)
        if d.get("solid_fill", 1) or e.has_gradient_data:
            return self._fill(e, cv, oc, pen)
        out = []
        try:
            # more hatch lines than the budget: they merge (20,000 across even an A0 sheet's
            # diagonal are 0.07 mm apart), drawn as a solid fill, as ezdxf draws a pattern too
            # dense and AutoCAD one past HPMAXLINES; cut at the budget it was a triangle of lines
            lines = hatchfill.segments(e, most=MAX_HATCH_LINES)  # all at once (numpy); None: ezdxf's way
            if lines is not None:
                lines = (lines[:MAX_HATCH_LINES] - (cv.ox, cv.oy, cv.ox, cv.oy)).tolist()
                fmt = cv.line_fmt
                out = [fmt % (x0, y0, x1, y1) for x0, y0, x1, y1 in lines]
            else:
                for n, (a, b) in enumerate(hatching.hatch_entity(e)):
                    if n >= MAX_HATCH_LINES:
                        break
                    if not n & 1023 and self.deadline is not None:
                        self.check_deadline()
                    out.append(cv.line_fmt % (a.x - cv.ox, a.y - cv.oy, b.x - cv.ox, b.y - cv.oy))
        except hatching.DenseHatchingLinesError:
            return self._fill(e, cv, oc, pen)
        except hatching.HatchingError:
            out = [cv.path(p, close=True) for p in ezpath.from_hatch(e)]
        if out:
            cv.use(STROKE, oc, (pen[0], pen[1], ())).append("".join(out))

    def _fill(self, e, cv, oc, pen) -> None:
        """A hatch's boundary filled (even-odd): a solid or gradient fill, or a pattern too dense."""
        body = "".join(cv.path(p, close=True) for p in ezpath.from_hatch(e))
        if body:
            cv.use(FILL, oc, pen).append(body + "f*\n")

    def _solid(self, e, d, cv, in_block, oc) -> None:
        v0, v1, v2 = d.get("vtx0"), d.get("vtx1"), d.get("vtx2")
        v3 = d.get("vtx3")
        v3 = v2 if v3 is None else v3
        if v0 is None or v1 is None or v2 is None:
            return
        pts = [(v0.x, v0.y), (v1.x, v1.y), (v3.x, v3.y), (v2.x, v2.y)]
        s = cv.polyline(pts, True)
        if s:
            cv.use(FILL, oc, self.styles.pen(d, in_block)).append(s + "f\n")

    # -- text ----------------------------------------------------------------------------
    def _text(self, e, d, cv, in_block, oc) -> None:
        if d.get("flags", 0) & 1 and isinstance(e, Attrib) or in_block and isinstance(e, AttDef):
            return  # an invisible attribute; a block's attribute definition (its inserts' ATTRIBs show)
        text = textcodes.plain_text(lettering.shown_text(e))
        if not text.strip():
            return
        placed = lettering.place_text(d, text)
        if placed is None:
            return
        x, y, h, angle, wf, w = placed
        ext = d.get("extrusion")
        if ext is not None and ext.z < -0.999999:  # OCS of extrusion -Z (a mirrored block, MIRRTEXT 1):
            x, angle, wf, w = -x, -angle, -wf, -w   # the whole lettering mirrored in x, as plotted
        if not cv.ok(x, y, h):
            return
        x, y = x - cv.ox, y - cv.oy
        cv.use(TEXT, oc, self.styles.pen(d, in_block)).append(
            lettering.text_op(text, x, y, h, angle, wf, d.get("oblique", 0.0)))
        cv.texts.append((text, *lettering.box(x, y, w, h, angle), oc))  # oc None: takes the insert's layer

    def _mtext(self, e, d, cv, in_block, oc) -> None:
        got = lettering.mtext_layout(e)
        if got is None:
            return
        lines, h, angle, wf = got
        if not cv.ok(lines[0][1], lines[0][2], h):
            return
        run = cv.use(TEXT, oc, self.styles.pen(d, in_block))
        ox, oy = cv.ox, cv.oy
        for (line, bx, by, w), b in zip(lines, lettering.row_boxes(lines, h, angle, ox, oy)):
            run.append(lettering.text_op(line, bx - ox, by - oy, h, angle, wf))
            cv.texts.append((line, *b, oc))
