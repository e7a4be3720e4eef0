"""Habits found by the third outside probe (tests/rules/corpus/outside3.py, decision 121): REGION
outlines, compartments drawn as one hatch whose paths share an edge, a fire wall drawn as a thin
closed band on the compartment layer, a basement title split over two texts, a roof outlined by
its parapet (女儿墙)."""

from __future__ import annotations

import ezdxf
import pytest
from ezdxf.acis import api as acis
from ezdxf.render import MeshBuilder

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract

PARAMS = {"building_height_m": 18.0, "use": "office", "sprinklers": False, "high_rise": False}


def _doc(version="R2018"):
    doc = ezdxf.new(version)
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


def _fire(doc):
    result = run_checks(doc, PARAMS, disciplines=["fire"])
    return sorted((f.rule_id, f.measured) for f in result.findings if f.rule_id in ("FR-07", "FR-08"))


@pytest.mark.parametrize("version", ["R2000", "R2018"])  # SAT text, SAB binary
def test_a_region_is_an_outline(version, tmp_path):
    """A 75 × 40 m REGION with a 15 × 10 m hole (an L of two faces around it) on the compartment
    layer: 3000 − 150 = 2850 m² over 2500 m², read back from the file as ezdxf writes it."""
    doc, msp = _doc(version)
    mb = MeshBuilder()
    mb.add_face([(0, 0, 0), (75000, 0, 0), (75000, 15000, 0), (0, 15000, 0)])  # below the hole (30..45 × 15..25)
    mb.add_face([(0, 15000, 0), (30000, 15000, 0), (30000, 40000, 0), (0, 40000, 0)])
    mb.add_face([(45000, 15000, 0), (75000, 15000, 0), (75000, 40000, 0), (45000, 40000, 0)])
    mb.add_face([(30000, 25000, 0), (45000, 25000, 0), (45000, 40000, 0), (30000, 40000, 0)])
    reg = msp.add_region(dxfattribs={"layer": "A-AREA-FIRE"})  # ASCII: R2000 escapes CJK names
    acis.export_dxf(reg, [acis.body_from_mesh(mb)])
    for x, y in ((10, 0), (60, 40)):
        _door(doc, msp, x, y)
    doc.saveas(tmp_path / "r.dxf")
    doc = ezdxf.readfile(tmp_path / "r.dxf")
    geo = extract(doc, load_layer_map(), PARAMS)
    assert [round(geo.m2(f.geom.area)) for f in geo.of("compartment")] == [2850]
    assert _fire(doc) == [("FR-07", 2850.0)]


def test_an_unreadable_region_gives_nothing():
    doc, msp = _doc()
    msp.add_region(dxfattribs={"layer": "防火分区"})  # no ACIS data at all
    geo = extract(doc, load_layer_map(), PARAMS)
    assert geo.of("compartment") == []


def test_hatch_paths_side_by_side_are_compartments_of_their_own():
    """One hatch on the compartment layer, one path per compartment (50 × 40 and 70 × 40 m sharing
    the edge x = 50 m) and a 10 × 10 m courtyard path inside the first: 1900 and 2800 m², not one
    4700 m² area."""
    doc, msp = _doc()
    h = msp.add_hatch(dxfattribs={"layer": "防火分区"})
    for r in (_rect(0, 0, 50, 40), _rect(50, 0, 70, 40), _rect(20, 15, 10, 10)):
        h.paths.add_polyline_path(r, is_closed=True)
    geo = extract(doc, load_layer_map(), PARAMS)
    assert sorted(round(geo.m2(f.geom.area)) for f in geo.of("compartment")) == [1900, 2800]


def test_hatch_paths_side_by_side_stay_one_building():
    """A building's footprint hatched as two paths sharing an edge is one building (even-odd)."""
    doc, msp = _doc()
    h = msp.add_hatch(dxfattribs={"layer": "总图-建筑物"})
    for r in (_rect(0, 0, 50, 40), _rect(50, 0, 20, 20)):
        h.paths.add_polyline_path(r, is_closed=True)
    geo = extract(doc, load_layer_map(), {})
    assert [round(geo.m2(f.geom.area)) for f in geo.of("building")] == [2400]


@pytest.mark.parametrize("outlines", [[(0, 0, 50, 40), (50, 0, 70, 40)], [(0, 0, 120, 40)]])
def test_a_fire_wall_drawn_as_a_thin_band_is_no_compartment(outlines):
    """The fire wall at x = 50 m drawn as a closed 0.2 m band on the compartment layer, between two
    compartment outlines or across one floor outline: two compartments (≈ 2000 and 2800 m²), no
    8 m² compartment without exits."""
    doc, msp = _doc()
    for r in outlines:
        msp.add_lwpolyline(_rect(*r), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_lwpolyline(_rect(49.9, 0, 0.2, 40), close=True, dxfattribs={"layer": "防火分区"})
    for x, y in ((10, 0), (40, 40), (60, 0), (110, 40)):
        _door(doc, msp, x, y)
    geo = extract(doc, load_layer_map(), PARAMS)
    assert sorted(round(geo.m2(f.geom.area) / 10) * 10 for f in geo.of("compartment")) == [2000, 2800]
    assert [r for r, _ in _fire(doc)] == ["FR-07"]


def test_a_narrow_room_outline_is_still_a_room():
    """Only the compartment-like classes drop bands: a 0.8 m wide room (a shaft) stays."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 0.8, 3), close=True, dxfattribs={"layer": "SPACE"})
    geo = extract(doc, load_layer_map(), PARAMS)
    assert len(geo.of("room")) == 1


def _split_title(left, right, gap):
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 15, 40), close=True, dxfattribs={"layer": "防火分区"})  # 600 m²
    for x, y in ((3, 0), (12, 40)):
        _door(doc, msp, x, y)
    msp.add_text(left, height=700, dxfattribs={"layer": "PUB_TEXT", "insert": (0, -6000)})
    msp.add_text(right, height=700, dxfattribs={"layer": "PUB_TEXT", "insert": (gap * 1000, -6000)})
    return doc


@pytest.mark.parametrize("left", ["地下一层", "负一层", "B1", "-1F", "地下室"])
def test_a_basement_title_split_over_two_texts_sets_the_underground_limit(left):
    """GB 50016 5.3.1: 600 m² is over an underground storey's 500 m² (fine above ground)."""
    doc = _split_title(left, "平面图", 3.1)
    assert _fire(doc) == [("FR-07", 600.0)]


@pytest.mark.parametrize("left, right, gap", [("地下一层", "平面图", 30.0),  # far apart: two things
                                              ("地下一层", "2500㎡", 3.1),  # an area table's row
                                              ("三层", "平面图", 2.2)])
def test_texts_that_make_no_basement_title(left, right, gap):
    doc = _split_title(left, right, gap)
    assert _fire(doc) == []


@pytest.mark.parametrize("layer", ["女儿墙", "A-ROOF-PARAPET"])
@pytest.mark.parametrize("faces", [1, 2])
def test_a_roof_outlined_by_its_parapet(layer, faces):
    """A 45 × 30 m roof whose edge is only its parapet (one outline, or its outer and inner face
    0.2 m apart): one roof outline, the outer one, so GB 50057 4.3.1's mesh is checked on it."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 45, 30), close=True, dxfattribs={"layer": layer})
    if faces == 2:
        msp.add_lwpolyline(_rect(0.2, 0.2, 44.6, 29.6), close=True, dxfattribs={"layer": layer})
    msp.add_lwpolyline(_rect(0, 0, 45, 30), close=True, dxfattribs={"layer": "接闪带"})
    for x in (15, 30):
        msp.add_line((x * 1000, 0), (x * 1000, 30000), dxfattribs={"layer": "接闪带"})
    for y in (10, 20):
        msp.add_line((0, y * 1000), (45000, y * 1000), dxfattribs={"layer": "接闪带"})
    geo = extract(doc, load_layer_map(), {"lightning_class": 2})
    assert [round(geo.m2(f.geom.area)) for f in geo.of("roof_outline")] == [1350]
    result = run_checks(doc, {"lightning_class": 2}, disciplines=["lightning"])
    assert sum(f.rule_id == "LP-02" for f in result.findings) == 1  # one 15 × 10 m cell reported


def test_an_outline_a_wall_inside_another_is_the_same_compartment():
    """A compartment drawn by its wall's outer and inner face (0.3 m apart): one compartment."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 20, 20), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_lwpolyline(_rect(0.3, 0.3, 19.4, 19.4), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_lwpolyline(_rect(5, 5, 4, 4), close=True, dxfattribs={"layer": "防火分区"})  # a shaft: no face
    geo = extract(doc, load_layer_map(), PARAMS)
    assert sorted(round(geo.m2(f.geom.area)) for f in geo.of("compartment")) == [384]


def _inner_compartment(doc, msp, exits_inner):
    msp.add_lwpolyline(_rect(0, 0, 60, 45), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_lwpolyline(_rect(20, 15, 20, 20), close=True, dxfattribs={"layer": "防火分区"})
    for x, y in [(10, 0), (50, 45), *exits_inner]:
        _door(doc, msp, x, y)


@pytest.mark.parametrize("linked", [False, True])
def test_a_label_on_a_leader_names_the_compartment_it_points_into(linked):
    """防火分区二 outside the floor on a LEADER pointing into the inner outline: the inner outline is
    a compartment of its own (400 m², one exit: FR-08), not a void of the outer one."""
    doc, msp = _doc()
    _inner_compartment(doc, msp, [(25, 15)])
    t = msp.add_text("防火分区二", height=500, dxfattribs={"layer": "PUB_TEXT", "insert": (70000, 50000)})
    ld = msp.add_leader([(30000, 25000), (66000, 50000), (69500, 50000)], dxfattribs={"layer": "PUB_TEXT"})
    if linked:
        t.dxf.insert = (90000, 60000)  # the link decides, not the distance
        ld.dxf.annotation_handle = t.dxf.handle
    geo = extract(doc, load_layer_map(), PARAMS)
    assert sorted(round(geo.m2(f.geom.area)) for f in geo.of("compartment")) == [400, 2300]
    assert _fire(doc) == [("FR-08", 1)]


def test_a_text_far_from_a_leaders_tail_stays_where_it_is():
    """A LEADER whose tail has no text near it (2 heights away and more) moves nothing: the inner
    outline is an unlabelled void."""
    doc, msp = _doc()
    _inner_compartment(doc, msp, [(25, 15)])
    msp.add_text("防火分区二", height=500, dxfattribs={"layer": "PUB_TEXT", "insert": (71000, 50000)})
    msp.add_leader([(30000, 25000), (66000, 50000), (69500, 50000)], dxfattribs={"layer": "PUB_TEXT"})
    geo = extract(doc, load_layer_map(), PARAMS)
    assert [round(geo.m2(f.geom.area)) for f in geo.of("compartment")] == [2300]


def test_an_outline_drawn_with_a_spike_is_still_a_compartment():
    """A vertex drawn 3 m out and back along one line (a zero-area spike): the repaired outline
    is the 75 × 40 m polygon, checked as one (3000 m² over 2500 m²)."""
    doc, msp = _doc()
    pts = [(0, 0), (37500, 0), (37500, -3000), (37500, 0), (75000, 0), (75000, 40000), (0, 40000)]
    msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": "防火分区"})
    for x, y in ((10, 0), (60, 40)):
        _door(doc, msp, x, y)
    geo = extract(doc, load_layer_map(), PARAMS)
    assert [(f.geom.geom_type, round(geo.m2(f.geom.area))) for f in geo.of("compartment")] == [("Polygon", 3000)]
    assert _fire(doc) == [("FR-07", 3000.0)]


def _attrib_doors(codes, tag="编号"):
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 40), close=True, dxfattribs={"layer": "防火分区"})
    b = doc.blocks.new("门")
    b.add_line((0, 0), (1000, 0))
    b.add_arc((0, 0), 1000, 0, 90)
    b.add_attdef(tag, (0, -400), dxfattribs={"height": 300})
    for (x, y), code in zip(((12.5, 0), (37.5, 40), (25, 20)), codes):
        ref = msp.add_blockref("门", (x * 1000, y * 1000), dxfattribs={"layer": "A-DOOR"})
        ref.add_auto_attribs({tag: code})
    return doc


def test_a_generic_door_block_is_read_by_the_code_in_its_attrib():
    """GB 50016 5.5.18: the exit 门 {编号: FM乙0821} is 0.8 m wide (< 0.9 m); the interior door
    门 {编号: FM甲1221} in the middle of the floor is an exit by its code (a fire door)."""
    doc = _attrib_doors(["FM甲1221", "FM乙0821", "FM甲1221"])
    geo = extract(doc, load_layer_map(), PARAMS)
    assert sorted(f.attrs.get("width_m") for f in geo.of("exit")) == [0.8, 1.2, 1.2]
    result = run_checks(doc, PARAMS, disciplines=["fire"])
    assert sorted(f.rule_id for f in result.findings) == ["FR-12"]


def test_a_door_numbered_in_its_attrib_is_no_sheet_frame(tmp_path):
    """A door block whose ATTRIB is tagged 编号 (the door's number) is no title block: the model
    space is one sheet, not one per door."""
    from drawreview.rules.sheetcheck import check_file, load_drawing, model_sheets

    doc = _attrib_doors(["M1", "M2"])
    doc.saveas(tmp_path / "d.dxf")
    assert len(model_sheets(load_drawing(tmp_path / "d.dxf"))) <= 1
    (_, result), = check_file(tmp_path / "d.dxf", PARAMS, disciplines=["fire"])
    assert [f.rule_id for f in result.findings] == []
