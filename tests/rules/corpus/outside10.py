"""A tenth outside probe, written without reading the rule engine, its rulesets or the earlier corpora's
generators (only outside8's and outside9's docstrings and the test modules' docstrings, to pick other
habits): carriers, geometry, layer names and texts as 天正-exported plain AutoCAD, 浩辰 / 中望 and BIM
exports leave them, which habits.py and outside.py to outside9.py do not draw.

Floors (GB 50016 5.3.1, 5.5.15, 5.5.18; RULES.md FR-07, FR-12, FR-13): a compartment layer with a trailing
space (``防火分区 ``), with full-width brackets and digits (``防火分区（１Ｆ）``), bound from an xref
(``建施-03$0$防火分区``); a compartment inside a bound xref's block (``建施-03$0$三层平面``), two blocks deep with
non-uniform scales at both levels, in a mirrored insert, as a MINSERT of two; an outline with every vertex
doubled; a rounded end drawn as 48 short segments; a 3D POLYLINE at the floor's elevation; an LWPOLYLINE
with extrusion -Z; a hatch-only compartment with a courtyard island; a keyhole outline that runs in to a
courtyard and back along the same line (self-touching); a metre drawing (``$INSUNITS`` 6, the frame
inserted ×0.1); sprinklers stated only in traditional characters (``本層設自動噴水滅火系統``); a basement
titled ``负1层平面图``; two plans in model space shown through two paper layouts (``三层平面图`` and
``地下一层平面图``) with viewports. Doors: ``FM乙0821`` bound from an xref (``建施-03$0$FM乙0821``), as a MINSERT
row, inside a mirrored unit block. A single-door 会议室 on 天正's ``SPACE`` layer with an MTEXT ``\\P`` label.
Sites (GB 50016 5.2.2, 7.1.8-1; GB 50352 4.3.1; RULES.md PL-02 … PL-05, PL-07, FR-01, FR-02): footprints
as a mirrored block, a MINSERT of two, 3D POLYLINEs at roof level, a round tower of 72 segments, in a
metre drawing, on ``总图$0$建筑轮廓``; storeys in an MTEXT paragraph (``1#楼\\P12F``) and in traditional
characters (``十二層``); green as a hatch with the building as an island, in a mirrored block, with
extrusion -Z; red lines as a 3D POLYLINE, with doubled vertices, on ``总图$0$用地红线``; declared site
areas with 亩 in brackets and with a thousands separator in a narrow oblique TEXT; round buildings facing
each other, high-rises whose height is in a formatted MTEXT paragraph, ``三級`` (traditional) ratings, a
mirrored block pair; lanes as a 3D POLYLINE, with extrusion -Z, on ``总图$0$消防车道``.
Civil defence (GB 50038 3.2; RULES.md AD-01): a protection unit with a rounded end in segments, on a bound
xref layer, in a mirrored block with a non-uniform scale.
Roofs (GB 50057 4.3.1, 4.3.3; RULES.md LP-02, LP-04): a mesh of 3D POLYLINEs at roof level, the class only in
traditional characters, a mesh on ``电施$0$接闪带``; down-conductors as CIRCLEs with extrusion -Z, as a bound
xref block ``电施-01$0$引下线``.
Drawing quality (RULES.md DR-02, DR-04): a note in a block inserted with a non-uniform scale (its height
is the block's × the Y scale), a metre drawing, a note in paper space; dimension overrides with a thousands
separator, in a mirrored block, with a ``\\W`` width code. DR-02 (an info) and DR-04 (a warning) are
labelled ``any_severity``, as is PL-07.

The base scene: millimetres (unless the habit is metres), an A1 frame block (图名 / 图号 / 比例 as ATTRIBs) at
1:100 (floors, roofs; 1:200 where the plan needs it) or 1:500 (sites); project parameters as the demo
project names them (``density_max``, ``plot_ratio_max``, ``green_ratio_min``, ``use``, ``building_height_m``,
``sprinklers``, ``lightning_class``).

Imports nothing from drawreview. Each label is decided here from RULES.md on the scene as placed: areas,
distances, widths and spacings measured with shapely on the points written, in plan metres. A drawing
seeds at most one violation; a clean drawing of a pair differs from its violating twin only in the
measured quantity, at least 5 % clear of the threshold. Each label carries ``measured`` = {value, limit,
sense, unit}. ``generate(out_dir)`` writes ``*.dxf`` and ``labels.json`` and returns the labels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
from ezdxf.math import OCS
from shapely.geometry import LineString, Polygon

FLOOR = {"use": "office", "building_height_m": 18.0, "sprinklers": False}
SITE_P = {"project_type": "building", "plot_ratio_max": 2.5, "density_max": 0.3, "green_ratio_min": 0.35,
          "use": "office"}
ROOF_P = {"use": "office", "building_height_m": 30.0, "lightning_class": 2}
FLIP = (0.0, 0.0, -1.0)


# --- the scene -----------------------------------------------------------------------------------------

def _rect(x0, y0, w, h):
    return [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)]


def _rounded(x0, y0, w, h, n=48):
    """A w × h rectangle whose right end is a semicircle of diameter h, the arc as n short segments."""
    r = h / 2
    arc = [(x0 + w + r * math.sin(math.pi * i / n), y0 + r - r * math.cos(math.pi * i / n)) for i in range(n + 1)]
    return [(x0, y0)] + arc + [(x0, y0 + h)]


def _circle(cx, cy, r, n=72):
    return [(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)) for i in range(n)]


def _frame_block(doc):
    """The institute's A1 frame (841 × 594 mm) with 图名 / 图号 / 比例 ATTRIBs, drawn at 1:1 plotted mm."""
    if "A1图框" in doc.blocks:
        return "A1图框"
    blk = doc.blocks.new("A1图框")
    blk.add_lwpolyline(_rect(0, 0, 841, 594), close=True)
    blk.add_lwpolyline(_rect(25, 10, 806, 574), close=True)
    blk.add_lwpolyline(_rect(651, 10, 180, 40), close=True)
    blk.add_line((651, 30), (831, 30))
    for i, (tag, y) in enumerate((("图名", 35), ("图号", 15), ("比例", 15))):
        blk.add_text(tag, dxfattribs={"height": 3.5, "insert": (655 + 80 * (i == 2), y)})
        blk.add_attdef(tag, (670 + 80 * (i == 2), y), dxfattribs={"height": 5 if i == 0 else 3.5})
    return "A1图框"


class Scene:
    """One drawing: ``u`` drawing units per plan metre, ``scale`` the plot scale, the frame in model space
    (or in a paper layout when ``frame`` is False and the habit puts it there)."""

    def __init__(self, scale=100, title="三层平面图", number="建施-03", metres=False, frame=True):
        self.doc = ezdxf.new("R2010", setup=True)
        self.doc.header["$INSUNITS"] = 6 if metres else 4
        self.u = 1.0 if metres else 1000.0
        self.scale = scale
        st = self.doc.dimstyles.duplicate_entry("EZDXF", "DR1")
        st.dxf.dimlfac = 1.0
        st.dxf.dimscale = scale * self.u / 1000
        self.msp = self.doc.modelspace()
        self.nblk = 0
        if frame:
            k = scale * self.u / 1000  # drawing units per plotted mm
            ins = self.msp.add_blockref(_frame_block(self.doc), (-10 * k, -10 * k),
                                        dxfattribs={"layer": self.layer("图框"), "xscale": k, "yscale": k})
            ins.add_auto_attribs({"图名": title, "图号": number, "比例": f"1:{scale}"})

    def layer(self, name):
        if name not in self.doc.layers:
            self.doc.layers.add(name)
        return name

    def p(self, pts, z=None):
        if z is None:
            return [(x * self.u, y * self.u) for x, y in pts]
        return [(x * self.u, y * self.u, z * self.u) for x, y in pts]

    def block(self, stem):
        self.nblk += 1
        return self.doc.blocks.new(f"{stem}{self.nblk}")

    def text(self, s, at_m, h_mm=3.5, layer="标注", space=None, **kw):
        space = self.msp if space is None else space
        return space.add_text(s, dxfattribs={"layer": self.layer(layer), "height": h_mm * self.scale * self.u / 1000,
                                             "insert": (at_m[0] * self.u, at_m[1] * self.u), **kw})

    def mtext(self, s, at_m, h_mm=3.5, layer="标注"):
        return self.msp.add_mtext(s, dxfattribs={"layer": self.layer(layer), "char_height": h_mm * self.scale * self.u / 1000,
                                                 "insert": (at_m[0] * self.u, at_m[1] * self.u)})

    def outline(self, pts, layer, how="plain", islands=(), z=0.0):
        """Write the closed outline *pts* (plan metres) on *layer* the way *how* says."""
        self.layer(layer)
        msp, u = self.msp, self.u
        if how == "plain":
            msp.add_lwpolyline(self.p(pts), close=True, dxfattribs={"layer": layer})
        elif how == "dupverts":  # every vertex written twice, and a doubled mid-point on each edge
            out = []
            for a, b in zip(pts, pts[1:] + pts[:1]):
                m = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                out += [a, a, m, m]
            msp.add_lwpolyline(self.p(out), close=True, dxfattribs={"layer": layer})
        elif how == "poly3d":
            msp.add_polyline3d(self.p(pts, z), close=True, dxfattribs={"layer": layer})
        elif how == "ocs":  # extrusion -Z: OCS coordinates are mirrored in X
            ocs = OCS(FLIP)
            loc = [ocs.from_wcs((x * u, y * u, 0)) for x, y in pts]
            msp.add_lwpolyline([(v.x, v.y) for v in loc], close=True,
                               dxfattribs={"layer": layer, "extrusion": FLIP, "elevation": loc[0].z})
        elif how == "mirror":  # a block drawn mirrored, inserted with X scale -1
            ox, oy = pts[0]
            blk = self.block("分区镜像")
            blk.add_lwpolyline([(-(x - ox) * u, (y - oy) * u) for x, y in pts], close=True, dxfattribs={"layer": layer})
            msp.add_blockref(blk.name, (ox * u, oy * u), dxfattribs={"layer": "0", "xscale": -1.0})
        elif how == "nested":  # inner insert scaled (2, 1) inside an outer insert scaled (1, 0.5)
            ox, oy = pts[0]
            inner = self.block("平面单元")
            inner.add_lwpolyline([((x - ox) * u / 2, (y - oy) * u * 2) for x, y in pts], close=True,
                                 dxfattribs={"layer": layer})
            outer = self.block("平面组合")
            outer.add_blockref(inner.name, (0, 0), dxfattribs={"layer": "0", "xscale": 2.0, "yscale": 1.0})
            msp.add_blockref(outer.name, (ox * u, oy * u), dxfattribs={"layer": "0", "xscale": 1.0, "yscale": 0.5})
        elif how == "xrefblock":  # a bound xref's block: name and layer carry the xref's name
            blk = self.doc.blocks.new("建施-03$0$三层平面")
            blk.add_lwpolyline(self.p(pts), close=True, dxfattribs={"layer": layer})
            msp.add_blockref(blk.name, (0, 0), dxfattribs={"layer": self.layer("建施-03$0$0")})
        elif how == "hatch":  # hatch only, islands as inner paths (normal style: holes)
            h = msp.add_hatch(color=3, dxfattribs={"layer": layer})
            h.paths.add_polyline_path(self.p(pts), is_closed=True, flags=1)
            for isl in islands:
                h.paths.add_polyline_path(self.p(isl), is_closed=True, flags=0)
        elif how == "hatch-ocs":
            ocs = OCS(FLIP)
            h = msp.add_hatch(color=3, dxfattribs={"layer": layer, "extrusion": FLIP})
            for i, ring in enumerate([pts, *islands]):
                loc = [ocs.from_wcs((x * u, y * u, 0)) for x, y in ring]
                h.paths.add_polyline_path([(v.x, v.y) for v in loc], is_closed=True, flags=1 if i == 0 else 0)
        elif how == "hatch-mirror":
            ox, oy = pts[0]
            blk = self.block("绿化镜像")
            h = blk.add_hatch(color=3, dxfattribs={"layer": layer})
            for i, ring in enumerate([pts, *islands]):
                h.paths.add_polyline_path([(-(x - ox) * u, (y - oy) * u) for x, y in ring], is_closed=True,
                                          flags=1 if i == 0 else 0)
            msp.add_blockref(blk.name, (ox * u, oy * u), dxfattribs={"layer": "0", "xscale": -1.0})
        else:
            raise ValueError(how)
        area = Polygon(pts).area - sum(Polygon(i).area for i in islands)
        return area

    def save(self, path):
        self.doc.saveas(path)


def _lab(file, habit, fam, violating, params, value, limit, sense, unit, **extra):
    return {"file": file, "habit": habit, "families": [fam], "violation": fam if violating else None,
            "params": dict(params), "measured": {"value": value, "limit": limit, "sense": sense, "unit": unit},
            **extra}


def _pair(out, habit, fam, params, build, limit, sense, unit, **extra):
    """Build the clean (False) and violating (True) twins: *build(violating)* -> (scene, measured value)."""
    labs = []
    for violating in (False, True):
        scene, value = build(violating)
        file = f"{habit}-{'bad' if violating else 'ok'}.dxf"
        scene.save(out / file)
        labs.append(_lab(file, habit, fam, violating, params, round(value, 3) if isinstance(value, float) else value,
                         limit, sense, unit, **extra))
    return labs


# --- floors: FR-07 (office, multi-storey, 一/二级, no sprinklers: 2500 m²) ------------------------------------

def fr07(out, habit, layer="防火分区", how="plain", shape=None, title="三层平面图", params=FLOOR, limit=2500.0,
         scale=100, metres=False, note=None):
    def build(bad):
        s = Scene(scale, title, metres=metres)
        pts = shape(bad) if shape else (_rect(5, 5, 56, 50) if bad else _rect(5, 5, 55, 40))
        area = s.outline(pts, layer, how, z=10.5)
        s.text(f"防火分区一  S={area:.2f}㎡", (10, 20), 3.5)
        if note:
            s.text(note, (10, 2), 3.5)
        return s, area
    return _pair(out, habit, "FR-07", params, build, limit, "max", "m2")


def _keyhole(bad):
    """An outline that runs in to a 10 × 10 m courtyard along x = 20 and back out along the same line."""
    w, h = (60, 50) if bad else (50, 46)
    x0, y0 = 5, 5
    x1, x2, y1, y2 = x0 + 15, x0 + 25, y0 + 20, y0 + 30
    return [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x1, y0 + h), (x1, y2), (x2, y2), (x2, y1), (x1, y1),
            (x1, y2), (x1, y0 + h), (x0, y0 + h)]


def fr07_hatch_island(out, habit):
    def build(bad):
        s = Scene()
        outer = _rect(5, 5, 60, 50) if bad else _rect(5, 5, 50, 46)
        area = s.outline(outer, "防火分区", "hatch", islands=[_rect(20, 20, 10, 10)])
        s.text("防火分区一", (8, 8), 3.5)
        s.text("内院", (22, 24), 3.5)
        return s, area
    return _pair(out, habit, "FR-07", FLOOR, build, 2500.0, "max", "m2")


def fr07_minsert(out, habit):
    """Two equal compartments (a twin block) as one MINSERT of 1 row × 2 columns, 62 m apart."""
    def build(bad):
        s = Scene(200)
        pts = _rect(0, 0, 56, 50) if bad else _rect(0, 0, 55, 40)
        blk = s.block("防火分区单元")
        blk.add_lwpolyline(s.p(pts), close=True, dxfattribs={"layer": s.layer("防火分区")})
        s.msp.add_blockref(blk.name, (5 * s.u, 5 * s.u), dxfattribs={"layer": "0"}).grid(size=(1, 2),
                                                                                          spacing=(0, 62 * s.u))
        s.text("防火分区一", (10, 20), 3.5)
        s.text("防火分区二", (72, 20), 3.5)
        return s, Polygon(pts).area
    return _pair(out, habit, "FR-07", FLOOR, build, 2500.0, "max", "m2")


def fr07_layouts(out, habit):
    """No frame in model space: the third floor (2200 m²) at x 0…60 and the basement at x 100…; each shown
    through its own paper layout with a 1:100 viewport, the frame and title in the layout."""
    def build(bad):
        s = Scene(frame=False)
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        s.text("防火分区一", (10, 20), 3.5)
        base = _rect(105, 5, 20, 28) if bad else _rect(105, 5, 18, 25)
        area = s.outline(base, "防火分区")
        s.text("防火分区一", (107, 15), 3.5)
        for name, title, cx in (("三层平面图", "三层平面图", 40.0), ("地下一层平面图", "地下一层平面图", 140.0)):
            lay = s.doc.layouts.new(name)
            ins = lay.add_blockref(_frame_block(s.doc), (0, 0))
            ins.add_auto_attribs({"图名": title, "图号": "建施-0" + ("3" if cx < 100 else "1"), "比例": "1:100"})
            lay.add_viewport(center=(420, 300), size=(780, 540), view_center_point=(cx * s.u, 28 * s.u),
                             view_height=540 * 100)
        return s, area
    return _pair(out, habit, "FR-07", FLOOR, build, 500.0, "max", "m2")


# --- floors: doors (FR-12) and rooms (FR-13) --------------------------------------------------------------

def _door_block(s, name, width_m):
    if name in s.doc.blocks:
        return name
    blk = s.doc.blocks.new(name)
    w = width_m * s.u
    blk.add_line((0, 0), (0, w))
    blk.add_arc((0, 0), w, 0, 90)
    return name


def fr12(out, habit, how):
    def build(bad):
        s = Scene()
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        s.text("防火分区一", (10, 20), 3.5)
        code, width = ("FM乙0821", 0.8) if bad else ("FM乙1021", 1.0)
        if how == "xref":
            name = _door_block(s, f"建施-03$0${code}", width)
            s.msp.add_blockref(name, (20 * s.u, 5 * s.u), dxfattribs={"layer": s.layer("建施-03$0$门窗")})
        elif how == "minsert":
            name = _door_block(s, code, width)
            s.msp.add_blockref(name, (15 * s.u, 45 * s.u), dxfattribs={"layer": s.layer("门窗")}).grid(
                size=(1, 3), spacing=(0, 8 * s.u))
        elif how == "mirror":  # a residential unit plan drawn once, the right-hand unit mirrored
            name = _door_block(s, code, width)
            unit = s.block("标准单元")
            unit.add_lwpolyline(s.p(_rect(0, 0, 12, 10)), close=True, dxfattribs={"layer": s.layer("墙体")})
            unit.add_blockref(name, (2 * s.u, 0), dxfattribs={"layer": s.layer("门窗")})
            s.msp.add_blockref(unit.name, (30 * s.u, 5 * s.u), dxfattribs={"layer": "0", "xscale": -1.0})
        s.text(code, (20, 3), 3.5)
        return s, width
    return _pair(out, habit, "FR-12", FLOOR, build, 0.9, "min", "m")


def fr13_space(out, habit):
    """A 会议室 on 天正's SPACE layer, its name and area in one MTEXT with a paragraph break, one door M1021."""
    def build(bad):
        s = Scene()
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        room = _rect(10, 10, 10, 14) if bad else _rect(10, 10, 10, 10)
        area = s.outline(room, "SPACE")
        s.mtext(f"会议室\\P{area:.2f}㎡", (12, 16), 3.5, layer="SPACE")
        s.msp.add_blockref(_door_block(s, "M1021", 1.0), (14 * s.u, 10 * s.u), dxfattribs={"layer": s.layer("DOOR_FIRE")})
        return s, area
    return _pair(out, habit, "FR-13", FLOOR, build, 120.0, "max", "m2")


# --- sites: PL-02 … PL-05, PL-07, FR-01, FR-02 ----------------------------------------------------------------

SITE = _rect(20, 20, 100, 100)  # 10 000 m²


def _site(red_layer="用地红线", how="plain", metres=False):
    s = Scene(500, "总平面图", "总施-01", metres=metres)
    s.outline(SITE, red_layer, how, z=4.2)
    s.text("用地红线", (22, 116), 5)
    return s


def pl04(out, habit, how="plain", layer="建筑轮廓", metres=False, round_=False):
    def build(bad):
        s = _site(metres=metres)
        if round_:
            pts = _circle(70, 70, 33 if bad else 28)
        else:
            pts = _rect(40, 40, 50, 70 if bad else 50)
        area = s.outline(pts, layer, how, z=18.0)
        s.text("1#楼 6F H=18.0", (45, 60), 5)
        return s, area / 10000.0
    return _pair(out, habit, "PL-04", SITE_P, build, 0.3, "max", "ratio")


def pl04_minsert(out, habit):
    def build(bad):
        s = _site()
        pts = _rect(0, 0, 25, 70 if bad else 50)
        blk = s.block("住宅楼")
        blk.add_lwpolyline(s.p(pts), close=True, dxfattribs={"layer": s.layer("建筑轮廓")})
        s.msp.add_blockref(blk.name, (30 * s.u, 30 * s.u), dxfattribs={"layer": "0"}).grid(size=(1, 2),
                                                                                            spacing=(0, 45 * s.u))
        s.text("1#楼 6F H=18.0", (32, 40), 5)
        s.text("2#楼 6F H=18.0", (77, 40), 5)
        return s, 2 * Polygon(pts).area / 10000.0
    return _pair(out, habit, "PL-04", SITE_P, build, 0.3, "max", "ratio")


def pl03(out, habit, label):
    def build(bad):
        s = _site()
        n = 12 if bad else 8
        area = s.outline(_rect(40, 40, 50, 50), "建筑轮廓")
        label(s, n)
        return s, area * n / 10000.0
    return _pair(out, habit, "PL-03", SITE_P, build, 2.5, "max", "ratio")


def _pl03_paragraph(s, n):
    s.mtext(f"1#办公楼\\P{n}F", (45, 70), 5)


def _pl03_traditional(s, n):
    s.text("1#辦公樓 " + {8: "八層", 12: "十二層"}[n], (45, 70), 5)


def pl05(out, habit, how):
    """A green hatch round the building, the building's footprint an island of the hatch."""
    def build(bad):
        s = _site()
        bld = _rect(40, 40, 60, 56) if bad else _rect(40, 40, 40, 60)
        s.outline(bld, "建筑轮廓")
        s.text("1#楼 6F H=18.0", (45, 60), 5)
        green = s.outline(_rect(30, 30, 80, 80), "绿化", how, islands=[bld])
        return s, green / 10000.0
    return _pair(out, habit, "PL-05", SITE_P, build, 0.35, "min", "ratio")


def pl02(out, habit, how="plain", red_layer="用地红线"):
    def build(bad):
        s = _site(red_layer, how)
        bld = _rect(90, 40, 36, 30) if bad else _rect(70, 40, 36, 30)
        s.outline(bld, "建筑轮廓")
        s.text("1#楼 6F H=18.0", (75, 50), 5)
        return s, Polygon(bld).difference(Polygon(SITE)).area
    return _pair(out, habit, "PL-02", SITE_P, build, 0.0, "max", "m2")


def pl07(out, habit, write):
    def build(bad):
        s = _site()
        declared = 10600.0 if bad else 10000.0
        write(s, declared)
        return s, abs(declared - 10000.0) / 10000.0
    return _pair(out, habit, "PL-07", SITE_P, build, 0.005, "max", "ratio", any_severity=True)


def _pl07_mu(s, a):
    s.text(f"规划用地面积：{a:.1f}平方米（合{a / 666.667:.1f}亩）", (20, 130), 5)


def _pl07_oblique(s, a):
    s.text(f"用地面积：{a:,.2f} m2", (20, 130), 5, layer="PUB_TEXT", width=0.7, oblique=15)


def fr01(out, habit, shapes, labels, limit, how="plain"):
    """Two buildings; *shapes(gap)* gives their outlines, *labels* their texts."""
    def build(bad):
        s = _site()
        gap = limit * (0.85 if bad else 1.15)
        a, b = shapes(gap)
        s.outline(a, "建筑轮廓", how)
        s.outline(b, "建筑轮廓", how)
        for pts, lab in zip((a, b), labels):
            c = Polygon(pts).centroid
            if "\\P" in lab:
                s.mtext(lab, (c.x - 4, c.y + 2), 5)
            else:
                s.text(lab, (c.x - 4, c.y), 5)
        return s, Polygon(a).distance(Polygon(b))
    return _pair(out, habit, "FR-01", SITE_P, build, limit, "min", "m")


def _two_rects(gap):
    return _rect(30, 50, 30, 20), _rect(60 + gap, 50, 30, 20)


def _two_rounds(gap):
    r = 12.0
    # the segments' flats sit inside the true circle: measure on the written points
    a = _circle(45, 60, r)
    b = _circle(45 + 2 * r + gap, 60, r)
    return a, b


def fr02(out, habit, how="plain", layer="消防车道"):
    def build(bad):
        s = _site()
        w = 3.5 if bad else 4.5
        lane = _rect(30, 30, 70, w)
        s.outline(lane, layer, how, z=-0.15)
        s.text("消防车道", (40, 30 + w + 1), 5)
        return s, w
    return _pair(out, habit, "FR-02", SITE_P, build, 4.0, "min", "m")


# --- civil defence: AD-01 (2000 m²) -----------------------------------------------------------------------

def ad01(out, habit, how="plain", layer="人防-防护单元", shape=None):
    def build(bad):
        s = Scene(title="地下一层人防平面图", number="人防-01")
        pts = shape(bad) if shape else (_rect(5, 5, 50, 44) if bad else _rect(5, 5, 45, 40))
        area = s.outline(pts, layer, how)
        s.text("第一防护单元", (10, 20), 3.5)
        return s, area
    return _pair(out, habit, "AD-01", FLOOR, build, 2000.0, "max", "m2")


# --- roofs: LP-02 (class 2: 10 × 10 m), LP-04 (class 2: 18 m) ------------------------------------------------

ROOF = _rect(5, 5, 60, 40)


def _roof(cls_text="本建筑物按第二类防雷建筑物设计"):
    s = Scene(100, "屋顶防雷平面图", "电施-01")
    s.outline(ROOF, "屋面轮廓")
    if cls_text:
        s.text(cls_text, (5, 50), 5)
    return s


def lp02(out, habit, how="lines", layer="接闪带", cls_text="本建筑物按第二类防雷建筑物设计", params=ROOF_P):
    def build(bad):
        s = _roof(cls_text)
        step = 12.0 if bad else 8.0
        s.layer(layer)
        s.outline(ROOF, layer, "poly3d" if how == "poly3d" else "plain", z=30.0)
        segs = []
        x = 5 + step
        while x < 65 - 1e-6:
            segs.append([(x, 5), (x, 45)])
            x += step
        y = 5 + step
        while y < 45 - 1e-6:
            segs.append([(5, y), (65, y)])
            y += step
        for seg in segs:
            if how == "poly3d":
                s.msp.add_polyline3d(s.p(seg, 30.0), dxfattribs={"layer": layer})
            else:
                s.msp.add_line(*s.p(seg), dxfattribs={"layer": layer})
        return s, step
    return _pair(out, habit, "LP-02", params, build, 10.0, "max", "m")


def _perimeter_points(n, start=2.0):
    ring = LineString(ROOF + ROOF[:1])
    step = ring.length / n
    return [ring.interpolate(start + i * step) for i in range(n)], step


def lp04(out, habit, how):
    def build(bad):
        s = _roof()
        s.layer("引下线")
        pts, step = _perimeter_points(9 if bad else 12)
        if how == "ocs":
            ocs = OCS(FLIP)
            for p in pts:
                c = ocs.from_wcs((p.x * s.u, p.y * s.u, 0))
                s.msp.add_circle((c.x, c.y), 200, dxfattribs={"layer": "引下线", "extrusion": FLIP})
        elif how == "xref":
            blk = s.doc.blocks.new("电施-01$0$引下线")
            blk.add_circle((0, 0), 200)
            blk.add_line((-200, -200), (200, 200))
            for p in pts:
                s.msp.add_blockref(blk.name, (p.x * s.u, p.y * s.u), dxfattribs={"layer": "引下线"})
        s.text("引下线", (5, 47), 3.5)
        return s, step
    return _pair(out, habit, "LP-04", ROOF_P, build, 18.0, "max", "m")


# --- drawing quality: DR-02 (plotted heights), DR-04 (dimension overrides) -----------------------------------

HEIGHTS = [3.5, 5, 7, 10, 14, 20]


def dr02(out, habit, how):
    def build(bad):
        h = 2.5 if bad else 3.5
        if how == "metres":
            s = Scene(metres=True)
            s.outline(_rect(5, 5, 55, 40), "防火分区")
            s.text("防火分区一", (10, 20), 3.5)
            s.text("注：本层防火分区面积详见说明", (10, 2), h)
            return s, h
        if how == "paper":
            s = Scene(frame=False)
            s.outline(_rect(5, 5, 55, 40), "防火分区")
            s.text("防火分区一", (10, 20), 3.5)
            lay = s.doc.layouts.new("三层平面图")
            ins = lay.add_blockref(_frame_block(s.doc), (0, 0))
            ins.add_auto_attribs({"图名": "三层平面图", "图号": "建施-03", "比例": "1:100"})
            lay.add_viewport(center=(420, 300), size=(780, 540), view_center_point=(40 * s.u, 28 * s.u),
                             view_height=540 * 100)
            lay.add_text("注：本层防火分区面积详见说明", dxfattribs={"layer": s.layer("标注"), "height": h,
                                                                 "insert": (40, 60)})
            return s, h
        # a note block drawn at plotted size (2.5 mm high), inserted ×100 across and ×140 / ×100 up
        s = Scene()
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        s.text("防火分区一", (10, 20), 3.5)
        blk = s.block("说明")
        blk.add_text("注：本层防火分区面积详见说明", dxfattribs={"height": 2.5, "insert": (0, 0)})
        ysc = 100.0 if bad else 140.0
        s.msp.add_blockref(blk.name, (10 * s.u, 2 * s.u), dxfattribs={"layer": s.layer("标注"), "xscale": 100.0,
                                                                        "yscale": ysc})
        return s, 2.5 * ysc / 100
    return _pair(out, habit, "DR-02", FLOOR, build, HEIGHTS, "in", "mm", any_severity=True)


def dr04(out, habit, how):
    def build(bad):
        s = Scene()
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        s.text("防火分区一", (10, 20), 3.5)
        shown = 6500 if bad else 6000
        txt = {"thousands": f"{shown:,}", "mirror": f"{shown}", "width": f"\\W0.8;{shown}"}[how]
        space = s.msp
        if how == "mirror":
            space = s.block("标注组")
        dim = space.add_linear_dim(base=(10 * s.u, 50 * s.u), p1=(10 * s.u, 45 * s.u), p2=(16 * s.u, 45 * s.u),
                                   dimstyle="DR1", text=txt, dxfattribs={"layer": s.layer("PUB_DIM")})
        dim.render()
        if how == "mirror":
            s.msp.add_blockref(space.name, (70 * s.u, 0), dxfattribs={"layer": "0", "xscale": -1.0})
        return s, shown - 6000
    return _pair(out, habit, "DR-04", FLOOR, build, 0, "abs", "mm", any_severity=True)


# --- the corpus --------------------------------------------------------------------------------------------

def generate(out_dir) -> list[dict]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    no_spr = {k: v for k, v in FLOOR.items() if k != "sprinklers"}
    labs: list[dict] = []
    # FR-07
    labs += fr07(out, "fr07-layer-trailing-space", layer="防火分区 ")
    labs += fr07(out, "fr07-layer-fullwidth", layer="防火分区（１Ｆ）")
    labs += fr07(out, "fr07-layer-xref-bound", layer="建施-03$0$防火分区")
    labs += fr07(out, "fr07-xref-bound-block", layer="建施-03$0$防火分区", how="xrefblock")
    labs += fr07(out, "fr07-nested-nonuniform", how="nested")
    labs += fr07(out, "fr07-mirrored-insert", how="mirror")
    labs += fr07(out, "fr07-duplicate-vertices", how="dupverts")
    labs += fr07(out, "fr07-arc-segments", shape=lambda bad: _rounded(5, 5, 45, 46) if bad else _rounded(5, 5, 40, 40))
    labs += fr07(out, "fr07-3dpoly-elevation", how="poly3d")
    labs += fr07(out, "fr07-ocs-minus-z", how="ocs")
    labs += fr07_hatch_island(out, "fr07-hatch-island")
    labs += fr07(out, "fr07-keyhole-courtyard", shape=_keyhole)
    labs += fr07(out, "fr07-metres", metres=True)
    labs += fr07(out, "fr07-sprinkler-traditional", params=no_spr, limit=5000.0, scale=200,
                 shape=lambda bad: _rect(5, 5, 80, 70) if bad else _rect(5, 5, 70, 60), note="本層設自動噴水滅火系統")
    labs += fr07(out, "fr07-basement-fu1", title="负1层平面图", limit=500.0,
                 shape=lambda bad: _rect(5, 5, 20, 28) if bad else _rect(5, 5, 18, 25))
    labs += fr07_layouts(out, "fr07-two-layouts")
    labs += fr07_minsert(out, "fr07-minsert")
    # FR-12, FR-13
    labs += fr12(out, "fr12-xref-bound-door", "xref")
    labs += fr12(out, "fr12-minsert-doors", "minsert")
    labs += fr12(out, "fr12-mirrored-unit", "mirror")
    labs += fr13_space(out, "fr13-space-mtext")
    # PL-04, PL-03, PL-05, PL-02, PL-07
    labs += pl04(out, "pl04-mirrored-block", how="mirror")
    labs += pl04_minsert(out, "pl04-minsert")
    labs += pl04(out, "pl04-3dpoly-roof", how="poly3d")
    labs += pl04(out, "pl04-round-segments", round_=True)
    labs += pl04(out, "pl04-metres", metres=True)
    labs += pl04(out, "pl04-xref-layer", layer="总图$0$建筑轮廓")
    labs += pl03(out, "pl03-mtext-paragraph", _pl03_paragraph)
    labs += pl03(out, "pl03-traditional", _pl03_traditional)
    labs += pl05(out, "pl05-hatch-island", "hatch")
    labs += pl05(out, "pl05-mirrored-hatch", "hatch-mirror")
    labs += pl05(out, "pl05-ocs-hatch", "hatch-ocs")
    labs += pl02(out, "pl02-3dpoly-redline", how="poly3d")
    labs += pl02(out, "pl02-redline-dupverts", how="dupverts")
    labs += pl02(out, "pl02-xref-layer", red_layer="总图$0$用地红线")
    labs += pl07(out, "pl07-mu-brackets", _pl07_mu)
    labs += pl07(out, "pl07-thousands-oblique", _pl07_oblique)
    # FR-01, FR-02
    low = ("1#楼 6F H=18.0 二级", "2#楼 6F H=18.0 二级")
    labs += fr01(out, "fr01-round-segments", _two_rounds, low, 6.0)
    labs += fr01(out, "fr01-highrise-mtext", _two_rects,
                 ("A座\\P{\\H0.7x;建筑高度：54.00米}", "B座\\P{\\H0.7x;建筑高度：54.00米}"), 13.0)
    labs += fr01(out, "fr01-traditional-rating", _two_rects,
                 ("1#樓 3F H=10.5 耐火等級三級", "2#樓 3F H=10.5 耐火等級三級"), 8.0)
    labs += fr01(out, "fr01-mirrored-blocks", _two_rects, low, 6.0, how="mirror")
    labs += fr02(out, "fr02-3dpoly", how="poly3d")
    labs += fr02(out, "fr02-ocs-minus-z", how="ocs")
    labs += fr02(out, "fr02-xref-layer", layer="总图$0$消防车道")
    # AD-01
    labs += ad01(out, "ad01-arc-segments",
                 shape=lambda bad: _rounded(5, 5, 40, 40) if bad else _rounded(5, 5, 30, 40))
    labs += ad01(out, "ad01-xref-layer", layer="建施-B1$0$人防-防护单元")
    labs += ad01(out, "ad01-nested-nonuniform", how="nested")
    # LP-02, LP-04
    labs += lp02(out, "lp02-3dpoly-mesh", how="poly3d")
    labs += lp02(out, "lp02-class-traditional", cls_text="本建築物按第二類防雷建築物設計",
                 params={k: v for k, v in ROOF_P.items() if k != "lightning_class"})
    labs += lp02(out, "lp02-xref-layer", layer="电施$0$接闪带")
    labs += lp04(out, "lp04-ocs-circles", "ocs")
    labs += lp04(out, "lp04-xref-block", "xref")
    # DR-02, DR-04
    labs += dr02(out, "dr02-nonuniform-block", "block")
    labs += dr02(out, "dr02-metres", "metres")
    labs += dr02(out, "dr02-paper-space", "paper")
    labs += dr04(out, "dr04-thousands", "thousands")
    labs += dr04(out, "dr04-mirrored-block", "mirror")
    labs += dr04(out, "dr04-width-code", "width")
    (out / "labels.json").write_text(json.dumps(labs, ensure_ascii=False, indent=1), encoding="utf-8")
    return labs
