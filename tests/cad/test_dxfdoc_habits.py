"""What dxf-doc (npm, 0.1.6; AC1021) writes, drawn as the writer meant it (docs/decisions/147):
its ELLIPSE's parameters are rounded to four decimals, so a full ellipse ends at 6.2832, 7e-6
past a full turn; read modulo a turn that is a dot, and the ellipse was not drawn (nor by
ezdxf's drawing add-on)."""

import math

import ezdxf
import pytest

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from tests.cad.ink import ink_at


@pytest.mark.parametrize("start", [0.0, 1.0])
def test_an_ellipse_whose_span_passes_a_full_turn_by_a_rounding_is_drawn_whole(tmp_path, start):
    doc = ezdxf.new("R2007")
    msp = doc.modelspace()
    msp.add_line((0, 0), (42000, 0))
    msp.add_line((0, 29700), (42000, 29700))
    msp.add_ellipse((21000, 15000), major_axis=(3000, 0), ratio=0.5, start_param=start, end_param=start + 6.2832)
    doc.saveas(tmp_path / "dxfdoc.dxf")
    drawing = load_dxf(tmp_path / "dxfdoc.dxf")
    (res,) = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    # the ellipse's four vertices; the parameter 0 (its right vertex) is on the dot either way
    assert ink_at(res, reach=2, points=[(18000, 15000), (21000, 16500), (21000, 13500), (24000, 15000)]) == [True] * 4
    assert any("drawn as full ellipses" in r and "整椭圆" in r for r in drawing.repairs)


def test_an_ellipse_that_goes_round_more_than_a_rounding_is_left_as_read(tmp_path):
    doc = ezdxf.new("R2007")
    doc.modelspace().add_ellipse((0, 0), major_axis=(3000, 0), ratio=0.5, start_param=0, end_param=math.tau + 1.0)
    doc.saveas(tmp_path / "more.dxf")
    drawing = load_dxf(tmp_path / "more.dxf")
    (e,) = drawing.doc.modelspace().query("ELLIPSE")
    assert e.dxf.end_param == pytest.approx(math.tau + 1.0) or e.dxf.end_param == pytest.approx(1.0)
    assert not any("整椭圆" in r for r in drawing.repairs)
