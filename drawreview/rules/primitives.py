"""DXF entities → plain coordinate primitives (no shapely here).

A primitive is ``(kind, coords, closed)`` with kind ``"line"`` or ``"point"`` and coords an
``(n, 2)`` float array in the entity's coordinate system (WCS for model space, block
coordinates inside a block). Arcs, bulges, circles, ellipses and splines are flattened
with ``ezdxf.path``. Blocks are flattened once per block name and reused for every INSERT
through the insert's transformation matrix (children on layer ``0`` take the insert's
layer, as AutoCAD draws them): ``blockcache.BlockCache``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ezdxf import path as ezpath
from ezdxf.math import Vec2, bulge_center

from .faces import face_rings, is_face
from .hatches import hatch_rings
from .hatches import path_coords as _path_coords

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
