"""An MLINE as the band it draws: the area between its outermost element lines.

A fire lane, a road or a wall drawn with MLINE (the STANDARD style: two lines at ±0.5 × the scale)
is one entity whose elements run parallel along its vertices, mitred at each bend. ezdxf keeps, per
vertex, the miter direction and each element's offset along it; the band is the union of the
quadrilaterals between the outermost elements of each segment. Its outer and inner rings (a ring
road returning to its start) become closed primitives, as a polyline outline's would; an MLINE
of one element, or of elements at one offset, is the line it draws."""

from __future__ import annotations

import numpy as np
import shapely


def _edges(e) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(locations, the lower and the upper element's points) per vertex, or None."""
    locs, lo, hi = [], [], []
    for v in e.vertices:
        offsets = [p[0] for p in v.line_params if len(p)]
        if not offsets:
            return None
        loc, miter = np.asarray(v.location, dtype=float)[:2], np.asarray(v.miter_direction, dtype=float)[:2]
        locs.append(loc)
        lo.append(loc + miter * min(offsets))
        hi.append(loc + miter * max(offsets))
    return np.array(locs), np.array(lo), np.array(hi)


def mline_prims(e, layer: str, handle: str) -> list:
    from .primitives import Prim  # primitives imports this module lazily: no import circle

    try:
        edges = _edges(e)
    except (AttributeError, TypeError, ValueError):
        return []
    if edges is None or len(edges[0]) < 2:
        return []
    locs, lo, hi = edges
    closed = bool(e.is_closed)
    if np.allclose(lo, hi):
        return [Prim("line", lo, closed, layer, "MLINE", handle)]
    n = len(locs)
    pairs = [(i, i + 1) for i in range(n - 1)] + ([(n - 1, 0)] if closed else [])
    quads = [shapely.Polygon([lo[i], hi[i], hi[j], lo[j]]) for i, j in pairs]
    band = shapely.union_all([q if q.is_valid else shapely.make_valid(q) for q in quads])
    out = []
    for poly in shapely.get_parts(band):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            coords = np.asarray(ring.coords)[:-1]
            if len(coords) >= 3:
                out.append(Prim("line", coords, True, layer, "MLINE", handle))
    return out
