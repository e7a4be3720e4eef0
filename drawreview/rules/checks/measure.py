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


def as_array(geoms) -> np.ndarray:
    """A 1-D object array of geometries (for vectorised shapely calls and fancy indexing)."""
    geoms = list(geoms)
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    return arr


def overlap_groups(geoms, tree: shapely.STRtree) -> list[list[int]]:
    """Indices grouped into connected sets of geometries that overlap by a positive area
    (duplicates, pieces drawn over one another); touching or separate geometries stay apart.
    One STRtree self-query, so O(n log n + pairs), never all pairs. Groups keep drawing order."""
    arr = as_array(geoms)
    n = len(arr)
    parent = list(range(n))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    if n > 1:
        i, j = tree.query(arr, predicate="intersects")
        keep = i < j
        i, j = i[keep], j[keep]
        if len(i):
            inter = shapely.area(shapely.intersection(arr[i], arr[j]))
            smaller = np.minimum(shapely.area(arr[i]), shapely.area(arr[j]))
            for a, b in zip(i[inter > 1e-9 * smaller], j[inter > 1e-9 * smaller]):
                ra, rb = root(int(a)), root(int(b))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for k in range(n):
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


def features_at(geo, rule, selector: str, default_cls: str, geom: BaseGeometry, snap_m: float) -> list:
    """Features of the rule's *selector* class lying on or within the rule's ``snap_m`` of *geom*
    (exits on a compartment boundary, entrances of a protection unit), in drawing order."""
    cls = rule.sel(selector, default_cls)
    feats = geo.of(cls)
    if not feats:
        return []
    idx = geo.tree(cls).query(geom, predicate="dwithin", distance=geo.du(float(rule.p("snap_m", snap_m))))
    return [feats[i] for i in sorted(idx)]
