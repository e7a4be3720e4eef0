"""Planning (规划) checks: setbacks, site containment, plot ratio, density, green ratio,
sunlight spacing proxy, declared areas."""

from __future__ import annotations

import shapely
from shapely import box

from .. import labels
from ..finding import make
from . import check
from .measure import r, union


def _setback_for(height: float, table: list) -> float:
    for h_max, setback in table:
        if height <= h_max:
            return float(setback)
    return float(table[-1][1])


@check("road_setback")
def road_setback(geo, rule):
    buildings, roads = geo.of(rule.sel("buildings", "building")), geo.of(rule.sel("roads", "road_red_line"))
    if not buildings or not roads:
        return
    table = rule.p("table")
    reach = geo.du(max(s for _, s in table))
    bi, ri = geo.tree(rule.sel("roads", "road_red_line")).query(
        [b.geom for b in buildings], predicate="dwithin", distance=reach)
    best: dict[int, tuple[float, int]] = {}
    for b, k in zip(bi, ri):
        d = buildings[b].geom.distance(roads[k].geom)
        if b not in best or d < best[b][0]:
            best[b] = (d, k)
    for b, (d, k) in sorted(best.items()):
        f = buildings[b]
        need = _setback_for(f.attrs.get("height", 0.0), table)
        if geo.m(d) < need - 1e-6:
            yield make(rule, measured=r(geo.m(d)), required=need, features=[f, roads[k]],
                       evidence=shapely.shortest_line(f.geom, roads[k].geom),
                       name=f.attrs.get("name", f.handle), height=f.attrs.get("height", 0.0))


def _outside(geo, rule, inner_cls: str, outer_cls: str):
    """Parts of each feature outside the union of the containers it touches (local unions only)."""
    feats, outers = geo.of(inner_cls), geo.of(outer_cls)
    if not feats or not outers:
        return
    tol = float(rule.p("tolerance_m2", 0.01))
    fi, oi = geo.tree(outer_cls).query([f.geom for f in feats], predicate="intersects")
    touching: dict[int, list[int]] = {}
    for i, j in zip(fi, oi):
        touching.setdefault(int(i), []).append(int(j))
    for i, f in enumerate(feats):
        local = [outers[j].geom for j in touching.get(i, [])]
        if len(local) == 1 and local[0].covers(f.geom):
            continue
        out = f.geom.difference(union(local)) if local else f.geom
        area = geo.m2(out.area)
        if area > tol:
            yield make(rule, measured=r(area), required=0, features=[f], evidence=out, unit="m²",
                       name=f.attrs.get("name", f.handle))


@check("inside_control_line")
def inside_control_line(geo, rule):
    yield from _outside(geo, rule, rule.sel("buildings", "building"), rule.sel("container", "setback_line"))


@check("inside_site")
def inside_site(geo, rule):
    yield from _outside(geo, rule, rule.sel("buildings", "building"), rule.sel("container", "site_boundary"))


def _site(geo, rule):
    sites = geo.of(rule.sel("site", "site_boundary"))
    return union([s.geom for s in sites]), sites


@check("plot_ratio")
def plot_ratio(geo, rule):
    site, sites = _site(geo, rule)
    buildings = geo.of(rule.sel("buildings", "building"))
    if site.is_empty or not buildings:
        return
    storey_h = float(geo.params.get("storey_height_m", 3.0))
    gfa = 0.0
    for b in buildings:
        storeys = b.attrs.get("storeys") or max(1, round(b.attrs.get("height", storey_h) / storey_h))
        gfa += geo.m2(b.geom.area) * storeys
    ratio = gfa / geo.m2(site.area)
    limit = float(rule.p("max"))
    if ratio > limit + 1e-9:
        yield make(rule, measured=r(ratio, 3), required=limit, features=sites, unit="",
                   gfa=r(gfa, 1), site_area=r(geo.m2(site.area), 1))


@check("density")
def density(geo, rule):
    site, sites = _site(geo, rule)
    buildings = geo.of(rule.sel("buildings", "building"))
    if site.is_empty or not buildings:
        return
    cover = union([b.geom for b in buildings]).intersection(site)
    value = cover.area / site.area
    limit = float(rule.p("max"))
    if value > limit + 1e-9:
        yield make(rule, measured=r(value, 4), required=limit, features=sites, evidence=cover, unit="")


@check("green_ratio")
def green_ratio(geo, rule):
    site, sites = _site(geo, rule)
    if site.is_empty:
        return
    green = union([g.geom for g in geo.of(rule.sel("green", "green"))]).intersection(site)
    footprints = union([b.geom for b in geo.of(rule.sel("buildings", "building"))])
    if not green.is_empty and not footprints.is_empty:
        green = green.difference(footprints)
    value = green.area / site.area
    limit = float(rule.p("min"))
    if value < limit - 1e-9:
        yield make(rule, measured=r(value, 4), required=limit, features=sites, unit="",
                   green_area=r(geo.m2(green.area), 1))


@check("sunlight_spacing")
def sunlight_spacing(geo, rule):
    """Proxy: a residential building north of another keeps L ≥ k·H of the southern one."""
    buildings = geo.of(rule.sel("buildings", "building"))
    if len(buildings) < 2:
        return
    k = float(rule.p("k"))
    boxes = []
    for b in buildings:
        x0, y0, x1, y1 = b.geom.bounds
        boxes.append(box(x0, y1, x1, y1 + geo.du(k * b.attrs.get("height", 0.0)) + 1e-6))
    si, ni = geo.tree(rule.sel("buildings", "building")).query(boxes, predicate="intersects")
    for s, n in zip(si, ni):
        south, north = buildings[s], buildings[n]
        if s == n or not north.attrs.get("residential"):
            continue
        if north.geom.centroid.y <= south.geom.bounds[3]:
            continue
        need = k * south.attrs.get("height", 0.0)
        d = geo.m(north.geom.distance(south.geom))
        if d < need - 1e-6:
            yield make(rule, measured=r(d), required=r(need), features=[north, south],
                       evidence=shapely.shortest_line(north.geom, south.geom),
                       name=north.attrs.get("name", north.handle), other=south.attrs.get("name", south.handle))


@check("declared_area")
def declared_area(geo, rule):
    site, sites = _site(geo, rule)
    if site.is_empty:
        return
    declared = labels.declared_areas([t.text for t in geo.texts])
    key = rule.p("label", "用地面积")
    if key not in declared:
        return
    value, text = declared[key]
    computed = geo.m2(site.area)
    tol = float(rule.p("tolerance", 0.005))
    if abs(value - computed) > tol * computed:
        handles = [t for t in geo.texts if t.text == text]
        ev = shapely.Point(handles[0].x, handles[0].y) if handles else None
        f = make(rule, measured=r(value, 1), required=r(computed, 1), features=sites, evidence=ev, unit="m²",
                 label=key)
        if handles:
            f.handles.insert(0, handles[0].handle)
        yield f

