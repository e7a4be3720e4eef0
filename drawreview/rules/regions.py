"""REGION entities as outlines (decision 121): some drafters draw a compartment, a room or a
roof as a REGION (AutoCAD's ``REGION`` command on closed linework, or BOUNDARY with the region
option) instead of a polyline. Its shape is an ACIS body, which ezdxf reads (``ezdxf.acis``: SAT
in R2000–R2010 files, SAB in R2013 and later) for straight-edged bodies: the body's planar faces
become one shape whose rings (outer edges and holes) are closed primitives, as a polyline's
would be. A body ezdxf cannot read (curved edges, a damaged or encrypted ACIS stream) gives
nothing here and its layer is not counted.
"""

from __future__ import annotations

import numpy as np
import shapely

from .primitives import Prim


def region_prims(e, layer: str, handle: str) -> list[Prim]:
    """Closed primitives for the rings of one REGION's faces, in WCS (x, y)."""
    try:
        from ezdxf.acis import api as acis

        faces = [shapely.Polygon(np.asarray([(v.x, v.y) for v in (mesh.vertices[i] for i in face)], dtype=float))
                 for body in acis.load_dxf(e) for mesh in acis.mesh_from_body(body) for face in mesh.faces
                 if len(face) >= 3]
    except Exception:  # noqa: BLE001 — ezdxf raises several kinds on ACIS it does not support
        return []
    faces = [shapely.make_valid(f) for f in faces]
    faces = [f for f in faces if not f.is_empty and f.area > 0]
    if not faces:
        return []
    out = []
    for poly in shapely.get_parts(shapely.union_all(faces)):
        if poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            coords = np.asarray(ring.coords, dtype=float)[:-1]
            if len(coords) >= 3:
                out.append(Prim("line", coords, True, layer, "REGION", handle))
    return out
