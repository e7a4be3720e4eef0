"""Habits found by the fifth outside probe (tests/rules/corpus/outside5.py, decision 126's fifth-probe
section): English general notes (sprinklers, lightning class), a basement named by its level, door
codes and site areas written another way, near-valid outlines, drawings in inches and plans side by
side in one model space."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks
from drawreview.rules.english import english_facts
from drawreview.rules.labels import declared_areas, door_width_m, project_facts

PARAMS = {"building_height_m": 18.0, "use": "office", "high_rise": False}


def _doc():
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    return doc, doc.modelspace()


def _floor(doc, msp, w, d, x0=0.0, k=1000.0, door="FM甲1221"):
    msp.add_lwpolyline([(x0 * k, 0), ((x0 + w) * k, 0), ((x0 + w) * k, d * k), (x0 * k, d * k)], close=True,
                       dxfattribs={"layer": "防火分区"})
    if door not in doc.blocks:
        b = doc.blocks.new(door)
        b.add_line((0, 0), (1.2 * k, 0))
        b.add_arc((0, 0), 1.2 * k, 0, 90)
    for x, y, r in ((x0 + w * 0.25, 0.0, 0.0), (x0 + w * 0.75, d, 180.0)):
        msp.add_blockref(door, (x * k, y * k), dxfattribs={"layer": "A-DOOR", "rotation": r})


def _fire(doc, params=PARAMS):
    result = run_checks(doc, params, disciplines=["fire"])
    return sorted((f.rule_id, f.measured) for f in result.findings if f.rule_id in ("FR-07", "FR-08"))


@pytest.mark.parametrize("text, facts", [
    ("NOTE: THE BUILDING IS PROTECTED THROUGHOUT BY AN AUTOMATIC SPRINKLER SYSTEM.", {"sprinklers": True}),
    ("FULLY SPRINKLERED BUILDING", {"sprinklers": True}),
    ("THE BUILDING IS NOT PROTECTED BY AN AUTOMATIC SPRINKLER SYSTEM.", {"sprinklers": False}),
    ("SPRINKLERS: NONE", {"sprinklers": False}),
    ("SPRINKLER PUMP ROOM", {}),
    ("LIGHTNING PROTECTION: CLASS 2", {"lightning_class": 2}),
    ("LIGHTNING PROTECTION CLASS III", {"lightning_class": 3}),
    ("GENERAL NOTES", {}),
])
def test_english_general_notes_state_facts(text, facts):
    assert english_facts(text) == facts
    assert {k: v for k, v in project_facts([text])[0].items() if k in facts} == facts


def test_an_english_sprinkler_note_doubles_the_compartment_limit():
    """GB 50016 5.3.1: 4000 m² above ground is within 2500 × 2 with sprinklers; the English note says so."""
    doc, msp = _doc()
    _floor(doc, msp, 100.0, 40.0)
    msp.add_text("一层平面图 1:100", height=700, dxfattribs={"insert": (44000, -6000)})
    assert _fire(doc) == [("FR-07", 4000.0)]
    msp.add_text("NOTE: THE BUILDING IS PROTECTED THROUGHOUT BY AN AUTOMATIC SPRINKLER SYSTEM.", height=500,
                 dxfattribs={"insert": (0, -10000)})
    assert _fire(doc) == []


def test_a_basement_named_by_its_level():
    """-4.800m标高层平面图 is a basement floor; its 标高层 is no 高层 (high-rise); ±0.000 or -0.450 is not."""
    facts, _ = project_facts(["-4.800m标高层平面图 1:100"])
    assert facts.get("underground") is True and "high_rise" not in facts
    for title in ("±0.000标高层平面图 1:100", "-0.450标高层平面图 1:100", "4.800m标高层平面图 1:100"):
        facts, _ = project_facts([title])
        assert "underground" not in facts and "high_rise" not in facts, title


def test_a_door_code_with_a_dash():
    assert door_width_m("FM甲-0821") == 0.8
    assert door_width_m("M-1021") == 1.0
    assert door_width_m("FM甲1221") == 1.2


def test_a_site_area_in_wan_square_metres():
    """1.26万㎡ is 12 600 m²; the total floor area beside it is read as its own key."""
    got = declared_areas(["主要经济技术指标\n总用地面积: 1.26万㎡\n总建筑面积: 3.60万㎡"])
    assert got["用地面积"][0] == pytest.approx(12600.0)
    assert got["总建筑面积"][0] == pytest.approx(36000.0)
    assert declared_areas(["用地面积: 12,600㎡"])["用地面积"][0] == pytest.approx(12600.0)


def test_an_outline_with_a_bow_tie_corner_is_repaired_and_measured():
    """The last corner picked out of order: a 75 × 40 m outline with a 0.5 m bow-tie loop at one corner
    is the outline (its small loop dropped), measured and checked; a real figure-of-eight is not cut."""
    from drawreview.rules.outlines import areal
    import shapely

    doc, msp = _doc()
    pts = [(0, 0), (75, 0), (75, 40), (0, 39.5), (0.5, 40)]
    msp.add_lwpolyline([(x * 1000, y * 1000) for x, y in pts], close=True, dxfattribs={"layer": "防火分区"})
    b = doc.blocks.new("FM甲1221")
    b.add_line((0, 0), (1200, 0))
    msp.add_blockref("FM甲1221", (18750, 0), dxfattribs={"layer": "A-DOOR"})
    msp.add_blockref("FM甲1221", (56250, 40000), dxfattribs={"layer": "A-DOOR", "rotation": 180})
    repaired = shapely.make_valid(shapely.Polygon(pts))
    (rule, area), = _fire(doc)
    assert rule == "FR-07" and area == pytest.approx(max(p.area for p in shapely.get_parts(repaired)), abs=0.1)
    eight = shapely.make_valid(shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)]))
    assert areal(eight).geom_type == "MultiPolygon"


@pytest.mark.parametrize("title", ["一层平面图 1:100", "一层平面图"])
def test_a_drawing_truly_in_inches_is_read_in_inches(title):
    """$INSUNITS=1 with the geometry in inches (a 75 × 40 m compartment is 2953 × 1575 units, its
    lettering 14–28 units tall: 3.5–7 mm at 1:100 in inches, 0.14 mm in millimetres): 3000 m²."""
    from drawreview.rules import load_layer_map
    from drawreview.rules.geometry import extract

    doc, msp = _doc()
    doc.header["$INSUNITS"] = 1
    k = 1000.0 / 25.4
    _floor(doc, msp, 75.0, 40.0, k=k)
    msp.add_text("防火分区一", height=0.35 * k, dxfattribs={"insert": (30 * k, 20 * k)})
    msp.add_text(title, height=0.7 * k, dxfattribs={"insert": (30 * k, -6 * k)})
    geo = extract(doc, load_layer_map(), PARAMS)
    assert geo.unit_m == pytest.approx(0.0254)
    assert _fire(doc) == [("FR-07", 3000.0)]


def _two_floors(scale=" 1:100"):
    """A 50 × 40 m ground floor (2000 m²) and, 90 m to its right, a 30 × 20 m basement (600 m²),
    each titled beneath its own drawing."""
    doc, msp = _doc()
    _floor(doc, msp, 50.0, 40.0)
    _floor(doc, msp, 30.0, 20.0, x0=90.0)
    msp.add_text("一层平面图" + scale, height=700, dxfattribs={"insert": (18000, -6000)})
    msp.add_text("地下一层平面图" + scale, height=700, dxfattribs={"insert": (95000, -6000)})
    return doc, msp


def test_plans_side_by_side_each_take_their_own_title():
    """GB 50016 5.3.1: the ground floor's 2000 m² is held to 2500 m², the basement's 600 m² to 500 m²."""
    doc, _ = _two_floors()
    assert _fire(doc) == [("FR-07", 600.0)]


def test_a_title_with_its_scale_in_a_separate_text_governs_too():
    doc, msp = _two_floors(scale="")
    msp.add_text("1:100", height=500, dxfattribs={"insert": (24000, -6000)})
    msp.add_text("1:100", height=500, dxfattribs={"insert": (104000, -6000)})
    assert _fire(doc) == [("FR-07", 600.0)]


def test_names_without_a_scale_are_no_plan_titles():
    """A drawing list names plans but carries no scale: the sheet's words stand for every plan."""
    doc, _ = _two_floors(scale="")
    assert _fire(doc) == [("FR-07", 600.0), ("FR-07", 2000.0)]
