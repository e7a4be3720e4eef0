"""Floor plan (建施-0n) generator, 1:100: a 72 × 24 m office floor in two fire compartments.

Rooms 9 × 8 m along the south with M1021 doors; a corridor; a multi-purpose hall north of
it (two M1521 doors); four stairs with FM甲1221 exit
doors (two per compartment); walls, axes. ``violate`` picks rule ids; ``use`` relabels the
compartments (e.g. "住宅").
"""

from __future__ import annotations

from pathlib import Path

from .sheet import Sheet

FLOOR_RULES = ("FR-07", "FR-08", "FR-08B", "FR-09", "FR-10", "FR-11", "FR-12", "FR-13")


# layout in metres; the rule tests compute where each finding lies from these
COMPARTMENTS = [(0, 0, 36, 24), (36, 0, 72, 24)]  # one compartment over the whole floor for FR-07
FLOOR = (0, 0, 72, 24)
EXITS = [(5, 18), (31, 18), (41, 18), (67, 18)]  # stair fronts; FM甲1221 door centred, 1.2 m wide
EXIT_DOOR_W = 1.2
EXIT_FR08B = (9, 18)  # replaces (31, 18): 4 m from (5, 18)
EXITS_FR09 = [(37.5, 18), (43.5, 18)]  # compartment two's exits, both at its west end
NARROW_DOOR_FR12 = (20, 24, 0.8)  # x, y, width of an extra exit door on the north wall
ROOM_W, ROOM_W_FR13, ROOM_DEPTH, ROOM_DOOR_W = 9.0, 18.0, 8.0, 1.0  # south rooms, doors centred on y = 8
HALL = (10, 10, 26, 17)
HALL_DOORS, HALL_DOOR_W = (12.0, 23.0), 1.5  # left ends of the doors on the corridor side (y = 10)
HALL_X1_FR11, HALL_DOORS_FR11 = 62.0, (11.0, 15.0)


def floor_params(residential: bool = False) -> dict:
    return {"project_type": "building", "use": "residential" if residential else "office",
            "building_height_m": 40.0, "sprinklers": False}


def floor_plan(path: Path, violate=frozenset(), use_label: str = "办公", sheet_no: str = "建施-01",
               title: str = "一层平面图") -> Path:
    v = set(violate)
    s = Sheet(scale=100)
    s.frame(-6, -22, {"图号": sheet_no, "图名": title, "专业": "建筑"})
    # walls and axes (ignored classes)
    for x0, y0, x1, y1 in ((0, 0, 72, 0), (72, 0, 72, 24), (72, 24, 0, 24), (0, 24, 0, 0), (0, 8, 72, 8), (0, 10, 72, 10)):
        s.line("WALL", x0, y0, x1, y1)
    for i in range(9):
        s.line("AXIS", i * 9, -3, i * 9, 27)
        s.text("AXIS_TEXT", str(i + 1), i * 9, -4, 5)
    # compartments
    labels2 = "歌舞娱乐" if "FR-09" in v else use_label
    if "FR-07" in v:
        s.rect("防火分区", *FLOOR)
        s.texts("PUB_TEXT", ["防火分区一", use_label], 36, 15, 5)
    else:
        for c in COMPARTMENTS:
            s.rect("防火分区", *c)
        s.texts("PUB_TEXT", ["防火分区一", use_label], 18, 15, 5)
        s.texts("PUB_TEXT", ["防火分区二", labels2], 54, 15, 5)
    # stairs and exits
    exits = list(EXITS)
    if "FR-08" in v or "FR-10" in v:
        exits.remove((31, 18))
    if "FR-08B" in v:
        exits[exits.index((31, 18))] = EXIT_FR08B
    if "FR-09" in v:
        exits[-2:] = EXITS_FR09
    for x, y in exits:
        s.rect("STAIR", x - 3, y, x + 3, y + 6)
        s.text("PUB_TEXT", "楼梯", x, y + 3, 3.5)
        s.door("DOOR_FIRE", "FM甲1221", x - EXIT_DOOR_W / 2, y, EXIT_DOOR_W)
    if "FR-12" in v:
        s.door("DOOR_FIRE", "FM乙0821", *NARROW_DOOR_FR12)  # an extra narrow exit on the north wall
    # rooms and their doors (one door each)
    x = 0.0
    rooms = [ROOM_W_FR13] + [ROOM_W] * 6 if "FR-13" in v else [ROOM_W] * 8
    for w in rooms:
        s.rect("SPACE", x, 0, x + w, ROOM_DEPTH)
        s.texts("PUB_TEXT", ["办公室" if use_label == "办公" else use_label, f"{w * ROOM_DEPTH:.0f}㎡"], x + w / 2,
                ROOM_DEPTH / 2, 3.5)
        s.door("A-DOOR", "M1021", x + w / 2 - ROOM_DOOR_W / 2, ROOM_DEPTH, ROOM_DOOR_W)
        x += w
    # a multi-purpose hall north of the corridor, two doors on the corridor side; the FR-11
    # variant stretches it to 52 m with both doors at its west end
    hx0, hy0, hx1, hy1 = HALL
    hx1, hall_doors = (HALL_X1_FR11, HALL_DOORS_FR11) if "FR-11" in v else (hx1, HALL_DOORS)
    s.rect("SPACE", hx0, hy0, hx1, hy1)
    s.texts("PUB_TEXT", ["多功能厅", f"{(hx1 - hx0) * (hy1 - hy0):.0f}㎡"], (hx0 + hx1) / 2, (hy0 + hy1) / 2, 3.5)
    for dx in hall_doors:
        s.door("A-DOOR", "M1521", dx, hy0, HALL_DOOR_W)
    s.text("PUB_TEXT", f"{title} 1:100", 36, -12, 7)
    return s.save(path)
