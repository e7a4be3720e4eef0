"""A ninth outside probe, written without reading the rule engine, its rulesets or the earlier corpora's
generators (only outside7's and outside8's docstrings, to pick other habits): drafting habits that
habits.py and outside.py to outside8.py do not draw.

Floors (GB 50016 5.3.1, 5.5.18; RULES.md FR-07, FR-12): the compartment layer with a space and a version
mark (``防火分区 (新)``), with a ``$0$`` suffix (``防火分区$0$``), an English-Chinese mixed layer
(``A-AREA-防火分区``), a one-character discipline prefix (``建-防火分区``), a ``0-`` prefix (``0-防火分区``), a floor
suffix (``防火分区-1F``); traps: a cancelled sprinkler note (``本层设自动喷水灭火系统（取消）``) and a ground-floor
note ``本图不含地下室部分`` that change nothing; a basement named only by
its paper-space layout tab (``地下一层平面图``) over a model title that says only ``平面图``; a lowercase
basement title (``b1f平面图``); a basement title written as a TEXT with ALIGNED justification; the
building height only in an ATTRIB of the title-block INSERT (``建筑高度`` = ``54.00m``); sprinklers
stated only in a 图例 (legend) row ``喷淋头`` beside a sprinkler symbol; door codes in lowercase
(``fm乙0821``), with a remark (``FM乙0821(常闭)``) or a dash (``FM乙-0821``), a door INSERT two anonymous blocks
deep.
Sites (GB 50016 5.2.2, 7.1.8-1; GB 50352 4.3.1; RULES.md PL-02 … PL-05, FR-01, FR-02): a red line as a
closed fit-point SPLINE; a demolished building (dashed, ``拆除``) that must not count in the density
(trap) nor in the separation (trap); storeys as lowercase ``12f``; footprints inside an anonymous
block or on ``建筑轮廓$0$``; green as a ``GRASS`` pattern hatch on a landscape layer ``L-PLNT-绿化`` or on
``绿化 (新)``, a tree hatch drawn over the lawn (overlap counted once); a red line on ``A-REDL 用地红线``; the
declared site area in an MTEXT with a stacked ``m\\S2^;`` unit (PL-07); two high-rises named ``A座`` / ``B座``; a
fire lane on the GB/T 18112 civil layer ``C-ROAD-FIRE``, on ``消防车道 (新)``, ``消防车道$0$`` and ``FIRE LANE 消防车道``.
Civil defence (GB 50038 3.2; RULES.md AD-01): a protection unit on a layer with a space
(``人防 防护单元``), on ``RF-防护单元$0$``, on ``CD-人防单元``, inside an anonymous block.
Roofs (GB 50057 4.3.1, 4.3.3; RULES.md LP-02, LP-04): a mesh drawn as an ANSI37 hatch (a 45° grid)
on the 接闪带 layer; a mesh on the GB/T 18112 electrical layer ``E-LTNG-MESH``; the class stated only in a
LINE-grid table (``防雷类别 | 第二类``); down-conductors as blocks with an ATTRIB ``YX-1`` … on ``防雷-引下线``
or ``E-LTNG-DOWN``, as a plotted-size symbol block inserted ×100.
Drawing quality (RULES.md DR-02, DR-04): a FIT-justified TEXT; a level written with ``%%p``; a room name in
an anonymous block; a frame exploded into plain lines and texts on 图框 (its scale only in the title text
``三层平面图  1:100``); dimension overrides in full-width digits and with a suffix (``<>（净）`` / ``6500（净）``).
DR-02 (an info) and DR-04 (a warning) are labelled ``any_severity``.

The base scene: millimetres, an A1 frame block (图名 / 图号 / 比例 as ATTRIBs) at 1:100 (floors, roofs) or
1:500 (sites); project parameters as the demo project names them (``density_max``, ``plot_ratio_max``,
``green_ratio_min``, ``use``, ``building_height_m``, ``sprinklers``).

Imports nothing from drawreview. Each label is decided here from RULES.md on the scene as placed: areas,
distances, widths and spacings measured with shapely (or ezdxf's path flattening, for the spline) on the
points written, in plan metres. A drawing seeds at most one violation; a clean drawing of a pair differs
from its violating twin only in the measured quantity, at least 5 % clear of the threshold. Each label
carries ``measured`` = {value, limit, sense, unit}. ``generate(out_dir)`` writes ``*.dxf`` and
``labels.json`` and returns the labels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import ezdxf
from ezdxf import path as ezpath
from shapely.geometry import Polygon
from shapely.ops import unary_union

MM = 1000.0  # drawing units per metre (millimetre drawings)
FLOOR = {"use": "office", "building_height_m": 18.0, "sprinklers": False}


# --- scene helpers -------------------------------------------------------------------------------------

def _doc():
    doc = ezdxf.new("R2010", setup=True)
    doc.header["$INSUNITS"] = 4
    st = doc.dimstyles.duplicate_entry("EZDXF", "DR1")
    st.dxf.dimlfac = 1.0
    st.dxf.dimscale = 100.0
    return doc


def _layer(doc, name, linetype="Continuous"):
    if name not in doc.layers:
        doc.layers.add(name, linetype=linetype)
    return name


def _rect(x0, y0, w, h):
    return [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)]


def _mm(pts):
    return [(x * MM, y * MM) for x, y in pts]


def _poly(msp, pts_m, layer, **kw):
    return msp.add_lwpolyline(_mm(pts_m), close=True, dxfattribs={"layer": layer, **kw})


def _text(msp, s, at_m, h_mm, layer="标注", **kw):
    return msp.add_text(s, dxfattribs={"layer": layer, "height": h_mm, "insert": (at_m[0] * MM, at_m[1] * MM), **kw})


def _frame_block(doc):
    """An A1 frame (841 × 594 mm) with a title block whose 图名 / 图号 / 比例 are ATTRIBs, drawn at 1:1."""
    if "A1图框" in doc.blocks:
        return "A1图框"
    blk = doc.blocks.new("A1图框")
    blk.add_lwpolyline(_rect(0, 0, 841, 594), close=True, dxfattribs={"layer": "0"})
    blk.add_lwpolyline(_rect(25, 10, 806, 574), close=True, dxfattribs={"layer": "0"})
    blk.add_lwpolyline(_rect(651, 10, 180, 40), close=True, dxfattribs={"layer": "0"})
    blk.add_line((651, 30), (831, 30), dxfattribs={"layer": "0"})
    for i, (tag, y) in enumerate((("图名", 35), ("图号", 15), ("比例", 15))):
        blk.add_text(tag, dxfattribs={"layer": "0", "height": 3.5, "insert": (655 + 80 * (i == 2), y)})
        blk.add_attdef(tag, (670 + 80 * (i == 2), y), dxfattribs={"layer": "0", "height": 5 if i == 0 else 3.5})
    return "A1图框"


def _frame(doc, scale, title, number, title_text=True, exploded=False):
    """An A1 frame in model space at 1:scale, its lower-left at (-10, -10) plotted mm: the institute's frame
    block with ATTRIBs, or (``exploded``) the same lines and texts as plain entities on 图框."""
    msp = doc.modelspace()
    lay = _layer(doc, "图框")
    x0, y0 = -10 * scale, -10 * scale
    if not exploded:
        ins = msp.add_blockref(_frame_block(doc), (x0, y0), dxfattribs={"layer": lay, "xscale": scale,
                                                                        "yscale": scale})
        ins.add_auto_attribs({"图名": title if title_text else "", "图号": number, "比例": f"1:{scale}"})
        return msp
    w, h = 841 * scale, 594 * scale
    msp.add_lwpolyline(_rect(x0, y0, w, h), close=True, dxfattribs={"layer": lay})
    msp.add_lwpolyline(_rect(x0 + 25 * scale, y0 + 10 * scale, w - 35 * scale, h - 20 * scale), close=True,
                       dxfattribs={"layer": lay})
    msp.add_lwpolyline(_rect(x0 + 651 * scale, y0 + 10 * scale, 180 * scale, 40 * scale), close=True,
                       dxfattribs={"layer": lay})
    tx, ty = x0 + 655 * scale, y0 + 15 * scale
    msp.add_text(f"{title}  1:{scale}", dxfattribs={"layer": lay, "height": 5 * scale, "insert": (tx, ty + 20 * scale)})
    msp.add_text(number, dxfattribs={"layer": lay, "height": 3.5 * scale, "insert": (tx, ty)})
    return msp


def _floor_doc(title="三层平面图", number="建施-03"):
    doc = _doc()
    return doc, _frame(doc, 100, title, number)


def _site_doc(title="总平面图", number="总施-01"):
    doc = _doc()
    return doc, _frame(doc, 500, title, number)


def _lab(file, habit, fam, violating, params, value, limit, sense, unit, **extra):
    return {"file": file, "habit": habit, "families": [fam], "violation": fam if violating else None,
            "params": dict(params), "measured": {"value": value, "limit": limit, "sense": sense, "unit": unit},
            **extra}


# --- floors: FR-07 ---------------------------------------------------------------------------------------

def _compartment(msp, doc, layer, w, h, label="防火分区一"):
    _poly(msp, _rect(5, 5, w, h), _layer(doc, layer))
    _text(msp, f"{label}  S={w * h:.2f}㎡", (5 + w / 3, 5 + h / 2), 350)
    return Polygon(_rect(5, 5, w, h)).area


def fr07_layer(out, habit, layer):
    """Above-ground multi-storey, no sprinklers: 2500 m². Clean 50 × 40 = 2000, violating 60 × 50 = 3000."""
    labs = []
    for viol, (w, h) in ((False, (50, 40)), (True, (60, 50))):
        doc, msp = _floor_doc()
        area = _compartment(msp, doc, layer, w, h)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-07", viol, FLOOR, area, 2500.0, "max", "m²"))
    return labs


def fr07_basement(out, habit, how):
    """Underground, no sprinklers: 500 m². Clean 20 × 20 = 400, violating 30 × 30 = 900 (above 500, and
    under the 2500 an above-ground floor would allow: only the basement reading finds it)."""
    labs = []
    for viol, side in ((False, 20), (True, 30)):
        doc = _doc()
        if how == "layout":
            msp = _frame(doc, 100, "平面图", "建施-B1")
            lay = doc.layouts.new("地下一层平面图")
            lay.page_setup(size=(841, 594), margins=(0, 0, 0, 0), units="mm")
            lay.add_viewport(center=(420, 297), size=(800, 560), view_center_point=(40 * MM, 27 * MM),
                             view_height=56 * MM)
        elif how == "lowercase":
            msp = _frame(doc, 100, "b1f平面图", "建施-B1")
        elif how == "aligned":
            msp = _frame(doc, 100, "", "建施-B1", title_text=False)
            t = msp.add_text("地下一层平面图", dxfattribs={"layer": "图框", "height": 700})
            t.set_placement((59 * MM, 3 * MM), (80 * MM, 3 * MM), align=ezdxf.enums.TextEntityAlignment.ALIGNED)
            msp.add_text("1:100", dxfattribs={"layer": "图框", "height": 500, "insert": (81 * MM, 3 * MM)})
        area = _compartment(msp, doc, "防火分区", side, side)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-07", viol, {"use": "office", "sprinklers": False}, area, 500.0, "max", "m²"))
    return labs


def fr07_height_attrib(out, habit):
    """High-rise (H = 54.00 m given only in the title block's ATTRIB), no sprinklers: 1500 m². Clean 30 × 40 =
    1200, violating 50 × 40 = 2000 (under the multi-storey 2500: only the height reading finds it)."""
    labs = []
    for viol, w in ((False, 30), (True, 50)):
        doc, msp = _floor_doc()
        blk = doc.blocks.new("TK-A1")
        blk.add_attdef("建筑高度", (0, 0), dxfattribs={"height": 500, "layer": "0"})
        blk.add_attdef("耐火等级", (0, -800), dxfattribs={"height": 500, "layer": "0"})
        ins = msp.add_blockref("TK-A1", (70 * MM, 10 * MM), dxfattribs={"layer": "图框"})
        ins.add_auto_attribs({"建筑高度": "54.00m", "耐火等级": "一级"})
        area = _compartment(msp, doc, "防火分区", w, 40)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-07", viol, {"use": "office", "sprinklers": False}, area, 1500.0, "max", "m²"))
    return labs


def fr07_sprinkler_legend(out, habit):
    """Multi-storey (18 m), sprinklers stated only in a 图例: 2500 × 2 = 5000 m². Clean 60 × 70 = 4200, violating
    80 × 70 = 5600 (both above 2500: without the legend's sprinklers the clean one would be a false alarm)."""
    labs = []
    for viol, w in ((False, 60), (True, 80)):
        doc = _doc()
        msp = _frame(doc, 200, "二层平面图", "建施-02")
        area = _compartment(msp, doc, "防火分区", w, 70)
        _layer(doc, "图例")
        x, y = 150, 100
        msp.add_text("图  例", dxfattribs={"layer": "图例", "height": 1000, "insert": (x * MM, y * MM)})
        msp.add_circle((x * MM + 500, (y - 3) * MM), 300, dxfattribs={"layer": "图例"})
        msp.add_text("喷淋头（自动喷水灭火系统，全楼设置）", dxfattribs={"layer": "图例", "height": 700,
                                                     "insert": (x * MM + 2000, (y - 3.3) * MM)})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-07", viol, {"use": "office", "building_height_m": 18.0}, area, 5000.0,
                         "max", "m²"))
    return labs


# --- floors: FR-12 ---------------------------------------------------------------------------------------

def _door_block(doc, name, width_m):
    if name in doc.blocks:
        return
    b = doc.blocks.new(name)
    w = width_m * MM
    b.add_line((0, 0), (0, w), dxfattribs={"layer": "0"})
    b.add_arc((0, 0), w, 0, 90, dxfattribs={"layer": "0"})


def fr12_door(out, habit, how):
    """An evacuation door 0.8 m (violating, ≥ 0.90 m) or 1.0 m (clean) wide on a stair of a compartment."""
    labs = []
    for viol, code in ((False, "fm乙1021"), (True, "fm乙0821")):
        width = int(code[3:5]) / 10
        doc, msp = _floor_doc()
        _compartment(msp, doc, "防火分区", 40, 30)
        _layer(doc, "门窗")
        if how == "lowercase":
            _door_block(doc, code, width)
            msp.add_blockref(code, (20 * MM, 35 * MM), dxfattribs={"layer": "门窗"})
        else:
            _door_block(doc, code.upper(), width)
            inner = doc.blocks.new_anonymous_block("U")
            inner.add_blockref(code.upper(), (0, 0), dxfattribs={"layer": "0"})
            outer = doc.blocks.new_anonymous_block("U")
            outer.add_blockref(inner.name, (1000, 0), dxfattribs={"layer": "0"})
            msp.add_blockref(outer.name, (19 * MM, 35 * MM), dxfattribs={"layer": "门窗"})
            code = code.upper()
        _text(msp, code, (20, 36.2), 350, layer="门窗")
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-12", viol, FLOOR, width, 0.9, "min", "m"))
    return labs


# --- sites -------------------------------------------------------------------------------------------

SITE = _rect(20, 20, 100, 100)  # 10 000 m²


def _site(msp, doc, red_layer="用地红线"):
    _poly(msp, SITE, _layer(doc, red_layer))
    _text(msp, "用地红线", (22, 116), 2500)


def _building(msp, doc, pts, text, layer="建筑轮廓"):
    _poly(msp, pts, _layer(doc, layer))
    c = Polygon(pts).centroid
    _text(msp, text, (c.x - 4, c.y), 2500)


def pl04_demolished(out, habit):
    """Density ≤ 0.30 (parameter). A new building 40 × 50 = 2000 (0.20, clean) or 40 × 87.5 = 3500 (0.35); a
    demolished building 30 × 40 = 1200 drawn dashed with ``拆除`` that must not count (trap: counted, the clean
    one would read 0.32)."""
    labs = []
    for viol, h in ((False, 50.0), (True, 87.5)):
        doc, msp = _site_doc()
        _site(msp, doc)
        new = _rect(30, 25, 40, h)
        _building(msp, doc, new, "1#  6层")
        old = _rect(80, 30, 30, 40)
        _poly(msp, old, "建筑轮廓", linetype="DASHED")
        _text(msp, "拆除", (90, 50), 2500)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        dens = Polygon(new).area / Polygon(SITE).area
        labs.append(_lab(f, habit, "PL-04", viol, {"density_max": 0.30}, round(dens, 4), 0.30, "max", ""))
    return labs


def pl04_anon_block(out, habit):
    """Density ≤ 0.30: two footprints inside one anonymous block: 2 × 30 × 30 = 1800 (0.18) or 2 × 30 × 65 = 3900
    (0.39)."""
    labs = []
    for viol, h in ((False, 30), (True, 65)):
        doc, msp = _site_doc()
        _site(msp, doc)
        _layer(doc, "建筑轮廓")
        blk = doc.blocks.new_anonymous_block("U")
        fps = [_rect(0, 0, 30, h), _rect(45, 0, 30, h)]
        for p in fps:
            blk.add_lwpolyline(_mm(p), close=True, dxfattribs={"layer": "建筑轮廓"})
            blk.add_text("6层", dxfattribs={"layer": "标注", "height": 2500,
                                           "insert": ((p[0][0] + 10) * MM, (p[0][1] + h / 2) * MM)})
        msp.add_blockref(blk.name, (30 * MM, 30 * MM), dxfattribs={"layer": "建筑轮廓"})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        dens = unary_union([Polygon(p) for p in fps]).area / Polygon(SITE).area
        labs.append(_lab(f, habit, "PL-04", viol, {"density_max": 0.30}, round(dens, 4), 0.30, "max", ""))
    return labs


def pl03_lower_f(out, habit):
    """Plot ratio ≤ 2.0: one building 40 × 50 = 2000 m² labelled ``8f`` (1.6, clean) or ``12f`` (2.4)."""
    labs = []
    for viol, n in ((False, 8), (True, 12)):
        doc, msp = _site_doc()
        _site(msp, doc)
        _building(msp, doc, _rect(40, 40, 40, 50), f"1#  {n}f")
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        far = 2000 * n / Polygon(SITE).area
        labs.append(_lab(f, habit, "PL-03", viol, {"plot_ratio_max": 2.0}, far, 2.0, "max", ""))
    return labs


def pl05_grass(out, habit, layer="L-PLNT-绿化"):
    """Green ratio ≥ 0.35: a GRASS hatch on ``L-PLNT-绿化``, 80 × 50 = 4000 (0.40, clean) or 80 × 30 = 2400
    (0.24)."""
    labs = []
    for viol, h in ((False, 50), (True, 30)):
        doc, msp = _site_doc()
        _site(msp, doc)
        _building(msp, doc, _rect(30, 90, 40, 20), "1#  6层")
        g = _rect(30, 25, 80, h)
        hat = msp.add_hatch(color=3, dxfattribs={"layer": _layer(doc, layer)})
        hat.set_pattern_fill("GRASS", scale=500)
        hat.paths.add_polyline_path(_mm(g), is_closed=True)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "PL-05", viol, {"green_ratio_min": 0.35}, Polygon(g).area / Polygon(SITE).area,
                         0.35, "min", ""))
    return labs


def pl02_spline(out, habit, layer="用地红线"):
    """Nothing crosses the red line, here a closed fit-point SPLINE through 24 points on a circle R 50 m. A
    building 20 × 20 at the centre (clean: 30 m inside) or pushed 8 m past the curve (violating)."""
    labs = []
    cx, cy, r = 70.0, 70.0, 50.0
    fit = [(cx + r * math.cos(2 * math.pi * i / 24), cy + r * math.sin(2 * math.pi * i / 24)) for i in range(24)]
    for viol, x0 in ((False, 60.0), (True, 108.0)):
        doc, msp = _site_doc()
        sp = msp.add_spline(_mm(fit + fit[:1]), dxfattribs={"layer": _layer(doc, layer)})
        sp.closed = True
        red = Polygon([(v.x / MM, v.y / MM) for v in ezpath.make_path(sp).flattening(10)])
        fp = _rect(x0, 60, 20, 20)
        _building(msp, doc, fp, "1#  3层")
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        outside = Polygon(fp).difference(red).area
        labs.append(_lab(f, habit, "PL-02", viol, {}, round(outside, 2), 0.0, "max", "m²"))
    return labs


def fr01_demolished(out, habit):
    """Two multi-storey 一级 buildings, 6 m apart at the least (5.2.2). The neighbour 10 m (clean) or 4 m
    (violating) away; a demolished (dashed, ``拆除``) building 3 m away in both (trap)."""
    labs = []
    for viol, gap in ((False, 10.0), (True, 4.0)):
        doc, msp = _site_doc()
        a = _rect(30, 30, 30, 20)
        b = _rect(60 + gap, 30, 30, 20)
        _building(msp, doc, a, "1#  5层 H=18.00 一级")
        _building(msp, doc, b, "2#  5层 H=18.00 一级")
        old = _rect(30, 53, 30, 15)
        _poly(msp, old, "建筑轮廓", linetype="DASHED")
        _text(msp, "拆除", (40, 60), 2500)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        d = Polygon(a).distance(Polygon(b))
        labs.append(_lab(f, habit, "FR-01", viol, {}, d, 6.0, "min", "m"))
    return labs


def fr02_lane(out, habit, layer):
    """A fire lane 6.0 m (clean) or 3.5 m (violating) wide, ≥ 4.0 m (7.1.8-1), as a closed band."""
    labs = []
    for viol, w in ((False, 6.0), (True, 3.5)):
        doc, msp = _site_doc()
        _building(msp, doc, _rect(40, 40, 40, 30), "1#  6层 H=21.00")
        lane = _rect(30, 25, 80, w)
        _poly(msp, lane, _layer(doc, layer))
        _text(msp, "消防车道", (60, 25 + w + 1), 2500)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-02", viol, {}, w, 4.0, "min", "m"))
    return labs


# --- civil defence ---------------------------------------------------------------------------------------

def ad01_layer(out, habit, layer):
    """A protection unit ≤ 2000 m²: 40 × 40 = 1600 (clean) or 60 × 40 = 2400 (violating)."""
    labs = []
    for viol, w in ((False, 40), (True, 60)):
        doc, msp = _floor_doc("地下一层人防平面图", "人防-01")
        _poly(msp, _rect(5, 5, w, 40), _layer(doc, layer))
        _text(msp, f"防护单元一  {w * 40}㎡", (5 + w / 3, 25), 350)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "AD-01", viol, {}, float(w * 40), 2000.0, "max", "m²"))
    return labs


# --- roofs -----------------------------------------------------------------------------------------------

ROOF = _rect(5, 5, 60, 40)


def _roof(doc, cls_text=True):
    msp = _frame(doc, 100, "屋顶防雷平面图", "防雷-01")
    _poly(msp, ROOF, _layer(doc, "屋面轮廓"))
    if cls_text:
        _text(msp, "本建筑物按第二类防雷建筑物设计", (5, 50), 500)
    return msp


def _mesh_lines(msp, doc, step, layer="接闪带"):
    _layer(doc, layer)
    _poly(msp, ROOF, layer)
    x = 5 + step
    while x < 65 - 1e-6:
        msp.add_line((x * MM, 5 * MM), (x * MM, 45 * MM), dxfattribs={"layer": layer})
        x += step
    y = 5 + step
    while y < 45 - 1e-6:
        msp.add_line((5 * MM, y * MM), (65 * MM, y * MM), dxfattribs={"layer": layer})
        y += step


def _perp(ln):
    """A hatch pattern line's spacing: its offset across the line's direction."""
    a = math.radians(ln.angle)
    return abs(-math.sin(a) * ln.offset.x + math.cos(a) * ln.offset.y)


def lp02_hatch(out, habit):
    """Class 2 (stated): mesh ≤ 10 × 10 m. The mesh an ANSI37 hatch over the roof on 接闪带, its line spacing
    (a 45° square grid) read back from the hatch: 8 m (clean) or 14 m (violating)."""
    labs = []
    for viol, cell in ((False, 8.0), (True, 14.0)):
        doc = _doc()
        msp = _roof(doc)
        _poly(msp, ROOF, _layer(doc, "接闪带"))
        hat = msp.add_hatch(dxfattribs={"layer": "接闪带"})
        hat.set_pattern_fill("ANSI37", scale=1.0)
        base = max(_perp(ln) for ln in hat.pattern.lines)
        hat.set_pattern_fill("ANSI37", scale=cell * MM / base)
        hat.paths.add_polyline_path(_mm(ROOF), is_closed=True)
        spacing = max(_perp(ln) for ln in hat.pattern.lines) / MM
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "LP-02", viol, {}, round(spacing, 3), 10.0, "max", "m"))
    return labs


def lp02_class_table(out, habit):
    """The class only in a LINE-grid table ``防雷类别 | 第二类``: mesh ≤ 10 × 10. Line mesh 7.5 × 8 (clean) or
    15 × 20 (violating; within class 3's 20 × 20, so only the table's class finds it)."""
    labs = []
    for viol, (sx, sy) in ((False, (7.5, 8.0)), (True, (15.0, 20.0))):
        doc = _doc()
        msp = _roof(doc, cls_text=False)
        _layer(doc, "接闪带")
        _poly(msp, ROOF, "接闪带")
        x = 5 + sx
        while x < 65 - 1e-6:
            msp.add_line((x * MM, 5 * MM), (x * MM, 45 * MM), dxfattribs={"layer": "接闪带"})
            x += sx
        y = 5 + sy
        while y < 45 - 1e-6:
            msp.add_line((5 * MM, y * MM), (65 * MM, y * MM), dxfattribs={"layer": "接闪带"})
            y += sy
        tx, ty = 5, 48
        for i in range(3):
            msp.add_line(((tx) * MM, (ty + 2 * i) * MM), ((tx + 16) * MM, (ty + 2 * i) * MM), dxfattribs={"layer": "表格"})
        for j in (0, 6, 16):
            msp.add_line(((tx + j) * MM, ty * MM), ((tx + j) * MM, (ty + 4) * MM), dxfattribs={"layer": "表格"})
        for (c, r), s in {(0, 1): "项目", (1, 1): "内容", (0, 0): "防雷类别", (1, 0): "第二类"}.items():
            msp.add_text(s, dxfattribs={"layer": "表格", "height": 500,
                                        "insert": ((tx + (0.5 if c == 0 else 6.5)) * MM, (ty + 2 * r + 0.6) * MM)})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "LP-02", viol, {}, max(sx, sy), 10.0, "max", "m"))
    return labs


def lp04_attrib_blocks(out, habit, layer="防雷-引下线"):
    """Class 2: down-conductors ≤ 18 m apart along the 200 m perimeter. Blocks ``YXX`` with an ATTRIB ``YX-n``
    every 12.5 m (16, clean) or every 25 m (8, violating)."""
    labs = []
    ring = Polygon(ROOF).exterior
    for viol, n in ((False, 16), (True, 8)):
        doc = _doc()
        msp = _roof(doc)
        _mesh_lines(msp, doc, 8.0)
        blk = doc.blocks.new("YXX")
        blk.add_circle((0, 0), 300, dxfattribs={"layer": "0"})
        blk.add_line((-300, -300), (300, 300), dxfattribs={"layer": "0"})
        blk.add_attdef("编号", (400, 0), dxfattribs={"height": 300, "layer": "0"})
        _layer(doc, layer)
        pts = [ring.interpolate(200 * i / n) for i in range(n)]
        for i, p in enumerate(pts):
            ins = msp.add_blockref("YXX", (p.x * MM, p.y * MM), dxfattribs={"layer": layer})
            ins.add_auto_attribs({"编号": f"YX-{i + 1}"})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "LP-04", viol, {}, 200.0 / n, 18.0, "max", "m"))
    return labs


# --- drawing quality -------------------------------------------------------------------------------------

def dr02_text(out, habit, how):
    """Plotted text heights in {3.5, 5, 7, 10, 14, 20} mm at 1:100: 350 (3.5 mm, clean) or 420 (4.2 mm)."""
    labs = []
    for viol, hgt in ((False, 350), (True, 420)):
        doc = _doc()
        msp = _frame(doc, 100, "三层平面图", "建施-03", exploded=(how == "exploded"))
        _compartment(msp, doc, "防火分区", 40, 30)
        if how == "fit":
            t = msp.add_text("办公室", dxfattribs={"layer": "标注", "height": hgt})
            t.set_placement((10 * MM, 20 * MM), (16 * MM, 20 * MM), align=ezdxf.enums.TextEntityAlignment.FIT)
        elif how == "plusminus":
            _text(msp, "%%p0.000", (12, 22), hgt)
        else:
            _text(msp, "办公室", (12, 22), hgt)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "DR-02", viol, {}, hgt / 100, [3.5, 5, 7, 10, 14, 20], "in", "mm",
                         any_severity=True))
    return labs


def dr04_fullwidth(out, habit):
    """A 6000 mm dimension whose override reads ``６０００`` (clean) or ``６５００`` (violating, a warning)."""
    labs = []
    for viol, txt in ((False, "６０００"), (True, "６５００")):
        doc, msp = _floor_doc()
        _layer(doc, "标注")
        dim = msp.add_linear_dim(base=(10 * MM, 50 * MM), p1=(10 * MM, 48 * MM), p2=(16 * MM, 48 * MM),
                                 dimstyle="DR1", text=txt, dxfattribs={"layer": "标注"})
        dim.render()
        shown = float(txt.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")}))
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "DR-04", viol, {}, shown - 6000.0, 0.5, "abs", "mm", any_severity=True))
    return labs


# --- more habits ---------------------------------------------------------------------------------------

def fr07_note(out, habit, note, params):
    """A ground floor, multi-storey (18 m), 2500 m²: 50 × 40 = 2000 (clean) or 60 × 50 = 3000 (violating), with a
    note that must not change the limit (trap): a cancelled sprinkler note, or ``本图不含地下室``."""
    labs = []
    for viol, (w, h) in ((False, (50, 40)), (True, (60, 50))):
        doc, msp = _floor_doc("一层平面图", "建施-01")
        area = _compartment(msp, doc, "防火分区", w, h)
        _text(msp, note, (5, 57), 350)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-07", viol, params, area, 2500.0, "max", "m²"))
    return labs


def pl07_stacked(out, habit):
    """The declared site area in an MTEXT with a stacked superscript unit ``m\\S2^;``: 10000.00 (clean, the red
    line's 100 × 100) or 11000.00 (10 % off; ± 0.5 % allowed, a warning)."""
    labs = []
    for viol, decl in ((False, 10000.0), (True, 11000.0)):
        doc, msp = _site_doc()
        _site(msp, doc)
        _building(msp, doc, _rect(40, 40, 40, 30), "1#  6层")
        msp.add_mtext(f"总用地面积：{decl:.2f}m\\S2^;", dxfattribs={"layer": "标注", "char_height": 2500,
                                                               "insert": (130 * MM, 110 * MM)})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        dev = abs(decl - Polygon(SITE).area) / Polygon(SITE).area * 100
        labs.append(_lab(f, habit, "PL-07", viol, {}, dev, 0.5, "max", "%", any_severity=True))
    return labs


def pl05_overlap(out, habit):
    """Green ratio ≥ 0.35 from green hatches minus overlaps: a lawn hatch 80 × 50 = 4000 (clean, 0.40) or 80 × 37.5
    = 3000 (violating, 0.30) with a 30 × 20 = 600 tree hatch drawn over it (summed, the violating one would
    read 0.36)."""
    labs = []
    for viol, h in ((False, 50.0), (True, 37.5)):
        doc, msp = _site_doc()
        _site(msp, doc)
        _building(msp, doc, _rect(30, 95, 40, 20), "1#  6层")
        lay = _layer(doc, "绿化")
        lawn, trees = _rect(30, 25, 80, h), _rect(40, 30, 30, 20)
        for pts, pat in ((lawn, "GRASS"), (trees, "ANSI31")):
            hat = msp.add_hatch(color=3, dxfattribs={"layer": lay})
            hat.set_pattern_fill(pat, scale=500)
            hat.paths.add_polyline_path(_mm(pts), is_closed=True)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        ratio = unary_union([Polygon(lawn), Polygon(trees)]).area / Polygon(SITE).area
        labs.append(_lab(f, habit, "PL-05", viol, {"green_ratio_min": 0.35}, ratio, 0.35, "min", ""))
    return labs


def pl04_layer(out, habit, layer):
    """Density ≤ 0.30: one footprint 40 × 50 = 2000 (0.20) or 50 × 80 = 4000 (0.40) on ``layer``."""
    labs = []
    for viol, (w, h) in ((False, (40, 50)), (True, (50, 80))):
        doc, msp = _site_doc()
        _site(msp, doc)
        _building(msp, doc, _rect(30, 30, w, h), "1#  6层", layer=layer)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "PL-04", viol, {"density_max": 0.30}, w * h / Polygon(SITE).area, 0.30, "max", ""))
    return labs


def fr01_zuo(out, habit):
    """Two high-rises named ``A座`` / ``B座`` (18层, H=54.00, 一级): 13 m. 16 m apart (clean) or 10 m (violating;
    above the 9 m a low building would need, so only the high-rise reading finds it)."""
    labs = []
    for viol, gap in ((False, 16.0), (True, 10.0)):
        doc, msp = _site_doc()
        a, b = _rect(25, 40, 30, 20), _rect(55 + gap, 40, 30, 20)
        _building(msp, doc, a, "A座 18层 H=54.00 一级")
        _building(msp, doc, b, "B座 18层 H=54.00 一级")
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-01", viol, {}, Polygon(a).distance(Polygon(b)), 13.0, "min", "m"))
    return labs


def fr12_remark(out, habit, fmt):
    """A stair door 1.0 m (clean) or 0.8 m (violating, ≥ 0.90 m) whose code carries a remark or a dash."""
    labs = []
    for viol, wd in ((False, "10"), (True, "08")):
        code = fmt.format(wd)
        doc, msp = _floor_doc()
        _compartment(msp, doc, "防火分区", 40, 30)
        _layer(doc, "门窗")
        _door_block(doc, code, int(wd) / 10)
        msp.add_blockref(code, (20 * MM, 35 * MM), dxfattribs={"layer": "门窗"})
        _text(msp, code, (20, 36.2), 350, layer="门窗")
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "FR-12", viol, FLOOR, int(wd) / 10, 0.9, "min", "m"))
    return labs


def lp04_scaled_symbol(out, habit):
    """Class 2, ≤ 18 m: a 引下线 symbol block drawn at plotted size (3 mm) inserted ×100, every 12.5 m (clean) or
    every 25 m (violating) along the 200 m roof edge."""
    labs = []
    ring = Polygon(ROOF).exterior
    for viol, n in ((False, 16), (True, 8)):
        doc = _doc()
        msp = _roof(doc)
        _mesh_lines(msp, doc, 8.0)
        blk = doc.blocks.new("引下线")
        blk.add_circle((0, 0), 1.5, dxfattribs={"layer": "0"})
        blk.add_solid([(-1, -1), (1, -1), (-1, 1), (1, 1)], dxfattribs={"layer": "0"})
        _layer(doc, "引下线")
        for i in range(n):
            p = ring.interpolate(200 * i / n)
            msp.add_blockref("引下线", (p.x * MM, p.y * MM), dxfattribs={"layer": "引下线", "xscale": 100,
                                                                         "yscale": 100})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "LP-04", viol, {}, 200.0 / n, 18.0, "max", "m"))
    return labs


def lp02_layer(out, habit, layer):
    """Class 2 (stated): mesh ≤ 10 × 10, LINEs every 7.5 m (clean) or every 20 m (violating) on ``layer``."""
    labs = []
    for viol, step in ((False, 7.5), (True, 20.0)):
        doc = _doc()
        msp = _roof(doc)
        _mesh_lines(msp, doc, step, layer=layer)
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "LP-02", viol, {}, step, 10.0, "max", "m"))
    return labs


def dr04_suffix(out, habit):
    """A 6000 mm dimension whose override keeps the measurement with a suffix ``<>（净）`` (clean) or replaces
    it, ``6500（净）`` (violating, a warning)."""
    labs = []
    for viol, txt in ((False, "<>（净）"), (True, "6500（净）")):
        doc, msp = _floor_doc()
        _layer(doc, "标注")
        dim = msp.add_linear_dim(base=(10 * MM, 50 * MM), p1=(10 * MM, 48 * MM), p2=(16 * MM, 48 * MM),
                                 dimstyle="DR1", text=txt, dxfattribs={"layer": "标注"})
        dim.render()
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "DR-04", viol, {}, 500.0 if viol else 0.0, 0.5, "abs", "mm", any_severity=True))
    return labs


def dr02_block(out, habit):
    """A room name inside an anonymous block (a grouped room tag) at 350 (3.5 mm) or 420 (4.2 mm) at 1:100."""
    labs = []
    for viol, hgt in ((False, 350), (True, 420)):
        doc, msp = _floor_doc()
        _compartment(msp, doc, "防火分区", 40, 30)
        blk = doc.blocks.new_anonymous_block("U")
        blk.add_text("会议室", dxfattribs={"layer": "0", "height": hgt, "insert": (0, 0)})
        blk.add_lwpolyline(_rect(-200, -200, 2000, 800), close=True, dxfattribs={"layer": "0"})
        msp.add_blockref(blk.name, (12 * MM, 22 * MM), dxfattribs={"layer": "标注"})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "DR-02", viol, {}, hgt / 100, [3.5, 5, 7, 10, 14, 20], "in", "mm",
                         any_severity=True))
    return labs


def ad01_anon(out, habit):
    """A protection unit ≤ 2000 m² inside an anonymous block: 40 × 40 = 1600 (clean) or 60 × 40 = 2400."""
    labs = []
    for viol, w in ((False, 40), (True, 60)):
        doc, msp = _floor_doc("地下一层人防平面图", "人防-01")
        _layer(doc, "人防单元")
        blk = doc.blocks.new_anonymous_block("U")
        blk.add_lwpolyline(_mm(_rect(0, 0, w, 40)), close=True, dxfattribs={"layer": "人防单元"})
        blk.add_text(f"防护单元一  {w * 40}㎡", dxfattribs={"layer": "标注", "height": 350,
                                                         "insert": (w / 3 * MM, 20 * MM)})
        msp.add_blockref(blk.name, (5 * MM, 5 * MM), dxfattribs={"layer": "人防单元"})
        f = f"{habit}-{'violating' if viol else 'clean'}.dxf"
        doc.saveas(out / f)
        labs.append(_lab(f, habit, "AD-01", viol, {}, float(w * 40), 2000.0, "max", "m²"))
    return labs


# --- the corpus ------------------------------------------------------------------------------------------

def generate(out_dir) -> list[dict]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labs: list[dict] = []
    labs += fr07_layer(out, "fr07-layer-space-version", "防火分区 (新)")
    labs += fr07_layer(out, "fr07-layer-dollar-suffix", "防火分区$0$")
    labs += fr07_layer(out, "fr07-layer-english-chinese", "A-AREA-防火分区")
    labs += fr07_layer(out, "fr07-layer-one-char-prefix", "建-防火分区")
    labs += fr07_basement(out, "fr07-basement-layout-name", "layout")
    labs += fr07_basement(out, "fr07-basement-lowercase-b1f", "lowercase")
    labs += fr07_basement(out, "fr07-basement-aligned-text", "aligned")
    labs += fr07_height_attrib(out, "fr07-height-title-attrib")
    labs += fr07_sprinkler_legend(out, "fr07-sprinklers-in-legend")
    labs += fr12_door(out, "fr12-door-lowercase-code", "lowercase")
    labs += fr12_door(out, "fr12-door-two-anonymous-deep", "nested")
    labs += pl04_demolished(out, "pl04-demolished-dashed-trap")
    labs += pl04_anon_block(out, "pl04-footprints-anonymous-block")
    labs += pl03_lower_f(out, "pl03-storeys-lowercase-f")
    labs += pl05_grass(out, "pl05-grass-hatch-landscape-layer")
    labs += pl02_spline(out, "pl02-red-line-closed-spline")
    labs += fr01_demolished(out, "fr01-demolished-neighbour-trap")
    labs += fr02_lane(out, "fr02-lane-c-road-fire", "C-ROAD-FIRE")
    labs += fr02_lane(out, "fr02-lane-layer-version", "消防车道 (新)")
    labs += ad01_layer(out, "ad01-unit-layer-with-space", "人防 防护单元")
    labs += ad01_layer(out, "ad01-unit-layer-dollar-suffix", "RF-防护单元$0$")
    labs += lp02_hatch(out, "lp02-mesh-ansi37-hatch")
    labs += lp02_class_table(out, "lp02-class-in-line-table")
    labs += lp04_attrib_blocks(out, "lp04-conductors-yx-attribs")
    labs += dr02_text(out, "dr02-fit-justified-text", "fit")
    labs += dr02_text(out, "dr02-level-plusminus-code", "plusminus")
    labs += dr02_text(out, "dr02-exploded-frame", "exploded")
    labs += dr04_fullwidth(out, "dr04-override-full-width")
    labs += fr07_layer(out, "fr07-layer-floor-suffix", "防火分区-1F")
    labs += fr07_note(out, "fr07-sprinklers-cancelled-trap", "本层设自动喷水灭火系统（取消）",
                      {"use": "office", "building_height_m": 18.0})
    labs += fr07_note(out, "fr07-note-no-basement-trap", "注：本图不含地下室部分，详见地下室平面图。", FLOOR)
    labs += pl07_stacked(out, "pl07-site-area-stacked-m2")
    labs += pl05_overlap(out, "pl05-tree-hatch-over-lawn")
    labs += pl04_layer(out, "pl04-footprint-layer-dollar-suffix", "建筑轮廓$0$")
    labs += fr01_zuo(out, "fr01-highrise-zuo-names")
    labs += fr02_lane(out, "fr02-lane-layer-dollar-suffix", "消防车道$0$")
    labs += fr12_remark(out, "fr12-door-code-remark", "FM乙{}21(常闭)")
    labs += fr12_remark(out, "fr12-door-code-dash", "FM乙-{}21")
    labs += lp04_scaled_symbol(out, "lp04-symbol-scaled-x100")
    labs += lp02_layer(out, "lp02-mesh-e-ltng-layer", "E-LTNG-MESH")
    labs += dr04_suffix(out, "dr04-override-suffix")
    labs += dr02_block(out, "dr02-text-in-anonymous-block")
    labs += ad01_anon(out, "ad01-unit-anonymous-block")
    labs += fr07_layer(out, "fr07-layer-zero-prefix", "0-防火分区")
    labs += fr02_lane(out, "fr02-lane-layer-english-space-chinese", "FIRE LANE 消防车道")
    labs += lp04_attrib_blocks(out, "lp04-conductors-e-ltng-down-layer", "E-LTNG-DOWN")
    labs += ad01_layer(out, "ad01-unit-layer-english-chinese", "CD-人防单元")
    labs += pl05_grass(out, "pl05-green-layer-version-mark", "绿化 (新)")
    labs += pl02_spline(out, "pl02-spline-red-line-layer-with-space", "A-REDL 用地红线")
    (out / "labels.json").write_text(json.dumps(labs, ensure_ascii=False, indent=1), encoding="utf-8")
    return labs
