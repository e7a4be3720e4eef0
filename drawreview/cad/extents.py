"""The box of every drawable entity of a space, in world coordinates, visible layers only.

A sheet's page box must hold the whole drawing, so each entity is measured by what it puts
on paper: LINE/ARC/CIRCLE and plain LWPOLYLINEs from their numbers (fast); TEXT/ATTRIB/MTEXT
by the box the painter gives their lettering (rotation, alignment, width factor); INSERT and
MINSERT by their block's content transformed (nested blocks through a cache); DIMENSION by
its geometry block; everything else — polylines in their OCS, ellipses, splines, hatches,
3DFACE, SOLID/TRACE, IMAGE/WIPEOUT boundaries, ACAD_TABLE, leaders, proxy graphics — by
``ezdxf.bbox`` (one call for the whole rest of the space).  Entities on layers that are off
or frozen, and entities flagged invisible, do not count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ezdxf import bbox as ezbbox
from ezdxf import disassemble
from ezdxf.entities import Insert
from ezdxf.math import BoundingBox

from drawreview.cad import lettering, textcodes
from drawreview.cad.dxf import finite

LIMIT = 1e15  # coordinates beyond (or NaN) are damaged
NOT_DRAWN = {"VIEWPORT", "SEQEND", "VERTEX", "ATTDEF", "LIGHT", "SUN", "RAY", "XLINE"}
Box = tuple[float, float, float, float]


@dataclass
class Measured:
    boxes: list = field(default_factory=list)  # (x0, y0, x1, y1) of every measured entity
    texts: list = field(default_factory=list)  # (entity, x, y, h) TEXT/MTEXT for title blocks
    attribs: list = field(default_factory=list)  # (tag, value, x, y)
    rects: list = field(default_factory=list)  # (x0, y0, x1, y1, layer) closed axis-parallel rectangles
    inserts: list = field(default_factory=list)  # (name, layer, box, [(tag, value)])
    axis_lines: list = field(default_factory=list)  # axis-parallel LINEs (x0, y0, x1, y1, layer): exploded frames
    count: int = 0  # drawable entities (measured or not)


OWN = "\x00own"  # key suffix of a block's content on its own layers (cad/painter too)


class Measurer:
    """Measures the entities of one document; block boxes are cached by block name."""

    def __init__(self, doc, styles) -> None:
        self.doc = doc
        self.styles = styles
        self.blocks: dict[str, tuple | None] = {}
        self.exploded: dict = {}  # MLINE -> [its virtual entities], for the painter too
        self._shown: dict[str, bool] = {}

    def visible(self, d: dict, in_block: bool = False) -> bool:
        if d.get("invisible"):
            return False
        layer = d.get("layer", "0")
        if in_block and layer == "0":
            return True
        shown = self._shown.get(layer)
        if shown is None:
            info = self.styles.layer(layer)
            shown = self._shown[layer] = info.on and not info.frozen
        return shown

    def switched_off(self, d: dict) -> bool:
        """True for an entity whose layer is off (not frozen): an INSERT there still shows
        its block's content on other layers (AutoCAD's off, unlike its freeze)."""
        info = self.styles.layer(d.get("layer", "0"))
        return not d.get("invisible") and not info.on and not info.frozen

    def space(self, entities, in_block: bool = False, own: bool = False) -> Measured:
        """*own*: a block inserted on a layer that is off: only what it holds on other
        layers (its layer-0 content takes the insert's layer)."""
        m = Measured()
        rest = []
        boxes = m.boxes
        for e in entities:
            kind = e.dxftype()
            if kind in NOT_DRAWN and (in_block or kind != "ATTDEF"):  # an ATTDEF outside a block shows its tag
                continue
            d = e.dxf.__dict__
            inherits_off = own and d.get("layer", "0") == "0"  # takes the off layer of the insert
            if inherits_off or not self.visible(d, in_block):
                if kind == "INSERT" and (inherits_off or self.switched_off(d)):
                    bb = self.block_box(d.get("name", ""), own=True)
                    if bb is not None and not d.get("invisible"):
                        m.count += 1
                        boxes.append(insert_box(e, d, bb))
                continue
            m.count += 1
            ext = d.get("extrusion")
            flat = ext is None or (abs(ext.x) < 1e-12 and abs(ext.y) < 1e-12 and ext.z > 0)
            box = None
            if kind == "LINE":
                s, t = d["start"], d["end"]
                box = (min(s.x, t.x), min(s.y, t.y), max(s.x, t.x), max(s.y, t.y))
                if not in_block and axis_parallel(box):
                    m.axis_lines.append((*box, d.get("layer", "0")))
            elif kind in ("CIRCLE", "ARC") and flat:
                c, r = d["center"], abs(d.get("radius", 0.0))
                box = _arc_box(c.x, c.y, r, d.get("start_angle", 0.0), d.get("end_angle", 360.0)) \
                    if kind == "ARC" else (c.x - r, c.y - r, c.x + r, c.y + r)
            elif kind == "LWPOLYLINE" and flat and not d.get("elevation"):
                v = e.lwpoints.values.reshape(-1, 5)
                if not len(v):
                    continue
                if v[:, 4].any():  # bulges: ezdxf measures the arcs
                    rest.append(e)
                    continue
                xs, ys = v[:, 0], v[:, 1]
                box = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
                if len(v) in (4, 5) and _is_rect(xs.tolist(), ys.tolist(), e.closed):
                    m.rects.append((*box, d.get("layer", "0")))
            elif kind in ("TEXT", "ATTRIB", "ATTDEF") and flat:
                box = self._text(e, d, m)
            elif kind == "MTEXT":
                box = self._mtext(e, d, m)
            elif kind in ("INSERT",):
                box = self._insert(e, d, m, in_block)
            elif kind == "DIMENSION" and d.get("geometry") and flat:
                bb = self.block_box(d["geometry"])
                box = bb[:4] if bb else None
                if box is None:
                    rest.append(e)
            elif kind == "POLYLINE" and (flat or not e.is_2d_polyline):
                box = _polyline_box(e)
                if box is None:
                    rest.append(e)
                    continue
                if e.is_2d_polyline and len(e.vertices) in (4, 5):  # R12 frames
                    loc = [v.dxf.location for v in e.vertices]
                    if _is_rect([q.x for q in loc], [q.y for q in loc], e.is_closed):
                        m.rects.append((*box, d.get("layer", "0")))
            elif kind == "LEADER" and len(e.vertices):  # its arrowhead sits at the first vertex
                box = _box([v[0] for v in e.vertices], [v[1] for v in e.vertices])
            elif kind == "HATCH" and flat and not d.get("elevation", None):
                box = _hatch_box(e)
                if box is None:
                    rest.append(e)
            elif kind == "POINT":
                p = d["location"]
                box = (p.x, p.y, p.x, p.y)
            elif kind in QUADRILATERALS:
                box = quadrilateral_box(e)
                if box is None:
                    continue
            else:
                rest.append(e)
                continue
            if box is not None and -LIMIT < box[0] <= box[2] < LIMIT and -LIMIT < box[1] <= box[3] < LIMIT:
                boxes.append(box)
        for e in rest:
            try:
                if e.dxftype() == "MLINE":  # measured from its parts, which the painter then draws
                    parts = self.exploded[e] = list(e.virtual_entities())
                    ext = ezbbox.extents(parts, fast=True)  # what extents([e]) decomposes it into
                else:
                    ext = ez_box(e)
            except Exception:  # noqa: BLE001 - a damaged entity adds nothing
                continue
            if ext.has_data and finite(ext.extmin.x, ext.extmin.y, ext.extmax.x, ext.extmax.y):
                boxes.append((ext.extmin.x, ext.extmin.y, ext.extmax.x, ext.extmax.y))
        return m

    # -- lettering ----------------------------------------------------------------------
    def _text(self, e, d, m: Measured) -> Box | None:
        if d.get("flags", 0) & 1 and e.dxftype() == "ATTRIB":
            return None
        try:
            text = textcodes.plain_text(lettering.shown_text(e))
        except Exception:  # noqa: BLE001
            return None
        placed = lettering.place_text(d, text) if text.strip() else None
        if placed is None:
            return None
        x, y, h, angle, _, w = placed
        if e.dxftype() == "TEXT":
            m.texts.append((e, d["insert"].x, d["insert"].y, h))
        return lettering.box(x, y, w, h, angle)

    def _mtext(self, e, d, m: Measured) -> Box | None:
        box = lettering.mtext_box(e)
        if box is not None:
            ins = d["insert"]
            m.texts.append((e, ins.x, ins.y, d.get("char_height") or 1.0))
        return box

    # -- blocks -------------------------------------------------------------------------
    def _insert(self, e, d, m: Measured, in_block: bool) -> Box | None:
        attribs = []
        out: list[Box] = []
        for a in e.attribs:
            ad = a.dxf.__dict__
            attribs.append((ad.get("tag", ""), ad.get("text", "")))
            m.attribs.append((ad.get("tag", ""), ad.get("text", ""), ad["insert"].x, ad["insert"].y))
            if self.visible(ad, in_block):
                b = self._text(a, ad, m)
                if b is not None:
                    out.append(b)
        bb = self.block_box(d.get("name", ""))
        if bb is not None:
            out.append(insert_box(e, d, bb))
        if not out:
            return None
        box = (min(b[0] for b in out), min(b[1] for b in out), max(b[2] for b in out), max(b[3] for b in out))
        if bb is not None:
            m.inserts.append((d.get("name", ""), d.get("layer", "0"), out[-1], attribs))
        return box

    def block_box(self, name: str, own: bool = False) -> tuple | None:
        """(x0, y0, x1, y1, base x, base y) of a block's visible content, or None; *own*: of
        its content on layers other than 0 (inserted on a layer that is off)."""
        key = name + OWN if own else name
        if key in self.blocks:
            return self.blocks[key]
        self.blocks[key] = None  # while it is measured: a block that inserts itself adds nothing
        block = self.doc.blocks.get(name)
        if block is None:
            return None
        try:
            got = self.space(block, in_block=True, own=own).boxes
        except RecursionError:  # blocks nested hundreds deep
            return None
        if not got:
            return None
        base = block.block.dxf.get("base_point") if block.block else None
        bx, by = (base.x, base.y) if base is not None else (0.0, 0.0)
        box = (min(b[0] for b in got), min(b[1] for b in got), max(b[2] for b in got), max(b[3] for b in got), bx, by)
        self.blocks[key] = box
        return box


def ez_box(e):
    """``ezdxf.bbox.extents([e], fast=True)``: for an entity that is its own drawing primitive
    (no INSERT, no virtual entities) straight from its primitive, as ``extents`` gets it,
    without the decomposition's typing-protocol ``isinstance`` (~40 µs per entity: a third
    of splitting ACadSharp's sample)."""
    if isinstance(e, Insert) or hasattr(type(e), "__virtual_entities__"):
        return ezbbox.extents([e], fast=True)
    primitive = disassemble.make_primitive(e)
    return BoundingBox() if primitive.is_empty else primitive.bbox(fast=True)


QUADRILATERALS = frozenset(("SOLID", "TRACE", "3DFACE"))


def quadrilateral_box(e) -> Box | None:
    """``ez_box`` of a SOLID, TRACE or 3DFACE without building its path: the box of the points
    ezdxf's path is made of (``make_path``: its WCS vertices, a vertex close to the one before
    left out; closing it adds the start again, so one remaining point is still measured); the
    same numbers, at a third of the cost (a dimension block's arrowheads are SOLIDs)."""
    vertices = e.wcs_vertices()
    if len(vertices) < 2:  # ezdxf's empty path
        return None
    kept = [vertices[0]]
    end = vertices[0]
    for v in vertices[1:]:
        if not end.isclose(v):
            kept.append(v)
            end = v
    xs, ys = [v.x for v in kept], [v.y for v in kept]
    return min(xs), min(ys), max(xs), max(ys)


def insert_box(e, d: dict, bb: tuple) -> Box:
    """World box of block box *bb* (with base point) placed by INSERT/MINSERT *e*."""
    rows, cols = d.get("row_count", 1), d.get("column_count", 1)
    if not d.get("rotation") and d.get("extrusion") is None and rows == 1 and cols == 1 and \
            d.get("xscale", 1.0) == 1.0 and d.get("yscale", 1.0) == 1.0:
        ins = d["insert"]
        dx, dy = ins.x - bb[4], ins.y - bb[5]
        return bb[0] + dx, bb[1] + dy, bb[2] + dx, bb[3] + dy
    mx = e.matrix44()
    corners = [mx.transform((x, y, 0)) for x in (bb[0], bb[2]) for y in (bb[1], bb[3])]
    xs, ys = [c.x for c in corners], [c.y for c in corners]
    if rows > 1 or cols > 1:  # MINSERT: the array spans its last row and column, rotated
        t = math.radians(d.get("rotation", 0.0))
        c, s = math.cos(t), math.sin(t)
        for r in (0, rows - 1):
            for k in (0, cols - 1):
                ox, oy = k * d.get("column_spacing", 0.0), r * d.get("row_spacing", 0.0)
                dx, dy = ox * c - oy * s, ox * s + oy * c
                xs += [x + dx for x in xs[:4]]
                ys += [y + dy for y in ys[:4]]
    return min(xs), min(ys), max(xs), max(ys)


def _polyline_box(e) -> Box | None:
    """Box of a POLYLINE from its vertices: 3D polylines, polyface and polygon meshes are in
    world coordinates; a 2D one counts when it lies in the world XY plane without arcs (else
    None: ezdxf.bbox measures it)."""
    xs, ys = [], []
    two_d = e.is_2d_polyline
    for v in e.vertices:
        vd = v.dxf.__dict__
        if two_d and vd.get("bulge"):
            return None
        p = vd.get("location")
        if p is not None:
            xs.append(p.x)
            ys.append(p.y)
    return _box(xs, ys) if xs else None


def _box(xs, ys) -> Box:
    return min(xs), min(ys), max(xs), max(ys)


def _hatch_box(e) -> Box | None:
    """Box of a HATCH whose boundaries are all straight polyline paths (the common case); None
    sends it to ezdxf.bbox."""
    xs, ys = [], []
    for p in e.paths:
        verts = getattr(p, "vertices", None)
        if verts is None or not len(verts) or any(v[2] for v in verts):
            return None
        xs += [v[0] for v in verts]
        ys += [v[1] for v in verts]
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def _arc_box(cx, cy, r, a0, a1) -> Box:
    pts = [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a))) for a in (a0, a1)]
    sweep = (a1 - a0) % 360.0 or 360.0
    for q in (0, 90, 180, 270):
        if (q - a0) % 360.0 <= sweep:
            pts.append((cx + r * math.cos(math.radians(q)), cy + r * math.sin(math.radians(q))))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def axis_parallel(box) -> bool:
    """Whether a LINE of this box runs along x or y: within a billionth of its length, since
    programs write a frame's corner 10.000000000000002 at one end and 9.999999999999945 at the
    other (LibreCAD)."""
    dx, dy = box[2] - box[0], box[3] - box[1]
    return dx + dy > 0 and (dx <= 1e-9 * dy or dy <= 1e-9 * dx)


def _is_rect(xs, ys, closed: bool) -> bool:
    n = len(xs)
    if n == 5 and abs(xs[0] - xs[4]) < 1e-9 and abs(ys[0] - ys[4]) < 1e-9:
        n, closed = 4, True
    if n != 4 or not closed:
        return False
    ux = {round(x, 6) for x in xs[:4]}
    uy = {round(y, 6) for y in ys[:4]}
    return len(ux) == 2 and len(uy) == 2
