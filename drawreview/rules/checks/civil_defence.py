"""Civil air defence (人防, GB 50038-2005) checks: unit areas, entrances, area per person, hazards."""

from __future__ import annotations

import shapely

from ..finding import make
from . import check
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
    cls = rule.sel("entrances", "ad_entrance")
    ents = geo.of(cls)
    if not ents:
        return []
    idx = geo.tree(cls).query(unit.geom, predicate="dwithin", distance=geo.du(float(rule.p("snap_m", 0.2))))
    return [ents[i] for i in sorted(idx)]


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
