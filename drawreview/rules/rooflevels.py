"""A building's height given as its roof level (FR-01 separations, the high-rise line of GB 50016 2.1.1).

A site plan often marks a building with its roof level instead of ``H=``: ``▽+49.950`` inside the
footprint, or in words ``屋面标高 49.950`` / ``屋顶 +49.95`` / ``屋面 ▽49.950``. Measured from ±0.000, the
roof level is the height GB 50016 A.0.1 takes for a flat roof (the roof surface, not the parapet).

Read (``roof_height``), among the texts that label a building, a roof or an upper footprint:
- a text that is a roof word and a level: ``屋面标高：+49.950m``, ``主屋面 49.95``, ``屋顶 ▽49.950``;
- else a text that is only a hollow-triangle level with a building drawing's three decimals
  (GB/T 50001 11.8: ``▽+49.950``, ``▽49.950``); with several, the highest (a podium's roof and a tower's).

Not read: a level that says what else it is (``女儿墙顶 ▽+51.150``, ``机房屋面 ▽+53.550``, ``三层 ▽+7.200``,
``室外地坪 ▽-0.450``); ``▽±0.000`` and negative levels; a level below 2 m (a ground floor a few steps up,
``▽+0.450``); the filled ``▼`` (an outdoor ground level on a site plan, GB/T 50103) and a site plan's
two-decimal levels (absolute elevations, ``▽45.30``); any bare level when the building's texts give its
±0.000 as an absolute elevation (``±0.000=45.300``, ``151.00(±0.00)``): its levels may be absolute. A level
outside every outline is not joined to one (a section's levels, a site's ground levels); an explicit
height (``H=``, ``建筑高度``) comes first.
"""

from __future__ import annotations

import re

from .labels import norm

ROOF_WORDS = r"(?:主屋面|大屋面|屋面|屋顶|roof)(?:结构)?(?:完成面)?\s*(?:标高|面标高|level)?"
RE_ROOF_LEVEL = re.compile(rf"^\s*{ROOF_WORDS}\s*[:：=]?\s*▽?\s*\+?(\d{{1,3}}\.\d{{1,3}})\s*(?:m|米)?\s*$", re.I)
RE_BARE_LEVEL = re.compile(r"^\s*▽\s*\+?(\d{1,3}\.\d{3})\s*(?:m|米)?\s*$")
RE_DATUM = re.compile(r"±\s*0\.0{2,3}\s*[=＝]|\(\s*±\s*0\.0{2,3}\s*\)")
MIN_ROOF_M = 2.0


def roof_height(texts: list[str]) -> tuple[float, str] | None:
    """(height in m, the text) from a building's roof level, else None."""
    bare: list[tuple[float, str]] = []
    datum = False
    for raw in texts:
        t = norm(raw)
        if "±" in t and RE_DATUM.search(t):
            datum = True
        if not any(c in t for c in "▽面顶rR"):
            continue
        if (m := RE_ROOF_LEVEL.match(t)) and float(m.group(1)) >= MIN_ROOF_M:
            return float(m.group(1)), raw
        if (m := RE_BARE_LEVEL.match(t)) and float(m.group(1)) >= MIN_ROOF_M:
            bare.append((float(m.group(1)), raw))
    return max(bare) if bare and not datum else None


def add_roof_height(facts: dict, texts: list[str]) -> None:
    """``facts["height"]`` from the roof level when no height was written."""
    if "height" not in facts and (found := roof_height(texts)):
        facts["height"] = found[0]
        facts.setdefault("sources", {})["height"] = found[1]
