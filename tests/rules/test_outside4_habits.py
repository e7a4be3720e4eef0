"""Habits found by the fourth outside probe (tests/rules/corpus/outside4.py, decision 126): closed
SPLINE outlines, MINSERT grids, English basement titles, FP- layers, stacked MTEXT, an indicator
table's value in an ATTRIB, areas in 亩, a lane drawn as one wide polyline, leaders inside blocks or
drawn as plain lines, and a floor whose outer edge is only its 天正 walls."""

from __future__ import annotations

import ezdxf
import ezdxf.path
import pytest
import shapely

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract
from drawreview.rules.labels import declared_areas, storeys_of
from drawreview.rules.primitives import drawn_text

PARAMS = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}


def _doc():
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    return doc, doc.modelspace()


def _rect(x, y, w, h, k=1000.0):
    return [(x * k, y * k), ((x + w) * k, y * k), ((x + w) * k, (y + h) * k), (x * k, (y + h) * k)]


def _door(doc, msp, x, y, layer="A-DOOR"):
    if "FM甲1221" not in doc.blocks:
        b = doc.blocks.new("FM甲1221")
        b.add_line((0, 0), (1200, 0))
        b.add_arc((0, 0), 1200, 0, 90)
    msp.add_blockref("FM甲1221", (x * 1000, y * 1000), dxfattribs={"layer": layer})


def _areas(doc, cls="compartment", params=PARAMS):
    geo = extract(doc, load_layer_map(), params)
    return sorted(round(geo.m2(f.geom.area)) for f in geo.of(cls))


def _fire(doc, params=PARAMS):
    result = run_checks(doc, params, disciplines=["fire"])
    return sorted((f.rule_id, f.measured) for f in result.findings if f.rule_id in ("FR-07", "FR-08"))


def test_a_closed_spline_is_an_outline():
    """A SPLINE flagged closed through fit points that do not repeat the first one: the outline is
    closed (ezdxf: ``Spline.closed``), not an open curve left unused."""
    doc, msp = _doc()
    fit = [(0, 2), (0, 38), (8, 40), (62, 40), (70, 38), (70, 2), (62, 0), (8, 0)]
    sp = msp.add_spline([(x * 1000, y * 1000) for x, y in fit], dxfattribs={"layer": "防火分区"})
    sp.closed = True
    for x, y in ((20, 0), (50, 40)):
        _door(doc, msp, x, y)
    (area,) = _areas(doc)
    drawn = shapely.Polygon([(v.x / 1000, v.y / 1000) for v in ezdxf.path.make_path(sp).flattening(1)]).area
    assert area == pytest.approx(drawn, rel=0.01)  # the curve as ezdxf draws it, closed
    assert [r for r, _ in _fire(doc)] == ["FR-07"]


@pytest.mark.parametrize("nested", [False, True])
def test_a_minsert_is_every_copy_of_its_grid(nested):
    """A compartment block repeated by MINSERT (1 row, 2 columns 50 m apart): two 2000 m²
    compartments, the second with one exit (FR-08) — also inside a plan block."""
    doc, msp = _doc()
    blk = doc.blocks.new("FQ")
    blk.add_lwpolyline(_rect(0, 0, 50, 40), close=True)
    space = doc.blocks.new("PLAN") if nested else msp
    space.add_blockref("FQ", (0, 0), dxfattribs={"layer": "防火分区"}).grid(size=(1, 2), spacing=(40000, 50000))
    if nested:
        msp.add_blockref("PLAN", (0, 0), dxfattribs={"layer": "防火分区"})
    for x, y in ((10, 0), (40, 40), (60, 0)):
        _door(doc, msp, x, y)
    assert _areas(doc) == [2000, 2000]
    assert _fire(doc) == [("FR-08", 1)]


@pytest.mark.parametrize("title", ["BASEMENT FLOOR PLAN", "Basement 1 Plan", "B1 FLOOR PLAN", "LEVEL B2 PLAN"])
def test_an_english_basement_title_sets_the_underground_limit(title):
    """GB 50016 5.3.1: 600 m² is over an underground storey's 500 m²."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 15, 40), close=True, dxfattribs={"layer": "防火分区"})
    for x, y in ((3, 0), (12, 40)):
        _door(doc, msp, x, y)
    msp.add_text(title, height=700, dxfattribs={"layer": "A-ANNO-TTLB", "insert": (0, -6000)})
    assert _fire(doc, {}) == [("FR-07", 600.0)]


@pytest.mark.parametrize("title", ["LEVEL 3 FLOOR PLAN", "SITE PLAN", "BASEMENT DETAILS"])
def test_english_titles_of_other_floors_set_nothing(title):
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 15, 40), close=True, dxfattribs={"layer": "防火分区"})
    for x, y in ((3, 0), (12, 40)):
        _door(doc, msp, x, y)
    msp.add_text(title, height=700, dxfattribs={"layer": "A-ANNO-TTLB", "insert": (0, -6000)})
    assert _fire(doc, {}) == []


@pytest.mark.parametrize("layer", ["FP-AREA", "FP-ZONE-01", "fp-cmpt"])
def test_fire_protection_layers_hold_compartments(layer):
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 75, 40), close=True, dxfattribs={"layer": layer})
    assert _areas(doc) == [3000]


@pytest.mark.parametrize("raw, words", [
    ("{\\S18F^-2F;}", "18F/-2F"),  # storeys above over below ground
    ("\\S18^F;", "18F"),  # a unit under its number (ezdxf alone: "18\x06")
    ("用地面积：30000.00m\\S2^;", "用地面积：30000.00m2"),  # a superscript
    ("\\S^2;", "2"),  # a subscript
    ("{\\H0.7x;\\S1/2;}", "1/2"),
    ("{\\S3#4;}", "3/4"),
])
def test_stacked_mtext_reads_as_a_reader_says_it(raw, words):
    doc, msp = _doc()
    assert drawn_text(msp.add_mtext(raw)) == words


def test_stacked_storeys_label_a_building():
    doc, msp = _doc()
    t = msp.add_mtext("{\\S18F^-2F;}")
    assert storeys_of(drawn_text(t)) == 18


def test_an_indicator_tables_value_in_an_attrib():
    """经济技术指标 as a block: the key a TEXT, the value an ATTRIB (``YDMJ=31500.00``) in the next
    cell: the declared site area is 31 500 m², 5 % over the drawn 30 000 m² (PL-07)."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 200, 150), close=True, dxfattribs={"layer": "用地红线"})
    blk = doc.blocks.new("经济技术指标")
    blk.add_text("总用地面积(㎡)", height=1000, dxfattribs={"insert": (500, 1000)})
    blk.add_attdef("YDMJ", (25000, 1000), dxfattribs={"height": 1000})
    msp.add_blockref(blk.name, (210000, 140000)).add_auto_attribs({"YDMJ": "31500.00"})
    result = run_checks(doc, {}, disciplines=["planning"])
    assert [(f.rule_id, f.measured) for f in result.findings if f.rule_id == "PL-07"] == [("PL-07", 31500.0)]


def test_an_attrib_tag_is_not_read_as_a_value_when_the_cell_holds_words():
    doc, msp = _doc()
    blk = doc.blocks.new("T")
    blk.add_text("总用地面积(㎡)", height=1000, dxfattribs={"insert": (500, 1000)})
    blk.add_attdef("NOTE", (25000, 1000), dxfattribs={"height": 1000})
    msp.add_blockref("T", (0, 0)).add_auto_attribs({"NOTE": "详见总图"})
    result = run_checks(doc, {}, disciplines=["planning"])
    assert [f for f in result.findings if f.rule_id == "PL-07"] == []


@pytest.mark.parametrize("text, m2", [("用地面积：45.00亩", 30000.0), ("总用地面积：15亩", 10000.0)])
def test_an_area_in_mu(text, m2):
    (value, _), = declared_areas([text]).values()
    assert value == pytest.approx(m2)
