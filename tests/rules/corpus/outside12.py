"""A twelfth outside probe, written without reading the rule engine, its rulesets or the earlier corpora's
generators (only the docstrings of outside8 … outside11 and of the test modules, to pick other habits):
drawings from designers trained abroad, mixed Chinese / English notes, surveyors' CASS layers and
schedule-style tables.

Habits:
- titles and notes in English only: ``B1 FLOOR PLAN``, ``LEVEL -1 PLAN``, ``SPRINKLERED THROUGHOUT``, ``18 STOREYS``;
  a compartment tag ``FIRE COMPARTMENT 1 — 480 m²`` whose stated area is not the drawn one;
- a basement title in font-coded MTEXT ``{\\fSimSun|b0|i0;地下一层}\\P平面图``; storeys ``地上18层/地下2层`` on
  footprints (separations, plot ratio);
- heights ``建筑高度(m): 53.85`` and ``HEIGHT: 53.85 M`` on footprints (separations);
- a site boundary on the surveyor's CASS layers (``JZX`` lines, ``JZD`` points) with survey-convention
  coordinate texts ``X=… Y=…`` (X north, Y east); the surveyor's roads on ``DLSS`` across the site;
- a stated ``绿地率(%): 35`` beside the green hatch that decides; declared site areas in a two-cell table
  (label and value in separate texts, in m² or 亩) and as ``SITE AREA: 1.00 ha``;
- a lane on an English layer ``FIRE ACCESS ROAD``;
- doors as generic blocks with a separate code text, and doors ``M1`` whose width is in a 门窗表;
- lightning classes ``防雷等级：第三类`` and ``二类防雷`` (no class parameter), the class also in font-coded
  MTEXT; a note ``接闪网格不大于10m×10m`` beside the drawn mesh; down-conductors around a drum roof drawn with bulged arcs;
- shelter units with a protruding 口部 (entrance passage), one with a stated area beside it;
- text heights of ``%%c`` / ``%%p`` / ``%%d`` and ``\\U+`` TEXT and of font-coded ``\\P`` MTEXT; dimension overrides
  ``6000mm`` and ``6.00m``.

Imports nothing from drawreview. Each label is decided here from RULES.md on the points written: areas,
distances, widths and spacings with shapely in plan metres. A clean drawing differs from its violating
twin only in the measured quantity, at least 5 % clear of the threshold. ``generate(out_dir)`` writes
``*.dxf`` and ``labels.json`` and returns the labels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
from ezdxf import path as ezpath
from shapely.geometry import LineString, Polygon

FLOOR = {"use": "office", "building_height_m": 18.0, "sprinklers": False}
SITE_P = {"project_type": "building", "plot_ratio_max": 2.5, "density_max": 0.3, "green_ratio_min": 0.35,
          "use": "office"}
ROOF_P = {"use": "office", "building_height_m": 30.0, "lightning_class": 2}
ROOF_NOCLASS = {"use": "office", "building_height_m": 30.0}
TEXT_SET = [3.5, 5.0, 7.0, 10.0, 14.0, 20.0]


def box(x0, y0, w, h):
    return [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)]


def _title_block(doc):
    name = "A1-FRAME"
    if name not in doc.blocks:
        blk = doc.blocks.new(name)
        blk.add_lwpolyline(box(0, 0, 841, 594), close=True)
        blk.add_lwpolyline(box(25, 10, 806, 574), close=True)
        blk.add_lwpolyline(box(651, 10, 180, 40), close=True)
        for tag, (x, y), h in (("图名", (660, 35), 5.0), ("图号", (660, 15), 3.5), ("比例", (760, 15), 3.5)):
            blk.add_text(tag, dxfattribs={"height": 3.5, "insert": (x - 8, y)})
            blk.add_attdef(tag, (x + 8, y), dxfattribs={"height": h})
    return name


class Sheet:
    """A millimetre drawing with plan coordinates given in metres, framed at *scale*."""

    def __init__(self, scale=200, title="三层平面图", number="建施-03", frame_at=(-5, -5), off=(0.0, 0.0)):
        self.doc = ezdxf.new("R2010", setup=True)
        self.doc.header["$INSUNITS"] = 4
        self.scale = scale
        self.off = off
        st = self.doc.dimstyles.duplicate_entry("EZDXF", "DR1")
        st.dxf.dimlfac = 1.0
        st.dxf.dimscale = scale
        self.msp = self.doc.modelspace()
        k = scale
        ins = self.msp.add_blockref(_title_block(self.doc), self.xy(*frame_at),
                                    dxfattribs={"layer": self.layer("TK"), "xscale": k, "yscale": k})
        ins.add_auto_attribs({"图名": title, "图号": number, "比例": f"1:{scale}"})

    def layer(self, name):
        if name not in self.doc.layers:
            self.doc.layers.add(name)
        return name

    def xy(self, x, y):
        return ((x + self.off[0]) * 1000.0, (y + self.off[1]) * 1000.0)

    def text(self, s, at, h_mm=3.5, layer="标注"):
        return self.msp.add_text(s, dxfattribs={"layer": self.layer(layer), "height": h_mm * self.scale,
                                                "insert": self.xy(*at)})

    def mtext(self, s, at, h_mm=3.5, layer="标注"):
        return self.msp.add_mtext(s, dxfattribs={"layer": self.layer(layer), "insert": self.xy(*at),
                                                 "char_height": h_mm * self.scale})

    def poly(self, pts, layer, close=True, bulges=None):
        if bulges:
            pts3 = [(*self.xy(*p), 0, 0, b) for p, b in zip(pts, bulges)]
            e = self.msp.add_lwpolyline(pts3, format="xyseb", close=close, dxfattribs={"layer": self.layer(layer)})
        else:
            e = self.msp.add_lwpolyline([self.xy(*p) for p in pts], close=close,
                                        dxfattribs={"layer": self.layer(layer)})
        return e

    def line(self, a, b, layer):
        self.msp.add_line(self.xy(*a), self.xy(*b), dxfattribs={"layer": self.layer(layer)})

    def save(self, path):
        self.doc.saveas(path)


def _pair(out, habit, fam, params, build, limit, sense, unit, **extra):
    labs = []
    for bad in (False, True):
        sheet, value = build(bad)
        file = f"{habit}-{'bad' if bad else 'ok'}.dxf"
        sheet.save(out / file)
        labs.append({"file": file, "habit": habit, "families": [fam], "violation": fam if bad else None,
                     "params": dict(params),
                     "measured": {"value": round(value, 3) if isinstance(value, float) else value, "limit": limit,
                                  "sense": sense, "unit": unit}, **extra})
    return labs


# --- FR-07 compartments --------------------------------------------------------------------------------------

def fr07(out, habit, title, notes=(), mtext=None, frame_title=None, params=FLOOR, limit=2500.0,
         sizes=((55, 40), (56, 50))):
    def build(bad):
        w, h = sizes[bad]
        s = Sheet(title=frame_title or title)
        s.poly(box(0, 0, w, h), "防火分区")
        for i, n in enumerate(notes):
            s.text(n, (2, h / 2 - 4 * i))
        if mtext:
            s.mtext(mtext, (0, -6), h_mm=7.0)
        else:
            s.text(title, (0, -6), h_mm=7.0)
        return s, Polygon(box(0, 0, w, h)).area
    return _pair(out, habit, "FR-07", params, build, limit, "max", "m2")


# --- FR-12 doors ---------------------------------------------------------------------------------------------

def _door_block(doc, name, width_m):
    if name not in doc.blocks:
        blk = doc.blocks.new(name)
        w = width_m * 1000.0
        blk.add_line((0, 0), (w, 0))
        blk.add_line((0, 0), (0, w))
        blk.add_arc((0, 0), w, 0, 90)
    return name


def _room(s):
    s.poly(box(0, 0, 16, 10), "防火分区")
    s.poly(box(0, 0, 12, 8), "A-WALL")
    s.text("办公室", (4, 4))


def fr12_tag(out, habit):
    """A generic door-swing block; the code sits beside it as a TEXT on the door layer."""
    def build(bad):
        width = 0.8 if bad else 1.0
        s = Sheet(scale=100)
        _room(s)
        s.msp.add_blockref(_door_block(s.doc, "DOOR-SWING-" + ("A" if bad else "B"), width), s.xy(5, 0),
                           dxfattribs={"layer": s.layer("A-DOOR")})
        s.text("M0821" if bad else "M1021", (5, 1.2), layer="A-DOOR")
        return s, width
    return _pair(out, habit, "FR-12", FLOOR, build, 0.9, "min", "m")


def fr12_schedule(out, habit):
    """Doors are blocks ``M1``; their size is only in a 门窗表 (door schedule) table."""
    def build(bad):
        width = 0.8 if bad else 1.0
        s = Sheet(scale=100)
        _room(s)
        s.msp.add_blockref(_door_block(s.doc, "M1", width), s.xy(5, 0), dxfattribs={"layer": s.layer("A-DOOR")})
        s.text("M1", (5, 1.2), layer="A-DOOR")
        x0, y0 = 20, 0
        for r in range(3):
            s.line((x0, y0 + r * 1.2), (x0 + 18, y0 + r * 1.2), "表格")
        for c in (0, 4, 10, 18):
            s.line((x0 + c, y0), (x0 + c, y0 + 2.4), "表格")
        s.text("门窗表", (x0 + 6, y0 + 3.0), h_mm=5.0)
        s.text("编号", (x0 + 0.5, y0 + 1.5))
        s.text("洞口尺寸(mm)", (x0 + 4.5, y0 + 1.5))
        s.text("数量", (x0 + 10.5, y0 + 1.5))
        s.text("M1", (x0 + 0.5, y0 + 0.3))
        s.text(f"{int(width * 1000)}X2100", (x0 + 4.5, y0 + 0.3))
        s.text("1", (x0 + 10.5, y0 + 0.3))
        return s, width
    return _pair(out, habit, "FR-12", FLOOR, build, 0.9, "min", "m")


# --- FR-02 lanes ---------------------------------------------------------------------------------------------

def fr02(out, habit, layer):
    def build(bad):
        width = 3.5 if bad else 4.5
        s = Sheet(scale=500, title="总平面图", number="总施-01", frame_at=(-20, -20))
        s.poly(box(0, 0, 120, 100), "A-REDL")
        s.poly(box(30, 30, 40, 20), "A-MAST-ROOF")
        s.text("5F", (32, 32))
        s.poly(box(10, 10, 80, width), layer)
        return s, width
    return _pair(out, habit, "FR-02", SITE_P, build, 4.0, "min", "m")


# --- site plans ----------------------------------------------------------------------------------------------

def _site(off=(0.0, 0.0), red_layer="A-REDL"):
    s = Sheet(scale=500, title="总平面图", number="总施-01", frame_at=(-20, -20), off=off)
    s.poly(box(0, 0, 100, 100), red_layer)
    return s


def pl02_cass(out, habit):
    """The site boundary as the surveyor hands it over: 界址线 on ``JZX``, 界址点 circles on ``JZD`` with
    ``J1`` … names and ``X=`` (north) ``Y=`` (east) coordinate texts; the plan at its survey position."""
    E0, N0 = 512300.0, 3456700.0

    def build(bad):
        s = Sheet(scale=500, title="总平面图", number="总施-01", frame_at=(-20, -20), off=(E0, N0))
        site = box(0, 0, 100, 100)
        s.poly(site, "JZX")
        for i, (x, y) in enumerate(site, 1):
            s.msp.add_circle(s.xy(x, y), 500.0, dxfattribs={"layer": s.layer("JZD")})
            s.text(f"J{i}", (x + 1, y + 1), layer="JZD")
            s.text(f"X={N0 + y:.3f} Y={E0 + x:.3f}", (x + 1, y - 3), h_mm=3.5, layer="ZJ")
        fp = box(70, 30, 20, 30) if not bad else box(86, 30, 20, 30)
        s.poly(fp, "A-MAST-ROOF")
        s.text("5F", (fp[0][0] + 2, 32))
        return s, Polygon(fp).difference(Polygon(site)).area
    return _pair(out, habit, "PL-02", SITE_P, build, 0.0, "max", "m2")


def pl03_storeys(out, habit, tag="地上18层/地下2层"):
    """Footprint tagged ``地上18层/地下2层`` (18 storeys count, the 2 basement storeys do not) or ``18 STOREYS``."""
    def build(bad):
        s = _site()
        w, h = (30, 50) if bad else (26, 50)  # 1300 m² × 18 = 2.34; 1300 × 20 would be 2.6
        fp = box(10, 10, w, h)
        s.poly(fp, "A-MAST-ROOF")
        s.text(tag, (12, 12))
        return s, Polygon(fp).area * 18 / 10000.0
    return _pair(out, habit, "PL-03", SITE_P, build, 2.5, "max", "ratio")


def pl05_declared(out, habit):
    """A green hatch on ``A-REDL-GREEN`` and, in both twins, a stated ``绿地率(%): 35`` that the hatch decides."""
    def build(bad):
        w = 30 if bad else 40
        s = _site()
        s.poly(box(60, 30, 20, 20), "A-MAST-ROOF")
        s.text("5F", (62, 32))
        h = s.msp.add_hatch(color=3, dxfattribs={"layer": s.layer("A-REDL-GREEN")})
        h.paths.add_polyline_path([s.xy(*p) for p in box(0, 0, w, 100)], is_closed=True, flags=1)
        s.text("绿地率(%): 35", (110, 70))
        return s, w * 100 / 10000.0
    return _pair(out, habit, "PL-05", SITE_P, build, 0.35, "min", "ratio")


def pl07_cells(out, habit, label="总用地面积(m²)", per=1.0):
    """A 经济技术指标 table where the label and the value are separate TEXTs in neighbouring cells; ``per``:
    square metres per unit of the label (亩: 10000 / 15)."""
    def build(bad):
        declared = (12000.0 if bad else 10000.0) / per
        s = _site()
        s.poly(box(30, 30, 20, 20), "A-MAST-ROOF")
        s.text("5F", (32, 32))
        x0, y0 = 110, 60
        for r in range(3):
            s.line((x0, y0 + r * 5), (x0 + 60, y0 + r * 5), "表格")
        for c in (0, 35, 60):
            s.line((x0 + c, y0), (x0 + c, y0 + 10), "表格")
        s.text("主要经济技术指标", (x0 + 10, y0 + 12), h_mm=5.0)
        s.text(label, (x0 + 1, y0 + 6))
        s.text(f"{declared:.2f}", (x0 + 36, y0 + 6))
        s.text("建筑密度(%)", (x0 + 1, y0 + 1))
        s.text("4.00", (x0 + 36, y0 + 1))
        return s, abs(declared * per - 10000.0) / 10000.0
    return _pair(out, habit, "PL-07", SITE_P, build, 0.005, "abs", "ratio", any_severity=True)


def pl04_dlss(out, habit):
    """The surveyor's existing roads (CASS ``DLSS``) drawn as closed polygons across the site; only the
    footprints on ``A-MAST-ROOF`` are buildings."""
    def build(bad):
        w = 70 if bad else 50
        s = _site()
        s.poly(box(-10, 60, 120, 12), "DLSS")
        s.poly(box(80, -10, 10, 120), "DLSS")
        fp = box(5, 5, w, 50)
        s.poly(fp, "A-MAST-ROOF")
        s.text("5F", (7, 7))
        return s, Polygon(fp).area / 10000.0
    return _pair(out, habit, "PL-04", SITE_P, build, 0.3, "max", "ratio")


def pl07_ha(out, habit):
    def build(bad):
        declared = 1.2 if bad else 1.0
        s = _site()
        s.poly(box(30, 30, 20, 20), "A-MAST-ROOF")
        s.text("5F", (32, 32))
        s.text(f"SITE AREA: {declared:.2f} ha", (110, 70))
        return s, abs(declared * 10000.0 - 10000.0) / 10000.0
    return _pair(out, habit, "PL-07", SITE_P, build, 0.005, "abs", "ratio", any_severity=True)


def fr01(out, habit, note):
    """Two footprints each tagged with a height of 53.85 m or with 18 storeys above ground (an office of 18
    storeys is far above 24 m at any storey height): both high-rise, 13 m apart (5.2.2)."""
    def build(bad):
        gap = 11.0 if bad else 14.0
        s = _site()
        a = box(10, 20, 25, 20)
        b = box(35 + gap, 20, 25, 20)
        for fp in (a, b):
            s.poly(fp, "A-MAST-ROOF")
            s.text(note, (fp[0][0] + 1, 35))
            s.text("一级", (fp[0][0] + 1, 30))
        return s, Polygon(a).distance(Polygon(b))
    return _pair(out, habit, "FR-01", SITE_P, build, 13.0, "min", "m")


# --- lightning -----------------------------------------------------------------------------------------------

ROOF = box(5, 5, 36, 27)


def _roof(note):
    s = Sheet(scale=100, title="屋顶防雷平面图", number="电施-05", frame_at=(-3, -3))
    s.poly(ROOF, "屋面轮廓")
    s.poly(ROOF, "接闪带")
    for i, n in enumerate(note):
        if "\\P" in n:
            s.mtext(n, (8, 34 + 4 * i))
        else:
            s.text(n, (8, 34 + 4 * i))
    return s


def lp02(out, habit, notes, params, cells, limit):
    """Mesh cells from dividing lines on ``接闪带``; measured: the longer side of the largest cell."""
    def build(bad):
        nx, ny = cells[bad]
        s = _roof(notes)
        for i in range(1, nx):
            x = 5 + 36 * i / nx
            s.line((x, 5), (x, 32), "接闪带")
        for j in range(1, ny):
            y = 5 + 27 * j / ny
            s.line((5, y), (41, y), "接闪带")
        return s, max(36 / nx, 27 / ny)
    return _pair(out, habit, "LP-02", params, build, limit, "max", "m")


def lp04_drum(out, habit):
    """A round roof (two bulged LWPOLYLINE arcs, R = 20 m); down-conductors as small circles on ``引下线``
    evenly round the edge. Class 2: spacing ≤ 18 m along the perimeter (the chord is shorter still)."""
    R, C = 20.0, (25.0, 25.0)

    def build(bad):
        n = 5 if bad else 8
        s = Sheet(scale=100, title="屋顶防雷平面图", number="电施-05", frame_at=(-3, -3))
        pts = [(C[0] - R, C[1]), (C[0] + R, C[1])]
        s.poly(pts, "屋面轮廓", bulges=[1.0, 1.0])
        s.poly(pts, "接闪带", bulges=[1.0, 1.0])
        s.text("第二类防雷建筑物", (10, 48))
        for k in range(n):
            a = 2 * math.pi * k / n + 0.1
            s.msp.add_circle(s.xy(C[0] + R * math.cos(a), C[1] + R * math.sin(a)), 150.0,
                             dxfattribs={"layer": s.layer("引下线")})
        e = s.msp.query('LWPOLYLINE[layer=="屋面轮廓"]').first
        ring = [(v.x / 1000, v.y / 1000) for v in ezpath.make_path(e).flattening(1.0)]
        return s, LineString(ring + ring[:1]).length / n
    return _pair(out, habit, "LP-04", ROOF_P, build, 18.0, "max", "m")


def lp04_class_text(out, habit):
    """No class parameter; ``防雷等级：第三类`` on the sheet: spacing ≤ 25 m (class 2 would be 18)."""
    def build(bad):
        n = 4 if bad else 6
        s = _roof(("防雷等级：第三类",))
        ring = LineString(ROOF + ROOF[:1])
        for k in range(n):
            p = ring.interpolate(ring.length * (k + 0.5) / n)
            s.msp.add_circle(s.xy(p.x, p.y), 150.0, dxfattribs={"layer": s.layer("引下线")})
        return s, ring.length / n
    return _pair(out, habit, "LP-04", ROOF_NOCLASS, build, 25.0, "max", "m")


# --- civil defence -------------------------------------------------------------------------------------------

def ad01_kou(out, habit, note=None):
    """The unit outline runs out round its 口部: a 3 × 6 m entrance passage juts from one side. ``note``: a
    stated area beside the unit, the same in both twins (the outline decides)."""
    def build(bad):
        w, h = (45, 50) if bad else (40, 45)
        pts = [(0, 0), (10, 0), (10, -6), (13, -6), (13, 0), (w, 0), (w, h), (0, h)]
        s = Sheet(title="地下一层人防平面图", number="建施-21")
        s.poly(pts, "人防防护单元")
        s.text("防护单元一", (5, h / 2))
        s.text("出入口", (10.2, -4))
        if note:
            s.text(note, (5, h / 2 - 4))
        return s, Polygon(pts).area
    return _pair(out, habit, "AD-01", FLOOR, build, 2000.0, "max", "m2")


# --- drawing standards ---------------------------------------------------------------------------------------

def dr02(out, habit, mtext, plain="%%c800钢管，坡度45%%d，标高%%p0.000"):
    def build(bad):
        h = 3.0 if bad else 3.5
        s = Sheet(scale=100, title="设计说明", number="建施-01", frame_at=(-3, -3))
        if mtext:
            s.mtext("{\\fSimSun|b0|i0;设计说明}\\P1. 本工程\\P2. 室内地坪%%p0.000", (2, 40), h_mm=h)
        else:
            s.text(plain, (2, 40), h_mm=h)
        return s, h
    return _pair(out, habit, "DR-02", FLOOR, build, TEXT_SET, "in", "mm", any_severity=True)


def dr04(out, habit, fmt):
    def build(bad):
        drawn = 5.4 if bad else 6.0
        s = Sheet(scale=100, frame_at=(-3, -3))
        s.poly(box(0, 0, 12, 8), "A-WALL")
        d = s.msp.add_linear_dim(base=s.xy(0, -3), p1=s.xy(0, 0), p2=s.xy(drawn, 0), text=fmt,
                                 dimstyle="DR1", dxfattribs={"layer": s.layer("标注")})
        d.render()
        return s, abs(6000.0 - drawn * 1000.0)
    return _pair(out, habit, "DR-04", FLOOR, build, 1.0, "abs", "mm", any_severity=True)


def generate(out_dir) -> list[dict]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels: list[dict] = []
    basement = ((20, 22), (25, 24))
    labels += fr07(out, "fr07-english-b1-title", "B1 FLOOR PLAN", limit=500.0, sizes=basement)
    labels += fr07(out, "fr07-english-tag-with-stated-area", "地下一层平面图", limit=500.0, sizes=basement,
                   notes=("FIRE COMPARTMENT 1 — 480 m²",))
    labels += fr07(out, "fr07-mtext-font-basement-title", "平面图", limit=500.0, sizes=basement,
                   mtext="{\\fSimSun|b0|i0;地下一层}\\P平面图")
    labels += fr07(out, "fr07-english-level-minus-1", "LEVEL -1 PLAN", limit=500.0, sizes=basement)
    labels += fr07(out, "fr07-sprinklered-throughout", "3RD FLOOR PLAN", limit=5000.0,
                   sizes=((60, 75), (70, 80)), notes=("SPRINKLERED THROUGHOUT",))
    labels += fr12_tag(out, "fr12-door-code-as-text")
    labels += fr12_schedule(out, "fr12-door-schedule-table")
    labels += fr02(out, "fr02-english-lane-layer", "FIRE ACCESS ROAD")
    labels += fr01(out, "fr01-english-height", "HEIGHT: 53.85 M")
    labels += fr01(out, "fr01-height-bracket-unit", "建筑高度(m): 53.85")
    labels += fr01(out, "fr01-english-storeys", "18 STOREYS")
    labels += fr01(out, "fr01-mixed-cn-en-height", "高度HEIGHT 53.85m")
    labels += fr01(out, "fr01-storeys-above-below", "地上18层/地下2层")
    labels += pl02_cass(out, "pl02-cass-jzx-survey-xy")
    labels += pl03_storeys(out, "pl03-storeys-above-below")
    labels += pl03_storeys(out, "pl03-english-storeys", "18 STOREYS")
    labels += pl05_declared(out, "pl05-declared-percent-beside-hatch")
    labels += lp04_class_text(out, "lp04-class-colon-third")
    labels += pl07_cells(out, "pl07-table-cells")
    labels += pl07_cells(out, "pl07-table-cells-mu", "用地面积(亩)", per=10000.0 / 15.0)
    labels += pl04_dlss(out, "pl04-cass-dlss-roads")
    labels += pl07_ha(out, "pl07-english-ha")
    labels += lp02(out, "lp02-class-colon-third", ("防雷等级：第三类",), ROOF_NOCLASS, ((2, 2), (1, 2)), 20.0)
    labels += lp02(out, "lp02-erlei-fanglei", ("二类防雷",), ROOF_NOCLASS, ((4, 3), (3, 2)), 10.0)
    labels += lp02(out, "lp02-mesh-note-beside", ("第二类防雷建筑物", "接闪网格不大于10m×10m"), ROOF_P,
                   ((4, 3), (3, 2)), 10.0)
    labels += lp02(out, "lp02-class-in-font-coded-mtext", ("{\\fSimSun|b0|i0;防雷类别：}\\P第三类",),
                   ROOF_NOCLASS, ((2, 2), (1, 2)), 20.0)
    labels += lp04_drum(out, "lp04-drum-roof-arcs")
    labels += ad01_kou(out, "ad01-kou-passage")
    labels += ad01_kou(out, "ad01-stated-area-note", note="防护单元面积：1950m²")
    labels += dr02(out, "dr02-percent-codes-text", mtext=False)
    labels += dr02(out, "dr02-font-coded-mtext", mtext=True)
    labels += dr02(out, "dr02-unicode-escape-text", mtext=False, plain="\\U+5730\\U+4E0B\\U+5BA4顶板标高-0.100")
    labels += dr04(out, "dr04-override-with-mm", "6000mm")
    labels += dr04(out, "dr04-override-in-metres", "6.00m")
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return labels
