"""Lightning protection (防雷, GB 50057-2010) checks on roof plans."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.ops import substring

from ..finding import make
from .registry import check
from .measure import r, rect_dims, union


def _class(geo, roof) -> int:
    return int(roof.attrs.get("lightning_class") or geo.params.get("lightning_class") or 3)


def _conductors(geo, rule, roof):
    cls = rule.sel("conductors", "air_termination")
    lines = geo.of(cls)
    if not lines:
        return []
    idx = geo.tree(cls).query(roof.geom, predicate="dwithin", distance=geo.du(0.5))
    return [lines[i] for i in sorted(idx)]


def _extended(g, d: float):
    """An open conductor line lengthened by ``d`` at both ends, so a line drawn a little short of
    the one it meets still closes its cell (the overshoot is a dangle polygonize ignores)."""
    if g.geom_type != "LineString" or g.is_ring or d <= 0:
        return g
    c = np.asarray(g.coords, dtype=float)
    if len(c) < 2:
        return g
    for end, nxt in ((0, 1), (-1, -2)):
        v = c[end] - c[nxt]
        n = float(np.hypot(*v[:2]))
        if n > 0:
            c[end] = c[end] + v / n * d
    return shapely.LineString(c)


@check("mesh_size")
def mesh_size(geo, rule):
    sizes = rule.p("mesh")
    tol = float(rule.p("tolerance_m", 0.05))
    for roof in geo.of(rule.sel("roofs", "roof_outline")):
        allowed = [sorted(map(float, s), reverse=True) for s in sizes[str(_class(geo, roof))]]
        lines = _conductors(geo, rule, roof)
        reach = geo.du(float(rule.p("gap_m", 0.3)))
        net = shapely.node(union([_extended(l.geom, reach) for l in lines] + [roof.geom.exterior])) if lines else None
        cells = [c for c in shapely.get_parts(shapely.polygonize(shapely.get_parts(net)))
                 if roof.geom.contains(c.representative_point())] if net is not None else [roof.geom]
        worst, worst_cell = None, None
        for c in cells:
            long_, short = (geo.m(v) for v in rect_dims(c))
            if not any(long_ <= a + tol and short <= b + tol for a, b in allowed):
                if worst is None or long_ * short > worst[0] * worst[1]:
                    worst, worst_cell = (long_, short), c
        if worst:
            req = " / ".join(f"{a:g}×{b:g}" for a, b in allowed)
            yield make(rule, measured=f"{worst[0]:.1f}×{worst[1]:.1f}", required=req, features=[roof, *lines[:1]],
                       evidence=worst_cell.exterior, lp_class=_class(geo, roof))


@check("eaves_conductor")
def eaves_conductor(geo, rule):
    tol = geo.du(float(rule.p("tolerance_m")))
    max_gap = float(rule.p("max_uncovered_m"))
    for roof in geo.of(rule.sel("roofs", "roof_outline")):
        lines = _conductors(geo, rule, roof)
        edge = roof.geom.exterior
        bare = edge.difference(union([l.geom for l in lines]).buffer(tol)) if lines else edge
        length = geo.m(bare.length)
        if length > max_gap:
            yield make(rule, measured=r(length), required=max_gap, features=[roof], evidence=bare)


@check("down_conductor_spacing")
def down_conductor_spacing(geo, rule):
    dcls = rule.sel("down", "down_conductor")
    downs = geo.of(dcls)
    min_count = int(rule.p("min_count"))
    for roof in geo.of(rule.sel("roofs", "roof_outline")):
        need = float(rule.p("spacing")[str(_class(geo, roof))])
        ring = roof.geom.exterior
        idx = geo.tree(dcls).query(roof.geom, predicate="dwithin", distance=geo.du(1.0)) if downs else []
        pts = [downs[i] for i in idx]
        if len(pts) < min_count:
            yield make(rule, measured=f"{len(pts)}", required=f"≥{min_count}", features=[roof, *pts],
                       evidence=ring, unit="", lp_class=_class(geo, roof))
            continue
        pos = np.sort(shapely.line_locate_point(ring, [p.geom for p in pts]))
        gaps = np.diff(np.append(pos, pos[0] + ring.length))
        k = int(np.argmax(gaps))
        gap = geo.m(float(gaps[k]))
        if gap > need + 0.01:
            a, b = float(pos[k]), float(pos[k] + gaps[k])
            ev = substring(ring, a, b) if b <= ring.length else shapely.line_merge(
                union([substring(ring, a, ring.length), substring(ring, 0, b - ring.length)]))
            yield make(rule, measured=r(gap), required=need, features=[roof, *pts], evidence=ev,
                       lp_class=_class(geo, roof))


@check("strike_frequency")
def strike_frequency(geo, rule):
    """GB 50057 App. A: N = k·Ng·Ae, Ng = 0.1·Td; class 2 when N exceeds the threshold."""
    td = float(rule.p("thunderstorm_days"))
    k = float(rule.p("k"))
    for roof in geo.of(rule.sel("roofs", "roof_outline")):
        h = float(roof.attrs.get("height") or 0.0)
        if h <= 0:
            continue
        long_, short = (geo.m(v) for v in rect_dims(roof.geom))
        he = min(h, 100.0)
        ae = (long_ * short + 2 * (long_ + short) * math.sqrt(he * (200 - he)) + math.pi * he * (200 - he)) * 1e-6
        n = k * 0.1 * td * ae
        important = bool(geo.params.get("important_public")) or roof.attrs.get("use") in rule.p("crowded_uses")
        threshold = float(rule.p("public_threshold") if important else rule.p("threshold"))
        declared = _class(geo, roof)
        if n > threshold and declared > 2:
            yield make(rule, measured=r(n, 4), required=threshold, features=[roof], evidence=roof.geom.exterior,
                       unit="次/a", declared=declared)


@check("outer_edge_conductor")
def outer_edge_conductor(geo, rule):
    """Tall buildings (class 2 > 45 m, class 3 > 60 m): the eaves conductor runs on the outer-wall
    face or the eaves' vertical plane, or outside it (4.3.1 / 4.4.1), not set back on the roof.
    Conductors count where they lie in the band from ``inside_tolerance_m`` inside the roof edge
    to ``outside_reach_m`` outside it; pieces shorter than ``min_piece_m`` there (mesh lines that
    merely end at the edge) do not cover it."""
    heights = {str(k): float(v) for k, v in rule.p("min_height_m").items()}
    tol_in, reach = geo.du(float(rule.p("inside_tolerance_m"))), geo.du(float(rule.p("outside_reach_m")))
    min_piece, max_gap = geo.du(float(rule.p("min_piece_m"))), float(rule.p("max_uncovered_m"))
    for roof in geo.of(rule.sel("roofs", "roof_outline")):
        lp = str(_class(geo, roof))
        h = float(roof.attrs.get("height") or geo.params.get("building_height_m") or 0.0)
        if lp not in heights or h <= heights[lp]:
            continue
        edge = roof.geom.exterior
        band = edge.buffer(reach).difference(roof.geom.buffer(-tol_in))
        pieces = [p for l in _conductors(geo, rule, roof)
                  for p in shapely.get_parts(l.geom.intersection(band)) if p.length >= min_piece]
        bare = edge.difference(union(pieces).buffer(reach + tol_in)) if pieces else edge
        length = geo.m(bare.length)
        if length > max_gap:
            yield make(rule, measured=r(length), required=max_gap, features=[roof], evidence=bare,
                       height=h, lp_class=lp, limit=heights[lp])
