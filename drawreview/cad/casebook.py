"""Generated drawings for the cases real files bring (benchmarks/bench_fidelity.py and tests):
each function writes one DXF with ezdxf and returns its path.

- ``content``: OCS polylines, MINSERT arrays, DIMENSION, HATCH, ELLIPSE, SPLINE, 3DFACE,
  SOLID, aligned TEXT and Chinese MTEXT, a rotated block with attributes;
- ``xclip``: one block inserted rotated, scaled, non-uniformly scaled, clipped by a rectangle,
  a polygon and an inverted polygon;
- ``frames``: two A2 sheets at 1:100 with Chinese title blocks (attributes and text labels)
  and curtain-wall framing on a "Frame" layer inside them;
- ``layouts``: a millimetre layout that was not current (viewport status 0) and an inch layout;
- ``stacks``: stacked MTEXT fractions, powers and tolerances next to TEXT of known heights.
"""

from __future__ import annotations

from pathlib import Path

import ezdxf
from ezdxf.enums import TextEntityAlignment
from ezdxf.xclip import XClip


def _door(doc) -> None:
    blk = doc.blocks.new("DOOR")
    blk.add_lwpolyline([(0, 0), (900, 0), (900, 50), (0, 50)], close=True)
    blk.add_arc((0, 0), 900, 0, 90)
    blk.add_line((0, 0), (0, 900))
    blk.add_attdef("NO", (300, -250), dxfattribs={"height": 150})


def content(path: Path) -> Path:
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    _door(doc)
    msp.add_lwpolyline([(0, 0), (12000, 0), (12000, 8000), (0, 8000)], close=True)
    msp.add_lwpolyline([(2000, 1000), (3000, 1000), (3000, 2000)], dxfattribs={"extrusion": (0, 0, -1)})
    for i, rot in enumerate((0, 90, 215)):
        ref = msp.add_blockref("DOOR", (1500 + i * 2500, 5000), dxfattribs={"rotation": rot})
        ref.add_auto_attribs({"NO": f"M{i + 1}"})
    arr = msp.add_blockref("DOOR", (500, 500))
    arr.dxf.column_count, arr.dxf.column_spacing, arr.dxf.row_count, arr.dxf.row_spacing = 4, 1200, 2, 1300
    h = msp.add_hatch(color=3)
    h.paths.add_polyline_path([(7000, 1000), (9000, 1000), (9000, 2500), (7000, 2500)], is_closed=True)
    h.set_pattern_fill("ANSI31", scale=20)
    msp.add_ellipse((10000, 6000), major_axis=(1200, 400), ratio=0.4)
    msp.add_spline([(6000, 6000), (6500, 7000), (7500, 6200), (8200, 7200)])
    msp.add_3dface([(9500, 500), (11500, 500), (11500, 1800), (9500, 1500)])
    msp.add_solid([(5000, 3000), (5600, 3000), (5000, 3500), (5600, 3500)])
    msp.add_text("CENTRED 1200", height=250).set_placement((6000, 4200), align=TextEntityAlignment.MIDDLE_CENTER)
    msp.add_text("RIGHT END", height=200, dxfattribs={"rotation": 30}).set_placement(
        (11500, 3500), align=TextEntityAlignment.BOTTOM_RIGHT)
    msp.add_mtext("一层平面图\\P消防疏散示意", dxfattribs={"char_height": 300}).set_location((500, 7600))
    dim = msp.add_linear_dim(base=(0, -800), p1=(0, 0), p2=(12000, 0),
                             dxfattribs={"dimstyle": "EZDXF"}, override={"dimtxt": 250, "dimasz": 150})
    dim.render()
    doc.saveas(path)
    return path


def xclip(path: Path) -> Path:
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    blk = doc.blocks.new("GRID")
    for i in range(0, 1100, 100):
        blk.add_line((i, 0), (i, 1000))
        blk.add_line((0, i), (1000, i))
    blk.add_circle((500, 500), 400)
    placements = [((0, 0), 0, 1, 1), ((1500, 0), 30, 1, 1), ((3500, 0), 0, 1.5, 1.5), ((5500, 0), 0, 2, 0.7),
                  ((0, 2500), 45, 1.2, 0.8), ((2500, 2500), 0, 1, 1)]
    for n, (at, rot, sx, sy) in enumerate(placements):
        ref = msp.add_blockref("GRID", at, dxfattribs={"rotation": rot, "xscale": sx, "yscale": sy})
        clip = XClip(ref)
        if n in (0, 1, 2):  # rectangle in block coordinates
            clip.set_block_clipping_path([(150, 150), (750, 650)])
        elif n in (3, 4):  # polygon
            clip.set_block_clipping_path([(100, 100), (900, 200), (700, 900), (200, 700)])
        else:  # inverted: everything but the polygon
            clip.set_block_clipping_path([(300, 300), (700, 300), (500, 750)])
            clip.invert_clipping_path(ignore_acad_compatibility=True)  # (AutoCAD refuses ezdxf-made inverted clips; the readers here do not)
    doc.saveas(path)
    return path


def frames(path: Path) -> Path:
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    doc.layers.add("图框")
    doc.layers.add("A-Glaz-Frame")
    tb = doc.blocks.new("TK-A2")
    tb.add_lwpolyline([(0, 0), (594, 0), (594, 420), (0, 420)], close=True)
    tb.add_lwpolyline([(25, 10), (584, 10), (584, 410), (25, 410)], close=True)  # the inner margin line
    tb.add_lwpolyline([(404, 10), (584, 10), (584, 60), (404, 60)], close=True)  # the title-block table
    tb.add_text("图号", height=3.5).set_placement((500, 20))
    tb.add_attdef("图号", (530, 20), dxfattribs={"height": 5})
    tb.add_attdef("图名", (420, 40), dxfattribs={"height": 5})
    tb.add_attdef("比例", (420, 20), dxfattribs={"height": 3.5})
    for i, (no, title) in enumerate([("建施-01", "一层平面图"), ("建施-02", "二层平面图")]):
        x = i * 70000
        ref = msp.add_blockref("TK-A2", (x, 0), dxfattribs={"layer": "图框", "xscale": 100, "yscale": 100})
        ref.add_auto_attribs({"图号": no, "图名": title, "比例": "1:100"})
        msp.add_lwpolyline([(x + 5000, 5000), (x + 45000, 5000), (x + 45000, 35000), (x + 5000, 35000)], close=True)
        msp.add_text(f"{title}  防火分区{i + 1}", height=500).set_placement((x + 6000, 36000))
        for k in range(8):  # curtain-wall mullion frames: closed rectangles on a "Frame" layer
            msp.add_lwpolyline([(x + 8000 + k * 1500, 8000), (x + 9400 + k * 1500, 8000),
                                (x + 9400 + k * 1500, 12000), (x + 8000 + k * 1500, 12000)],
                               close=True, dxfattribs={"layer": "A-Glaz-Frame"})
    doc.saveas(path)
    return path


def layouts(path: Path) -> Path:
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (20000, 0), (20000, 12000), (0, 12000)], close=True)
    msp.add_circle((10000, 6000), 4000)
    msp.add_text("模型 MODEL", height=800).set_placement((2000, 2000))
    a3 = doc.layouts.new("建施-03")
    a3.page_setup(size=(420, 297), margins=(0, 0, 0, 0), units="mm")
    vp = a3.add_viewport(center=(210, 160), size=(380, 230), view_center_point=(10000, 6000), view_height=14000)
    vp.dxf.status = 0  # the layout was not current when saved
    a3.add_lwpolyline([(5, 5), (415, 5), (415, 292), (5, 292)], close=True)
    a3.add_text("建施-03 布局 LAYOUT", height=5).set_placement((300, 15))
    inch = doc.layouts.new("PLAN")
    inch.page_setup(size=(17, 11), margins=(0, 0, 0, 0), units="inch")
    inch.add_viewport(center=(8.5, 6), size=(15, 9), view_center_point=(10000, 6000), view_height=14000)
    inch.add_text("FLOOR PLAN 1/8\" = 1'-0\"", height=0.25).set_placement((1, 0.6))
    doc.saveas(path)
    return path


def stacks(path: Path) -> Path:
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (6000, 0), (6000, 4000), (0, 4000)], close=True)
    rows = ["面积 120m\\S2^;", "板厚 3\\S1/2;\"", "钢筋 \\S1#4; in", "Ø20\\S+0.05^-0.02;", "ABC 1234 H=300"]
    for i, text in enumerate(rows):
        msp.add_mtext(text, dxfattribs={"char_height": 200}).set_location((300, 3600 - i * 600))
    for i, h in enumerate((100, 250, 400)):
        msp.add_text(f"H{h} EXIT 0{i}", height=h).set_placement((3500, 500 + i * 1000))
    doc.saveas(path)
    return path


CASES = {"content": content, "xclip": xclip, "frames": frames, "layouts": layouts, "stacks": stacks}


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [fn(folder / f"case_{name}.dxf") for name, fn in CASES.items()]
