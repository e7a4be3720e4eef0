"""Meteorology (气象) checks: lightning review scope, observation-field obstacles."""

from __future__ import annotations

import shapely

from ..finding import make
from .registry import check
from .measure import r


@check("lightning_sheets_present")
def lightning_sheets_present(geo, rule):
    """An in-scope project (applicability decides) must carry lightning-protection content."""
    classes = rule.p("classes")
    present = sum(len(geo.of(c)) for c in classes)
    lightning_frames = [f for f in geo.frames if any("防雷" in str(v) for v in f.attrs.values())]
    if present == 0 and not lightning_frames:
        ev = None
        if geo.frames:
            x0, y0, x1, y1 = geo.frames[0].bbox
            ev = shapely.box(x0, y0, x1, y1)
        yield make(rule, measured=0, required=1, evidence=ev, unit="",
                   category=geo.params.get("project_category", ""))


@check("observation_field")
def observation_field(geo, rule):
    scls = rule.sel("stations", "weather_station")
    stations, bs = geo.of(scls), geo.of(rule.sel("buildings", "building"))
    if not stations or not bs:
        return
    k = float(rule.p("factor"))
    reach = geo.du(k * max(b.attrs.get("height", 0.0) for b in bs))
    bi, si = geo.tree(scls).query([b.geom for b in bs], predicate="dwithin", distance=reach)
    for i, j in zip(bi, si):
        b = bs[i]
        need = k * b.attrs.get("height", 0.0)
        d = geo.m(b.geom.distance(stations[j].geom))
        if d < need - 0.01:
            yield make(rule, measured=r(d), required=r(need), features=[b, stations[j]],
                       evidence=shapely.shortest_line(b.geom, stations[j].geom),
                       name=b.attrs.get("name", b.handle), height=b.attrs.get("height", 0.0))
