"""Which way a text stands, and how tall it is once the inserts around it have stretched it.

A text's height is measured across its lines, along its "up" direction (its baseline turned a
quarter left). A block drawn with a 2.5 mm note and inserted ×100 across and ×140 up shows the
note 350 units tall (3.5 mm at 1:100): the Y scale decides, not the mean of the two; the same
note turned 90° in the block stands along the block's X axis, so the X scale decides. Each
insert maps the up direction with its matrix; the height grows by the length the direction
takes, and the direction goes on to the next level (a note block inside a plan block).
"""

from __future__ import annotations

import math

import numpy as np
from ezdxf.math import Vec3


def _plus_z(e) -> bool:
    ext = e.dxf.get("extrusion", None)
    return ext is None or (abs(ext[0]) < 1e-12 and abs(ext[1]) < 1e-12 and ext[2] > 0)


def up(e) -> tuple[float, float]:
    """The unit up direction of a TEXT, ATTRIB or MTEXT in its space's coordinates (a flipped
    entity's rotation is in its OCS)."""
    if e.dxftype() == "MTEXT":
        if e.dxf.hasattr("text_direction"):  # in WCS
            d = e.dxf.text_direction
            n = math.hypot(d[0], d[1])
            if n > 1e-12:
                return -d[1] / n, d[0] / n
        angle = math.radians(float(e.dxf.get("rotation", 0.0) or 0.0))
    else:
        angle = math.radians(float(e.dxf.get("rotation", 0.0) or 0.0))
    v = Vec3(-math.sin(angle), math.cos(angle), 0.0)
    if not _plus_z(e):
        v = e.ocs().to_wcs(v)  # the OCS turns about the origin: a direction maps as a point does
    n = math.hypot(v.x, v.y)
    return (v.x / n, v.y / n) if n > 1e-12 else (0.0, 1.0)


def stretched(height: float, direction: tuple[float, float], m2: np.ndarray,
              fallback: float) -> tuple[float, float, float]:
    """(height, up x, up y) after the 2×2 part *m2* of an insert's matrix (row vectors, as ezdxf's
    Matrix44): the height times the length the up direction takes. A matrix that flattens the
    direction gives the mean scale *fallback* and keeps the direction."""
    v = np.asarray(direction, dtype=float) @ m2
    n = float(math.hypot(v[0], v[1]))
    if n <= 1e-12:
        return height * fallback, direction[0], direction[1]
    return height * n, float(v[0] / n), float(v[1] / n)


def placed(xy: np.ndarray, children: list[tuple], m2: np.ndarray, layer: str) -> list[tuple]:
    """A block's texts ``(x, y, text, height, layer, up x, up y)`` at their placed points *xy*, each
    height stretched along its up direction by the insert's *m2*; layer-0 texts take the insert's layer."""
    mean = float(np.sqrt(abs(np.linalg.det(m2))))
    out = []
    for (x, y), c in zip(xy, children):
        height, ux, uy = stretched(c[3], (c[5], c[6]), m2, mean)
        out.append((float(x), float(y), c[2], height, layer if c[4] == "0" else c[4], ux, uy))
    return out
