"""A drawing whose header says millimetres ($INSUNITS=4, a template's default) but that is drawn
in metres: its outlines are tens of units across and its lettering under a unit tall. Read as
metres (and say so), not as a site 1 000 times too small."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract


def _site(gap_m: float, text_h: float):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4  # says millimetres
    msp = doc.modelspace()
    for x0 in (0.0, 40.0 + gap_m):  # drawn in metres
        msp.add_lwpolyline([(x0, 0), (x0 + 40, 0), (x0 + 40, 15), (x0, 15)], close=True,
                           dxfattribs={"layer": "总图-建筑物"})
        for i, t in enumerate(("H=54.0", "18F", "耐火等级二级")):
            msp.add_text(t, height=text_h, dxfattribs={"layer": "文字", "insert": (x0 + 3, 12 - 2 * i)})
    return doc


def test_header_millimetres_geometry_in_metres_is_read_as_metres():
    geo = extract(_site(14.0, 0.5), load_layer_map(), {})
    assert geo.unit_m == 1.0 and "$INSUNITS=4" in geo.sources["units"]
    assert [round(geo.m2(b.geom.area)) for b in geo.of("building")] == [600, 600]

    def fr01(gap):
        return [f for f in run_checks(_site(gap, 0.5), {}, disciplines=["fire"]).findings
                if f.rule_id.startswith("FR-01") and f.severity == "error"]

    assert fr01(10.0) and not fr01(14.0)


def test_millimetre_lettering_keeps_the_header():
    """Tiny outlines with millimetre-sized lettering (350 units: 3.5 mm at 1:100) are what the
    header says; so is an explicit ``trust_insunits``."""
    assert extract(_site(14.0, 350.0), load_layer_map(), {}).unit_m == 0.001
    assert extract(_site(14.0, 0.5), load_layer_map(), {"trust_insunits": True}).unit_m == 0.001


def _mm_plan(header: int):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = header
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (50000, 0), (50000, 40000), (0, 40000)], close=True, dxfattribs={"layer": "防火分区"})
    msp.add_text("三层平面图", height=700, dxfattribs={"insert": (0, -6000)})
    return doc


def test_a_millimetre_plan_under_a_metre_or_imperial_header_is_read_in_millimetres():
    """A 50 × 40 m compartment drawn in mm under $INSUNITS 6 (metres), 1 (inches, acad.dwt) or
    2 (feet) is 2 000 m², not 2 000 000 000 m² or 1.3 million m²."""
    for header in (6, 1, 2):
        geo = extract(_mm_plan(header), load_layer_map(), {})
        assert geo.unit_m == 0.001, header
        assert f"$INSUNITS={header}" in geo.sources["units"]
        assert round(geo.m2(geo.of("compartment")[0].geom.area)) == 2000
    assert extract(_mm_plan(4), load_layer_map(), {}).sources.get("units") is None


@pytest.mark.parametrize(("header", "said_zh", "said_en"), [
    (0, "$INSUNITS=0（未设置图形单位）", "drawing units not set"),
    (1, "$INSUNITS=1（英寸，非国标图纸单位）", "inches, no unit of a GB drawing"),
    (2, "$INSUNITS=2（英尺，非国标图纸单位）", "feet, no unit of a GB drawing"),
])
def test_the_units_finding_says_what_the_header_means_and_what_was_used(header, said_zh, said_en):
    """DR-03 names the header's unit (an imperial template's inches are not "not set") and the
    unit the checks used instead: millimetres for a plan drawn in millimetres."""
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = header
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (60_000, 0), (60_000, 40_000), (0, 40_000)], close=True,
                       dxfattribs={"layer": "防火分区"})
    msp.add_text("一层平面图", dxfattribs={"height": 350, "insert": (1000, 1000)})
    [finding] = [f for f in run_checks(doc, {}, disciplines=["drawing"]).findings if f.rule_id == "DR-03"]
    assert said_zh in finding.message_zh and said_en in finding.message_en
    assert finding.message_zh.endswith("按毫米计算") and finding.message_en.endswith("millimetres assumed")
