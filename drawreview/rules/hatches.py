"""A HATCH's boundary rings in WCS, as the checks read its outline (an area drawn only as a hatch)."""

from __future__ import annotations

import numpy as np
from ezdxf import path as ezpath
from ezdxf.entities.boundary_paths import BoundaryPathType


def path_coords(path, distance: float) -> np.ndarray:
    """A path flattened to within *distance* (drawing units), as an (n, 2) array."""
    pts = list(path.flattening(distance))
    return np.array([(p.x, p.y) for p in pts], dtype=float) if pts else np.zeros((0, 2))


def hatch_rings(e, distance: float) -> list[np.ndarray]:
    """Boundary rings of a HATCH in WCS. Fast path: a hatch in the XY plane whose boundaries are
    straight polyline paths (the common case) is read directly; anything else (edge paths, arcs,
    bulges, a tilted OCS) goes through ``ezdxf.path.from_hatch``, the reference."""
    extrusion = e.dxf.get("extrusion", None)
    fast = extrusion is None or (abs(extrusion[0]) < 1e-12 and abs(extrusion[1]) < 1e-12 and extrusion[2] > 0)
    rings = []
    if fast:
        for bp in e.paths:
            vertices = getattr(bp, "vertices", None)
            if bp.type != BoundaryPathType.POLYLINE or not vertices:
                fast = False
                break
            v = np.asarray(vertices, dtype=float).reshape(len(vertices), -1)
            if v.shape[1] > 2 and v[:, 2].any():
                fast = False
                break
            coords = v[:, :2]
            if len(coords) > 1 and coords[0, 0] == coords[-1, 0] and coords[0, 1] == coords[-1, 1]:
                coords = coords[:-1]
            rings.append(coords.copy())
    if fast:
        return rings
    out = []
    for p in ezpath.from_hatch(e):
        coords = path_coords(p, distance)
        if len(coords) > 1 and np.allclose(coords[0], coords[-1]):
            coords = coords[:-1]
        out.append(coords)
    return out
