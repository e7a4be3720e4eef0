"""A second outside probe: labelled drawings in drafting habits neither generate.py nor habits.py
draws — compartments split by dividing lines drawn across one floor outline (防火分区线), basement
sheets titled the ways Chinese sets title them (负一层, B1, -1F, 防火分区示意图, 平面布置图), an R12
export (heavy POLYLINEs, no MTEXT), 天正 T3 doors (``$DorLib2D$`` blocks scaled to the opening,
codes as texts on WINDOW_TEXT, ordinary doors on WINDOW), texts as ``\\U+`` escapes in a UTF-8
file, ratings written ``耐火等级3级``, buildings as mirrored / rotated blocks, labels as ATTRIBs,
a centimetre drawing, hatch-only outlines with edge paths, polylines closed by a repeated vertex
and drawn with width, outlines drawn as overshooting LINEs, a bound xref's ``NAME$0$`` prefixes,
sprinklers stated in the clause's own words, fire lanes drawn by their edges (two edge lines, a
ring lane as outer + inner outline), protection units divided by a line, a Roman lightning class. One habit at a time, each a clean /
violating pair that differs only in the seeded violation.

Imports nothing from drawreview. The labels are this module's own reading of the clauses, measured
on the scene placed here (shapely, arithmetic):
- GB 50016-2014 (2018) 5.3.1: a compartment of a building ≤ 24 m (not high-rise) ≤ 2500 m²; an
  underground (地下 / 半地下) storey ≤ 500 m²; doubled with an automatic fire-extinguishing system.
- 5.5.8: each compartment has ≥ 2 exits (exits on the compartment's boundary).
- 5.5.18: exit doors ≥ 0.90 m clear (the width is the door code's first two digits, dm).
- 5.2.2: civil buildings ≤ 24 m, both 一/二级 6 m; both 三级 8 m; high-rise to high-rise 13 m.
- 7.1.8-1: fire lanes ≥ 4.0 m clear. GB 50038-2005 3.2.6: protection unit ≤ 2000 m²; 3.3.1: ≥ 2
  entrances per unit. GB 50057-2010 4.3.1: class 2 air-termination mesh ≤ 10 × 10 m or 12 × 8 m.
``generate(out_dir)`` writes ``*.dxf`` and ``labels.json`` and returns the labels.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
from shapely.geometry import Point, box

UNITS = {"mm": (1000.0, 4), "m": (1.0, 6), "cm": (100.0, 5)}
ABOVE, BELOW = 2500.0, 500.0  # GB 50016 5.3.1
FLOOR = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}


def separation(h: float, rating: int) -> float:  # GB 50016 5.2.2, two buildings of one height and rating
    if h > 24.0:
        return 13.0
    return {1: 6.0, 2: 6.0, 3: 8.0, 4: 12.0}[rating]


class Sheet:
    """One drawing in metres, written in ``units``; ``add_*`` take metre coordinates."""

    def __init__(self, units="mm", version="R2018"):
        self.k, code = UNITS[units]
        self.doc = ezdxf.new(version, setup=version != "R12")
        self.doc.header["$INSUNITS"] = code
        self.r12 = version == "R12"
        self.msp = self.doc.modelspace()

    def s(self, p):
        return (p[0] * self.k, p[1] * self.k)

    def layer(self, name):
        if name not in self.doc.layers:
            self.doc.layers.add(name)
        return name

    def outline(self, coords, layer, space=None, **kw):
        sp = space or self.msp
        pts = [self.s(c) for c in coords]
        if self.r12:
            return sp.add_polyline2d(pts, close=True, dxfattribs={"layer": self.layer(layer)})
        return sp.add_lwpolyline(pts, close=True, dxfattribs={"layer": self.layer(layer), **kw})

    def text(self, t, p, layer="PUB_TEXT", h=0.35, space=None):
        sp = space or self.msp
        return sp.add_text(t, height=h * self.k, dxfattribs={"layer": self.layer(layer), "insert": self.s(p)})

    def door(self, name, p, layer="A-DOOR", leaf=1.2, **attribs):
        """A door block (leaf + swing, drawn in the drawing's units) inserted with its hinge at p."""
        if name not in self.doc.blocks:
            b = self.doc.blocks.new(name)
            b.add_line((0, 0), (leaf * self.k, 0))
            b.add_arc((0, 0), leaf * self.k, 0, 90)
        return self.msp.add_blockref(name, self.s(p), dxfattribs={"layer": self.layer(layer), **attribs})

    def save(self, path):
        self.doc.saveas(path)


cases: list[dict] = []
OUT = Path(".")


def record(sheet, name, habit, families, violation, params):
    sheet.save(OUT / f"{name}.dxf")
    cases.append({"file": f"{name}.dxf", "habit": habit, "families": list(families), "violation": violation,
                  "params": params})


def judge(comps, exits, limit, widths=None):
    """The seeded family from the scene: a compartment over the limit, one with < 2 exits on its
    boundary, an exit door narrower than 0.9 m."""
    found = set()
    for c in comps:
        if c.area > limit + 0.01:
            found.add("FR-07")
        if sum(1 for e in exits if c.exterior.distance(Point(e)) < 0.3) < 2:
            found.add("FR-08")
    if widths and min(widths) < 0.9:
        found.add("FR-12")
    assert len(found) <= 1, found
    return next(iter(found), None)


# ------------------------------------------------------------------ floor plans (FR-07, FR-08, FR-12)
def split_floor(habit, kind):
    """One floor outline (closed polyline) on the compartment layer, divided into two compartments
    by a dividing line across it (the 防火分区线 along the fire wall), as compartment diagrams do."""
    wa = 50.0
    wb = 70.0 if kind == "FR-07" else 50.0  # 40 m deep: 2000 m² + 2000 / 2800 m²
    a, b = box(0, 0, wa, 40), box(wa, 0, wa + wb, 40)
    exits = [(10, 0), (40, 40), (wa + 10, 0)] + ([] if kind == "FR-08" else [(wa + wb - 10, 40)])
    assert judge([a, b], exits, ABOVE) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (wa + wb, 0), (wa + wb, 40), (0, 40)], "防火分区")
    w.msp.add_line(w.s((wa, 0)), w.s((wa, 40)), dxfattribs={"layer": "防火分区"})
    w.text("防火分区一", (20, 20), h=0.5)
    w.text("防火分区二", (wa + 20, 20), h=0.5)
    for x, y in exits:
        w.door("FM甲1221", (x, y))
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def floor(habit, kind, *, units="mm", version="R2018", title="三层平面图", underground=False, comp="polyline",
          door="block", params=None, codes=("FM甲1221", "FM甲1221"), families=("FR-07", "FR-08")):
    """One compartment W × 40 m with two exits on opposite walls; the habit changes one thing."""
    limit = BELOW if underground else ABOVE
    area = limit * (1.2 if kind == "FR-07" else 0.8)
    wd = area / 40.0
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)][: 1 if kind == "FR-08" else 2]
    widths = [int(c[-4:-2]) / 10 for c in codes[: len(exits)]]
    shape = box(0, 0, wd, 40)
    assert judge([shape], exits, limit, widths) == (None if kind == "clean" else kind)
    w = Sheet(units, version)
    ring = [(0, 0), (wd, 0), (wd, 40), (0, 40)]
    if comp == "polyline":
        w.outline(ring, "防火分区")
    elif comp == "repeat-vertex-width":  # closed by repeating the first vertex, no closed flag; 0.3 m wide
        w.msp.add_lwpolyline([w.s(c) for c in ring + ring[:1]], close=False,
                             dxfattribs={"layer": w.layer("防火分区"), "const_width": 0.3 * w.k})
    elif comp == "hatch-edges":  # only a hatch, its boundary an edge path (lines and a rounded corner)
        h = w.msp.add_hatch(color=1, dxfattribs={"layer": w.layer("防火分区")})
        h.set_pattern_fill("ANSI31", scale=50.0)
        ep = h.paths.add_edge_path()
        r = 2.0  # the corner (wd, 40) rounded with r: area loses r²(1 - π/4) = 0.86 m²
        ep.add_line(w.s((0, 0)), w.s((wd, 0)))
        ep.add_line(w.s((wd, 0)), w.s((wd, 40 - r)))
        ep.add_arc(w.s((wd - r, 40 - r)), r * w.k, 0, 90)
        ep.add_line(w.s((wd - r, 40)), w.s((0, 40)))
        ep.add_line(w.s((0, 40)), w.s((0, 0)))
    elif comp == "overshoot-lines":  # four LINEs, each running 0.4 m past the corners
        o = 0.4
        for (x0, y0), (x1, y1) in ((ring[0], ring[1]), (ring[1], ring[2]), (ring[2], ring[3]), (ring[3], ring[0])):
            dx, dy = (x1 - x0), (y1 - y0)
            n = math.hypot(dx, dy)
            ux, uy = dx / n * o, dy / n * o
            w.msp.add_line(w.s((x0 - ux, y0 - uy)), w.s((x1 + ux, y1 + uy)), dxfattribs={"layer": w.layer("防火分区")})
    for i, (x, y) in enumerate(exits):
        code = codes[i]
        if door == "block":
            w.door(code, (x, y))
        elif door == "tarch":  # 天正 T3: a library block drawn 1 unit wide, scaled to the opening, code as text
            name = "$DorLib2D$00000001"
            if name not in w.doc.blocks:
                b = w.doc.blocks.new(name)
                b.add_line((-0.5, 0), (0.5, 0))
                b.add_arc((-0.5, 0), 1.0, 0, 90)
                b.add_line((-0.5, 0), (-0.5, 1.0))
            wm = int(code[-4:-2]) / 10
            sy = 1 if y == 0 else -1
            w.msp.add_blockref(name, w.s((x, y)), dxfattribs={
                "layer": w.layer("DOOR_FIRE"), "xscale": wm * w.k * (-1 if i % 2 else 1), "yscale": wm * w.k * sy})
            w.text(code, (x - 0.6, y + 0.4 * sy), layer="WINDOW_TEXT", h=0.3)
        elif door == "tarch-window":  # 天正: ordinary doors on WINDOW, codes M1221 / M0821 beside them
            name = f"$DorLib2D$0000000{i + 2}"
            b = w.doc.blocks.new(name)
            b.add_line((-0.5, 0), (0.5, 0))
            b.add_arc((-0.5, 0), 1.0, 0, 90)
            wm = int(code[-4:-2]) / 10
            w.msp.add_blockref(name, w.s((x, y)), dxfattribs={"layer": w.layer("WINDOW"), "xscale": wm * w.k,
                                                               "yscale": wm * w.k, "rotation": 0 if y == 0 else 180})
            w.text(code, (x - 0.6, y + (0.4 if y == 0 else -0.7)), layer="WINDOW_TEXT", h=0.3)
        elif door == "mirrored":  # a door block mirrored (x scale -1) and turned 180°
            w.door(code, (x, y), xscale=-1.0, rotation=180.0)
    if title:
        w.text(title, (0, -6), h=0.7)
    name = f"floor-{habit}-{kind}"
    record(w, name, habit, families, None if kind == "clean" else kind,
           params if params is not None else ({} if underground else FLOOR))


# ------------------------------------------------------------------ site plans (FR-01)
def site(habit, kind, *, h=54.0, storeys=18, rating=2, labels=("H={h:.1f}m", "{n}F"), style="text", short=2.0):
    need = separation(h, rating)
    gap = need + 1.5 if kind == "clean" else need - short
    a, b = box(0, 0, 40, 15), box(40 + gap, 0, 80 + gap, 15)
    assert (a.distance(b) < need) == (kind == "FR-01")
    w = Sheet()
    words = [f.format(h=h, n=storeys, r=rating) for f in labels]
    if style == "block":  # each building a block (its outline and labels inside), mirrored / turned
        blk = w.doc.blocks.new("BLDG-A")
        blk.add_lwpolyline([(-20e3, -7.5e3), (20e3, -7.5e3), (20e3, 7.5e3), (-20e3, 7.5e3)], close=True)
        for i, t in enumerate(words):
            blk.add_text(t, height=500, dxfattribs={"insert": (-15e3, 4e3 - 1.5e3 * i)})
        w.layer("总图-建筑物")
        w.msp.add_blockref("BLDG-A", w.s((20, 7.5)), dxfattribs={"layer": "总图-建筑物", "xscale": -1})
        w.msp.add_blockref("BLDG-A", w.s((60 + gap, 7.5)), dxfattribs={"layer": "总图-建筑物", "rotation": 180})
    else:
        for g in (a, b):
            x0, y0, x1, y1 = g.bounds
            w.outline(list(g.exterior.coords)[:-1], "总图-建筑物")
            if style == "attrib":  # the labels as ATTRIBs of a label block placed in the outline
                if "LABEL" not in w.doc.blocks:
                    lb = w.doc.blocks.new("LABEL")
                    lb.add_circle((0, 0), 300)
                    for i, tag in enumerate(("层数", "高度", "耐火等级")):
                        lb.add_attdef(tag, (600, -600 * i), dxfattribs={"height": 400})
                ref = w.msp.add_blockref("LABEL", w.s((x0 + 4, y1 - 4)), dxfattribs={"layer": w.layer("A-ANNO-TEXT")})
                ref.add_auto_attribs({"层数": str(storeys), "高度": f"{h:.2f}", "耐火等级": "三级" if rating == 3 else "二级"})
            elif style == "escapes":  # \U+ escapes in a UTF-8 (R2018) file, as some converters write them
                for i, t in enumerate(words):
                    esc = "".join(c if c.isascii() else f"\\U+{ord(c):04X}" for c in t)
                    w.text(esc, (x0 + 3, y1 - 3 - 2 * i), h=0.5)
            else:
                for i, t in enumerate(words):
                    w.text(t, (x0 + 3, y1 - 3 - 2 * i), h=0.5)
    w.text("总平面图", (0, -10), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("FR-01",), None if kind == "clean" else "FR-01",
           {"use": "office"} if h <= 24 else {})


# ------------------------------------------------------------------ more floors: bound xref names, notes
def xref_floor(habit, kind):
    """A floor bound from an xref: layers and block names carry the xref's ``NAME$0$`` prefix."""
    codes = ("FM甲1221", "FM乙0821" if kind == "FR-12" else "FM甲1221")
    floor_kind = kind if kind in ("FR-07", "FR-08") else "clean"
    area = ABOVE * (1.2 if floor_kind == "FR-07" else 0.8)
    wd = area / 40.0
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)][: 1 if floor_kind == "FR-08" else 2]
    widths = [int(c[-4:-2]) / 10 for c in codes[: len(exits)]]
    assert judge([box(0, 0, wd, 40)], exits, ABOVE, widths) == (None if kind == "clean" else kind)
    w = Sheet()
    pre = "三层平面$0$"
    w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], pre + "防火分区")
    for (x, y), code in zip(exits, codes):
        w.door(pre + code, (x, y), layer=pre + "A-DOOR")
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08", "FR-12"), None if kind == "clean" else kind, FLOOR)


def noted_floor(habit, kind, note):
    """Sprinklers stated by a design note, not a parameter: the 5.3.1 limit doubles (5000 m²)."""
    limit = 2 * ABOVE
    area = limit * (1.04 if kind == "FR-07" else 0.8)
    wd = area / 40.0
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)]
    assert judge([box(0, 0, wd, 40)], exits, limit) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], "防火分区")
    for x, y in exits:
        w.door("FM甲1221", (x, y))
    w.text("三层平面图", (0, -6), h=0.7)
    w.text(note, (0, -10), h=0.35)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind,
           {k: v for k, v in FLOOR.items() if k != "sprinklers"})


# ------------------------------------------------------------------ fire lanes (FR-02, 7.1.8-1: ≥ 4.0 m)
def lane(habit, kind):
    """A fire lane drawn by its edges: two open edge lines along a straight lane, or a ring lane
    around a building drawn as its outer and inner outlines (no hatch)."""
    wl = 3.5 if kind == "FR-02" else 4.5
    w = Sheet()
    if habit == "lane-two-edge-lines":
        strip = box(0, 0, 120, wl)
        for y in (0, wl):
            w.msp.add_lwpolyline([w.s((0, y)), w.s((60, y)), w.s((120, y))], dxfattribs={"layer": w.layer("消防车道")})
    else:  # ring around a 60 × 30 m building, 8 m off it; the north side is wl wide, the others 5 m
        inner = box(-8, -8, 68, 38)
        outer = box(-13, -13, 73, 38 + wl)
        strip = outer.difference(inner)
        w.outline(list(outer.exterior.coords)[:-1], "消防车道")
        w.outline(list(inner.exterior.coords)[:-1], "消防车道")
        w.outline([(0, 0), (60, 0), (60, 30), (0, 30)], "总图-建筑物")
        w.text("H=15.0m", (3, 27), h=0.5)
    narrow = strip.difference(strip.buffer(-3.999 / 2, join_style=2).buffer(3.999 / 2, join_style=2)).area > 0.5
    assert narrow == (kind == "FR-02")
    w.text("总平面图", (0, -20), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("FR-02",), None if kind == "clean" else kind, {"use": "office"})


# ------------------------------------------------------------------ civil defence (GB 50038 3.2.6, 3.3.1)
def shelter(habit, kind):
    """Protection units ≤ 2000 m² with ≥ 2 entrances each, drawn as one outline divided by a line."""
    xd = 55.0 if kind == "AD-01" else 40.0
    a, b = box(0, 0, xd, 40), box(xd, 0, 80, 40)
    ents = [box(5, -6, 8, 0), box(5, 40, 8, 46), box(xd + 5, -6, xd + 8, 0)]
    if kind != "AD-02":
        ents.append(box(72, 40, 75, 46))
    found = {"AD-01" for u in (a, b) if u.area > 2000.0} | {
        "AD-02" for u in (a, b) if sum(1 for e in ents if e.distance(u) < 0.2) < 2}
    assert found == ({kind} if kind != "clean" else set())
    w = Sheet()
    w.outline([(0, 0), (80, 0), (80, 40), (0, 40)], "防护单元")
    w.msp.add_line(w.s((xd, 0)), w.s((xd, 40)), dxfattribs={"layer": "防护单元"})
    for e in ents:
        w.outline(list(e.exterior.coords)[:-1], "人防出入口")
    w.text("人防地下室平面图", (0, -10), h=0.7)
    record(w, f"shelter-{habit}-{kind}", habit, ("AD-01", "AD-02"), None if kind == "clean" else kind, {})


# ------------------------------------------------------------------ lightning (GB 50057 4.3.1: class 2 mesh)
def roof(habit, kind, note):
    """A 45 × 30 m roof, conductors along its edge and a grid: 9 × 10 m cells (clean) or 15 × 10
    (too wide for class 2's 10 × 10 / 12 × 8, fine for class 3's 20 × 20); the class is the note's."""
    step = 15.0 if kind == "LP-02" else 9.0
    fits = lambda a, b: (max(a, b) <= 10 and min(a, b) <= 10) or (max(a, b) <= 12 and min(a, b) <= 8)  # noqa: E731
    assert (not fits(step, 10.0)) == (kind == "LP-02")
    w = Sheet()
    w.outline([(0, 0), (45, 0), (45, 30), (0, 30)], "屋面轮廓")
    w.outline([(0, 0), (45, 0), (45, 30), (0, 30)], "接闪带")
    x = step
    while x < 45 - 1e-6:
        w.msp.add_line(w.s((x, 0)), w.s((x, 30)), dxfattribs={"layer": "接闪带"})
        x += step
    for y in (10, 20):
        w.msp.add_line(w.s((0, y)), w.s((45, y)), dxfattribs={"layer": "接闪带"})
    w.text("屋顶防雷平面图", (0, -6), h=0.7)
    w.text(note, (0, -10), h=0.35)
    record(w, f"roof-{habit}-{kind}", habit, ("LP-02",), None if kind == "clean" else kind, {})


# ------------------------------------------------------------------ more habits: layouts, layer names, rooms, sites
def layouts_floor(habit, kind):
    """A basement plan in model space; its frame and title in two layouts that both show it (an A1
    layout and an A3 print of the same sheet), each with the same title."""
    area = BELOW * (1.2 if kind == "FR-07" else 0.8)
    wd = area / 40.0
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)]
    assert judge([box(0, 0, wd, 40)], exits, BELOW) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], "防火分区")
    for x, y in exits:
        w.door("FM甲1221", (x, y))
    for name, (pw, ph) in (("A1", (841, 594)), ("A3", (420, 297))):
        ps = w.doc.layouts.new(name) if name not in w.doc.layouts else w.doc.layouts.get(name)
        ps.add_lwpolyline([(0, 0), (pw, 0), (pw, ph), (0, ph)], close=True, dxfattribs={"layer": w.layer("TK")})
        ps.add_viewport(center=(pw * 0.45, ph * 0.55), size=(pw * 0.8, ph * 0.8),
                        view_center_point=w.s((wd / 2, 20)), view_height=60 * w.k)
        ps.add_text("地下一层平面图", height=ph / 60, dxfattribs={"layer": w.layer("TK"), "insert": (pw * 0.75, ph * 0.05)})
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, {})


def layer_floor(habit, kind, comp_layer):
    floor_kind = kind
    area = ABOVE * (1.2 if floor_kind == "FR-07" else 0.8)
    wd = area / 40.0
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)][: 1 if kind == "FR-08" else 2]
    assert judge([box(0, 0, wd, 40)], exits, ABOVE) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], comp_layer)
    for x, y in exits:
        w.door("FM甲1221", (x, y))
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def rooms(habit, kind):
    """GB 50016 5.5.15: a room over 120 m² needs two doors. 天正 rooms: outlines on SPACE along the
    walls' inner faces, names on SPACE; doors as $DorLib2D$ blocks on WINDOW at the wall's centre
    line (0.1 m outside the room outline), codes on WINDOW_TEXT."""
    room = box(0, 0, 12, 12)  # 144 m²
    doors = [(3, -0.1)] + ([] if kind == "FR-13" else [(9, 12.1)])
    n = sum(1 for d in doors if room.exterior.distance(Point(d)) < 0.3)
    assert (room.area > 120 and n == 1) == (kind == "FR-13")
    w = Sheet()
    w.outline(list(room.exterior.coords)[:-1], "SPACE")
    w.text("办公室", (5, 6), layer="SPACE", h=0.35)
    w.text("144.00㎡", (5, 5.2), layer="SPACE", h=0.3)
    b = w.doc.blocks.new("$DorLib2D$00000009")
    b.add_line((-0.5, 0), (0.5, 0))
    b.add_arc((-0.5, 0), 1.0, 0, 90)
    for i, (x, y) in enumerate(doors):
        w.msp.add_blockref(b.name, w.s((x, y)), dxfattribs={"layer": w.layer("WINDOW"), "xscale": w.k,
                                                              "yscale": w.k, "rotation": 0 if y < 0 else 180})
        w.text("M1021", (x - 0.5, y - 0.6 if y < 0 else y + 0.3), layer="WINDOW_TEXT", h=0.3)
    w.text("二层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-13",), None if kind == "clean" else kind, {"use": "office"})


def red_line_site(habit, kind):
    """GB 50352 4.3.1 (as RULES.md reads it): nothing crosses the site boundary. The red line drawn
    as loose LINEs and ARCs (rounded corners at the road junction), exploded from a polyline."""
    site_poly = box(0, 0, 100, 80).buffer(-8).buffer(8, quad_segs=32)  # 8 m corner radius
    bx1 = 103.0 if kind == "PL-02" else 90.0
    bld = box(60, 20, bx1, 50)
    assert (bld.difference(site_poly).area > 0.01) == (kind == "PL-02")
    w = Sheet()
    r = 8.0
    for (x0, y0), (x1, y1) in (((r, 0), (100 - r, 0)), ((100, r), (100, 80 - r)), ((100 - r, 80), (r, 80)),
                               ((0, 80 - r), (0, r))):
        w.msp.add_line(w.s((x0, y0)), w.s((x1, y1)), dxfattribs={"layer": w.layer("用地红线")})
    for (cx, cy), a0 in (((r, r), 180), ((100 - r, r), 270), ((100 - r, 80 - r), 0), ((r, 80 - r), 90)):
        w.msp.add_arc(w.s((cx, cy)), r * w.k, a0, a0 + 90, dxfattribs={"layer": "用地红线"})
    w.outline(list(bld.exterior.coords)[:-1], "总图-建筑物")
    w.text("H=15.0m", (62, 47), h=0.5)
    w.text("总平面图", (0, -10), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("PL-02",), None if kind == "clean" else kind, {"use": "office"})


# ------------------------------------------------------------------ indicator tables (PL-07, a warning)
def indicator(habit, kind, style):
    """施工图审查要点 (RULES.md PL-07): the declared 用地面积 matches the drawn site within 0.5 %. A
    200 × 150 m site (30 000 m²); the table declares it (clean) or 5 % more (violating)."""
    drawn = 200.0 * 150.0
    declared = drawn * (1.05 if kind == "PL-07" else 1.0)
    assert (abs(declared - drawn) > 0.005 * drawn) == (kind == "PL-07")
    w = Sheet()
    w.outline([(0, 0), (200, 0), (200, 150), (0, 150)], "用地红线")
    x, y = 210.0, 140.0
    if style == "unit-first":
        w.text(f"用地面积(㎡)：{declared:.2f}", (x, y), h=1.0)
    elif style == "thousands":
        w.text(f"用地面积：{declared:,.2f}㎡", (x, y), h=1.0)
    elif style == "hectares":
        w.text(f"用地面积：{declared / 10000:.2f}公顷", (x, y), h=1.0)
    elif style == "table-cells":  # key, value and unit in three cells of one row
        w.text("用地面积", (x, y), h=1.0)
        w.text(f"{declared:.2f}", (x + 20, y), h=1.0)
        w.text("㎡", (x + 35, y), h=1.0)
    else:
        w.text(f"用地面积：{declared:.2f}㎡", (x, y), h=1.0)
    w.text("总平面图", (0, -10), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("PL-07",), None if kind == "clean" else kind, {})
    cases[-1]["any_severity"] = True  # PL-07 is a warning


def courtyard_floor(habit, kind, label):
    """A compartment around a courtyard / atrium void, drawn as its outer and inner outline on the
    compartment layer: the compartment's area is the floor between them (5.3.1 counts floor area)."""
    wd = 65.0 if kind == "FR-07" else 60.0
    comp = box(0, 0, wd, 45).difference(box(20, 15, 35, 30))  # the void 15 × 15 m
    exits = [(10, 0), (wd - 10, 45)]
    assert judge([comp], exits, ABOVE) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (wd, 0), (wd, 45), (0, 45)], "防火分区")
    w.outline([(20, 15), (35, 15), (35, 30), (20, 30)], "防火分区")
    if label:
        w.text(label, (25, 22), h=0.5)
    w.text("防火分区一", (5, 40), h=0.5)
    for x, y in exits:
        w.door("FM甲1221", (x, y))
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def nested_floor(habit, kind):
    """A floor bound from an xref (``平面$0$`` names) whose compartment and doors sit one block deeper
    (a 核心区 block inside the plan block), drawn on layer 0 so they take the enclosing inserts'
    layer; the plan block is inserted mirrored (x scale -1) and turned 90°."""
    area = ABOVE * (1.2 if kind == "FR-07" else 0.8)
    wd = area / 40.0
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)][: 1 if kind == "FR-08" else 2]
    assert judge([box(0, 0, wd, 40)], exits, ABOVE) == (None if kind == "clean" else kind)
    w = Sheet()
    inner = w.doc.blocks.new("平面$0$核心区")
    inner.add_lwpolyline([w.s(c) for c in ((0, 0), (wd, 0), (wd, 40), (0, 40))], close=True)  # layer 0
    if "平面$0$FM甲1221" not in w.doc.blocks:
        d = w.doc.blocks.new("平面$0$FM甲1221")
        d.add_line((0, 0), (1.2 * w.k, 0))
        d.add_arc((0, 0), 1.2 * w.k, 0, 90)
    outer = w.doc.blocks.new("平面$0$三层")
    outer.add_blockref(inner.name, (0, 0), dxfattribs={"layer": w.layer("平面$0$防火分区")})
    for x, y in exits:
        outer.add_blockref("平面$0$FM甲1221", w.s((x, y)), dxfattribs={"layer": w.layer("平面$0$A-DOOR")})
    w.msp.add_blockref(outer.name, w.s((100, 100)), dxfattribs={"layer": "0", "xscale": -1, "rotation": 90})
    w.text("三层平面图", (40, 40), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def generate(out_dir: Path) -> list[dict]:
    global OUT
    OUT = Path(out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    cases.clear()
    for kind in ("clean", "FR-07", "FR-08"):
        floor("baseline", kind)
        split_floor("dividing-line", kind)
        floor("r12-export", kind, version="R12")
        floor("units-cm", kind, units="cm")
        floor("hatch-edge-path-only", kind, comp="hatch-edges")
        floor("closed-by-repeat-vertex-width", kind, comp="repeat-vertex-width")
        floor("overshooting-lines", kind, comp="overshoot-lines")
        floor("tarch-door-lib-blocks", kind, door="tarch")
        floor("mirrored-door-blocks", kind, door="mirrored")
        for tag, title in (("plain", "地下一层平面图"), ("fu", "负一层平面图"), ("b1", "B1层平面图"), ("minus1f", "-1F平面图"),
                           ("zoning", "地下一层防火分区示意图"), ("layout", "地下一层平面布置图"),
                           ("escaped", "\\U+5730\\U+4E0B\\U+4E00\\U+5C42\\U+5E73\\U+9762\\U+56FE")):
            floor(f"basement-title-{tag}", kind, title=title, underground=True)
    for kind in ("clean", "FR-12"):
        codes = ("FM甲1221", "FM乙0821" if kind == "FR-12" else "FM甲1221")
        floor("tarch-door-lib-width", kind, door="tarch", codes=codes, families=("FR-07", "FR-08", "FR-12"))
        wcodes = ("M1221", "M0821" if kind == "FR-12" else "M1221")
        floor("tarch-window-layer-doors", kind, door="tarch-window", codes=wcodes,
              families=("FR-07", "FR-08", "FR-12"))
    for kind in ("clean", "FR-01"):
        site("baseline", kind)
        site("rating-arabic-no-colon", kind, h=15.0, storeys=5, rating=3, labels=("H={h:.1f}m", "{n}F", "耐火等级{r}级"))
        site("rating-before-word", kind, h=15.0, storeys=5, rating=3, labels=("H={h:.1f}m", "{n}F", "三级耐火"))
        site("buildings-as-mirrored-blocks", kind)
        site("labels-as-attribs", kind, h=15.0, storeys=5, rating=3, style="attrib")
        site("storeys-plus-roof-floor", kind, h=57.0, storeys=19, labels=("1#楼", "18+1F"))
        site("labels-as-unicode-escapes", kind, labels=("建筑高度{h:.1f}米", "地上{n}层"), style="escapes")
    for kind in ("clean", "FR-07", "FR-08", "FR-12"):
        xref_floor("bound-xref-prefixes", kind)
    for kind in ("clean", "FR-07"):
        noted_floor("sprinkler-note-baseline", kind, "本建筑设自动喷水灭火系统")
        noted_floor("sprinkler-note-clause-words", kind, "本建筑全部设置自动灭火系统")
    for kind in ("clean", "FR-02"):
        lane("lane-two-edge-lines", kind)
        lane("lane-ring-two-outlines", kind)
    for kind in ("clean", "AD-01", "AD-02"):
        shelter("unit-dividing-line", kind)
    for kind in ("clean", "LP-02"):
        roof("lp-class-baseline", kind, "本建筑物按第二类防雷建筑物设防")
        roof("lp-class-roman", kind, "本建筑物按第Ⅱ类防雷建筑物设防")
    for kind in ("clean", "FR-07"):
        layouts_floor("title-in-two-layouts", kind)
    for kind in ("clean", "FR-07", "FR-08"):
        layer_floor("layer-xiaofang-fenqu", kind, "消防分区")
        layer_floor("layer-en-FIRE-AREA", kind, "FIRE-AREA")
        layer_floor("layer-fullwidth-spaces", kind, " 建筑－防火分区 （一） ")
    for kind in ("clean", "FR-07", "FR-08"):
        nested_floor("xref-nested-two-levels-mirrored", kind)
    for kind in ("clean", "FR-07"):
        courtyard_floor("courtyard-inner-outline", kind, "中庭上空")
        courtyard_floor("courtyard-inner-outline-unlabelled", kind, "")
    for kind in ("clean", "FR-13"):
        rooms("tarch-space-rooms", kind)
    for kind in ("clean", "PL-02"):
        red_line_site("red-line-lines-and-arcs", kind)
    for kind in ("clean", "PL-07"):
        for style in ("baseline", "unit-first", "thousands", "hectares", "table-cells"):
            indicator(f"declared-area-{style}", kind, style)
    (OUT / "labels.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return list(cases)


if __name__ == "__main__":
    import sys

    print(len(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "outside-cases"))), "drawings")
