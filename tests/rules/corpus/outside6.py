"""A sixth outside probe, written without reading the rule engine, its rulesets or the earlier
corpora's generators: drafting habits of Chinese design institutes that habits.py, outside.py,
outside3.py, outside4.py and outside5.py do not draw.

Floors (GB 50016 5.3.1, 5.5.8, 5.5.15, 5.5.18):
- basement titles underlined with the ``%%u`` control code or MTEXT's ``\\L``, letter-spaced
  (``地 下 一 层 平 面 图``), in MTEXT broken by font, colour and height codes
  (``{\\fSimHei|b1;\\C1;地下一层}{\\H0.7x;平面图}``) or over two lines, or in the ``\\M+5XXXX``
  multibyte escapes ODA's converter and old AutoCAD write for GBK text; a 半地下室 (half-sunk
  storey: 500 m² as a basement); a basement compartment of equipment rooms only (设备用房: 1000 m²);
  a ground floor and a basement stacked one above the other in one model space, each titled below;
- a compartment drawn as an ELLIPSE or a CIRCLE, as a polyline at a storey's elevation (z = 4.5 m),
  or only as a hatch whose edge path is lines and an arc (no polyline path);
- traps that must not raise anything: the 防火分区示意图 key plan (the same compartments at 1:500
  beside the 1:100 plan, hatched, no doors, on the plan's layer or its own), the compartment area
  table drawn with LINEs on the compartment layer, an old scheme left on a frozen, switched-off layer,
  a bound plan block XCLIPped to one zone (the clipped-away zone belongs to another sheet), the
  FM丙0618 doors of pipe shafts and the door samples of a 图例 (fire doors, but no exits);
- exits that are the doors of enclosed stairs inside the compartment, not on its edge;
- fire-door codes with the grade in pinyin (``FMJ1221``) or before the code (``甲FM1221``), 天正
  door-library blocks (``$DorLib2D$…`` one unit wide, scaled to the width) with their number as a
  TEXT on ``WINDOW_TEXT``;
- a compartment layer with a full-width bracketed suffix (``防火分区（一层）``);
- rooms (5.5.15) exported by 天正 as a filled hatch on SPACE with no outline, or with one
  double-leaf door (子母门 ``M1521``, one block holding two leaves);
- the building height only in the general notes, in 米 (``建筑高度：49.80米``), with no parameter;
  the sprinkler system named only in the compartment's label, with no parameter.
Sites (GB 50016 5.2.2, 7.1.8-1, 7.2.1-7.2.2; GB 50352 4.3.1; RULES.md PL-07):
- storeys in Chinese numerals (``地上十八层``), building labels as a 楼号 block's ATTRIBs, heights in
  MTEXT with font and colour codes, heights in 米;
- a fire lane drawn as an MLINE, or by its two edges as SPLINEs; a 登高场地 (7.2.1-7.2.2) on a
  layer named by its other name 消防扑救场地, or drawn only as a hatch; a site red line cut at a road
  corner by an arc; a basement outline (地下室轮廓线) or balconies (阳台) across the red line;
- site areas in 平米, in ``m^2``, as a key TEXT and a value TEXT side by side (no table lines), in an
  MTEXT whose cells are tab stops, or as 总用地 (with the land given up to roads) beside 净用地.
Roofs (GB 50057 4.3.1, 4.4.1, 4.3.3, 4.4.3, App. B): the pre-2010 word 避雷带 as the mesh layer's
name; class 3 written ``防雷类别：三类``; a mesh drawn cell by cell as closed rectangles;
down-conductors drawn as DONUTs (wide bulged polylines) or as SOLID-hatched dots; the edge conductor
on the parapet 0.15 m in from the roof edge, or 3 m in on the slab.
Civil defence (GB 50038 3.2, 3.3.1): entrances as 防护密闭门 blocks (``HFM1520``) on a door layer;
a 竖井式应急出口 and a 连通口 between two units drawn on the entrance layer (neither counts as an
entrance); a protection unit only as a gradient hatch.
Dimensions (RULES.md DR-04): an enlarged detail whose DIMLFAC is 0.5, a metre drawing whose
DIMLFAC is 1000, overrides with a bracketed word after the number.

Imports nothing from drawreview. Each label is decided here from RULES.md on the scene as placed:
areas, distances, widths and spacings are measured with shapely on the points written (curves
through ``ezdxf.path`` of the written entity). A drawing seeds at most one violation; a clean
drawing of a pair differs from its violating twin only in the measured quantity.
``generate(out_dir)`` writes ``*.dxf`` and ``labels.json`` and returns the labels.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
import ezdxf.path
import ezdxf.xclip
from ezdxf.enums import TextEntityAlignment
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import polygonize, unary_union

FLOOR = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}
ABOVE, HIGH, BELOW = 2500.0, 1500.0, 500.0  # GB 50016 5.3.1
UNIT_LIMIT = 2000.0  # GB 50038 3.2
MESH = {2: (10.0, 10.0, 12.0, 8.0), 3: (20.0, 20.0, 24.0, 16.0)}  # GB 50057 4.3.1 / 4.4.1
DOWN_SPACING = {2: 18.0, 3: 25.0}  # GB 50057 4.3.3 / 4.4.3
OUT = Path(".")
cases: list[dict] = []


class Sheet:
    """One drawing; ``k`` drawing units per metre; coordinates given to it are metres."""

    def __init__(self, k=1000.0, insunits=4, version="R2018"):
        self.k = k
        self.doc = ezdxf.new(version, setup=True)
        self.doc.header["$INSUNITS"] = insunits
        self.msp = self.doc.modelspace()

    def s(self, p):
        return (p[0] * self.k, p[1] * self.k)

    def layer(self, name, **attrs):
        if name not in self.doc.layers:
            self.doc.layers.add(name, **attrs)
        return name

    def poly(self, pts, layer, closed=True, **attrs):
        return self.msp.add_lwpolyline([self.s(p) for p in pts], close=closed,
                                       dxfattribs={"layer": self.layer(layer), **attrs})

    def rect(self, x, y, w, h, layer, **attrs):
        return self.poly([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], layer, **attrs)

    def line(self, a, b, layer):
        return self.msp.add_line(self.s(a), self.s(b), dxfattribs={"layer": self.layer(layer)})

    def text(self, s, p, h=0.5, layer="PUB_TEXT", align=None):
        t = self.msp.add_text(s, dxfattribs={"height": h * self.k, "layer": self.layer(layer)})
        t.set_placement(self.s(p), align=align)
        return t

    def mtext(self, s, p, h=0.5, layer="PUB_TEXT"):
        return self.msp.add_mtext(s, dxfattribs={"char_height": h * self.k, "layer": self.layer(layer),
                                                 "insert": self.s(p)})

    def door_block(self, name, w_m):
        """A door symbol: leaf line, swing arc, jamb line; hinge at the origin, opening along +x."""
        if name not in self.doc.blocks:
            w = w_m * self.k
            b = self.doc.blocks.new(name)
            b.add_line((0, 0), (w, 0))
            b.add_line((0, 0), (0, w))
            b.add_arc((0, 0), w, 0, 90)
        return name

    def door(self, name, w_m, p, rotation=0.0, layer="A-DOOR", **attrs):
        self.door_block(name, w_m)
        return self.msp.add_blockref(name, self.s(p), dxfattribs={"layer": self.layer(layer),
                                                                   "rotation": rotation, **attrs})


def record(sheet, name, habit, families, violation, params, any_severity=False):
    path = OUT / f"{name}.dxf"
    sheet.doc.saveas(path)
    lab = {"file": path.name, "habit": habit, "families": list(families), "violation": violation,
           "params": params}
    if any_severity:
        lab["any_severity"] = True
    cases.append(lab)


def outline(entity) -> Polygon:
    """The closed outline ezdxf draws for a written entity, in metres later scaled by the caller."""
    pts = [(v.x, v.y) for v in ezdxf.path.make_path(entity).flattening(1.0)]
    return Polygon(pts)


def on_edge(poly: Polygon, p, tol=0.05) -> bool:
    return poly.exterior.distance(Point(p)) <= tol


def fire_verdict(areas, limit, exits, widths=()) -> str | None:
    """GB 50016: 5.3.1 area first, then 5.5.8 two exits, then 5.5.18 widths ≥ 0.90 m."""
    if any(a > limit for a in areas):
        return "FR-07"
    if any(n < 2 for n in exits):
        return "FR-08"
    if any(w < 0.9 for w in widths):
        return "FR-12"
    return None


def two_doors(sh, x, y, w, h, code="FM甲1221", width=1.2, layer="A-DOOR"):
    """Two exit doors on the bottom and top edges of a w × h rectangle at (x, y); their points."""
    a, b = (x + 0.25 * w, y), (x + 0.75 * w, y + h)
    sh.door(code, width, a, 0, layer)
    sh.door(code, width, b, 180, layer)
    return [a, b]


# ---------------------------------------------------------------- floors: titles
def titled_basement(how, kind):
    """A basement compartment whose title is the habit: 600 m² breaks the 500 m² underground limit."""
    w, h = (24.0, 25.0) if kind == "viol" else (20.0, 22.0)
    sh = Sheet(version="R2000") if how == "title-mbcs-escapes" else Sheet()
    sh.rect(0, 0, w, h, "防火分区")
    doors = two_doors(sh, 0, 0, w, h)
    if how == "title-underline-code":
        sh.text("%%u地下一层平面图%%u  1:100", (0, -3), 0.7)
    elif how == "title-letter-spaced":
        sh.text("地 下 一 层 平 面 图", (0, -3), 0.7)
        sh.text("1:100", (14, -3), 0.5)
    elif how == "title-mtext-codes":
        sh.mtext("{\\fSimHei|b1|i0|c134|p49;\\C1;\\W0.8;地下一层}{\\H0.7x;平面图}  1:100", (0, -2), 0.7)
    elif how == "title-mtext-underline":
        sh.mtext("\\L地下一层平面图\\l  1:100", (0, -2), 0.7)
    elif how == "title-mtext-two-lines":
        sh.mtext("地下一层\\P平面图  1:100", (0, -2), 0.7)
    else:  # ODA's and old AutoCAD's multibyte escapes: \M+5 and the GBK code of each character
        sh.text("".join(f"\\M+5{c.encode('gbk').hex().upper()}" for c in "地下一层平面图") + "  1:100", (0, -3), 0.7)
    poly = box(0, 0, w, h)
    exits = [sum(on_edge(poly, d) for d in doors)]
    record(sh, f"o6-{how}-{kind}", how, ("FR-07", "FR-08"), fire_verdict([poly.area], BELOW, exits), dict(FLOOR))


def basement_kinds(how, kind):
    """GB 50016 5.3.1 on a half-sunk storey (半地下室: 500 m², as a basement) and on a basement
    compartment of equipment rooms only (设备用房: 1000 m²)."""
    sh = Sheet()
    if how == "title-semi-basement":
        w, h = (24.0, 25.0) if kind == "viol" else (20.0, 22.0)
        limit = BELOW
        sh.text("半地下室平面图  1:100", (0, -3), 0.7)
    else:
        w, h = (44.0, 25.0) if kind == "viol" else (32.0, 25.0)
        limit = 2 * BELOW  # equipment rooms only
        sh.text("地下一层平面图  1:100", (0, -3), 0.7)
        sh.text("防火分区一（设备用房）", (2, h / 2), 0.6)
        for i, room in enumerate(("水泵房", "变配电室", "消防控制室")):
            sh.text(room, (2 + i * w / 3, h / 2 - 4), 0.5)
    sh.rect(0, 0, w, h, "防火分区")
    doors = two_doors(sh, 0, 0, w, h)
    poly = box(0, 0, w, h)
    record(sh, f"o6-{how}-{kind}", how, ("FR-07", "FR-08"),
           fire_verdict([poly.area], limit, [sum(on_edge(poly, d) for d in doors)]), dict(FLOOR))


def stacked_plans(kind):
    """Two plans one above the other in one model space, each titled below: the ground floor on top
    (2400 m², 2500 m² limit), the basement under it (600 m² viol or 440 m² clean, 500 m² limit)."""
    w, h = (24.0, 25.0) if kind == "viol" else (20.0, 22.0)
    sh = Sheet()
    sh.rect(0, 50, 60, 40, "防火分区")
    ground = two_doors(sh, 0, 50, 60, 40)
    sh.text("一层平面图  1:100", (0, 46), 0.7)
    sh.rect(0, 0, w, h, "防火分区")
    basement = two_doors(sh, 0, 0, w, h)
    sh.text("地下一层平面图  1:100", (0, -4), 0.7)
    g, b = box(0, 50, 60, 90), box(0, 0, w, h)
    verdict = ("FR-07" if b.area > BELOW or g.area > ABOVE else
               fire_verdict([], ABOVE, [sum(on_edge(g, d) for d in ground), sum(on_edge(b, d) for d in basement)]))
    record(sh, f"o6-plans-stacked-{kind}", "plans-stacked", ("FR-07", "FR-08"), verdict, dict(FLOOR))


# ---------------------------------------------------------------- floors: outline forms
def ellipse_compartment(kind):
    a, b = (30.0, 28.0) if kind == "viol" else (30.0, 25.0)
    sh = Sheet()
    e = sh.msp.add_ellipse(sh.s((30, 30)), major_axis=(a * sh.k, 0), ratio=b / a,
                           dxfattribs={"layer": sh.layer("防火分区")})
    doors = [(30, 30 - b), (30, 30 + b)]
    sh.door("FM甲1221", 1.2, doors[0], 0)
    sh.door("FM甲1221", 1.2, doors[1], 180)
    sh.text("一层平面图  1:100", (10, -3), 0.7)
    poly = outline(e)
    poly = Polygon([(x / sh.k, y / sh.k) for x, y in poly.exterior.coords])
    exits = [sum(on_edge(poly, d, 0.1) for d in doors)]
    record(sh, f"o6-ellipse-compartment-{kind}", "ellipse-compartment", ("FR-07", "FR-08"),
           fire_verdict([poly.area], ABOVE, exits), dict(FLOOR))


def elevated_outline(kind):
    """天正 floors keep each storey at its level: the outline's elevation is 4.5 m."""
    w, h = (60.0, 45.0) if kind == "viol" else (60.0, 40.0)
    sh = Sheet()
    sh.rect(0, 0, w, h, "防火分区", elevation=4500.0)
    for p, rot in (((15, 0), 0), ((45, h), 180)):
        sh.door_block("FM甲1221", 1.2)
        sh.msp.add_blockref("FM甲1221", (p[0] * 1000, p[1] * 1000, 4500.0),
                            dxfattribs={"layer": sh.layer("A-DOOR"), "rotation": rot})
    sh.text("二层平面图  1:100", (0, -3), 0.7)
    record(sh, f"o6-elevated-outline-{kind}", "elevated-outline", ("FR-07", "FR-08"),
           fire_verdict([w * h], ABOVE, [2]), dict(FLOOR))


def circle_compartment(kind):
    """A round building's compartment drawn as a CIRCLE (not a symbol: 27–29 m radius)."""
    r = 29.0 if kind == "viol" else 27.0
    sh = Sheet()
    c = sh.msp.add_circle(sh.s((30, 30)), r * sh.k, dxfattribs={"layer": sh.layer("防火分区")})
    doors = [(30, 30 - r), (30, 30 + r)]
    sh.door("FM甲1221", 1.2, doors[0], 0)
    sh.door("FM甲1221", 1.2, doors[1], 180)
    sh.text("一层平面图  1:100", (10, -3), 0.7)
    poly = Polygon([(x / sh.k, y / sh.k) for x, y in outline(c).exterior.coords])
    exits = [sum(on_edge(poly, d, 0.1) for d in doors)]
    record(sh, f"o6-circle-compartment-{kind}", "circle-compartment", ("FR-07", "FR-08"),
           fire_verdict([poly.area], ABOVE, exits), dict(FLOOR))


def xclip_zone(kind):
    """A bound floor plan inserted as one block and XCLIPped to its east zone; the clipped-away west
    zone (another sheet's, 3000 m²) is not on this sheet. Only what the clip shows is checked."""
    wa = 65.0 if kind == "viol" else 50.0
    sh = Sheet()
    blk = sh.doc.blocks.new("三层平面图-底图")
    zones = [box(0, 0, wa, 40), box(wa + 20, 0, wa + 80, 50)]
    k = sh.k
    sh.door_block("FM甲1221", 1.2)
    exits = []
    for z in zones:
        x0, y0, x1, y1 = z.bounds
        blk.add_lwpolyline([(x0 * k, y0 * k), (x1 * k, y0 * k), (x1 * k, y1 * k), (x0 * k, y1 * k)], close=True,
                           dxfattribs={"layer": sh.layer("防火分区")})
        pts = [(x0 + 10, y0), (x1 - 10, y1)]
        blk.add_blockref("FM甲1221", (pts[0][0] * k, pts[0][1] * k), dxfattribs={"layer": sh.layer("A-DOOR")})
        blk.add_blockref("FM甲1221", (pts[1][0] * k, pts[1][1] * k), dxfattribs={"layer": "A-DOOR", "rotation": 180})
        exits.append(sum(on_edge(z, p) for p in pts))
    ins = sh.msp.add_blockref("三层平面图-底图", (0, 0), dxfattribs={"layer": sh.layer("0")})
    clip = (-2.0, -2.0, wa + 5.0, 45.0)
    xc = ezdxf.xclip.XClip(ins)
    xc.set_block_clipping_path([(clip[0] * k, clip[1] * k), (clip[2] * k, clip[3] * k)])
    sh.text("三层平面图（东区）  1:100", (0, -5), 0.7)
    shown = [i for i, z in enumerate(zones) if box(*clip).contains(z)]
    record(sh, f"o6-xclip-zone-{kind}", "xclip-zone", ("FR-07", "FR-08"),
           fire_verdict([zones[i].area for i in shown], ABOVE, [exits[i] for i in shown]), dict(FLOOR))


def hatch_edge_path(kind):
    """Only a hatch: its boundary an edge path of three lines and a half-circle arc (no polyline)."""
    w, r = (50.0 if kind == "viol" else 45.0), 20.0
    sh = Sheet()
    hatch = sh.msp.add_hatch(dxfattribs={"layer": sh.layer("防火分区")})
    hatch.set_pattern_fill("ANSI31", scale=500.0)
    path = hatch.paths.add_edge_path()
    k = sh.k
    path.add_line((0, 0), (w * k, 0))
    path.add_arc((w * k, r * k), r * k, -90, 90, ccw=True)
    path.add_line((w * k, 2 * r * k), (0, 2 * r * k))
    path.add_line((0, 2 * r * k), (0, 0))
    doors = two_doors(sh, 0, 0, w, 2 * r)
    sh.text("一层平面图  1:100", (0, -3), 0.7)
    poly = unary_union([box(0, 0, w, 2 * r), Point(w, r).buffer(r, 256)])
    exits = [sum(on_edge(poly, d) for d in doors)]
    record(sh, f"o6-hatch-edge-path-{kind}", "hatch-edge-path", ("FR-07", "FR-08"),
           fire_verdict([poly.area], ABOVE, exits), dict(FLOOR))


# ---------------------------------------------------------------- floors: traps
def key_plan(kind, key_layer="防火分区"):
    """防火分区示意图: the same compartments drawn again at 1:500 beside the 1:100 plan, hatched,
    with no doors; only the plan is the design. The key plan shares the plan's layer or has its own."""
    w2 = 70.0 if kind == "viol" else 50.0
    sh = Sheet()
    comps = [box(0, 0, 50, 40), box(50, 0, 50 + w2, 40)]
    for c in comps:
        x0, y0, x1, y1 = c.bounds
        sh.rect(x0, y0, x1 - x0, y1 - y0, "防火分区")
    exits = []
    for c in comps:
        x0, y0, x1, y1 = c.bounds
        pts = [(x0 + 10, y0), (x1 - 10, y1)]
        sh.door("FM甲1221", 1.2, pts[0], 0)
        sh.door("FM甲1221", 1.2, pts[1], 180)
        exits.append(sum(on_edge(c, p) for p in pts))
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    ox, f = 140.0, 0.2  # the key plan: 1:500 on a 1:100 sheet is a fifth of the size
    for i, c in enumerate(comps):
        x0, y0, x1, y1 = c.bounds
        pl = sh.rect(ox + x0 * f, y0 * f, (x1 - x0) * f, (y1 - y0) * f, key_layer)
        hatch = sh.msp.add_hatch(color=1 + i, dxfattribs={"layer": key_layer})
        hatch.paths.add_polyline_path([(x, y) for x, y, *_ in pl.get_points()], is_closed=True)
        sh.text(f"防火分区{'一二'[i]}", (ox + (x0 + 5) * f, 3 * f), 0.35)
    sh.text("防火分区示意图  1:500", (ox, -3), 0.5)
    how = "key-plan-thumbnail" if key_layer == "防火分区" else "key-plan-own-layer"
    record(sh, f"o6-{how}-{kind}", how, ("FR-07", "FR-08"),
           fire_verdict([c.area for c in comps], ABOVE, exits), dict(FLOOR))


def area_table(kind):
    """The compartment area table drawn with LINEs on the compartment layer beside the plan."""
    h = 45.0 if kind == "viol" else 40.0
    sh = Sheet()
    sh.rect(0, 0, 60, h, "防火分区")
    doors = two_doors(sh, 0, 0, 60, h)
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    x0, y0, cw, rh = 70.0, 0.0, 3.0, 0.8
    for i in range(4):
        sh.line((x0, y0 + i * rh), (x0 + 3 * cw, y0 + i * rh), "防火分区")
    for j in range(4):
        sh.line((x0 + j * cw, y0), (x0 + j * cw, y0 + 3 * rh), "防火分区")
    rows = [("防火分区", "面积(㎡)", "安全出口"), ("分区一", f"{60 * h:.0f}", "2")]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            sh.text(cell, (x0 + c * cw + 0.2, y0 + (2 - r) * rh + 0.2), 0.35)
    sh.text("防火分区面积表", (x0, y0 + 3 * rh + 0.4), 0.5)
    poly = box(0, 0, 60, h)
    record(sh, f"o6-area-table-lines-{kind}", "area-table-lines", ("FR-07", "FR-08"),
           fire_verdict([poly.area], ABOVE, [sum(on_edge(poly, d) for d in doors)]), dict(FLOOR))


def frozen_scheme(kind):
    """An old scheme's larger compartment kept on a frozen, switched-off layer: not on the plot."""
    h = 45.0 if kind == "viol" else 40.0
    sh = Sheet()
    sh.rect(0, 0, 60, h, "防火分区")
    doors = two_doors(sh, 0, 0, 60, h)
    old = sh.layer("防火分区-原方案")
    sh.doc.layers.get(old).freeze()
    sh.doc.layers.get(old).off()
    sh.rect(-5, -5, 75, 55, old)
    sh.text("一层平面图  1:100", (0, -8), 0.7)
    poly = box(0, 0, 60, h)
    record(sh, f"o6-frozen-old-scheme-{kind}", "frozen-old-scheme", ("FR-07", "FR-08"),
           fire_verdict([poly.area], ABOVE, [sum(on_edge(poly, d) for d in doors)]), dict(FLOOR))


# ---------------------------------------------------------------- floors: exits and doors
def stair_exits(kind):
    """Exits are the FM乙 doors of enclosed stairs standing inside the compartment (5.5.8 counts
    stairs); the viol floor has one stair and no other exit."""
    sh = Sheet()
    sh.rect(0, 0, 60, 40, "防火分区")
    stairs = [(2.0, 30.0)] if kind == "viol" else [(2.0, 30.0), (52.0, 2.0)]
    for x, y in stairs:
        sh.rect(x, y, 6.0, 3.0, "STAIR")
        for i in range(1, 12):
            sh.line((x + i * 0.5, y), (x + i * 0.5, y + 3.0), "STAIR")
        # the stair door, in the stair's long wall that faces the floor
        wall_y = y if y > 20 else y + 3.0
        sh.door("FM乙1021", 1.0, (x + 2.0, wall_y), 0 if y > 20 else 180, "DOOR_FIRE")
        sh.text("楼梯间", (x + 1.0, y + 1.0), 0.4)
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    record(sh, f"o6-stair-exits-inside-{kind}", "stair-exits-inside", ("FR-07", "FR-08"),
           fire_verdict([2400.0], ABOVE, [len(stairs)]), dict(FLOOR))


def door_codes(how, kind):
    width = 0.8 if kind == "viol" else 1.2
    size = f"{int(round(width * 10)):02d}21"
    code = {"door-code-pinyin-grade": f"FMJ{size}", "door-code-grade-first": f"甲FM{size}"}[how]
    sh = Sheet()
    sh.rect(0, 0, 60, 40, "防火分区")
    doors = two_doors(sh, 0, 0, 60, 40, code, width)
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    poly = box(0, 0, 60, 40)
    record(sh, f"o6-{how}-{kind}", how, ("FR-07", "FR-08", "FR-12"),
           fire_verdict([poly.area], ABOVE, [sum(on_edge(poly, d) for d in doors)], [width, width]), dict(FLOOR))


def non_exit_doors(how, kind):
    """Fire doors that are no exits, so 5.5.18's 0.90 m does not apply to them: the FM丙0618 doors of
    pipe shafts (管井) inside the floor, or a door sample in the 图例 beside the plan. The two exits
    are FM甲1221 (clean) or FM甲0821 (viol)."""
    width = 0.8 if kind == "viol" else 1.2
    code = f"FM甲{int(round(width * 10)):02d}21"
    sh = Sheet()
    sh.rect(0, 0, 60, 40, "防火分区")
    doors = two_doors(sh, 0, 0, 60, 40, code, width)
    if how == "shaft-doors-fm-bing":
        for x in (20.0, 40.0):
            sh.rect(x, 20.0, 1.5, 1.0, "WALL")
            sh.door("FM丙0618", 0.6, (x + 0.4, 20.0), 180, "A-DOOR")
            sh.text("管井", (x + 0.2, 20.3), 0.3)
    else:
        sh.rect(70.0, 20.0, 12.0, 8.0, "PUB_TEXT")
        sh.text("图例", (74.0, 28.5), 0.6)
        sh.door("FM乙0821", 0.8, (71.0, 25.0), 0, "A-DOOR")
        sh.text("乙级防火门", (73.0, 25.2), 0.4)
        sh.door("FM丙0618", 0.6, (71.0, 22.0), 0, "A-DOOR")
        sh.text("丙级防火门（管井检修门）", (73.0, 22.2), 0.4)
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    poly = box(0, 0, 60, 40)
    record(sh, f"o6-{how}-{kind}", how, ("FR-07", "FR-08", "FR-12"),
           fire_verdict([poly.area], ABOVE, [sum(on_edge(poly, d) for d in doors)], [width, width]), dict(FLOOR))


def single_door_room(how, kind):
    """GB 50016 5.5.15: a room with one door only when it is at most 120 m². The room is 15 × 10 m
    (viol) or 10 × 10 m (clean), inside a compliant compartment."""
    w = 15.0 if kind == "viol" else 10.0
    sh = Sheet()
    sh.rect(0, 0, 60, 40, "防火分区")
    two_doors(sh, 0, 0, 60, 40)
    room = box(5, 10, 5 + w, 20)
    if how == "room-space-hatch":  # 天正 rooms exported as a filled hatch on SPACE, no outline
        hatch = sh.msp.add_hatch(color=254, dxfattribs={"layer": sh.layer("SPACE")})
        hatch.paths.add_polyline_path([sh.s(p) for p in room.exterior.coords[:-1]], is_closed=True)
        sh.door("M1021", 1.0, (8.0, 20.0), 180, "DOOR_FIRE")
        doors = 1
    else:  # one double-leaf door (子母门 M1521): one door, two leaves in one block
        sh.rect(5, 10, w, 10, "SPACE")
        name = "M1521"
        b = sh.doc.blocks.new(name)
        k = sh.k
        b.add_line((0, 0), (1.5 * k, 0))
        b.add_arc((0, 0), 0.75 * k, 0, 90)
        b.add_arc((1.5 * k, 0), 0.75 * k, 90, 180)
        b.add_line((0, 0), (0, 0.75 * k))
        b.add_line((1.5 * k, 0), (1.5 * k, 0.75 * k))
        sh.msp.add_blockref(name, sh.s((6.0 + w / 2, 20.0)), dxfattribs={"layer": sh.layer("DOOR_FIRE"),
                                                                          "rotation": 180})
        doors = 1
    sh.text("会议室", (6.0, 14.0), 0.5)
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    record(sh, f"o6-{how}-{kind}", how, ("FR-07", "FR-08", "FR-13"),
           "FR-13" if room.area > 120.0 and doors < 2 else None, dict(FLOOR))


def tangent_doorlib(kind):
    """天正's door library: one block one unit wide, inserted scaled to the width on DOOR_FIRE;
    the door number is a TEXT on WINDOW_TEXT beside it."""
    width = 0.8 if kind == "viol" else 1.2
    code = f"FM甲{int(round(width * 10)):02d}21"
    sh = Sheet()
    sh.rect(0, 0, 60, 40, "防火分区")
    name = "$DorLib2D$00000012"
    b = sh.doc.blocks.new(name)
    b.add_line((0, 0), (1, 0))
    b.add_line((0, 0), (0, 1))
    b.add_arc((0, 0), 1, 0, 90)
    w = width * sh.k
    pts = [(15.0, 0.0), (45.0, 40.0)]
    for p, rot in zip(pts, (0, 180)):
        sh.msp.add_blockref(name, sh.s(p), dxfattribs={"layer": sh.layer("DOOR_FIRE"), "rotation": rot,
                                                       "xscale": w, "yscale": w, "zscale": 1})
        off = 0.6 if rot == 0 else -1.2
        sh.text(code, (p[0] - 1.5 * (1 if rot == 0 else -1), p[1] + off), 0.35, "WINDOW_TEXT")
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    record(sh, f"o6-tangent-doorlib-{kind}", "tangent-doorlib", ("FR-07", "FR-08", "FR-12"),
           fire_verdict([2400.0], ABOVE, [2], [width, width]), dict(FLOOR))


def layer_fullwidth_suffix(kind):
    h = 45.0 if kind == "viol" else 40.0
    sh = Sheet()
    sh.rect(0, 0, 60, h, "防火分区（一层）")
    doors = two_doors(sh, 0, 0, 60, h)
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    poly = box(0, 0, 60, h)
    record(sh, f"o6-layer-fullwidth-suffix-{kind}", "layer-fullwidth-suffix", ("FR-07", "FR-08"),
           fire_verdict([poly.area], ABOVE, [sum(on_edge(poly, d) for d in doors)]), dict(FLOOR))


def height_note(kind):
    """No height parameter: the general notes say 建筑高度：49.80米 (a high-rise office, 1500 m²)
    or 23.80米 (2500 m²); the compartment is 1800 m² either way."""
    height = 49.8 if kind == "viol" else 23.8
    sh = Sheet()
    sh.rect(0, 0, 45, 40, "防火分区")
    doors = two_doors(sh, 0, 0, 45, 40)
    sh.text("三层平面图  1:100", (0, -4), 0.7)
    sh.mtext(f"设计说明：\\P1. 本工程为办公楼，地上{'十二' if height > 24 else '六'}层。"
             f"\\P2. 建筑高度：{height:.2f}米。\\P3. 耐火等级：一级。", (55, 40), 0.4)
    poly = box(0, 0, 45, 40)
    limit = HIGH if height > 24 else ABOVE  # GB 50016 2.1.1: a public building over 24 m is high-rise
    record(sh, f"o6-height-note-mi-{kind}", "height-note-mi", ("FR-07", "FR-08"),
           fire_verdict([poly.area], limit, [sum(on_edge(poly, d) for d in doors)]),
           {"use": "office", "sprinklers": False})


def sprinkler_label(kind):
    """The sprinkler system named only in the compartment's own label (no parameter): 5.3.1 doubles
    the limit to 5000 m²; 4760 m² passes, 5250 m² does not."""
    w, h = (75.0, 70.0) if kind == "viol" else (70.0, 68.0)
    sh = Sheet()
    sh.rect(0, 0, w, h, "防火分区")
    doors = two_doors(sh, 0, 0, w, h)
    sh.text(f"防火分区一  面积{w * h:.0f}㎡（设自动喷水灭火系统）", (5, h / 2), 0.6)
    sh.text("一层平面图  1:100", (0, -4), 0.7)
    poly = box(0, 0, w, h)
    record(sh, f"o6-sprinkler-in-label-{kind}", "sprinkler-in-label", ("FR-07", "FR-08"),
           fire_verdict([poly.area], 2 * ABOVE, [sum(on_edge(poly, d) for d in doors)]),
           {"building_height_m": 18.0, "use": "office", "high_rise": False})


# ---------------------------------------------------------------- sites
def site_pair(how, kind):
    """Two residential towers side by side (GB 50016 5.2.2: high-rise to high-rise 13 m); the
    habit is how their height or storeys are written. The gap is 10 m (viol) or 14 m (clean)."""
    gap = 10.0 if kind == "viol" else 14.0
    sh = Sheet()
    sh.rect(0, 0, 200, 150, "A-REDL")
    a = (60.0, 50.0, 30.0, 15.0)
    b = (60.0, 50.0 + 15.0 + gap, 30.0, 15.0)
    for i, (x, y, w, h) in enumerate((a, b)):
        sh.rect(x, y, w, h, "A-MAST-ROOF")
        cx, cy = x + 3, y + 7
        no = f"{i + 1}#"
        if how == "storeys-chinese-numerals":
            sh.text(f"{no}住宅楼", (cx, cy + 2), 1.5)
            sh.text("地上十八层", (cx, cy - 1), 1.5)
            sh.text("耐火等级一级", (cx, cy - 4), 1.2)
        elif how == "building-label-attribs":
            blk = "楼号"
            if blk not in sh.doc.blocks:
                bd = sh.doc.blocks.new(blk)
                bd.add_circle((0, 0), 1500)
                for j, tag in enumerate(("楼号", "层数", "高度", "耐火等级")):
                    bd.add_attdef(tag, (2000, 1500 - j * 2000), dxfattribs={"height": 1200})
            ins = sh.msp.add_blockref(blk, sh.s((cx, cy)), dxfattribs={"layer": sh.layer("总图-楼号")})
            ins.add_auto_attribs({"楼号": no, "层数": "18F", "高度": "54.00m", "耐火等级": "一级"})
        elif how == "height-mtext-codes":
            sh.mtext(f"{no}住宅\\P{{\\fArial|b0|i0|c0|p34;H=}}{{\\C1;54.00}}m\\P{{\\H0.8x;18F 一级}}", (cx, cy + 4), 1.5)
        elif how == "height-unit-mi":
            sh.text(f"{no}住宅楼  一级", (cx, cy + 2), 1.5)
            sh.text("H=54.00米", (cx, cy - 2), 1.5)
    # both towers are high-rise: 54 m, or 18 residential storeys (≥ 2.8 m each, so over 27 m)
    measured = box(a[0], a[1], a[0] + a[2], a[1] + a[3]).distance(box(b[0], b[1], b[0] + b[2], b[1] + b[3]))
    record(sh, f"o6-{how}-{kind}", how, ("FR-01",), "FR-01" if measured < 13.0 else None, {})


def mline_lane(kind):
    """A fire lane drawn as one MLINE (STANDARD style, scale = width), 3.5 m or 4.0 m wide."""
    width = 3.5 if kind == "viol" else 4.0
    sh = Sheet()
    sh.rect(0, 0, 200, 150, "A-REDL")
    sh.rect(70, 60, 40, 18, "A-MAST-ROOF")
    sh.text("1# 5F H=18.00 一级 办公", (72, 68), 1.5)
    sh.msp.add_mline([sh.s((20, 40)), sh.s((180, 40)), sh.s((180, 110)), sh.s((20, 110)), sh.s((20, 40))],
                     dxfattribs={"layer": sh.layer("消防车道"), "scale_factor": width * sh.k,
                                 "style_name": "STANDARD", "justification": 1})
    record(sh, f"o6-lane-mline-{kind}", "lane-mline", ("FR-02",), "FR-02" if width < 4.0 else None, {})


def spline_lane(kind):
    """A curved fire lane drawn by its two edges as SPLINEs through fit points, 3.5 m or 4.3 m apart."""
    width = 3.5 if kind == "viol" else 4.3
    sh = Sheet()
    sh.rect(0, 0, 200, 150, "A-REDL")
    sh.rect(70, 70, 40, 18, "A-MAST-ROOF")
    sh.text("1# 5F H=18.00 一级 办公", (72, 78), 1.5)
    edges = ([], [])
    for i in range(17):
        x = 20 + i * 10.0
        y, dy = 40 + 10 * math.sin(x / 30), (10 / 30) * math.cos(x / 30)
        n = math.hypot(dy, 1)
        for side, e in zip((1, -1), edges):
            e.append((x - side * dy / n * width / 2, y + side / n * width / 2))
    curves = []
    for e in edges:
        sp = sh.msp.add_spline([(*sh.s(p), 0) for p in e], dxfattribs={"layer": sh.layer("消防车道")})
        curves.append(LineString([(v.x / sh.k, v.y / sh.k) for v in ezdxf.path.make_path(sp).flattening(1.0)]))
    measured = min(curves[1].distance(curves[0].interpolate(t / 100, normalized=True)) for t in range(10, 91))
    record(sh, f"o6-lane-spline-edges-{kind}", "lane-spline-edges", ("FR-02",),
           "FR-02" if measured < 4.0 else None, {})


def crossing_part(how, kind):
    """PL-02 (GB 50352 4.3.1): nothing crosses the site red line, basements and balconies included.
    The building stands inside; its basement outline (dashed) or its balconies reach 2 m / 0.5 m
    beyond the red line (viol) or stay inside (clean)."""
    sh = Sheet()
    sh.rect(0, 0, 200, 150, "A-REDL")
    site = box(0, 0, 200, 150)
    if how == "basement-outline-crosses":
        sh.rect(80, 60, 40, 18, "A-MAST-ROOF")
        sh.text("1# 5F H=18.00 一级 办公", (82, 68), 1.5)
        top = 152.0 if kind == "viol" else 147.0
        part = box(60, 40, 140, top)
        sh.rect(60, 40, 80, top - 40, "地下室轮廓线", linetype="DASHED")
        sh.text("地下室轮廓线", (62, top - 3), 1.0)
    else:
        y1 = 149.0 if kind == "viol" else 147.0
        sh.rect(80, y1 - 18, 40, 18, "A-MAST-ROOF")
        sh.text("1# 5F H=18.00 一级 住宅", (82, y1 - 10), 1.5)
        parts = [box(85 + i * 10, y1, 91 + i * 10, y1 + 1.5) for i in range(3)]
        for b in parts:
            x0, y0, x1, yy = b.bounds
            sh.rect(x0, y0, x1 - x0, yy - y0, "阳台")
        part = unary_union(parts)
    record(sh, f"o6-{how}-{kind}", how, ("PL-02",), None if site.contains(part) else "PL-02", {})


def hardstanding(how, kind):
    """GB 50016 7.2.1-7.2.2: the 登高场地 of a 30 × 15 m office (H = 30 m) runs along a long side or a
    quarter of the perimeter (22.5 m), is at least 15 × 10 m and 5-10 m from the wall. It is 30 × 10 m
    (clean) or 20 × 10 m (viol), 6 m from the south wall."""
    length = 20.0 if kind == "viol" else 30.0
    sh = Sheet()
    sh.rect(0, 0, 200, 150, "A-REDL")
    bld = box(60, 60, 90, 75)
    sh.rect(60, 60, 30, 15, "A-MAST-ROOF")
    sh.text("1# 10F H=30.00 一级 办公", (62, 67), 1.5)
    pad = box(60, 44, 60 + length, 54)
    if how == "pad-layer-fujiu":  # 消防扑救场地, the other name sets give the pad
        sh.rect(60, 44, length, 10, "消防扑救场地")
    else:  # only a hatch, no outline
        hatch = sh.msp.add_hatch(color=3, dxfattribs={"layer": sh.layer("登高场地")})
        hatch.set_pattern_fill("ANSI37", scale=1000.0)
        hatch.paths.add_polyline_path([sh.s(p) for p in pad.exterior.coords[:-1]], is_closed=True)
    sh.text("消防登高场地", (62, 48), 1.5)
    quarter = bld.exterior.length / 4
    along = min(pad.bounds[2], bld.bounds[2]) - max(pad.bounds[0], bld.bounds[0])  # its run along the south wall
    gap = pad.distance(bld)
    ok = (along >= min(30.0, quarter) - 1e-6) and 5.0 <= gap <= 10.0 and length >= 15.0
    record(sh, f"o6-{how}-{kind}", how, ("FR-06",), None if ok else "FR-06", {})


def red_line_arc_corner(kind):
    """The site's corner at a road junction cut by a 30 m arc (bulge); a building near the corner
    stands 1.5 m beyond the arc (viol) or 2 m inside it (clean), inside the uncut rectangle."""
    sh = Sheet()
    r = 30.0
    bulge = math.tan(math.radians(90) / 4)
    pts = [(0, 0, 0), (200, 0, 0), (200, 150 - r, bulge), (200 - r, 150, 0), (0, 150, 0)]
    site = sh.msp.add_lwpolyline([(x * sh.k, y * sh.k, 0, 0, bl) for x, y, bl in pts], format="xyseb",
                                 close=True, dxfattribs={"layer": sh.layer("A-REDL")})
    poly = outline(site)
    poly = Polygon([(x / sh.k, y / sh.k) for x, y in poly.exterior.coords])
    # the building's outer corner on the arc's bisector, at distance r ± d from the arc centre
    c = (200 - r, 150 - r)
    d = r + 1.5 if kind == "viol" else r - 2.0
    corner = (c[0] + d * math.cos(math.radians(45)), c[1] + d * math.sin(math.radians(45)))
    bld = box(corner[0] - 30, corner[1] - 15, corner[0], corner[1])
    x0, y0, x1, y1 = bld.bounds
    sh.rect(x0, y0, x1 - x0, y1 - y0, "A-MAST-ROOF")
    sh.text("1# 5F H=18.00 一级 办公", (x0 + 2, y0 + 7), 1.5)
    record(sh, f"o6-red-line-arc-corner-{kind}", "red-line-arc-corner", ("PL-02",),
           None if poly.buffer(1e-6).contains(bld) else "PL-02", {})


def site_area(how, kind):
    """PL-07: the declared site area against the drawn 200 × 150 m = 30 000 m² (viol declares
    31 500, 5 % off)."""
    sh = Sheet()
    site = box(0, 0, 200, 150)
    sh.rect(0, 0, 200, 150, "A-REDL")
    sh.rect(70, 60, 40, 18, "A-MAST-ROOF")
    sh.text("1# 5F H=18.00 一级 办公", (72, 68), 1.5)
    declared = 31500.0 if kind == "viol" else 30000.0
    if how == "site-area-pingmi":
        sh.text(f"总用地面积：{declared:.0f}平米", (210, 140), 2.0)
    elif how == "site-area-caret":
        sh.text(f"总用地面积：{declared:.2f} m^2", (210, 140), 2.0)
    elif how == "site-area-gross-and-net":
        # 总用地 takes in the road and green land the site gives up (代征); the red line bounds the
        # 净用地 (建设用地), which is what the drawn site is compared with
        net = 28000.0 if kind == "viol" else 30000.0
        sh.text("总用地面积：31500.00㎡", (210, 140), 2.0)
        sh.text("其中：代征道路用地面积：1500.00㎡", (210, 136), 2.0)
        sh.text(f"净用地面积：{net:.2f}㎡", (210, 132), 2.0)
        declared = net
    elif how == "site-area-mtext-tabs":
        sh.mtext(f"主要技术经济指标\\P总用地面积\\t{declared:.2f}\\t㎡\\P总建筑面积\\t3600.00\\t㎡", (210, 140), 2.0)
    else:  # key and value as two TEXTs on one row, no table lines
        sh.text("总用地面积", (210, 140), 2.0)
        sh.text(f"{declared:.2f}㎡", (250, 140), 2.0, align=TextEntityAlignment.RIGHT)
        sh.text("总建筑面积", (210, 136), 2.0)
        sh.text("3600.00㎡", (250, 136), 2.0, align=TextEntityAlignment.RIGHT)
    off = abs(declared - site.area) / site.area
    record(sh, f"o6-{how}-{kind}", how, ("PL-07",), "PL-07" if off > 0.005 else None, {}, any_severity=True)


# ---------------------------------------------------------------- roofs
ROOF_W, ROOF_H = 40.0, 20.0


def roof_families(mesh_lines, downs, cls):
    """LP-02 mesh cells, LP-04 down-conductor spacing along the perimeter (≥ 2)."""
    roof = box(0, 0, ROOF_W, ROOF_H)
    cells = list(polygonize(unary_union([LineString(l) for l in mesh_lines])))
    a, b, c, d = MESH[cls]
    for cell in cells:
        x0, y0, x1, y1 = cell.bounds
        lo, hi = sorted((x1 - x0, y1 - y0))
        if not ((hi <= a + 1e-6 and lo <= b + 1e-6) or (hi <= c + 1e-6 and lo <= d + 1e-6)):
            return "LP-02"
    edge_cover = unary_union([LineString(l) for l in mesh_lines]).buffer(0.5)
    if roof.exterior.difference(edge_cover).length > 0.05 * roof.exterior.length:
        return "LP-03"
    ring = roof.exterior
    ts = sorted(ring.project(Point(p)) for p in downs)
    gaps = [t2 - t1 for t1, t2 in zip(ts, ts[1:])] + [ring.length - ts[-1] + ts[0]]
    if len(ts) < 2 or max(gaps) > DOWN_SPACING[cls] + 1e-6:
        return "LP-04"
    return None


def perimeter_points(step):
    ring = box(0, 0, ROOF_W, ROOF_H).exterior
    n = math.ceil(ring.length / step)
    return [ring.interpolate(i * ring.length / n).coords[0] for i in range(n)]


def grid_lines(dx, dy):
    xs = [i * dx for i in range(int(ROOF_W / dx) + 1)]
    ys = [j * dy for j in range(int(ROOF_H / dy) + 1)]
    return ([((x, 0), (x, ROOF_H)) for x in xs] + [((0, y), (ROOF_W, y)) for y in ys]
            + [((ROOF_W, 0), (ROOF_W, ROOF_H)), ((0, ROOF_H), (ROOF_W, ROOF_H))])


def roof(how, kind):
    sh = Sheet()
    cls = 2
    mesh_layer, down_layer = "接闪带", "引下线"
    dx, dy, step = 10.0, 10.0, 15.0
    if how == "old-term-bileidai":
        mesh_layer = "避雷带"
        dx = 20.0 if kind == "viol" else 10.0
    elif how == "class3-written-sanlei":
        cls = 3
        dx, dy, step = (40.0 if kind == "viol" else 20.0), 20.0, 20.0
    elif how == "mesh-cell-rectangles":
        dx = 20.0 if kind == "viol" else 10.0
    elif how.startswith("downconductor"):
        step = 25.0 if kind == "viol" else 15.0
    sh.rect(0, 0, ROOF_W, ROOF_H, "屋面")
    lines = grid_lines(dx, dy)
    if how == "mesh-on-parapet":
        # the edge conductor runs on the parapet's top, 0.15 m in from the outer face (clean), or
        # 3 m in on the roof slab, off the eaves (viol, GB 50057 4.3.1 / App. B); the cross
        # conductors run to the roof edge either way, so no cell is over 10 × 10 m
        e = 3.0 if kind == "viol" else 0.15
        inner = [l for l in lines if 0 < l[0][0] == l[1][0] < ROOF_W or 0 < l[0][1] == l[1][1] < ROOF_H]
        ring = [(e, e), (ROOF_W - e, e), (ROOF_W - e, ROOF_H - e), (e, ROOF_H - e)]
        lines = inner + [(ring[i], ring[(i + 1) % 4]) for i in range(4)]
    if how == "mesh-cell-rectangles":
        for i in range(int(ROOF_W / dx)):
            for j in range(int(ROOF_H / dy)):
                sh.rect(i * dx, j * dy, dx, dy, mesh_layer)
    else:
        for a, b in lines:
            sh.line(a, b, mesh_layer)
    downs = perimeter_points(step)
    for p in downs:
        if how == "downconductor-donut":
            x, y = sh.s(p)
            r = 0.25 * sh.k
            sh.msp.add_lwpolyline([(x - r, y, 0.5 * sh.k, 0.5 * sh.k, 1), (x + r, y, 0.5 * sh.k, 0.5 * sh.k, 1)],
                                  format="xyseb", close=True, dxfattribs={"layer": sh.layer(down_layer)})
        elif how == "downconductor-solid-dot":
            hatch = sh.msp.add_hatch(color=7, dxfattribs={"layer": sh.layer(down_layer)})
            path = hatch.paths.add_edge_path()
            path.add_arc(sh.s(p), 0.3 * sh.k, 0, 360)
        else:
            sh.msp.add_circle(sh.s(p), 0.3 * sh.k, dxfattribs={"layer": sh.layer(down_layer)})
    if how == "mesh-on-parapet":
        sh.rect(0.3, 0.3, ROOF_W - 0.6, ROOF_H - 0.6, "女儿墙")  # the parapet's inner face; its outer is the roof edge
    note = "防雷类别：三类" if cls == 3 else "本工程按第二类防雷建筑物设计"
    sh.text(note, (0, -3), 0.5)
    sh.text("屋顶防雷平面图  1:100", (0, -5), 0.7)
    fams = ("LP-02", "LP-04") if how.startswith("downconductor") else ("LP-02", "LP-03", "LP-04")
    record(sh, f"o6-{how}-{kind}", how, fams, roof_families(lines, downs, cls), {})


# ---------------------------------------------------------------- civil defence
def ad_hfm_doors(kind):
    """Entrances drawn as 防护密闭门 blocks HFM1520 on the door layer 人防门, on the unit's outer
    edge (no other unit beside it): 2 (clean) or 1 (viol, GB 50038 3.3.1)."""
    sh = Sheet()
    sh.rect(0, 0, 50, 36, "人防-防护单元")
    pts = [(10.0, 0.0)] if kind == "viol" else [(10.0, 0.0), (40.0, 36.0)]
    for p in pts:
        sh.door("HFM1520", 1.5, p, 0 if p[1] == 0 else 180, "人防门")
    sh.text("地下一层人防平面图  1:100", (0, -4), 0.7)
    area = 50 * 36.0
    record(sh, f"o6-ad-hfm-doors-{kind}", "ad-hfm-doors", ("AD-01", "AD-02"),
           "AD-01" if area > UNIT_LIMIT else ("AD-02" if len(pts) < 2 else None), {})


def ad_shaft_exit(kind):
    """A 竖井式应急出口 (an emergency exit up a shaft) drawn like an entrance: a door block on the
    entrance layer at the unit's edge, the shaft beside it. GB 50038 3.3.1 does not count shafts, so
    one stair entrance and a shaft is one entrance (viol); two and a shaft is clean."""
    sh = Sheet()
    sh.rect(0, 0, 50, 36, "人防-防护单元")
    entrances = [(10.0, 0.0)] if kind == "viol" else [(10.0, 0.0), (40.0, 36.0)]
    for p in entrances:
        sh.door("HFM1520", 1.5, p, 0 if p[1] == 0 else 180, "人防出入口")
    sh.door("HFM1020", 1.0, (50.0, 20.0), 90, "人防出入口")
    sh.rect(50.0, 19.5, 2.0, 2.0, "人防出入口")
    sh.text("竖井式应急出口", (52.5, 20.0), 0.5)
    sh.text("地下一层人防平面图  1:100", (0, -4), 0.7)
    record(sh, f"o6-ad-shaft-exit-{kind}", "ad-shaft-exit", ("AD-01", "AD-02"),
           "AD-02" if len(entrances) < 2 else None, {})


def ad_inter_unit_door(kind):
    """Two protection units side by side with a 连通口 (an HFM door in their shared wall) drawn on
    the entrance layer. GB 50038 3.3.1 does not count openings between units: the west unit has one
    outside entrance (viol) or two (clean)."""
    sh = Sheet()
    units = [box(0, 0, 40, 40), box(40, 0, 80, 40)]
    for u in units:
        x0, y0, x1, y1 = u.bounds
        sh.rect(x0, y0, x1 - x0, y1 - y0, "人防-防护单元")
    outside = [(10.0, 0.0), (50.0, 0.0), (70.0, 40.0)] + ([] if kind == "viol" else [(30.0, 40.0)])
    for p in outside:
        sh.door("HFM1520", 1.5, p, 0 if p[1] == 0 else 180, "人防出入口")
    sh.door("HFM1520", 1.5, (40.0, 19.0), 90, "人防出入口")
    sh.text("连通口", (40.5, 21.0), 0.5)
    sh.text("地下一层人防平面图  1:100", (0, -4), 0.7)
    counts = [sum(on_edge(u, p) for p in outside) for u in units]
    record(sh, f"o6-ad-inter-unit-door-{kind}", "ad-inter-unit-door", ("AD-01", "AD-02"),
           "AD-02" if min(counts) < 2 else None, {})


def ad_gradient_hatch(kind):
    """A protection unit drawn only as a gradient hatch (no outline)."""
    w = 55.0 if kind == "viol" else 45.0
    sh = Sheet()
    hatch = sh.msp.add_hatch(dxfattribs={"layer": sh.layer("人防-防护单元")})
    hatch.set_gradient((255, 230, 150), (255, 255, 255), name="LINEAR")
    hatch.paths.add_polyline_path([sh.s(p) for p in ((0, 0), (w, 0), (w, 40), (0, 40))], is_closed=True)
    for p, rot in (((10.0, 0.0), 0), ((w - 10.0, 40.0), 180)):
        sh.door("HFM1520", 1.5, p, rot, "人防出入口")
    sh.text("地下一层人防平面图  1:100", (0, -4), 0.7)
    area = w * 40.0
    record(sh, f"o6-ad-gradient-hatch-{kind}", "ad-gradient-hatch", ("AD-01", "AD-02"),
           "AD-01" if area > UNIT_LIMIT else None, {})


# ---------------------------------------------------------------- dimensions (DR-04, a warning)
def dims(how, kind):
    """A 6-unit wall dimensioned; the override either tells the value ``<>`` would show (the
    measurement × DIMLFAC) or departs from it by 10 %."""
    if how == "dim-metre-dimlfac":
        sh, lfac = Sheet(k=1.0, insunits=6), 1000.0  # drawn in metres, dimensioned in mm
    elif how == "dim-detail-dimlfac":
        sh, lfac = Sheet(), 0.5  # a 1:50 detail drawn twice size on a 1:100 sheet
    else:
        sh, lfac = Sheet(), 1.0
    wall = 6.0
    sh.rect(0, 0, wall, 0.2, "A-WALL")
    sh.rect(0, 4.0, wall, 0.2, "A-WALL")
    displayed = wall * sh.k * lfac
    written = displayed if kind == "clean" else displayed * 0.9
    text = f"{written:.0f}(净宽)" if how == "dim-bracketed-word" else f"{written:.0f}"
    d = sh.msp.add_linear_dim(base=sh.s((0, -1.5)), p1=sh.s((0, 0)), p2=sh.s((wall, 0)), text=text,
                              override={"dimlfac": lfac}, dxfattribs={"layer": sh.layer("PUB_DIM")})
    d.render()
    d = sh.msp.add_linear_dim(base=sh.s((-1.5, 0)), p1=sh.s((0, 0)), p2=sh.s((0, 4.2)), angle=90,
                              override={"dimlfac": lfac}, dxfattribs={"layer": sh.layer("PUB_DIM")})
    d.render()
    if how == "dim-detail-dimlfac":
        sh.text("楼梯大样  1:50", (0, -4), 0.7)
    record(sh, f"o6-{how}-{kind}", how, ("DR-04",), None if abs(written - displayed) < 0.5 else "DR-04", {},
           any_severity=True)


def generate(out_dir: Path) -> list[dict]:
    global OUT
    OUT = Path(out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    cases.clear()
    for kind in ("clean", "viol"):
        for how in ("title-underline-code", "title-letter-spaced", "title-mtext-codes", "title-mtext-underline",
                    "title-mtext-two-lines", "title-mbcs-escapes"):
            titled_basement(how, kind)
        for how in ("title-semi-basement", "basement-plant-rooms"):
            basement_kinds(how, kind)
        stacked_plans(kind)
        ellipse_compartment(kind)
        circle_compartment(kind)
        xclip_zone(kind)
        elevated_outline(kind)
        hatch_edge_path(kind)
        key_plan(kind)
        key_plan(kind, "防火分区示意")
        area_table(kind)
        frozen_scheme(kind)
        stair_exits(kind)
        for how in ("door-code-pinyin-grade", "door-code-grade-first"):
            door_codes(how, kind)
        tangent_doorlib(kind)
        for how in ("shaft-doors-fm-bing", "legend-door-sample"):
            non_exit_doors(how, kind)
        for how in ("room-space-hatch", "room-double-leaf-door"):
            single_door_room(how, kind)
        layer_fullwidth_suffix(kind)
        height_note(kind)
        sprinkler_label(kind)
        for how in ("storeys-chinese-numerals", "building-label-attribs", "height-mtext-codes", "height-unit-mi"):
            site_pair(how, kind)
        mline_lane(kind)
        for how in ("pad-layer-fujiu", "pad-hatch-only"):
            hardstanding(how, kind)
        spline_lane(kind)
        for how in ("basement-outline-crosses", "balcony-layer-crosses"):
            crossing_part(how, kind)
        red_line_arc_corner(kind)
        for how in ("site-area-pingmi", "site-area-caret", "site-area-key-value-texts", "site-area-mtext-tabs",
                    "site-area-gross-and-net"):
            site_area(how, kind)
        for how in ("old-term-bileidai", "class3-written-sanlei", "mesh-cell-rectangles",
                    "downconductor-donut", "downconductor-solid-dot", "mesh-on-parapet"):
            roof(how, kind)
        ad_hfm_doors(kind)
        ad_shaft_exit(kind)
        ad_inter_unit_door(kind)
        ad_gradient_hatch(kind)
        for how in ("dim-detail-dimlfac", "dim-metre-dimlfac", "dim-bracketed-word"):
            dims(how, kind)
    (OUT / "labels.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return list(cases)


if __name__ == "__main__":
    import sys

    for lab in generate(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(lab["file"], lab["violation"])
