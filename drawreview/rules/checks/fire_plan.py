"""Fire (消防) checks on floor plans: compartments, exits, evacuation distance, doors, rooms."""

from __future__ import annotations

import shapely

from ..finding import make
from ..joins import derive_building
from .registry import check
from .measure import features_at, r


def _building(geo, comp=None) -> dict:
    """Building facts for a floor plan: project parameters, refined by the compartment's texts."""
    p = geo.params
    a = {"height": float(p.get("building_height_m", 0.0)), "use": p.get("use")}
    if comp is not None and comp.attrs.get("use"):
        a["use"] = comp.attrs["use"]
    derive_building(a, p, geo.sources)
    a["sprinklers"] = bool(p.get("sprinklers", False))
    return a


@check("compartment_area")
def compartment_area(geo, rule):
    for c in geo.of(rule.sel("compartments", "compartment")):
        b = _building(geo, c)
        if c.attrs.get("underground", geo.params.get("underground")):  # its own label or title, else the sheet's
            limit = float(rule.p("equipment_m2") if c.attrs.get("equipment") else rule.p("underground_m2"))
        elif b["high_rise"]:
            limit = float(rule.p("high_rise_m2"))
        else:
            limit = float(rule.p("low_rise_m2"))
        if b["sprinklers"]:
            limit *= float(rule.p("sprinkler_factor"))
        area = geo.m2(c.geom.area)
        if area > limit + 0.01:
            yield make(rule, measured=r(area, 1), required=limit, features=[c], evidence=c.geom.exterior,
                       unit="m²", name=c.attrs.get("name", c.handle))


EDGE_M = 2.0  # an exit this far inside the outline is in its wall (a curve through a wall's points strays ~1 m)


def exits_of(geo, rule, comp) -> list:
    """The compartment's exits: exit doors in its outline (an outer wall, a fire wall, a courtyard's
    wall: within ``EDGE_M`` of it) or in the outline of a stair inside it (an enclosed stair's door:
    5.5.8 counts stairs). An exit door standing in the open floor, on neither, leads to no place of
    safety (RULES.md FR-08: exits on the compartment boundary)."""
    near = features_at(geo, rule, "exits", "exit", comp.geom, 0.5)
    if not near:
        return near
    snap = geo.du(float(rule.p("snap_m", 0.5)))
    edge, wall = comp.geom.boundary, geo.du(EDGE_M)
    stairs = [s.geom for s in geo.of("stair") if s.geom.intersects(comp.geom)]
    return [e for e in near if e.geom.distance(edge) <= wall or any(s.distance(e.geom) <= snap for s in stairs)]


@check("exit_count")
def exit_count(geo, rule):
    need = int(rule.p("min_exits"))
    for c in geo.of(rule.sel("compartments", "compartment")):
        ex = exits_of(geo, rule, c)
        if len(ex) < need:
            yield make(rule, measured=len(ex), required=need, features=[c, *ex], evidence=c.geom.exterior,
                       unit="", name=c.attrs.get("name", c.handle))


@check("exit_spacing")
def exit_spacing(geo, rule):
    need = float(rule.p("min_spacing_m"))
    for c in geo.of(rule.sel("compartments", "compartment")):
        ex = exits_of(geo, rule, c)
        if len(ex) < 2:
            continue  # exit_count reports this
        best = (-1.0, None, None)  # exits per compartment are few: pairs are fine here
        for i, a in enumerate(ex):
            for b in ex[i + 1:]:
                d = a.geom.distance(b.geom)
                if d > best[0]:
                    best = (d, a, b)
        d, a, b = best
        if geo.m(d) < need - 0.01:
            yield make(rule, measured=r(geo.m(d)), required=need, features=[c, a, b],
                       evidence=shapely.shortest_line(a.geom, b.geom), name=c.attrs.get("name", c.handle))


def _limit(table: dict, use: str, high: bool, dead_end: bool) -> float:
    for key in ((use + "_high") if high else use, use, "other_high" if high else "other"):
        if key in table:
            return float(table[key][1 if dead_end else 0])
    raise KeyError(use)


@check("evacuation_distance")
def evacuation_distance(geo, rule):
    """Room door → nearest exit (straight line, a lower bound of the walking distance)."""
    uses_in = set(rule.p("uses", []))
    uses_out = set(rule.p("exclude_uses", []))
    dcls, ccls = rule.sel("doors", "door"), rule.sel("compartments", "compartment")
    doors, comps = geo.of(dcls), geo.of(ccls)
    if not doors or not comps:
        return
    factor = float(rule.p("sprinkler_factor"))
    di, ci = geo.tree(ccls).query([d.geom for d in doors], predicate="within")
    for d_idx, c_idx in zip(di, ci):
        door, comp = doors[d_idx], comps[c_idx]
        b = _building(geo, comp)
        if (uses_in and b["use"] not in uses_in) or b["use"] in uses_out:
            continue
        ex = exits_of(geo, rule, comp)
        if not ex:
            continue
        near = min(ex, key=lambda e: door.geom.distance(e.geom))
        dist = geo.m(door.geom.distance(near.geom))
        limit = _limit(rule.p("limits"), b["use"], b["high_rise"], dead_end=len(ex) < 2)
        if b["sprinklers"]:
            limit *= factor
        if dist > limit + 0.01:
            yield make(rule, measured=r(dist), required=r(limit), features=[door, near],
                       evidence=shapely.shortest_line(door.geom, near.geom), door=door.block or door.handle)


@check("door_width")
def door_width(geo, rule):
    need = float(rule.p("min_width_m"))
    for d in geo.of(rule.sel("doors", "exit")):
        w = d.attrs.get("width_m")
        if w is not None and w < need - 1e-6:
            yield make(rule, measured=w, required=need, features=[d], evidence=d.geom, door=d.block)


@check("single_door_room")
def single_door_room(geo, rule):
    rooms = geo.of(rule.sel("rooms", "room"))
    doors = geo.of("door") + geo.of("exit")
    if not rooms or not doors:
        return
    tree = shapely.STRtree([d.geom for d in doors])
    snap = geo.du(float(rule.p("snap_m", 0.3)))
    limits = rule.p("limits")
    for room in rooms:
        idx = tree.query(room.geom.exterior, predicate="dwithin", distance=snap)
        if len(idx) != 1:
            continue
        use = room.attrs.get("use") or geo.params.get("use") or "other"
        limit = float(limits.get(use, limits["other"]))
        area = geo.m2(room.geom.area)
        if area > limit + 0.01:
            yield make(rule, measured=r(area, 1), required=limit, features=[room, doors[idx[0]]],
                       evidence=room.geom.exterior, unit="m²", name=room.attrs.get("name", room.handle))


def farthest_point(poly, points: list) -> tuple[float, object, int]:
    """(distance, far point, index of its nearest point): the point of ``poly`` farthest from
    its nearest point of ``points`` (straight line). Within one Voronoi cell the distance to the
    cell's site is convex, so the maximum lies on a vertex of (cell ∩ poly): exact, no sampling."""
    unique = {p.coords[0]: k for k, p in reversed(list(enumerate(points)))}  # first index of each place
    if len(unique) == 1:
        pieces = [(poly, 0)]
    else:
        sites = list(unique.values())
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(list(unique)), extend_to=poly))
        tree = shapely.STRtree([points[k] for k in sites])
        pieces = []
        for cell in cells:
            owner = tree.query(cell, predicate="contains")
            piece = cell.intersection(poly)
            if len(owner) and not piece.is_empty:
                pieces.append((piece, sites[int(owner[0])]))
    best = (-1.0, None, 0)
    for piece, k in pieces:
        coords = shapely.get_coordinates(shapely.boundary(piece))
        if not len(coords):
            continue
        site = points[k].coords[0]
        d = ((coords[:, 0] - site[0]) ** 2 + (coords[:, 1] - site[1]) ** 2) ** 0.5
        i = int(d.argmax())
        if d[i] > best[0]:
            best = (float(d[i]), shapely.Point(coords[i]), k)
    return best


@check("hall_distance")
def hall_distance(geo, rule):
    """Halls (观众厅, 展览厅, 多功能厅, 餐厅, 营业厅 ...): any point → nearest door ≤ 30 m straight line
    (5.5.17-4), +25 % with sprinklers. Doors are door/exit points on or near the room's edge."""
    words = tuple(rule.p("hall_words"))
    rooms = [r for r in geo.of(rule.sel("rooms", "room")) if any(w in t for t in r.texts for w in words)]
    doors = [d for cls in rule.p("door_classes", ["door", "exit"]) for d in geo.of(cls)]
    if not rooms or not doors:
        return
    if int(geo.params.get("default_fire_rating", 2)) > 2:
        return  # the clause covers buildings rated 一/二级
    tree = shapely.STRtree([d.geom for d in doors])
    limit = float(rule.p("max_m")) * (float(rule.p("sprinkler_factor")) if geo.params.get("sprinklers") else 1.0)
    snap = geo.du(float(rule.p("snap_m", 0.3)))
    for room in rooms:
        mine = [doors[i] for i in sorted(tree.query(room.geom, predicate="dwithin", distance=snap))]
        if not mine:
            continue  # no door found: FR-13 / the drawing review see to it
        d, far, k = farthest_point(room.geom, [m.geom for m in mine])
        if geo.m(d) > limit + 0.01:
            name = next((t for t in room.texts if any(w in t for w in words)), room.handle)
            yield make(rule, measured=r(geo.m(d)), required=r(limit), features=[room, mine[k]],
                       evidence=shapely.LineString([far, mine[k].geom]), name=name)
