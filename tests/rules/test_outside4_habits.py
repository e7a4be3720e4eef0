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
from drawreview.rules.wording import drawn_text

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


@pytest.mark.parametrize("width, narrow", [(3.5, True), (4.5, False)])
def test_a_lane_drawn_as_one_wide_polyline_is_the_strip_it_paints(width, narrow):
    """GB 50016 7.1.8-1: an L-shaped lane drawn as its centre line with the lane's width as the
    polyline's constant width is that strip (3.5 m: too narrow)."""
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (60000, 0), (60000, 50000)], dxfattribs={"layer": "消防车道", "const_width": width * 1000})
    geo = extract(doc, load_layer_map(), {"use": "office"})
    (lane,) = geo.of("fire_lane")
    assert geo.m2(lane.geom.area) == pytest.approx(width * (60 + 50), rel=0.02)
    result = run_checks(doc, {"use": "office"}, disciplines=["fire"])
    assert any(f.rule_id == "FR-02" for f in result.findings) == narrow


def test_a_heavy_line_is_not_an_area():
    """A dividing line drawn with a 0.3 m pen width across a compartment still divides it."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 100, 40), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_lwpolyline([(50000, 0), (50000, 40000)], dxfattribs={"layer": "防火分区", "const_width": 300})
    assert _areas(doc) == [2000, 2000]


def _inner(doc, msp, space, exits_inner):
    for r in (_rect(0, 0, 60, 45), _rect(20, 15, 20, 20)):
        space.add_lwpolyline(r, close=True, dxfattribs={"layer": "防火分区"})
    for x, y in [(10, 0), (50, 45), *exits_inner]:
        _door(doc, msp, x, y)


def test_a_leader_inside_a_plan_block_labels_where_it_points():
    """防火分区二 on a LEADER, both inside the plan block inserted whole (moved 100 m): the inner
    outline is a compartment of its own (400 m², one exit: FR-08)."""
    doc, msp = _doc()
    blk = doc.blocks.new("PLAN")
    _inner(doc, blk, blk, [])
    blk.add_text("防火分区二", height=500, dxfattribs={"layer": "PUB_TEXT", "insert": (70000, 50000)})
    blk.add_leader([(30000, 25000), (66000, 50000), (69500, 50000)], dxfattribs={"layer": "PUB_TEXT"})
    msp.add_blockref("PLAN", (100000, 0))
    for x, y in ((110, 0), (150, 45), (125, 15)):
        _door(doc, msp, x, y)
    assert _areas(doc) == [400, 2300]
    assert _fire(doc) == [("FR-08", 1)]


def _drawn_leader(msp, tip=(30000, 25000), knee=(66000, 50000), arrow=1000.0, solid=True, layer="PUB_TEXT"):
    msp.add_line(tip, knee, dxfattribs={"layer": layer})
    msp.add_line(knee, (69500, 50000), dxfattribs={"layer": layer})
    if solid:
        import math

        d = (knee[0] - tip[0], knee[1] - tip[1])
        n = math.hypot(*d)
        u, v = (d[0] / n, d[1] / n), (-d[1] / n, d[0] / n)
        b = (tip[0] + arrow * u[0], tip[1] + arrow * u[1])
        msp.add_solid([tip, (b[0] + 0.2 * arrow * v[0], b[1] + 0.2 * arrow * v[1]),
                       (b[0] - 0.2 * arrow * v[0], b[1] - 0.2 * arrow * v[1])], dxfattribs={"layer": layer})


def test_a_leader_drawn_as_lines_and_a_solid_arrow_labels_where_it_points():
    doc, msp = _doc()
    _inner(doc, msp, msp, [(25, 15)])
    msp.add_text("防火分区二", height=500, dxfattribs={"layer": "PUB_TEXT", "insert": (70000, 50000)})
    _drawn_leader(msp)
    assert _areas(doc) == [400, 2300]
    assert _fire(doc) == [("FR-08", 1)]


@pytest.mark.parametrize("how", ["no-arrow", "huge-solid", "wall-layer"])
def test_lines_that_make_no_leader_move_nothing(how):
    """Without an arrowhead, with a filled triangle 10 m long (no arrow), or on a layer that is not a
    text layer, the lines are no leader: the inner outline stays an unlabelled void."""
    doc, msp = _doc()
    _inner(doc, msp, msp, [(25, 15)])
    msp.add_text("防火分区二", height=500, dxfattribs={"layer": "PUB_TEXT", "insert": (70000, 50000)})
    _drawn_leader(msp, solid=how != "no-arrow", arrow=10000.0 if how == "huge-solid" else 1000.0,
                  layer="WALL" if how == "wall-layer" else "PUB_TEXT")
    assert _areas(doc) == [2300]


def _walled_floor(doc, msp, width, doors, *, pairs=True, opening=1.2, t=0.24):
    """A width × 40 m floor whose edge is only its walls: 天正 face-line pairs (``t`` apart) broken
    at each door (``opening`` wide, jambs closing the faces), or one closed outline on WALL."""
    if not pairs:
        msp.add_lwpolyline(_rect(0, 0, width, 40), close=True, dxfattribs={"layer": "WALL"})
        return
    gaps = {}
    for x, y in doors:
        gaps.setdefault(y, []).append(x)
    for off in (0.0, t):
        x0, x1, y0, y1 = off, width - off, off, 40 - off
        for y, side in ((y0, 0), (y1, 40)):
            cuts = sorted(gaps.get(side, []))
            start = x0
            for x in cuts:
                msp.add_line((start * 1000, y * 1000), ((x - opening / 2) * 1000, y * 1000), dxfattribs={"layer": "WALL"})
                start = x + opening / 2
            msp.add_line((start * 1000, y * 1000), (x1 * 1000, y * 1000), dxfattribs={"layer": "WALL"})
        for x in (x0, x1):
            msp.add_line((x * 1000, y0 * 1000), (x * 1000, y1 * 1000), dxfattribs={"layer": "WALL"})
    for y, d in ((0, t), (40, -t)):
        for x in gaps.get(y, []):
            for xe in (x - opening / 2, x + opening / 2):
                msp.add_line((xe * 1000, y * 1000), (xe * 1000, (y + d) * 1000), dxfattribs={"layer": "WALL"})


@pytest.mark.parametrize("pairs", [True, False])
def test_a_floor_edged_only_by_its_walls_is_cut_by_the_dividing_line(pairs):
    """The floor's edge only on WALL (天正 wall pairs broken at the doors, or one closed outline),
    the 防火分区线 at x = 50 m on the compartment layer: compartments of 2000 and 2800 m² (the
    second over 2500 m², FR-07)."""
    doc, msp = _doc()
    doors = [(10, 0), (40, 40), (60, 0), (110, 40)]
    _walled_floor(doc, msp, 120, doors, pairs=pairs)
    msp.add_line((50000, 0), (50000, 40000), dxfattribs={"layer": "防火分区"})
    for x, y in doors:
        _door(doc, msp, x - 0.6, y, layer="DOOR_FIRE")
    assert _areas(doc) == [2000, 2800]
    assert _fire(doc) == [("FR-07", 2800.0)]


def test_walls_open_wider_than_a_door_close_no_floor():
    """A 6 m opening (a loading bay) is not closed over: the walls enclose nothing, no compartment."""
    doc, msp = _doc()
    _walled_floor(doc, msp, 120, [(30, 0)], opening=6.0)
    msp.add_line((50000, 0), (50000, 40000), dxfattribs={"layer": "防火分区"})
    assert _areas(doc) == []


def test_a_line_that_divides_nothing_makes_no_compartment_of_the_walls():
    """A compartment-layer line ending inside the floor (a dangle) cuts nothing: no compartment."""
    doc, msp = _doc()
    _walled_floor(doc, msp, 120, [(30, 0)])
    msp.add_line((50000, 0), (50000, 20000), dxfattribs={"layer": "防火分区"})
    assert _areas(doc) == []


def _lane_doc(polylines):
    doc, msp = _doc()
    for pts in polylines:
        msp.add_lwpolyline([(x * 1000, y * 1000) for x, y in pts], dxfattribs={"layer": "消防车道"})
    return doc


@pytest.mark.parametrize("wl", [3.5, 4.5])
def test_lane_edges_turning_into_a_branch_at_a_t_junction(wl):
    """A 120 m lane and a branch off its middle, both wl wide, drawn by three edges: the far edge,
    and two polylines that each run along the main lane and turn up the branch. One lane network of
    120 × wl + wl × (60 − wl) m²; too narrow (FR-02) at 3.5 m."""
    h = wl / 2
    doc = _lane_doc([[(0, wl), (60 - h, wl), (60 - h, 60)], [(60 + h, 60), (60 + h, wl), (120, wl)], [(0, 0), (120, 0)]])
    geo = extract(doc, load_layer_map(), {"use": "office"})
    assert [round(geo.m2(f.geom.area), 1) for f in geo.of("fire_lane")] == [round(120 * wl + wl * (60 - wl), 1)]
    result = run_checks(doc, {"use": "office"}, disciplines=["fire"])
    assert any(f.rule_id == "FR-02" for f in result.findings) == (wl < 4.0)


def test_a_cross_junction_drawn_by_four_turning_edges_is_one_network():
    """Two 4.5 m lanes crossing, each quarter's edge one polyline turning the corner: one network
    (the junction square included), not four arms."""
    h = 2.25
    doc = _lane_doc([[(0, 60 - h), (60 - h, 60 - h), (60 - h, 0)], [(60 + h, 0), (60 + h, 60 - h), (120, 60 - h)],
                     [(120, 60 + h), (60 + h, 60 + h), (60 + h, 120)], [(60 - h, 120), (60 - h, 60 + h), (0, 60 + h)]])
    geo = extract(doc, load_layer_map(), {"use": "office"})
    assert [round(geo.m2(f.geom.area), 1) for f in geo.of("fire_lane")] == [round(2 * 120 * 4.5 - 4.5 * 4.5, 1)]


def test_short_parallel_ticks_on_the_lane_layer_are_no_lane():
    """Two 1 m ticks 4 m apart (a width mark drawn as lines) bound no lane."""
    doc = _lane_doc([[(0, 0), (0, 1)], [(4, 0), (4, 1)]])
    geo = extract(doc, load_layer_map(), {"use": "office"})
    assert geo.of("fire_lane") == []


@pytest.mark.parametrize("shape", ["L", "T", "neck"])
def test_a_narrow_lane_reports_its_own_width_not_a_bends(shape):
    """FR-02's measured width is the narrow lane's: 3.5 m for an L lane (its corner holds a 4.1 m
    circle), for a 3.5 m branch off a 4.5 m lane, and for a 3.5 m neck in a 6 m lane."""
    doc, msp = _doc()
    if shape == "L":
        pts = [(0, 0), (80, 0), (80, 80), (76.5, 80), (76.5, 3.5), (0, 3.5)]
    elif shape == "T":
        pts = [(0, 0), (120, 0), (120, 4.5), (61.75, 4.5), (61.75, 60), (58.25, 60), (58.25, 4.5), (0, 4.5)]
    else:
        pts = [(0, 0), (120, 0), (120, 6), (62.5, 6), (62.5, 3.5), (57.5, 3.5), (57.5, 6), (0, 6)]
    msp.add_lwpolyline([(x * 1000, y * 1000) for x, y in pts], close=True, dxfattribs={"layer": "消防车道"})
    result = run_checks(doc, {"use": "office"}, disciplines=["fire"])
    assert [(f.rule_id, f.measured) for f in result.findings if f.rule_id == "FR-02"] == [("FR-02", 3.5)]
