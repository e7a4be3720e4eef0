"""Labelled accuracy corpus for the rule checks, in drafting conventions other than drawreview's own.

Run ``python tests/rules/corpus/generate.py [OUT_DIR]`` (default: this folder). It writes
``dxf/*.dxf`` and ``labels.json``. It imports nothing from drawreview: each case is a scene
in metres (shapely), measured here with this file's own reading of the clauses, drawn in one
drafting convention (layer names, units, text habits, blocks, xref prefixes, frames), then
read back with ezdxf (``virtual_entities`` for block inserts) and compared with the scene
vertex by vertex, so a label never describes geometry the file does not hold.

A label names every rule family the drawing is scored for, and its one seeded violation
(family + sheet) or none. One third of the drawings are clean, many of them exactly at a limit.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import ezdxf
import numpy as np
import shapely
from ezdxf.math import Matrix44
from shapely.geometry import LineString, Point, Polygon, box

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- the clauses, read independently
def separation(a: dict, b: dict) -> float:
    """GB 50016-2014 table 5.2.2, civil buildings (m)."""
    if a["high"] and b["high"]:
        return 13.0
    if a["high"] or b["high"]:
        low = b if a["high"] else a
        return {1: 9.0, 2: 9.0, 3: 11.0, 4: 14.0}[low["rating"]]
    g = sorted(min(max(r, 2), 4) for r in (a["rating"], b["rating"]))
    return {(2, 2): 6.0, (2, 3): 7.0, (2, 4): 9.0, (3, 3): 8.0, (3, 4): 10.0, (4, 4): 12.0}[tuple(g)]


def is_high(height: float, residential: bool) -> bool:
    """GB 50016 2.1.1: residential above 27 m, other buildings above 24 m."""
    return height > (27.0 if residential else 24.0)


def compartment_limit(high, sprinklers: bool) -> float:
    """GB 50016 5.3.1: high-rise 1500 m², other above-ground 2500 m², underground ("under") 500 m²;
    doubled with automatic sprinklers."""
    base = 500.0 if high == "under" else 1500.0 if high else 2500.0
    return base * (2.0 if sprinklers else 1.0)


MESH = {1: [(5, 5), (6, 4)], 2: [(10, 10), (12, 8)], 3: [(20, 20), (24, 16)]}  # GB 50057 4.2.1/4.3.1/4.4.1
DOWN = {1: 12.0, 2: 18.0, 3: 25.0}  # 4.2.4 / 4.3.3 / 4.4.3


# ---------------------------------------------------------------- conventions
@dataclass
class Convention:
    name: str
    layers: dict
    units: str = "mm"  # mm | m | cm
    text: str = "text"  # text | mtext | attrib
    exits: str = "block"  # block | circle | rect | point | tangent
    hatch: bool = False  # footprints drawn as outline + hatch on the same layer
    blocks: bool = False  # polygons drawn as rotated / mirrored / scaled block inserts
    frames: int = 0  # 0: no frame; 1: one frame; 2+: several frames in one model space
    height: str = "H={h:.1f}"
    storeys: str = "{n}F"
    rating: str = "耐火等级{r}级"
    binary: bool = False
    rotate: float = 0.0  # plans drawn turned (true north), degrees

    def layer(self, role: str) -> str:
        return self.layers["door" if role == "exterior" else role]


CN = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return (CN[tens] if tens > 1 else "") + "十" + (CN[ones] if ones else "")


ROLES_EN = {"lane": "C-ROAD-FIRE", "site": "A-REDL-SITE", "building": "A-MAST-BLDG", "station": "C-SITE-METR",
            "compartment": "A-AREA-FIRE", "exit": "A-FLOR-EXIT", "door": "A-DOOR", "unit": "A-SHEL-UNIT",
            "entrance": "A-SHEL-ENTR", "roof": "E-LTNG-ROOF", "air": "E-LTNG-AIRT", "down": "E-LTNG-DOWN",
            "text": "A-ANNO-TEXT", "frame": "G-ANNO-TTLB", "wall": "A-WALL"}
ROLES_JIAN = {"lane": "总-消防车道", "site": "总-用地红线", "building": "总-建筑轮廓", "station": "总-气象观测场", "compartment": "建-防火分区",
              "exit": "建-安全出口", "door": "建-门窗", "unit": "人防-防护单元", "entrance": "人防-出入口",
              "roof": "电-屋面轮廓", "air": "电-防雷-接闪带", "down": "电-防雷-引下线", "text": "建-文字",
              "frame": "建-图框", "wall": "建-墙体"}
ROLES_TANGENT = {"lane": "总图-消防车道", "site": "总图-用地红线", "building": "总图-建筑物", "station": "总图-气象观测场",
                 "compartment": "防火分区", "exit": "DOOR_FIRE", "door": "DOOR_FIRE", "unit": "人防单元",
                 "entrance": "人防口部", "roof": "屋顶轮廓", "air": "避雷带", "down": "引下线", "text": "PUB_TEXT",
                 "frame": "TK", "wall": "WALL"}
ROLES_ADHOC = {"lane": "消防车道", "site": "红线", "building": "建筑物", "station": "气象观测场", "compartment": "防火分区线",
               "exit": "疏散出口", "door": "门窗", "unit": "防护单元", "entrance": "人防出入口", "roof": "屋面",
               "air": "接闪网", "down": "引下线", "text": "文字", "frame": "图框", "wall": "墙体"}


def xrefd(roles: dict) -> dict:
    out = {}
    for i, (k, v) in enumerate(sorted(roles.items())):
        out[k] = f"SITE{i % 3}$" + str(i % 4 + (7 if i % 2 else 0)) + "$" + v if i % 3 else f"PLAN-{i}|{v}"
    return out


CONVENTIONS = [
    Convention("tangent", ROLES_TANGENT, exits="tangent", height="H={h:.1f}", storeys="{n}F", frames=1),
    Convention("gbt18112_en", ROLES_EN, text="mtext", exits="rect", height="HEIGHT: {h:.1f}m",
               storeys="{n} STOREYS", rating="FIRE RATING {r}"),
    Convention("jian_cn", ROLES_JIAN, exits="circle", hatch=True, height="建筑高度{h:.1f}m", storeys="{cn}层",
               rating="耐火等级：{r}级", frames=1, binary=True),
    Convention("xref_bound", xrefd(ROLES_EN), exits="point", height="高度：{h:.1f}米", storeys="地上{n}层/地下2层",
               rotate=17.0),
    Convention("blocks_attribs", ROLES_JIAN, text="attrib", exits="block", blocks=True, height="{h:.1f}",
               storeys="{n}"),
    Convention("metres", ROLES_ADHOC, units="m", exits="circle", hatch=True, height="檐口高度{h:.1f}m", rotate=-32.0,
               storeys="{n}层"),
    Convention("multi_frame", ROLES_JIAN, exits="block", frames=3, height="H={h:.1f}", storeys="{n}层"),
]
UNITS = {"mm": (4, 1000.0), "m": (6, 1.0), "cm": (5, 100.0)}
RATING_CN = {1: "一", 2: "二", 3: "三", 4: "四"}


# ---------------------------------------------------------------- scenes (metres)
@dataclass
class Poly:
    role: str
    geom: Polygon
    facts: dict = field(default_factory=dict)  # height, storeys, rating, use, name


@dataclass
class Pt:
    role: str
    xy: tuple
    label: str = ""  # door label (天正: FM甲1221)
    room: str = ""  # the room the door opens from (管井, 配电间 ...)


@dataclass
class Sheet:
    title: str
    number: str
    polys: list = field(default_factory=list)
    points: list = field(default_factory=list)
    lines: list = field(default_factory=list)  # (role, LineString)
    notes: list = field(default_factory=list)  # project facts written on the sheet
    scale: int = 500


@dataclass
class Case:
    name: str
    discipline: str
    families: list
    sheets: list
    violation: dict | None = None  # {"family", "sheet"}
    params: dict = field(default_factory=dict)
    measured: dict = field(default_factory=dict)  # family → (measured, required, unit)


def rect(x, y, w, h) -> Polygon:
    return box(x, y, x + w, y + h)


def rect_sides(g: Polygon) -> tuple[float, float]:
    c = list(shapely.oriented_envelope(g).exterior.coords)
    return (math.dist(c[0], c[1]), math.dist(c[1], c[2]))


def building_facts(h: float, n: int, rating: int, use: str, name: str) -> dict:
    res = use == "住宅"
    return {"height": h, "storeys": n, "rating": rating, "use": use, "name": name, "high": is_high(h, res)}


def site_case(conv, kind: str, variant: int) -> Case:
    """PL-02 + FR-01 + MT-02 + FR-02 on a site plan. kind: clean | PL-02 | FR-01 | MT-02 | FR-02."""
    pairs = [  # (height, storeys, rating, use) of the two buildings
        ((54.0, 18, 2, "住宅"), (54.0, 18, 2, "住宅")),
        ((54.0, 18, 1, "办公"), (15.0, 4, 2, "办公")),
        ((12.0, 3, 2, "商业"), (9.0, 3, 3, "商业")),
        ((21.0, 7, 2, "住宅"), (18.0, 6, 2, "住宅")),
    ]
    fa, fb = sorted(pairs[variant % len(pairs)])  # b, nearer the weather station, is the taller
    a = building_facts(*fa, "1#楼")
    b = building_facts(*fb, "2#楼")
    need = separation(a, b)
    gap = need - (1.5 if kind == "FR-01" else 0.0)
    site = rect(0, 0, 160, 110)
    wa, da = 40.0, 16.0
    ax = 20.0
    ay = 15.0 if kind != "PL-02" else -3.0  # the violation crosses the site line by 3 m
    A = rect(ax, ay, wa, da)
    B = rect(ax + wa + gap, 15.0, 30.0, 14.0)
    hmax = max(a["height"], b["height"])
    st_gap = 10.0 * b["height"] - (5.0 if kind == "MT-02" else 0.0)  # GB 31221: 10 × H of the obstacle
    station = rect(ax + wa + gap + 30.0 + st_gap, 18.0, 25.0, 25.0)
    if kind == "MT-02":  # nearer building B only; A stays beyond 10 H
        pass
    sh = Sheet("总平面图", "总施-01", scale=1000 if st_gap > 300 else 500)
    lane_w = 3.5 if kind == "FR-02" else 4.0  # GB 50016 7.1.8-1: clear width ≥ 4.0 m
    lane = rect(10.0, 60.0, 140.0, lane_w)
    sh.polys = [Poly("site", rect(0, 0, max(160.0, station.bounds[2] + 20), 110)), Poly("building", A, a),
                Poly("building", B, b), Poly("station", station, {"name": "气象观测场"}), Poly("lane", lane)]
    c = Case(f"{conv.name}-site-{kind}-{variant}", "planning+fire+meteorology", ["PL-02", "FR-01", "MT-02", "FR-02"],
             [sh])
    dist_a = A.distance(station)
    assert dist_a >= 10 * a["height"] - 1e-9 or kind == "MT-02", (dist_a, a)
    c.measured = {"FR-01": (round(A.distance(B), 3), need, "m"),
                  "PL-02": (round(A.difference(sh.polys[0].geom).area, 3), 0.0, "m²"),
                  "MT-02": (round(B.distance(station), 3), 10 * b["height"], "m"),
                  "FR-02": (lane_w, 4.0, "m")}
    if kind != "clean":
        c.violation = {"family": kind, "sheet": sh.number}
    del hmax
    return c


FLOOR_NOTES = [  # (notes on the sheet, params, high-rise?, sprinklers?)
    (["本工程为高层住宅，建筑高度54.0m", "设自动喷水灭火系统"], {}, True, True),
    (["高层公共建筑，耐火等级一级", "无自动喷水灭火系统"], {}, True, False),
    (["多层办公楼，耐火等级二级，建筑高度18.0m", "本楼设自动喷水灭火系统"], {}, False, True),
    (["设自动喷水灭火系统"], {"building_height_m": 54.0, "use": "office", "sprinklers": False}, True, False),
    (["设计说明：\\P1. 本工程为多层办公楼，耐火等级二级。\\P2. 全楼采用湿式自动喷水灭火系统。"], {}, False, True),
    (["本工程为高层公共建筑", "本楼不设自动喷水灭火系统"], {}, True, False),
    ([("建筑分类", "一类高层公共建筑"), ("耐火等级", "一级"), ("自动喷水灭火系统", "有")], {}, True, True),  # a notes table
    ([("建筑分类", "多层公共建筑"), ("自动喷水灭火系统", "无")], {}, False, False),
    (["地下一层平面图 1:200", "无自动喷水灭火系统"], {}, "under", False),
]


def floor_case(conv, kind: str, variant: int) -> Case:
    """FR-07 compartment area + FR-08 exits (+ FR-12 exit door width where the drawing gives it:
    a door code as block name or label) on a floor plan. kind: clean | FR-07 | FR-08 | FR-12."""
    notes, params, high, spr = FLOOR_NOTES[variant % len(FLOOR_NOTES)]
    limit = compartment_limit(high, spr)
    depth = 40.0
    area = limit + (240.0 if kind == "FR-07" else 0.0)
    width = area / depth
    comp = rect(0, 0, width, depth)
    sh = Sheet("地下一层平面图" if high == "under" else "三层平面图", "建施-03", scale=200, notes=list(notes))
    sh.polys = [Poly("compartment", comp, {"name": "防火分区一"})]
    code = "FM甲0921" if variant % 2 else "FM甲1221"  # 0.9 m: exactly the least exit-door width (5.5.18)
    second = "exit"
    if variant % 3 == 0 and kind != "FR-12":  # an ordinary door in the outer wall is the second exit
        second, code2 = "exterior", "M1521"
    else:
        code2 = "FM乙0821" if kind == "FR-12" else code
    exits = [Pt("exit", (width * 0.2, 0.0), code), Pt(second, (width * 0.8, depth), code2)]
    if kind == "FR-08":
        exits = exits[:1]
    sh.points = exits + [Pt("door", (width * 0.5, depth * 0.5), "FM丙0821", "管井"),
                         Pt("door", (width, depth * 0.3), "FM丙1021", "配电间")]
    widths = conv.exits in ("block", "tangent")
    c = Case(f"{conv.name}-floor-{kind}-{variant}", "fire", ["FR-07", "FR-08"] + (["FR-12"] if widths else []), [sh],
             params=dict(params))
    c.measured = {"FR-07": (round(comp.area, 3), limit, "m²"), "FR-08": (len(exits), 2, "")}
    if widths:
        c.measured["FR-12"] = (min(int(e.label[-4:-2]) / 10 for e in exits), 0.9, "m")
    if kind != "clean":
        c.violation = {"family": kind, "sheet": sh.number}
    return c


def defence_case(conv, kind: str, variant: int) -> Case:
    """AD-01 protection-unit area + AD-02 entrances. kind: clean | AD-01 | AD-02."""
    area = 2000.0 + (150.0 if kind == "AD-01" else 0.0)
    depth = 40.0 if variant % 2 else 50.0
    w = area / depth
    unit = rect(0, 0, w, depth)
    sh = Sheet("地下室人防平面图", "人防-01", scale=200, notes=["人防工程 甲类 核6级"])
    sh.polys = [Poly("unit", unit, {"name": "防护单元一"})]
    ents = [rect(-6.0, 5.0, 8.0, 3.0), rect(w - 2.0, depth - 10.0, 8.0, 3.0)]
    if kind == "AD-02":
        ents = ents[:1]
    sh.polys += [Poly("entrance", e) for e in ents]
    c = Case(f"{conv.name}-defence-{kind}-{variant}", "civil_defence", ["AD-01", "AD-02"], [sh])
    c.measured = {"AD-01": (round(unit.area, 3), 2000.0, "m²"), "AD-02": (len(ents), 2, "")}
    if kind != "clean":
        c.violation = {"family": kind, "sheet": sh.number}
    return c


LP_NOTES = {2: ["建筑物防雷类别：第二类", ("防雷类别", "二类")], 3: ["本建筑为第三类防雷建筑物", ("防雷类别", "第三类")],
            1: ["第一类防雷建筑物", "防雷类别为第一类"]}


def roof_sheet(lp: int, kind: str, number: str, note_style: int = 0) -> tuple[Sheet, dict]:
    """A roof with a mesh and down-conductors that meet class ``lp`` exactly (or break one limit)."""
    (a, b), = MESH[lp][:1]
    nx, ny = 4, 3
    cw, ch = float(a), float(b)
    if kind == "LP-02":
        ch = b * 1.5  # cells a × 1.5 b: beyond both allowed sizes
    w, h = nx * cw, ny * ch
    roof = rect(0, 0, w, h)
    lines = [LineString([(i * cw, 0), (i * cw, h)]) for i in range(1, nx)]
    lines += [LineString([(0, j * ch), (w, j * ch)]) for j in range(1, ny)]
    eaves = list(roof.exterior.coords)
    lines.append(LineString(eaves[:-1] if kind == "LP-03" else eaves))  # along the eaves (one side bare: LP-03)
    spacing = DOWN[lp] + (2.0 if kind == "LP-04" else 0.0)
    perim = roof.exterior.length
    n = math.ceil(perim / spacing - 1e-9)
    step = perim / n
    if kind != "LP-04":
        assert step <= DOWN[lp] + 1e-9
    else:  # one wide gap, the others within the limit
        n = math.ceil((perim - spacing) / DOWN[lp]) + 1
        step = None
    ring = roof.exterior
    if step is not None:
        pos = [k * step for k in range(n)]
    else:
        rest = (perim - spacing) / (n - 1)
        pos = [0.0] + [spacing + k * rest for k in range(n - 1)]
    downs = [ring.interpolate(p) for p in pos]
    gaps = np.diff(sorted(pos) + [perim + min(pos)])
    notes = [LP_NOTES[lp][note_style % 2] if note_style < 2 else f"第{RATING_CN[lp]}类防雷建筑物"]
    sh = Sheet("屋顶防雷平面图", number, scale=200, notes=notes)
    sh.polys = [Poly("roof", roof, {"name": "屋面"})]
    sh.lines = [("air", ln) for ln in lines]
    sh.points = [Pt("down", (p.x, p.y)) for p in downs]
    cells = [c for c in shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(
        shapely.union_all([ln for ln in lines])))))]
    dims = max((sorted((c.bounds[2] - c.bounds[0], c.bounds[3] - c.bounds[1]), reverse=True) for c in cells),
               key=lambda d: d[0] * d[1])
    bare = roof.exterior.difference(shapely.union_all(lines).buffer(0.01)).length
    meas = {"LP-02": (f"{dims[0]:.1f}×{dims[1]:.1f}", MESH[lp], "m"), "LP-04": (round(float(gaps.max()), 3), DOWN[lp], "m"),
            "LP-03": (round(bare, 3), 0.0, "m")}
    assert (bare > 1.0) == (kind == "LP-03"), (kind, bare)
    ok_mesh = any(dims[0] <= x + 1e-9 and dims[1] <= y + 1e-9 for x, y in MESH[lp])
    assert ok_mesh == (kind != "LP-02"), (kind, dims)
    assert (gaps.max() <= DOWN[lp] + 1e-9) == (kind != "LP-04"), (kind, gaps.max())
    return sh, meas


def roof_case(conv, kind: str, variant: int) -> Case:
    lp = (2, 3, 2, 1)[variant % 4]
    sh, meas = roof_sheet(lp, kind, "电施-05", variant % 3)
    c = Case(f"{conv.name}-roof-{kind}-{variant}", "lightning", ["LP-02", "LP-03", "LP-04"], [sh])
    c.measured = meas
    if kind != "clean":
        c.violation = {"family": kind, "sheet": sh.number}
    return c


def multi_roof_case(conv, kind: str, variant: int) -> Case:
    """Two roofs in two frames; the class written beside each roof applies to its own sheet only.
    Roof 1 is class 3 and clean with 20 × 20 cells; roof 2 is class 2: the same mesh breaks it."""
    s1, m1 = roof_sheet(3, "clean", "电施-05", variant % 2)
    if kind == "clean":
        s2, m2 = roof_sheet(2, "clean", "电施-06", 1 - variant % 2)
    else:
        s2, m2 = roof_sheet(2, kind, "电施-06", 1 - variant % 2)
    c = Case(f"{conv.name}-roofs-{kind}-{variant}", "lightning", ["LP-02", "LP-03", "LP-04"], [s1, s2])
    c.measured = {f"{k}@{s1.number}": v for k, v in m1.items()} | {f"{k}@{s2.number}": v for k, v in m2.items()}
    if kind != "clean":
        c.violation = {"family": kind, "sheet": s2.number}
    return c


def mixed_case(conv, kind: str, variant: int) -> Case:
    """Site plan, floor plan and roof plan side by side in one model space (three frames)."""
    site = site_case(conv, kind if kind in ("FR-01", "PL-02", "MT-02", "FR-02") else "clean", 2 + variant % 2)
    floor = floor_case(conv, kind if kind in ("FR-07", "FR-08", "FR-12") else "clean", variant)
    roof = roof_case(conv, kind if kind.startswith("LP") else "clean", variant)
    c = Case(f"{conv.name}-mixed-{kind}-{variant}", "all", site.families + floor.families + roof.families,
             site.sheets + floor.sheets + roof.sheets, params=floor.params)
    for part in (site, floor, roof):
        c.measured.update({f"{k}@{part.sheets[0].number}": v for k, v in part.measured.items()})
        if part.violation:
            c.violation = part.violation
    return c


# ---------------------------------------------------------------- drawing a scene in a convention
class Writer:
    def __init__(self, conv: Convention) -> None:
        self.conv = conv
        self.doc = ezdxf.new("R2010")
        code, self.k = UNITS[conv.units]
        self.doc.header["$INSUNITS"] = code
        self.msp = self.doc.modelspace()
        self.record: list = []  # (kind, role, handle, scene geometry in metres incl. offset)
        self.nblock = 0
        for role, name in conv.layers.items():
            if name not in self.doc.layers:
                self.doc.layers.add(name)

    def s(self, xy) -> tuple:
        return (xy[0] * self.k, xy[1] * self.k)

    def text(self, s: str, xy, role="text", h=3.5, scale=200) -> None:
        height = h * scale / 1000.0 * self.k
        layer = self.conv.layer(role)
        if self.conv.text == "mtext" or "\\P" in s:
            m = self.msp.add_mtext("{\\fSimHei|b0|i0|c134;\\H" + f"{height:.3f}" + ";" + s + "}",
                                   dxfattribs={"layer": layer, "char_height": height})
            m.set_location(self.s(xy))
        else:
            self.msp.add_text(s, height=height, dxfattribs={"layer": layer, "insert": self.s(xy)})

    def table_row(self, cells: tuple, xy, scale: int) -> None:
        """Cells of a notes table: each value in its own cell right of its key, with the grid."""
        u = scale / 1000.0
        x, y = xy
        widths = (40 * u, 50 * u)
        layer = self.conv.layer("text")
        for (text, w) in zip(cells, widths):
            box_ = [self.s(p) for p in ((x, y - 2 * u), (x + w, y - 2 * u), (x + w, y + 4 * u), (x, y + 4 * u))]
            self.msp.add_lwpolyline(box_, close=True, dxfattribs={"layer": layer})
            self.text(text, (x + 2 * u, y), scale=scale)
            x += w

    def polygon(self, role: str, geom: Polygon, off, facts: dict, scale: int) -> None:
        g = shapely.affinity.translate(geom, *off)
        coords = [self.s(p) for p in list(g.exterior.coords)[:-1]]
        layer = self.conv.layer(role)
        if self.conv.blocks and role in ("building", "compartment", "unit", "roof"):
            self._block_polygon(role, layer, coords, g, facts, scale)
            return
        pl = self.msp.add_lwpolyline(coords, close=True, dxfattribs={"layer": layer})
        self.record.append(("poly", role, pl.dxf.handle, g))
        if self.conv.hatch and role == "building":
            hatch = self.msp.add_hatch(color=8, dxfattribs={"layer": layer})
            hatch.paths.add_polyline_path(coords, is_closed=True)
            if facts.get("_courtyard"):  # a courtyard: an inner outline, and a hole in the hatch
                cx, cy = g.centroid.x, g.centroid.y
                hole = [self.s(p) for p in ((cx - 5, cy - 2), (cx + 5, cy - 2), (cx + 5, cy + 2), (cx - 5, cy + 2))]
                hatch.paths.add_polyline_path(hole, is_closed=True)
                self.msp.add_lwpolyline(hole, close=True, dxfattribs={"layer": layer})
        self._labels(g, facts, scale)

    def _label_lines(self, facts: dict) -> list[str]:
        c = self.conv
        out = []
        if "name" in facts:
            out.append(facts["name"] + (facts.get("use") or ""))
        if "height" in facts and "storeys" in facts:
            if facts.get("_storeys_only"):
                out.append(c.storeys.format(n=facts["storeys"], cn=cn_number(facts["storeys"])))
            else:
                out.append(c.height.format(h=facts["height"]))
                out.append(c.storeys.format(n=facts["storeys"], cn=cn_number(facts["storeys"])))
        if "rating" in facts:
            out.append(c.rating.format(r=RATING_CN[facts["rating"]]) if "{r}级" in c.rating
                       else c.rating.format(r=facts["rating"]))
        return out

    def _labels(self, g: Polygon, facts: dict, scale: int) -> None:
        """Label lines inside the outline, top-left, as small as the outline needs; or, for a
        footprint marked ``_beside``, one line just below the outline."""
        lines = self._label_lines(facts)
        x0, y0, x1, y1 = g.bounds
        if self.conv.rotate and not facts.get("_beside"):
            short = min(rect_sides(g))
            step = min(5.0 * scale / 1000.0, short / (len(lines) + 1))
            c = g.centroid
            for i, line in enumerate(lines):
                y = c.y + step * (len(lines) / 2 - i - 0.5)
                self.text(line, (c.x - step, y), h=3.5 * step / (5.0 * scale / 1000.0), scale=scale)
            return
        if facts.get("_beside"):  # under the outline's lowest corner, clear of its neighbours
            h = 3.5 * scale / 1000.0
            vx, vy = min(g.exterior.coords, key=lambda c: (c[1], c[0]))
            self.text(" ".join(lines), (vx, vy - 1.0 - h), h=3.5, scale=scale)
            return
        step = min(5.0 * scale / 1000.0, (y1 - y0) / (len(lines) + 1))
        for i, line in enumerate(lines):
            self.text(line, (x0 + 0.1 * (x1 - x0), y1 - step * (i + 1)), h=3.5 * step / (5.0 * scale / 1000.0),
                      scale=scale)

    def _block_polygon(self, role, layer, coords, g, facts, scale) -> None:
        """The polygon inside a block (on layer 0), inserted rotated / mirrored / scaled so that
        it lands exactly where the scene has it; the facts as ATTRIBs of the insert."""
        self.nblock += 1
        angle = (30.0 * self.nblock) % 360
        sx = (-1.0 if self.nblock % 2 else 1.0) * (2.0 if self.nblock % 3 == 0 else 1.0)
        sy = 2.0 if self.nblock % 3 == 0 else 1.0
        cx, cy = self.s((g.centroid.x, g.centroid.y))
        m = Matrix44.chain(Matrix44.scale(sx, sy, 1), Matrix44.z_rotate(math.radians(angle)),
                           Matrix44.translate(cx, cy, 0))
        inv = m.copy()
        inv.inverse()
        local = [tuple(inv.transform((x, y, 0)))[:2] for x, y in coords]
        name = f"BLK_{role.upper()}_{self.nblock}"
        blk = self.doc.blocks.new(name)
        blk.add_lwpolyline(local, close=True, dxfattribs={"layer": "0"})
        ins = self.msp.add_blockref(name, (cx, cy), dxfattribs={
            "layer": layer, "rotation": angle, "xscale": sx, "yscale": sy})
        self.record.append(("poly", role, ins.dxf.handle, g))
        n = sum(1 for key in ("name", "height", "storeys", "rating", "use") if key in facts)
        step = min(5.0 * scale / 1000.0, (g.bounds[3] - g.bounds[1]) / (n + 1)) * self.k
        cy = self.s((0, g.bounds[3]))[1] - step
        tags = {"name": "名称", "height": "建筑高度", "storeys": "层数", "rating": "耐火等级", "use": "用途"}
        i = 0
        for key, tag in tags.items():
            if key not in facts or (key == "height" and facts.get("_storeys_only")):
                continue
            v = facts[key]
            value = (f"{RATING_CN[v]}级" if key == "rating" else f"{v:g}" if isinstance(v, float) else str(v))
            a = ins.add_attrib(tag, value, insert=(self.s((g.bounds[0] + 0.1 * (g.bounds[2] - g.bounds[0]), 0))[0],
                                                   cy - step * i))
            a.dxf.height = step * 0.7
            i += 1

    def point(self, role: str, pt: Pt, off, scale: int) -> None:
        x, y = pt.xy[0] + off[0], pt.xy[1] + off[1]
        layer = self.conv.layer(role)
        style = self.conv.exits
        if role not in ("exit", "door") and style in ("rect", "tangent"):
            style = "circle"
        if role in ("door", "exterior") and style != "tangent":
            # an ordinary door block on the door layer: an equipment room's (not an exit), or an
            # exterior door in the outer wall (an exit, GB 50016 2.1.14)
            name = pt.label
            if name not in self.doc.blocks:
                b = self.doc.blocks.new(name)
                b.add_line((0, 0), (0.9 * self.k, 0))
                b.add_arc((0, 0), 0.9 * self.k, 0, 90)
            ins = self.msp.add_blockref(name, self.s((x, y)), dxfattribs={"layer": self.conv.layer("door")})
            self.record.append(("door", role, ins.dxf.handle, Point(x, y)))
            if pt.room:
                self.text(pt.room, (x + 1.0, y + 1.5), scale=scale)
            return
        if style == "tangent":
            self.nblock += 1
            name = f"$DorLib2D${self.nblock:08d}"
            b = self.doc.blocks.new(name)
            b.add_line((-0.6 * self.k, 0), (0.6 * self.k, 0))
            b.add_arc((-0.6 * self.k, 0), 1.2 * self.k, 0, 90)
            ins = self.msp.add_blockref(name, self.s((x, y)), dxfattribs={
                "layer": "WINDOW" if role == "exterior" else "DOOR_FIRE", "rotation": 90.0 * (self.nblock % 4)})
            self.msp.add_text(pt.label, height=0.35 * self.k, dxfattribs={"layer": "WINDOW_TEXT",
                                                                            "insert": self.s((x + 0.3, y + 0.4))})
            if pt.room:
                self.text(pt.room, (x + 1.0, y + 1.5), scale=scale)
            self.record.append(("exit" if role == "exit" else "door", role, ins.dxf.handle, Point(x, y)))
            return
        if style == "block":
            name = pt.label if role == "exit" and pt.label else {"exit": "安全出口", "down": "引下线"}.get(role, role)
            if name not in self.doc.blocks:
                b = self.doc.blocks.new(name)
                b.add_circle((0, 0), 0.3 * self.k)
                b.add_line((-0.3 * self.k, 0), (0.3 * self.k, 0))
            self.nblock += 1
            ins = self.msp.add_blockref(name, self.s((x, y)), dxfattribs={
                "layer": layer, "rotation": 45.0 * self.nblock, "xscale": -1.0 if self.nblock % 2 else 1.0})
            handle = ins.dxf.handle
        elif style == "circle":
            handle = self.msp.add_circle(self.s((x, y)), 0.3 * self.k, dxfattribs={"layer": layer}).dxf.handle
        elif style == "rect":
            c = [self.s((x + dx, y + dy)) for dx, dy in ((-0.6, -0.15), (0.6, -0.15), (0.6, 0.15), (-0.6, 0.15))]
            handle = self.msp.add_lwpolyline(c, close=True, dxfattribs={"layer": layer}).dxf.handle
        else:
            handle = self.msp.add_point(self.s((x, y)), dxfattribs={"layer": layer}).dxf.handle
        self.record.append(("point", role, handle, Point(x, y)))

    def line(self, role, ln: LineString, off) -> None:
        g = shapely.affinity.translate(ln, *off)
        coords = [self.s(p) for p in g.coords]
        closed = len(coords) > 3 and coords[0] == coords[-1]
        pl = self.msp.add_lwpolyline(coords[:-1] if closed else coords, close=closed,
                                     dxfattribs={"layer": self.conv.layer(role)})
        self.record.append(("line", role, pl.dxf.handle, g))

    def frame(self, sheet: Sheet, box_m) -> None:
        x0, y0, x1, y1 = box_m
        name = "A1图框"
        if name not in self.doc.blocks:
            b = self.doc.blocks.new(name)
            b.add_lwpolyline([(0, 0), (841, 0), (841, 594), (0, 594)], close=True)
            b.add_lwpolyline([(25, 10), (831, 10), (831, 584), (25, 584)], close=True)
            b.add_lwpolyline([(651, 10), (831, 10), (831, 70), (651, 70)], close=True)
        sc = (x1 - x0) * self.k / 841.0
        ins = self.msp.add_blockref(name, self.s((x0, y0)), dxfattribs={
            "layer": self.conv.layer("frame"), "xscale": sc, "yscale": sc})
        for i, (tag, value) in enumerate((("图号", sheet.number), ("图名", sheet.title),
                                          ("比例", f"1:{sheet.scale}"))):
            a = ins.add_attrib(tag, value, insert=(self.s((x0, y0))[0] + (700 + 0 * i) * sc,
                                                   self.s((x0, y0))[1] + (20 + 15 * i) * sc))
            a.dxf.height = 3.5 * sc


def turned(sh: Sheet, deg: float) -> Sheet:
    """The sheet's drawing turned by ``deg`` about its centre (distances, areas, cells unchanged)."""
    if not deg:
        return sh
    c = shapely.union_all([p.geom for p in sh.polys]).centroid
    rot = lambda g: shapely.affinity.rotate(g, deg, origin=c)  # noqa: E731
    out = Sheet(sh.title, sh.number, scale=sh.scale, notes=list(sh.notes))
    out.polys = [Poly(p.role, rot(p.geom), p.facts) for p in sh.polys]
    out.lines = [(role, rot(ln)) for role, ln in sh.lines]
    out.points = [Pt(pt.role, rot(Point(pt.xy)).coords[0], pt.label, pt.room) for pt in sh.points]
    return out


def draw(case: Case, conv: Convention, out: Path) -> dict:
    w = Writer(conv)
    sheets = []
    x = 0.0
    frames = conv.frames or 0
    for i, sh in enumerate(turned(s, conv.rotate) for s in case.sheets):
        bounds = shapely.union_all([p.geom for p in sh.polys] + [ln for _, ln in sh.lines]).bounds
        scale = sh.scale
        fw, fh = 841 * scale / 1000.0, 594 * scale / 1000.0  # A1 at the sheet's scale, metres
        while fw < (bounds[2] - bounds[0]) * 1.5 or fh < (bounds[3] - bounds[1]) * 1.6:
            scale *= 2
            fw, fh = 841 * scale / 1000.0, 594 * scale / 1000.0
        fx0 = x
        off = (fx0 + fw * 0.15 - bounds[0], fh * 0.3 - bounds[1])
        for p in sh.polys:
            w.polygon(p.role, p.geom, off, p.facts, scale)
        for role, ln in sh.lines:
            w.line(role, ln, off)
        for pt in sh.points:
            w.point(pt.role, pt, off, scale)
        if conv.blocks and sh.notes:  # design notes as texts inside a block
            w.nblock += 1
            blk = w.doc.blocks.new(f"NOTES_{w.nblock}")
            for j, note in enumerate(sh.notes):
                for i, cell in enumerate(note if isinstance(note, tuple) else (note,)):
                    blk.add_text(cell, height=3.5 * scale / 1000.0 * w.k,
                                 dxfattribs={"insert": (i * 40 * scale / 1000.0 * w.k, -j * 6.0 * scale / 1000.0 * w.k)})
            w.msp.add_blockref(blk.name, w.s((fx0 + fw * 0.05, fh * 0.15)), dxfattribs={"layer": conv.layer("text")})
        else:
            for j, note in enumerate(sh.notes):
                y = fh * 0.15 - j * 6.0 * scale / 1000.0
                if isinstance(note, tuple):  # a notes table row: key cell | value cell, with its grid
                    w.table_row(note, (fx0 + fw * 0.05, y), scale)
                else:
                    w.text(note, (fx0 + fw * 0.05, y), scale=scale)
        fbox = (fx0, 0.0, fx0 + fw, fh)
        if frames or len(case.sheets) > 1:
            w.frame(sh, fbox)
        sheets.append({"number": sh.number, "title": sh.title,
                       "bbox": [round(v * w.k, 6) for v in fbox]})
        x += fw * 1.1
    path = out / f"{case.name}.dxf"
    if conv.binary:
        w.doc.saveas(path, fmt="bin")
    else:
        w.doc.saveas(path)
    verify(path, w, conv)
    return {"sheets": sheets}


def verify(path: Path, w: Writer, conv: Convention) -> None:
    """Read the file back with ezdxf alone and compare every recorded shape with the scene."""
    doc = ezdxf.readfile(path)
    k = UNITS[conv.units][1]
    assert doc.header["$INSUNITS"] == UNITS[conv.units][0]
    for kind, role, handle, geom in w.record:
        e = doc.entitydb[handle]
        assert e is not None and e.dxf.layer == conv.layer(role) or e.dxftype() == "INSERT", (handle, role)
        if kind == "poly" and e.dxftype() == "INSERT":
            pls = [v for v in e.virtual_entities() if v.dxftype() == "LWPOLYLINE"]
            assert len(pls) == 1
            pts = np.array([tuple(p)[:2] for p in pls[0].vertices_in_wcs()]) / k
        elif kind in ("poly", "line"):
            pts = np.array([p[:2] for p in e.get_points("xy")]) / k
        elif e.dxftype() == "INSERT":
            pts = np.array([tuple(e.dxf.insert)[:2]]) / k
        elif e.dxftype() == "CIRCLE":
            pts = np.array([tuple(e.dxf.center)[:2]]) / k
        elif e.dxftype() == "POINT":
            pts = np.array([tuple(e.dxf.location)[:2]]) / k
        else:  # small rectangle: its centre
            pts = np.array([p[:2] for p in e.get_points("xy")]).mean(axis=0, keepdims=True) / k
        if kind == "poly":
            back = Polygon(pts)
            assert abs(back.area - geom.area) <= 1e-6 * max(geom.area, 1.0), (path.name, role, back.area, geom.area)
            assert back.symmetric_difference(geom).area <= 1e-6 * max(geom.area, 1.0), (path.name, role)
        elif kind == "line":
            assert np.allclose(pts, np.array(geom.coords)[: len(pts)], atol=1e-6), (path.name, role)
        else:
            assert math.hypot(pts[0][0] - geom.x, pts[0][1] - geom.y) <= 1e-6, (path.name, role)


# ---------------------------------------------------------------- the corpus
def cases() -> list[tuple[Convention, Case]]:
    out = []
    for ci, conv in enumerate(CONVENTIONS):
        v = ci
        if conv.frames >= 2:  # several frames in one model space
            plan = [("mixed", "clean"), ("mixed", "FR-01"), ("mixed", "FR-07"), ("mixed", "LP-02"),
                    ("roofs", "clean"), ("roofs", "LP-02"), ("roofs", "LP-04"), ("mixed", "AD"),
                    ("mixed", "PL-02"), ("mixed", "FR-08"), ("mixed", "MT-02"), ("roofs", "clean2"),
                    ("mixed", "clean2"), ("defence", "AD-02"), ("mixed", "FR-12"), ("mixed", "FR-02"),
                    ("roofs", "LP-03"), ("mixed", "clean3"), ("roofs", "clean3")]
        else:
            plan = [("site", "clean"), ("site", "FR-01"), ("site", "PL-02"), ("site", "MT-02"),
                    ("floor", "clean"), ("floor", "FR-07"), ("floor", "FR-08"), ("defence", "clean"),
                    ("defence", "AD-01"), ("defence", "AD-02"), ("roof", "clean"), ("roof", "LP-02"),
                    ("roof", "LP-04"), ("site", "clean2"), ("site", "FR-02"), ("floor", "FR-12"), ("roof", "LP-03"),
                    ("floor", "clean2"), ("roof", "clean2")]
        for j, (what, kind) in enumerate(plan):
            variant = v + j
            kind = "clean" if kind.startswith("clean") else kind
            if kind == "FR-12" and conv.exits not in ("block", "tangent"):
                kind = "FR-08"  # no door widths drawn in this convention: another exit violation
            maker = {"site": site_case, "floor": floor_case, "defence": defence_case, "roof": roof_case,
                     "roofs": multi_roof_case, "mixed": mixed_case}[what]
            if what == "mixed" and kind == "AD":
                c = defence_case(conv, "AD-01", variant)
            else:
                c = maker(conv, kind, variant)
            if what == "site" and conv.name in ("jian_cn", "metres") and variant % 2:
                for p in c.sheets[0].polys:  # storeys only: the height follows from the storeys
                    if p.role == "building":
                        p.facts["_storeys_only"] = True
            if what == "site" and not conv.blocks and variant % 3 == 1:
                for p in c.sheets[0].polys:  # labels beside the footprints, not inside
                    if p.role == "building":
                        p.facts["_beside"] = True
            if what == "site" and conv.hatch:
                c.sheets[0].polys[2].facts["_courtyard"] = True
            c.name = f"{ci + 1:02d}-{c.name}"
            out.append((conv, c))
    return out


def main(out_dir: Path = HERE) -> list[dict]:
    ezdxf.options.write_fixed_meta_data_for_testing = True  # fixed dates and GUIDs: byte-identical reruns
    dxf_dir = out_dir / "dxf"
    dxf_dir.mkdir(parents=True, exist_ok=True)
    for old in dxf_dir.glob("*.dxf"):
        old.unlink()
    labels = []
    for conv, case in cases():
        info = draw(case, conv, dxf_dir)
        labels.append({
            "file": f"dxf/{case.name}.dxf", "convention": conv.name, "discipline": case.discipline,
            "units": conv.units, "binary": conv.binary, "families": case.families,
            "clean": case.violation is None, "violation": case.violation, "params": case.params,
            "sheets": info["sheets"],
            "measured": {k: {"measured": v[0], "required": v[1], "unit": v[2]} for k, v in case.measured.items()},
        })
    (out_dir / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return labels


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":  # ezdxf writes some objects in set order
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    got = main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    clean = sum(1 for g in got if g["clean"])
    print(f"{len(got)} drawings, {clean} clean, {len({g['convention'] for g in got})} conventions")
