"""Which doors are exits: the door's own label, the room it opens from and where it leads, not
its layer alone.

天正 draws every fire door on ``DOOR_FIRE``, and many drawings put all doors on one door layer
with ``FM甲1221`` / ``FM丙0821`` blocks. A class-C fire door (``FM丙``) closes a shaft or an
equipment room (GB 50016 6.2.9 / 6.2.7), and a door whose nearest room label is a shaft, an
electrical room or plant room (管井, 配电间, 设备间 ...) is not an exit either, unless a stair,
lobby or exit label is as near. Stair doors and exterior doors stay exits. Features on a layer
named as an exit (安全出口, A-EXIT ...) are exits whatever their label.
"""

from __future__ import annotations

import re

import numpy as np
import shapely
from shapely import STRtree

from . import labels, schedules
from .legends import drop_legend_samples
from .layers import normalise

CLASS_C = re.compile(r"fm\s*丙|丙\s*级|丙\s*\d{3,4}", re.I)
SWING_DOOR = re.compile(r"^\s*(?:fm\s*[甲乙]?|m)\s*\d{3,4}", re.I)  # M1521, FM乙1221: not TLM/LM/MLC/JM
DOOR_CODE = re.compile(r"^\s*[a-z]*\s*(?:fm|m|lm|jm|tm)\s*[甲乙丙]?\s*\d{3,4}", re.I)  # … or any form door_code reads
EQUIPMENT = ("管井", "管道井", "水井", "电井", "风井", "强电", "弱电", "配电", "设备", "机房", "井道", "电缆井",
             "排烟井", "送风井", "水表", "电表", "空调")
EXIT_WORDS = ("楼梯", "前室", "出口", "疏散", "门厅", "室外", "大堂", "大厅", "走道", "走廊")
LABEL_M = 1.2  # a door's own code sits beside it
ROOM_M = 3.0  # the room label of a small room sits within a few metres of its door


def _text_tree(geo):
    def build():
        texts = [t for t in geo.texts if t.text and t.text.strip()]
        tree = STRtree(shapely.points(np.array([(t.x, t.y) for t in texts], dtype=float))) if texts else None
        return texts, tree

    return geo.memo("door-texts", build)


def _may_be_exit(geo, f) -> tuple[bool, str]:
    """(False, …) for a class-C fire door or the door of a shaft / equipment room; the door's code
    (its block name or the code written beside it, which also gives its width)."""
    texts, tree = _text_tree(geo)
    own = " ".join([f.block, *(str(v) for v in f.attrs.values() if isinstance(v, str))])
    near_label, near_room = [], []
    if tree is not None:
        p = f.geom
        for i in tree.query(p, predicate="dwithin", distance=geo.du(ROOM_M)):
            t = texts[i]
            d = geo.m(float(np.hypot(t.x - p.x, t.y - p.y)))
            text = labels.norm(t.text)
            if DOOR_CODE.match(text) or labels.door_code(text):
                if geo.m(_gap(t, p)) <= LABEL_M:
                    near_label.append((d, labels.door_code(text) or text))
            else:
                near_room.append((d, text))
    block = labels.bare_block(f.block)
    code = labels.door_code(block) or (block if DOOR_CODE.match(block) else "")
    own += " " + code  # FMB0618, 丙FM0618: the class as FM丙0618 writes it
    if near_label:
        code = min(near_label)[1]
        own += " " + code
        if "width_m" not in f.attrs and (w := labels.door_width_m(code)) is not None:
            f.attrs["width_m"] = w
    if CLASS_C.search(labels.norm(own)):
        return False, code
    equipment = [d for d, text in near_room if any(w in text for w in EQUIPMENT)]
    exit_ = [d for d, text in near_room if any(w in text for w in EXIT_WORDS)]
    return not (equipment and (not exit_ or min(equipment) < min(exit_))), code


def _gap(t, p) -> float:
    """The distance from the point *p* to a text's words (a character about 0.8 of its height wide,
    from its insertion point): a code written beside a door starts a little to its side."""
    h = max(float(t.height or 0.0), 0.0)
    x1, y1 = t.x + 0.8 * h * max(len(t.text.strip()), 1), t.y + h
    return float(np.hypot(max(t.x - p.x, 0.0, p.x - x1), max(t.y - p.y, 0.0, p.y - y1)))


def _exterior_doors(geo) -> None:
    """A door in a compartment's outer wall (a metre around it is partly covered by no
    compartment) leads outside: it is an exit (GB 50016 2.1.14), unless it is a class-C door or
    an equipment room's. Doors inside a compartment or between two stay doors."""
    doors, comps = geo.of("door"), geo.of("compartment")
    if not doors or not comps:
        return
    snap, probe_r = geo.du(0.5), geo.du(1.0)
    tree = geo.tree("compartment")
    promote = []
    for k, d in enumerate(doors):
        near = tree.query(d.geom, predicate="dwithin", distance=snap)
        if not len(near):
            continue
        probe = d.geom.buffer(probe_r, quad_segs=4)
        covered = shapely.union_all([comps[i].geom for i in tree.query(probe)])
        if probe.difference(covered).area <= 0.2 * probe.area:
            continue
        ok, code = _may_be_exit(geo, d)
        if ok and (not code or SWING_DOOR.match(code)):  # not a sliding / rolling door or 门连窗
            promote.append(k)
    if not promote:
        return
    keep = set(promote)
    exits = geo.features.setdefault("exit", [])
    for k in promote:
        doors[k].cls = "exit"
        exits.append(doors[k])
    geo.features["door"] = [f for k, f in enumerate(doors) if k not in keep]
    if not geo.features["door"]:
        del geo.features["door"]
    geo._trees.pop("exit", None)
    geo._trees.pop("door", None)


def door_layer(layer: str) -> bool:
    name = normalise(layer)
    if any(w in name for w in ("出口", "exit", "疏散", "egress")):
        return False
    return "door" in name or "门" in name


def sort_exits(geo) -> None:
    """Move fire doors that are not exits from class ``exit`` to class ``door``; then make the
    ordinary doors in a compartment's outer wall (exterior doors) exits. A legend's door samples
    are no doors of the floor (``legends``)."""
    drop_legend_samples(geo)
    _demote(geo)
    _exterior_doors(geo)
    _scheduled_widths(geo)
    for f in geo.of("exit"):  # a door-library symbol's width from its scale, when no code gave one
        if "width_m" not in f.attrs and "scaled_width_m" in f.attrs:
            f.attrs["width_m"] = f.attrs["scaled_width_m"]


def _scheduled_widths(geo) -> None:
    """An exit named ``M1`` (its block, or the code written beside it) takes its width from the sheet's
    door schedule (``schedules.door_schedule``), when its name gave none."""
    todo = [f for f in geo.of("exit") if "width_m" not in f.attrs]
    table = schedules.door_schedule(geo.texts) if todo else {}
    if not table:
        return
    texts, tree = _text_tree(geo)
    for f in todo:
        names = [f.block] if f.block and schedules.is_code(labels.bare_block(f.block)) else []
        if tree is not None:
            near = [texts[i] for i in tree.query(f.geom, predicate="dwithin", distance=geo.du(ROOM_M))]
            names += [t.text for t in sorted(near, key=lambda t: _gap(t, f.geom))
                      if geo.m(_gap(t, f.geom)) <= LABEL_M and schedules.is_code(t.text)]
        width = next((table[k] for k in map(schedules.key, names) if k in table), None)
        if width is not None:
            f.attrs["width_m"] = width


def _demote(geo) -> None:
    exits = geo.of("exit")
    cand = [k for k, f in enumerate(exits) if door_layer(f.layer)]
    if not cand:
        return
    moved = [k for k in cand if not _may_be_exit(geo, exits[k])[0]]
    if not moved:
        return
    gone = set(moved)
    doors = geo.features.setdefault("door", [])
    for k in moved:
        f = exits[k]
        f.cls = "door"
        doors.append(f)
    geo.features["exit"] = [f for k, f in enumerate(exits) if k not in gone]
    if not geo.features["exit"]:
        del geo.features["exit"]
    geo._trees.pop("exit", None)
    geo._trees.pop("door", None)
