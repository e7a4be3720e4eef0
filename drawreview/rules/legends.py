"""A 图例 (legend) draws one sample of each symbol the plan uses, each with its words beside it:
a door block and ``乙级防火门``, another and ``丙级防火门（管井检修门）``. The samples are not doors of
the floor, so no exit, width or count is read from them.

A door symbol is a legend sample when the sheet has a legend title (``图例``, ``图 例``, ``LEGEND``),
the symbol stands outside every compartment drawn, and words to its right on its row, a few metres
off, name a kind of door (``…门``; not a code such as ``FM乙0821``, nor a room such as ``门厅``).

A legend samples areas too: a small hatched swatch on the compartment layer beside ``防火分区范围``. An
area (compartment, protection unit, building, lane, green …) is a legend sample when the sheet has a
legend title within ``NEAR_TITLE_M`` of it, it is at most ``SWATCH_M`` across, no other area of its
class lies within ``OUTSIDE_M``, and words start to its right on its row within ``WORDS_M``."""

from __future__ import annotations

import re

import numpy as np

from . import labels

LEGEND_TITLE = re.compile(r"^\s*(?:图\s*例(?:\s*说\s*明|\s*表)?|legends?)\s*[:：]?\s*$", re.I)
# the words of a door sample name a kind of door: 乙级防火门, 普通木门, 丙级防火门（管井检修门）; not 门厅
DOOR_KIND = re.compile(r"门\s*(?:[(（][^)）]*[)）])?\s*$")
WORDS_M = 5.0  # a sample's words start within this distance to its right
OUTSIDE_M = 1.0  # a door on a compartment's edge (its wall) is the floor's
SWATCH_M = 8.0  # a legend's area sample: ≤ 40 mm on paper at 1:200
NEAR_TITLE_M = 30.0  # … listed under its legend's title
SAMPLED = ("compartment", "ad_unit", "blast_unit", "building", "green", "fire_lane", "hardstanding", "turning_area")


def _describes_door(text: str) -> bool:
    t = labels.norm(text).strip()
    return bool(DOOR_KIND.search(t)) and labels.door_code(t) is None


def drop_legend_samples(geo) -> None:
    """Remove the door and exit symbols that are a legend's samples (see the module's note)."""
    titles = [t for t in geo.texts if t.text and LEGEND_TITLE.match(labels.norm(t.text))]
    if not titles:
        return
    reach = geo.du(OUTSIDE_M)
    words = [t for t in geo.texts if t.text and t.text.strip()]  # the legend's title is one of them
    at = np.array([(t.x, t.y, max(float(t.height or 0.0), geo.du(0.2))) for t in words], dtype=float)
    for cls in SAMPLED:
        feats = geo.of(cls)
        keep = [f for f in feats if not _swatch(geo, f, feats, titles, words, at)]
        _keep(geo, cls, feats, keep)
    comps = geo.of("compartment")
    for cls in ("exit", "door"):
        feats = geo.of(cls)
        keep = [f for f in feats if not _sample(geo, f, comps, reach, words, at)]
        _keep(geo, cls, feats, keep)


def _keep(geo, cls: str, feats: list, keep: list) -> None:
    if len(keep) == len(feats):
        return
    if keep:
        geo.features[cls] = keep
    else:
        del geo.features[cls]
    geo._trees.pop(cls, None)


def _swatch(geo, f, feats, titles, words, at) -> bool:
    """Whether the area is a legend's sample (see the module's note)."""
    g = f.geom
    if g.geom_type != "Polygon":
        return False
    x0, y0, x1, y1 = g.bounds
    if max(x1 - x0, y1 - y0) > geo.du(SWATCH_M):
        return False
    if not any(abs(t.x - (x0 + x1) / 2) + abs(t.y - (y0 + y1) / 2) <= geo.du(NEAR_TITLE_M) for t in titles):
        return False
    if any(o is not f and o.geom.distance(g) <= geo.du(OUTSIDE_M) and not o.geom.equals(g) for o in feats):
        return False
    dx = at[:, 0] - x1
    row = (dx >= 0.0) & (dx <= geo.du(WORDS_M)) & (at[:, 1] >= y0 - at[:, 2]) & (at[:, 1] <= y1 + at[:, 2])
    return any(not labels.norm(words[int(i)].text).strip().replace(".", "").isdigit() for i in np.nonzero(row)[0])


def _sample(geo, f, comps, reach, words, at) -> bool:
    p = f.geom
    if any(c.geom.distance(p) <= reach for c in comps):
        return False
    dx = at[:, 0] - p.x
    row = np.nonzero((dx > 0.0) & (dx <= geo.du(WORDS_M)) & (np.abs(at[:, 1] - p.y) <= 2.0 * at[:, 2]))[0]
    return any(_describes_door(words[int(i)].text) for i in row)  # its code may come first, then its words
