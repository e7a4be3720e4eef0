"""An eighth outside probe, written without reading the rule engine, its rulesets or the earlier corpora's
generators (only outside7's docstring, to pick other habits): drafting habits that habits.py and outside.py
to outside7.py do not draw.

Floors (GB 50016 5.3.1, 5.5.8, 5.5.15, 5.5.18; RULES.md FR-07, FR-08, FR-12, FR-13): a compartment LWPOLYLINE
closed twice (closed flag and a repeated first vertex); four LINEs on the compartment layer meeting end to
end, drawn in mixed directions; three LINEs and an ARC (a semicircular end the LINEs alone would cut off);
a plan turned 30° inside an upright frame; a drawing in centimetres (``$INSUNITS`` 5); an old-style closed
2D POLYLINE with a semicircular (bulged) end whose chord alone would stay under the limit; a compartment
line as a wide dashed polyline (天正 / 院 template habit); the compartment on a GB/T 18112 Chinese layer
(``建筑-防火分区-线``); the model in millimetres with no frame in model space, the frame and title in a paper
layout over a 1:100 viewport; sprinklers stated in a formatted MTEXT (``{\\fSimSun|b0|i0;…}\\P…``) or as
``自动喷淋系统``; basement titles ``负一层平面图`` and ``BASEMENT PLAN``; the height only as
``建筑高度：49.80米`` in an MTEXT or in full-width digits (``４９．８０米``); a ground floor with an outdoor level
``-0.450`` (trap: not a basement); two stair exits on a floor turned 30° or drawn in centimetres; a
single-door 会议室 labelled ``S=150.00㎡``, upright or turned.
Door codes: ``FM乙1021a`` (a variant letter), ``乙级防火门1000`` (width in mm in a Chinese name),
``FM乙-1000X2100`` (width × height in mm), a door mirrored by a negative X scale, a dynamic door as an
anonymous ``*U`` block with its code only in an ATTRIB, a 0.6 m window ``C0621`` by the stair (trap).
Sites (GB 50016 5.2.2, 7.1.8-1; GB 31221; RULES.md PL-02 … PL-05, PL-07, FR-01, FR-02, MT-02): survey
coordinates in metres (``$INSUNITS`` 6, E 512 345 / N 3 456 789); a site turned 30°; a 用地红线 drawn as
LINEs and an ARC (rounded corner at a junction); storeys as ``24/-2`` (above / below ground, trap: the
basement storeys are not GFA), as ``地上24层 地下2层``, as ``24 STOREYS``, as ``24F/B2``; one green HATCH with
four outer loops; green on ``总图-绿地``; the declared site area as ``SITE AREA: 12,000 m2``, ``用地面积=12000平方米``,
in full-width digits, or key and value in separate cells of a LINE-grid 面积表; a basement outline
(``地下室轮廓线``) crossing the red line; heights as ``H=54.00m``; a footprint whose bulged side faces its
neighbour (the chord alone would keep the distance);
a fire lane as two edge LINEs, as a curved band of bulged polylines, turned 30°, at survey coordinates.
Civil defence (GB 50038 3.2, RULES.md AD-01): protection units labelled in formatted MTEXT, turned 30°, as
old-style POLYLINEs in centimetres. Roofs (GB 50057 4.3.1, 4.3.3; RULES.md LP-02, LP-04): the class as
``防雷类别：二类``, as ``第Ⅱ类防雷建筑物``, inside a long design-notes MTEXT, in English; a mesh drawn as one
serpentine polyline, on a ``避雷网`` layer, turned 30°; down-conductors as small closed squares, as
attributed blocks, turned 30°. Drawing quality (RULES.md DR-02, DR-03, DR-04): a 1:50 sheet, an MTEXT
with an inline ``\\H`` height, a narrow (width factor 0.7), an oblique (15°) and a vertical note (traps: none
of them changes the height), a centimetre drawing, an ATTRIB; ``$INSUNITS`` missing from the header;
dimension overrides with an ``\\A1;`` code and in a metre drawing (``6.00``).

Imports nothing from drawreview. Each label is decided here from RULES.md on the scene as placed: areas,
distances, widths and spacings measured with shapely on the points written (in plan metres, before the
habit's turn, offset and unit, which keep lengths and areas). A drawing seeds at most one violation; a
clean drawing of a pair differs from its violating twin only in the measured quantity. Each label carries
``measured`` = {value, limit, sense, unit} for the self-consistency test. ``generate(out_dir)`` writes
``*.dxf`` and ``labels.json`` and returns the labels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
from ezdxf.enums import TextEntityAlignment
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import polygonize, unary_union

UNIT = {"mm": (1000.0, 4), "cm": (100.0, 5), "m": (1.0, 6)}
PAPER = {"A0": (1189.0, 841.0), "A1": (841.0, 594.0)}
FONT = "HZ"
FIELDS = ("图号", "图名", "专业", "比例")
SURVEY = (512345.0, 3456789.0)  # easting, northing in metres


# --- geometry in plan metres ---------------------------------------------------------------------------
def box(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def arc_pts(c, r, a0, a1, n=48):
    return [(c[0] + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
             c[1] + r * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


def bulge_ring(pts, bulges):
    """The points of a closed polyline with bulges {i: b} on segment i → i+1, arcs flattened."""
    out = []
    for i, p in enumerate(pts):
        q = pts[(i + 1) % len(pts)]
        b = bulges.get(i, 0.0)
        out.append(p)
        if b:
            theta = 4 * math.atan(b)
            chord = math.dist(p, q)
            r = chord / (2 * math.sin(theta / 2))
            mx, my = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
            d = r * math.cos(theta / 2)  # centre lies left of p→q for a positive bulge
            ux, uy = (q[0] - p[0]) / chord, (q[1] - p[1]) / chord
            cx, cy = mx - uy * d, my + ux * d
            a0 = math.degrees(math.atan2(p[1] - cy, p[0] - cx))
            a1 = a0 + math.degrees(theta)
            out.extend(arc_pts((cx, cy), abs(r), a0, a1)[1:-1])
    return out


def lane_width(poly: Polygon) -> float:
    """Twice the largest inscribed radius found by shrinking: the narrowest clear width of a band."""
    lo, hi = 0.0, 50.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if poly.buffer(-mid / 2 - 1e-9).is_empty:
            hi = mid
        else:
            lo = mid
    return round(lo, 3)


def mesh_cells(lines, roof):
    cells = list(polygonize(unary_union([LineString(ln) for ln in lines] + [roof.exterior])))
    return [c for c in cells if c.area > 1e-6]


def cell_fits(cell: Polygon, pairs) -> bool:
    x0, y0, x1, y1 = cell.bounds
    a, b = sorted((x1 - x0, y1 - y0))
    return any(a <= min(p) + 1e-9 and b <= max(p) + 1e-9 for p in pairs)


def along(pts, s):
    ring = LineString(list(pts) + [pts[0]])
    p = ring.interpolate(s % ring.length)
    return (p.x, p.y)


# --- the drawing ----------------------------------------------------------------------------------------
class Plan:
    """A drawing whose callers place things in plan metres; ``rot`` turns the plan about (0, 0),
    ``origin`` shifts it (metres), ``unit`` scales to drawing units."""

    def __init__(self, unit="mm", scale=100.0, rot=0.0, origin=(0.0, 0.0), insunits=True):
        self.f, code = UNIT[unit]
        self.scale, self.rot, self.origin = scale, rot, origin
        self.doc = ezdxf.new("R2013", setup=True)
        if insunits:
            self.doc.header["$INSUNITS"] = code
        elif "$INSUNITS" in self.doc.header:
            del self.doc.header["$INSUNITS"]
        self.doc.header["$MEASUREMENT"] = 1
        self.doc.styles.new(FONT, dxfattribs={"font": "simsun.ttc"})
        self.msp = self.doc.modelspace()
        self.seen: list[tuple[float, float]] = []

    def P(self, x, y):
        self.seen.append((x, y))
        c, s = math.cos(math.radians(self.rot)), math.sin(math.radians(self.rot))
        X, Y = x * c - y * s + self.origin[0], x * s + y * c + self.origin[1]
        return (X * self.f, Y * self.f)

    def L(self, name, color=7):
        if name not in self.doc.layers:
            self.doc.layers.add(name, color=color)
        return name

    def poly(self, layer, pts, closed=True, bulges=None, dup_close=False, **attrs):
        data = [(*self.P(x, y), (bulges or {}).get(i, 0.0)) for i, (x, y) in enumerate(pts)]
        if dup_close:
            data.append((*self.P(*pts[0]), 0.0))
        return self.msp.add_lwpolyline(data, format="xyb", close=closed, dxfattribs={"layer": self.L(layer), **attrs})

    def poly2d(self, layer, pts, bulges=None):
        data = [(*self.P(x, y), 0, 0, (bulges or {}).get(i, 0.0)) for i, (x, y) in enumerate(pts)]
        return self.msp.add_polyline2d(data, format="xyseb", close=True, dxfattribs={"layer": self.L(layer)})

    def line(self, layer, a, b):
        return self.msp.add_line(self.P(*a), self.P(*b), dxfattribs={"layer": self.L(layer)})

    def arc(self, layer, c, r, a0, a1):
        return self.msp.add_arc(self.P(*c), r * self.f, a0 + self.rot, a1 + self.rot,
                                dxfattribs={"layer": self.L(layer)})

    def circle(self, layer, c, r):
        return self.msp.add_circle(self.P(*c), r * self.f, dxfattribs={"layer": self.L(layer)})

    def text(self, layer, s, x, y, mm=3.5, **attrs):
        t = self.msp.add_text(s, height=mm * self.scale * self.f / 1000.0,
                              dxfattribs={"layer": self.L(layer), "style": FONT, "rotation": self.rot, **attrs})
        t.set_placement(self.P(x, y), align=TextEntityAlignment.MIDDLE_CENTER)
        return t

    def mtext(self, layer, s, x, y, mm=3.5, width_m=None):
        attrs = {"layer": self.L(layer), "style": FONT, "char_height": mm * self.scale * self.f / 1000.0,
                 "insert": self.P(x, y), "attachment_point": 5, "rotation": self.rot}
        if width_m:
            attrs["width"] = width_m * self.f
        return self.msp.add_mtext(s, dxfattribs=attrs)

    def hatch(self, layer, loops, pattern="GRASS"):
        h = self.msp.add_hatch(color=3, dxfattribs={"layer": self.L(layer, 3)})
        h.set_pattern_fill(pattern, scale=self.scale * self.f / 10000.0)
        for lp in loops:
            h.paths.add_polyline_path([self.P(*p) for p in lp], is_closed=True, flags=1)
        return h

    def block(self, name, build):
        if name not in self.doc.blocks:
            build(self.doc.blocks.new(name))
        return name

    def insert(self, layer, name, x, y, rot=0.0, sx=1.0, sy=1.0):
        return self.msp.add_blockref(name, self.P(x, y), dxfattribs={
            "layer": self.L(layer), "rotation": rot + self.rot, "xscale": sx, "yscale": sy})

    def door(self, name, x, y, width_mm, rot=0.0, layer="DOOR_FIRE", sx=1.0):
        k = self.f / 1000.0

        def build(b):
            w = width_mm * k
            b.add_line((0, 0), (w, 0))
            b.add_arc((0, 0), w, 0, 90)
            b.add_line((0, 0), (0, w))
        return self.insert(layer, self.block(name, build), x, y, rot, sx, sx if sx > 0 else 1.0)

    def _frame_block(self, doc, name, paper):
        w, h = paper
        b = doc.blocks.new(name)
        b.add_lwpolyline([(0, 0), (w, 0), (w, h), (0, h)], close=True)
        b.add_lwpolyline([(25, 10), (w - 10, 10), (w - 10, h - 10), (25, h - 10)], close=True)
        tx0, ty0, tx1, ty1 = w - 190, 10, w - 10, 50
        b.add_lwpolyline([(tx0, ty0), (tx1, ty0), (tx1, ty1), (tx0, ty1)], close=True)
        for i, tag in enumerate(FIELDS):
            row = ty1 - 10 * (i + 1)
            b.add_line((tx0, row), (tx1, row))
            b.add_text(tag, height=3.5, dxfattribs={"style": FONT, "insert": (tx0 + 3, row + 3)})
            b.add_attdef(tag, (tx0 + 40, row + 3), dxfattribs={"height": 3.5, "style": FONT})

    def frame(self, number, title, discipline, paper="A0"):
        """An upright frame block around everything placed so far, title block lower right."""
        w, h = PAPER[paper]
        name = "TK_" + paper
        if name not in self.doc.blocks:
            self._frame_block(self.doc, name, (w, h))
        c, s = math.cos(math.radians(self.rot)), math.sin(math.radians(self.rot))
        xs = [x * c - y * s for x, y in self.seen]
        ys = [x * s + y * c for x, y in self.seen]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        fw, fh = w * self.scale / 1000.0, h * self.scale / 1000.0
        shift = max(0.0, min(fh * 0.03, (fh - (max(ys) - min(ys))) / 2 - 0.2))  # room for the title block
        x0, y0 = cx - fw / 2 + self.origin[0], cy - fh / 2 + self.origin[1] - shift
        k = self.scale * self.f / 1000.0
        ref = self.msp.add_blockref(name, (x0 * self.f, y0 * self.f), dxfattribs={
            "layer": self.L("TK"), "xscale": k, "yscale": k})
        vals = {"图号": number, "图名": title, "专业": discipline, "比例": f"1:{self.scale:g}"}
        ref.add_auto_attribs(vals)
        return ref

    def save(self, path):
        self.doc.saveas(path, encoding="utf-8")


# --- floors (FR-07, FR-12) ------------------------------------------------------------------------------
FLOOR_PARAMS = {"project_type": "building", "use": "office", "building_height_m": 18.0, "sprinklers": False}


def stairs(p: Plan, w, h, door=("FM甲1221", 1200), second=None):
    """Two stairs inside the compartment's west and east ends, an exit door at each front."""
    for i, (x, y) in enumerate(((3.0, h - 9.0), (w - 9.0, h - 9.0))):
        p.poly("STAIR", box(x, y, x + 6, y + 6))
        p.text("PUB_TEXT", "楼梯", x + 3, y + 3)
        name, mm = second if (i == 1 and second) else door
        p.door(name, x + 3 - mm / 2000.0, y, mm)


def floor_walls(p: Plan, w, h):
    for a, b in ((0, 0), (w, 0)), ((w, 0), (w, h)), ((w, h), (0, h)), ((0, h), (0, 0)):
        p.line("WALL", a, b)
    for i in range(int(w // 8) + 1):
        p.line("AXIS", (i * 8, -3), (i * 8, h + 3))


def floor_sheet(p: Plan, w, h, title="一层平面图", compartment=None, label_area=None, stair_door=None,
                rating="二级"):
    """A one-compartment floor; ``rating`` is written as 耐火等级 (None: the habit writes its own)."""
    floor_walls(p, w, h)
    if rating:
        p.text("PUB_TEXT", f"耐火等级：{rating}", w / 2, -11, 3.5)
    if compartment is None:
        p.poly("防火分区", box(0, 0, w, h))
    else:
        compartment()
    area = label_area if label_area is not None else w * h
    p.text("PUB_TEXT", "防火分区一", w / 2, h / 2 + 1.2, 5)
    p.text("PUB_TEXT", f"建筑面积：{area:.0f}㎡", w / 2, h / 2 - 1.2, 3.5)
    stairs(p, w, h, second=stair_door)
    p.text("PUB_TEXT", f"{title} 1:100", w / 2, -8, 7)


def std_floor(v, **kw):
    w, h = (80.0, 40.0) if v else (60.0, 35.0)
    return w, h


def fr07(limit, value):
    return {"value": round(value, 1), "limit": limit, "sense": "max", "unit": "m²"}


def h_fr07_dup_closing_vertex(v):
    w, h = std_floor(v)
    p = Plan()
    floor_sheet(p, w, h, compartment=lambda: p.poly("防火分区", box(0, 0, w, h), dup_close=True))
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_lines_meeting(v):
    w, h = std_floor(v)
    p = Plan()

    def comp():  # four LINEs: two drawn clockwise, two counter-clockwise
        p.line("防火分区", (0, 0), (w, 0))
        p.line("防火分区", (w, h), (w, 0))
        p.line("防火分区", (w, h), (0, h))
        p.line("防火分区", (0, 0), (0, h))
    floor_sheet(p, w, h, compartment=comp)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_turned_30(v):
    w, h = std_floor(v)
    p = Plan(rot=30.0)
    floor_sheet(p, w, h)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_centimetres(v):
    w, h = std_floor(v)
    p = Plan(unit="cm")
    floor_sheet(p, w, h)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_polyline2d_bulged_end(v):
    # a 36 m deep floor with a semicircular east end (radius 18 m); the chord alone: 1800 / 2160 m²
    w = 70.0 if v else 50.0
    pts = [(0, 0), (w, 0), (w, 36), (0, 36)]
    area = Polygon(bulge_ring(pts, {1: 1.0})).area
    p = Plan()
    floor_sheet(p, w, 36, compartment=lambda: p.poly2d("防火分区", pts, {1: 1.0}), label_area=area)
    p.arc("WALL", (w, 18), 18, -90, 90)  # the curved east wall
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, area)


def h_fr07_wide_dashed_line(v):
    w, h = std_floor(v)
    p = Plan()
    floor_sheet(p, w, h, compartment=lambda: p.poly("防火分区", box(0, 0, w, h), const_width=100.0,
                                                      linetype="DASHED"))
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_gbt_chinese_layer(v):
    w, h = std_floor(v)
    p = Plan()
    floor_sheet(p, w, h, compartment=lambda: p.poly("建筑-防火分区-线", box(0, 0, w, h)))
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_paper_viewport(v):
    w, h = std_floor(v)
    p = Plan()
    floor_walls(p, w, h)
    p.poly("防火分区", box(0, 0, w, h))
    p.text("PUB_TEXT", "防火分区一", w / 2, h / 2 + 1.2, 5)
    p.text("PUB_TEXT", f"建筑面积：{w * h:.0f}㎡", w / 2, h / 2 - 1.2, 3.5)
    stairs(p, w, h)
    lay = p.doc.layouts.new("A0-一层")
    pw, ph = PAPER["A0"]
    lay.add_viewport(center=(pw / 2, ph / 2 + 30), size=(pw - 80, ph - 140),
                     view_center_point=(w / 2 * 1000, h / 2 * 1000), view_height=(ph - 140) * 100)
    if "TK_A0" not in p.doc.blocks:
        p._frame_block(p.doc, "TK_A0", (pw, ph))
    ref = lay.add_blockref("TK_A0", (0, 0), dxfattribs={"layer": p.L("TK")})
    ref.add_auto_attribs({"图号": "建施-03", "图名": "一层平面图", "专业": "建筑", "比例": "1:100"})
    t = lay.add_text("一层平面图 1:100", height=7, dxfattribs={"layer": p.L("PUB_TEXT"), "style": FONT})
    t.set_placement((pw / 2, 70), align=TextEntityAlignment.MIDDLE_CENTER)
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_lines_and_arc(v):
    # LINEs and an ARC on the compartment layer: a floor with a semicircular west end (radius 15 m); the
    # straight pieces alone close over 30 × w, under the limit in both twins
    w = 80.0 if v else 60.0
    p = Plan()

    def comp():
        p.line("防火分区", (0, 0), (w, 0))
        p.line("防火分区", (w, 0), (w, 30))
        p.line("防火分区", (w, 30), (0, 30))
        p.arc("防火分区", (0, 15), 15, 90, 270)
    pts = [(0, 0), (w, 0), (w, 30)] + arc_pts((0, 15), 15, 90, 270)[:-1]
    area = Polygon(pts).area
    floor_sheet(p, w, 30, compartment=comp, label_area=area)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, area)


SPRINKLER_PARAMS = {"project_type": "building", "use": "office", "building_height_m": 18.0}


def h_fr07_sprinkler_formatted_mtext(v):
    w, h = (100.0, 60.0) if v else (80.0, 50.0)
    p = Plan()
    floor_sheet(p, w, h)
    p.mtext("PUB_TEXT", "{\\fSimSun|b0|i0|c134;\\A1;消防说明：}\\P{\\fSimSun|b0|i0|c134;本建筑全楼设置"
            "\\L自动喷水灭火系统\\l（湿式）。}", w / 2, -14, 3.5, width_m=40)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, SPRINKLER_PARAMS, fr07(5000, w * h)


def h_fr07_sprinkler_penlin(v):
    w, h = (100.0, 60.0) if v else (80.0, 50.0)
    p = Plan()
    floor_sheet(p, w, h)
    p.text("PUB_TEXT", "注：本工程全楼设湿式自动喷淋系统。", w / 2, -14, 3.5)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, SPRINKLER_PARAMS, fr07(5000, w * h)


def h_fr07_basement_fuyiceng(v):
    w, h = (35.0, 20.0) if v else (20.0, 20.0)
    p = Plan()
    floor_sheet(p, w, h, title="负一层平面图", rating="一级")
    p.frame("建施-01", "负一层平面图", "建筑", paper="A1")
    return p, FLOOR_PARAMS, fr07(500, w * h)


def h_fr07_basement_english(v):
    w, h = (35.0, 20.0) if v else (20.0, 20.0)
    p = Plan()
    floor_sheet(p, w, h, title="BASEMENT PLAN", rating="一级")
    p.frame("A-101", "BASEMENT PLAN", "ARCHITECTURE", paper="A1")
    return p, FLOOR_PARAMS, fr07(500, w * h)


def h_fr07_trap_outdoor_level(v):
    # a ground floor: ±0.000 inside, -0.450 outdoor: not a basement, the 2500 m² limit holds
    w, h = std_floor(v)
    p = Plan()
    floor_sheet(p, w, h)
    p.text("DIM_ELEV", "±0.000", w / 2, 4, 3.5)
    p.text("DIM_ELEV", "-0.450", -4, -3, 3.5)
    p.text("PUB_TEXT", "室外地坪", -4, -5, 3.5)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, fr07(2500, w * h)


def h_fr07_height_mtext(v):
    # no height in the parameters: 建筑高度 49.80 m, a high-rise public building → 1500 m²
    w, h = (60.0, 35.0) if v else (52.0, 25.0)
    p = Plan()
    floor_sheet(p, w, h, title="三层平面图", rating=None)
    p.mtext("PUB_TEXT", "{\\fSimHei|b1|i0;建筑高度：}49.80米\\P耐火等级：一级", w / 2, -14, 3.5, width_m=30)
    p.frame("建施-05", "三层平面图", "建筑")
    return p, {"project_type": "building", "use": "office", "sprinklers": False}, fr07(1500, w * h)


def door_habit(code_ok, code_bad, sx=1.0):
    def h(v):
        w, hh = 60.0, 35.0
        name, mm = code_bad if v else code_ok
        p = Plan()
        floor_walls(p, w, hh)
        p.poly("防火分区", box(0, 0, w, hh))
        p.text("PUB_TEXT", "防火分区一", w / 2, hh / 2, 5)
        stairs(p, w, hh)
        # a third exit: a stair in the middle of the north side, its door the habit
        p.poly("STAIR", box(27, hh - 9, 33, hh - 3))
        p.text("PUB_TEXT", "楼梯", 30, hh - 6)
        p.door(name, 30 - mm / 2000.0 * sx, hh - 9, mm, sx=sx)
        p.text("PUB_TEXT", "一层平面图 1:100", w / 2, -8, 7)
        p.frame("建施-03", "一层平面图", "建筑")
        return p, FLOOR_PARAMS, {"value": mm / 1000.0, "limit": 0.9, "sense": "min", "unit": "m"}
    return h


def h_fr07_height_fullwidth(v):
    # the height in full-width digits and a full-width point: 49.80 m, a high-rise public building → 1500 m²
    w, h = (60.0, 35.0) if v else (52.0, 25.0)
    p = Plan()
    floor_sheet(p, w, h, title="三层平面图", rating=None)
    p.text("PUB_TEXT", "建筑高度：４９．８０米  耐火等级：一级", w / 2, -14, 3.5)
    p.frame("建施-05", "三层平面图", "建筑")
    return p, {"project_type": "building", "use": "office", "sprinklers": False}, fr07(1500, w * h)


def h_fr12_anonymous_attrib(v):
    # a dynamic door: an anonymous *U block, the code only in its ATTRIB
    mm = 800 if v else 1000
    w, hh = 60.0, 35.0
    p = Plan()
    floor_walls(p, w, hh)
    p.poly("防火分区", box(0, 0, w, hh))
    p.text("PUB_TEXT", "防火分区一", w / 2, hh / 2, 5)
    stairs(p, w, hh)
    p.poly("STAIR", box(27, hh - 9, 33, hh - 3))
    p.text("PUB_TEXT", "楼梯", 30, hh - 6)
    blk = p.doc.blocks.new_anonymous_block("U")
    blk.add_line((0, 0), (mm, 0))
    blk.add_arc((0, 0), mm, 0, 90)
    blk.add_line((0, 0), (0, mm))
    blk.add_attdef("门编号", (0, -400), dxfattribs={"height": 350, "style": FONT})
    ref = p.insert("DOOR_FIRE", blk.name, 30 - mm / 2000.0, hh - 9)
    ref.add_auto_attribs({"门编号": f"FM乙{mm // 100:02d}21"})
    p.text("PUB_TEXT", "一层平面图 1:100", w / 2, -8, 7)
    p.frame("建施-03", "一层平面图", "建筑")
    return p, FLOOR_PARAMS, {"value": mm / 1000.0, "limit": 0.9, "sense": "min", "unit": "m"}


def h_fr12_trap_window(v):
    # a 0.6 m window C0621 beside the stair on the WINDOW layer: a window, not a door
    p, params, measured = door_habit(("FM乙1021", 1000), ("FM乙0821", 800))(v)

    def build(b):
        b.add_line((0, 0), (600, 0))
        b.add_line((0, 120), (600, 120))
        b.add_line((0, 240), (600, 240))
    p.insert("WINDOW", p.block("C0621", build), 40, 34.9)
    p.text("WINDOW_TEXT", "C0621", 40.3, 36.2, 3.5)
    return p, params, measured


def fr08(rot=0.0, unit="mm"):
    def h(v):
        w, hh = 60.0, 35.0
        p = Plan(unit=unit, rot=rot)
        floor_walls(p, w, hh)
        p.poly("防火分区", box(0, 0, w, hh))
        p.text("PUB_TEXT", "防火分区一", w / 2, hh / 2, 5)
        p.text("PUB_TEXT", "建筑面积：2100㎡", w / 2, hh / 2 - 2.4, 3.5)
        fronts = [(3.0, hh - 9.0)] if v else [(3.0, hh - 9.0), (w - 9.0, hh - 9.0)]
        for x, y in fronts:
            p.poly("STAIR", box(x, y, x + 6, y + 6))
            p.text("PUB_TEXT", "楼梯", x + 3, y + 3)
            p.door("FM甲1221", x + 3 - 0.6, y, 1200)
        p.text("PUB_TEXT", "一层平面图 1:100", w / 2, -8, 7)
        p.frame("建施-03", "一层平面图", "建筑")
        return p, FLOOR_PARAMS, {"value": len(fronts), "limit": 2, "sense": "min", "unit": "exits"}
    return h


def fr13(rot=0.0, text=lambda a: f"S={a:.2f}㎡"):
    def h(v):
        w, hh = 60.0, 35.0
        rw = 15.0 if v else 10.0
        p = Plan(rot=rot)
        floor_walls(p, w, hh)
        p.poly("防火分区", box(0, 0, w, hh))
        stairs(p, w, hh)
        room = box(20, 2, 20 + rw, 12)
        p.poly("SPACE", room)
        p.text("PUB_TEXT", "会议室", 20 + rw / 2, 7.8, 3.5)
        p.text("PUB_TEXT", text(rw * 10), 20 + rw / 2, 6.0, 3.5)
        p.door("M1021", 20 + rw / 2 - 0.5, 12, 1000, layer="DOOR")
        p.text("PUB_TEXT", "一层平面图 1:100", w / 2, -8, 7)
        p.frame("建施-03", "一层平面图", "建筑")
        return p, FLOOR_PARAMS, {"value": rw * 10, "limit": 120.0, "sense": "max", "unit": "m² (one door)"}
    return h


# --- sites (PL-02 … PL-05, FR-01, FR-02, MT-02) ---------------------------------------------------------
SITE_PARAMS = {"project_type": "building", "plot_ratio_max": 2.0, "density_max": 0.30, "green_ratio_min": 0.30}
SITE = box(0, 0, 120, 100)
GREEN = box(70, 5, 118, 95)


def site_sheet(p: Plan, buildings, site=None, redline=None, green=(GREEN,), green_layer="绿化", lanes=(),
               extra=None, scale_title="1:500"):
    """buildings: [(pts, texts, bulges)]"""
    if redline:
        redline()
    else:
        p.poly("A-REDL", site or SITE)
    p.line("A-ROAD-RED", (-20, 0), (140, 0))
    p.text("PUB_TEXT", "道路红线", 130, -3, 3.5)
    for pts, texts, bulges in buildings:
        p.poly("A-MAST-ROOF", pts, bulges=bulges)
        xs, ys = [q[0] for q in pts], [q[1] for q in pts]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        for i, s in enumerate(texts):
            p.text("PUB_TEXT", s, cx, cy + (len(texts) / 2 - i - 0.5) * 3.0, 3.5)
    if green:
        p.hatch(green_layer, green)
    for lane in lanes:
        p.poly("消防车道", lane)
    if extra:
        extra()
    p.text("PUB_TEXT", f"总平面图 {scale_title}", 60, -15, 7)


def site_area(pts=SITE, bulges=None):
    return Polygon(bulge_ring(pts, bulges or {})).area


def ratio(value, limit, sense):
    return {"value": round(value, 4), "limit": limit, "sense": sense, "unit": "1"}


LOW = ["1#", "6F", "H=19.80", "二级", "住宅"]


def pl04(p, v):
    b = box(5, 10, 65, 85) if v else box(5, 10, 45, 70)
    site_sheet(p, [(b, LOW, None)])
    p.frame("总施-01", "总平面图", "总图", paper="A1", )
    return ratio(Polygon(b).area / Polygon(SITE).area, 0.30, "max")


def h_pl04_survey_metres(v):
    p = Plan(unit="m", scale=500, origin=SURVEY)
    return p, SITE_PARAMS, pl04(p, v)


def h_pl04_turned_30(v):
    p = Plan(scale=500, rot=30.0)
    return p, SITE_PARAMS, pl04(p, v)


ROUND_SITE = [(0, 0), (120, 0), (120, 80), (100, 100), (0, 100)]


def round_redline(p):
    p.line("用地红线", (0, 0), (120, 0))
    p.line("用地红线", (120, 0), (120, 80))
    p.arc("用地红线", (100, 80), 20, 0, 90)
    p.line("用地红线", (100, 100), (0, 100))
    p.line("用地红线", (0, 100), (0, 0))


def h_pl04_redline_lines_arc(v):
    p = Plan(scale=500)
    b = box(5, 10, 65, 85) if v else box(5, 10, 45, 70)
    site_sheet(p, [(b, LOW, None)], redline=lambda: round_redline(p), green=(box(70, 5, 118, 75),))
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    return p, SITE_PARAMS, ratio(Polygon(b).area / site_area(ROUND_SITE, {2: math.tan(math.radians(22.5))}),
                                 0.30, "max")


def h_pl02_redline_lines_arc(v):
    p = Plan(scale=500)
    b = box(-4, 20, 26, 60) if v else box(4, 20, 34, 60)
    site_sheet(p, [(b, LOW, None)], redline=lambda: round_redline(p), green=(box(70, 5, 118, 75),))
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    outside = Polygon(b).difference(Polygon(bulge_ring(ROUND_SITE, {2: math.tan(math.radians(22.5))}))).area
    return p, SITE_PARAMS, {"value": round(outside, 1), "limit": 0.0, "sense": "max", "unit": "m²"}


def h_pl02_survey_metres(v):
    p = Plan(unit="m", scale=500, origin=SURVEY)
    b = box(-5, 20, 25, 60) if v else box(5, 20, 35, 60)
    site_sheet(p, [(b, LOW, None)])
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    return p, SITE_PARAMS, {"value": Polygon(b).difference(Polygon(SITE)).area, "limit": 0.0, "sense": "max",
                            "unit": "m²"}


def h_pl02_basement_outline(v):
    # the tower sits well inside; its basement (dashed, 地下室轮廓线) reaches 6 m past the west red line
    p = Plan(scale=500)
    b = box(15, 20, 45, 60)
    base = box(-6, 12, 55, 70) if v else box(6, 12, 55, 70)

    def extra():
        p.poly("地下室轮廓线", base, linetype="DASHED")
        p.text("PUB_TEXT", "地下室范围", 30, 14, 3.5)
    site_sheet(p, [(b, LOW, None)], extra=extra)
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    return p, SITE_PARAMS, {"value": Polygon(base).difference(Polygon(SITE)).area, "limit": 0.0, "sense": "max",
                            "unit": "m²"}


def pl03(texts_fn):
    def h(v):
        n = 24 if v else 8
        p = Plan(scale=500)
        b = box(10, 20, 40, 60)
        site_sheet(p, [(b, ["1#住宅", *texts_fn(n)], None)])
        p.frame("总施-01", "总平面图", "总图", paper="A1")
        return p, SITE_PARAMS, ratio(Polygon(b).area * n / Polygon(SITE).area, 2.0, "max")
    return h


def pl05(v, p, layer="绿化", multi=False):
    cw = 12.0 if v else 23.0  # four 44 m deep strips of this width, in two columns and two rows
    loops = [box(70 + (i % 2) * 25, 5 + (i // 2) * 46, 70 + (i % 2) * 25 + cw, 49 + (i // 2) * 46)
             for i in range(4)]
    b = box(10, 20, 40, 60)
    if multi:
        site_sheet(p, [(b, LOW, None)], green=loops, green_layer=layer)
    else:
        site_sheet(p, [(b, LOW, None)], green=None, extra=lambda: [p.hatch(layer, [lp]) for lp in loops])
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    green = unary_union([Polygon(lp) for lp in loops]).intersection(Polygon(SITE)).area
    return ratio(green / Polygon(SITE).area, 0.30, "min")


def h_pl05_one_hatch_four_loops(v):
    p = Plan(scale=500)
    return p, SITE_PARAMS, pl05(v, p, multi=True)


def h_pl05_zongtu_layer(v):
    p = Plan(scale=500)
    return p, SITE_PARAMS, pl05(v, p, layer="总图-绿地")


def h_pl05_survey_metres(v):
    p = Plan(unit="m", scale=500, origin=SURVEY)
    return p, SITE_PARAMS, pl05(v, p)


def fr01(p, v, texts, gap_ok, gap_bad, bulge_face=False):
    g = gap_bad if v else gap_ok
    a = box(5, 20, 25, 60)
    if bulge_face:  # B's west side bulges 3 m towards A (a rounded bay); the chord is g + 3 from A
        bx = 25 + g + 3
        b = [(bx, 20), (bx + 20, 20), (bx + 20, 60), (bx, 60)]
        bul = {3: (3.0 / 20.0)}  # sagitta 3 over half-chord 20: bulge = s / (c/2)
        gap = Polygon(a).distance(Polygon(bulge_ring(b, bul)))
    else:
        b, bul = box(25 + g, 20, 45 + g, 60), None
        gap = Polygon(a).distance(Polygon(b))
    site_sheet(p, [(a, ["1#", *texts], None), (b, ["2#", *texts], bul)])
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    return round(gap, 3)


def h_fr01_high_rise_h_m(v):
    p = Plan(scale=500)
    gap = fr01(p, v, ["H=54.00m", "一级"], 15.0, 10.0)
    return p, SITE_PARAMS, {"value": gap, "limit": 13.0, "sense": "min", "unit": "m"}


def h_fr01_turned_30(v):
    p = Plan(scale=500, rot=30.0)
    gap = fr01(p, v, LOW[1:], 9.0, 4.0)
    return p, SITE_PARAMS, {"value": gap, "limit": 6.0, "sense": "min", "unit": "m"}


def h_fr01_survey_metres(v):
    p = Plan(unit="m", scale=500, origin=SURVEY)
    gap = fr01(p, v, LOW[1:], 9.0, 4.0)
    return p, SITE_PARAMS, {"value": gap, "limit": 6.0, "sense": "min", "unit": "m"}


def h_fr01_bulged_facing_corner(v):
    p = Plan(scale=500)
    gap = fr01(p, v, LOW[1:], 9.0, 4.0, bulge_face=True)
    return p, SITE_PARAMS, {"value": gap, "limit": 6.0, "sense": "min", "unit": "m"}


def h_fr02_edge_lines(v):
    w = 3.5 if v else 4.5
    p = Plan(scale=500)

    def extra():
        p.line("消防车道", (5, 85), (65, 85))
        p.line("消防车道", (5, 85 + w), (65, 85 + w))
        p.text("PUB_TEXT", "消防车道", 35, 85 + w / 2, 3.5)
    site_sheet(p, [(box(10, 20, 40, 60), LOW, None)], extra=extra)
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    return p, SITE_PARAMS, {"value": w, "limit": 4.0, "sense": "min", "unit": "m"}


def lane_habit(p, v, curved=False):
    w = 3.5 if v else 4.5
    if curved:  # a quarter ring around (65, 45), inner radius 20
        r0, r1 = 20.0, 20.0 + w
        pts = [(65 + r0, 45), (65 + r1, 45), (65, 45 + r1), (65, 45 + r0)]
        bul = {1: math.tan(math.radians(22.5)), 3: -math.tan(math.radians(22.5))}
        lane = Polygon(bulge_ring(pts, bul))

        def extra():
            p.poly("消防车道", pts, bulges=bul)
        site_sheet(p, [(box(10, 20, 40, 60), LOW, None)], extra=extra, green=(box(95, 5, 118, 40),))
    else:
        pts = box(5, 85, 65, 85 + w)
        lane = Polygon(pts)
        site_sheet(p, [(box(10, 20, 40, 60), LOW, None)], lanes=[pts])
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    return {"value": lane_width(lane), "limit": 4.0, "sense": "min", "unit": "m"}


def h_fr02_curved_band(v):
    p = Plan(scale=500)
    return p, SITE_PARAMS, lane_habit(p, v, curved=True)


def h_fr02_turned_30(v):
    p = Plan(scale=500, rot=30.0)
    return p, SITE_PARAMS, lane_habit(p, v)


def h_fr02_survey_metres(v):
    p = Plan(unit="m", scale=500, origin=SURVEY)
    return p, SITE_PARAMS, lane_habit(p, v)


def h_mt02_survey_metres(v):
    # H = 20 m, so the observation field must be ≥ 200 m away
    p = Plan(unit="m", scale=1000, origin=SURVEY)
    b = box(10, 20, 40, 60)
    d = 140.0 if v else 260.0
    st = box(40 + d, 30, 40 + d + 25, 55)

    def extra():
        p.poly("气象观测场", st)
        p.text("PUB_TEXT", "气象观测场", 40 + d + 12.5, 42.5, 3.5)
    site_sheet(p, [(b, ["1#", "6F", "H=20.0", "二级"], None)], extra=extra, scale_title="1:1000")
    p.frame("总施-01", "总平面图", "总图", paper="A1")
    return p, SITE_PARAMS, {"value": Polygon(b).distance(Polygon(st)), "limit": 200.0, "sense": "min", "unit": "m"}


def pl07(declare):
    """The declared site area written by ``declare(p, value)``; the red line encloses 12 000 m²."""
    def h(v):
        value = 12800 if v else 12000
        p = Plan(scale=500)
        site_sheet(p, [(box(10, 20, 40, 60), LOW, None)], extra=lambda: declare(p, value))
        p.frame("总施-01", "总平面图", "总图", paper="A1")
        return p, SITE_PARAMS, {"value": round(value / Polygon(SITE).area - 1, 4), "limit": 0.005, "sense": "abs",
                                "unit": "relative"}
    return h


def declare_english(p, value):
    p.text("PUB_TEXT", "ECONOMIC INDICATORS", 160, 80, 5)
    p.text("PUB_TEXT", f"SITE AREA: {value:,} m2", 160, 74, 3.5)


def declare_pingfangmi(p, value):
    p.text("PUB_TEXT", "主要经济技术指标", 160, 80, 5)
    p.text("PUB_TEXT", f"用地面积={value}平方米", 160, 74, 3.5)


FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def declare_fullwidth(p, value):
    p.text("PUB_TEXT", "主要经济技术指标", 160, 80, 5)
    p.text("PUB_TEXT", f"用地面积：{value:.2f}㎡".translate(FULL), 160, 74, 3.5)


def declare_table(p, value):
    # a 面积表 grid of LINEs: the key and its value in separate cells
    x0, x1, x2, y0 = 140.0, 165.0, 185.0, 60.0
    for i in range(4):
        p.line("PUB_TABLE", (x0, y0 + i * 5), (x2, y0 + i * 5))
    for x in (x0, x1, x2):
        p.line("PUB_TABLE", (x, y0), (x, y0 + 15))
    rows = [("项目", "数值"), ("用地面积(㎡)", f"{value:.2f}"), ("建筑密度(%)", "10.0")]
    for i, (k, val) in enumerate(rows):
        y = y0 + 12.5 - i * 5
        p.text("PUB_TEXT", k, (x0 + x1) / 2, y, 3.5)
        p.text("PUB_TEXT", val, (x1 + x2) / 2, y, 3.5)


# --- civil defence (AD-01) ------------------------------------------------------------------------------
AD_PARAMS = {"project_type": "building"}


def ad01(p: Plan, v, draw=None, label=None):
    split = 65.0 if v else 40.0
    units = [box(0, 0, split, 40), box(split, 0, 80, 40)]
    for i, u in enumerate(units):
        if draw:
            draw(u)
        else:
            p.poly("人防单元", u)
        cx = (u[0][0] + u[1][0]) / 2
        if label:
            label(i, cx, Polygon(u).area)
        else:
            p.text("PUB_TEXT", "防护单元" + "一二"[i], cx, 20, 5)
    p.text("PUB_TEXT", "地下室人防平面图 1:200", 40, -12, 7)
    p.frame("人防-01", "地下室人防平面图", "人防", paper="A1")
    return {"value": max(Polygon(u).area for u in units), "limit": 2000.0, "sense": "max", "unit": "m²"}


def h_ad01_mtext_labels(v):
    p = Plan(scale=200)
    return p, AD_PARAMS, ad01(p, v, label=lambda i, cx, a: p.mtext(
        "PUB_TEXT", f"{{\\fSimHei|b0|i0;防护单元{'一二'[i]}}}\\P{{\\H0.7x;建筑面积{a:.0f}㎡}}", cx, 20, 5, width_m=20))


def h_ad01_turned_30(v):
    p = Plan(scale=200, rot=30.0)
    return p, AD_PARAMS, ad01(p, v)


def h_ad01_polyline2d_cm(v):
    p = Plan(unit="cm", scale=200)
    return p, AD_PARAMS, ad01(p, v, draw=lambda u: p.poly2d("人防单元", u))


# --- roofs (LP-02, LP-04) -------------------------------------------------------------------------------
ROOF = box(0, 0, 48, 24)
LP_PARAMS = {"project_type": "building"}
CLASS2 = "第二类防雷建筑物"


def roof_sheet(p: Plan, class_text, mesh_xy, downs, mesh_layer="接闪带", serpentine=False, down=None,
               class_mtext=False):
    p.poly("A-ROOF", ROOF)
    for a, b in zip(ROOF, ROOF[1:] + ROOF[:1]):
        p.line(mesh_layer, a, b)
    xs, ys = mesh_xy
    segs = [((x, 0), (x, 24)) for x in xs] + [((0, y), (48, y)) for y in ys]
    if serpentine:  # one polyline snaking up and down the x lines, then along the y lines
        pts = []
        for i, x in enumerate(xs):
            pts += [(x, 0), (x, 24)] if i % 2 == 0 else [(x, 24), (x, 0)]
        p.poly(mesh_layer, pts, closed=False)
        for (a, b) in segs[len(xs):]:
            p.line(mesh_layer, a, b)
    else:
        for a, b in segs:
            p.line(mesh_layer, a, b)
    for s in downs:
        x, y = along(ROOF, s)
        (down or (lambda x, y: p.circle("引下线", (x, y), 0.3)))(x, y)
    if class_mtext:
        p.mtext("PUB_TEXT", class_text, 24, -16, 3.5, width_m=60)
    else:
        p.text("PUB_TEXT", class_text, 10, 20, 3.5)
    p.text("PUB_TEXT", "H=30.0", 10, 17, 3.5)
    p.text("PUB_TEXT", "屋顶防雷平面图 1:100", 24, -8, 7)
    p.frame("电施-12", "屋顶防雷平面图", "电气", paper="A1")


MESH_OK = ((8, 16, 24, 32, 40), (8, 16))  # 8 × 8 m cells
MESH_BAD = ((16, 32), (12,))  # 16 × 12 m cells: class 3 would allow them, class 2 not
DOWN_OK = [i * 12.0 for i in range(12)]  # every 12 m along the 144 m perimeter
DOWN_BAD = [i * 24.0 for i in range(6)]  # every 24 m: class 3 would allow it, class 2 (18 m) not


def lp02_measure(mesh):
    cells = mesh_cells([((x, 0), (x, 24)) for x in mesh[0]] + [((0, y), (48, y)) for y in mesh[1]], Polygon(ROOF))
    worst = max(cells, key=lambda c: c.area)
    bad = [c for c in cells if not cell_fits(c, ((10, 10), (12, 8)))]
    x0, y0, x1, y1 = worst.bounds
    return {"value": len(bad), "limit": 0, "sense": "max", "unit": "cells outside 10×10 / 12×8",
            "largest_cell_m": sorted((round(x1 - x0, 2), round(y1 - y0, 2)))}


def lp02(class_text, class_mtext=False, **kw):
    def h(v):
        mesh = MESH_BAD if v else MESH_OK
        p = Plan(rot=kw.get("rot", 0.0))
        roof_sheet(p, class_text, mesh, DOWN_OK, class_mtext=class_mtext,
                   **{k: x for k, x in kw.items() if k != "rot"})
        return p, LP_PARAMS, lp02_measure(mesh)
    return h


def lp04(down=None, rot=0.0):
    def h(v):
        downs = DOWN_BAD if v else DOWN_OK
        p = Plan(rot=rot)
        roof_sheet(p, CLASS2, MESH_OK, downs, down=down(p) if down else None)
        pts = [along(ROOF, s) for s in downs]
        gaps = [(downs[(i + 1) % len(downs)] - downs[i]) % 144 or 144 for i in range(len(downs))]
        assert all(Point(q).distance(Polygon(ROOF).exterior) < 1e-6 for q in pts)
        return p, LP_PARAMS, {"value": max(gaps), "limit": 18.0, "sense": "max", "unit": "m"}
    return h


def down_squares(p):
    return lambda x, y: p.poly("引下线", box(x - 0.2, y - 0.2, x + 0.2, y + 0.2))


def down_blocks(p):
    def build(b):
        b.add_circle((0, 0), 200)
        b.add_line((-200, -200), (200, 200))
        b.add_attdef("编号", (250, 0), dxfattribs={"height": 350, "style": FONT})
    name = p.block("YXX", build)
    count = iter(range(1, 100))

    def put(x, y):
        ref = p.insert("引下线", name, x, y)
        ref.add_auto_attribs({"编号": f"YX{next(count)}"})
    return put


# --- drawing quality (DR-02, DR-03, DR-04) --------------------------------------------------------------
DR_PARAMS = {"project_type": "building"}


def dr_base(p: Plan, title="一层平面图"):
    w, h = 30.0, 20.0
    floor_walls(p, w, h)
    p.poly("SPACE", box(0, 0, w, h))
    p.text("PUB_TEXT", "办公室", w / 2, h / 2, 5)
    p.text("PUB_TEXT", f"{title} 1:{p.scale:g}", w / 2, -4, 7)


def dr02_measure(mm):
    return {"value": mm, "limit": [3.5, 5, 7, 10, 14, 20], "sense": "in", "unit": "mm"}


def h_dr02_scale_1to50(v):
    mm = 2.5 if v else 3.5
    p = Plan(scale=50)
    dr_base(p)
    p.text("PUB_TEXT", "注：本层卫生间地面低于楼面20。", 15, 4, mm)
    p.frame("建施-21", "卫生间大样", "建筑", paper="A1")
    return p, DR_PARAMS, dr02_measure(mm)


def h_dr02_mtext_inline_height(v):
    mm = 2.5 if v else 3.5
    p = Plan()
    dr_base(p)
    p.mtext("PUB_TEXT", f"\\H{mm * 100:g};注：本层卫生间地面低于楼面20。", 15, 4, 3.5, width_m=20)
    p.frame("建施-03", "一层平面图", "建筑", paper="A1")
    return p, DR_PARAMS, dr02_measure(mm)


def h_dr02_trap_width_factor(v):
    mm = 2.5 if v else 3.5
    p = Plan()
    dr_base(p)
    p.text("PUB_TEXT", "注：本层卫生间地面低于楼面20。", 15, 4, mm, width=0.7)
    p.frame("建施-03", "一层平面图", "建筑", paper="A1")
    return p, DR_PARAMS, dr02_measure(mm)


def h_dr02_trap_oblique(v):
    mm = 2.5 if v else 3.5
    p = Plan()
    dr_base(p)
    p.text("PUB_TEXT", "注：本层卫生间地面低于楼面20。", 15, 4, mm, oblique=15.0)
    p.frame("建施-03", "一层平面图", "建筑", paper="A1")
    return p, DR_PARAMS, dr02_measure(mm)


def h_dr02_vertical_text(v):
    # a note set vertically beside the wall (rotation 90°): its height is still the height
    mm = 2.5 if v else 3.5
    p = Plan()
    dr_base(p)
    p.text("PUB_TEXT", "此墙为200厚加气混凝土砌块", 32, 10, mm, rotation=90.0)
    p.frame("建施-03", "一层平面图", "建筑", paper="A1")
    return p, DR_PARAMS, dr02_measure(mm)


def h_dr02_centimetres(v):
    mm = 2.5 if v else 3.5
    p = Plan(unit="cm")
    dr_base(p)
    p.text("PUB_TEXT", "注：本层卫生间地面低于楼面20。", 15, 4, mm)
    p.frame("建施-03", "一层平面图", "建筑", paper="A1")
    return p, DR_PARAMS, dr02_measure(mm)


def h_dr02_attrib(v):
    mm = 2.5 if v else 3.5
    p = Plan()
    dr_base(p)

    def build(b):
        b.add_circle((0, 0), 400)
        b.add_attdef("房间名", (0, -800), dxfattribs={"height": 350, "style": FONT})
    ref = p.insert("PUB_TEXT", p.block("ROOMTAG", build), 15, 4)
    ref.add_auto_attribs({"房间名": "卫生间"})
    for a in ref.attribs:
        a.dxf.height = mm * 100
    p.frame("建施-03", "一层平面图", "建筑", paper="A1")
    return p, DR_PARAMS, dr02_measure(mm)


def h_dr03_insunits_missing(v):
    p = Plan(insunits=not v)
    dr_base(p)
    p.frame("建施-03", "一层平面图", "建筑", paper="A1")
    return p, DR_PARAMS, {"value": 0 if v else 4, "limit": "set", "sense": "set", "unit": "$INSUNITS"}


def dim_habit(unit, ok, bad):
    def h(v):
        p = Plan(unit=unit)
        dr_base(p)
        f = p.f
        # a 天正-named dimension style at 1:100 measuring in drawing units (DIMLFAC 1; ezdxf's own EZDXF
        # style has DIMLFAC 100, which would make the clean override wrong)
        if "_TCH_ARCH" not in p.doc.dimstyles:
            p.doc.dimstyles.new("_TCH_ARCH", dxfattribs={"dimlfac": 1.0, "dimtxt": 3.5, "dimasz": 2.5,
                                                          "dimscale": p.scale * f / 1000.0, "dimtxsty": FONT})
        dim = p.msp.add_linear_dim(base=(0, -2 * f), p1=(0, 0), p2=(6 * f, 0), text=bad if v else ok,
                                   dimstyle="_TCH_ARCH", dxfattribs={"layer": p.L("PUB_DIM")})
        dim.render()
        p.frame("建施-03", "一层平面图", "建筑", paper="A1")
        shown = float(((bad if v else ok).split(";")[-1]))
        measured = 6.0 * f
        return p, DR_PARAMS, {"value": abs(shown - measured) / measured, "limit": 0.0, "sense": "max",
                              "unit": "relative"}
    return h


# --- the habits -----------------------------------------------------------------------------------------
HABITS = [
    ("fr07-dup-closing-vertex", "FR-07", h_fr07_dup_closing_vertex),
    ("fr07-lines-meeting", "FR-07", h_fr07_lines_meeting),
    ("fr07-turned-30", "FR-07", h_fr07_turned_30),
    ("fr07-lines-and-arc", "FR-07", h_fr07_lines_and_arc),
    ("fr07-centimetres", "FR-07", h_fr07_centimetres),
    ("fr07-polyline2d-bulged-end", "FR-07", h_fr07_polyline2d_bulged_end),
    ("fr07-wide-dashed-line", "FR-07", h_fr07_wide_dashed_line),
    ("fr07-gbt-chinese-layer", "FR-07", h_fr07_gbt_chinese_layer),
    ("fr07-paper-viewport", "FR-07", h_fr07_paper_viewport),
    ("fr07-sprinkler-formatted-mtext", "FR-07", h_fr07_sprinkler_formatted_mtext),
    ("fr07-sprinkler-penlin", "FR-07", h_fr07_sprinkler_penlin),
    ("fr07-basement-fuyiceng", "FR-07", h_fr07_basement_fuyiceng),
    ("fr07-basement-english", "FR-07", h_fr07_basement_english),
    ("fr07-trap-outdoor-level", "FR-07", h_fr07_trap_outdoor_level),
    ("fr07-height-mtext", "FR-07", h_fr07_height_mtext),
    ("fr07-height-fullwidth", "FR-07", h_fr07_height_fullwidth),
    ("fr08-turned-30", "FR-08", fr08(rot=30.0)),
    ("fr08-centimetres", "FR-08", fr08(unit="cm")),
    ("fr13-area-s-equals", "FR-13", fr13()),
    ("fr13-turned-30", "FR-13", fr13(rot=30.0)),
    ("fr12-anonymous-attrib", "FR-12", h_fr12_anonymous_attrib),
    ("fr12-trap-window", "FR-12", h_fr12_trap_window),
    ("fr12-code-variant-letter", "FR-12", door_habit(("FM乙1021a", 1000), ("FM乙0821a", 800))),
    ("fr12-chinese-name-mm", "FR-12", door_habit(("乙级防火门1000", 1000), ("乙级防火门800", 800))),
    ("fr12-width-x-height-mm", "FR-12", door_habit(("FM乙-1000X2100", 1000), ("FM乙-800X2100", 800))),
    ("fr12-mirrored-door", "FR-12", door_habit(("FM乙1021", 1000), ("FM乙0821", 800), sx=-1.0)),
    ("pl04-survey-metres", "PL-04", h_pl04_survey_metres),
    ("pl04-turned-30", "PL-04", h_pl04_turned_30),
    ("pl04-redline-lines-arc", "PL-04", h_pl04_redline_lines_arc),
    ("pl02-redline-lines-arc", "PL-02", h_pl02_redline_lines_arc),
    ("pl02-survey-metres", "PL-02", h_pl02_survey_metres),
    ("pl02-basement-outline", "PL-02", h_pl02_basement_outline),
    ("pl03-storeys-slash-basement", "PL-03", pl03(lambda n: [f"{n}/-2"])),
    ("pl03-dishang-dixia", "PL-03", pl03(lambda n: [f"地上{n}层 地下2层"])),
    ("pl03-english-storeys", "PL-03", pl03(lambda n: [f"{n} STOREYS"])),
    ("pl03-f-slash-b", "PL-03", pl03(lambda n: [f"{n}F/B2"])),
    ("pl05-one-hatch-four-loops", "PL-05", h_pl05_one_hatch_four_loops),
    ("pl05-zongtu-layer", "PL-05", h_pl05_zongtu_layer),
    ("pl05-survey-metres", "PL-05", h_pl05_survey_metres),
    ("pl07-english-m2", "PL-07", pl07(declare_english)),
    ("pl07-pingfangmi-equals", "PL-07", pl07(declare_pingfangmi)),
    ("pl07-fullwidth-digits", "PL-07", pl07(declare_fullwidth)),
    ("pl07-table-cells", "PL-07", pl07(declare_table)),
    ("fr01-high-rise-h-m", "FR-01", h_fr01_high_rise_h_m),
    ("fr01-turned-30", "FR-01", h_fr01_turned_30),
    ("fr01-survey-metres", "FR-01", h_fr01_survey_metres),
    ("fr01-bulged-facing-side", "FR-01", h_fr01_bulged_facing_corner),
    ("fr02-edge-lines", "FR-02", h_fr02_edge_lines),
    ("fr02-curved-band", "FR-02", h_fr02_curved_band),
    ("fr02-turned-30", "FR-02", h_fr02_turned_30),
    ("fr02-survey-metres", "FR-02", h_fr02_survey_metres),
    ("mt02-survey-metres", "MT-02", h_mt02_survey_metres),
    ("ad01-mtext-labels", "AD-01", h_ad01_mtext_labels),
    ("ad01-turned-30", "AD-01", h_ad01_turned_30),
    ("ad01-polyline2d-cm", "AD-01", h_ad01_polyline2d_cm),
    ("lp02-class-colon-erlei", "LP-02", lp02("防雷类别：二类")),
    ("lp02-class-roman", "LP-02", lp02("第Ⅱ类防雷建筑物")),
    ("lp02-class-in-notes-mtext", "LP-02", lp02(
        "防雷设计说明：\\P1. 本工程年预计雷击次数N=0.31次/a，\\P2. 按第二类防雷建筑物设防，\\P3. 屋面设接闪网格。",
        class_mtext=True)),
    ("lp02-class-english", "LP-02", lp02("LIGHTNING PROTECTION CLASS: II")),
    ("lp02-serpentine-mesh", "LP-02", lp02(CLASS2, serpentine=True)),
    ("lp02-bileiwang-layer", "LP-02", lp02(CLASS2, mesh_layer="避雷网")),
    ("lp02-turned-30", "LP-02", lp02(CLASS2, rot=30.0)),
    ("lp04-square-downs", "LP-04", lp04(down_squares)),
    ("lp04-attributed-blocks", "LP-04", lp04(down_blocks)),
    ("lp04-turned-30", "LP-04", lp04(rot=30.0)),
    ("dr02-scale-1to50", "DR-02", h_dr02_scale_1to50),
    ("dr02-mtext-inline-height", "DR-02", h_dr02_mtext_inline_height),
    ("dr02-trap-width-factor", "DR-02", h_dr02_trap_width_factor),
    ("dr02-trap-oblique", "DR-02", h_dr02_trap_oblique),
    ("dr02-vertical-text", "DR-02", h_dr02_vertical_text),
    ("dr02-centimetres", "DR-02", h_dr02_centimetres),
    ("dr02-attrib", "DR-02", h_dr02_attrib),
    ("dr03-insunits-missing", "DR-03", h_dr03_insunits_missing),
    ("dr04-override-a1-code", "DR-04", dim_habit("mm", "\\A1;6000", "\\A1;6500")),
    ("dr04-metre-drawing", "DR-04", dim_habit("m", "6.00", "6.50")),
]

# drawing-standard rules carry no mandatory status in RULES.md (DR-04 is a warning) and PL-07 is a
# consistency check (a warning in the bench's own words): any severity counts
ANY_SEVERITY = {"DR-02", "DR-03", "DR-04", "PL-07"}


def generate(out_dir) -> list[dict]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels = []
    for habit, family, build in HABITS:
        for v in (False, True):
            p, params, measured = build(v)
            name = f"{habit}-{'violating' if v else 'clean'}.dxf"
            p.save(out / name)
            lab = {"file": name, "habit": habit, "families": [family], "violation": family if v else None,
                   "params": dict(params), "measured": measured}
            if family in ANY_SEVERITY:
                lab["any_severity"] = True
            labels.append(lab)
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return labels
