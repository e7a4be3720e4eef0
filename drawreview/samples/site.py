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
    s.frame(-60, -60, {"图号": "总图-01", "图名": "总平面图", "专业": "总图"}, scale=400 if "DR-01" in v else None)
    s.line("A-ROAD-RED", -50, 0, 300, 0)
    s.text("A-ANNO-TEXT", "道路红线", 260, -4, 5)
    site = _box(0, 0, 240, 160)
    if "PL-02" in v:  # north-east corner of the site is not ours
        site = [(0, 0), (240, 0), (240, 125), (185, 125), (185, 160), (0, 160)]
    s.poly("A-REDL", site)
    s.rect("A-REDL-ARCH", 8, 10, 232, 130 if "PL-01B" in v else 152)

    # buildings
    b1 = ["1#住宅楼", "20F" if "PL-06" in v else "18F", "H=60.0" if "PL-06" in v else "H=54.0", "一级"]
    _building(s, _box(30, 36, 90, 51), b1)
    _building(s, _box(30, 118, 90, 133), ["2#住宅楼", "18F", "H=54.0", "一级"])
    y3 = 33 if "FR-03" in v else 40
    # 3#: drawn as a nearly-closed polyline (last vertex 5 mm short of the first)
    _building(s, [(130, y3), (190, y3), (190, y3 + 30), (130, y3 + 30), (130.005, y3)], ["3#商业", "3F", "H=13.5", "二级", "公建"], closed=False)
    _building(s, _box(130, 120, 190, 136), ["4#办公楼", "12F", "H=40.0", "一级", "公建"], bulges={1: 0.25})
    if "PL-03" in v or "PL-04" in v:
        _building(s, _box(198, 40, 218, 70), ["5#住宅楼", "9F" if "PL-03" in v else "1F",
                                                "H=27.0" if "PL-03" in v else "H=3.5", "二级", "住宅"])
    if "FR-01" in v:
        _building(s, _box(130, 74, 150, 84), ["6#配套用房", "1F", "H=4.5", "二级", "公建"])
    if "PL-01" in v:
        _building(s, _box(180, 2, 186, 8), ["7#门卫", "1F", "H=3.5", "二级"])

    # fire lanes (4 m), cross lane E serves 4#'s south side
    s.rect("消防车道", 12, 26, 228, 30)
    s.rect("消防车道", 12, 26, 16, 150)
    s.rect("消防车道", 12, 146, 228, 150)
    s.rect("消防车道", 224, 26, 228, 150)
    if "FR-04" not in v:
        s.rect("消防车道", 16, 104, 224, 107.5 if "FR-02" in v else 108)
    s.rect("过街楼", 150, 24, 160, 32)
    s.text("A-ANNO-TEXT", "过街楼 净高=3.8m" if "FR-02B" in v else "过街楼 净高=4.5m", 155, 28, 3.5)
    t = 11 if "FR-05" in v else 15
    s.rect("回车场", 196, 84, 196 + t, 84 + t)

    # hardstanding pads (5 m from the walls)
    if "FR-06A" not in v:
        s.rect("登高场地", 32, 21, 52, 31)
    s.rect("登高场地", 62, 21, 82, 31)
    if "FR-06B" in v:
        s.rect("登高场地", 32, 138, 50, 148)
        s.rect("登高场地", 60, 138, 82, 148)
    else:
        s.rect("登高场地", 32, 138, 52, 148)
        s.rect("登高场地", 62, 138, 82, 148)
    s.rect("登高场地", 135, 147 if "FR-06C" in v else 141, 155, 157 if "FR-06C" in v else 151)
    s.rect("登高场地", 160, 141, 180, 151)

    # green areas
    for box in ((16, 0, 224, 20), (0, 0, 12, 160), (228, 0, 240, 160), (100, 36, 125, 100)):
        s.hatch("绿化", *box)
    if "PL-05" not in v:
        s.hatch("绿化", 100, 112, 125, 140)
        s.hatch("绿化", 12, 150, 228, 160)

    # weather observation field (far away unless violated)
    x = -400 if "MT-02" in v else -700
    s.rect("气象观测场", x - 20, 100, x, 120)

    # indicator table, labels, a dimension, a text of non-standard height
    area = "40000.0" if "PL-07" in v else "38400.0"
    s.texts("A-ANNO-TEXT", ["主要经济技术指标", f"用地面积: {area}㎡", "容积率: 1.30", "绿地率: 32.4%"], 300, 200, 5)
    s.text("A-ANNO-TEXT", "总平面图 1:500", 150, -40, 7)
    if "DR-02" in v:
        s.text("A-ANNO-TEXT", "注：尺寸单位为米", 100, -30, 2.0)
    dim = s.msp.add_linear_dim(base=(s.m(30), s.m(60)), p1=(s.m(30), s.m(51)), p2=(s.m(90), s.m(51)),
                               text="65000" if "DR-04" in v else "<>", dimstyle="EZDXF",
                               dxfattribs={"layer": s.layer("PUB_DIM")})
    dim.render()
    # a layer that maps to nothing: reported as unmapped
    s.line("临时辅助线", 250, 10, 280, 10)
    return s.save(path)
