"""Civil air defence (人防, GB 50038-2005) checks: unit areas, entrances, area per person, hazards."""

from __future__ import annotations

import shapely

from ..finding import make
from .registry import check
from ..entrances import unit_entrances
from .measure import r, union


@check("area_max")
def area_max(geo, rule):
    limit = float(rule.p("max_m2"))
    for u in geo.of(rule.sel("units")):
        area = geo.m2(u.geom.area)
        if area > limit + 0.01:
            yield make(rule, measured=r(area, 1), required=limit, features=[u], evidence=u.geom.exterior,
                       unit="m²", name=u.attrs.get("name", u.handle))


def entrances_of(geo, rule, unit) -> list:
    """The unit's entrances as 3.3.1 counts them: on the entrance layer or protective doors in its
    outer wall, not shafts nor openings to another unit (``rules.entrances``)."""
    return unit_entrances(geo, unit, rule.sel("entrances", "ad_entrance"), rule.sel("units", "ad_unit"),
                          geo.du(float(rule.p("snap_m", 0.2))))


@check("entrance_count")
def entrance_count(geo, rule):
    need = int(rule.p("min_entrances"))
    for u in geo.of(rule.sel("units", "ad_unit")):
        ents = entrances_of(geo, rule, u)
        if len(ents) < need:
            yield make(rule, measured=len(ents), required=need, features=[u, *ents], evidence=u.geom.exterior,
                       unit="", name=u.attrs.get("name", u.handle))


@check("outdoor_entrance")
def outdoor_entrance(geo, rule):
    """≥ 1 entrance whose ground exit lies outside the projection of the building above."""
    ucls = rule.sel("upper", "upper_footprint")
    uppers = geo.of(ucls)
    need = int(rule.p("min_outdoor"))

    def indoor(part) -> bool:  # covered by the footprints above it (a local union only)
        if not uppers:
            return False
        idx = geo.tree(ucls).query(part, predicate="intersects")
        return len(idx) > 0 and union([uppers[i].geom for i in idx]).covers(part)

    for u in geo.of(rule.sel("units", "ad_unit")):
        ents = entrances_of(geo, rule, u)
        outdoor = [e for e in ents if not indoor(_ground_part(e.geom, u.geom))]
        if len(outdoor) < need:
            yield make(rule, measured=len(outdoor), required=need, features=[u, *ents],
                       evidence=union([e.geom for e in ents]) if ents else u.geom.exterior, unit="",
                       name=u.attrs.get("name", u.handle))


def _ground_part(entrance, unit):
    part = entrance.difference(unit)
    return entrance if part.is_empty else part


@check("area_per_person")
def area_per_person(geo, rule):
    need = float(rule.p("min_m2"))
    for u in geo.of(rule.sel("units", "ad_unit")):
        persons = u.attrs.get("persons")
        if not persons:
            continue
        per = geo.m2(u.geom.area) / persons
        if per < need - 1e-6:
            yield make(rule, measured=r(per, 3), required=need, features=[u], evidence=u.geom.exterior,
                       unit="m²/人", persons=persons, name=u.attrs.get("name", u.handle))


@check("hazard_distance")
def hazard_distance(geo, rule):
    hcls = rule.sel("hazards", "hazard")
    hazards = geo.of(hcls)
    units = geo.of(rule.sel("units", "ad_unit"))
    if not hazards or not units:
        return
    need = float(rule.p("min_m"))
    ui, hi = geo.tree(hcls).query([u.geom for u in units], predicate="dwithin", distance=geo.du(need) * 0.999)
    for i, j in zip(ui, hi):
        d = geo.m(units[i].geom.distance(hazards[j].geom))
        yield make(rule, measured=r(d), required=need, features=[units[i], hazards[j]],
                   evidence=shapely.shortest_line(units[i].geom, hazards[j].geom),
                   name=units[i].attrs.get("name", units[i].handle))


def _structure(texts: list[str], rule) -> str | None:
    joined = " ".join(texts)
    for kind in ("masonry", "frame"):
        if any(w in joined for w in rule.p(f"{kind}_words")):
            return kind
    return None


@check("collapse_zone")
def collapse_zone(geo, rule):
    """The main entrance's ground part lies outside the collapse zone of the buildings above:
    0.5 H for masonry, 5 m for RC frame / shear-wall structures (3.3.3). The main entrance is
    the one whose text says so (主要出入口), else the unit's outdoor entrance farthest away."""
    bcls = rule.sel("buildings", "upper_footprint")
    buildings = geo.of(bcls)
    if not buildings:
        return
    main_words = tuple(rule.p("main_words"))
    factor, frame_m = float(rule.p("masonry_factor")), float(rule.p("frame_m"))
    reach = geo.du(max([frame_m] + [factor * float(b.attrs.get("height") or geo.params.get("building_height_m") or 0)
                                    for b in buildings]))

    def zone(b) -> tuple[float, str]:
        kind = _structure(b.texts, rule) or geo.params.get("structure") or "frame"
        h = float(b.attrs.get("height") or geo.params.get("building_height_m") or 0.0)
        return (factor * h if kind == "masonry" else frame_m), kind

    for u in geo.of(rule.sel("units", "ad_unit")):
        ents = entrances_of(geo, rule, u)
        if not ents:
            continue
        parts = [_ground_part(e.geom, u.geom) for e in ents]
        marked = [k for k, e in enumerate(ents) if any(w in t for t in e.texts for w in main_words)]
        worst = None  # (shortfall, distance, need, entrance, building) per candidate: the best one counts
        for k in marked or range(len(ents)):
            shortfall = None
            for i in geo.tree(bcls).query(parts[k], predicate="dwithin", distance=reach):
                need, kind = zone(buildings[i])
                d = geo.m(parts[k].distance(buildings[i].geom))
                if d < need - 0.01 and (shortfall is None or need - d > shortfall[0]):
                    shortfall = (need - d, d, need, k, i, kind)
            if shortfall is None:
                worst = None
                break  # this candidate is clear of every collapse zone
            if worst is None or shortfall[0] < worst[0]:
                worst = shortfall
        if worst is not None:
            _, d, need, k, i, kind = worst
            yield make(rule, measured=r(d), required=r(need), features=[u, ents[k], buildings[i]],
                       evidence=shapely.shortest_line(parts[k], buildings[i].geom), name=u.attrs.get("name", u.handle),
                       structure="砌体/masonry" if kind == "masonry" else "框架/RC frame")
