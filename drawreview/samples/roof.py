"""Roof plan (防雷-01) generator, 1:100: a 40 × 20 m roof, class-2 lightning protection,
eaves conductor on the roof edge (H = 54 m > 45 m: LP-05) + 10 m mesh, down-conductors every
15 m along the perimeter."""

from __future__ import annotations

from pathlib import Path

from .sheet import Sheet

ROOF_RULES = ("LP-01", "LP-02", "LP-03", "LP-04", "LP-05")


# layout in metres; the rule tests compute where each finding lies from these
ROOF = (0, 0, 40, 20)
MESH_X, MESH_Y = (10, 20, 30), 10  # mesh lines across the roof; LP-02 leaves out x = 20
MESH_GAP_LP02 = 20
NORTH_Y_LP05 = 19.7  # the north conductor set back 0.3 m onto the roof
NORTH_END_LP03 = 30  # the north conductor stops at x = 30 (runs 40 → 30)
DOWN_AT = [0, 15, 30, 45, 60, 75, 90, 105]  # metres along the perimeter; LP-04 leaves out 45
DOWN_GAP_LP04 = 45


def roof_plan(path: Path, violate=frozenset(), sheet_no: str = "防雷-01") -> Path:
    v = set(violate)
    s = Sheet(scale=100)
    s.frame(-15, -22, {"图号": sheet_no, "图名": "屋顶防雷平面图", "专业": "电气(防雷)"})
    s.rect("A-ROOF", *ROOF)
    cls = "第三类防雷建筑物" if "LP-01" in v else "第二类防雷建筑物"
    s.texts("PUB_TEXT", [cls, "H=54.0", "商业" if "LP-01" in v else "住宅"], 5, 15, 3.5)
    s.line("接闪带", 0, 0, 40, 0)
    s.line("接闪带", 40, 0, 40, 20)
    # LP-05: the north conductor set back 0.3 m onto the roof (still within LP-03's 0.5 m)
    north = NORTH_Y_LP05 if "LP-05" in v else 20
    s.line("接闪带", 40, north, NORTH_END_LP03 if "LP-03" in v else 0, north)
    s.line("接闪带", 0, 20, 0, 0)
    for x in MESH_X:
        if x == MESH_GAP_LP02 and "LP-02" in v:
            continue
        s.line("接闪带", x, 0, x, 20)
    s.line("接闪带", 0, MESH_Y, 40, MESH_Y)
    # down-conductors every 15 m along the perimeter (120 m)
    pos = list(DOWN_AT)
    if "LP-04" in v:
        pos.remove(DOWN_GAP_LP04)
    for p in pos:
        x, y = along(p)
        s.circle("引下线", x, y, 0.3)
    s.text("PUB_TEXT", "屋顶防雷平面图 1:100", 20, -12, 7)
    return s.save(path)


def along(p: float) -> tuple[float, float]:
    """A point p metres along the roof perimeter, counter-clockwise from (0, 0)."""
    if p <= 40:
        return (p, 0.0)
    if p <= 60:
        return (40.0, p - 40)
    if p <= 100:
        return (40 - (p - 60), 20.0)
    return (0.0, 20 - (p - 100))
