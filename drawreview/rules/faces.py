"""Planar face entities read as the outlines they show in plan: what massing, BIM and GIS programs
export instead of polylines. A polyface or polygon mesh (POLYLINE), a MESH, a 3DFACE, a 2D SOLID or
TRACE, and an MPOLYGON (中望 / Map area objects) each give the closed outline of the area they cover,
seen from above: the union of their faces projected to the XY plane. Faces standing on edge (a
massing box's walls) cover nothing and drop out, so an extruded footprint is its footprint.

A compartment exported as a triangulation comes as one 3DFACE or SOLID per triangle; ``joined``
puts the triangles of one layer that share a whole edge back together. Four-sided faces stay apart:
two compartments exported as quads side by side are two compartments.
"""

from __future__ import annotations

import numpy as np
import shapely
from ezdxf.render import MeshBuilder

from .hatches import hatch_rings

FACE_TYPES = frozenset({"3DFACE", "SOLID", "TRACE", "MPOLYGON", "MESH"})
PIECES = frozenset({"3DFACE", "SOLID", "TRACE"})  # one face per entity: a triangulation's pieces
POLYFACE = "POLYFACE"  # the kind a polyface or polygon mesh's outline is given (a POLYLINE's is linework)
AREAS_ONLY = FACE_TYPES | {POLYFACE}  # read only on area layers: a SOLID arrowhead or fill is no symbol or line


def is_face(e, t: str) -> bool:
    """Whether the entity is a face entity (a POLYLINE only when it is a polyface or polygon mesh)."""
    return t in FACE_TYPES or (t == "POLYLINE" and (e.is_poly_face_mesh or e.is_polygon_mesh))


def _faces(e, t: str) -> list[np.ndarray]:
    """Each face's vertices projected to XY (WCS), as (n, 2) arrays."""
    if t in PIECES:
        return [np.array([(v.x, v.y) for v in e.wcs_vertices()], dtype=float)]
    mesh = MeshBuilder.from_mesh(e) if t == "MESH" else MeshBuilder.from_polyface(e)
    return [np.array([(v.x, v.y) for v in face], dtype=float) for face in mesh.faces_as_vertices()]


def outline(faces: list[np.ndarray]) -> list[np.ndarray]:
    """The exterior rings (without the closing vertex) of the union of the faces that cover an area."""
    polys = [shapely.Polygon(f) for f in faces if len(f) >= 3]
    polys = [p if p.is_valid else shapely.make_valid(p) for p in polys]
    polys = [p for p in polys if p.area > 0]
    if not polys:
        return []
    union = shapely.union_all(polys)
    return [np.asarray(p.exterior.coords)[:-1] for p in shapely.get_parts(union) if p.geom_type == "Polygon"]


def face_rings(e, t: str, distance: float) -> tuple[str, list[np.ndarray]]:
    """(kind, rings): the closed outlines the face entity covers in plan, and the entity kind their
    primitives carry (``POLYFACE`` for a mesh POLYLINE, whose outline is no polyline's linework)."""
    if t == "MPOLYGON":  # its boundary paths, as a hatch's
        return t, [c for c in hatch_rings(e, distance) if len(c) >= 3]
    try:
        rings = outline(_faces(e, t))
    except (TypeError, ValueError, IndexError, AttributeError):  # a damaged mesh loses its outline only
        rings = []
    return (POLYFACE if t == "POLYLINE" else t), rings


def _edges(coords: np.ndarray) -> set:
    pts = [tuple(np.round(p, 6)) for p in coords]
    return {frozenset((pts[k], pts[(k + 1) % len(pts)])) for k in range(len(pts))}


def joined(rings: list, least: float) -> list:
    """``[(coords, prim)]`` with the triangles from face entities (3DFACE, SOLID, TRACE) that share a
    whole edge, on one layer, merged into one ring each (the first triangle's primitive stands for
    them). A face piece left narrower than ``least`` across (drawing units: a filled arrowhead, a dot)
    covers no area and is dropped. Everything else passes unchanged."""
    if not any(p.dxftype in PIECES for _, p in rings):
        return rings
    rings = [(c, p) for c, p in rings if p.dxftype not in PIECES or len(c) == 3 or _span(c) >= least]
    tri = [k for k, (c, p) in enumerate(rings) if p.dxftype in PIECES and len(c) == 3]
    parent = {k: k for k in tri}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict = {}
    for k in tri:
        for edge in _edges(rings[k][0]):
            key = (rings[k][1].layer, edge)
            if key in owner:
                parent[root(k)] = root(owner[key])
            else:
                owner[key] = k
    groups: dict[int, list[int]] = {}
    for k in tri:
        groups.setdefault(root(k), []).append(k)
    merged = {}
    for first, members in groups.items():
        if len(members) < 2:
            continue
        out = outline([rings[k][0] for k in members])
        if len(out) == 1:
            merged[min(members)] = (out[0], rings[min(members)][1])
            merged.update({k: None for k in members if k != min(members)})
    out = [merged.get(k, ring) for k, ring in enumerate(rings) if merged.get(k, ring) is not None]
    return [(c, p) for c, p in out if p.dxftype not in PIECES or _span(c) >= least]


def _span(coords: np.ndarray) -> float:
    return float(np.ptp(coords, axis=0).min()) if len(coords) else 0.0
