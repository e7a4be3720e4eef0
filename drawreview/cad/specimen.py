"""Synthetic Chinese construction drawings for tests, benchmarks and demos.

``floor_plan`` writes a DXF with one or more A1 frames (1:100, millimetres) side by side,
each holding a grid of rooms: double walls, dashed axis lines, door and window blocks,
furniture, CJK room labels, solid-hatched columns, a few dimensions, and a title block in
the lower-right corner — as ATTRIBs of a frame block (``title="attrib"``) or as TEXT labels
next to a frame rectangle on layer ``TK`` (``title="text"``).
"""

from __future__ import annotations

import math
from pathlib import Path

import ezdxf

FRAME_W, FRAME_H = 84100.0, 59400.0  # A1 at 1:100 in mm
ROOM_NAMES = ["卧室", "客厅", "厨房", "卫生间", "书房", "阳台", "走廊", "楼梯间", "办公室", "会议室"]


def floor_plan(
    path: str | Path,
    *,
    frames: int = 1,
    rooms: tuple[int, int] = (10, 8),
    numbers: list[str] | None = None,
    titles: list[str] | None = None,
    title: str = "attrib",
    version: str = "R2018",
    encoding: str | None = None,
    dimensions: int = 4,
) -> Path:
    """Write a floor plan; returns the path.  ``rooms`` is (columns, rows) per frame."""
    doc = ezdxf.new(version, setup=True, units=4)
    if encoding:
        doc.encoding = encoding  # written to $DWGCODEPAGE (ANSI_936 for gbk, ANSI_950 for big5)
    for name, color, lw, lt in [
        ("WALL", 7, 50, "Continuous"), ("AXIS", 1, 13, "DASHDOT"), ("DOOR", 3, 18, "Continuous"),
        ("WINDOW", 4, 18, "Continuous"), ("FURN", 8, 13, "Continuous"), ("TEXT", 2, 18, "Continuous"),
        ("COLUMN", 7, 35, "Continuous"), ("DIM", 5, 13, "Continuous"), ("TK", 7, 70, "Continuous"),
    ]:
        doc.layers.add(name, color=color, linetype=lt).dxf.lineweight = lw
    _blocks(doc)
    msp = doc.modelspace()
    numbers = numbers or [f"建施-{i + 1:02d}" for i in range(frames)]
    titles = titles or [f"{i + 1}层平面图" for i in range(frames)]
    for i in range(frames):
        ox = i * (FRAME_W + 5000.0)
        _plan(msp, ox, 0.0, rooms, i, dimensions)
        _frame(msp, ox, 0.0, numbers[i], titles[i], title)
    path = Path(path)
    doc.saveas(path)
    return path


def _blocks(doc) -> None:
    door = doc.blocks.new("DOOR")
    door.add_line((0, 0), (0, 900))
    door.add_arc((0, 0), 900, 0, 90)
    win = doc.blocks.new("WIN")
    for y in (0, 80, 160, 240):
        win.add_line((0, y), (1200, y))
    tb = doc.blocks.new("A1图框")
    tb.add_lwpolyline([(0, 0), (FRAME_W, 0), (FRAME_W, FRAME_H), (0, FRAME_H)], close=True)
    tb.add_lwpolyline([(2500, 1000), (FRAME_W - 1000, 1000), (FRAME_W - 1000, FRAME_H - 1000),
                       (2500, FRAME_H - 1000)], close=True, dxfattribs={"const_width": 100})
    x0, y0 = FRAME_W - 19000, 1000
    tb.add_lwpolyline([(x0, y0), (FRAME_W - 1000, y0), (FRAME_W - 1000, y0 + 6000), (x0, y0 + 6000)], close=True)
    for k, (tag, dy) in enumerate([("图名", 4500), ("图号", 3000), ("专业", 1500), ("比例", 300)]):
        tb.add_text(tag, height=350).set_placement((x0 + 300, y0 + dy))
        tb.add_attdef(tag, (x0 + 3000, y0 + dy), dxfattribs={"height": 450, "prompt": tag})


def _plan(msp, ox: float, oy: float, rooms: tuple[int, int], sheet: int, dimensions: int) -> None:
    nx, ny = rooms
    rw = (FRAME_W - 26000) / nx
    rh = (FRAME_H - 12000) / ny
    bx, by = ox + 5000, oy + 9000
    for i in range(nx + 1):
        x = bx + i * rw
        msp.add_line((x, by - 1500), (x, by + ny * rh + 1500), dxfattribs={"layer": "AXIS"})
    for j in range(ny + 1):
        y = by + j * rh
        msp.add_line((bx - 1500, y), (bx + nx * rw + 1500, y), dxfattribs={"layer": "AXIS"})
    n = 0
    for i in range(nx):
        for j in range(ny):
            x, y = bx + i * rw, by + j * rh
            for t in (-100.0, 100.0):  # double wall lines
                msp.add_line((x, y + t), (x + rw, y + t), dxfattribs={"layer": "WALL"})
                msp.add_line((x + t, y), (x + t, y + rh), dxfattribs={"layer": "WALL"})
            msp.add_blockref("DOOR", (x + 300, y + 100), dxfattribs={"layer": "DOOR"})
            msp.add_blockref("WIN", (x + rw / 2 - 600, y + rh - 120), dxfattribs={"layer": "WINDOW"})
            for k in range(18):  # furniture: shelves, a table
                fx = x + 400 + (k % 6) * rw / 8
                fy = y + 500 + (k // 6) * rh / 6
                msp.add_line((fx, fy), (fx + rw / 10, fy + rh / 20), dxfattribs={"layer": "FURN"})
            msp.add_lwpolyline([(x + rw * .6, y + rh * .2), (x + rw * .85, y + rh * .2),
                                (x + rw * .85, y + rh * .4), (x + rw * .6, y + rh * .4)],
                               close=True, dxfattribs={"layer": "FURN", "color": 256})
            msp.add_circle((x + rw * .3, y + rh * .7), rw / 12, dxfattribs={"layer": "FURN"})
            msp.add_circle((x + rw * .45, y + rh * .7), rw / 14, dxfattribs={"layer": "FURN", "true_color": 0x3366CC})
            msp.add_arc((x + rw * .7, y + rh * .7), rw / 10, 0, 180, dxfattribs={"layer": "FURN"})
            hatch = msp.add_hatch(color=256, dxfattribs={"layer": "COLUMN"})
            hatch.paths.add_polyline_path([(x - 200, y - 200), (x + 200, y - 200), (x + 200, y + 200),
                                           (x - 200, y + 200)], is_closed=True)
            name = ROOM_NAMES[(i * ny + j + sheet) % len(ROOM_NAMES)]
            msp.add_text(f"{name}{n + 1}", height=300, dxfattribs={"layer": "TEXT"}).set_placement(
                (x + rw / 2, y + rh / 2), align=ezdxf.enums.TextEntityAlignment.MIDDLE_CENTER)
            area = rw * rh / 1e6
            msp.add_text(f"面积 {area:.1f}㎡", height=200, dxfattribs={"layer": "TEXT"}).set_placement(
                (x + rw / 2, y + rh / 2 - 450), align=ezdxf.enums.TextEntityAlignment.MIDDLE_CENTER)
            n += 1
    for d in range(min(dimensions, nx)):
        x = bx + d * rw
        dim = msp.add_linear_dim(base=(x, by - 800), p1=(x, by), p2=(x + rw, by),
                                 dxfattribs={"layer": "DIM"}, override={"dimtxt": 250, "dimasz": 150})
        dim.render()
    msp.add_mtext(f"说明：\\P1. 本图尺寸以毫米计。\\P2. 第{sheet + 1}张。",
                  dxfattribs={"layer": "TEXT", "char_height": 350}).set_location(
        (bx, oy + 7000), attachment_point=1)
    _ = math  # keep import for callers extending the plan


def _frame(msp, ox: float, oy: float, number: str, name: str, title: str) -> None:
    values = {"图号": number, "图名": name, "专业": "建筑", "比例": "1:100"}
    if title == "attrib":
        ref = msp.add_blockref("A1图框", (ox, oy), dxfattribs={"layer": "TK"})
        ref.add_auto_attribs(values)
        return
    msp.add_lwpolyline([(ox, oy), (ox + FRAME_W, oy), (ox + FRAME_W, oy + FRAME_H), (ox, oy + FRAME_H)],
                       close=True, dxfattribs={"layer": "TK"})
    x0, y0 = ox + FRAME_W - 19000, oy + 1000
    msp.add_lwpolyline([(x0, y0), (ox + FRAME_W - 1000, y0), (ox + FRAME_W - 1000, y0 + 6000), (x0, y0 + 6000)],
                       close=True, dxfattribs={"layer": "TK"})
    for tag, dy in [("图名", 4500), ("图号", 3000), ("专业", 1500), ("比例", 300)]:
        msp.add_text(tag, height=350, dxfattribs={"layer": "TK"}).set_placement((x0 + 300, y0 + dy))
        msp.add_text(values[tag], height=450, dxfattribs={"layer": "TK"}).set_placement((x0 + 3000, y0 + dy))


def layout_views(path: str | Path) -> Path:
    """A plan in model space shown by a paper-space layout ``Views`` (A3, mm) through three
    viewports: a plain one at 1:100, one twisted by 30° with layers ``NOTE`` and ``HATCHING``
    frozen (``HATCHING`` is used only inside the ``MARK`` block), and one clipped by a
    hexagon (a closed LWPOLYLINE as its clipping boundary)."""
    doc = ezdxf.new("R2018", setup=True, units=4)
    for name, color in [("PLAN", 7), ("NOTE", 1), ("HATCHING", 3), ("VP", 8)]:
        doc.layers.add(name, color=color)
    mark = doc.blocks.new("MARK")
    mark.add_circle((0, 0), 400)  # layer 0: takes the INSERT's layer
    mark.add_lwpolyline([(-300, -300), (300, -300), (300, 300), (-300, 300)], close=True,
                        dxfattribs={"layer": "HATCHING"})
    msp = doc.modelspace()
    for i in range(7):
        msp.add_line((0, i * 2000), (12000, i * 2000), dxfattribs={"layer": "PLAN"})
        msp.add_line((i * 2000, 0), (i * 2000, 12000), dxfattribs={"layer": "PLAN"})
    for i in range(6):
        for j in range(6):
            x, y = i * 2000 + 1000, j * 2000 + 1000
            msp.add_blockref("MARK", (x, y), dxfattribs={"layer": "PLAN"})
            msp.add_text(f"R{i}{j}", height=250, dxfattribs={"layer": "NOTE"}).set_placement((x - 700, y + 500))
    psp = doc.layouts.new("Views")
    psp.page_setup(size=(420, 297), margins=(0, 0, 0, 0), units="mm")
    psp.add_lwpolyline([(10, 10), (410, 10), (410, 287), (10, 287)], close=True)
    psp.add_viewport(center=(70, 150), size=(120, 120), view_center_point=(6000, 6000), view_height=12000,
                     dxfattribs={"layer": "VP"})
    vp = psp.add_viewport(center=(210, 150), size=(120, 120), view_center_point=(6000, 6000),
                          view_height=12000, dxfattribs={"layer": "VP"})
    vp.dxf.view_twist_angle = 30
    vp.frozen_layers = ["NOTE", "HATCHING"]
    hexagon = [(350 + 60 * math.cos(math.radians(a)), 150 + 60 * math.sin(math.radians(a)))
               for a in range(0, 360, 60)]
    boundary = psp.add_lwpolyline(hexagon, close=True, dxfattribs={"layer": "VP"})
    vp = psp.add_viewport(center=(350, 150), size=(120, 104), view_center_point=(4000, 4000), view_height=5200,
                          dxfattribs={"layer": "VP"})
    vp.dxf.clipping_boundary_handle = boundary.dxf.handle
    vp.dxf.flags = vp.dxf.flags | ezdxf.const.VSF_NON_RECTANGULAR_CLIPPING
    path = Path(path)
    doc.saveas(path)
    return path
