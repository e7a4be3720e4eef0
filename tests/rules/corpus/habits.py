"""Labelled drawings in drafting habits the main corpus (generate.py) does not draw: exploded and
bulged doors, plans as blocks (bound xrefs), dynamic-block doors, flipped OCS, multileader labels,
pinyin layer names, a millimetre header on a metre drawing, titles in paper space, Roman-numeral
ratings, frames as plain polylines. Each habit is a clean / violating pair that differs only in
the seeded violation.

Imports nothing from drawreview: every label is measured here from the scene (shapely,
arithmetic) against RULES.md's thresholds (GB 50016 5.2.2 separations, 5.3.1 compartment areas,
5.5.8 two exits, 5.5.18 exit doors ≥ 0.9 m). ``generate(out_dir)`` writes ``*.dxf`` and
``labels.json`` and returns the labels.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
from shapely.geometry import box

OUT = Path(".")

# GB 50016 5.3.1: above-ground non-high-rise 2500, underground 500; no sprinklers here
FLOOR_PARAMS = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}


def separation(h1, h2, rating=2):  # GB 50016 5.2.2, civil, both of one rating (≥ 一/二级 alike)
    hi1, hi2 = h1 > 24.0, h2 > 24.0
    if hi1 and hi2:
        return 13.0
    if hi1 or hi2:
        return {1: 9.0, 2: 9.0, 3: 11.0, 4: 14.0}[rating]
    return {1: 6.0, 2: 6.0, 3: 8.0, 4: 12.0}[rating]


class W:
    def __init__(self, units="mm", insunits=None):
        self.doc = ezdxf.new("R2018", setup=True)
        self.k = {"mm": 1000.0, "m": 1.0}[units]
        self.doc.header["$INSUNITS"] = {"mm": 4, "m": 6}[units] if insunits is None else insunits
        self.msp = self.doc.modelspace()
        for st in ("Standard",):
            pass

    def s(self, p):
        return (p[0] * self.k, p[1] * self.k)

    def layer(self, name):
        if name not in self.doc.layers:
            self.doc.layers.add(name)
        return name

    def poly(self, coords, layer, space=None, **kw):
        sp = space or self.msp
        return sp.add_lwpolyline([self.s(c) for c in coords], close=True, dxfattribs={"layer": self.layer(layer), **kw})

    def text(self, t, p, layer="PUB_TEXT", h=3.5 * 0.1, space=None):
        sp = space or self.msp
        return sp.add_text(t, height=h * self.k, dxfattribs={"layer": self.layer(layer), "insert": self.s(p)})

    def door_block(self, name, layer, p, rot=0.0):
        if name not in self.doc.blocks:
            b = self.doc.blocks.new(name)
            b.add_line((0, 0), (1.0 * self.k, 0))
            b.add_arc((0, 0), 1.0 * self.k, 0, 90)
        return self.msp.add_blockref(name, self.s(p), dxfattribs={"layer": self.layer(layer), "rotation": rot})

    def save(self, name):
        self.doc.saveas(OUT / f"{name}.dxf")


cases = []


def case(name, habit, families, violation, params=None, note=""):
    cases.append({"file": f"{name}.dxf", "habit": habit, "families": families, "violation": violation,
                  "params": params or {}, "note": note})


# ------------------------------------------------------------------ floor plans: FR-07 + FR-08
def floor(habit, kind, *, comp_layer="A-AREA-FIRE", exit_layer="A-DOOR", exit_style="block", units="mm",
          insunits=None, wrap=False, extrusion=False, label_codes=False, notes_in_paper=None, params=None,
          families=("FR-07", "FR-08"), overview=False):
    """Compartment W×40 m, exits FM甲1221 at the outer wall. kind: clean | FR-07 | FR-08."""
    limit = 500.0 if notes_in_paper else 2500.0
    area = limit * (1.2 if kind == "FR-07" else 0.8)
    width = area / 40.0
    comp = box(0, 0, width, 40.0)
    exits = [(width * 0.2, 0.0), (width * 0.8, 40.0)]
    if kind == "FR-08":
        exits = exits[:1]
    codes = ["FM甲1221", "FM乙0821" if kind == "FR-12" else "FM甲1221"]
    # labels independent of drawreview:
    assert (comp.area > limit) == (kind == "FR-07")
    assert (len(exits) < 2 or math.dist(*exits) < 5.0) == (kind == "FR-08")
    w = W(units, insunits)
    target = w.msp
    if wrap:  # the whole plan is a block (a bound xref, a WBLOCKed plan) inserted at an offset
        target = w.doc.blocks.new("XREF-三层平面")
    ox, oy = (0.0, 0.0)
    if extrusion:  # mirrored in the OCS: extrusion (0,0,-1), x negated in OCS
        coords = [(-x, y) for x, y in comp.exterior.coords[:-1]]
        target.add_lwpolyline([w.s(c) for c in coords], close=True,
                              dxfattribs={"layer": w.layer(comp_layer), "extrusion": (0, 0, -1)})
    else:
        target.add_lwpolyline([w.s(c) for c in comp.exterior.coords[:-1]], close=True,
                              dxfattribs={"layer": w.layer(comp_layer)})
    for i, (x, y) in enumerate(exits):
        lbl = codes[i]
        if exit_style == "block":
            if lbl not in w.doc.blocks:
                b = w.doc.blocks.new(lbl)
                b.add_line((0, 0), (1.2 * w.k, 0))
                b.add_arc((0, 0), 1.2 * w.k, 0, 90)
            target.add_blockref(lbl, w.s((x, y)), dxfattribs={"layer": w.layer(exit_layer)})
        elif exit_style == "anon":  # dynamic block reference: anonymous *U block
            b = w.doc.blocks.new_anonymous_block("U")
            b.add_line((0, 0), (1.2 * w.k, 0))
            b.add_arc((0, 0), 1.2 * w.k, 0, 90)
            target.add_blockref(b.name, w.s((x, y)), dxfattribs={"layer": w.layer(exit_layer)})
        elif exit_style == "dynamic":  # a real dynamic block: *U rep pointing at its definition
            for app in ("AcDbDynamicBlockGUID", "AcDbBlockRepBTag"):
                if app not in w.doc.appids:
                    w.doc.appids.new(app)
            if lbl not in w.doc.blocks:
                d = w.doc.blocks.new(lbl)
                d.add_line((0, 0), (1.2 * w.k, 0))
                d.block_record.set_xdata("AcDbDynamicBlockGUID", [(1000, "{0B7B4D8E-0000-0000-0000-000000000000}")])
            b = w.doc.blocks.new_anonymous_block("U")
            b.add_line((0, 0), (1.2 * w.k, 0))
            b.add_arc((0, 0), 1.2 * w.k, 0, 90)
            b.block_record.set_xdata("AcDbBlockRepBTag", [(1070, 1), (1005, w.doc.blocks.get(lbl).block_record.dxf.handle)])
            target.add_blockref(b.name, w.s((x, y)), dxfattribs={"layer": w.layer(exit_layer)})
        elif exit_style == "parts-on-layer":  # a neutral block on a plain layer, drawn on the door layer
            if "SYM-D1" not in w.doc.blocks:
                b = w.doc.blocks.new("SYM-D1")
                b.add_line((0, 0), (1.2 * w.k, 0), dxfattribs={"layer": w.layer(exit_layer)})
                b.add_arc((0, 0), 1.2 * w.k, 0, 90, dxfattribs={"layer": w.layer(exit_layer)})
            target.add_blockref("SYM-D1", w.s((x, y)), dxfattribs={"layer": w.layer("A-ANNO-SYMB")})
        elif exit_style == "bulge":  # leaf + swing as ONE polyline with a bulge
            sgn = 1 if y == 0 else -1
            pts = [(x + 1.2, y, 0, 0, 0), (x, y, 0, 0, 0), (x, y + sgn * 1.2, 0, 0, -sgn * math.tan(math.pi / 8)), (x + 1.2, y, 0, 0, 0)]
            target.add_lwpolyline([(px * w.k, py * w.k, a, b_, c) for px, py, a, b_, c in pts[1:]], format="xyseb",
                                  dxfattribs={"layer": w.layer(exit_layer)})
        elif exit_style == "exploded":  # leaf line + swing arc, no block
            target.add_line(w.s((x, y)), w.s((x + 1.2, y)), dxfattribs={"layer": w.layer(exit_layer)})
            target.add_line(w.s((x, y)), w.s((x, y + 1.2 if y == 0 else y - 1.2)),
                            dxfattribs={"layer": w.layer(exit_layer)})
            a0, a1 = (0, 90) if y == 0 else (270, 360)
            target.add_arc(w.s((x, y)), 1.2 * w.k, a0, a1, dxfattribs={"layer": w.layer(exit_layer)})
        if label_codes:
            target.add_text(lbl, height=0.35 * w.k, dxfattribs={"layer": w.layer("WINDOW_TEXT"),
                                                                   "insert": w.s((x + 0.2, y + 0.3))})
    title = "地下一层平面图" if notes_in_paper else "三层平面图"
    if notes_in_paper:
        ps = w.doc.layouts.get("Layout1")
        ps.add_lwpolyline([(0, 0), (841, 0), (841, 594), (0, 594)], close=True, dxfattribs={"layer": w.layer("TK")})
        ps.add_viewport(center=(420, 300), size=(760, 500), view_center_point=w.s((width / 2, 20)),
                        view_height=60 * w.k)
        ps.add_text(title, height=7, dxfattribs={"layer": w.layer("TK"), "insert": (660, 30)})
        ps.add_text("设计说明：本层为地下汽车库及设备用房" if notes_in_paper == "note" else "建施-05", height=3.5,
                    dxfattribs={"layer": w.layer("PUB_TEXT"), "insert": (30, 560)})
        if overview:  # a second layout: a key plan at a small scale whose window takes in this plan too
            key = w.doc.layouts.new("区位示意")
            key.add_lwpolyline([(0, 0), (420, 0), (420, 297), (0, 297)], close=True, dxfattribs={"layer": w.layer("TK")})
            key.add_viewport(center=(210, 150), size=(380, 250), view_center_point=w.s((width / 2, 20)),
                             view_height=600 * w.k)
            key.add_text("区位示意图", height=7, dxfattribs={"layer": w.layer("TK"), "insert": (250, 20)})
    else:
        target.add_text(title, height=0.7 * w.k, dxfattribs={"layer": w.layer("PUB_TEXT"),
                                                              "insert": w.s((0, -6))})
    if wrap:
        w.msp.add_blockref(target.name, (0, 0), dxfattribs={"layer": "0"})
    name = f"floor-{habit}-{kind}"
    w.save(name)
    case(name, habit, list(families), None if kind == "clean" else kind,
         params if params is not None else ({} if notes_in_paper else FLOOR_PARAMS))


# ------------------------------------------------------------------ site plans: FR-01
def site(habit, kind, *, label="text", bld_layer="总图-建筑物", units="mm", fmt=("H={h:.1f}", "{n}F", "耐火等级二级"),
         extrusion=False, insunits=None, h=54.0, n=18, rating=2, short=3.0):
    h1 = h2 = h
    need = separation(h1, h2, rating)
    gap = need + 1.0 if kind == "clean" else need - short
    a = box(0, 0, 40, 15)
    b = box(40 + gap, 0, 80 + gap, 15)
    assert (a.distance(b) < need) == (kind == "FR-01")
    w = W(units, 4 if habit == "header-mm-drawn-in-m" else insunits)
    for g, h, n in ((a, h1, n), (b, h2, n)):
        x0, y0, x1, y1 = g.bounds
        if extrusion:
            w.msp.add_lwpolyline([w.s((-x, y)) for x, y in g.exterior.coords[:-1]], close=True,
                                 dxfattribs={"layer": w.layer(bld_layer), "extrusion": (0, 0, -1)})
        else:
            w.poly(g.exterior.coords[:-1], bld_layer)
        lines = [f.format(h=h, n=n) for f in fmt]
        if habit == "fullwidth":
            lines = [t.translate(str.maketrans("0123456789.=:", "０１２３４５６７８９．＝：")) for t in lines]
        px, py = x0 + 3, y1 - 3
        if label == "text":
            for i, t in enumerate(lines):
                if extrusion:
                    w.msp.add_text(t, height=0.5 * w.k, dxfattribs={"layer": w.layer("PUB_TEXT"),
                                                                     "insert": w.s((-(px), py - 2 * i)),
                                                                     "extrusion": (0, 0, -1)})
                else:
                    w.text(t, (px, py - 2 * i), h=0.5)
        elif label == "mtext":
            w.msp.add_mtext("\\P".join(lines), dxfattribs={"layer": w.layer("PUB_TEXT"), "insert": w.s((px, py)),
                                                            "char_height": 0.5 * w.k})
        elif label == "mleader":  # labels on a multileader pointing into the outline
            ml = w.msp.add_multileader_mtext("Standard", dxfattribs={"layer": w.layer("PUB_TEXT")})
            ml.set_content("\\P".join(lines), char_height=0.5 * w.k)
            ml.add_leader_line(ezdxf.render.mleader.ConnectionSide.left, [ezdxf.math.Vec2(w.s((px + 5, py - 5)))])
            ml.build(insert=ezdxf.math.Vec2(w.s((px + 12, py + 4))))
        elif label == "leader_text":  # a plain LEADER with its text beside it outside the outline
            pass
    name = f"site-{habit}-{kind}"
    w.save(name)
    case(name, habit, ["FR-01"], None if kind == "clean" else "FR-01",
         {"use": "office"} if h <= 24.0 else None)


def two_frames(habit, kind, frame="polyline"):
    """Two sheets side by side; frame A 地下一层平面图 (limit 500 m²), frame B 三层平面图 (2500 m²)."""
    w = W("mm")
    areas = {"A": 600.0 if kind == "FR-07" else 400.0, "B": 2000.0}
    limits = {"A": 500.0, "B": 2500.0}
    for i, (sheet, title) in enumerate((("A", "地下一层平面图"), ("B", "三层平面图"))):
        ox = i * 200.0
        fw, fh = 168.2, 118.9  # A1 at 1:200 in metres
        if frame == "polyline":
            w.poly([(ox, 0), (ox + fw, 0), (ox + fw, fh), (ox, fh)], "图框")
            w.poly([(ox + 130, 2), (ox + fw - 2, 2), (ox + fw - 2, 14), (ox + 130, 14)], "图框")
            w.text(title, (ox + 135, 8), layer="图框", h=1.4)
            w.text(f"建施-0{i + 1}", (ox + 135, 4), layer="图框", h=1.0)
            w.text("比例 1:200", (ox + 150, 4), layer="图框", h=1.0)
        d = areas[sheet] / 40.0
        assert 30 + d < fh
        w.poly([(ox + 20, 30), (ox + 60, 30), (ox + 60, 30 + d), (ox + 20, 30 + d)], "防火分区")
        for x, y in ((ox + 22, 30), (ox + 58, 30 + d)):
            w.msp.add_circle(w.s((x, y)), 300, dxfattribs={"layer": w.layer("安全出口")})
        assert (areas[sheet] > limits[sheet]) == (kind == "FR-07" and sheet == "A")
    name = f"frames-{habit}-{kind}"
    w.save(name)
    case(name, habit, ["FR-07", "FR-08"], None if kind == "clean" else kind, FLOOR_PARAMS)


def generate(out_dir: Path) -> list[dict]:
    global OUT
    OUT = Path(out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    cases.clear()
    for kind in ("clean", "FR-07", "FR-08"):
        floor("baseline", kind)
        floor("exploded-doors-A-DOOR", kind, exit_style="exploded")
        floor("exploded-doors-DOOR_FIRE", kind, exit_style="exploded", exit_layer="DOOR_FIRE")
        floor("plan-as-block", kind, wrap=True)
        floor("anon-dynamic-door", kind, exit_style="anon", label_codes=True)
        floor("ocs-mirrored-compartment", kind, extrusion=True)
        floor("layer-pinyin-FHFQ", kind, comp_layer="FHFQ")
        floor("layer-cn-underscore", kind, comp_layer="建筑_防火分区_线")
        floor("layer-en-FIRE-COMPARTMENT", kind, comp_layer="FIRE COMPARTMENT")
        floor("units-metres", kind, units="m")
        floor("units-unset-mm", kind, insunits=0)
        floor("title-in-paperspace", kind, notes_in_paper="title")

    for kind in ("clean", "FR-01"):
        site("baseline", kind)
        site("mtext-codes", kind, label="mtext", fmt=("{{\\fSimHei|b1;H=}}\\H1.2x;{h:.1f}m", "{{\\C1;{n}F}}", "耐火等级{{\\L二}}级"))
        site("fullwidth", kind, fmt=("Ｈ={h:.1f}ｍ", "{n}层", "耐火等级:二级"))
        site("mi-cn", kind, fmt=("建筑高度{h:.1f}米", "十八层", "二级"))
        site("mleader", kind, label="mleader")
        site("ocs-mirrored", kind, extrusion=True)
        site("units-metres", kind, units="m")
        site("layer-aia-A-BLDG-OTLN", kind, bld_layer="A-BLDG-OTLN")
        site("layer-pinyin", kind, bld_layer="JZWLK")

    for kind in ("clean", "FR-12"):
        floor("fr12-named-block", kind, families=("FR-07", "FR-08", "FR-12"))
        floor("fr12-dynamic-block", kind, exit_style="dynamic", families=("FR-07", "FR-08", "FR-12"))
    for kind in ("clean", "FR-07", "FR-08"):
        floor("bulge-polyline-door", kind, exit_style="bulge", exit_layer="DOOR_FIRE")
        floor("header-mm-drawn-in-m", kind, units="m", insunits=4)
    for kind in ("clean", "FR-01"):
        site("header-mm-drawn-in-m", kind, units="m")


    for kind in ("clean", "FR-07"):
        two_frames("polyline-frames", kind)
        floor("units-unset-metres-no-text", kind, units="m", insunits=0)

    for kind in ("clean", "FR-07", "FR-08"):
        floor("header-inches-acad-dwt", kind, insunits=1)
        floor("header-m-drawn-in-mm", kind, insunits=6)
    for kind in ("clean", "FR-07", "FR-08"):
        floor("symbol-parts-on-door-layer", kind, exit_style="parts-on-layer")
        floor("title-in-paperspace-and-a-key-plan", kind, notes_in_paper="title", overview=True)
    for kind in ("clean", "FR-01"):
        site("rating-roman", kind, h=15.0, n=5, rating=3, short=1.0, fmt=("H={h:.1f}", "{n}F", "耐火等级Ⅲ级"))
    (OUT / "labels.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return list(cases)


if __name__ == "__main__":
    import sys

    print(len(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "habit-cases"))), "drawings")
