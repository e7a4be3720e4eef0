"""Planning (规划) checks: setbacks, site containment, plot ratio, density, green ratio,
sunlight spacing proxy, declared areas."""

from __future__ import annotations

import shapely
from shapely import box

from .. import labels
from ..notes import area_rows
from ..finding import make
from .registry import check
from .measure import as_array, overlap_groups, r, union


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
    """Buildings, and the parts of them drawn on layers of their own (a basement's outline, the
    balconies, the canopies: GB 50352 4.3.1 names them), inside the site's red line."""
    container = rule.sel("container", "site_boundary")
    yield from _outside(geo, rule, rule.sel("buildings", "building"), container)
    for part in rule.p("parts", []):
        yield from _outside(geo, rule, part, container)


class Site:
    """One site (地块): a site polygon, or site polygons drawn over one another, merged."""

    __slots__ = ("geom", "features", "area")

    def __init__(self, geom, features) -> None:
        self.geom, self.features, self.area = geom, features, geom.area


def sites(geo, cls: str) -> list[Site]:
    """The drawing's sites. Ratios are computed per site, so a drawing holding many plots is
    checked plot by plot with local unions only (an STRtree groups what overlaps)."""

    def compute():
        feats = geo.of(cls)
        out = []
        for group in overlap_groups([f.geom for f in feats], geo.tree(cls)):
            members = [feats[k] for k in group]
            geom = members[0].geom if len(members) == 1 else union([f.geom for f in members])
            if not geom.is_empty and geom.area > 0:
                out.append(Site(geom, members))
        return out

    return geo.memo(("sites", cls), compute)


def in_sites(geo, site_cls: str, cls: str) -> list[list[tuple[int, float]]]:
    """Per site: (feature index, area of the feature inside the site) of each ``cls`` feature
    that reaches into it. One vectorised STRtree query for all sites."""

    def compute():
        ss, feats = sites(geo, site_cls), geo.of(cls)
        out: list[list[tuple[int, float]]] = [[] for _ in ss]
        if not ss or not feats:
            return out
        sg, fg = as_array(s.geom for s in ss), as_array(f.geom for f in feats)
        si, fi = geo.tree(cls).query(sg, predicate="intersects")
        covered = shapely.covers(sg[si], fg[fi])
        areas = shapely.area(fg[fi])
        partial = ~covered
        if partial.any():
            areas[partial] = shapely.area(shapely.intersection(sg[si[partial]], fg[fi[partial]]))
        for k, i, a in zip(si.tolist(), fi.tolist(), areas.tolist()):
            if a > 0:
                out[k].append((i, a))
        return out

    return geo.memo(("in_sites", site_cls, cls), compute)


def overlapping(geo, cls: str) -> set[int]:
    """Indices of ``cls`` features that overlap another feature of the class."""

    def compute():
        groups = overlap_groups([f.geom for f in geo.of(cls)], geo.tree(cls))
        return {k for g in groups if len(g) > 1 for k in g}

    return geo.memo(("overlapping", cls), compute)


def _cover(geo, site: Site, cls: str, members: list[tuple[int, float]]):
    """Union of the members inside the site (geometry), only built when asked for."""
    feats = geo.of(cls)
    return union([feats[i].geom for i, _ in members]).intersection(site.geom)


def _areas(geom):
    """The polygonal parts of an overlay result (slivers of touching edges dropped)."""
    return union([p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")])


@check("plot_ratio")
def plot_ratio(geo, rule):
    scls, bcls = rule.sel("site", "site_boundary"), rule.sel("buildings", "building")
    buildings = geo.of(bcls)
    storey_h = float(geo.params.get("storey_height_m", 3.0))
    limit = float(rule.p("max"))
    for site, members in zip(sites(geo, scls), in_sites(geo, scls, bcls)):
        if not members:
            continue
        gfa = 0.0
        for i, area in members:
            b = buildings[i]
            storeys = b.attrs.get("storeys") or max(1, round(b.attrs.get("height", storey_h) / storey_h))
            gfa += geo.m2(area) * storeys
        ratio = gfa / geo.m2(site.area)
        if ratio > limit + 1e-9:
            yield make(rule, measured=r(ratio, 3), required=limit, features=site.features, unit="",
                       evidence=site.geom.boundary, gfa=r(gfa, 1), site_area=r(geo.m2(site.area), 1))


@check("density")
def density(geo, rule):
    scls, bcls = rule.sel("site", "site_boundary"), rule.sel("buildings", "building")
    limit = float(rule.p("max"))
    overlaps = overlapping(geo, bcls)
    for site, members in zip(sites(geo, scls), in_sites(geo, scls, bcls)):
        if not members:
            continue
        if any(i in overlaps for i, _ in members):
            covered = _cover(geo, site, bcls, members).area
        else:  # footprints do not overlap: the union's area is the sum
            covered = sum(a for _, a in members)
        value = covered / site.area
        if value > limit + 1e-9:
            yield make(rule, measured=r(value, 4), required=limit, features=site.features,
                       evidence=_areas(_cover(geo, site, bcls, members)), unit="")


def _green_touching_buildings(geo, gcls: str, bcls: str) -> set[int]:
    def compute():
        greens, bs = geo.of(gcls), geo.of(bcls)
        if not greens or not bs:
            return set()
        gi, _ = geo.tree(bcls).query(as_array(g.geom for g in greens), predicate="intersects")
        return set(gi.tolist())

    return geo.memo(("green_touching", gcls, bcls), compute)


@check("green_ratio")
def green_ratio(geo, rule):
    """Green inside the site, overlaps counted once, minus building footprints."""
    scls, gcls, bcls = rule.sel("site", "site_boundary"), rule.sel("green", "green"), rule.sel("buildings", "building")
    limit = float(rule.p("min"))
    greens, buildings = geo.of(gcls), geo.of(bcls)
    overlaps = overlapping(geo, gcls)
    touching = _green_touching_buildings(geo, gcls, bcls)
    for site, members, bmembers in zip(sites(geo, scls), in_sites(geo, scls, gcls), in_sites(geo, scls, bcls)):
        if any(i in overlaps or i in touching for i, _ in members):
            green = union([greens[i].geom for i, _ in members]).intersection(site.geom)
            if not green.is_empty and bmembers:
                green = green.difference(union([buildings[i].geom for i, _ in bmembers]))
            area = green.area
        else:  # separate green areas clear of the buildings: the sum of their parts in the site
            area = sum(a for _, a in members)
        value = area / site.area
        if value < limit - 1e-9:
            yield make(rule, measured=r(value, 4), required=limit, features=site.features, unit="",
                       evidence=site.geom.boundary, green_area=r(geo.m2(area), 1))


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
    """The indicator table's 用地面积 against the total area of the drawn sites."""
    declared = labels.declared_areas([t.text for t in geo.texts] + area_rows(geo.texts))
    key = rule.p("label", "用地面积")
    if key not in declared:
        return
    ss = sites(geo, rule.sel("site", "site_boundary"))
    if not ss:
        return
    all_sites = [f for s in ss for f in s.features]
    value, text = declared[key]
    computed = geo.m2(sum(s.area for s in ss))
    tol = float(rule.p("tolerance", 0.005))
    if abs(value - computed) > tol * computed:
        handles = [t for t in geo.texts if t.text == text]
        ev = shapely.Point(handles[0].x, handles[0].y) if handles else None
        f = make(rule, measured=r(value, 1), required=r(computed, 1), features=all_sites, evidence=ev, unit="m²",
                 label=key)
        if handles:
            f.handles.insert(0, handles[0].handle)
        yield f

