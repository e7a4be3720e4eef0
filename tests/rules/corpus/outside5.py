"""A fifth outside probe, written without reading the rule engine or the rulesets: drafting habits
of design institutes and other CAD offices that habits.py, outside.py, outside3.py and outside4.py
do not name. Compartment labels on an annotation layer far from the outline with a LEADER, areas
written ``约2,000㎡``, compartments numbered with circled digits, outlines drawn as LINEs broken into
overlapping collinear pieces, outlines copied in place (duplicates), an outline with a small
self-intersecting loop at a corner, old-style 2D POLYLINEs with width, thick dash-dot outlines,
a drawing truly drawn in inches, prefixed layer names (``XF-防火分区边界``), exit doors set on the
wall face rather than on the compartment line, a negated sprinkler note, an English sprinkler note,
two floors side by side in one model space, a basement named only by its level; building labels
in words (``建筑高度 23.40m``), labels far from the footprint on a LEADER; fire lanes on an English
layer or drawn only as a hatch; red lines dashed or only a hatch boundary; site areas declared after
the gross floor area or in 万㎡; civil-defence units numbered ①② or listed in a schedule; lightning
class written ``二类`` or ``Class 2``; door codes with a dash (``FM甲-1221``).

Imports nothing from drawreview. Every label is measured here on the scene as ezdxf writes it
(``ezdxf.path`` of the written entities, shapely), against RULES.md:
- GB 50016-2014 (2018) 5.3.1: a compartment of a building ≤ 24 m ≤ 2500 m²; underground ≤ 500 m²;
  doubled with automatic sprinklers. 5.5.8: ≥ 2 exits on each compartment's boundary.
  5.5.18: exit doors ≥ 0.90 m (door code digits in dm).
- 5.2.2: civil buildings, both 一/二级: both ≤ 24 m 6 m; both high-rise 13 m.
- 7.1.8-1: fire lanes ≥ 4.0 m. GB 50352 4.3.1: nothing crosses the site red line.
- PL-07: the declared site area within 0.5 % of the drawn one.
- GB 50038 3.2: protection unit ≤ 2000 m². GB 50057 4.3.1: class 2 mesh ≤ 10 × 10 m or 12 × 8 m.
``generate(out_dir)`` writes ``*.dxf`` and ``labels.json`` and returns the labels.
"""
from __future__ import annotations

import json
from pathlib import Path

import ezdxf
import ezdxf.path
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import unary_union
from shapely.validation import make_valid

ABOVE, BELOW = 2500.0, 500.0  # GB 50016 5.3.1
UNIT_LIMIT = 2000.0  # GB 50038 3.2
FLOOR = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}
OUT = Path(".")
cases: list[dict] = []


class Sheet:
    """One drawing; ``k`` drawing units per metre."""

    def __init__(self, version="R2018", k=1000.0, insunits=4):
        self.k = k
        self.doc = ezdxf.new(version, setup=True)
        self.doc.header["$INSUNITS"] = insunits
        self.msp = self.doc.modelspace()

    def s(self, p):
        return (p[0] * self.k, p[1] * self.k)

    def layer(self, name, color=7):
        if name not in self.doc.layers:
            self.doc.layers.add(name, color=color)
        return name

    def outline(self, coords, layer, **attribs):
        return self.msp.add_lwpolyline([self.s(p) for p in coords], close=True,
                                       dxfattribs={"layer": self.layer(layer), **attribs})

    def text(self, t, p, layer="PUB_TEXT", h=0.35):
        return self.msp.add_text(t, height=h * self.k, dxfattribs={"layer": self.layer(layer), "insert": self.s(p)})

    def mtext(self, t, p, layer="PUB_TEXT", h=0.35):
        return self.msp.add_mtext(t, dxfattribs={"layer": self.layer(layer), "insert": self.s(p),
                                                 "char_height": h * self.k})

    def leader(self, pts, layer="PUB_TEXT"):
        return self.msp.add_leader([self.s(p) for p in pts], dxfattribs={"layer": self.layer(layer)})

    def door(self, name, p, layer="DOOR_FIRE", rotation=0.0, width=None):
        if width is None:
            digits = "".join(ch for ch in name if ch.isdigit())
            width = int(digits[:2]) / 10.0
        if name not in self.doc.blocks:
            b = self.doc.blocks.new(name)
            b.add_line((0, 0), (width * self.k, 0))
            b.add_arc((0, 0), width * self.k, 0, 90)
        return self.msp.add_blockref(name, self.s(p), dxfattribs={"layer": self.layer(layer), "rotation": rotation})


def record(sheet, name, habit, families, violation, params, any_severity=False):
    path = OUT / f"{name}.dxf"
    sheet.doc.saveas(path)
    lab = {"file": path.name, "habit": habit, "families": list(families), "violation": violation, "params": params}
    if any_severity:
        lab["any_severity"] = True
    cases.append(lab)


# ------------------------------------------------------------------ measuring the written scene
def shapes(sheet, layer):
    """Closed shapes on ``layer`` in metres, as ezdxf.path reads the written entities."""
    out = []
    for e in sheet.msp.query(f'*[layer=="{layer}"]'):
        kind = e.dxftype()
        if kind in ("TEXT", "MTEXT", "INSERT", "LEADER", "LINE"):
            continue
        paths = ezdxf.path.from_hatch(e) if kind == "HATCH" else [ezdxf.path.make_path(e)]
        for p in paths:
            pts = [(v.x / sheet.k, v.y / sheet.k) for v in p.flattening(0.001 * sheet.k)]
            if len(pts) >= 3:
                out.append(make_valid(Polygon(pts)))
    return out


def line_shapes(sheet, layer):
    """Outlines drawn as LINE pieces on ``layer``, noded and polygonised (the drafter's intent)."""
    from shapely.ops import polygonize
    segs = [LineString([(e.dxf.start.x / sheet.k, e.dxf.start.y / sheet.k),
                        (e.dxf.end.x / sheet.k, e.dxf.end.y / sheet.k)])
            for e in sheet.msp.query(f'LINE[layer=="{layer}"]')]
    return list(polygonize(unary_union(segs)))


def door_points(sheet):
    return [(e.dxf.insert.x / sheet.k, e.dxf.insert.y / sheet.k, e.dxf.name) for e in sheet.msp.query("INSERT")]


def judge_floor(comps, exits, limit, tol=0.3):
    found = set()
    for c in comps:
        if c.area > limit + 0.01:
            found.add("FR-07")
        if sum(1 for x, y, _ in exits if c.boundary.distance(Point(x, y)) < tol) < 2:
            found.add("FR-08")
    assert len(found) <= 1, found
    return next(iter(found), None)


def dims(kind, limit, depth=40.0):
    """Width of a compartment ``depth`` deep: 20 % over the limit for FR-07, 20 % under otherwise."""
    return limit * (1.2 if kind == "FR-07" else 0.8) / depth


# ------------------------------------------------------------------ floors
FLOOR_HOWS = ("baseline", "label-far-leader", "label-area-approx-thousands", "circled-two-compartments",
              "lines-split-collinear", "duplicate-outline", "self-intersect-corner", "polyline2d-width",
              "dashdot-thick-outline", "units-inches", "layer-prefixed-xf", "exit-at-wall-face",
              "sprinkler-note-negated", "sprinkler-note-english", "two-floors-side-by-side",
              "basement-title-level")


def floor(how, kind):
    name = f"o5-{how}-{kind}"
    underground = how == "basement-title-level"
    sprinklered = how == "sprinkler-note-english"
    limit = (BELOW if underground else ABOVE) * (2 if sprinklered else 1)
    k = 1000.0 / 25.4 if how == "units-inches" else 1000.0
    w = Sheet(version="R2000" if how == "polyline2d-width" else "R2018", k=k,
              insunits=1 if how == "units-inches" else 4)
    layer = "XF-防火分区边界" if how == "layer-prefixed-xf" else "防火分区"
    D = 40.0 if not underground else 20.0
    W = dims(kind, limit, D)
    if sprinklered and kind == "clean":
        W = 4000.0 / D  # over the plain 2500 m², within the sprinklered 5000 m²
    rect = [(0, 0), (W, 0), (W, D), (0, D)]
    exits = [(W * 0.25, 0.0, 0.0), (W * 0.75, D, 180.0)]
    if kind == "FR-08":
        exits = exits[:1]
    title = "-4.800m标高层平面图" if underground else "一层平面图"
    comps_layer = layer
    if how == "circled-two-compartments":
        W2 = 30.0
        W1 = dims(kind, limit) if kind == "FR-07" else 50.0
        a = [(0, 0), (W1, 0), (W1, D), (0, D)]
        b = [(W1, 0), (W1 + W2, 0), (W1 + W2, D), (W1, D)]
        w.outline(a, layer)
        w.outline(b, layer)
        w.text("防火分区①", (W1 / 2 - 3, D / 2))
        w.text("防火分区②", (W1 + W2 / 2 - 3, D / 2))
        exits = [(W1 * 0.3, 0.0, 0.0), (W1 * 0.6, D, 180.0), (W1 + W2 * 0.5, 0.0, 0.0), (W1 + W2 * 0.5, D, 180.0)]
        if kind == "FR-08":
            exits = exits[:3]
    elif how == "lines-split-collinear":
        # each edge in two or three pieces that overlap by 0.5 m, some drawn backwards
        segs = []
        for i, (p, q) in enumerate(zip(rect, rect[1:] + rect[:1])):
            ln = ((q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2) ** 0.5
            u = ((q[0] - p[0]) / ln, (q[1] - p[1]) / ln)
            at = lambda t: (p[0] + u[0] * t, p[1] + u[1] * t)  # noqa: E731
            first, second = (p, at(ln * 0.45 + 0.5)), (at(ln * 0.45), q)
            segs += [first, second[::-1]] if i % 2 else [first, second]
        for p, q in segs:
            w.msp.add_line(w.s(p), w.s(q), dxfattribs={"layer": w.layer(layer)})
    elif how == "duplicate-outline":
        w.outline(rect, layer)
        w.outline(rect, layer)  # copied in place
    elif how == "self-intersect-corner":
        # the last corner picked out of order: a small bow-tie loop at (0, D)
        w.outline([(0, 0), (W, 0), (W, D), (0, D - 0.5), (0.5, D)], layer)
    elif how == "polyline2d-width":
        pl = w.msp.add_polyline2d([w.s(p) for p in rect], close=True, dxfattribs={"layer": w.layer(layer)})
        pl.dxf.default_start_width = 0.3 * w.k
        pl.dxf.default_end_width = 0.3 * w.k
        for v in pl.vertices:
            v.dxf.start_width = 0.3 * w.k
            v.dxf.end_width = 0.3 * w.k
    elif how == "dashdot-thick-outline":
        w.layer(layer, color=1)
        w.outline(rect, layer, linetype="DASHDOT", const_width=0.4 * w.k, color=1)
    elif how == "two-floors-side-by-side":
        # the ground floor (always clean) beside the basement, which carries the pair's violation
        w.outline([(0, 0), (50, 0), (50, 40), (0, 40)], layer)
        w.text("一层平面图 1:100", (18, -6), h=0.7)
        w.text("防火分区一", (22, 20))
        for x, y, r in [(12.5, 0.0, 0.0), (37.5, 40.0, 180.0)]:
            w.door("FM甲1221", (x, y), rotation=r)
        ox = 90.0
        Db = 20.0
        Wb = dims(kind, BELOW, Db)
        w.outline([(ox, 0), (ox + Wb, 0), (ox + Wb, Db), (ox, Db)], layer)
        w.text("地下一层平面图 1:100", (ox + 5, -6), h=0.7)
        w.text("防火分区一", (ox + 5, Db / 2))
        bex = [(ox + Wb * 0.25, 0.0, 0.0), (ox + Wb * 0.75, Db, 180.0)]
        if kind == "FR-08":
            bex = bex[:1]
        for x, y, r in bex:
            w.door("FM甲1221", (x, y), rotation=r)
        ground = [c for c in shapes(w, layer) if c.bounds[2] < 60]
        base = [c for c in shapes(w, layer) if c.bounds[0] > 60]
        pts = door_points(w)
        assert judge_floor(ground, pts, ABOVE) is None
        assert judge_floor(base, pts, BELOW) == (None if kind == "clean" else kind)
        record(w, name, how, ("FR-07", "FR-08"), None if kind == "clean" else kind, dict(FLOOR))
        return
    else:
        w.outline(rect, layer)
    if how != "circled-two-compartments":
        area = W * D
        if how == "label-far-leader":
            w.text(f"防火分区一  S={area:.0f}㎡", (W + 12, D + 6), layer="A-ANNO-NOTE")
            w.leader([(W + 12, D + 6), (W + 6, D + 6), (W / 2, D / 2)], layer="A-ANNO-NOTE")
        elif how == "label-area-approx-thousands":
            w.text("防火分区一", (W / 2 - 3, D / 2 + 1))
            w.text(f"约{area:,.0f}㎡", (W / 2 - 3, D / 2 - 1))
        else:
            w.text("防火分区一", (W / 2 - 3, D / 2))
    w.text(title + " 1:100", (W / 2 - 6, -6), h=0.7)
    if how == "sprinkler-note-negated":
        w.text("注:本层不设自动喷水灭火系统。", (0, -10), h=0.5)
    if how == "sprinkler-note-english":
        w.text("NOTE: THE BUILDING IS PROTECTED THROUGHOUT BY AN AUTOMATIC SPRINKLER SYSTEM.", (0, -10), h=0.5)
    for x, y, r in exits:
        if how == "exit-at-wall-face":
            y = y + 0.12 if y == 0 else y - 0.12  # door set on the inner wall face, line on the wall centre
        w.door("FM甲1221", (x, y), rotation=r)
    comps = line_shapes(w, comps_layer) if how == "lines-split-collinear" else shapes(w, comps_layer)
    if how == "duplicate-outline":
        comps = comps[:1]
    if how == "self-intersect-corner":
        comps = [unary_union(comps)]
    if how == "polyline2d-width" or how == "dashdot-thick-outline":
        assert len(comps) == 1
    got = judge_floor(comps, door_points(w), limit)
    assert got == (None if kind == "clean" else kind), (name, got, [c.area for c in comps])
    if sprinklered and kind == "clean":
        assert max(c.area for c in comps) > ABOVE
    # a sheet that states its sprinklers is checked without a sprinkler parameter: an explicit project
    # parameter rightly beats the sheet's note (decision 126), so passing sprinklers=False would test that
    params = {k: v for k, v in FLOOR.items() if k != "sprinklers"} if how.startswith("sprinkler-note") else dict(FLOOR)
    record(w, name, how, ("FR-07", "FR-08"), None if kind == "clean" else kind, params)


# ------------------------------------------------------------------ doors (FR-12)
def door_code(how, kind):
    w = Sheet()
    W, D = 50.0, 40.0
    w.outline([(0, 0), (W, 0), (W, D), (0, D)], "防火分区")
    w.text("防火分区一", (22, 20))
    w.text("一层平面图 1:100", (18, -6), h=0.7)
    narrow = "FM甲-0821" if kind == "FR-12" else "FM甲-1221"
    w.door("FM甲-1221", (12.5, 0.0))
    w.door(narrow, (37.5, D), rotation=180.0)
    widths = [int(n.split("-")[1][:2]) / 10 for *_, n in door_points(w)]
    assert (min(widths) < 0.9) == (kind == "FR-12")
    record(w, f"o5-{how}-{kind}", how, ("FR-12",), None if kind == "clean" else kind, dict(FLOOR))


# ------------------------------------------------------------------ site plans (FR-01)
def site(how, kind):
    w = Sheet()
    high = how in ("site-label-words-high", "site-label-far-leader")
    need = 13.0 if high else 6.0
    gap = need + (2.0 if kind == "clean" else -2.0)
    a = box(0, 0, 40, 15)
    b = box(40 + gap, 0, 80 + gap, 15)
    assert (a.distance(b) < need) == (kind == "FR-01")
    lay = "A-MAST-ROOF"
    for i, poly in enumerate((a, b)):
        w.outline(list(poly.exterior.coords)[:-1], lay)
        x0, y0, x1, y1 = poly.bounds
        if how == "site-label-words-low":
            w.mtext("建筑高度23.40m\\P地上6层\\P耐火等级二级", (x0 + 2, y1 - 2), layer="A-ANNO-TEXT")
        elif how == "site-label-words-high":
            w.mtext("建筑高度49.80米\\P地上16层\\P耐火等级一级", (x0 + 2, y1 - 2), layer="A-ANNO-TEXT")
        else:  # far leader: label 20 m above the footprint, leader into it
            tx, ty = x0 + 5 + 3 * i, y1 + 20
            w.text("H=49.80 16F 一级", (tx, ty), layer="A-ANNO-TEXT")
            w.leader([(tx, ty), (tx, ty - 1), ((x0 + x1) / 2, (y0 + y1) / 2)], layer="A-ANNO-TEXT")
    w.text("总平面图 1:500", (30, -15), h=2.0)
    params = dict(FLOOR)
    params.update({"building_height_m": 49.8 if high else 23.4, "high_rise": high})
    record(w, f"o5-{how}-{kind}", how, ("FR-01",), None if kind == "clean" else kind, params)


# ------------------------------------------------------------------ fire lanes (FR-02)
def lane(how, kind):
    w = Sheet()
    width = 4.5 if kind == "clean" else 3.5
    lane_poly = box(0, 0, 80, width)
    if how == "lane-layer-english":
        w.outline(list(lane_poly.exterior.coords)[:-1], "FIRE LANE")
        w.text(f"FIRE LANE {width:.1f}m WIDE", (30, width + 1), layer="FIRE LANE")
        measured = shapes(w, "FIRE LANE")
    else:  # only a hatch on the lane layer, no boundary entity
        h = w.msp.add_hatch(color=3, dxfattribs={"layer": w.layer("消防车道")})
        h.set_pattern_fill("ANSI31", scale=0.5 * w.k)
        h.paths.add_polyline_path([w.s(p) for p in list(lane_poly.exterior.coords)[:-1]], is_closed=True)
        w.text("消防车道", (30, width + 1), layer="PUB_TEXT")
        measured = shapes(w, "消防车道")
    mic = [2 * _inscribed_r(m) for m in measured]
    assert (min(mic) < 4.0) == (kind == "FR-02"), mic
    footprint = box(10, width + 6, 60, width + 21)
    w.outline(list(footprint.exterior.coords)[:-1], "A-MAST-ROOF")
    w.text("总平面图 1:500", (30, -15), h=2.0)
    record(w, f"o5-{how}-{kind}", how, ("FR-02",), None if kind == "clean" else kind, dict(FLOOR))


def _inscribed_r(poly):
    from shapely import maximum_inscribed_circle
    return maximum_inscribed_circle(poly, 0.01).length


# ------------------------------------------------------------------ red lines (PL-02)
def red_line(how, kind):
    w = Sheet()
    site_poly = box(0, 0, 120, 100)
    fx = 60.0 if kind == "clean" else 108.0  # the violating footprint runs 3 m past the east red line
    footprint = box(fx, 30, fx + 15, 60)
    assert (not site_poly.contains(footprint)) == (kind == "PL-02")
    if how == "redline-dashed":
        w.layer("用地红线", color=1)
        w.outline(list(site_poly.exterior.coords)[:-1], "用地红线", linetype="DASHED", ltscale=5.0, color=1)
    else:  # a hatch whose boundary is the red line, nothing else on that layer
        h = w.msp.add_hatch(color=1, dxfattribs={"layer": w.layer("用地红线", color=1)})
        h.set_pattern_fill("ANSI31", scale=2 * w.k)
        h.paths.add_polyline_path([w.s(p) for p in list(site_poly.exterior.coords)[:-1]], is_closed=True)
    w.text("用地红线", (50, 101), layer="PUB_TEXT", h=2.0)
    w.outline(list(footprint.exterior.coords)[:-1], "A-MAST-ROOF")
    w.text("H=18.0 5F 二级", (fx + 2, 45), layer="A-MAST-ROOF", h=1.0)
    w.text("总平面图 1:500", (40, -15), h=2.0)
    record(w, f"o5-{how}-{kind}", how, ("PL-02",), None if kind == "clean" else kind, dict(FLOOR))


# ------------------------------------------------------------------ declared site area (PL-07)
def indicator(how, kind):
    w = Sheet()
    site_poly = box(0, 0, 120, 100)
    w.outline(list(site_poly.exterior.coords)[:-1], "用地红线")
    drawn = site_poly.area  # 12000 m²
    if how == "declared-area-after-gfa":
        declared = drawn if kind == "clean" else drawn * 1.04
        w.mtext(f"主要经济技术指标\\P总建筑面积: {drawn * 3:.2f}㎡\\P地上建筑面积: {drawn * 2.5:.2f}㎡\\P"
                f"总用地面积: {declared:.2f}㎡\\P容积率: 2.50", (130, 90), h=1.5)
    else:  # 万㎡
        declared = 1.20e4 if kind == "clean" else 1.26e4
        w.mtext(f"主要经济技术指标\\P总用地面积: {declared / 1e4:.2f}万㎡\\P总建筑面积: 3.60万㎡", (130, 90), h=1.5)
    off = abs(declared - drawn) / drawn
    assert (off > 0.005) == (kind == "PL-07")
    w.text("总平面图 1:500", (40, -15), h=2.0)
    record(w, f"o5-{how}-{kind}", how, ("PL-07",), None if kind == "clean" else kind, dict(FLOOR), any_severity=True)


# ------------------------------------------------------------------ civil-defence units (AD-01)
def civil(how, kind):
    w = Sheet()
    D = 40.0
    W1 = 55.0 if kind == "AD-01" else 45.0  # 2200 / 1800 m²
    W2 = 40.0  # 1600 m²
    lay = "人防-防护单元"
    a = [(0, 0), (W1, 0), (W1, D), (0, D)]
    b = [(W1, 0), (W1 + W2, 0), (W1 + W2, D), (W1, D)]
    w.outline(a, lay)
    w.outline(b, lay)
    if how == "ad-units-circled":
        w.text("防护单元①", (W1 / 2 - 3, D / 2), layer="人防-文字")
        w.text("防护单元②", (W1 + W2 / 2 - 3, D / 2), layer="人防-文字")
    else:  # areas only in a schedule table beside the plan, units numbered by a tag
        w.text("一", (W1 / 2, D / 2), layer="人防-文字", h=1.0)
        w.text("二", (W1 + W2 / 2, D / 2), layer="人防-文字", h=1.0)
        rows = [("防护单元", "面积(㎡)", "掩蔽人数"), ("一", f"{W1 * D:.0f}", f"{W1 * D:.0f}"),
                ("二", f"{W2 * D:.0f}", f"{W2 * D:.0f}")]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                w.text(cell, (W1 + W2 + 20 + 12 * c, D - 3 * r), layer="人防-表格", h=0.8)
    units = shapes(w, lay)
    assert (max(u.area for u in units) > UNIT_LIMIT) == (kind == "AD-01")
    for x, y, r in [(5, 0, 0), (W1 - 5, 0, 0), (W1 + 5, 0, 0), (W1 + W2 - 5, 0, 0)]:
        w.door("HFM1520", (x, y), layer="人防-门", rotation=r)
    w.text("地下一层人防平面图 1:100", (30, -8), h=0.7)
    record(w, f"o5-{how}-{kind}", how, ("AD-01",), None if kind == "clean" else kind, dict(FLOOR))


# ------------------------------------------------------------------ roofs (LP-02)
def roof(how, kind):
    w = Sheet()
    L, Wd = 60.0, 30.0
    w.outline([(0, 0), (L, 0), (L, Wd), (0, Wd)], "屋面")
    step = 10.0 if kind == "clean" else 15.0  # class 2: ≤ 10×10 or 12×8; 15×15 breaks it (class 3 allows 20×20)
    lay = w.layer("接闪带")
    w.outline([(0, 0), (L, 0), (L, Wd), (0, Wd)], lay)
    x = step
    while x < L - 0.01:
        w.msp.add_line(w.s((x, 0)), w.s((x, Wd)), dxfattribs={"layer": lay})
        x += step
    y = step
    while y < Wd - 0.01:
        w.msp.add_line(w.s((0, y)), w.s((L, y)), dxfattribs={"layer": lay})
        y += step
    cells = line_shapes_all(w, lay)
    biggest = max(max(c.bounds[2] - c.bounds[0], c.bounds[3] - c.bounds[1]) for c in cells)
    assert (biggest > 10.0 + 0.01) == (kind == "LP-02")
    note = "防雷类别: 二类" if how == "lp-class-erlei-short" else "LIGHTNING PROTECTION: CLASS 2"
    w.text(note, (0, -10), h=0.5)
    w.text("屋顶防雷平面图 1:100", (20, -6), h=0.7)
    record(w, f"o5-{how}-{kind}", how, ("LP-02",), None if kind == "clean" else kind, dict(FLOOR))


def line_shapes_all(sheet, layer):
    from shapely.ops import polygonize
    geoms = []
    for e in sheet.msp.query(f'*[layer=="{layer}"]'):
        p = ezdxf.path.make_path(e)
        pts = [(v.x / sheet.k, v.y / sheet.k) for v in p.flattening(0.001 * sheet.k)]
        geoms.append(LineString(pts))
    return list(polygonize(unary_union(geoms)))


def generate(out_dir: Path) -> list[dict]:
    global OUT
    OUT = Path(out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    cases.clear()
    for kind in ("clean", "FR-07", "FR-08"):
        for how in FLOOR_HOWS:
            floor(how, kind)
    for kind in ("clean", "FR-12"):
        door_code("door-code-dash", kind)
    for kind in ("clean", "FR-01"):
        for how in ("site-label-words-low", "site-label-words-high", "site-label-far-leader"):
            site(how, kind)
    for kind in ("clean", "FR-02"):
        for how in ("lane-layer-english", "lane-hatch-only"):
            lane(how, kind)
    for kind in ("clean", "PL-02"):
        for how in ("redline-dashed", "redline-hatch-only"):
            red_line(how, kind)
    for kind in ("clean", "PL-07"):
        for how in ("declared-area-after-gfa", "declared-area-wan"):
            indicator(how, kind)
    for kind in ("clean", "AD-01"):
        for how in ("ad-units-circled", "ad-units-schedule"):
            civil(how, kind)
    for kind in ("clean", "LP-02"):
        for how in ("lp-class-erlei-short", "lp-class-english"):
            roof(how, kind)
    (OUT / "labels.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return list(cases)


if __name__ == "__main__":
    import sys

    print(len(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "outside5-cases"))), "drawings")
