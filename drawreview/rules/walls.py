"""The floor a building's walls enclose (decision 126): drafters often draw a floor's outer edge
only as its walls — a closed outline on the wall layer, or 天正's walls exploded to pairs of face
lines broken at every door and window — and put on the compartment layer only the 防火分区线 that
run from outer wall to outer wall. The floor is then the walls' mass closed over the openings
(each wall line thickened by half the widest opening closed, merged, its holes filled, and thinned
back to the outer face), and the dividing lines cut it into compartments (``partitions.split_by_lines``).
"""

from __future__ import annotations

import numpy as np
import shapely

OPENING_M = 3.0  # door and window openings up to this wide are closed over (a double fire door: 1.8 m)
ENCLOSED = 2.0  # a floor encloses at least this many times its walls' own area (else the walls close nothing)


def wall_line(p) -> np.ndarray:
    """A wall primitive's line, a closed outline with its closing segment."""
    return np.vstack([p.coords, p.coords[:1]]) if p.closed and len(p.coords) >= 3 else p.coords


def enclosed_floors(lines: list[np.ndarray], opening: float) -> list[shapely.Polygon]:
    """The floors the wall ``lines`` (coordinate arrays) enclose, in drawing units; ``opening`` is
    the widest gap closed over (drawing units)."""
    lines = [c for c in lines if len(c) >= 2]
    if not lines:
        return []
    r = opening / 2
    strokes = np.array([shapely.LineString(np.asarray(c, dtype=float)) for c in lines], dtype=object)
    mass = shapely.union_all(shapely.buffer(strokes, r, cap_style="square", join_style="mitre"))
    out = []
    for part in shapely.get_parts(mass):
        filled = shapely.Polygon(part.exterior)
        walls = part.buffer(-r, join_style="mitre")
        floor = filled.buffer(-r, join_style="mitre")
        if floor.is_empty or floor.area < ENCLOSED * max(walls.area, 0.0):
            continue
        out.extend(g for g in shapely.get_parts(floor) if g.geom_type == "Polygon" and g.area > 0)
    return out
