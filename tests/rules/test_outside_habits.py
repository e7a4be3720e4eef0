"""Habits found by the second outside probe (tests/rules/corpus/outside.py, decision 118): compartments
divided by lines drawn across one outline, basement sheets titled 负一层 / B1 / -1F / 示意图 /
布置图, ``\\U+`` escapes in a UTF-8 file, ratings written 耐火等级3级."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract
from drawreview.rules.labels import parse, project_facts

PARAMS = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}


def _doc():
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    return doc, doc.modelspace()


def _rect(x, y, w, h, k=1000.0):
    return [(x * k, y * k), ((x + w) * k, y * k), ((x + w) * k, (y + h) * k), (x * k, (y + h) * k)]


def _door(doc, msp, x, y):
    if "FM甲1221" not in doc.blocks:
        b = doc.blocks.new("FM甲1221")
        b.add_line((0, 0), (1200, 0))
        b.add_arc((0, 0), 1200, 0, 90)
    msp.add_blockref("FM甲1221", (x * 1000, y * 1000), dxfattribs={"layer": "A-DOOR"})


def test_a_dividing_line_across_a_floor_outline_makes_two_compartments():
    """120 × 40 m floor outline with a 防火分区线 at x = 50 m: 2000 m² + 2800 m², not one 4800 m²;
    each part needs its own two exits. The line stops 0.3 m short of the far wall (still divides);
    a leader line ending inside a compartment divides nothing."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 120, 40), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_line((50000, 0), (50000, 39700), dxfattribs={"layer": "防火分区"})
    msp.add_line((80000, 10000), (90000, 20000), dxfattribs={"layer": "防火分区"})  # ends inside
    for x, y in ((10, 0), (40, 40), (60, 0)):  # the 2800 m² part has one exit
        _door(doc, msp, x, y)
    geo = extract(doc, load_layer_map(), PARAMS)
    areas = sorted(round(geo.m2(f.geom.area)) for f in geo.of("compartment"))
    assert areas == [2000, 2800]
    assert geo.unusable == {"防火分区": 1}  # the leader line
    result = run_checks(doc, PARAMS, disciplines=["fire"])
    got = sorted((f.rule_id, f.measured) for f in result.findings if f.rule_id in ("FR-07", "FR-08"))
    assert got == [("FR-07", 2800.0), ("FR-08", 1)]


def test_an_outline_without_dividing_lines_stays_whole():
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 40), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_line((0, 0), (50000, 0), dxfattribs={"layer": "防火分区"})  # traced over its own edge
    geo = extract(doc, load_layer_map(), PARAMS)
    assert [round(geo.m2(f.geom.area)) for f in geo.of("compartment")] == [2000]


@pytest.mark.parametrize("title", ["负一层平面图", "B1层平面图", "B1F平面图", "-1F平面图", "-2层平面图",
                                   "地下一层防火分区示意图", "地下一层平面布置图", "地下室防火分区图 1:100"])
def test_basement_titles_as_sets_write_them(title):
    assert project_facts([title])[0].get("underground") is True


@pytest.mark.parametrize("title", ["三层平面图", "B1栋三层平面图", "地下一层平面详见建施-05图", "1-1F平面图"])
def test_titles_that_are_no_basement(title):
    assert "underground" not in project_facts([title])[0]


def test_a_basement_title_decides_the_limit():
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 15, 40), close=True, dxfattribs={"layer": "防火分区"})  # 600 m²
    msp.add_text("负一层平面图", height=700, dxfattribs={"insert": (0, -6000)})
    result = run_checks(doc, {}, disciplines=["fire"])
    (f,) = [f for f in result.findings if f.rule_id == "FR-07"]
    assert (f.measured, f.required) == (600.0, 500.0)


def test_unicode_escapes_in_a_utf8_file_are_read_as_characters(tmp_path):
    """A converter's ``\\U+`` escapes in an R2018 file: TEXT, MTEXT and ATTRIB say what they draw."""
    doc, msp = _doc()
    esc = lambda s: "".join(c if c.isascii() else f"\\U+{ord(c):04X}" for c in s)  # noqa: E731
    msp.add_lwpolyline(_rect(0, 0, 40, 15), close=True, dxfattribs={"layer": "总图-建筑物"})
    msp.add_text(esc("建筑高度54.0米"), height=500, dxfattribs={"insert": (3000, 12000)})
    msp.add_mtext(esc("地上18层\\P耐火等级一级"), dxfattribs={"insert": (3000, 10000), "char_height": 500})
    b = doc.blocks.new("LBL")
    b.add_attdef("名称", (0, 0), dxfattribs={"height": 400})
    msp.add_blockref("LBL", (3000, 5000)).add_auto_attribs({"名称": esc("1#楼")})
    path = tmp_path / "escaped.dxf"
    doc.saveas(path)
    geo = extract(ezdxf.readfile(path), load_layer_map(), {})
    (bldg,) = geo.of("building")
    a = bldg.attrs
    assert (a["height"], a["storeys"], a["rating"], a["name"]) == (54.0, 18, 1, "1#楼")


@pytest.mark.parametrize("text, rating", [("耐火等级3级", 3), ("耐火等级 2 级", 2), ("耐火等级三级", 3)])
def test_ratings_in_arabic_digits_without_a_colon(text, rating):
    assert parse([text])["rating"] == rating


def test_a_bound_xref_door_keeps_its_width():
    """Binding an xref prefixes its blocks and layers (``三层平面$0$FM乙0821``): the code still gives 0.8 m."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 40), close=True, dxfattribs={"layer": "三层平面$0$防火分区"})
    for x, y, code in ((10, 0, "FM甲1221"), (40, 40, "FM乙0821")):
        b = doc.blocks.new(f"三层平面$0${code}")
        b.add_line((0, 0), (1000, 0))
        b.add_arc((0, 0), 1000, 0, 90)
        msp.add_blockref(b.name, (x * 1000, y * 1000), dxfattribs={"layer": "三层平面$0$A-DOOR"})
    result = run_checks(doc, PARAMS, disciplines=["fire"])
    assert [(f.rule_id, f.measured) for f in result.findings if f.rule_id == "FR-12"] == [("FR-12", 0.8)]


@pytest.mark.parametrize("note, cls", [("本建筑物按第Ⅱ类防雷建筑物设防", 2), ("防雷类别：III类", 3),
                                       ("第二类防雷建筑物", 2)])
def test_roman_lightning_classes(note, cls):
    assert project_facts([note])[0]["lightning_class"] == cls


@pytest.mark.parametrize("note, value", [
    ("本建筑全部设置自动灭火系统", True),  # GB 50016 5.3.1's own words
    ("本工程不设自动灭火系统", False),
    ("变配电室设置七氟丙烷气体自动灭火系统", None),  # one room's gas system doubles no compartment
    ("局部设置自动灭火系统", None),
    ("本建筑设自动喷水灭火系统", True),
])
def test_sprinklers_in_the_clause_words(note, value):
    assert project_facts([note])[0].get("sprinklers") == value


def _lanes(doc):
    return sorted(round(g.area / 1e6, 1) for g in (f.geom for f in
                  extract(doc, load_layer_map(), {}).of("fire_lane")))


def test_a_lane_drawn_as_two_edge_lines_is_the_strip_between_them():
    doc, msp = _doc()
    for y in (0, 3500):
        msp.add_lwpolyline([(0, y), (60000, y), (120000, y)], dxfattribs={"layer": "消防车道"})
    assert _lanes(doc) == [420.0]
    result = run_checks(doc, {"use": "office"}, disciplines=["fire"])
    assert [(f.rule_id, f.measured) for f in result.findings if f.rule_id == "FR-02"] == [("FR-02", 3.5)]


def test_edge_lines_that_do_not_run_side_by_side_stay_unpaired():
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (120000, 0)], dxfattribs={"layer": "消防车道"})
    msp.add_lwpolyline([(0, 4000), (40000, 4000)], dxfattribs={"layer": "消防车道"})  # a third of it: a junction
    geo = extract(doc, load_layer_map(), {})
    assert geo.of("fire_lane") == [] and geo.unusable == {"消防车道": 2}


@pytest.mark.parametrize("hatched", [False, True])
def test_a_ring_lane_drawn_as_outer_and_inner_outline_is_the_band(hatched):
    doc, msp = _doc()
    outer, inner = _rect(-13, -13, 86, 54.5), _rect(-8, -8, 76, 46)  # the north side 3.5 m wide, the rest 5 m
    msp.add_lwpolyline(outer, close=True, dxfattribs={"layer": "消防车道"})
    msp.add_lwpolyline(inner, close=True, dxfattribs={"layer": "消防车道"})
    if hatched:
        h = msp.add_hatch(dxfattribs={"layer": "消防车道"})
        h.paths.add_polyline_path(outer, is_closed=True)
        h.paths.add_polyline_path(inner, is_closed=True)
    band = round((86 * 54.5 - 76 * 46), 1)
    assert _lanes(doc) == [band]
    result = run_checks(doc, {"use": "office"}, disciplines=["fire"])
    assert [(f.rule_id, f.measured) for f in result.findings if f.rule_id == "FR-02"] == [("FR-02", 3.5)]


def _two_layouts(titles):
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 15, 40), close=True, dxfattribs={"layer": "防火分区"})  # 600 m²
    for x, y in ((3, 0), (12, 40)):
        _door(doc, msp, x, y)
    for name, title in zip(("A1", "A3"), titles):
        ps = doc.layouts.new(name)
        ps.add_viewport(center=(420, 300), size=(760, 500), view_center_point=(7500, 20000), view_height=60000)
        ps.add_text(title, height=7, dxfattribs={"insert": (660, 30)})
        ps.add_text("设计说明：本层不设自动喷水灭火系统", height=3.5, dxfattribs={"insert": (30, 560)})
    return doc


def test_two_layouts_of_one_sheet_give_the_words_both_write():
    """An A1 layout and its A3 print of one plan, both titled 地下一层平面图: the title is the sheet's."""
    geo = extract(_two_layouts(["地下一层平面图", "地下一层平面图"]), load_layer_map(), {})
    assert geo.params.get("underground") is True and geo.params.get("sprinklers") is False
    result = run_checks(_two_layouts(["地下一层平面图", "地下一层平面图"]), {}, disciplines=["fire"])
    assert [(f.rule_id, f.required) for f in result.findings if f.rule_id == "FR-07"] == [("FR-07", 500.0)]
    disagree = extract(_two_layouts(["地下一层平面图", "三层平面图"]), load_layer_map(), {})
    assert "underground" not in disagree.params and disagree.params.get("sprinklers") is False


@pytest.mark.parametrize("layer", ["消防分区", "FIRE-AREA", "fire_area_1F"])
def test_compartment_layer_names(layer):
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 40), close=True, dxfattribs={"layer": layer})
    assert len(extract(doc, load_layer_map(), PARAMS).of("compartment")) == 1


@pytest.mark.parametrize("text, storeys", [("18+1F", 19), ("地上18+1层", 19), ("18+1层住宅", 19),
                                           ("地上18层/地下2+1层", 18), ("18/2F", 18), ("1-18F", 18)])
def test_storeys_with_a_roof_floor_added(text, storeys):
    assert parse([text])["storeys"] == storeys


@pytest.mark.parametrize("layer, cls", [("总图-建筑物", "building"), ("屋面轮廓", "roof_outline")])
def test_a_line_across_a_building_or_roof_divides_nothing(layer, cls):
    """A settlement joint across a footprint, a ridge across a roof: one building, one roof."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 60, 20), close=True, dxfattribs={"layer": layer})
    msp.add_line((30000, 0), (30000, 20000), dxfattribs={"layer": layer})
    assert len(extract(doc, load_layer_map(), {}).of(cls)) == 1


@pytest.mark.parametrize("text, value", [("用地面积(㎡)：31500.00", 31500.0), ("用地面积：31,500.00㎡", 31500.0),
                                         ("用地面积：3.15公顷", 31500.0), ("用地面积 S=30000m²", 30000.0)])
def test_declared_areas_as_indicator_tables_write_them(text, value):
    from drawreview.rules.labels import declared_areas

    assert declared_areas([text])["用地面积"][0] == value


def test_a_declared_area_without_a_unit_is_not_read():
    from drawreview.rules.labels import declared_areas

    assert declared_areas(["用地面积：30000.00"]) == {}


def test_a_declared_area_in_table_cells():
    """用地面积 | 31500.00 | ㎡ as three texts of one row: 5 % more than the 30 000 m² drawn."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 200, 150), close=True, dxfattribs={"layer": "用地红线"})
    for x, t in ((210, "用地面积"), (230, "31500.00"), (245, "㎡")):
        msp.add_text(t, height=1000, dxfattribs={"insert": (x * 1000, 140000)})
    result = run_checks(doc, {}, disciplines=["planning"])
    assert [(f.rule_id, f.measured, f.required) for f in result.findings if f.rule_id == "PL-07"] == [
        ("PL-07", 31500.0, 30000.0)]


@pytest.mark.parametrize("label, kept", [("中庭上空", False), ("", False), ("防火分区二", True)])
def test_an_outline_inside_a_compartment_is_a_hole(label, kept):
    """60 × 45 m compartment around a 15 × 15 m outline: the compartment is the 2475 m² between them;
    the inner outline is a compartment of its own only when labelled as one."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 60, 45), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_lwpolyline(_rect(20, 15, 15, 15), close=True, dxfattribs={"layer": "防火分区"})
    if label:
        msp.add_text(label, height=500, dxfattribs={"insert": (25000, 22000)})
    geo = extract(doc, load_layer_map(), PARAMS)
    areas = sorted(round(geo.m2(f.geom.area)) for f in geo.of("compartment"))
    assert areas == ([225, 2475] if kept else [2475])


def test_a_hatch_inset_in_its_outline_is_no_hole():
    """A hatch drawn a wall's thickness inside its compartment outline (more than half of it) is no
    hole: no ring-shaped sliver compartment. It is the same compartment as its outline (decision
    121: faces a wall apart are one shape), so the outline is kept, once."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 40), close=True, dxfattribs={"layer": "防火分区"})
    h = msp.add_hatch(dxfattribs={"layer": "防火分区"})
    h.paths.add_polyline_path(_rect(0.2, 0.2, 49.6, 39.6), is_closed=True)
    geo = extract(doc, load_layer_map(), PARAMS)
    assert sorted(round(geo.m2(f.geom.area)) for f in geo.of("compartment")) == [2000]


def test_a_centre_line_between_two_lane_edges_is_no_edge():
    """Edges 4.5 m apart with a centre line between them on the lane layer: one 4.5 m lane, not a
    2.25 m one (no FR-02)."""
    doc, msp = _doc()
    for y in (0, 2250, 4500):
        msp.add_lwpolyline([(0, y), (120000, y)], dxfattribs={"layer": "消防车道"})
    assert _lanes(doc) == [540.0]
    result = run_checks(doc, {"use": "office"}, disciplines=["fire"])
    assert [f for f in result.findings if f.rule_id == "FR-02"] == []


def test_an_mtext_non_breaking_space_is_a_space():
    from drawreview.rules.wording import drawn_text

    doc, msp = _doc()
    text = drawn_text(msp.add_mtext("H\\~=\\~54.0m\\P耐火等级\\~二级"))
    assert parse([text])["height"] == 54.0 and parse([text])["rating"] == 2
