"""A seventh outside probe, written without reading the rule engine, its rulesets or the earlier
corpora's generators: drafting habits of Chinese design institutes that habits.py and outside.py to
outside6.py do not draw.

Floors (GB 50016 5.3.1, 5.5.8, 5.5.18): a compartment exported from a massing or BIM program as a
polyface mesh, as two 3DFACE triangles, as a 2D SOLID, as an MPOLYGON (中望 / Map area objects); a
compartment on layer 0 three blocks deep with a non-uniform scale in the middle; a Revit export with
its category layers (``Area Boundary``); a GB/T 18112 layer with a minor code (``A-FIRE-BNDY``); a
basement title in traditional characters (``地下一層平面圖``) or in full-width characters
(``－１层平面图  １：１００``); a ground-floor title that mentions the
basement in a note; a metre drawing with ``$INSUNITS`` unset; the sprinkler system stated in a
消防设计说明 table (``自动喷水灭火系统 | 设置`` / ``不设置``) or in a note in paper space; the height only
in a 天正 楼层表 (storey table); a floor split by a 防火墙 LINE on its own layer, or by 防火墙 lines with
a 防火卷帘 spanning the gap; door codes with the grade in brackets (``FM(甲)0821``, ``FM1221(甲)``) or in
full-width letters, Revit door families named by size in mm, a door block in an OCS mirrored by
extrusion (0, 0, -1); traps: a compartment swatch in a 图例, the compartments traced again in paper space
over the viewport, DIMENSIONs on the compartment layer.
Sites (GB 50016 5.2.2, 7.1.8-1, 7.2.2; GB 50352 4.3.1; RULES.md PL-04, PL-05, PL-07): footprints as
extruded polyface massing or only as solid hatches, labelled ``6层/23.10米/二级``; a 3D red line at survey
elevations; a tower footprint drawn inside its podium's; a green hatch with a building as its island; a
fire lane block squeezed by its Y scale; a lane on a pinyin-initials layer (``ZT-XFCD``); a 登高操作场地 as a
unit block scaled to size; site areas in 公顷, in hm², in ``ha``, with the unit in the key
(``规划用地面积（公顷）``), with space-grouped thousands, in ㎡ with 亩 in brackets.
Roofs (GB 50057 4.3.1, 4.3.3): a mesh of LINE pieces broken at every crossing, a mesh as a MINSERT of
one cell, down-conductors as POINTs or as a layer-0 BYBLOCK symbol block. Civil defence (GB 50038
3.2.6): protection units as polyface, in nested blocks, on a pinyin-initials layer (``RF-FHDY``).
Dimensions (RULES.md DR-04): overrides with thousands commas, a ``mm`` suffix, an ``L=`` prefix, ``R``
and ``%%c`` prefixes, angular ``%%d``.
File quality (DR-03): ``$INSUNITS`` 0.

Imports nothing from drawreview. Each label is decided here from RULES.md on the scene as placed:
areas, distances, widths and spacings measured with shapely on the points written. A drawing seeds
at most one violation; a clean drawing of a pair differs from its violating twin only in the measured
quantity. ``generate(out_dir)`` writes ``*.dxf`` and ``labels.json`` and returns the labels.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
from shapely.affinity import scale as sh_scale
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import unary_union

ABOVE, BELOW, HIGH = 2500.0, 500.0, 1500.0  # GB 50016 5.3.1 (doubled with sprinklers)
FLOOR = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}
FLOOR_FAM = ["FR-07", "FR-08", "FR-12"]
SITE_FAM = ["PL-02", "FR-01", "FR-02"]
OUT = Path(".")
cases: list[dict] = []


class S:
    """One drawing; ``add_*`` take metre coordinates and write ``k`` units per metre."""

    def __init__(self, version="R2018", k=1000.0, insunits=4):
        self.doc = ezdxf.new(version)
        self.k = k
        if insunits is not None:
            self.doc.header["$INSUNITS"] = insunits
        self.msp = self.doc.modelspace()

    def p(self, pts):
        return [(x * self.k, y * self.k) for x, y in pts]

    def poly(self, layer, pts, close=True, where=None):
        return (where or self.msp).add_lwpolyline(self.p(pts), close=close, dxfattribs={"layer": layer})

    def rect(self, layer, x0, y0, x1, y1, where=None):
        return self.poly(layer, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], where=where)

    def text(self, s, x, y, h=0.7, layer="PUB_TEXT", where=None):
        return (where or self.msp).add_text(s, height=h * self.k,
                                            dxfattribs={"layer": layer, "insert": (x * self.k, y * self.k)})

    def door_block(self, name, width):
        if name not in self.doc.blocks:
            b = self.doc.blocks.new(name)
            b.add_line((0, 0), (width * self.k, 0))
            b.add_arc((0, 0), width * self.k, 0, 90)
        return name

    def door(self, name, width, x, y, rot=0.0, layer="A-DOOR", **attrs):
        self.door_block(name, width)
        return self.msp.add_blockref(name, (x * self.k, y * self.k),
                                     dxfattribs={"layer": layer, "rotation": rot, **attrs})

    def doors(self, w, d, code="FM甲1221", width=1.2, x0=0.0, y0=0.0, layer="A-DOOR"):
        """Two exit doors on the outline of the w × d compartment at (x0, y0): south and north."""
        self.door(code, width, x0 + w * 0.25, y0, 0.0, layer)
        self.door(code, width, x0 + w * 0.75, y0 + d, 180.0, layer)


def add(habit, name, s, families, violation, params=None, any_severity=False, note=""):
    fname = f"{habit}-{name}.dxf"
    s.doc.saveas(OUT / fname)
    lab = {"file": fname, "habit": habit, "families": list(families), "violation": violation,
           "params": dict(FLOOR if params is None else params), "note": note}
    if any_severity:
        lab["any_severity"] = True
    cases.append(lab)


def limit(underground=False, sprinklers=False, high=False):
    base = BELOW if underground else (HIGH if high else ABOVE)
    return base * (2 if sprinklers else 1)


def pair_area(habit, draw, sizes=((60.0, 40.0), (60.0, 45.0)), title="一层平面图  1:100", underground=False,
              sprinklers=False, high=False, params=None, families=FLOOR_FAM):
    """A clean / violating pair for FR-07: ``draw(s, w, d)`` places the compartment and returns its polygon."""
    for name, (w, d) in zip(("clean", "viol"), sizes):
        s = S()
        poly = draw(s, w, d)
        s.doors(w, d)
        if title:
            s.text(title, 0, -5)
        v = "FR-07" if poly.area > limit(underground, sprinklers, high) + 1e-6 else None
        assert (v is None) == (name == "clean"), (habit, poly.area)
        add(habit, name, s, families, v, params, note=f"{poly.area:.0f} m2")


# ---------------------------------------------------------------------- floors: outline kinds
def _polyface(s, w, d, layer="防火分区"):
    pf = s.msp.add_polyface(dxfattribs={"layer": layer})
    pf.append_face([(x, y, 0) for x, y in s.p([(0, 0), (w, 0), (w, d), (0, d)])])
    return box(0, 0, w, d)


def _faces3d(s, w, d, layer="防火分区"):
    a, b, c, e = s.p([(0, 0), (w, 0), (w, d), (0, d)])
    s.msp.add_3dface([a, b, c, c], dxfattribs={"layer": layer})
    s.msp.add_3dface([a, c, e, e], dxfattribs={"layer": layer})
    return unary_union([Polygon([(0, 0), (w, 0), (w, d)]), Polygon([(0, 0), (w, d), (0, d)])])


def _solid(s, w, d):
    a, b, c, e = s.p([(0, 0), (w, 0), (w, d), (0, d)])
    s.msp.add_solid([a, b, e, c], dxfattribs={"layer": "防火分区"})  # SOLID order: 0, 1, 3, 2
    return box(0, 0, w, d)


def _mpolygon(s, w, d):
    mp = s.msp.add_mpolygon(dxfattribs={"layer": "防火分区"})
    mp.paths.add_polyline_path(s.p([(0, 0), (w, 0), (w, d), (0, d)]), is_closed=True)
    return box(0, 0, w, d)


def _nested3(s, w, d):
    """Layer-0 outline in C (w/2 × d/2), C in B at (1, 1) scaled (2, 1), B in A scaled (1, 2), A on 防火分区."""
    doc = s.doc
    c, b, a = (doc.blocks.new(n) for n in ("分区-C", "分区-B", "分区-A"))
    c.add_lwpolyline(s.p([(0, 0), (w / 2, 0), (w / 2, d / 2), (0, d / 2)]), close=True, dxfattribs={"layer": "0"})
    b.add_blockref("分区-C", (0, 0), dxfattribs={"layer": "0", "xscale": 2.0, "yscale": 1.0})
    a.add_blockref("分区-B", (0, 0), dxfattribs={"layer": "0", "xscale": 1.0, "yscale": 2.0})
    s.msp.add_blockref("分区-A", (0, 0), dxfattribs={"layer": "防火分区"})
    return sh_scale(sh_scale(box(0, 0, w / 2, d / 2), 2.0, 1.0, origin=(0, 0)), 1.0, 2.0, origin=(0, 0))


def _on(layer):
    def draw(s, w, d):
        s.rect(layer, 0, 0, w, d)
        return box(0, 0, w, d)
    return draw


def _revit(s, w, d):
    s.rect("Area Boundary", 0, 0, w, d)
    s.text("防火分区一", w / 2, d / 2, 0.5, layer="Area Tags")
    return box(0, 0, w, d)


# ---------------------------------------------------------------------- floors: words
def floor_words():
    pair_area("traditional-basement-title", _on("防火分区"), ((20.0, 24.0), (24.0, 25.0)),
              title="地下一層平面圖  1:100", underground=True)
    pair_area("fullwidth-minus-basement-title", _on("防火分区"), ((20.0, 24.0), (24.0, 25.0)),
              title="－１层平面图  １：１００", underground=True)
    pair_area("ground-title-naming-basement", _on("防火分区"),
              title="一层平面图  1:100（地下室出入口详见建施-05）")
    # the metre drawing with no units header: the whole scene in metres
    for name, (w, d) in (("clean", (60.0, 40.0)), ("viol", (60.0, 45.0))):
        s = S(k=1.0, insunits=None)
        s.doc.header["$INSUNITS"] = 0
        s.rect("防火分区", 0, 0, w, d)
        s.doors(w, d)
        s.text("一层平面图  1:100", 0, -5)
        add("metre-insunits-unset", name, s, FLOOR_FAM, "FR-07" if w * d > ABOVE else None)
    nosprk = {"building_height_m": 18.0, "use": "office", "high_rise": False}
    for habit, word, sprk, sizes in (("sprinkler-table-yes", "设置", True, ((80.0, 60.0), (80.0, 65.0))),
                                     ("sprinkler-table-no", "不设置", False, ((60.0, 40.0), (60.0, 45.0)))):
        for name, (w, d) in zip(("clean", "viol"), sizes):
            s = S()
            s.rect("防火分区", 0, 0, w, d)
            s.doors(w, d)
            s.text("一层平面图  1:100", 0, -5)
            s.text("消防设计说明", 100, 60, 0.7)
            for i, (key, val) in enumerate((("建筑分类", "多层公共建筑"), ("耐火等级", "二级"),
                                            ("自动喷水灭火系统", word), ("火灾自动报警系统", "设置"))):
                s.rect("PUB_TAB", 100, 55 - 3 * i, 116, 58 - 3 * i)
                s.rect("PUB_TAB", 116, 55 - 3 * i, 126, 58 - 3 * i)
                s.text(key, 100.5, 56 - 3 * i, 0.5)
                s.text(val, 116.5, 56 - 3 * i, 0.5)
            area = w * d
            add(habit, name, s, FLOOR_FAM, "FR-07" if area > limit(sprinklers=sprk) else None, nosprk)
    for name, (w, d) in (("clean", (80.0, 60.0)), ("viol", (80.0, 65.0))):
        s = S()
        s.rect("防火分区", 0, 0, w, d)
        s.doors(w, d)
        s.text("一层平面图  1:100", 0, -5)
        ps = s.doc.layouts.get("Layout1")
        ps.add_text("设计说明：本建筑设置自动喷水灭火系统，全楼设火灾自动报警系统。", height=3.5,
                    dxfattribs={"insert": (20, 250), "layer": "PUB_TEXT"})
        ps.add_text("一层平面图", height=7, dxfattribs={"insert": (20, 20), "layer": "PUB_TEXT"})
        add("sprinkler-note-in-paper", name, s, FLOOR_FAM, "FR-07" if w * d > limit(sprinklers=True) else None, nosprk)
    # the height only in a 天正 楼层表: 18 storeys of 3.0 m = 54 m, high-rise, 1500 m²
    for name, (w, d) in (("clean", (40.0, 35.0)), ("viol", (40.0, 40.0))):
        s = S()
        s.rect("防火分区", 0, 0, w, d)
        s.doors(w, d)
        s.text("一层平面图  1:100", 0, -5)
        s.text("楼层表", 70, 60, 0.7)
        rows = [("层号", "层高(m)", "标高(m)")] + [(f"{n}F", "3.000", f"{(n - 1) * 3.0:.3f}") for n in range(18, 0, -1)]
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                s.rect("PUB_TAB", 70 + 8 * j, 57 - 2 * i, 78 + 8 * j, 59 - 2 * i)
                s.text(cell, 70.5 + 8 * j, 57.5 - 2 * i, 0.5)
        s.text("屋面", 70.5, 57.5 - 2 * 19, 0.5)
        s.text("54.000", 86.5, 57.5 - 2 * 19, 0.5)
        add("storey-table-height", name, s, FLOOR_FAM, "FR-07" if w * d > HIGH else None,
            {"use": "office", "sprinklers": False})


# ---------------------------------------------------------------------- floors: firewalls and doors
def firewalls():
    for habit in ("firewall-line-own-layer", "firewall-with-shutter"):
        for name, split in (("clean", 50.0), ("viol", 56.0)):
            s = S()
            s.rect("防火分区", 0, 0, 100, 45)
            if habit == "firewall-line-own-layer":
                s.poly("防火墙", [(split, 0), (split, 45)], close=False)
            else:  # firewall to y=20, a 防火卷帘 across 20..26, firewall on from 26
                s.poly("防火墙", [(split, 0), (split, 20)], close=False)
                s.poly("防火墙", [(split, 26), (split, 45)], close=False)
                s.poly("防火卷帘", [(split, 20), (split, 26)], close=False)
                s.text("FJL6040", split + 0.5, 23, 0.4)
            for x0, w in ((0.0, split), (split, 100.0 - split)):
                s.door("FM甲1221", 1.2, x0 + w * 0.3, 0.0)
                s.door("FM甲1221", 1.2, x0 + w * 0.7, 45.0, 180.0)
            s.text("一层平面图  1:100", 0, -5)
            area = max(split, 100 - split) * 45
            add(habit, name, s, FLOOR_FAM, "FR-07" if area > ABOVE else None, note=f"{area:.0f} m2")


def door_codes():
    for habit, narrow, wide in (("door-grade-bracket-before", "FM(甲)0821", "FM(甲)1221"),
                                ("door-grade-bracket-after", "FM0821(甲)", "FM1221(甲)"),
                                ("door-code-fullwidth", "ＦＭ甲０８２１", "ＦＭ甲１２２１"),
                                ("door-revit-family-mm", "甲级防火门-单扇-800 x 2100mm-345678-F1",
                                 "甲级防火门-单扇-1200 x 2100mm-345679-F1")):
        for name, code, width in (("clean", wide, 1.2), ("viol", narrow, 0.8)):
            s = S()
            s.rect("防火分区", 0, 0, 60, 40)
            s.doors(60, 40, code=code, width=width)
            s.text("一层平面图  1:100", 0, -5)
            add(habit, name, s, FLOOR_FAM, "FR-12" if width < 0.9 else None, note=f"door {width} m")
    # a door block in an OCS whose extrusion is -Z: OCS x = -WCS x
    for name, inner in (("clean", False), ("viol", True)):
        s = S()
        s.rect("防火分区", 0, 0, 60, 40)
        s.door("FM甲1221", 1.2, 15, 0)
        wx, wy = (30.0, 20.0) if inner else (45.0, 40.0)
        s.door("FM甲1221", 1.2, 0, 0, 180.0)
        ins = s.msp.query("INSERT")[-1]
        ins.dxf.insert = (-wx * s.k, wy * s.k, 0)
        ins.dxf.extrusion = (0, 0, -1)
        ins.dxf.rotation = 0.0
        on_edge = LineString([(0, 0), (60, 0), (60, 40), (0, 40), (0, 0)]).distance(Point(wx, wy)) < 0.01
        s.text("一层平面图  1:100", 0, -5)
        add("door-ocs-minus-z", name, s, FLOOR_FAM, None if on_edge else "FR-08", note=f"exits on edge: {1 + on_edge}")


def traps():
    # a compartment swatch in a 图例 box: a 3 × 1.5 m hatched rectangle on the compartment layer
    for name, (w, d) in (("clean", (60.0, 40.0)), ("viol", (60.0, 45.0))):
        s = S()
        s.rect("防火分区", 0, 0, w, d)
        s.doors(w, d)
        s.text("一层平面图  1:100", 0, -5)
        s.text("图例", 80, 30, 0.8)
        s.rect("防火分区", 80, 25, 83, 26.5)
        h = s.msp.add_hatch(color=3, dxfattribs={"layer": "防火分区"})
        h.paths.add_polyline_path(s.p([(80, 25), (83, 25), (83, 26.5), (80, 26.5)]), is_closed=True)
        s.text("防火分区范围", 84, 25.3, 0.5)
        add("legend-compartment-swatch", name, s, FLOOR_FAM, "FR-07" if w * d > ABOVE else None)
    # the compartments drawn again in paper space over the viewport (1:100), hatched, on their layer
    for name, (w, d) in (("clean", (60.0, 40.0)), ("viol", (60.0, 45.0))):
        s = S()
        s.rect("防火分区", 0, 0, w, d)
        s.doors(w, d)
        s.text("一层平面图  1:100", 0, -5)
        ps = s.doc.layouts.get("Layout1")
        ps.add_viewport(center=(420, 297), size=(800, 560), view_center_point=(30000, 22000), view_height=56000)

        def paper(x, y):  # model metres -> paper mm at 1:100 through the viewport
            return (420 + (x * 1000 - 30000) / 100, 297 + (y * 1000 - 22000) / 100)

        pts = [paper(x, y) for x, y in ((0, 0), (w, 0), (w, d), (0, d))]
        ps.add_lwpolyline(pts, close=True, dxfattribs={"layer": "防火分区"})
        h = ps.add_hatch(color=1, dxfattribs={"layer": "防火分区"})
        h.paths.add_polyline_path(pts, is_closed=True)
        ps.add_text(f"防火分区一  {w * d:.0f}㎡", height=5, dxfattribs={"insert": paper(w / 2, d / 2), "layer": "防火分区"})
        add("paper-overlay-over-viewport", name, s, FLOOR_FAM, "FR-07" if w * d > ABOVE else None)
    # dimensions drawn on the compartment layer (their blocks hold lines and arrowheads)
    for name, (w, d) in (("clean", (60.0, 40.0)), ("viol", (60.0, 45.0))):
        s = S()
        s.rect("防火分区", 0, 0, w, d)
        s.doors(w, d)
        for p1, p2, base in (((0, 0), (w, 0), (0, -2.5)), ((w, 0), (w, d), (w + 2.5, 0))):
            angle = 0 if p1[1] == p2[1] else 90
            dim = s.msp.add_linear_dim(base=(base[0] * s.k, base[1] * s.k), p1=(p1[0] * s.k, p1[1] * s.k),
                                       p2=(p2[0] * s.k, p2[1] * s.k), angle=angle, dxfattribs={"layer": "防火分区"})
            dim.render()
        s.text("一层平面图  1:100", 0, -8)
        add("dimension-on-compartment-layer", name, s, FLOOR_FAM, "FR-07" if w * d > ABOVE else None)


# ---------------------------------------------------------------------- sites
SITE = (0.0, 0.0, 150.0, 120.0)  # 18000 m²


def site_base(s, redline=True):
    if redline:
        s.rect("A-REDL", *SITE)


def label(s, x, y, lines):
    for i, t in enumerate(lines):
        s.text(t, x, y - 1.2 * i, 0.8, layer="A-ANNO-TEXT")


def sites():
    req = 6.0  # GB 5.2.2: two ≤ 24 m civil buildings, both 二级
    for habit in ("footprint-polyface-massing", "footprint-label-slash-words", "footprint-solid-hatch-only"):
        for name, gap in (("clean", 6.5), ("viol", 5.5)):
            s = S()
            site_base(s)
            boxes = [(30.0, 40.0, 60.0, 60.0), (60.0 + gap, 40.0, 90.0 + gap, 60.0)]
            for i, (x0, y0, x1, y1) in enumerate(boxes):
                if habit == "footprint-polyface-massing":
                    pf = s.msp.add_polyface(dxfattribs={"layer": "A-MAST-ROOF"})
                    lo = [(x, y, 0.0) for x, y in s.p([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]
                    hi = [(x, y, 23100.0) for x, y, _ in lo]
                    pf.append_face(hi)
                    pf.append_face(lo)
                    for j in range(4):
                        pf.append_face([lo[j], lo[(j + 1) % 4], hi[(j + 1) % 4], hi[j]])
                elif habit == "footprint-solid-hatch-only":
                    h = s.msp.add_hatch(color=8, dxfattribs={"layer": "A-MAST-ROOF"})
                    h.paths.add_polyline_path(s.p([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]), is_closed=True)
                else:
                    s.rect("A-MAST-ROOF", x0, y0, x1, y1)
                if habit != "footprint-label-slash-words":
                    label(s, x0 + 3, y1 - 3, [f"{i + 1}#楼", "6F", "H=23.10m", "耐火等级二级"])
                else:
                    label(s, x0 + 3, y1 - 3, [f"{i + 1}#楼  6层/23.10米/二级"])
            d = box(*boxes[0]).distance(box(*boxes[1]))
            add(habit, name, s, ["FR-01"], "FR-01" if d < req - 1e-6 else None, {}, note=f"{d:.1f} m")
    # a 3D red line at survey elevations (z 45.30 … 46.10 m)
    for name, top in (("clean", 110.0), ("viol", 124.0)):
        s = S()
        zs = [45.3, 45.8, 46.1, 45.6]
        pts = [(x * s.k, y * s.k, z * s.k) for (x, y), z in zip([(0, 0), (150, 0), (150, 120), (0, 120)], zs)]
        s.msp.add_polyline3d(pts, close=True, dxfattribs={"layer": "A-REDL"})
        s.rect("A-MAST-ROOF", 50, 80, 90, top)
        label(s, 55, top - 3, ["1#楼", "6F", "H=23.10m"])
        crosses = not box(*SITE).contains(box(50, 80, 90, top))
        add("redline-3d-survey-z", name, s, ["PL-02"], "PL-02" if crosses else None, {})
    # fire lane as a block drawn 8 m wide, inserted with Y scale 0.5 / 0.45
    for name, ys in (("clean", 0.5), ("viol", 0.45)):
        s = S()
        site_base(s)
        s.rect("A-MAST-ROOF", 40, 50, 100, 70)
        label(s, 45, 67, ["1#楼", "6F", "H=23.10m"])
        b = s.doc.blocks.new("消防车道-段")
        b.add_lwpolyline(s.p([(0, -4), (120, -4), (120, 4), (0, 4)]), close=True, dxfattribs={"layer": "0"})
        s.msp.add_blockref("消防车道-段", (15 * s.k, 30 * s.k), dxfattribs={"layer": "消防车道", "yscale": ys})
        width = 8.0 * ys
        add("lane-block-y-scale", name, s, ["FR-02"], "FR-02" if width < 4.0 - 1e-6 else None, {},
            note=f"{width:.1f} m")
    for name, width in (("clean", 4.0), ("viol", 3.5)):
        s = S()
        site_base(s)
        s.rect("A-MAST-ROOF", 40, 50, 100, 70)
        label(s, 45, 67, ["1#楼", "6F", "H=23.10m"])
        s.rect("ZT-XFCD", 15, 30, 135, 30 + width)
        add("lane-pinyin-initials", name, s, ["FR-02"], "FR-02" if width < 4.0 else None, {}, note=f"{width} m")
    # 登高操作场地 as a unit block scaled to its size, along an 18-storey tower (H 54 m)
    for name, wy in (("clean", 10.0), ("viol", 9.0)):
        s = S()
        site_base(s)
        s.rect("A-MAST-ROOF", 40, 60, 80, 75)
        label(s, 45, 72, ["1#楼", "18F", "H=54.00m", "耐火等级一级"])
        b = s.doc.blocks.new("登高场地-1x1")
        b.add_lwpolyline([(0, 0), (1, 0), (1, 1), (0, 1)], close=True, dxfattribs={"layer": "0"})
        s.msp.add_blockref("登高场地-1x1", (40 * s.k, (60 - 6 - wy) * s.k),
                           dxfattribs={"layer": "登高操作场地", "xscale": 40 * s.k, "yscale": wy * s.k})
        add("hardstanding-unit-block", name, s, ["FR-06"], "FR-06" if wy < 10.0 else None,
            {"building_height_m": 54.0, "use": "residential"}, note=f"40 x {wy} m, 6 m off")


def planning_ratios():
    # PL-04: a tower drawn inside its podium: density is the union (the podium)
    for name, pw in (("clean", 60.0), ("viol", 66.0)):
        s = S()
        site_base(s)
        podium = box(40, 40, 40 + pw, 80)
        tower = box(50, 50, 80, 70)
        s.rect("A-MAST-ROOF", *podium.bounds)
        s.rect("A-MAST-ROOF", *tower.bounds)
        label(s, 42, 78, ["裙房 3F", "H=15.00m"])
        label(s, 52, 68, ["塔楼 12F", "H=45.00m"])
        dens = unary_union([podium, tower]).area / box(*SITE).area
        add("tower-inside-podium-density", name, s, ["PL-04"], "PL-04" if dens > 0.14 else None,
            {"density_max": 0.14}, note=f"{dens:.4f}")
    # PL-05: a green hatch with the building as its island
    for name, hole in (("clean", (60, 50, 100, 80)), ("viol", (55, 45, 105, 85))):
        s = S()
        site_base(s)
        s.rect("A-MAST-ROOF", *hole)
        label(s, hole[0] + 2, hole[3] - 2, ["1#楼", "6F", "H=23.10m"])
        h = s.msp.add_hatch(color=3, dxfattribs={"layer": "A-REDL-GREEN"})
        h.set_pattern_fill("GRASS", scale=500)
        outer = [(15, 10), (135, 10), (135, 90), (15, 90)]
        x0, y0, x1, y1 = hole
        h.paths.add_polyline_path(s.p(outer), is_closed=True, flags=1)
        h.paths.add_polyline_path(s.p([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]), is_closed=True, flags=0)
        green = Polygon(outer, [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]]).area / box(*SITE).area
        add("green-hatch-with-island", name, s, ["PL-05"], "PL-05" if green < 0.45 else None,
            {"green_ratio_min": 0.45}, note=f"{green:.4f}")
    # PL-07: the declared site area (drawn 18000 m²) written in several ways
    forms = {
        "area-gongqing": ("总用地面积：{:.2f}公顷", 1e-4),
        "area-hm2": ("规划用地面积：{:.2f} hm²", 1e-4),
        "area-space-thousands": ("用地面积：{} ㎡", None),
        "area-english-ha": ("Site Area: {:.2f} ha", 1e-4),
        "area-sqm-and-mu": ("用地面积：{}", "mu"),
    }
    for habit, (fmt, f) in forms.items():
        for name, real in (("clean", 18000.0), ("viol", 19500.0)):
            s = S()
            site_base(s)
            s.rect("A-MAST-ROOF", 40, 50, 100, 70)
            label(s, 45, 67, ["1#楼", "6F", "H=23.10m"])
            if f is None:
                txt = fmt.format(f"{real:,.2f}".replace(",", " "))
            elif f == "mu":
                txt = fmt.format(f"{real:.2f}㎡（{real * 3 / 2000:.2f}亩）")
            else:
                txt = fmt.format(real * f)
            s.text("主要经济技术指标", 160, 110, 1.0)
            s.text(txt, 160, 106, 0.7)
            off = abs(real - 18000.0) / 18000.0
            add(habit, name, s, ["PL-07"], "PL-07" if off > 0.005 else None, {}, any_severity=True, note=txt)
    for name, real in (("clean", 1.80), ("viol", 1.95)):
        s = S()
        site_base(s)
        s.rect("A-MAST-ROOF", 40, 50, 100, 70)
        label(s, 45, 67, ["1#楼", "6F", "H=23.10m"])
        s.text("主要经济技术指标", 160, 110, 1.0)
        for i, (key, val) in enumerate((("规划用地面积（公顷）", f"{real:.2f}"), ("建筑密度（%）", "6.7"))):
            s.rect("PUB_TAB", 160, 104 - 3 * i, 178, 107 - 3 * i)
            s.rect("PUB_TAB", 178, 104 - 3 * i, 186, 107 - 3 * i)
            s.text(key, 160.5, 105 - 3 * i, 0.6)
            s.text(val, 178.5, 105 - 3 * i, 0.6)
        off = abs(real * 1e4 - 18000.0) / 18000.0
        add("area-unit-in-key", name, s, ["PL-07"], "PL-07" if off > 0.005 else None, {}, any_severity=True)


# ---------------------------------------------------------------------- roofs
ROOF = (0.0, 0.0, 40.0, 20.0)
PERIM = 120.0


def along(p):
    if p <= 40:
        return (p, 0.0)
    if p <= 60:
        return (40.0, p - 40)
    if p <= 100:
        return (100 - p, 20.0)
    return (0.0, 120 - p)


def roof(s, mesh=True, downs=True, mesh_xs=(10, 20, 30)):
    s.rect("A-ROOF", *ROOF)
    s.text("屋顶防雷平面图  1:100", 0, -6)
    s.text("第二类防雷建筑物", 5, 15, 0.5)
    s.text("H=23.10m", 5, 14, 0.5)
    for a, b in (((0, 0), (40, 0)), ((40, 0), (40, 20)), ((40, 20), (0, 20)), ((0, 20), (0, 0))):
        s.poly("接闪带", [a, b], close=False)
    if mesh:
        for x in mesh_xs:
            s.poly("接闪带", [(x, 0), (x, 20)], close=False)
        s.poly("接闪带", [(0, 10), (40, 10)], close=False)
    if downs:
        for p in range(0, 120, 15):
            x, y = along(p)
            s.msp.add_circle((x * s.k, y * s.k), 0.3 * s.k, dxfattribs={"layer": "引下线"})


LP = {"lightning_class": 2}
ROOF_FAM = ["LP-02", "LP-03", "LP-04"]


def cell_max(xs, ys):
    gx = max(b - a for a, b in zip(xs, xs[1:]))
    gy = max(b - a for a, b in zip(ys, ys[1:]))
    big, small = max(gx, gy), min(gx, gy)
    return big, small


def mesh_ok(xs, ys):  # GB 50057 4.3.1 class 2: ≤ 10 × 10 or ≤ 12 × 8
    big, small = cell_max(xs, ys)
    return (big <= 10 and small <= 10) or (big <= 12 and small <= 8)


def roofs():
    for name, xs in (("clean", (10, 20, 30)), ("viol", (10, 30))):
        s = S()
        roof(s, mesh=False)
        lines = [((x, 0), (x, 20)) for x in xs] + [((0, 10), (40, 10))]
        cuts = sorted(set((0,) + tuple(xs) + (40,)))
        for x in xs:  # vertical lines broken at y = 10
            s.poly("接闪带", [(x, 0), (x, 10)], close=False)
            s.poly("接闪带", [(x, 10), (x, 20)], close=False)
        for a, b in zip(cuts, cuts[1:]):  # the horizontal one broken at every crossing
            s.poly("接闪带", [(a, 10), (b, 10)], close=False)
        assert lines
        ok = mesh_ok((0,) + tuple(xs) + (40,), (0, 10, 20))
        add("mesh-broken-at-crossings", name, s, ROOF_FAM, None if ok else "LP-02", LP)
    for name, cw in (("clean", 10.0), ("viol", 20.0)):
        s = S()
        roof(s, mesh=False)
        b = s.doc.blocks.new("网格")
        b.add_lwpolyline(s.p([(0, 0), (cw, 0), (cw, 10), (0, 10)]), close=True, dxfattribs={"layer": "0"})
        cols = int(40 / cw)
        s.msp.add_blockref("网格", (0, 0), dxfattribs={"layer": "接闪带", "column_count": cols, "row_count": 2,
                                                       "column_spacing": cw * s.k, "row_spacing": 10 * s.k})
        xs = tuple(cw * i for i in range(cols + 1))
        add("mesh-minsert-cell", name, s, ROOF_FAM, None if mesh_ok(xs, (0, 10, 20)) else "LP-02", LP)
    for name, drop in (("clean", None), ("viol", 45)):
        s = S()
        roof(s, downs=False)
        ps = [p for p in range(0, 120, 15) if p != drop]
        for p in ps:
            x, y = along(p)
            s.msp.add_point((x * s.k, y * s.k), dxfattribs={"layer": "引下线"})
        gaps = [b - a for a, b in zip(ps, ps[1:] + [ps[0] + PERIM])]
        add("downconductor-points", name, s, ROOF_FAM, "LP-04" if max(gaps) > 18 else None, LP,
            note=f"max gap {max(gaps)} m")


def roofs_more():
    for name, drop in (("clean", None), ("viol", 45)):
        s = S()
        roof(s, downs=False)
        b = s.doc.blocks.new("YX")
        b.add_circle((0, 0), 0.3 * s.k, dxfattribs={"layer": "0", "color": 0})
        b.add_line((-0.3 * s.k, 0), (0.3 * s.k, 0), dxfattribs={"layer": "0", "color": 0})
        b.add_line((0, -0.3 * s.k), (0, 0.3 * s.k), dxfattribs={"layer": "0", "color": 0})
        ps = [p for p in range(0, 120, 15) if p != drop]
        for p in ps:
            x, y = along(p)
            s.msp.add_blockref("YX", (x * s.k, y * s.k), dxfattribs={"layer": "引下线"})
        gaps = [b - a for a, b in zip(ps, ps[1:] + [ps[0] + PERIM])]
        add("downconductor-byblock-symbol", name, s, ROOF_FAM, "LP-04" if max(gaps) > 18 else None, LP,
            note=f"max gap {max(gaps)} m")


# ---------------------------------------------------------------------- civil defence
AD_FAM = ["AD-01", "AD-02"]


def hfm(s, x, y, rot):
    s.door("HFM1520", 1.5, x, y, rot, layer="人防出入口")


def units():
    for habit in ("unit-polyface", "unit-nested-block", "unit-pinyin-layer"):
        for name, (w, d) in (("clean", (50.0, 38.0)), ("viol", (50.0, 42.0))):
            s = S()
            if habit == "unit-polyface":
                pf = s.msp.add_polyface(dxfattribs={"layer": "人防单元"})
                pf.append_face([(x, y, 0) for x, y in s.p([(0, 0), (w, 0), (w, d), (0, d)])])
            elif habit == "unit-nested-block":
                inner = s.doc.blocks.new("单元-内")
                inner.add_lwpolyline(s.p([(0, 0), (w, 0), (w, d), (0, d)]), close=True, dxfattribs={"layer": "0"})
                outer = s.doc.blocks.new("人防-底图")
                outer.add_blockref("单元-内", (w * s.k, 0), dxfattribs={"layer": "0", "xscale": -1.0})
                s.msp.add_blockref("人防-底图", (0, 0), dxfattribs={"layer": "人防单元"})
            else:
                s.rect("RF-FHDY", 0, 0, w, d)
            hfm(s, w * 0.25, 0, 0.0)
            hfm(s, w * 0.75, d, 180.0)
            s.text("防护单元一", w / 2, d / 2, 0.8)
            s.text("地下一层人防平面图  1:100", 0, -5)
            add(habit, name, s, AD_FAM, "AD-01" if w * d > 2000 else None, {}, note=f"{w * d:.0f} m2")


# ---------------------------------------------------------------------- dimensions and units
def dims():
    def linear(s, length, override):
        d = s.msp.add_linear_dim(base=(0, -1500), p1=(0, 0), p2=(length, 0), angle=0,
                                 dxfattribs={"layer": "PUB_DIM"})
        d.dimension.dxf.text = override
        d.render()

    for name, txt in (("clean", "1,200"), ("viol", "1,500")):
        s = S()
        s.msp.add_line((0, 0), (1200, 0), dxfattribs={"layer": "WALL"})
        linear(s, 1200, txt)
        add("dim-thousands-comma", name, s, ["DR-04"], None if txt == "1,200" else "DR-04", {}, any_severity=True)
    for habit, good, bad in (("dim-unit-suffix", "1200mm", "1500mm"), ("dim-letter-prefix", "L=1200", "L=1500")):
        for name, txt in (("clean", good), ("viol", bad)):
            s = S()
            s.msp.add_line((0, 0), (1200, 0), dxfattribs={"layer": "WALL"})
            linear(s, 1200, txt)
            add(habit, name, s, ["DR-04"], None if txt == good else "DR-04", {}, any_severity=True)
    for name, txt in (("clean", "R1500"), ("viol", "R1800")):
        s = S()
        s.msp.add_circle((5000, 5000), 1500, dxfattribs={"layer": "WALL"})
        d = s.msp.add_radius_dim(center=(5000, 5000), radius=1500, angle=45, dxfattribs={"layer": "PUB_DIM"})
        d.dimension.dxf.text = txt
        d.render()
        add("dim-radius-prefix", name, s, ["DR-04"], None if txt == "R1500" else "DR-04", {}, any_severity=True)
    for name, txt in (("clean", "%%c1500"), ("viol", "%%c1800")):
        s = S()
        s.msp.add_circle((5000, 5000), 750, dxfattribs={"layer": "WALL"})
        d = s.msp.add_diameter_dim(center=(5000, 5000), radius=750, angle=30, dxfattribs={"layer": "PUB_DIM"})
        d.dimension.dxf.text = txt
        d.render()
        add("dim-diameter-prefix", name, s, ["DR-04"], None if txt == "%%c1500" else "DR-04", {}, any_severity=True)
    for name, txt in (("clean", "90%%d"), ("viol", "60%%d")):
        s = S()
        s.msp.add_line((0, 0), (4000, 0), dxfattribs={"layer": "WALL"})
        s.msp.add_line((0, 0), (0, 4000), dxfattribs={"layer": "WALL"})
        d = s.msp.add_angular_dim_2l(base=(1500, 1500), line1=((0, 0), (4000, 0)), line2=((0, 0), (0, 4000)),
                                     dxfattribs={"layer": "PUB_DIM"})
        d.dimension.dxf.text = txt
        d.render()
        add("dim-angle-degree-code", name, s, ["DR-04"], None if txt == "90%%d" else "DR-04", {}, any_severity=True)
    for name, units in (("clean", 4), ("viol", 0)):
        s = S(insunits=units)
        s.rect("WALL", 0, 0, 10, 8)
        s.text("一层平面图  1:100", 0, -3)
        add("insunits-zero", name, s, ["DR-03"], "DR-03" if units == 0 else None, {}, any_severity=True)


def outlines():
    pair_area("compartment-polyface", _polyface)
    pair_area("compartment-3dface-triangles", _faces3d)
    pair_area("compartment-solid2d", _solid)
    pair_area("compartment-mpolygon", _mpolygon)
    pair_area("compartment-layer0-3-deep", _nested3)
    pair_area("revit-area-boundary-layer", _revit)
    pair_area("gbt18112-minor-code-layer", _on("A-FIRE-BNDY"))


def generate(out_dir) -> list[dict]:
    global OUT
    OUT = Path(out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    cases.clear()
    outlines()
    floor_words()
    firewalls()
    door_codes()
    traps()
    sites()
    planning_ratios()
    roofs()
    roofs_more()
    units()
    dims()
    (OUT / "labels.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return list(cases)


if __name__ == "__main__":
    import sys

    labs = generate(Path(sys.argv[1] if len(sys.argv) > 1 else "outside7-out"))
    print(len(labs), "drawings,", len({x["habit"] for x in labs}), "habits")
    assert math.isfinite(len(labs))
