"""A block's layer-0 ByLayer content takes the layer of its insert, and its ByBlock content the
insert's own colour (AutoCAD; ezdxf's drawing add-on draws it so). A form inherits one pen from
its invocation, and the layer-0 content took the insert's colour: dxf-doc (npm) writes every
INSERT with a colour of its own, and a door block of layer-0 lines inserted in yellow on a
layer of colour 7 was drawn yellow (docs/decisions/147)."""

import ezdxf

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from tests.cad.ink import colour_at


def _kind(rgb) -> str:
    r, g, b = rgb
    if max(rgb) - min(rgb) < 20:
        return "black"
    if g > r + 20 and g > b + 20:
        return "green"
    return "red" if r > g + 20 and r > b + 20 else "blue" if b > r + 20 and b > g + 20 else "other"


def test_layer_zero_content_takes_the_inserts_layer_and_byblock_content_its_colour(tmp_path):
    doc = ezdxf.new("R2000")
    doc.layers.add("门窗", color=7)
    doc.layers.add("A-WALL", color=1)
    msp = doc.modelspace()
    msp.add_line((0, 0), (42000, 0))
    msp.add_line((0, 29700), (42000, 29700))
    inner = doc.blocks.new("把手")
    inner.add_line((0, 0), (500, 0), dxfattribs={"layer": "0"})
    inner.add_line((0, 500), (500, 500), dxfattribs={"layer": "0", "color": 0})
    door = doc.blocks.new("门")
    door.add_line((0, 0), (0, 3000), dxfattribs={"layer": "0"})                  # the insert's layer
    door.add_line((1000, 0), (1000, 3000), dxfattribs={"layer": "0", "color": 0})  # the insert's colour
    door.add_line((2000, 0), (2000, 3000), dxfattribs={"layer": "A-WALL"})        # its own layer
    door.add_blockref("把手", (0, 4000), dxfattribs={"layer": "0"})                # ByLayer: the layer's pen
    door.add_blockref("把手", (0, 6000), dxfattribs={"layer": "0", "color": 0})    # ByBlock: the insert's
    msp.add_blockref("门", (10000, 10000), dxfattribs={"layer": "门窗", "color": 3})
    msp.add_blockref("门", (20000, 10000), dxfattribs={"layer": "门窗"})
    doc.saveas(tmp_path / "doors.dxf")
    drawing = load_dxf(tmp_path / "doors.dxf")
    (res,) = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    kinds = lambda x0: [_kind(colour_at(res, (x0 + dx, 10000 + dy))) for dx, dy in
                        ((0, 1500), (1000, 1500), (2000, 1500), (250, 4000), (250, 4500), (250, 6000), (250, 6500))]
    assert kinds(10000) == ["black", "green", "red", "black", "black", "black", "green"]
    assert kinds(20000) == ["black", "black", "red", "black", "black", "black", "black"]


def test_a_layer_zero_insert_with_its_own_colour_inside_a_block_takes_the_outer_layer(tmp_path):
    """A window block holding a layer-0 insert of a pane block in red (colour 1): the pane's
    layer-0 ByLayer line takes the layer of the window's insert (blue here, green there),
    its ByBlock line the pane insert's red; the window's form, shared by both inserts,
    could not say which layer."""
    doc = ezdxf.new("R2000")
    doc.layers.add("门窗", color=5)
    doc.layers.add("窗-2", color=3)
    msp = doc.modelspace()
    msp.add_line((0, 0), (42000, 0))
    msp.add_line((0, 29700), (42000, 29700))
    pane = doc.blocks.new("玻璃")
    pane.add_line((0, 0), (0, 3000), dxfattribs={"layer": "0"})
    pane.add_line((1000, 0), (1000, 3000), dxfattribs={"layer": "0", "color": 0})
    window = doc.blocks.new("窗")
    window.add_blockref("玻璃", (0, 0), dxfattribs={"layer": "0", "color": 1})
    msp.add_blockref("窗", (10000, 10000), dxfattribs={"layer": "门窗"})
    msp.add_blockref("窗", (20000, 10000), dxfattribs={"layer": "窗-2"})
    doc.saveas(tmp_path / "windows.dxf")
    drawing = load_dxf(tmp_path / "windows.dxf")
    (res,) = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    kinds = [_kind(colour_at(res, (x, 11500))) for x in (10000, 11000, 20000, 21000)]
    assert kinds == ["blue", "red", "green", "red"]
