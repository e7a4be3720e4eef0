"""Measuring on a paper-space layout sheet (docs/decisions/117): a length the viewer measures
(metres = sheet points / a * unit_m, docs/contracts.md) is the model length a viewport shows.
The reference is the drawing itself: a wall of a known length in model space, seen through
viewports of known scales, and read back from the sheet PDF's own linework."""

import ezdxf
import pymupdf
import pytest

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

WALL_M = 10.0


def _drawing(path, scales, paper: str, model_units: int = 4):
    doc = ezdxf.new("R2010", units=model_units)
    per_m = {4: 1000.0, 6: 1.0}[model_units]  # model units per metre
    doc.modelspace().add_line((0, 0), (WALL_M * per_m, 0))
    doc.modelspace().add_line((0, 0), (0, 6 * per_m))
    layout = doc.layouts.new("建施-01")
    if paper == "mm":
        layout.page_setup(size=(420, 297), margins=(0, 0, 0, 0), units="mm")
    else:
        layout.page_setup(size=(17, 11), margins=(0, 0, 0, 0), units="inch")
    x = 10.0
    for scale in scales:  # 1:scale, in paper units per model unit
        per = 1000.0 / per_m / scale / (1.0 if paper == "mm" else 25.4)
        w, h = 12 * per_m * per, 8 * per_m * per
        layout.add_viewport(center=(x + w / 2, 10 + h / 2), size=(w, h),
                            view_center_point=(5 * per_m, 3 * per_m), view_height=8 * per_m)
        x += w + 5
    doc.saveas(path)
    return path


def _layout_sheet(path, tmp_path):
    drawing = load_dxf(path)
    [res] = [r for r in render_drawing(drawing, split_sheets(drawing), tmp_path) if r.key != "model"]
    return res


def _measured_walls(res) -> set[float]:
    """Every horizontal line of the sheet, measured as the viewer measures it."""
    k = res.unit_m / res.map[0]  # metres per sheet point
    out = set()
    for d in pymupdf.open(res.pdf)[0].get_drawings():
        for item in d["items"]:
            if item[0] == "l" and abs(item[1].y - item[2].y) < 0.01 and abs(item[2].x - item[1].x) > 1:
                out.add(round(abs(item[2].x - item[1].x) * k, 3))
    return out


@pytest.mark.parametrize("paper", ["mm", "in"])
@pytest.mark.parametrize("scale,model_units", [(100, 4), (50, 4), (200, 6)])
def test_a_wall_measured_through_a_viewport_is_its_model_length(tmp_path, paper, scale, model_units):
    # the map of a layout sheet takes paper units; unit_m was the model's metres per unit, so a
    # 10 m wall seen at 1:100 on millimetre paper measured 0.1 m (inch paper: 0.004 m)
    res = _layout_sheet(_drawing(tmp_path / "a.dxf", [scale], paper, model_units), tmp_path)
    assert max(_measured_walls(res)) == pytest.approx(WALL_M, rel=1e-3)
    assert res.units == paper  # the sheet's coordinates (the cursor read-out) are paper units


def test_viewports_of_different_scales_give_no_real_length(tmp_path):
    # one factor cannot serve a 1:100 and a 1:200 view: the viewer measures in points instead
    res = _layout_sheet(_drawing(tmp_path / "m.dxf", [100, 200], "mm"), tmp_path)
    assert res.unit_m == 0.0 and res.units == "mm"


def test_a_layout_without_viewports_measures_paper(tmp_path):
    doc = ezdxf.new("R2010", units=4)
    doc.modelspace().add_line((0, 0), (1000, 0))
    layout = doc.layouts.new("Detail")
    layout.page_setup(size=(420, 297), margins=(0, 0, 0, 0), units="mm")
    layout.add_line((20, 20), (220, 20))  # 200 mm drawn on paper
    doc.saveas(tmp_path / "p.dxf")
    res = _layout_sheet(tmp_path / "p.dxf", tmp_path)
    assert res.units == "mm" and max(_measured_walls(res)) == pytest.approx(0.2, rel=1e-3)
