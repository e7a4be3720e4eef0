"""A third outside probe: labelled drawings in drafting habits neither generate.py, habits.py nor
outside.py draws — an R12 file written without handles, a GBK-encoded R2000 file with a
big-font style (its header saying ANSI_936, or ANSI_1252 over GBK bytes as some exporters write
it), layers behind an xref's ``|`` prefix, a compartment held in a block inserted with a
non-uniform, negative scale, outlines of LINEs and ARCs that meet only within 0.5 mm, compartments
drawn as one hatch whose two boundary paths share an edge, a fire wall drawn as a thin closed band
on the compartment layer, a compartment's outer edge only on the wall layer, a basement title split
over two texts, a floor plan with two buildings, full-width digits in labels, a storeys label only
(``18/2F``), a roof outlined only by its parapet (女儿墙, one face or two), declared areas written
``m2``, REGION outlines, an outline with a spike, a 3D polyline, a polyline stopping 0.4 mm short
of closing, a hatch path not flagged closed, a compartment inside another labelled on a LEADER or
MULTILEADER, a generic door block whose code is its ATTRIB. One habit at a time, each a clean /
violating pair that differs only in the violation.

Imports nothing from drawreview. The labels are this module's own reading of the clauses, measured
on the scene placed here (shapely, arithmetic):
- GB 50016-2014 (2018) 5.3.1: a compartment of a building ≤ 24 m ≤ 2500 m²; an underground
  storey ≤ 500 m² (no sprinklers here). 5.5.8: each compartment has ≥ 2 exits on its boundary.
- 5.2.2: civil buildings, both 一/二级: ≤ 24 m both 6 m; both high-rise 13 m. A building of 18
  storeys above ground is high-rise whatever its storey height (18 × 2.8 m > 27 m).
- GB 50057-2010 4.3.1: class 2 air-termination mesh ≤ 10 × 10 m or 12 × 8 m.
- RULES.md PL-07: declared site area within 0.5 % of the drawn one.
``generate(out_dir)`` writes ``*.dxf`` and ``labels.json`` and returns the labels.
"""
from __future__ import annotations

import json
from pathlib import Path

import ezdxf
import ezdxf.math
import ezdxf.render.mleader
from shapely.geometry import Point, box

ABOVE, BELOW = 2500.0, 500.0  # GB 50016 5.3.1
FLOOR = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}
OUT = Path(".")
cases: list[dict] = []


class Sheet:
    """One drawing; ``add_*`` take metre coordinates and write millimetres (or ``k`` units per m)."""

    def __init__(self, version="R2018", k=1000.0, insunits=4):
        self.k = k
        self.doc = ezdxf.new(version, setup=version != "R12")
        self.doc.header["$INSUNITS"] = insunits
        self.r12 = version == "R12"
        self.msp = self.doc.modelspace()

    def s(self, p):
        return (p[0] * self.k, p[1] * self.k)

    def layer(self, name):
        if name not in self.doc.layers:
            self.doc.layers.add(name)
        return name

    def outline(self, coords, layer, space=None):
        sp = space or self.msp
        pts = [self.s(c) for c in coords]
        if self.r12:
            return sp.add_polyline2d(pts, close=True, dxfattribs={"layer": self.layer(layer)})
        return sp.add_lwpolyline(pts, close=True, dxfattribs={"layer": self.layer(layer)})

    def text(self, t, p, layer="PUB_TEXT", h=0.35, style=None):
        attrs = {"layer": self.layer(layer), "insert": self.s(p)}
        if style:
            attrs["style"] = style
        return self.msp.add_text(t, height=h * self.k, dxfattribs=attrs)

    def door(self, name, p, layer="A-DOOR"):
        if name not in self.doc.blocks:
            b = self.doc.blocks.new(name)
            b.add_line((0, 0), (1.2 * self.k, 0))
            b.add_arc((0, 0), 1.2 * self.k, 0, 90)
        return self.msp.add_blockref(name, self.s(p), dxfattribs={"layer": self.layer(layer)})


def record(sheet, name, habit, families, violation, params, *, encoding=None, strip_handles=False):
    path = OUT / f"{name}.dxf"
    if encoding:
        sheet.doc.saveas(path, encoding=encoding)
    else:
        sheet.doc.saveas(path)
    if strip_handles:  # an R12 file as old exporters write it: no handles, $HANDLING 0
        enc = "cp1252" if sheet.r12 else "utf-8"
        lines = path.read_text(encoding=enc).splitlines()
        pairs = [(lines[i], lines[i + 1]) for i in range(0, len(lines) - 1, 2)]
        kept = []
        for code, value in pairs:  # drop handles (5, 105) and the handle seed; $HANDLING 1 → 0
            if code.strip() in ("5", "105"):
                if kept and kept[-1][1] == "$HANDSEED":
                    kept.pop()
                continue
            if kept and kept[-1][1] == "$HANDLING":
                value = "     0"
            kept.append((code, value))
        text = "".join(f"{c}\n{v}\n" for c, v in kept)
        path.write_text(text, encoding=enc)
    cases.append({"file": path.name, "habit": habit, "families": list(families), "violation": violation,
                  "params": params})


def judge(comps, exits, limit):
    """The seeded family from the scene: a compartment over the limit, or one with < 2 exits on its
    boundary."""
    found = set()
    for c in comps:
        if c.area > limit + 0.01:
            found.add("FR-07")
        if sum(1 for e in exits if c.exterior.distance(Point(e)) < 0.3) < 2:
            found.add("FR-08")
    assert len(found) <= 1, found
    return next(iter(found), None)


def scene(kind, limit=ABOVE):
    """One W × 40 m compartment: 0.8 or 1.2 × the limit, two exits on opposite walls (one for FR-08)."""
    wd = limit * (1.2 if kind == "FR-07" else 0.8) / 40.0
    exits = [(wd * 0.25, 0.0), (wd * 0.75, 40.0)][: 1 if kind == "FR-08" else 2]
    assert judge([box(0, 0, wd, 40)], exits, limit) == (None if kind == "clean" else kind)
    return wd, exits


# ------------------------------------------------------------------ floors: one compartment, one habit
def floor(habit, kind, how):
    underground = how == "title-split"
    wd, exits = scene(kind, BELOW if underground else ABOVE)
    ring = [(0, 0), (wd, 0), (wd, 40), (0, 40)]
    version = {"r12-no-handles": "R12", "gbk-r2000": "R2000", "gbk-bytes-ansi1252-header": "R2000"}.get(how, "R2018")
    w = Sheet(version)
    comp_layer, door_layer, title_style = "防火分区", "A-DOOR", None
    if how == "xref-pipe":
        comp_layer, door_layer = "建筑底图|防火分区", "建筑底图|A-DOOR"
    if how in ("gbk-r2000", "gbk-bytes-ansi1252-header"):
        if how == "gbk-r2000":
            w.doc.encoding = "gbk"  # $DWGCODEPAGE ANSI_936, written in GBK
        st = w.doc.styles.new("HZ", dxfattribs={"font": "txt.shx", "bigfont": "gbcbig.shx"})
        title_style = st.dxf.name
    if how == "block-negative-nonuniform":  # drawn at half width, inserted with x scale -2, y scale 0.5
        blk = w.doc.blocks.new("分区轮廓")
        blk.add_lwpolyline([(x * 500.0, y * 2000.0) for x, y in ring], close=True)  # layer 0
        w.msp.add_blockref(blk.name, w.s((wd, 0)), dxfattribs={"layer": w.layer(comp_layer), "xscale": -2.0,
                                                                "yscale": 0.5})
    elif how == "lines-arcs-gaps":  # LINEs and ARCs (2 m rounded corners) whose ends miss by 0.5 mm
        r, g = 2.0, 0.0005
        segs = [((r, 0), (wd - r, 0)), ((wd, r), (wd, 40 - r)), ((wd - r, 40), (r, 40)), ((0, 40 - r), (0, r))]
        for (x0, y0), (x1, y1) in segs:
            dx, dy = x1 - x0, y1 - y0
            n = (dx * dx + dy * dy) ** 0.5
            ux, uy = dx / n * g, dy / n * g
            w.msp.add_line(w.s((x0 + ux, y0 + uy)), w.s((x1 - ux, y1 - uy)), dxfattribs={"layer": w.layer(comp_layer)})
        for (cx, cy), a0 in (((r, r), 180), ((wd - r, r), 270), ((wd - r, 40 - r), 0), ((r, 40 - r), 90)):
            w.msp.add_arc(w.s((cx, cy)), r * w.k, a0 + 0.02, a0 + 90 - 0.02, dxfattribs={"layer": comp_layer})
    elif how == "spike":  # a vertex drawn out 3 m and back along the same line (a zero-area spike)
        pts = [ring[0], (wd / 2, 0), (wd / 2, -3), (wd / 2, 0), ring[1], ring[2], ring[3]]
        w.msp.add_lwpolyline([w.s(c) for c in pts], close=True, dxfattribs={"layer": w.layer(comp_layer)})
    elif how == "polyline-3d":  # a 3D POLYLINE at the storey's elevation (z = 9 m)
        w.msp.add_polyline3d([(*w.s(c), 9000.0) for c in ring], close=True, dxfattribs={"layer": w.layer(comp_layer)})
    elif how == "nearly-closed":  # an open polyline whose last vertex stops 0.4 mm short of the first
        pts = [w.s(c) for c in ring] + [(0.0, 0.4)]
        w.msp.add_lwpolyline(pts, close=False, dxfattribs={"layer": w.layer(comp_layer)})
    elif how == "hatch-path-flag-open":  # only a hatch, no outline; its polyline path not flagged closed
        h = w.msp.add_hatch(color=1, dxfattribs={"layer": w.layer(comp_layer)})
        h.paths.add_polyline_path([w.s(c) for c in ring], is_closed=False)  # closed by repeating nothing, flag off
    elif how == "region":  # a REGION (ACIS body) as the compartment outline
        from ezdxf.acis import api as acis
        from ezdxf.render import MeshBuilder

        mb = MeshBuilder()
        mb.add_face([(*w.s(c), 0.0) for c in ring])
        reg = w.msp.add_region(dxfattribs={"layer": w.layer(comp_layer)})
        acis.export_dxf(reg, [acis.body_from_mesh(mb)])
    else:
        w.outline(ring, comp_layer)
    for x, y in exits:
        w.door("FM甲1221", (x, y), layer=door_layer)
    if how == "title-split":  # 地下一层 and 平面图 as two texts side by side
        w.text("地下一层", (0, -6), h=0.7)
        w.text("平面图", (0.7 * 4 + 0.3, -6), h=0.7)
    else:
        w.text("三层平面图", (0, -6), h=0.7, style=title_style)
    if how in ("gbk-r2000", "gbk-bytes-ansi1252-header"):
        w.text("防火分区一", (wd / 2, 20), h=0.5, style=title_style)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind,
           {} if underground else FLOOR, encoding="gbk" if how == "gbk-bytes-ansi1252-header" else None,
           strip_handles=how == "r12-no-handles")


def door_attrib(habit, kind):
    """GB 50016 5.5.18: exit doors ≥ 0.90 m. The door is one generic block (门, drawn 1 m wide and
    scaled) whose code is its ATTRIB 编号: FM甲1221 (1.2 m), or FM乙0821 (0.8 m) for FR-12."""
    wd, exits = scene("clean")
    codes = ["FM甲1221", "FM乙0821" if kind == "FR-12" else "FM甲1221"]
    assert (min(int(c[-4:-2]) / 10 for c in codes) < 0.9) == (kind == "FR-12")
    w = Sheet()
    w.outline([(0, 0), (wd, 0), (wd, 40), (0, 40)], "防火分区")
    b = w.doc.blocks.new("门")
    b.add_line((0, 0), (1000, 0))
    b.add_arc((0, 0), 1000, 0, 90)
    b.add_attdef("编号", (0, -400), dxfattribs={"height": 300})
    for (x, y), code in zip(exits, codes):
        wm = int(code[-4:-2]) / 10
        ref = w.msp.add_blockref("门", w.s((x, y)), dxfattribs={"layer": w.layer("A-DOOR"), "xscale": wm, "yscale": wm})
        ref.add_auto_attribs({"编号": code})
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08", "FR-12"), None if kind == "clean" else kind, FLOOR)


def two_compartments(habit, kind, how):
    """Two 50 × 40 m compartments side by side (2000 m² each; 70 m wide for FR-07), drawn as one
    habit; exits on their outer walls."""
    wb = 70.0 if kind == "FR-07" else 50.0
    a, b = box(0, 0, 50, 40), box(50, 0, 50 + wb, 40)
    exits = [(10, 0), (40, 40), (60, 0)] + ([] if kind == "FR-08" else [(50 + wb - 10, 40)])
    comps = [a, b]
    w = Sheet()
    if how == "hatch-paths-touch":  # one hatch, one boundary path per compartment, sharing x = 50
        h = w.msp.add_hatch(color=3, dxfattribs={"layer": w.layer("防火分区")})
        for g in (a, b):
            h.paths.add_polyline_path([w.s(c) for c in list(g.exterior.coords)[:-1]], is_closed=True)
    elif how == "fire-wall-band":  # two outlines and, between them, the fire wall as a 0.2 m closed band
        for g in (a, b):
            w.outline(list(g.exterior.coords)[:-1], "防火分区")
        w.outline([(49.9, 0), (50.1, 0), (50.1, 40), (49.9, 40)], "防火分区")
    elif how == "outer-edge-on-wall":  # the floor's edge only on WALL, the dividing line on 防火分区
        w.outline([(0, 0), (50 + wb, 0), (50 + wb, 40), (0, 40)], "WALL")
        w.msp.add_line(w.s((50, 0)), w.s((50, 40)), dxfattribs={"layer": w.layer("防火分区")})
    elif how == "two-buildings":  # two buildings of one floor plan, 30 m apart, each one compartment
        b = box(80, 0, 80 + wb, 40)
        comps = [a, b]
        exits = [(10, 0), (40, 40), (90, 0)] + ([] if kind == "FR-08" else [(80 + wb - 10, 40)])
        for g in comps:
            w.outline(list(g.exterior.coords)[:-1], "防火分区")
        w.text("1#楼", (20, 45), h=0.7)
        w.text("2#楼", (100, 45), h=0.7)
    assert judge(comps, exits, ABOVE) == (None if kind == "clean" else kind)
    for i, (x, y) in enumerate(exits):
        w.door("FM甲1221", (x, y))
    w.text("防火分区一", (20, 20), h=0.5)
    w.text("防火分区二", (comps[1].bounds[0] + 20, 20), h=0.5)
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


def labelled_inside(habit, kind, how):
    """A compartment (20 × 20 m) drawn strictly inside another (60 × 45 m), its name outside the
    floor on a leader pointing into it. The inner one is a compartment (400 m², two exits of its
    own; one for FR-08), the outer one the floor between them (2300 m²)."""
    outer = box(0, 0, 60, 45).difference(box(20, 15, 40, 35))
    inner = box(20, 15, 40, 35)
    exits_o, exits_i = [(10, 0), (50, 45)], [(25, 15)] + ([] if kind == "FR-08" else [(35, 35)])
    assert judge([outer, inner], exits_o + exits_i, ABOVE) == (None if kind == "clean" else kind)
    w = Sheet()
    w.outline([(0, 0), (60, 0), (60, 45), (0, 45)], "防火分区")
    w.outline([(20, 15), (40, 15), (40, 35), (20, 35)], "防火分区")
    w.text("防火分区一", (5, 40), h=0.5)
    tip, at = (30, 25), (70, 50)
    if how == "leader":  # a LEADER and a TEXT at its tail (no annotation link, as converters write it)
        w.msp.add_leader([w.s(tip), w.s((66, 50)), w.s((69.5, 50))], dxfattribs={"layer": w.layer("PUB_TEXT")})
        w.text("防火分区二", at, h=0.5)
    else:  # a MULTILEADER with the text
        ml = w.msp.add_multileader_mtext("Standard", dxfattribs={"layer": w.layer("PUB_TEXT")})
        ml.set_content("防火分区二", char_height=0.5 * w.k)
        ml.add_leader_line(ezdxf.render.mleader.ConnectionSide.left, [ezdxf.math.Vec2(w.s(tip))])
        ml.build(insert=ezdxf.math.Vec2(w.s(at)))
    for x, y in exits_o + exits_i:
        w.door("FM甲1221", (x, y))
    w.text("三层平面图", (0, -6), h=0.7)
    record(w, f"floor-{habit}-{kind}", habit, ("FR-07", "FR-08"), None if kind == "clean" else kind, FLOOR)


# ------------------------------------------------------------------ site plans (FR-01)
def site(habit, kind, labels, *, high=True, params=None):
    need = 13.0 if high else 6.0
    gap = need + 1.5 if kind == "clean" else need - 2.0
    a, b = box(0, 0, 40, 15), box(40 + gap, 0, 80 + gap, 15)
    assert (a.distance(b) < need) == (kind == "FR-01")
    w = Sheet()
    for g in (a, b):
        x0, y0, x1, y1 = g.bounds
        w.outline(list(g.exterior.coords)[:-1], "总图-建筑物")
        for i, t in enumerate(labels):
            w.text(t, (x0 + 3, y1 - 3 - 2 * i), h=0.5)
    w.text("总平面图", (0, -10), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("FR-01",), None if kind == "clean" else "FR-01",
           params if params is not None else {"use": "office"})


# ------------------------------------------------------------------ lightning (GB 50057 4.3.1)
def roof(habit, kind, edge_layer, faces=1):
    """A 45 × 30 m roof, its edge drawn on ``edge_layer`` (``faces`` 2: the parapet's outer and
    inner face, 0.2 m apart), conductors along it and a grid of 9 × 10 m (clean) or 15 × 10 m."""
    step = 15.0 if kind == "LP-02" else 9.0
    fits = (max(step, 10.0) <= 10) or (max(step, 10.0) <= 12 and min(step, 10.0) <= 8)
    assert (not fits) == (kind == "LP-02")
    w = Sheet()
    w.outline([(0, 0), (45, 0), (45, 30), (0, 30)], edge_layer)
    if faces == 2:
        w.outline([(0.2, 0.2), (44.8, 0.2), (44.8, 29.8), (0.2, 29.8)], edge_layer)
    w.outline([(0, 0), (45, 0), (45, 30), (0, 30)], "接闪带")
    x = step
    while x < 45 - 1e-6:
        w.msp.add_line(w.s((x, 0)), w.s((x, 30)), dxfattribs={"layer": "接闪带"})
        x += step
    for y in (10, 20):
        w.msp.add_line(w.s((0, y)), w.s((45, y)), dxfattribs={"layer": "接闪带"})
    w.text("屋顶防雷平面图", (0, -6), h=0.7)
    w.text("本建筑物按第二类防雷建筑物设防", (0, -10), h=0.35)
    record(w, f"roof-{habit}-{kind}", habit, ("LP-02",), None if kind == "clean" else kind, {})


# ------------------------------------------------------------------ indicator (PL-07, a warning)
def indicator(habit, kind, fmt):
    drawn = 200.0 * 150.0
    declared = drawn * (1.05 if kind == "PL-07" else 1.0)
    assert (abs(declared - drawn) > 0.005 * drawn) == (kind == "PL-07")
    w = Sheet()
    w.outline([(0, 0), (200, 0), (200, 150), (0, 150)], "用地红线")
    w.text(fmt.format(a=declared), (210, 140), h=1.0)
    w.text("总平面图", (0, -10), h=1.0)
    record(w, f"site-{habit}-{kind}", habit, ("PL-07",), None if kind == "clean" else kind, {})
    cases[-1]["any_severity"] = True


def generate(out_dir: Path) -> list[dict]:
    global OUT
    OUT = Path(out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    cases.clear()
    for kind in ("clean", "FR-07", "FR-08"):
        for how in ("baseline", "r12-no-handles", "gbk-r2000", "gbk-bytes-ansi1252-header", "xref-pipe",
                    "block-negative-nonuniform",
                    "lines-arcs-gaps", "region", "title-split", "spike", "polyline-3d",
                    "nearly-closed", "hatch-path-flag-open"):
            floor(how, kind, how)
        for how in ("hatch-paths-touch", "fire-wall-band", "outer-edge-on-wall", "two-buildings"):
            two_compartments(how, kind, how)
    for kind in ("clean", "FR-12"):
        door_attrib("door-code-as-attrib", kind)
    for kind in ("clean", "FR-08"):
        labelled_inside("inner-compartment-label-on-leader", kind, "leader")
        labelled_inside("inner-compartment-label-on-mleader", kind, "mleader")
    for kind in ("clean", "FR-01"):
        site("baseline-high", kind, ("H=54.0m", "18F"))
        site("fullwidth-digits", kind, ("Ｈ＝５４．０ｍ", "１８Ｆ"))
        site("storeys-above-below-only", kind, ("18/2F",), params={"use": "residential"})
        site("storeys-dash-only", kind, ("地上18层-地下1层",), params={"use": "residential"})
        site("low-chinese-numerals", kind, ("五层", "建筑高度15.0米"), high=False)
    for kind in ("clean", "LP-02"):
        roof("roof-outline-baseline", kind, "屋面轮廓")
        roof("roof-parapet-only", kind, "女儿墙")
        roof("roof-parapet-two-faces", kind, "女儿墙", faces=2)
        roof("roof-parapet-two-faces-en", kind, "A-ROOF-PARAPET", faces=2)
    for kind in ("clean", "PL-07"):
        indicator("declared-area-m2", kind, "用地面积：{a:.1f} m2")
        indicator("declared-area-sqm-word", kind, "总用地面积{a:,.2f}平方米")
    (OUT / "labels.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return list(cases)


if __name__ == "__main__":
    import sys

    print(len(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "outside3-cases"))), "drawings")
