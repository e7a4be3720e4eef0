"""A fourth outside probe: labelled drawings in drafting habits that generate.py, habits.py, outside.py
and outside3.py do not draw — compartment outlines with bulged (rounded or bowed) edges, a bowed
outline in a mirrored OCS, closed SPLINEs, hatches whose polyline path has bulges, a compartment
block repeated by MINSERT, a block drawn in metres inserted ×1000 and turned, two nested blocks
turned and mirrored, 天正 walls exploded to line pairs broken at the doors with only the dividing
line on the compartment layer, a whole T20 floor (axes, bubbles, dimensions, columns, room and
area labels), English-office layers (FP-, A-AREA-IDEN labels like ``FA-01 2,150 m2``), basement
titles in a title block's ATTRIB, in formatted MTEXT, with Arabic digits or in English, sprinklers
written 喷淋, compartment labels on LEADERs inside a block or drawn as plain lines, door codes in
MTEXT beside generic doors or with the grade after the number (``FM1221甲``), building labels in
one MTEXT of paragraphs, ``18F/54.00m``, stacked storeys, site plans in turned blocks or drawn in
metres, fire lanes drawn by edges meeting at a T junction or turning with arcs, a lane as one wide
polyline, areas declared with a stacked ``m\\S2^;``, in an ATTRIB or in 亩, a roof mesh drawn as
one snaking polyline. One habit at a time, each a clean / violating pair that differs only in the
violation.

Imports nothing from drawreview. Every label is measured here on the scene as ezdxf itself places
it (``ezdxf.path`` of the written entities, blocks exploded by ezdxf, shapely), against RULES.md:
- GB 50016-2014 (2018) 5.3.1: a compartment of a building ≤ 24 m ≤ 2500 m²; an underground
  storey ≤ 500 m²; doubled with automatic sprinklers. 5.5.8: ≥ 2 exits on each compartment's
  boundary. 5.5.18: exit doors ≥ 0.90 m (the code's first two digits, dm).
- 5.2.2: civil buildings, both 一/二级, both ≤ 24 m: 6 m; both high-rise: 13 m (18 storeys of
  housing is high-rise whatever the storey height).
- 7.1.8-1: fire lanes ≥ 4.0 m clear. GB 50057-2010 4.3.1: class 2 mesh ≤ 10 × 10 m or 12 × 8 m.
- RULES.md PL-07: the declared site area within 0.5 % of the drawn one (1 亩 = 2000/3 m²).
``generate(out_dir)`` writes ``*.dxf`` and ``labels.json`` and returns the labels.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
import ezdxf.path
from shapely.affinity import rotate
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import nearest_points, unary_union

ABOVE, BELOW = 2500.0, 500.0  # GB 50016 5.3.1
FLOOR = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}
OUT = Path(".")
cases: list[dict] = []


class Sheet:
    """One drawing in millimetres; ``s`` turns metre coordinates into drawing units."""

    def __init__(self, version="R2018", k=1000.0, insunits=4):
        self.k = k
        self.doc = ezdxf.new(version, setup=True)
        self.doc.header["$INSUNITS"] = insunits
        self.msp = self.doc.modelspace()

    def s(self, p):
        return (p[0] * self.k, p[1] * self.k)

    def layer(self, name):
        if name not in self.doc.layers:
            self.doc.layers.add(name)
        return name

    def outline(self, coords, layer, space=None, k=None):
        k = self.k if k is None else k
        return (self.msp if space is None else space).add_lwpolyline([(x * k, y * k) for x, y in coords], close=True,
                                                  dxfattribs={"layer": self.layer(layer)})

    def text(self, t, p, layer="PUB_TEXT", h=0.35, space=None, k=None):
        k = self.k if k is None else k
        return (self.msp if space is None else space).add_text(t, height=h * k, dxfattribs={"layer": self.layer(layer),
                                                                        "insert": (p[0] * k, p[1] * k)})

    def mtext(self, t, p, layer="PUB_TEXT", h=0.35):
        return self.msp.add_mtext(t, dxfattribs={"layer": self.layer(layer), "insert": self.s(p),
                                                 "char_height": h * self.k})

    def door(self, name, p, layer="A-DOOR", rotation=0.0, width=1.2):
        if name not in self.doc.blocks:
            b = self.doc.blocks.new(name)
            b.add_line((0, 0), (width * self.k, 0))
            b.add_arc((0, 0), width * self.k, 0, 90)
        return self.msp.add_blockref(name, self.s(p), dxfattribs={"layer": self.layer(layer), "rotation": rotation})


def record(sheet, name, habit, families, violation, params):
    path = OUT / f"{name}.dxf"
    sheet.doc.saveas(path)
    cases.append({"file": path.name, "habit": habit, "families": list(families), "violation": violation,
                  "params": params})


# ------------------------------------------------------------------ measuring the scene as ezdxf places it
def polygons(entity, k=1000.0):
    """The closed shapes ``entity`` draws in WCS metres: blocks exploded (nested, MINSERT) by ezdxf,
    curves flattened by ezdxf.path."""
    kind = entity.dxftype()
    if kind == "INSERT" and entity.mcount > 1:
        return [g for ref in entity.multi_insert() for g in polygons(ref, k)]
    if kind == "INSERT":
        return [g for e in entity.virtual_entities() for g in polygons(e, k)]
    if kind in ("TEXT", "MTEXT", "ATTRIB", "ATTDEF"):
        return []
    if kind == "HATCH":
        paths = ezdxf.path.from_hatch(entity)
    else:
        paths = [ezdxf.path.make_path(entity)]
    out = []
    for p in paths:
        pts = [(v.x / k, v.y / k) for v in p.flattening(0.001 * k)]
        if len(pts) >= 3:
            out.append(Polygon(pts).buffer(0))
    return out


def judge(comps, exits, limit, widths=None):
    """The seeded family: a compartment over the limit, one with < 2 exits on its boundary, an exit
    door narrower than 0.9 m."""
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


def on_edge(poly, p):
    """The point of ``poly``'s boundary nearest to ``p`` (a door set on the wall)."""
    q = nearest_points(poly.exterior, Point(p))[0]
    return (q.x, q.y)


def width_for(kind, limit, depth=40.0):
    return limit * (1.2 if kind == "FR-07" else 0.8) / depth


def arc_pts(c, r, a0, a1, n=24):
    return [(c[0] + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
             c[1] + r * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


# ------------------------------------------------------------------ floors: one compartment drawn in one habit
def floor(habit, kind, how):
    underground = how.startswith("title-")
    limit = BELOW if underground else ABOVE
    sprinklers = how == "sprinkler-penlin"
    w = Sheet()
    wd = width_for(kind, limit * (2 if sprinklers else 1))
    if sprinklers and kind == "clean":
        wd = 4000.0 / 40.0  # over the plain 2500 m², within the sprinklered 5000 m²
    layer = "防火分区"
    ents = []
    if how == "bulge-rounded-corners":  # every corner rounded (r 3 m) by bulged vertices
        r, b = 3.0, math.tan(math.radians(22.5))
        pts = [(r, 0, 0), (wd - r, 0, b), (wd, r, 0), (wd, 40 - r, b), (wd - r, 40, 0), (r, 40, b), (0, 40 - r, 0),
               (0, r, b)]
        ents.append(w.msp.add_lwpolyline([(x * w.k, y * w.k, 0, 0, bb) for x, y, bb in pts], format="xyseb",
                                         close=True, dxfattribs={"layer": w.layer(layer)}))
    elif how in ("bulge-bowed-side", "ocs-mirrored-bowed-side"):  # the north façade one arc bowing out 6 m
        s = 6.0
        wd = wd - 4.0  # leave room for the segment's area
        seg = lambda d: (d * d / (8 * s) + s / 2) ** 2 / 2 * (4 * math.atan(2 * s / d) - math.sin(4 * math.atan(2 * s / d)))  # noqa: E731
        target = limit * (1.2 if kind == "FR-07" else 0.8)
        for _ in range(50):  # width whose rectangle + segment hits the target
            wd = (target - seg(wd)) / 40.0
        b = 2 * s / wd
        pts = [(0, 0, 0), (wd, 0, 0), (wd, 40, b), (0, 40, 0)]
        if how.startswith("ocs"):  # mirrored: OCS x = −WCS x, extrusion −Z, the same bulges
            ents.append(w.msp.add_lwpolyline([(-x * w.k, y * w.k, 0, 0, -bb) for x, y, bb in pts], format="xyseb",
                                             close=True, dxfattribs={"layer": w.layer(layer), "extrusion": (0, 0, -1)}))
        else:
            ents.append(w.msp.add_lwpolyline([(x * w.k, y * w.k, 0, 0, bb) for x, y, bb in pts], format="xyseb",
                                             close=True, dxfattribs={"layer": w.layer(layer)}))
    elif how == "closed-spline":  # a closed SPLINE through twelve fit points of a rounded floor
        def spline(sx):
            fit = [(sx * x, y) for x, y in ((0, 2), (0, 20), (0, 38), (8, 40), (30, 41), (52, 40), (60, 38), (60, 20),
                                             (60, 2), (52, 0), (30, -1), (8, 0))]
            return fit
        probe = Sheet()
        sp = probe.msp.add_spline([(x * 1000, y * 1000) for x, y in spline(1.0)])
        sp.closed = True
        a1 = polygons(sp)[0].area
        sx = limit * (1.2 if kind == "FR-07" else 0.8) / a1
        ents.append(w.msp.add_spline([(x * w.k, y * w.k) for x, y in spline(sx)], dxfattribs={"layer": w.layer(layer)}))
        ents[-1].closed = True
    elif how == "hatch-bulge-path":  # only a hatch; its polyline path rounds two corners with bulges
        r, b = 4.0, math.tan(math.radians(22.5))
        h = w.msp.add_hatch(color=1, dxfattribs={"layer": w.layer(layer)})
        h.paths.add_polyline_path([(0, 0, 0), ((wd - r) * w.k, 0, b), (wd * w.k, r * w.k, 0), (wd * w.k, 40 * w.k, 0),
                                   (r * w.k, 40 * w.k, b), (0, (40 - r) * w.k, 0)], is_closed=True)
        ents.append(h)
    elif how == "block-metres-x1000-turned":  # a block drawn in metres, inserted ×1000 and turned 30°
        blk = w.doc.blocks.new("FHFQ_M")
        blk.block_record.dxf.units = 6
        blk.add_lwpolyline([(0, 0), (wd, 0), (wd, 40), (0, 40)], close=True)
        ents.append(w.msp.add_blockref(blk.name, (5000, 3000), dxfattribs={"layer": w.layer(layer), "xscale": 1000,
                                                                          "yscale": 1000, "rotation": 30}))
    elif how == "nested-turned-mirrored":  # inner block turned 90°, outer block mirrored and turned 180°
        inner = w.doc.blocks.new("分区")
        inner.add_lwpolyline([(0, 0), (40000, 0), (40000, wd * 1000), (0, wd * 1000)], close=True)
        outer = w.doc.blocks.new("平面")
        outer.add_blockref("分区", (0, 0), dxfattribs={"rotation": 90})
        ents.append(w.msp.add_blockref("平面", (100000, 50000), dxfattribs={"layer": w.layer(layer), "xscale": -1,
                                                                            "rotation": 180}))
    elif how == "fp-english-layers":  # an English office: FP-AREA outline, A-AREA-IDEN label, A-DOOR-FIRE doors
        layer = "FP-AREA"
        ents.append(w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], layer))
        w.text(f"FA-01 {wd * 40:,.0f} m2", (wd / 2 - 4, 20), layer="A-AREA-IDEN", h=0.5)
    else:  # title- and sprinkler habits: a plain outline
        ents.append(w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], layer))
    comps = [g for e in ents for g in polygons(e)]
    assert len(comps) == 1
    c = comps[0]
    minx, miny, maxx, maxy = c.bounds
    exits = [on_edge(c, (minx + 0.25 * (maxx - minx), miny)), on_edge(c, (minx + 0.75 * (maxx - minx), maxy))]
    if how == "block-metres-x1000-turned":  # doors on the two long walls, along the turned walls
        exits = [on_edge(c, rotate(Point(5 + wd * 0.25, 3), 30, origin=(5, 3)).coords[0]),
                 on_edge(c, rotate(Point(5 + wd * 0.75, 43), 30, origin=(5, 3)).coords[0])]
    exits = exits[: 1 if kind == "FR-08" else 2]
    assert judge(comps, exits, limit * (2 if sprinklers else 1)) == (None if kind == "clean" else kind)
    door_layer = "A-DOOR-FIRE" if how == "fp-english-layers" else "A-DOOR"
    for x, y in exits:
        w.door("FM甲1221", (x, y), layer=door_layer)
    if how == "title-titleblock-attrib":  # the title only in the 图名 ATTRIB of an A1 frame block (1:100)
        tk = w.doc.blocks.new("TK-A1")
        tk.add_lwpolyline([(0, 0), (84100, 0), (84100, 59400), (0, 59400)], close=True)
        tk.add_lwpolyline([(66100, 0), (84100, 0), (84100, 8000), (66100, 8000)], close=True)
        for i, tag in enumerate(("图名", "图号", "比例")):
            tk.add_attdef(tag, (66600, 6000 - 2200 * i), dxfattribs={"height": 700})
        ref = w.msp.add_blockref("TK-A1", (-20000, -12000), dxfattribs={"layer": w.layer("TK")})
        ref.add_auto_attribs({"图名": "地下一层平面图", "图号": "建施-03", "比例": "1:100"})
    elif how == "title-mtext-formatted":
        w.mtext("{\\fSimHei|b1|i0|c134|p2;\\H1.5x;地下一层平面图}\\P{\\H0.7x;1:100}", (0, -6), h=0.7)
    elif how == "title-arabic-digit":
        w.text("地下1层平面图", (0, -6), h=0.7)
    elif how == "title-english":
        w.text("BASEMENT FLOOR PLAN", (0, -6), h=0.7, layer="A-ANNO-TTLB")
    else:
        w.text("三层平面图", (0, -6), h=0.7)
    if sprinklers:
        w.mtext("设计说明\\P1. 本工程耐火等级为二级。\\P2. 本工程地上各层均设置自动喷淋系统。", (0, -12), h=0.35)
    params = {} if underground else dict(FLOOR)
    if sprinklers:  # the sheet's note says it, not the project's parameters
        del params["sprinklers"]
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, params)


def two_compartments(habit, kind, how):
    """Two compartments 50 × 40 and 50 (or 70) × 40 m side by side; exits on their outer walls."""
    wb = 70.0 if kind == "FR-07" else 50.0
    a, b = box(0, 0, 50, 40), box(50, 0, 50 + wb, 40)
    exits = [(10, 0), (40, 40), (60, 0)] + ([] if kind == "FR-08" else [(50 + wb - 10, 40)])
    w = Sheet()
    if how == "minsert":  # one compartment block repeated by MINSERT (2 columns, 50 m apart)
        if wb != 50.0:  # MINSERT repeats one size: the second, wider compartment drawn beside it
            w.outline([(50, 0), (50 + wb, 0), (50 + wb, 40), (50, 40)], "防火分区")
            blk = w.doc.blocks.new("FQ")
            blk.add_lwpolyline([(0, 0), (50000, 0), (50000, 40000), (0, 40000)], close=True)
            w.msp.add_blockref("FQ", (0, 0), dxfattribs={"layer": w.layer("防火分区")})
        else:
            blk = w.doc.blocks.new("FQ")
            blk.add_lwpolyline([(0, 0), (50000, 0), (50000, 40000), (0, 40000)], close=True)
            w.msp.add_blockref("FQ", (0, 0), dxfattribs={"layer": w.layer("防火分区")}).grid(size=(1, 2),
                                                                                           spacing=(40000, 50000))
        drawn = [g for e in w.msp for g in polygons(e)]
        assert sorted(round(g.area) for g in drawn) == sorted(round(g.area) for g in (a, b))
    elif how == "tarch-wall-pairs":  # walls as line pairs 0.24 m apart on WALL, broken at the doors;
        t, gaps = 0.24, {}  # only the dividing line on the compartment layer
        for x, y in exits:
            gaps.setdefault(y, []).append(x)
        outer = [(0, 0), (50 + wb, 0), (50 + wb, 40), (0, 40)]
        inner = [(t, t), (50 + wb - t, t), (50 + wb - t, 40 - t), (t, 40 - t)]
        for ring in (outer, inner):
            for i in range(4):
                p, q = ring[i], ring[(i + 1) % 4]
                cuts = []
                if p[1] == q[1] and (round(p[1]) in gaps):  # a horizontal wall with door openings
                    cuts = sorted(gaps[round(p[1])])
                pieces, start = [], p
                xs = sorted(cuts, reverse=p[0] > q[0])
                for x in xs:
                    x0, x1 = (x - 0.6, x + 0.6) if q[0] > p[0] else (x + 0.6, x - 0.6)
                    pieces.append((start, (x0, p[1])))
                    start = (x1, p[1])
                pieces.append((start, q))
                for u, v in pieces:
                    w.msp.add_line(w.s(u), w.s(v), dxfattribs={"layer": w.layer("WALL")})
        for y in (0, 40):  # door-opening jambs (天正 closes the wall faces at an opening)
            for x in gaps.get(y, []):
                for xe in (x - 0.6, x + 0.6):
                    w.msp.add_line(w.s((xe, y)), w.s((xe, y + (t if y == 0 else -t))), dxfattribs={"layer": "WALL"})
        w.msp.add_line(w.s((50, 0)), w.s((50, 40)), dxfattribs={"layer": w.layer("防火分区")})
    assert judge([a, b], exits, ABOVE) == (None if kind == "clean" else kind)
    for x, y in exits:
        w.door("FM甲1221", (x - 0.6, y), layer="DOOR_FIRE")
    w.text("防火分区一", (20, 20), h=0.5)
    w.text("防火分区二", (70, 20), h=0.5)
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def t20_floor(habit, kind):
    """A whole T20 floor: walls as line pairs, columns hatched, axes with bubbles, dimensions, room
    names with areas, the compartment outline on 防火分区 and its label with its area as MTEXT."""
    wd = width_for(kind, ABOVE)
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)][: 1 if kind == "FR-08" else 2]
    assert judge([box(0, 0, wd, 40)], exits, ABOVE) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], "防火分区")
    for ring in ([(0, 0), (wd, 0), (wd, 40), (0, 40)], [(0.2, 0.2), (wd - 0.2, 0.2), (wd - 0.2, 39.8), (0.2, 39.8)]):
        for i in range(4):
            w.msp.add_line(w.s(ring[i]), w.s(ring[(i + 1) % 4]), dxfattribs={"layer": w.layer("WALL")})
    xs = [i * 8.4 for i in range(int(wd // 8.4) + 1)]
    for i, x in enumerate(xs):  # axes 2 m past the walls, bubbles and numbers
        w.msp.add_line(w.s((x, -2)), w.s((x, 42)), dxfattribs={"layer": w.layer("AXIS"), "linetype": "DASHDOT"})
        w.msp.add_circle(w.s((x, -3)), 0.4 * w.k, dxfattribs={"layer": w.layer("AXIS")})
        w.text(str(i + 1), (x - 0.15, -3.2), layer="AXIS_TEXT", h=0.4)
        h = w.msp.add_hatch(color=8, dxfattribs={"layer": w.layer("COLUMN")})
        h.paths.add_polyline_path([w.s(p) for p in ((x - 0.3, 19.7), (x + 0.3, 19.7), (x + 0.3, 20.3), (x - 0.3, 20.3))])
    for y, name in ((-2, "A"), (20, "B"), (42, "C")):
        w.msp.add_line(w.s((-2, y)), w.s((wd + 2, y)), dxfattribs={"layer": "AXIS"})
        w.text(name, (-3.2, y - 0.2), layer="AXIS_TEXT", h=0.4)
    w.layer("PUB_DIM")
    w.msp.add_linear_dim(base=w.s((0, -5)), p1=w.s((0, 0)), p2=w.s((wd, 0)), dxfattribs={"layer": "PUB_DIM"}).render()
    w.msp.add_linear_dim(base=w.s((-5, 0)), p1=w.s((0, 0)), p2=w.s((0, 40)), angle=90,
                         dxfattribs={"layer": "PUB_DIM"}).render()
    for i, x in enumerate(xs[:-1]):
        w.text(f"办公室{i + 1}", (x + 2, 30), h=0.35)
        w.text(f"{8.4 * 10:.1f}㎡", (x + 2, 29), h=0.3)
    w.mtext(f"防火分区一\\P面积：{wd * 40:.0f}㎡", (wd / 2, 24), h=0.5)
    for x, y in exits:
        w.door("FM甲1221", (x - 0.6, y), layer="DOOR_FIRE")
    w.text("三层平面图", (0, -8), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def labelled_inside(habit, kind, how):
    """A 20 × 20 m compartment inside a 60 × 45 m one, its name outside the floor on a leader: a
    LEADER and TEXT inside the plan block, or a leader drawn as a LINE and a SOLID arrowhead."""
    outer = box(0, 0, 60, 45).difference(box(20, 15, 40, 35))
    inner = box(20, 15, 40, 35)
    exits_o, exits_i = [(10, 0), (50, 45)], [(25, 15)] + ([] if kind == "FR-08" else [(35, 35)])
    assert judge([outer, inner], exits_o + exits_i, ABOVE) == (None if kind == "clean" else kind)
    w = Sheet()
    tip, knee, at = (30, 25), (66, 50), (70, 50)
    if how == "leader-in-block":
        blk = w.doc.blocks.new("三层平面")
        for ring in ([(0, 0), (60, 0), (60, 45), (0, 45)], [(20, 15), (40, 15), (40, 35), (20, 35)]):
            w.outline(ring, "防火分区", space=blk)
        w.text("防火分区一", (5, 40), h=0.5, space=blk)
        blk.add_leader([w.s(tip), w.s(knee), w.s((69.5, 50))], dxfattribs={"layer": w.layer("PUB_TEXT")})
        w.text("防火分区二", at, h=0.5, space=blk)
        w.msp.add_blockref(blk.name, (0, 0), dxfattribs={"layer": w.layer("0")})
    else:
        for ring in ([(0, 0), (60, 0), (60, 45), (0, 45)], [(20, 15), (40, 15), (40, 35), (20, 35)]):
            w.outline(ring, "防火分区")
        w.text("防火分区一", (5, 40), h=0.5)
        w.msp.add_line(w.s(tip), w.s(knee), dxfattribs={"layer": w.layer("PUB_TEXT")})
        w.msp.add_line(w.s(knee), w.s((69.5, 50)), dxfattribs={"layer": "PUB_TEXT"})
        d = (knee[0] - tip[0], knee[1] - tip[1])
        n = math.hypot(*d)
        u, v = (d[0] / n, d[1] / n), (-d[1] / n, d[0] / n)
        base = (tip[0] + 1.0 * u[0], tip[1] + 1.0 * u[1])
        w.msp.add_solid([w.s(tip), w.s((base[0] + 0.2 * v[0], base[1] + 0.2 * v[1])),
                         w.s((base[0] - 0.2 * v[0], base[1] - 0.2 * v[1]))], dxfattribs={"layer": "PUB_TEXT"})
        w.text("防火分区二", at, h=0.5)
    for x, y in exits_o + exits_i:
        w.door("FM甲1221", (x, y))
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def door_code(habit, kind, how):
    """GB 50016 5.5.18: the second exit is FM乙0821 (0.8 m) in the violating drawing."""
    wd = width_for("clean", ABOVE)
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)]
    narrow = kind == "FR-12"
    assert judge([box(0, 0, wd, 40)], exits, ABOVE, [1.2, 0.8 if narrow else 1.2]) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], "防火分区")
    for i, (x, y) in enumerate(exits):
        wm = 0.8 if (narrow and i == 1) else 1.2
        if how == "grade-after-number":  # FM1221甲 / FM0821乙: the grade written after the size
            w.door(f"FM{int(wm * 10):02d}21{'乙' if wm < 1 else '甲'}", (x - wm / 2, y), layer="DOOR_FIRE", width=wm)
        else:  # a generic block 门 scaled to the opening, its code an MTEXT with a width factor beside it
            if "门" not in w.doc.blocks:
                b = w.doc.blocks.new("门")
                b.add_line((0, 0), (1000, 0))
                b.add_arc((0, 0), 1000, 0, 90)
            w.msp.add_blockref("门", w.s((x - wm / 2, y)), dxfattribs={"layer": w.layer("DOOR_FIRE"),
                                                                     "xscale": wm, "yscale": wm})
            code = "FM乙0821" if wm < 1 else "FM甲1221"
            w.mtext(f"{{\\W0.7;{code}}}", (x - 0.6, y + (0.6 if y == 0 else -0.3)), layer="WINDOW_TEXT", h=0.3)
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08", "FR-12"), None if kind == "clean" else kind, FLOOR)


# ------------------------------------------------------------------ site plans (FR-01)
def site(habit, kind, how, *, high=True, params=None):
    need = 13.0 if high else 6.0
    gap = need + 1.5 if kind == "clean" else need - 2.0
    a, b = box(0, 0, 40, 15), box(40 + gap, 0, 80 + gap, 15)
    assert (a.distance(b) < need) == (kind == "FR-01")
    w = Sheet()
    w.layer("总图-建筑物")
    if how in ("turned-block", "metres-block"):  # the whole site in one block: turned 37°, or drawn in metres
        k = 1.0 if how == "metres-block" else 1000.0
        blk = w.doc.blocks.new("总图")
        for g in (a, b):
            x0, y0, x1, y1 = g.bounds
            w.outline(list(g.exterior.coords)[:-1], "总图-建筑物", space=blk, k=k)
            w.text("H=54.0m", (x0 + 3, y1 - 3), h=0.5, space=blk, k=k)
            w.text("18F", (x0 + 3, y1 - 5), h=0.5, space=blk, k=k)
        attrs = {"rotation": 37} if how == "turned-block" else {"xscale": 1000, "yscale": 1000}
        ref = w.msp.add_blockref("总图", (20000, 10000), dxfattribs={"layer": "0", **attrs})
        drawn = polygons(ref)
        assert abs(drawn[0].distance(drawn[1]) - a.distance(b)) < 1e-6
    else:
        for g in (a, b):
            x0, y0, x1, y1 = g.bounds
            w.outline(list(g.exterior.coords)[:-1], "总图-建筑物")
            if how == "mtext-paragraphs":
                w.mtext("1#办公楼\\P18F\\PH=54.00m", (x0 + 3, y1 - 3), h=0.5)
            elif how == "storeys-slash-height":
                w.text("18F/54.00m", (x0 + 3, y1 - 3), h=0.5)
            elif how == "storeys-stacked":  # above ground over below ground, stacked
                w.mtext("{\\S18F^-2F;}", (x0 + 3, y1 - 3), h=0.5)
            else:
                w.text("H=54.0m", (x0 + 3, y1 - 3), h=0.5)
                w.text("18F", (x0 + 3, y1 - 5), h=0.5)
    w.text("总平面图", (0, -10), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("FR-01",), None if kind == "clean" else "FR-01",
           params if params is not None else {"use": "office"})


# ------------------------------------------------------------------ fire lanes (GB 50016 7.1.8-1)
def narrow(strip):
    return strip.difference(strip.buffer(-3.999 / 2, join_style=2).buffer(3.999 / 2, join_style=2)).area > 0.5


def lane(habit, kind, how):
    wl = 3.5 if kind == "FR-02" else 4.5
    w = Sheet()
    ly = w.layer("消防车道")
    if how == "t-junction":  # a 120 m lane (4.5 m) and a branch (wl) off its middle, drawn by edges
        main, branch = box(0, 0, 120, 4.5), box(60 - wl / 2, 4.5, 60 + wl / 2, 60)
        strip = unary_union([main, branch])
        w.msp.add_line(w.s((0, 0)), w.s((120, 0)), dxfattribs={"layer": ly})
        w.msp.add_line(w.s((0, 4.5)), w.s((60 - wl / 2, 4.5)), dxfattribs={"layer": ly})
        w.msp.add_line(w.s((60 + wl / 2, 4.5)), w.s((120, 4.5)), dxfattribs={"layer": ly})
        for x in (60 - wl / 2, 60 + wl / 2):
            w.msp.add_line(w.s((x, 4.5)), w.s((x, 60)), dxfattribs={"layer": ly})
    elif how == "arc-corner":  # an L lane turning by arcs: inner radius 9 m, outer 9 + wl
        r = 9.0
        outer_arc = arc_pts((80 - r, wl + r), r + wl, -90, 0, 48)
        inner_arc = arc_pts((80 - r, wl + r), r, -90, 0, 48)
        strip = Polygon([(0, 0)] + outer_arc + [(80 + wl, 80), (80, 80)] + inner_arc[::-1] + [(0, wl)])
        w.msp.add_line(w.s((0, 0)), w.s((80 - r, 0)), dxfattribs={"layer": ly})
        w.msp.add_line(w.s((0, wl)), w.s((80 - r, wl)), dxfattribs={"layer": ly})
        w.msp.add_arc(w.s((80 - r, wl + r)), (r + wl) * w.k, -90, 0, dxfattribs={"layer": ly})
        w.msp.add_arc(w.s((80 - r, wl + r)), r * w.k, -90, 0, dxfattribs={"layer": ly})
        w.msp.add_line(w.s((80 + wl, wl + r)), w.s((80 + wl, 80)), dxfattribs={"layer": ly})
        w.msp.add_line(w.s((80, wl + r)), w.s((80, 80)), dxfattribs={"layer": ly})
    else:  # one LWPOLYLINE along the lane's centre with the lane's width as its constant width
        line = LineString([(0, 0), (60, 0), (60, 50)])
        strip = line.buffer(wl / 2, cap_style=2, join_style=2)
        w.msp.add_lwpolyline([w.s(p) for p in line.coords], dxfattribs={"layer": ly, "const_width": wl * w.k})
    assert narrow(strip) == (kind == "FR-02")
    w.text("总平面图", (0, -20), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("FR-02",), None if kind == "clean" else kind, {"use": "office"})


# ------------------------------------------------------------------ declared site area (PL-07, a warning)
def indicator(habit, kind, how):
    drawn = 200.0 * 150.0
    declared = drawn * (1.05 if kind == "PL-07" else 1.0)
    assert (abs(declared - drawn) > 0.005 * drawn) == (kind == "PL-07")
    w = Sheet()
    w.outline([(0, 0), (200, 0), (200, 150), (0, 150)], "用地红线")
    if how == "stacked-m2":
        w.mtext(f"总用地面积：{declared:.2f}m\\S2^;", (210, 140), h=1.0)
    elif how == "attrib-table":  # the indicator table as a block: the key a TEXT, the value an ATTRIB
        blk = w.doc.blocks.new("经济技术指标")
        blk.add_lwpolyline([(0, 0), (40000, 0), (40000, 3000), (0, 3000)], close=True)
        blk.add_text("总用地面积(㎡)", height=1000, dxfattribs={"insert": (500, 1000)})
        blk.add_attdef("YDMJ", (25000, 1000), dxfattribs={"height": 1000})
        ref = w.msp.add_blockref(blk.name, w.s((210, 140)), dxfattribs={"layer": w.layer("PUB_TEXT")})
        ref.add_auto_attribs({"YDMJ": f"{declared:.2f}"})
    else:  # 亩
        w.text(f"用地面积：{declared / (2000.0 / 3.0):.2f}亩", (210, 140), h=1.0)
    w.text("总平面图", (0, -10), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("PL-07",), None if kind == "clean" else kind, {})
    cases[-1]["any_severity"] = True


# ------------------------------------------------------------------ lightning (GB 50057 4.3.1)
def roof(habit, kind):
    """A 45 × 30 m roof; the conductors one open polyline snaking along the grid lines."""
    step = 15.0 if kind == "LP-02" else 9.0
    fits = (max(step, 10.0) <= 10) or (max(step, 10.0) <= 12 and min(step, 10.0) <= 8)
    assert (not fits) == (kind == "LP-02")
    w = Sheet()
    w.outline([(0, 0), (45, 0), (45, 30), (0, 30)], "屋面轮廓")
    pts, x, up = [(0, 0), (0, 30)], 0.0, False
    while x + step < 45 + 1e-6:  # across the top and bottom edges, down/up each grid line
        x += step
        y = 0 if up else 30
        pts += [(x, y), (x, 30 - y)]
        up = not up
    pts += [(45, 0), (0, 0), (0, 10), (45, 10), (45, 20), (0, 20), (0, 30), (45, 30)]
    w.msp.add_lwpolyline([w.s(p) for p in pts], dxfattribs={"layer": w.layer("接闪带")})
    w.text("屋顶防雷平面图", (0, -6), h=0.7)
    w.text("本建筑物按第二类防雷建筑物设防", (0, -10), h=0.35)
    record(w, f"roof-{habit}-{kind}", habit, ("LP-02",), None if kind == "clean" else kind, {})


def generate(out_dir: Path) -> list[dict]:
    global OUT
    OUT = Path(out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    cases.clear()
    for kind in ("clean", "FR-07", "FR-08"):
        for how in ("baseline", "bulge-rounded-corners", "bulge-bowed-side", "ocs-mirrored-bowed-side", "closed-spline",
                    "hatch-bulge-path", "block-metres-x1000-turned", "nested-turned-mirrored", "fp-english-layers",
                    "title-titleblock-attrib", "title-mtext-formatted", "title-arabic-digit", "title-english",
                    "sprinkler-penlin"):
            floor(how, kind, how)
        for how in ("minsert", "tarch-wall-pairs"):
            two_compartments(how, kind, how)
        t20_floor("t20-whole-floor", kind)
    for kind in ("clean", "FR-08"):
        labelled_inside("inner-label-leader-in-block", kind, "leader-in-block")
        labelled_inside("inner-label-leader-as-lines", kind, "lines")
    for kind in ("clean", "FR-12"):
        door_code("door-code-mtext-beside", kind, "mtext")
        door_code("door-code-grade-after", kind, "grade-after-number")
    for kind in ("clean", "FR-01"):
        site("site-baseline", kind, "plain")
        site("site-turned-block", kind, "turned-block")
        site("site-metres-block", kind, "metres-block")
        site("label-mtext-paragraphs", kind, "mtext-paragraphs")
        site("label-storeys-slash-height", kind, "storeys-slash-height")
        site("label-storeys-stacked", kind, "storeys-stacked", params={"use": "residential"})
    for kind in ("clean", "FR-02"):
        lane("lane-edges-t-junction", kind, "t-junction")
        lane("lane-edges-arc-corner", kind, "arc-corner")
        lane("lane-wide-polyline", kind, "wide-polyline")
    for kind in ("clean", "PL-07"):
        indicator("declared-area-stacked-m2", kind, "stacked-m2")
        indicator("declared-area-attrib-table", kind, "attrib-table")
        indicator("declared-area-mu", kind, "mu")
    for kind in ("clean", "LP-02"):
        roof("roof-mesh-one-polyline", kind)
    (OUT / "labels.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return list(cases)


if __name__ == "__main__":
    import sys

    print(len(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "outside4-cases"))), "drawings")
