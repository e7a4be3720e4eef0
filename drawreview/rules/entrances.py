"""The entrances (出入口) of a protection unit as GB 50038 3.3.1 counts them.

An entrance is drawn on the entrance layer (人防出入口: its passage, or the door block there), or
only as the protective door in the unit's outer wall: a 防护密闭门 ``HFM1520`` (or ``GHFM``, a steel
one; ``HM`` / ``GHM`` 密闭门) on a door layer. 3.3.1 does not count two kinds of opening, however
they are drawn:
- a shaft (竖井式出入口, 竖井式应急出口): the entrance whose nearest label names a 竖井;
- an opening between two units (连通口): one on the wall two units share, or labelled 连通口.
"""

from __future__ import annotations

import re

import numpy as np
import shapely

from . import labels

PROTECTIVE_DOOR = re.compile(r"^(?:g?hfm|g?hm|fmm)\s*[-_]?\s*\d{3,4}", re.I)  # 防护密闭门 / 密闭门 codes
SHAFT = re.compile(r"竖井")
BETWEEN = re.compile(r"连通口|单元连通|防护单元之间")
LABEL_M = 3.0  # an entrance's label sits within this distance of it


def _label(geo, geom) -> str:
    """The words nearest to *geom* within ``LABEL_M`` (its own joined texts first)."""
    texts = geo.memo("entrance-texts", lambda: [t for t in geo.texts if t.text and t.text.strip()])
    if not texts:
        return ""
    xy = geo.memo("entrance-text-xy", lambda: shapely.points(np.array([(t.x, t.y) for t in texts], dtype=float)))
    d = shapely.distance(xy, geom)
    k = int(np.argmin(d))
    return labels.norm(texts[k].text) if d[k] <= geo.du(LABEL_M) else ""


def _shared_walls(geo, units_cls: str):
    """The walls two units share (their outlines' common lines), as one geometry or None."""

    def build():
        units = geo.of(units_cls)
        if len(units) < 2:
            return None
        snap = geo.du(0.05)
        walls = []
        ui, uj = geo.tree(units_cls).query([u.geom for u in units], predicate="dwithin", distance=snap)
        for i, j in zip(ui.tolist(), uj.tolist()):
            if i < j:
                common = units[i].geom.boundary.intersection(units[j].geom.buffer(snap))
                if common.length > 4 * snap:  # a wall, not the corner where two outer walls meet
                    walls.append(common)
        return shapely.union_all(walls) if walls else None

    return geo.memo(("shared-walls", units_cls), build)


def unit_entrances(geo, unit, entrance_cls: str, units_cls: str, snap: float) -> list:
    """The entrances of *unit* that 3.3.1 counts (see the module's note), in drawing order."""
    found = []
    for cls in (entrance_cls, "door"):
        feats = geo.of(cls)
        if not feats:
            continue
        for i in sorted(geo.tree(cls).query(unit.geom, predicate="dwithin", distance=snap).tolist()):
            f = feats[i]
            if cls == "door" and not (PROTECTIVE_DOOR.match(labels.bare_block(f.block or ""))
                                      and unit.geom.boundary.distance(f.geom) <= snap):
                continue
            found.append(f)
    shared = _shared_walls(geo, units_cls)
    out = []
    for f in found:
        words = " ".join([*(labels.norm(t) for t in getattr(f, "texts", []) or []), _label(geo, f.geom)])
        if SHAFT.search(words) or BETWEEN.search(words):
            continue
        if shared is not None and shared.distance(f.geom) <= snap:
            continue
        out.append(f)
    return out
