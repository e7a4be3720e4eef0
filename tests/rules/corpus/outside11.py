"""An eleventh outside probe, written without reading the rule engine, its rulesets or the earlier corpora's
generators (only the docstrings of outside8 … outside10 and of the test modules, to pick other habits):
carriers that BIM exports (Revit / ArchiCAD / Bentley DWG → DXF) and hurried institute drafting leave.

Carriers, each applied across the rule families:
- ``guid``: the whole drawing (frame, plan, texts, dimensions) inside one block named by a GUID
  (``3f1c9e2a-…``), inserted once at the origin, as a BIM export's "export as one block" leaves it;
- ``cgcs``: model content at CGCS2000 survey coordinates with the zone prefix, (40 500 000, 3 500 000) m,
  written in millimetres — every coordinate about 4·10¹⁰;
- ``guid-cgcs``: the GUID block drawn about its own origin and inserted once at the survey point (Revit's
  shared coordinates);
- ``gaps``: outlines (compartments, footprints, red lines, shelter units) drawn as four LINEs that stop
  0.4 mm short of each corner — a closed loop with gaps under 1 mm, no polyline;
- ``sheets``: two frames side by side in one model space, ``三层平面图`` at 1:100 and ``地下一层平面图`` at 1:200.

Heights ``H=23.950`` (three decimals, low-rise) as well. Lanes as LINE loops with gaps too.
Titles: basements named ``地下贰层平面图`` (financial numeral), ``B1~B2层平面图`` (a range), ``-1F平面图``; a
``十八层平面图`` high-rise. Heights as ``檐口高度23.95米``, ``▽+49.950`` (roof level) and ``H=49.950``. Storeys
``地上１２层`` in full-width digits. A declared site area in MTEXT with a ``\\U+00B2`` escape
(``总用地面积：10000.00m\\U+00B2``). Text heights in a lines-and-texts indicator table and in a 1:200 sheet
beside a 1:100 one. Dimension overrides at survey coordinates, in a GUID block and with an ``\\A1;`` code.

Families: FR-07, FR-12 (GB 50016 5.3.1, 5.5.18), FR-01, FR-02 (5.2.2, 7.1.8-1), PL-02 … PL-05, PL-07,
LP-02, LP-04 (GB 50057 4.3.1, 4.3.3), AD-01 (GB 50038 3.2), DR-02, DR-04. DR-02 (an info), DR-04 (a
warning) and PL-07 are labelled ``any_severity``.

Imports nothing from drawreview. Each label is decided here from RULES.md on the points written: areas,
distances, widths and spacings with shapely in plan metres. A clean drawing differs from its violating
twin only in the measured quantity, at least 5 % clear of the threshold. ``generate(out_dir)`` writes
``*.dxf`` and ``labels.json`` and returns the labels.
"""

from __future__ import annotations

import json
from pathlib import Path

import ezdxf
from shapely.geometry import LinearRing, Point, Polygon

FLOOR = {"use": "office", "building_height_m": 18.0, "sprinklers": False}
TOWER = {"use": "office", "building_height_m": 54.0, "sprinklers": False}
SITE_P = {"project_type": "building", "plot_ratio_max": 2.5, "density_max": 0.3, "green_ratio_min": 0.35,
          "use": "office"}
ROOF_P = {"use": "office", "building_height_m": 30.0, "lightning_class": 2}
CGCS = (40500000.0, 3500000.0)  # metres: zone 40 easting with prefix, northing
GUID = "3f1c9e2a-7b4d-4c8e-a1f2-9d0e5b6c7a81"
TEXT_SET = [3.5, 5.0, 7.0, 10.0, 14.0, 20.0]


def _rect(x0, y0, w, h):
    return [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)]


def _frame(doc):
    name = "TK-A1"
    if name not in doc.blocks:
        blk = doc.blocks.new(name)
        blk.add_lwpolyline(_rect(0, 0, 841, 594), close=True)
        blk.add_lwpolyline(_rect(25, 10, 806, 574), close=True)
        blk.add_lwpolyline(_rect(651, 10, 180, 40), close=True)
        for tag, (x, y), h in (("图名", (660, 35), 5.0), ("图号", (660, 15), 3.5), ("比例", (760, 15), 3.5)):
            blk.add_text(tag, dxfattribs={"height": 3.5, "insert": (x - 8, y)})
            blk.add_attdef(tag, (x + 8, y), dxfattribs={"height": h})
    return name


class Scene:
    """A millimetre drawing; plan coordinates given in metres. ``carrier`` decides where entities go."""

    def __init__(self, carrier="plain", scale=100, title="三层平面图", number="建施-03", frame_at=(-3, -3)):
        self.doc = ezdxf.new("R2010", setup=True)
        self.doc.header["$INSUNITS"] = 4
        self.u = 1000.0
        self.carrier = carrier
        self.scale = scale
        self.off = CGCS if carrier == "cgcs" else (0.0, 0.0)
        st = self.doc.dimstyles.duplicate_entry("EZDXF", "DR1")
        st.dxf.dimlfac = 1.0
        st.dxf.dimscale = scale
        self.msp = self.doc.modelspace()
        self.space = self.doc.blocks.new(GUID) if carrier in ("guid", "guid-cgcs") else self.msp
        self.frame(title, number, scale, frame_at)

    def layer(self, name):
        if name not in self.doc.layers:
            self.doc.layers.add(name)
        return name

    def xy(self, x, y):
        return ((x + self.off[0]) * self.u, (y + self.off[1]) * self.u)

    def frame(self, title, number, scale, at):
        k = scale * self.u / 1000
        ins = self.space.add_blockref(_frame(self.doc), self.xy(*at),
                                      dxfattribs={"layer": self.layer("TK"), "xscale": k, "yscale": k})
        ins.add_auto_attribs({"图名": title, "图号": number, "比例": f"1:{scale}"})

    def text(self, s, at, h_mm=3.5, layer="标注", scale=None):
        h = h_mm * (scale or self.scale) * self.u / 1000
        return self.space.add_text(s, dxfattribs={"layer": self.layer(layer), "height": h, "insert": self.xy(*at)})

    def mtext(self, s, at, h_mm=3.5, layer="标注"):
        return self.space.add_mtext(s, dxfattribs={"layer": self.layer(layer), "insert": self.xy(*at),
                                                   "char_height": h_mm * self.scale * self.u / 1000})

    def outline(self, pts, layer, how="plain"):
        self.layer(layer)
        if how == "gaps":  # four LINEs each stopping 0.4 mm short of the next corner
            gap = 0.4
            for a, b in zip(pts, pts[1:] + pts[:1]):
                (ax, ay), (bx, by) = self.xy(*a), self.xy(*b)
                d = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
                self.space.add_line((ax, ay), (bx - (bx - ax) * gap / d, by - (by - ay) * gap / d),
                                    dxfattribs={"layer": layer})
        elif how == "hatch":
            h = self.space.add_hatch(color=3, dxfattribs={"layer": layer})
            h.paths.add_polyline_path([self.xy(*p) for p in pts], is_closed=True, flags=1)
        else:
            self.space.add_lwpolyline([self.xy(*p) for p in pts], close=True, dxfattribs={"layer": layer})
        return Polygon(pts).area

    def door(self, code, width, at, layer="A-DOOR"):
        if code not in self.doc.blocks:
            blk = self.doc.blocks.new(code)
            w = width * self.u
            blk.add_line((0, 0), (w, 0))
            blk.add_line((0, 0), (0, w))
            blk.add_arc((0, 0), w, 0, 90)
        self.space.add_blockref(code, self.xy(*at), dxfattribs={"layer": self.layer(layer)})

    def dim(self, p1, p2, override, base_dy=3.0):
        d = self.space.add_linear_dim(base=self.xy(p1[0], p1[1] - base_dy), p1=self.xy(*p1), p2=self.xy(*p2),
                                      text=override, dimstyle="DR1", dxfattribs={"layer": self.layer("标注")})
        d.render()

    def save(self, path):
        if self.carrier in ("guid", "guid-cgcs"):
            at = (CGCS[0] * self.u, CGCS[1] * self.u) if self.carrier == "guid-cgcs" else (0, 0)
            self.msp.add_blockref(GUID, at, dxfattribs={"layer": "0"})
        self.doc.saveas(path)


def _pair(out, habit, fam, params, build, limit, sense, unit, **extra):
    labs = []
    for bad in (False, True):
        scene, value = build(bad)
        file = f"{habit}-{'bad' if bad else 'ok'}.dxf"
        scene.save(out / file)
        labs.append({"file": file, "habit": habit, "families": [fam], "violation": fam if bad else None,
                     "params": dict(params),
                     "measured": {"value": round(value, 3) if isinstance(value, float) else value, "limit": limit,
                                  "sense": sense, "unit": unit}, **extra})
    return labs


# --- floors -----------------------------------------------------------------------------------------------

def fr07(out, habit, carrier="plain", how="plain", title="三层平面图", params=FLOOR, limit=2500.0, sizes=None):
    sizes = sizes or ((55, 40), (56, 50))

    def build(bad):
        s = Scene(carrier, title=title)
        area = s.outline(_rect(5, 5, *sizes[bad]), "防火分区", how)
        s.text("防火分区一", (10, 15))
        return s, area
    return _pair(out, habit, "FR-07", params, build, limit, "max", "m2")


def fr07_sheets(out, habit):
    """The third floor at 1:100 (frame at x −3 m) beside the basement at 1:200 (frame at x 100 m)."""
    def build(bad):
        s = Scene("plain", title="三层平面图")
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        s.text("防火分区一", (10, 15))
        s.frame("地下一层平面图", "建施-01", 200, (100, -3))
        area = s.outline(_rect(110, 5, 25, 23) if bad else _rect(110, 5, 20, 22.5), "防火分区")
        s.text("防火分区一", (112, 12), scale=200)
        return s, area
    return _pair(out, habit, "FR-07", FLOOR, build, 500.0, "max", "m2")


def fr12(out, habit, carrier):
    def build(bad):
        s = Scene(carrier)
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        s.text("防火分区一", (10, 15))
        code, width = ("FM乙0821", 0.8) if bad else ("FM乙1021", 1.0)
        s.door(code, width, (20, 5))
        s.text(code, (20, 3))
        return s, width
    return _pair(out, habit, "FR-12", FLOOR, build, 0.9, "min", "m")


def ad01(out, habit, carrier="plain", how="plain"):
    def build(bad):
        s = Scene(carrier, title="地下一层人防平面图", number="人防-01")
        area = s.outline(_rect(5, 5, 60, 38 if bad else 30), "人防防护单元", how)
        s.text("防护单元一", (10, 15))
        return s, area
    return _pair(out, habit, "AD-01", FLOOR, build, 2000.0, "max", "m2")


# --- sites (1:500, site 100 × 100 m = 10 000 m²) --------------------------------------------------------

def _site(carrier, red_how="plain"):
    s = Scene(carrier, scale=500, title="总平面图", number="总施-01", frame_at=(-20, -20))
    s.outline(_rect(0, 0, 100, 100), "A-REDL", red_how)
    return s


def _bldg(s, pts, texts, how="plain"):
    area = s.outline(pts, "A-MAST-ROOF", how)
    x, y = pts[0]
    for i, t in enumerate(texts):
        s.text(t, (x + 2, y + 2 + 4 * i))
    return area


def pl04(out, habit, carrier="plain", how="plain"):
    def build(bad):
        s = _site(carrier)
        area = _bldg(s, _rect(10, 10, 60, 55) if bad else _rect(10, 10, 50, 50), ["6层", "H=23.0", "二级"], how)
        return s, area / 10000.0
    return _pair(out, habit, "PL-04", SITE_P, build, 0.3, "max", "ratio")


def pl02(out, habit, carrier="plain", red_how="plain"):
    def build(bad):
        s = _site(carrier, red_how)
        pts = _rect(70, 30, 40, 30) if bad else _rect(40, 30, 40, 30)
        _bldg(s, pts, ["6层", "H=23.0", "二级"])
        return s, float(Polygon(pts).difference(Polygon(_rect(0, 0, 100, 100))).area)
    return _pair(out, habit, "PL-02", SITE_P, build, 0.0, "max", "m2 outside the red line")


def pl03(out, habit, carrier="plain"):
    def build(bad):
        s = _site(carrier)
        n = 18 if bad else 12
        area = _bldg(s, _rect(10, 10, 40, 40), ["地上" + str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "层",
                                                f"H={n * 3.6:.1f}", "一级"])
        return s, area * n / 10000.0
    return _pair(out, habit, "PL-03", SITE_P, build, 2.5, "max", "ratio")


def pl05(out, habit, carrier="plain"):
    def build(bad):
        s = _site(carrier)
        _bldg(s, _rect(5, 10, 40, 40), ["6层", "H=23.0", "二级"])
        area = s.outline(_rect(55, 2, 40, 75 if bad else 95), "A-REDL-GREEN", "hatch")
        return s, area / 10000.0
    return _pair(out, habit, "PL-05", SITE_P, build, 0.35, "min", "ratio")


def pl07(out, habit, carrier="plain"):
    def build(bad):
        s = _site(carrier)
        declared = 10600.0 if bad else 10000.0
        s.mtext(f"总用地面积：{declared:.2f}m\\U+00B2", (5, 90))
        return s, abs(declared - 10000.0) / 10000.0
    return _pair(out, habit, "PL-07", SITE_P, build, 0.005, "max", "relative difference", any_severity=True)


def fr01(out, habit, carrier, texts, clean, bad_gap, limit):
    """Two 30 × 15 m buildings, one above the other, *gap* m apart."""
    def build(bad):
        s = _site(carrier)
        gap = bad_gap if bad else clean
        a, b = _rect(10, 10, 30, 15), _rect(10, 25 + gap, 30, 15)
        _bldg(s, a, texts)
        _bldg(s, b, texts)
        return s, float(Polygon(a).distance(Polygon(b)))
    return _pair(out, habit, "FR-01", SITE_P, build, limit, "min", "m")


def fr02(out, habit, carrier="plain", how="plain"):
    def build(bad):
        s = _site(carrier)
        _bldg(s, _rect(10, 20, 40, 30), ["6层", "H=23.0", "二级"])
        w = 3.5 if bad else 4.5
        s.outline(_rect(5, 10 - w, 60, w), "消防车道", how)
        return s, w
    return _pair(out, habit, "FR-02", SITE_P, build, 4.0, "min", "m")


# --- roofs (1:100, roof 36 × 27 m at (5, 5)) --------------------------------------------------------------

ROOF = _rect(5, 5, 36, 27)


def _roof(carrier):
    s = Scene(carrier, title="屋顶防雷平面图", number="电施-05")
    s.outline(ROOF, "屋面轮廓")
    s.outline(ROOF, "接闪带")
    s.text("第二类防雷建筑物", (8, 34))
    return s


def lp02(out, habit, carrier):
    def build(bad):
        s = _roof(carrier)
        xs, ys, cell = ((17, 29), (18.5,), 13.5) if bad else ((14, 23, 32), (14, 23), 9.0)
        for x in xs:
            s.space.add_line(s.xy(x, 5), s.xy(x, 32), dxfattribs={"layer": "接闪带"})
        for y in ys:
            s.space.add_line(s.xy(5, y), s.xy(41, y), dxfattribs={"layer": "接闪带"})
        return s, cell
    return _pair(out, habit, "LP-02", ROOF_P, build, 10.0, "max", "m (longer cell side)")


def lp04(out, habit, carrier):
    def build(bad):
        s = _roof(carrier)
        ring = LinearRing(ROOF)
        n = 6 if bad else 8
        ds = [ring.length * i / n for i in range(n)]
        for d in ds:
            p = ring.interpolate(d)
            s.space.add_circle(s.xy(p.x, p.y), 0.15 * s.u, dxfattribs={"layer": s.layer("引下线")})
        pos = sorted(ring.project(Point(ring.interpolate(d))) for d in ds)
        gaps = [b - a for a, b in zip(pos, pos[1:])] + [ring.length - pos[-1] + pos[0]]
        return s, max(gaps)
    return _pair(out, habit, "LP-04", ROOF_P, build, 18.0, "max", "m")


# --- drawing quality ----------------------------------------------------------------------------------------

def dr02_sheets(out, habit):
    """A note in the 1:200 sheet beside a 1:100 sheet: 700 mm is 3.5 mm plotted at 1:200, 350 mm is 1.75."""
    def build(bad):
        s = Scene("plain", title="三层平面图")
        s.outline(_rect(5, 5, 55, 40), "防火分区")
        s.text("防火分区一", (10, 15))
        s.frame("地下一层平面图", "建施-01", 200, (100, -3))
        s.outline(_rect(110, 5, 20, 22.5), "防火分区")
        plotted = 1.75 if bad else 3.5
        s.text("说明：地下一层设备用房", (112, 40), plotted, scale=200)
        return s, plotted
    return _pair(out, habit, "DR-02", FLOOR, build, TEXT_SET, "in", "mm plotted", any_severity=True)


def dr02(out, habit, carrier="plain", table=False):
    def build(bad):
        s = Scene(carrier)
        plotted = 2.5 if bad else 3.5
        if table:  # 主要经济技术指标 as lines and texts, 3 rows × 2 columns, rows 8 mm plotted
            x0, y0, w1, w2, rh = 5.0, 5.0, 4.0, 3.0, 0.8
            for i in range(4):
                s.space.add_line(s.xy(x0, y0 + i * rh), s.xy(x0 + w1 + w2, y0 + i * rh), dxfattribs={"layer": s.layer("表格")})
            for x in (x0, x0 + w1, x0 + w1 + w2):
                s.space.add_line(s.xy(x, y0), s.xy(x, y0 + 3 * rh), dxfattribs={"layer": "表格"})
            for i, (k, v) in enumerate((("总建筑面积", "6600m²"), ("建筑层数", "3层"), ("建筑高度", "13.5m"))):
                s.text(k, (x0 + 0.2, y0 + (2 - i) * rh + 0.2), plotted, layer="表格文字")
                s.text(v, (x0 + w1 + 0.2, y0 + (2 - i) * rh + 0.2), plotted, layer="表格文字")
        else:
            s.text("注：本层防火分区面积详见防火分区示意图", (5, 45), plotted)
        return s, plotted
    return _pair(out, habit, "DR-02", FLOOR, build, TEXT_SET, "in", "mm plotted", any_severity=True)


def dr04(out, habit, carrier="plain", fmt="{}"):
    def build(bad):
        s = Scene(carrier)
        s.outline(_rect(5, 5, 55, 40), "墙体")
        shown = 6600 if bad else 6000
        s.dim((5, 5), (11, 5), fmt.format(shown))
        return s, float(shown - 6000)
    return _pair(out, habit, "DR-04", FLOOR, build, 0.0, "abs", "mm", any_severity=True)


def generate(out_dir) -> list[dict]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels: list[dict] = []
    basement = ((20, 22.5), (25, 23))
    labels += fr07(out, "fr07-guid-block", "guid")
    labels += fr07(out, "fr07-cgcs", "cgcs")
    labels += fr07(out, "fr07-guid-at-cgcs", "guid-cgcs")
    labels += fr07(out, "fr07-line-loop-gaps", how="gaps")
    labels += fr07(out, "fr07-cgcs-line-loop-gaps", "cgcs", how="gaps")
    labels += fr07_sheets(out, "fr07-basement-in-1to200-sheet")
    labels += fr07(out, "fr07-title-dixia-er-financial", title="地下贰层平面图", limit=500.0, sizes=basement)
    labels += fr07(out, "fr07-title-b1-b2-range", title="B1~B2层平面图", limit=500.0, sizes=basement)
    labels += fr07(out, "fr07-title-minus-1f", title="-1F平面图", limit=500.0, sizes=basement)
    labels += fr07(out, "fr07-title-18-storey-highrise", title="十八层平面图", params=TOWER, limit=1500.0,
                   sizes=((45, 30), (50, 35)))
    labels += fr12(out, "fr12-guid-block", "guid")
    labels += fr12(out, "fr12-cgcs", "cgcs")
    labels += fr12(out, "fr12-guid-at-cgcs", "guid-cgcs")
    labels += ad01(out, "ad01-guid-block", "guid")
    labels += ad01(out, "ad01-cgcs", "cgcs")
    labels += ad01(out, "ad01-guid-at-cgcs", "guid-cgcs")
    labels += ad01(out, "ad01-line-loop-gaps", how="gaps")
    labels += pl04(out, "pl04-guid-block", "guid")
    labels += pl04(out, "pl04-cgcs", "cgcs")
    labels += pl04(out, "pl04-guid-at-cgcs", "guid-cgcs")
    labels += pl04(out, "pl04-footprint-line-loop-gaps", how="gaps")
    labels += pl02(out, "pl02-guid-block", "guid")
    labels += pl02(out, "pl02-cgcs", "cgcs")
    labels += pl02(out, "pl02-red-line-loop-gaps", red_how="gaps")
    labels += pl03(out, "pl03-fullwidth-storeys")
    labels += pl03(out, "pl03-fullwidth-storeys-guid", "guid")
    labels += pl05(out, "pl05-guid-block", "guid")
    labels += pl05(out, "pl05-cgcs", "cgcs")
    labels += pl07(out, "pl07-mtext-u00b2-escape")
    labels += pl07(out, "pl07-guid-block", "guid")
    labels += fr01(out, "fr01-eave-height-low-cgcs", "cgcs", ["檐口高度23.95米", "二级"], 7.0, 5.0, 6.0)
    labels += fr01(out, "fr01-eave-height-highrise", "plain", ["檐口高度49.95米", "一级"], 14.5, 11.0, 13.0)
    labels += fr01(out, "fr01-roof-level-triangle", "plain", ["▽+49.950", "一级"], 14.5, 11.0, 13.0)
    labels += fr01(out, "fr01-h-three-decimals-low", "plain", ["H=23.950", "二级"], 7.0, 5.0, 6.0)
    labels += fr01(out, "fr01-h-three-decimals-guid", "guid", ["H=49.950", "一级"], 14.5, 11.0, 13.0)
    labels += fr02(out, "fr02-guid-block", "guid")
    labels += fr02(out, "fr02-cgcs", "cgcs")
    labels += fr02(out, "fr02-lane-line-loop-gaps", how="gaps")
    labels += lp02(out, "lp02-guid-block", "guid")
    labels += lp02(out, "lp02-cgcs", "cgcs")
    labels += lp02(out, "lp02-guid-at-cgcs", "guid-cgcs")
    labels += lp04(out, "lp04-guid-block", "guid")
    labels += lp04(out, "lp04-cgcs", "cgcs")
    labels += dr02_sheets(out, "dr02-note-in-1to200-sheet")
    labels += dr02(out, "dr02-lines-and-texts-table", table=True)
    labels += dr02(out, "dr02-guid-block", "guid")
    labels += dr02(out, "dr02-cgcs", "cgcs")
    labels += dr04(out, "dr04-guid-block", "guid")
    labels += dr04(out, "dr04-cgcs", "cgcs")
    labels += dr04(out, "dr04-override-align-code", fmt="\\A1;{}")
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return labels
