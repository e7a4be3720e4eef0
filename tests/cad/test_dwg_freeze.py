"""A viewport's frozen layers in a DWG written by another program than AutoCAD (ezdwg's R2000
writer, its paper space and viewports, which tests/dwg_inputs.py leaves unused): put back on
the converted viewport (cad/dwgfreeze.py), so the layout hides them there as AutoCAD does."""

from __future__ import annotations

import ezdwg
import numpy as np
import pymupdf
import pytest

from drawreview.cad.dwg import load_dwg
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


@pytest.fixture(scope="module")
def drawing(tmp_path_factory):
    path = tmp_path_factory.mktemp("dwgfreeze") / "layout.dwg"
    out = ezdwg.new()
    out.header["codepage"] = 39
    out.header["insunits"] = 4
    out.layers["墙"] = {"color_index": 7}
    out.layers["家具"] = {"color_index": 7}
    msp = out.modelspace()
    msp.add_lwpolyline([(0, 0), (40000, 0), (40000, 28000), (0, 28000)], closed=True, layer="墙")
    msp.add_circle((30000, 14000), 4000, layer="家具")  # right half: hidden in the viewport
    msp.add_line((5000, 14000), (15000, 14000), layer="墙")
    out.set_paper(420, 297)
    ps = out.paperspace()
    ps.add_viewport((210, 148.5), 400, 280, view_center=(20000, 14000), view_height=28000, frozen_layers=["家具"])
    out.save(str(path))
    return load_dwg(path)


def test_the_viewport_keeps_its_frozen_layer(drawing):
    """Without ``dwgfreeze.restore`` the converted viewport froze nothing."""
    frozen = [vp.frozen_layers for vp in drawing.doc.paperspace("Layout1") if vp.dxftype() == "VIEWPORT"]
    assert ["家具"] in frozen


def test_the_layout_does_not_draw_the_frozen_layer(drawing, tmp_path):
    """Ink in the layout's right half (where the circle is) only from the frame's outline."""
    specs = [s for s in split_sheets(drawing) if s.layout == "Layout1"]
    (res,) = render_drawing(drawing, specs, tmp_path)
    page = pymupdf.open(res.pdf)[0]
    pix = page.get_pixmap(matrix=pymupdf.Matrix(2, 2), colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width) < 230  # thin lines are grey
    h, w = img.shape
    inner = img[int(h * 0.25):int(h * 0.75), int(w * 0.6):int(w * 0.9)]  # inside the model's outline
    assert not inner.any()
    left = img[int(h * 0.25):int(h * 0.75), int(w * 0.1):int(w * 0.45)]
    assert left.any()  # the wall line is drawn
