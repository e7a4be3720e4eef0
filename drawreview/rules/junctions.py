"""Strips drawn by edges that meet at junctions (decision 126): a fire lane network drawn as its
edge lines, each edge a polyline that turns from one lane into the next at a T or a cross, so no
two edges run side by side end to end (``partitions.edge_strips`` pairs those). The edges are cut
into straight segments; two segments that face each other (parallel, overlapping, nothing closer
between them) bound a piece of strip; the pieces are merged and closed over the junction squares
no pair of edges bounds (a square as wide as the lanes meeting there).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree

from .features import Feature
from .primitives import Prim

PARALLEL = 0.035  # radians (2°): edges of one lane run parallel


def _segments(geoms, prims: list[Prim]) -> tuple[np.ndarray, list[int]]:
    """Straight segments (n, 2, 2) of the lines and the line each comes from."""
    segs, owner = [], []
    for k, g in enumerate(geoms):
        c = np.asarray(g.coords, dtype=float)[:, :2]
        for a, b in zip(c[:-1], c[1:]):
            if np.hypot(*(b - a)) > 0:
                segs.append((a, b))
                owner.append(k)
    return np.array(segs, dtype=float).reshape(-1, 2, 2), owner


def _facing(a: np.ndarray, b: np.ndarray, max_width: float):
    """(distance, t0, t1) when segment ``b`` runs parallel to ``a`` within ``max_width`` and overlaps
    it over a's parameters t0 < t1 (0..1), else None."""
    da, db = a[1] - a[0], b[1] - b[0]
    la = float(np.hypot(*da))
    u = da / la
    cross = abs(u[0] * db[1] - u[1] * db[0]) / float(np.hypot(*db))
    if cross > PARALLEL:
        return None
    n = np.array([-u[1], u[0]])
    d = abs(float(np.dot(b[0] - a[0], n)))
    if not (0 < d <= max_width):
        return None
    t = sorted(float(np.dot(p - a[0], u)) / la for p in b)
    t0, t1 = max(t[0], 0.0), min(t[1], 1.0)
    return (d, t0, t1) if (t1 - t0) * la >= d else None  # a piece at least as long as it is wide


def junction_strips(geoms, prims: list[Prim], cls: str, max_width: float) -> tuple[list[Feature], set[int]]:
    """The strips bounded by edge lines that meet at junctions (see the module): (features, lines used)."""
    segs, owner = _segments(geoms, prims)
    if len(segs) < 2:
        return [], set()
    lines = shapely.linestrings(segs)
    tree = STRtree(lines)
    ii, jj = tree.query(lines, predicate="dwithin", distance=max_width)
    partners: dict[int, list] = {}
    for i, j in zip(ii.tolist(), jj.tolist()):
        if owner[i] != owner[j] and (f := _facing(segs[i], segs[j], max_width)) is not None:
            partners.setdefault(i, []).append((*f, j))
    pieces = []  # (polygon, width, line of a, line of b)
    along = np.zeros(len(geoms))  # each line's length that bounds a piece
    for i, found in partners.items():
        a = segs[i]
        covered: list[tuple[float, float]] = []
        for d, t0, t1, j in sorted(found):  # nearest first: a farther edge behind a nearer one bounds nothing
            free = _uncovered(t0, t1, covered)
            covered.append((t0, t1))
            for s0, s1 in free:
                p0, p1 = a[0] + (a[1] - a[0]) * s0, a[0] + (a[1] - a[0]) * s1
                q = segs[j]
                u = (q[1] - q[0]) / np.hypot(*(q[1] - q[0]))
                q0 = q[0] + u * np.dot(p0 - q[0], u)
                q1 = q[0] + u * np.dot(p1 - q[0], u)
                pieces.append((shapely.Polygon([p0, p1, q1, q0]), d, owner[i], owner[j]))
                along[owner[i]] += (s1 - s0) * float(np.hypot(*(a[1] - a[0])))
    # an edge bounds the strip along most of its length (a short line beside a long one is no edge of it)
    edge = along >= 0.5 * np.array([g.length for g in geoms])
    pieces = [p for p in pieces if edge[p[2]] and edge[p[3]]]
    if not pieces:
        return [], set()
    used = {k for p in pieces for k in p[2:]}
    r = 0.55 * max(p[1] for p in pieces)  # closes a junction square as wide as the widest lane meeting there
    merged = shapely.union_all([p[0] for p in pieces]).buffer(r, join_style="mitre").buffer(-r, join_style="mitre")
    handles = [prims[k].handle for k in sorted(used)]
    out = [Feature(g, handles, prims[min(used)].layer, cls, prims[min(used)].block)
           for g in shapely.get_parts(merged) if g.geom_type == "Polygon" and g.area > 0]
    return out, used


def _uncovered(t0: float, t1: float, covered: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of [t0, t1] outside every interval of ``covered``."""
    parts = [(t0, t1)]
    for c0, c1 in covered:
        nxt = []
        for s0, s1 in parts:
            if c1 <= s0 or c0 >= s1:
                nxt.append((s0, s1))
                continue
            if s0 < c0:
                nxt.append((s0, c0))
            if c1 < s1:
                nxt.append((c1, s1))
        parts = nxt
    return [(s0, s1) for s0, s1 in parts if s1 - s0 > 1e-9]
