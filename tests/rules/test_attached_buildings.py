"""GB 50016 5.2.2 separations on outlines that share a wall: one building drawn in parts (or
two attached across a fire wall) keeps no gap; a real gap under the table's distance is still
found."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks


def _two(gap_m: float):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 6  # metres
    msp = doc.modelspace()
    for name, x0 in (("1#楼", 0.0), ("2#楼", 30.0 + gap_m)):
        msp.add_lwpolyline([(x0, 0), (x0 + 30, 0), (x0 + 30, 15), (x0, 15)], close=True,
                           dxfattribs={"layer": "总图-建筑物"})
        msp.add_text(f"{name} H=24.0 6F 耐火等级二级", height=0.5, dxfattribs={"layer": "文字", "insert": (x0 + 3, 10)})
    return doc


@pytest.mark.parametrize(("gap_m", "found"), [(0.0, False), (0.02, False), (3.0, True), (5.9, True), (6.0, False)])
def test_only_a_real_gap_under_the_distance_is_a_separation_finding(gap_m, found):
    result = run_checks(_two(gap_m), {}, disciplines=["fire"])
    assert bool([f for f in result.findings if f.rule_id == "FR-01"]) == found
