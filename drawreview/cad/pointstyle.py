"""A POINT's symbol as ``$PDMODE`` draws it, as plain segments and a circle.

ezdxf gives the symbol as LINE and CIRCLE entities (``Point.virtual_entities``), each made
through its entity factory and then painted like any entity: ~0.12 ms a point, which a survey
drawing of thousands of points pays in full. ``symbol`` computes the same geometry with the same
arithmetic (ezdxf's UCS of the point, turned by its angle: every float equal) and the painter
draws it with the point's own pen, as it would draw those entities (their graphic properties are
the point's). A circle in a tilted OCS would be left to ezdxf's entities (ezdxf gives POINT a
pass-through OCS, extrusion or not, so today every symbol is drawn here).
tests/cad/test_pointstyle.py holds the painted virtual entities as the reference.
"""

from __future__ import annotations

import math

from ezdxf.math import NULLVEC, UCS, Vec3


def symbol(e, d: dict, size: float, mode: int):
    """(segments [(start, end)], circle (centre, radius) or None) in world coordinates, in
    ezdxf's order; None where ezdxf's entities must draw it."""
    ocs = e.ocs()
    has_circle = bool(mode & 32)
    if has_circle and ocs.transform:
        return None
    ucs = UCS(origin=d["location"], ux=ocs.ux, uz=ocs.uz).rotate_local_z(math.radians(-d.get("angle", 0.0)))
    radius = size * 0.5
    style = mode & 7
    segments = []

    def symmetrical(offset: Vec3) -> None:
        segments.append((ucs.to_wcs(-offset), ucs.to_wcs(offset)))

    if style == 0:
        symmetrical(NULLVEC)
    elif style == 2:
        symmetrical(Vec3(size, 0))
        symmetrical(Vec3(0, size))
    elif style == 3:
        symmetrical(Vec3(size, size))
        symmetrical(Vec3(size, -size))
    elif style == 4:
        segments.append((ucs.to_wcs(NULLVEC), ucs.to_wcs(Vec3(0, radius))))
    if mode & 64:
        x1, x2, y1, y2 = -radius, radius, -radius, radius
        for s, t in (((x1, y1), (x2, y1)), ((x2, y1), (x2, y2)), ((x2, y2), (x1, y2)), ((x1, y2), (x1, y1))):
            segments.append((ucs.to_wcs(Vec3(s)), ucs.to_wcs(Vec3(t))))
    circle = (d["location"], radius) if has_circle else None
    return segments, circle
