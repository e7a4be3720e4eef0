"""Habits of old ezdxf releases (0.8, 0.10; decision 155), built with today's ezdxf.

Their ``set_pattern_fill(name, scale=50)`` writes the pattern's lines as the pattern file
gives them (ANSI31: 0.125 apart) with a pattern scale of 50 beside them: a reader draws the
lines as written, so a 70 × 50 m hatch at 1:100 has about 70,000 lines, a solid tone on any
sheet. The painter drew its first 20,000 lines and stopped: a triangle of ink over half the
area, the rest empty. ezdxf's drawing add-on draws every line (a filled rectangle); AutoCAD
fills a hatch past HPMAXLINES solid.
"""

from __future__ import annotations

import ezdxf

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from tests.cad.ink import ink_at


def _sheet(doc, tmp_path):
    doc.saveas(tmp_path / "t.dxf")
    d = load_dxf(tmp_path / "t.dxf")
    return render_drawing(d, split_sheets(d), tmp_path)[0]


def test_a_hatch_of_more_lines_than_the_budget_is_filled_over_its_whole_boundary(tmp_path):
    doc = ezdxf.new("R2000", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (42000, 0), (42000, 29700), (0, 29700)], close=True)
    h = msp.add_hatch(color=7)
    h.set_pattern_fill("ANSI31", scale=1 / 25.4)  # the lines as acad.pat has them (inches) ...
    h.dxf.pattern_scale = 50  # ... and the scale old ezdxf wrote beside them
    assert abs(h.pattern.lines[0].offset.y - 0.0884) < 1e-3
    h.paths.add_polyline_path([(16000, 9000), (23000, 9000), (23000, 14000), (16000, 14000)], is_closed=True)
    sparse = msp.add_hatch(color=7)  # a usual hatch beside it keeps its lines
    sparse.set_pattern_fill("ANSI31", scale=50)
    sparse.paths.add_polyline_path([(2000, 2000), (9000, 2000), (9000, 7000), (2000, 7000)], is_closed=True)
    res = _sheet(doc, tmp_path)
    corners = [(16300, 9300), (22700, 9300), (16300, 13700), (22700, 13700), (19500, 11500)]
    assert ink_at(res, corners, reach=0) == [True] * 5  # before: the upper-left half was empty
    # the sparse one is lines, not a fill: points between its lines (159 apart) stay white
    between = [(3000 + k * 20, 4500) for k in range(20)]
    assert not all(ink_at(res, between, reach=0, scale=3.0))
