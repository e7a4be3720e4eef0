"""Civil-defence basement plan (人防-01) generator, 1:200: two protection units, blast units,
entrances (one outdoor, one under the building per unit; the outdoor one of unit one marked as the
main entrance), the projection of the building above with its height and structure."""

from __future__ import annotations

from pathlib import Path

from .sheet import Sheet

BASEMENT_RULES = ("AD-01", "AD-01B", "AD-02", "AD-03", "AD-04", "AD-05", "AD-06")


# layout in metres; the rule tests compute where each finding lies from these
ABOVE = (-10, -10, 90, 30)  # projection of the building above (H = 24 m)
UNITS_X, UNITS_Y = (0, 40, 80), (0, 40)  # two protection units side by side; AD-01 moves the split
SPLIT_AD01 = 55
BLAST_AD01B = (0, 0, 25, 22)  # replaces the first 20 × 20 blast unit
MAIN_ENTRANCE = (2, 34, 6, 46)  # outdoor (ground part y 40–46, 10 m north of the building above)
MAIN_ENTRANCE_AD03 = (2, -4, 6, 6)  # under the building instead
ENTRANCES = [(30, -4, 34, 6), (74, 34, 78, 46)]
ENTRANCE_AD02 = (46, -4, 50, 6)  # unit two's second entrance, left out for AD-02
HAZARD_X, HAZARD_X_AD06, HAZARD_SIZE = 200, 110, 10  # a petrol station (y 0–10)


def basement_plan(path: Path, violate=frozenset()) -> Path:
    v = set(violate)
    s = Sheet(scale=200)
    s.frame(-20, -50, {"图号": "人防-01", "图名": "地下室人防平面图", "专业": "人防"})
    s.rect("A-MAST-UPPER", *ABOVE)
    s.text("PUB_TEXT", "上部建筑投影线", 80, 28, 3.5)
    # the building above: H = 24 m; RC frame (collapse zone 5 m) or, for AD-04, masonry (0.5 H = 12 m)
    s.texts("PUB_TEXT", ["H=24.0", "砖混结构" if "AD-04" in v else "框架结构"], 85, 10, 3.5)
    split = SPLIT_AD01 if "AD-01" in v else UNITS_X[1]
    persons = 1800 if "AD-05" in v else 1200
    s.rect("人防单元", UNITS_X[0], UNITS_Y[0], split, UNITS_Y[1])
    s.rect("人防单元", split, UNITS_Y[0], UNITS_X[2], UNITS_Y[1])
    s.texts("PUB_TEXT", ["防护单元一", f"掩蔽人数{persons}人"], split / 2, 20, 5)
    s.texts("PUB_TEXT", ["防护单元二", "掩蔽人数1000人"], (split + 80) / 2, 20, 5)
    blast = [(0, 0, 20, 20), (20, 0, 40, 20), (0, 20, 20, 40), (20, 20, 40, 40),
             (40, 0, 60, 20), (60, 0, 80, 20), (40, 20, 60, 40), (60, 20, 80, 40)]
    if "AD-01B" in v:
        blast[0] = BLAST_AD01B
    for b in blast:
        s.rect("抗爆单元", *b)
    # entrances: ground part outside (y > 40) = outdoor, ground part y < 0 = under the building
    if "AD-03" in v:
        s.rect("人防出入口", *MAIN_ENTRANCE_AD03)
    else:  # the main entrance: its ground part (y 40–46) is 10 m from the building above
        s.rect("人防出入口", *MAIN_ENTRANCE)
        s.text("PUB_TEXT", "主要出入口", 4, 44, 3.5)
    for e in ENTRANCES:
        s.rect("人防出入口", *e)
    if "AD-02" not in v:
        s.rect("人防出入口", *ENTRANCE_AD02)
    hx = HAZARD_X_AD06 if "AD-06" in v else HAZARD_X
    s.rect("易燃易爆", hx, 0, hx + HAZARD_SIZE, HAZARD_SIZE)
    s.text("PUB_TEXT", "加油站", hx + HAZARD_SIZE / 2, HAZARD_SIZE / 2, 3.5)
    s.text("PUB_TEXT", "地下室人防平面图 1:200", 40, -30, 7)
    return s.save(path)
