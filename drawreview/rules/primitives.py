"""DXF entities → plain coordinate primitives (no shapely here).

A primitive is ``(kind, coords, closed)`` with kind ``"line"`` or ``"point"`` and coords an
``(n, 2)`` float array in the entity's coordinate system (WCS for model space, block
coordinates inside a block). Arcs, bulges, circles, ellipses and splines are flattened
with ``ezdxf.path``. Blocks are flattened once per block name and reused for every INSERT
through the insert's transformation matrix (children on layer ``0`` take the insert's
layer, as AutoCAD draws them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ezdxf import path as ezpath
from ezdxf import units as ezunits
from ezdxf.dynblkhelper import get_dynamic_block_record_handle
from ezdxf.math import Vec2, bulge_center

from .faces import face_rings, is_face
from .hatches import hatch_rings
from .hatches import path_coords as _path_coords
from .textup import placed, up
from .wording import drawn_text

FLATTEN = 0.01  # max sagitta, in drawing units × scale (see flatten_distance)

TEXT_TYPES = frozenset({"TEXT", "MTEXT"})


CURVE_TYPES = frozenset({"ARC", "ELLIPSE", "SPLINE", "POLYLINE"})


@dataclass(slots=True)
class Prim:
    kind: str  # "line" | "point"
    coords: np.ndarray
    closed: bool
    layer: str
    dxftype: str
    handle: str
    pattern: str = ""
    block: str = ""
    centre: np.ndarray | None = None  # an arc's centre (ARC, a polyline's first bulge): a door's hinge
    nested: bool = False  # inside a block: part of an INSERT nested in it (a symbol within a plan block)
    width: float = 0.0  # a polyline's constant width (drawing units): a wide open one paints an area


def flipped(e) -> bool:
    """Whether the entity's OCS is not the WCS: an extrusion other than +Z (a mirrored or
    exploded-from-mirrored entity has (0, 0, -1), its x negated)."""
    ext = e.dxf.get("extrusion", None)
    return ext is not None and not (abs(ext[0]) < 1e-12 and abs(ext[1]) < 1e-12 and ext[2] > 0)


def to_wcs(e, coords: np.ndarray, elevation: float = 0.0) -> np.ndarray:
    """OCS coordinates of a flipped entity (LWPOLYLINE vertices, a CIRCLE's or TEXT's point) in WCS."""
    ocs = e.ocs()
    return np.array([(v.x, v.y) for v in ocs.points_to_wcs([(x, y, elevation) for x, y in coords])], dtype=float)


def entity_prims(e, distance: float) -> list[Prim]:
    """Primitives of one (non-INSERT, non-text) entity."""
    t = e.dxftype()
    layer = e.dxf.get("layer", "0")
    handle = e.dxf.get("handle", "") or ""
    if t == "LINE":
        s, f = e.dxf.start, e.dxf.end
        return [Prim("line", np.array([[s.x, s.y], [f.x, f.y]]), False, layer, t, handle)]
    if t == "LWPOLYLINE":
        closed = bool(e.closed)
        values = _lw_values(e)  # (n, 5): x, y, start width, end width, bulge
        centre = None
        if values[:, 4].any():
            coords = _path_coords(ezpath.make_path(e), distance)
            if closed and len(coords) > 1 and np.allclose(coords[0], coords[-1]):
                coords = coords[:-1]
            k = int(np.flatnonzero(values[:, 4])[0])
            if k + 1 < len(values) or closed:
                a, b = values[k, :2], values[(k + 1) % len(values), :2]
                c = bulge_center(Vec2(a), Vec2(b), float(values[k, 4]))
                centre = (to_wcs(e, np.array([[c.x, c.y]]), e.dxf.get("elevation", 0.0))[0] if flipped(e)
                          else np.array([c.x, c.y]))
            return [Prim("line", coords, closed, layer, t, handle, centre=centre)]
        else:
            coords = values[:, :2].copy()
            if flipped(e):
                coords = to_wcs(e, coords, e.dxf.get("elevation", 0.0))
        return [Prim("line", coords, closed, layer, t, handle, width=_const_width(e, values))]
    if t == "POINT":
        p = e.dxf.location
        return [Prim("point", np.array([[p.x, p.y]]), False, layer, t, handle)]
    if t == "CIRCLE":
        c, r = e.dxf.center, e.dxf.radius
        if flipped(e):
            c = e.ocs().to_wcs(c)
        ang = np.linspace(0, 2 * np.pi, max(8, min(64, int(2 * np.pi * r / max(distance, 1e-9)) + 1)), endpoint=False)
        ring = np.column_stack([c.x + r * np.cos(ang), c.y + r * np.sin(ang)])
        return [Prim("line", ring, True, layer, t, handle),
                Prim("point", np.array([[c.x, c.y]]), False, layer, t, handle)]
    if is_face(e, t):  # a polyface, 3DFACE, SOLID, MPOLYGON …: the outline it covers in plan (faces.py)
        kind, rings = face_rings(e, t, distance)
        return [Prim("line", coords, True, layer, kind, handle) for coords in rings]
    if t in CURVE_TYPES:
        try:
            p = ezpath.make_path(e)
        except (TypeError, ValueError):
            return []
        closed = (bool(getattr(e, "is_closed", False)) or (t == "POLYLINE" and bool(e.is_closed))
                  or (t == "SPLINE" and bool(e.closed)))  # a SPLINE's closed flag (ezdxf: Spline.closed)
        centre = None
        if t == "ARC":
            c = e.ocs().to_wcs(e.dxf.center) if flipped(e) else e.dxf.center
            centre = np.array([c.x, c.y])
        return [Prim("line", _path_coords(p, distance), closed, layer, t, handle, centre=centre)]
    if t == "REGION":  # an ACIS body's faces (regions.py)
        from .regions import region_prims

        return region_prims(e, layer, handle)
    if t == "MLINE":  # the band between its outermost elements (mlines.py)
        from .mlines import mline_prims

        return mline_prims(e, layer, handle)
    if t == "HATCH":
        pattern = e.dxf.get("pattern_name", "") or ""
        out = []
        for coords in hatch_rings(e, distance):
            if len(coords) >= 3:
                out.append(Prim("line", coords, True, layer, t, handle, pattern))
        return out
    return []


def _const_width(e, values: np.ndarray) -> float:
    """The polyline's width where it is one width all along (its constant width, or every vertex's
    start and end width alike), else 0."""
    w = float(e.dxf.get("const_width", 0.0) or 0.0)
    if w > 0:
        return w
    ends = values[:-1, 2:4] if not e.closed and len(values) > 1 else values[:, 2:4]
    return float(ends[0, 0]) if len(ends) and ends[0, 0] > 0 and np.all(ends == ends[0, 0]) else 0.0


def _lw_values(e) -> np.ndarray:
    """The LWPOLYLINE's vertex array as ezdxf stores it, without a Python object per vertex."""
    values = getattr(getattr(e, "lwpoints", None), "values", None)
    if isinstance(values, np.ndarray) and values.ndim == 2 and values.shape[1] == 5:
        return values
    return np.array([(x, y, s, f, b) for x, y, s, f, b in e.get_points("xyseb")], dtype=float).reshape(-1, 5)


def copies(insert) -> list:
    """A MINSERT's grid of block references (ezdxf's ``multi_insert``), each keeping the MINSERT's
    handle (the entity a reviewer can pick); an INSERT is its one copy."""
    if int(insert.dxf.get("row_count", 1) or 1) * int(insert.dxf.get("column_count", 1) or 1) <= 1:
        return [insert]
    out = []
    for ref in insert.multi_insert():
        ref.dxf.handle = insert.dxf.get("handle", None)
        out.append(ref)
    return out


def transform(coords: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Apply an ezdxf Matrix44 (row-vector convention, as a 4×4 array) to 2-D coords."""
    return coords @ m[:2, :2] + m[3, :2]


class BlockCache:
    """Flattened block definitions, computed once per block name."""

    def __init__(self, doc, distance: float, units: int = 0) -> None:
        self.doc = doc
        self.distance = distance
        self.units = units  # the drawing's units ($INSUNITS, or the guess)
        self._unit_fix: dict[str, tuple[float, np.ndarray] | None] = {}
        self._blocks: dict[str, list[Prim]] = {}
        self._texts: dict[str, list[tuple[float, float, str, float, str]]] = {}
        self._inserts: dict[str, list] = {}
        self._names: dict[str, str] = {}
        self._leaders: dict[str, bool] = {}

    def effective_name(self, name: str) -> str:
        """The name a drafter gave a block: a dynamic block's reference points at an anonymous
        ``*U12`` copy, whose BLOCK_RECORD names the dynamic definition (``FM乙0821``) in its
        ``AcDbBlockRepBTag`` XDATA. Any other name is itself."""
        if not name.startswith("*"):
            return name
        if name not in self._names:
            self._names[name] = name
            block = self.doc.blocks.get(name)
            handle = get_dynamic_block_record_handle(block.block_record) if block is not None else ""
            record = self.doc.entitydb.get(handle) if handle else None
            if record is not None and record.dxf.get("name"):
                self._names[name] = record.dxf.name
        return self._names[name]

    def inserts(self, name: str) -> list:
        """The INSERTs directly inside a block definition (a door block in a plan that is itself
        a block: a bound xref, a WBLOCKed floor)."""
        if name not in self._inserts:
            block = self.doc.blocks.get(name)
            self._inserts[name] = ([r for e in block if e.dxftype() == "INSERT" for r in copies(e)]
                                   if block is not None else [])
        return self._inserts[name]

    def prims(self, name: str, depth: int = 0) -> list[Prim]:
        if name in self._blocks:
            return self._blocks[name]
        self._blocks[name] = []  # guards against recursive definitions
        block = self.doc.blocks.get(name)
        out: list[Prim] = []
        if block is not None and depth < 16:
            for e in block:
                t = e.dxftype()
                if t == "INSERT":
                    for ref in copies(e):
                        for p in self.insert_prims(ref, depth + 1):
                            p.nested = True
                            out.append(p)
                elif t not in TEXT_TYPES and t not in ("ATTDEF", "DIMENSION"):
                    out.extend(entity_prims(e, self.distance))
        self._blocks[name] = out
        return out

    def insert_prims(self, insert, depth: int = 0) -> list[Prim]:
        """The insert's block primitives in the insert's parent coordinates."""
        name = insert.dxf.name
        children = self.prims(name, depth)
        if not children:
            return []
        m = np.array(list(insert.matrix44()), dtype=float).reshape(4, 4)
        fix = self.unit_fix(insert)
        layer = insert.dxf.get("layer", "0")
        handle = insert.dxf.get("handle", "") or ""
        k = float(np.sqrt(abs(np.linalg.det(m[:2, :2])))) * (1.0 if fix is None else fix[0])
        out = []
        for c in children:
            coords = c.coords if fix is None else fix[1] + (c.coords - fix[1]) * fix[0]
            centre = None if c.centre is None else transform(
                (c.centre if fix is None else fix[1] + (c.centre - fix[1]) * fix[0])[None, :], m)[0]
            out.append(Prim(c.kind, transform(coords, m), c.closed,
                            layer if c.layer == "0" else c.layer, c.dxftype,
                            handle, c.pattern, name, centre, c.nested,
                            c.width * k if c.width else 0.0))
        return out

    def unit_fix(self, insert) -> tuple[float, np.ndarray] | None:
        """(factor, base point) when the block is defined in other units than the drawing and the
        insert does not scale it: a block drawn in millimetres placed at scale 1 in a metre
        drawing. An insert whose scale already converts (AutoCAD bakes the factor into the scale
        when it inserts) is left alone."""
        name = insert.dxf.name
        if name not in self._unit_fix:
            self._unit_fix[name] = None
            block = self.doc.blocks.get(name)
            code = int(block.block_record.dxf.get("units", 0) or 0) if block is not None else 0
            if code and self.units and code != self.units:
                try:
                    f = ezunits.conversion_factor(code, self.units)
                except (KeyError, IndexError, ValueError, ZeroDivisionError):
                    f = 1.0
                if f != 1.0:
                    base = block.block.dxf.get("base_point", (0, 0, 0))
                    self._unit_fix[name] = (f, np.array([base[0], base[1]], dtype=float))
        fix = self._unit_fix[name]
        if fix is None:
            return None
        sx = abs(float(insert.dxf.get("xscale", 1.0)))
        return fix if abs(sx - 1.0) < 1e-9 else None

    def has_leaders(self, name: str, depth: int = 0) -> bool:
        """Whether the block holds a LEADER, itself or in a block nested in it (cached per name)."""
        if name not in self._leaders:
            self._leaders[name] = False  # guards against recursive definitions
            block = self.doc.blocks.get(name)
            self._leaders[name] = block is not None and depth < 16 and any(
                e.dxftype() == "LEADER" or (e.dxftype() == "INSERT" and self.has_leaders(e.dxf.name, depth + 1))
                for e in block)
        return self._leaders[name]

    def insert_leaders(self, insert, depth: int = 0) -> list:
        """The LEADERs inside the insert's block (at any depth) as ezdxf places them in the insert's
        parent coordinates (virtual copies: a labelled plan inserted whole)."""
        if depth >= 16 or not self.has_leaders(insert.dxf.name):
            return []
        out = []
        for v in insert.virtual_entities():
            if v.dxftype() == "LEADER":
                out.append(v)
            elif v.dxftype() == "INSERT":
                for ref in copies(v):
                    out.extend(self.insert_leaders(ref, depth + 1))
        return out

    def texts(self, name: str, depth: int = 0) -> list[tuple]:
        """TEXT / MTEXT inside a block definition, and nested inserts' ATTRIBs and texts, as
        ``(x, y, text, height, layer, up x, up y)`` in block coordinates (computed once per block)."""
        if name in self._texts:
            return self._texts[name]
        self._texts[name] = []
        block = self.doc.blocks.get(name)
        out: list[tuple] = []
        if block is not None and depth < 16:
            for e in block:
                t = e.dxftype()
                if t == "TEXT":
                    p = e.ocs().to_wcs(e.dxf.insert) if flipped(e) else e.dxf.insert
                    out.append((p.x, p.y, drawn_text(e), e.dxf.get("height", 0.0), e.dxf.get("layer", "0"), *up(e)))
                elif t == "MTEXT":
                    p = e.dxf.insert
                    out.append((p.x, p.y, drawn_text(e), e.dxf.get("char_height", 0.0), e.dxf.get("layer", "0"),
                                *up(e)))
                elif t == "INSERT":
                    for ref in copies(e):
                        out.extend(self.placed_texts(ref, depth + 1))
        self._texts[name] = out
        return out

    def insert_texts(self, insert, depth: int = 0) -> list[tuple[float, float, str, float, str]]:
        """The insert's ATTRIBs (``tag=value``) and its block's texts, in the insert's parent
        coordinates; rotated, mirrored and scaled with the insert (a text's height along its up
        direction: textup.py)."""
        return [t[:5] for t in self.placed_texts(insert, depth)]

    def placed_texts(self, insert, depth: int = 0) -> list[tuple]:
        """``insert_texts`` with each text's up direction (``(x, y, text, height, layer, up x, up y)``)."""
        layer = insert.dxf.get("layer", "0")
        out = [(a.dxf.insert.x, a.dxf.insert.y, f"{a.dxf.tag}={drawn_text(a)}", a.dxf.get("height", 0.0), layer,
                *up(a)) for a in insert.attribs]
        children = self.texts(insert.dxf.name, depth)
        if children:
            m = np.array(list(insert.matrix44()), dtype=float).reshape(4, 4)
            local = np.array([(c[0], c[1]) for c in children], dtype=float)
            fix = self.unit_fix(insert)
            if fix is not None:
                local = fix[1] + (local - fix[1]) * fix[0]
            out += placed(transform(local, m), children, m[:2, :2], layer)
        return out
