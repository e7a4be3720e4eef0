"""Fire (消防) checks on the site plan: separations, fire lanes, turning areas, hardstanding."""

from __future__ import annotations

import numpy as np
import shapely

from ..finding import make
from .registry import check
from .measure import as_array, r, rect_dims, square_size


def _shell(g):
    """The polygon with its holes filled (a courtyard belongs to its building)."""
    return shapely.Polygon(g.exterior) if g.geom_type == "Polygon" else g


def _group(rating: int) -> str:
    return "12" if rating <= 2 else str(rating)


def separation_required(a: dict, b: dict, p: dict) -> float:
    """GB 50016 table 5.2.2 (civil buildings)."""
    if a["high_rise"] and b["high_rise"]:
        return float(p["high_high"])
    if a["high_rise"] or b["high_rise"]:
        low = b if a["high_rise"] else a
        return float(p["high_low"][str(low["rating"])])
    ga, gb = sorted((_group(a["rating"]), _group(b["rating"])))
    return float(p["low_low"][f"{ga}-{gb}"])


@check("fire_separation")
def fire_separation(geo, rule):
    cls = rule.sel("buildings", "building")
    bs = geo.of(cls)
    if len(bs) < 2:
        return
    reach = geo.du(max([float(rule.p("high_high"))] + [float(v) for v in rule.p("high_low").values()]
                       + [float(v) for v in rule.p("low_low").values()]))
    ii, jj = geo.tree(cls).query([b.geom for b in bs], predicate="dwithin", distance=reach)
    touching = float(geo.params.get("snap_m", 0.05))  # outlines this close share a wall (drafting tolerance)
    for i, j in zip(ii, jj):
        if i >= j:
            continue
        a, b = bs[i], bs[j]
        if _shell(a.geom).intersection(_shell(b.geom)).area > 0:
            continue  # one inside or over the other (a tower on its podium, a courtyard ring): one complex
        d = geo.m(a.geom.distance(b.geom))
        if d <= touching:
            continue  # wall to wall: one building drawn in parts (or attached across a fire wall), no gap to keep
        need = separation_required(a.attrs, b.attrs, rule.params)
        if d < need - 1e-6:
            yield make(rule, measured=r(d), required=need, features=[a, b],
                       evidence=shapely.shortest_line(a.geom, b.geom),
                       name=a.attrs.get("name", a.handle), other=b.attrs.get("name", b.handle))


@check("lane_width")
def lane_width(geo, rule):
    """Opening (erode + dilate, mitred) by half the required width; what disappears is narrower."""
    need = float(rule.p("min_width_m"))
    half = geo.du(need / 2) * 0.999
    min_lost = geo.du(1.0) ** 2 * float(rule.p("min_lost_m2", 0.5))
    for lane in geo.of(rule.sel("lanes", "fire_lane")):
        g = lane.geom
        opened = g.buffer(-half, join_style="mitre").buffer(half, join_style="mitre")
        lost = g.difference(opened)
        if lost.area <= min_lost:
            continue
        parts = [p for p in shapely.get_parts(lost) if p.area > min_lost]
        if not parts:
            continue
        worst = max(parts, key=lambda p: p.area)
        width = geo.m(_clear_width(g, worst, half, geo.du(0.005)))
        yield make(rule, measured=r(width), required=need, features=[lane], evidence=worst)


def _clear_width(lane, narrow, half: float, tol: float) -> float:
    """The width of the lane's ``narrow`` part: twice the widest half-width whose opening keeps most
    of it (bisection). A bend's or junction's inscribed circle is wider than the lane (a 3.5 m L lane's
    corner holds a 4.1 m circle), so the circle alone would report a narrow lane as wide enough."""
    lo, hi = 0.0, half
    while hi - lo > tol:
        mid = (lo + hi) / 2
        opened = lane.buffer(-mid, join_style="mitre").buffer(mid, join_style="mitre")
        if narrow.difference(opened).area <= 0.5 * narrow.area:
            lo = mid
        else:
            hi = mid
    return 2 * lo


@check("lane_clear_height")
def lane_clear_height(geo, rule):
    lanes, over = geo.of(rule.sel("lanes", "fire_lane")), geo.of(rule.sel("overhead", "overhead"))
    if not lanes or not over:
        return
    need = float(rule.p("min_height_m"))
    oi, li = geo.tree(rule.sel("lanes", "fire_lane")).query([o.geom for o in over], predicate="intersects")
    seen = set()
    for o, l in zip(oi, li):
        h = over[o].attrs.get("clear_height")
        if o in seen or h is None or h >= need:
            continue
        seen.add(o)
        yield make(rule, measured=h, required=need, features=[over[o], lanes[l]],
                   evidence=over[o].geom.intersection(lanes[l].geom))


@check("lane_offset")
def lane_offset(geo, rule):
    """Lane edge to outer wall ≥ 5 m (7.1.8-4, advisory)."""
    cls = rule.sel("lanes", "fire_lane")
    bs, lanes = geo.of(rule.sel("buildings", "building")), geo.of(cls)
    if not bs or not lanes:
        return
    need = float(rule.p("min_offset_m"))
    bi, li = geo.tree(cls).query([b.geom for b in bs], predicate="dwithin", distance=geo.du(need) * 0.999)
    best: dict[int, tuple[float, int]] = {}
    for b, l in zip(bi, li):
        d = bs[b].geom.distance(lanes[l].geom)
        if b not in best or d < best[b][0]:
            best[b] = (d, l)
    for b, (d, l) in sorted(best.items()):
        ev = shapely.shortest_line(bs[b].geom, lanes[l].geom) if d > 0 else bs[b].geom.intersection(lanes[l].geom)
        yield make(rule, measured=r(geo.m(d)), required=need, features=[bs[b], lanes[l]], evidence=ev,
                   name=bs[b].attrs.get("name", bs[b].handle))


def _long_side_strips(geom, depth: float) -> list:
    """Outward strips in front of the two long sides of the building's rotated rectangle."""
    env = shapely.oriented_envelope(geom)
    c = list(env.exterior.coords)[:4]
    sides = sorted(((c[k], c[(k + 1) % 4]) for k in range(4)),
                   key=lambda s: -((s[1][0] - s[0][0]) ** 2 + (s[1][1] - s[0][1]) ** 2))[:2]
    cx, cy = env.centroid.x, env.centroid.y
    strips = []
    for (x0, y0), (x1, y1) in sides:
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        nx, ny = mx - cx, my - cy
        n = (nx * nx + ny * ny) ** 0.5 or 1.0
        dx, dy = nx / n * depth, ny / n * depth
        strips.append(shapely.Polygon([(x0, y0), (x1, y1), (x1 + dx, y1 + dy), (x0 + dx, y0 + dy)]))
    return strips


@check("lane_access")
def lane_access(geo, rule):
    """High-rise: ring lane or lanes along two long sides; residential: one long side (7.1.2)."""
    cls = rule.sel("lanes", "fire_lane")
    depth = geo.du(float(rule.p("reach_m")))
    high = [b for b in geo.of(rule.sel("buildings", "building")) if b.attrs.get("high_rise")]
    if not high:
        return
    strips = [_long_side_strips(b.geom, depth) for b in high]
    hit = np.zeros(2 * len(high), dtype=bool)
    if geo.of(cls):  # one query for every strip; a strip is served when any lane reaches into it
        flat = as_array(s for pair in strips for s in pair)
        hit[np.unique(geo.tree(cls).query(flat, predicate="intersects")[0])] = True
    for k, (b, pair) in enumerate(zip(high, strips)):
        sides = hit[2 * k:2 * k + 2]
        n = int(sides.sum())
        need = int(rule.p("residential_sides" if b.attrs.get("residential") else "other_sides"))
        if n < need:  # evidence: the long sides' strips no lane reaches
            bare = [s for s, served in zip(pair, sides.tolist()) if not served]
            yield make(rule, measured=n, required=need, features=[b], evidence=shapely.MultiPolygon(bare),
                       unit="", name=b.attrs.get("name", b.handle))


@check("turning_area")
def turning_area(geo, rule):
    high = any(b.attrs.get("high_rise") for b in geo.of(rule.sel("buildings", "building")))
    need = float(rule.p("heavy_m") if rule.p("heavy_appliances") else rule.p("high_rise_m") if high else rule.p("min_m"))
    for t in geo.of(rule.sel("turning", "turning_area")):
        size = geo.m(square_size(t.geom))
        if size < need - 0.01:
            yield make(rule, measured=r(size), required=need, features=[t], evidence=t.geom.exterior)


def _pads_near(geo, rule, buildings, reach_m: float) -> list[list]:
    """Per building, the pads within ``reach_m`` (one vectorised query)."""
    cls = rule.sel("pads", "hardstanding")
    pads = geo.of(cls)
    out: list[list] = [[] for _ in buildings]
    if not pads or not buildings:
        return out
    bi, pi = geo.tree(cls).query(as_array(b.geom for b in buildings), predicate="dwithin", distance=geo.du(reach_m))
    for b, p in zip(bi.tolist(), pi.tolist()):
        out[b].append(pads[p])
    return out


@check("hardstanding_length")
def hardstanding_length(geo, rule):
    """Pads along ≥ one long side or ≥ 1/4 of the perimeter (7.2.1)."""
    high = [b for b in geo.of(rule.sel("buildings", "building")) if b.attrs.get("high_rise")]
    for b, pads in zip(high, _pads_near(geo, rule, high, float(rule.p("reach_m")))):
        covered = sum(geo.m(rect_dims(p.geom)[0]) for p in pads)
        perim = geo.m(b.geom.exterior.length)
        need = min(perim / 4, geo.m(rect_dims(b.geom)[0]))
        if covered < need - 0.01:
            yield make(rule, measured=r(covered), required=r(need), features=[b, *pads],
                       evidence=b.geom.exterior, name=b.attrs.get("name", b.handle))


def _nearest_building(geo, rule, pads) -> tuple[np.ndarray, np.ndarray]:
    """(pad index, building index) of each pad's nearest building(s), ties included."""
    bcls = rule.sel("buildings", "building")
    if not geo.of(bcls) or not pads:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    return geo.tree(bcls).query_nearest(as_array(p.geom for p in pads))


@check("hardstanding_size")
def hardstanding_size(geo, rule):
    bs = geo.of(rule.sel("buildings", "building"))
    pads = geo.of(rule.sel("pads", "hardstanding"))
    tall_m = float(rule.p("tall_m"))
    tall = np.zeros(len(pads), dtype=bool)
    pi, bi = _nearest_building(geo, rule, pads)
    for p, b in zip(pi.tolist(), bi.tolist()):
        tall[p] |= bs[b].attrs.get("height", 0) > tall_m
    for p, is_tall in zip(pads, tall.tolist()):
        long_, short = (geo.m(v) for v in rect_dims(p.geom))
        need_l = float(rule.p("tall_length_m") if is_tall else rule.p("length_m"))
        need_w = float(rule.p("width_m"))
        if long_ < need_l - 0.01 or short < need_w - 0.01:
            yield make(rule, measured=f"{long_:.1f}×{short:.1f}", required=f"{need_l:.0f}×{need_w:.0f}",
                       features=[p], evidence=p.geom.exterior)


@check("hardstanding_distance")
def hardstanding_distance(geo, rule):
    bs = geo.of(rule.sel("buildings", "building"))
    pads = geo.of(rule.sel("pads", "hardstanding"))
    lo, hi = float(rule.p("min_m")), float(rule.p("max_m"))
    pi, bi = _nearest_building(geo, rule, pads)
    seen = set()
    for p, i in zip(pi.tolist(), bi.tolist()):
        if p in seen:  # ties: the first nearest building
            continue
        seen.add(p)
        pad, b = pads[p], bs[i]
        d = geo.m(pad.geom.distance(b.geom))
        if d < lo - 0.01 or d > hi + 0.01:
            yield make(rule, measured=r(d), required=f"{lo:g}–{hi:g}", features=[pad, b],
                       evidence=shapely.shortest_line(pad.geom, b.geom))
