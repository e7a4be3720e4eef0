"""What dia (the diagram editor's DXF export) writes, drawn as AutoCAD and ezdxf's drawing
add-on draw it (docs/decisions/141): its POLYLINEs give a default end width (group 41) and no
default start width, so each segment tapers from nothing to that width; the sheet drew them as
hairlines."""

import ezdxf

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from tests.cad.ink import ink_at


def test_a_polylines_default_end_width_alone_tapers_its_segments(tmp_path):
    doc = ezdxf.new("R12")
    msp = doc.modelspace()
    msp.add_line((0, -1000), (2000, -1000))
    msp.add_line((0, 1000), (2000, 1000))
    msp.add_polyline2d([(0, 0), (2000, 0)], dxfattribs={"default_end_width": 400})
    doc.saveas(tmp_path / "dia.dxf")
    drawing = load_dxf(tmp_path / "dia.dxf")
    (res,) = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    # near the end the segment is ~380 wide: ink 150 off its middle line; near its start none
    assert ink_at(res, reach=1, points=[(1900, 150), (1900, -150)]) == [True, True]
    assert ink_at(res, reach=1, points=[(100, 150), (100, -150)]) == [False, False]
