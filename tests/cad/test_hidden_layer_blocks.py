"""A block's content on a layer hidden by default, shown by the reviewer (docs/decisions/128,
141): drawn whole, not cut at the block's visible extents (a block form's /BBox)."""

import ezdxf
import numpy as np
import pymupdf

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


def _ink_along(pdf: str, res, y: float, xs: list[float], every_layer: bool) -> list[bool]:
    """Whether the sheet, its layers as the viewer shows them (every one switched on when
    *every_layer*), has ink at drawing points (x, *y*) for x in *xs*."""
    with pymupdf.open(pdf) as doc:
        if every_layer:
            for ui in doc.layer_ui_configs():
                if not ui["on"]:
                    doc.set_layer_ui_config(ui["number"], 0)
        s = 2.0
        pix = doc[0].get_pixmap(matrix=pymupdf.Matrix(s, s), alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n).min(axis=2)
    a, e, f = res.map
    row = int(round((f - a * y) * s))
    out = []
    for x in xs:
        col = int(round((a * x + e) * s))
        out.append(bool((img[max(0, row - 3):row + 4, col] < 250).any()))
    return out


def test_a_hidden_layers_block_content_is_drawn_whole_when_shown(tmp_path):
    doc = ezdxf.new("R2010", units=4)
    doc.layers.add("AUX").off()
    block = doc.blocks.new("MARK")
    block.add_line((0, 0), (100, 0))  # layer 0: the block's visible extents are 100 wide
    block.add_line((0, 0), (3000, 0), dxfattribs={"layer": "AUX"})  # off: shown on request
    msp = doc.modelspace()
    msp.add_blockref("MARK", (500, 1000))
    msp.add_lwpolyline([(0, 0), (4000, 0), (4000, 3000), (0, 3000)], close=True)
    doc.saveas(tmp_path / "hidden.dxf")
    drawing = load_dxf(tmp_path / "hidden.dxf")
    (res,) = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    xs = [1000.0, 2000.0, 3000.0]
    assert _ink_along(res.pdf, res, 1000, xs, every_layer=False) == [False] * 3  # hidden by default
    assert _ink_along(res.pdf, res, 1000, xs, every_layer=True) == [True] * 3
    assert not any(lay.get("beyond_page") for lay in res.layers)
