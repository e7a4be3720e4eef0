"""Site plan (总图-01) generator, 1:500, with optional seeded violations.

Layout in metres (site 240 × 160, road red line along y = 0): 1#/2# 18-storey housing
(H=54), 3# 3-storey shops, 4# 12-storey offices (H=40, a rounded corner), a fire-lane
ring with a cross lane, hardstanding pads, a turning area, green areas, an overhead link
over the south lane, the indicator table, and a dimension. ``violate`` picks rule ids.
"""

from __future__ import annotations

from pathlib import Path

from .sheet import Sheet

SITE_RULES = ("PL-01", "PL-01B", "PL-02", "PL-03", "PL-04", "PL-05", "PL-06", "PL-07",
              "FR-01", "FR-02", "FR-02B", "FR-03", "FR-04", "FR-05", "FR-06A", "FR-06B", "FR-06C",
              "MT-02", "DR-01", "DR-02", "DR-03", "DR-04")


# layout in metres, (x0, y0, x1, y1) boxes; the rule tests compute where each finding lies from these
FRAME_XY = (-60.0, -60.0)  # lower-left corner of the A1 frame
FRAME_SCALE_DR01 = 400  # the wrong-scale frame of DR-01
ROAD = ((-50, 0), (300, 0))  # road red line
SITE = (0, 0, 240, 160)
SITE_PL02 = [(0, 0), (240, 0), (240, 125), (185, 125), (185, 160), (0, 160)]  # north-east corner cut off
CONTROL = (8, 10, 232, 152)  # building control line (建筑控制线); PL-01B pulls its north side to y = 130
CONTROL_PL01B_Y1 = 130
BUILDINGS = {  # name → box; 3# moves south to y = 33 for FR-03; 4#'s east side bulges out (bulge 0.25)
    "1#": (30, 36, 90, 51), "2#": (30, 118, 90, 133), "3#": (130, 40, 190, 70), "4#": (130, 120, 190, 136),
    "5#": (198, 40, 218, 70), "6#": (130, 74, 150, 84), "7#": (180, 2, 186, 8),
}
BUILDING_3_Y_FR03 = 33
BULGE_4 = 0.25
LANES = [(12, 26, 228, 30), (12, 26, 16, 150), (12, 146, 228, 150), (224, 26, 228, 150)]  # 4 m ring
CROSS_LANE = (16, 104, 224, 108)  # 3.5 m wide (y1 = 107.5) for FR-02; left out for FR-04
CROSS_LANE_Y1_FR02 = 107.5
OVERHEAD = (150, 24, 160, 32)  # 过街楼 over the south lane
TURNING_XY, TURNING, TURNING_FR05 = (196, 84), 15, 11  # square turning area, side in metres
PADS = {"1#a": (32, 21, 52, 31), "1#b": (62, 21, 82, 31), "2#a": (32, 138, 52, 148), "2#b": (62, 138, 82, 148),
        "4#a": (135, 141, 155, 151), "4#b": (160, 141, 180, 151)}
PADS_FR06B = {"2#a": (32, 138, 50, 148), "2#b": (60, 138, 82, 148)}  # an 18 m pad
PAD_4A_FR06C = (135, 147, 155, 157)  # 11 m from 4#
STATION_X, STATION_X_MT02, STATION_Y = -700, -400, (100, 120)  # observation field: x - 20 … x
INDICATOR_XY, INDICATOR_MM = (300, 200), 5.0  # indicator table: centre, plotted text height
NOTE_DR02 = (100, -30, 2.0)  # a note with 2 mm text
DIM = ((30, 51), (90, 51), 60)  # linear dimension: p1, p2, base line y


def site_params() -> dict:
    """Planning conditions (规划设计条件) the clean site plan satisfies."""
    return {"project_type": "building", "plot_ratio_max": 1.4, "density_max": 0.13, "green_ratio_min": 0.30}


def _building(s: Sheet, pts, texts: list[str], bulges=None, closed=True):
    s.poly("A-MAST-ROOF", pts, closed=closed, bulges=bulges)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    lines = [" ".join(texts[:2]), " ".join(texts[2:])]
    s.texts("A-ANNO-TEXT", lines, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, 3.5)


def _box(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def site_plan(path: Path, violate: set[str] | frozenset[str] = frozenset(), insunits: int = 4) -> Path:
    v = set(violate)
    s = Sheet(scale=500, insunits=0 if "DR-03" in v else insunits)
    # frame: A1 at 1:500 (420.5 × 297 m); the wrong-scale variant inserts it at 1:400
    s.frame(*FRAME_XY, {"图号": "总图-01", "图名": "总平面图", "专业": "总图"}, scale=FRAME_SCALE_DR01 if "DR-01" in v else None)
    s.line("A-ROAD-RED", *ROAD[0], *ROAD[1])
    s.text("A-ANNO-TEXT", "道路红线", 260, -4, 5)
    site = _box(*SITE)
    if "PL-02" in v:  # north-east corner of the site is not ours
        site = SITE_PL02
    s.poly("A-REDL", site)
    s.rect("A-REDL-ARCH", *CONTROL[:3], CONTROL_PL01B_Y1 if "PL-01B" in v else CONTROL[3])
    B = BUILDINGS

    # buildings
    b1 = ["1#住宅楼", "20F" if "PL-06" in v else "18F", "H=60.0" if "PL-06" in v else "H=54.0", "一级"]
    _building(s, _box(*B["1#"]), b1)
    _building(s, _box(*B["2#"]), ["2#住宅楼", "18F", "H=54.0", "一级"])
    x0, y0, x1, y1 = B["3#"]
    dy = BUILDING_3_Y_FR03 - y0 if "FR-03" in v else 0
    # 3#: drawn as a nearly-closed polyline (last vertex 5 mm short of the first)
    _building(s, [(x0, y0 + dy), (x1, y0 + dy), (x1, y1 + dy), (x0, y1 + dy), (x0 + 0.005, y0 + dy)],
              ["3#商业", "3F", "H=13.5", "二级", "公建"], closed=False)
    _building(s, _box(*B["4#"]), ["4#办公楼", "12F", "H=40.0", "一级", "公建"], bulges={1: BULGE_4})
    if "PL-03" in v or "PL-04" in v:
        _building(s, _box(*B["5#"]), ["5#住宅楼", "9F" if "PL-03" in v else "1F",
                                      "H=27.0" if "PL-03" in v else "H=3.5", "二级", "住宅"])
    if "FR-01" in v:
        _building(s, _box(*B["6#"]), ["6#配套用房", "1F", "H=4.5", "二级", "公建"])
    if "PL-01" in v:
        _building(s, _box(*B["7#"]), ["7#门卫", "1F", "H=3.5", "二级"])

    # fire lanes (4 m), cross lane E serves 4#'s south side
    for lane in LANES:
        s.rect("消防车道", *lane)
    if "FR-04" not in v:
        s.rect("消防车道", *CROSS_LANE[:3], CROSS_LANE_Y1_FR02 if "FR-02" in v else CROSS_LANE[3])
    s.rect("过街楼", *OVERHEAD)
    s.text("A-ANNO-TEXT", "过街楼 净高=3.8m" if "FR-02B" in v else "过街楼 净高=4.5m",
           (OVERHEAD[0] + OVERHEAD[2]) / 2, (OVERHEAD[1] + OVERHEAD[3]) / 2, 3.5)
    t = TURNING_FR05 if "FR-05" in v else TURNING
    s.rect("回车场", *TURNING_XY, TURNING_XY[0] + t, TURNING_XY[1] + t)

    # hardstanding pads (5 m from the walls)
    pads = dict(PADS)
    if "FR-06A" in v:
        del pads["1#a"]
    if "FR-06B" in v:
        pads.update(PADS_FR06B)
    if "FR-06C" in v:
        pads["4#a"] = PAD_4A_FR06C
    for pad in pads.values():
        s.rect("登高场地", *pad)

    # green areas
    for box in ((16, 0, 224, 20), (0, 0, 12, 160), (228, 0, 240, 160), (100, 36, 125, 100)):
        s.hatch("绿化", *box)
    if "PL-05" not in v:
        s.hatch("绿化", 100, 112, 125, 140)
        s.hatch("绿化", 12, 150, 228, 160)

    # weather observation field (far away unless violated)
    x = STATION_X_MT02 if "MT-02" in v else STATION_X
    s.rect("气象观测场", x - 20, STATION_Y[0], x, STATION_Y[1])

    # indicator table, labels, a dimension, a text of non-standard height
    area = "40000.0" if "PL-07" in v else "38400.0"
    s.texts("A-ANNO-TEXT", ["主要经济技术指标", f"用地面积: {area}㎡", "容积率: 1.30", "绿地率: 32.4%"], *INDICATOR_XY, INDICATOR_MM)
    s.text("A-ANNO-TEXT", "总平面图 1:500", 150, -40, 7)
    if "DR-02" in v:
        s.text("A-ANNO-TEXT", "注：尺寸单位为米", *NOTE_DR02)
    (px1, py1), (px2, py2), base_y = DIM
    dim = s.msp.add_linear_dim(base=(s.m(px1), s.m(base_y)), p1=(s.m(px1), s.m(py1)), p2=(s.m(px2), s.m(py2)),
                               text="65000" if "DR-04" in v else "<>", dimstyle="EZDXF",
                               dxfattribs={"layer": s.layer("PUB_DIM")})
    dim.render()
    # a layer that maps to nothing: reported as unmapped
    s.line("临时辅助线", 250, 10, 280, 10)
    return s.save(path)
