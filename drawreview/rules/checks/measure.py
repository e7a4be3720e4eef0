"""Measuring helpers shared by the checks (all in drawing units unless named *_m)."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


def rect_dims(geom: BaseGeometry) -> tuple[float, float]:
    """(long, short) sides of the minimum rotated rectangle."""
    env = shapely.oriented_envelope(geom)
    if env.geom_type != "Polygon":
        length = env.length
        return (length, 0.0)
    c = np.asarray(env.exterior.coords)
    a = float(np.hypot(*(c[1] - c[0])))
    b = float(np.hypot(*(c[2] - c[1])))
    return (max(a, b), min(a, b))


def square_size(geom: BaseGeometry) -> float:
    """Side of the largest square-ish area: the short side when the polygon is nearly its own
    rotated rectangle, else the diameter of the largest inscribed circle."""
    long_, short = rect_dims(geom)
    env_area = long_ * short
    if env_area > 0 and geom.area / env_area > 0.97:
        return short
    mic = shapely.maximum_inscribed_circle(geom, tolerance=max(short, 1e-9) / 200)
    return 2.0 * mic.length


def nearest_pairs(tree_geoms, query_geoms, distance: float):
    """Index pairs (query, tree) closer than ``distance`` (STRtree, never all pairs)."""
    tree = shapely.STRtree(tree_geoms)
    return tree.query(query_geoms, predicate="dwithin", distance=distance)


def union(geoms) -> BaseGeometry:
    geoms = [g for g in geoms if g is not None]
    return shapely.union_all(geoms) if geoms else shapely.Polygon()


def r(v: float, nd: int = 2) -> float:
    return round(float(v), nd)
