"""Habits found by the twelfth outside probe (tests/rules/corpus/outside12.py, decision 163): English storey
titles below ground (``LEVEL -1 PLAN``), a height with its unit in brackets (``建筑高度(m): 53.85``), English
fire-lane layers, CASS parcel boundaries (``JZX``), dimension overrides in another unit (``6.00m``). Each with
spellings and variants the corpus does not draw, and near-misses that must not be read."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks

M = 1000.0
FLOOR = {"use": "office", "building_height_m": 18.0, "sprinklers": False}
SITE = {"project_type": "building", "use": "office"}


def _doc():
    doc = ezdxf.new("R2010", setup=True)
    doc.header["$INSUNITS"] = 4
    return doc, doc.modelspace()


def _rect(space, x, y, w, h, layer):
    return space.add_lwpolyline([(x * M, y * M), ((x + w) * M, y * M), ((x + w) * M, (y + h) * M), (x * M, (y + h) * M)],
                                close=True, dxfattribs={"layer": layer})


def _text(space, s, x, y, h_mm=3.5, scale=100, layer="标注"):
    return space.add_text(s, dxfattribs={"layer": layer, "height": h_mm * scale, "insert": (x * M, y * M)})


def _rules(doc, params):
    return [(f.rule_id, f.severity) for f in run_checks(doc, params).findings]


# --- an English title of a storey below ground -------------------------------------------------------------------

def _floor(title):
    """A 25 × 23 m compartment (575 m²: over 5.3.1's 500 m² underground, under 2500 m² above) titled *title*."""
    doc, msp = _doc()
    _rect(msp, 5, 5, 25, 23, "防火分区")
    _text(msp, "防火分区一", 10, 15)
    _text(msp, title, 5, -3, 5.0)
    return doc


@pytest.mark.parametrize("title", [
    "LEVEL -1 PLAN", "LEVEL-2 FLOOR PLAN", "L-1 PLAN", "FLOOR -1 PLAN", "-1 FLOOR PLAN", "LEVEL -01 PLAN",
    "Level -1 Plan 1:100", "LOWER GROUND FLOOR PLAN", "SUB-BASEMENT PLAN",
])
def test_an_english_title_of_a_storey_below_ground_is_underground(title):
    assert ("FR-07", "error") in _rules(_floor(title), FLOOR)


@pytest.mark.parametrize("title", [
    "LEVEL 1 PLAN", "LEVEL 10 PLAN", "L1 PLAN",  # storeys above ground
    "LEVEL -1.500 PLAN", "-1.500 PLAN",  # a level in metres, not a storey's number
    "SECTION 1-1 PLAN", "STAIR-1 PLAN", "TYPE-2 PLAN",  # a name's number after a hyphen
    "GROUND FLOOR PLAN", "UPPER GROUND FLOOR PLAN",
])
def test_an_english_title_of_a_storey_above_ground_is_not_underground(title):
    assert ("FR-07", "error") not in _rules(_floor(title), FLOOR)


# --- a height with its unit in brackets ----------------------------------------------------------------------------

def _pair(note, gap=11.0):
    """Two 30 × 15 m office buildings *gap* m apart (11 m: under the high-rise pair's 13 m, over the low pair's
    6 m), each labelled *note* and 一级."""
    doc, msp = _doc()
    for y in (10.0, 25.0 + gap):
        _rect(msp, 10, y, 30, 15, "A-MAST-ROOF")
        _text(msp, note, 12, y + 2, scale=500)
        _text(msp, "一级", 12, y + 6, scale=500)
    return doc


@pytest.mark.parametrize("note", [
    "建筑高度(m): 53.85", "建筑高度（m）：53.85", "高度(m)=53.85", "H(m)=53.85", "H（m）:53.85", "建筑高度[m]: 53.85",
    "建筑高度(米)：53.85", "HEIGHT (m): 53.85",
])
def test_a_height_with_its_unit_in_brackets_is_read(note):
    assert ("FR-01", "error") in _rules(_pair(note), SITE)


@pytest.mark.parametrize("note", [
    "建筑高度(mm): 53850",  # another unit: not read as metres
    "建筑面积(m²): 5385",
    "层高(m): 53.85",  # a storey's height
    "净高(m): 53.85",
])
def test_a_bracketed_unit_of_something_else_is_not_a_height(note):
    assert ("FR-01", "error") not in _rules(_pair(note), SITE)


# --- a fire lane on an English layer -------------------------------------------------------------------------------

def _lane(layer, width=3.5):
    """A site with a five-storey office and a 80 m lane *width* m wide (3.5 m: under 7.1.8's 4.0 m) on *layer*."""
    doc, msp = _doc()
    _rect(msp, 0, 0, 120, 100, "A-REDL")
    _rect(msp, 30, 30, 40, 20, "A-MAST-ROOF")
    _text(msp, "5F", 32, 32, scale=500)
    _rect(msp, 10, 10, 80, width, layer)
    return doc


@pytest.mark.parametrize("layer", [
    "FIRE ACCESS ROAD", "FIRE_ACCESS_ROUTE", "C-FIRE-ACCESS-WAY", "FIRE ROAD", "Fire-Road", "EVA", "C-EVA", "EVA-ROAD",
    "EMERGENCY VEHICLE ACCESS",
])
def test_a_lane_on_an_english_fire_lane_layer_is_a_fire_lane(layer):
    assert ("FR-02", "error") in _rules(_lane(layer), SITE)


@pytest.mark.parametrize("layer", ["FIRE HYDRANT", "ROAD", "C-ROAD", "FIRE HYDRANT ROAD", "EVAC ROUTE", "EVACUATION",
                                   "FIRE ACCESS PANEL", "EVAPORATOR"])
def test_a_layer_that_names_no_fire_lane_is_not_one(layer):
    assert ("FR-02", "error") not in _rules(_lane(layer), SITE)


def test_a_wide_lane_on_an_english_layer_passes():
    assert ("FR-02", "error") not in _rules(_lane("FIRE ACCESS ROAD", 4.5), SITE)


# --- a site boundary on the surveyor's CASS layer ------------------------------------------------------------------

def _parcel(layer, cross=True, at=(512300.0, 3456700.0)):
    """A 100 × 100 m parcel on *layer* at survey coordinates, 界址点 circles on JZD, and a 20 × 30 m footprint
    that crosses its east side by 6 m (*cross*) or stays 10 m inside."""
    doc, msp = _doc()
    e0, n0 = at
    _rect(msp, e0, n0, 100, 100, layer)
    for i, (x, y) in enumerate(((0, 0), (100, 0), (100, 100), (0, 100)), 1):
        msp.add_circle(((e0 + x) * M, (n0 + y) * M), 500.0, dxfattribs={"layer": "JZD"})
        _text(msp, f"J{i}", e0 + x + 1, n0 + y + 1, scale=500, layer="JZD")
    _rect(msp, e0 + (86 if cross else 70), n0 + 30, 20, 30, "A-MAST-ROOF")
    _text(msp, "5F", e0 + (88 if cross else 72), n0 + 32, scale=500)
    return doc


@pytest.mark.parametrize("layer", ["JZX", "ZT-JZX", "界址线", "宗地界址线"])
def test_a_parcel_boundary_on_the_cass_layer_is_the_site_boundary(layer):
    assert ("PL-02", "error") in _rules(_parcel(layer), SITE)
    assert ("PL-02", "error") not in _rules(_parcel(layer, cross=False), SITE)


@pytest.mark.parametrize("layer", ["JZD", "界址点", "DLSS", "JMD", "JZXX"])
def test_other_cass_layers_are_not_the_site_boundary(layer):
    assert ("PL-02", "error") not in _rules(_parcel(layer), SITE)


# --- a dimension override in another unit, written with its unit ---------------------------------------------------

def _dim(override, drawn_m=6.0, insunits=4):
    """A linear dimension *drawn_m* long, its text overridden with *override*, in a millimetre (4) or metre (6)
    drawing."""
    doc, msp = _doc()
    doc.header["$INSUNITS"] = insunits
    k = M if insunits == 4 else 1.0
    _rect(msp, 0, 0, 12, 8, "A-WALL") if insunits == 4 else msp.add_lwpolyline(
        [(0, 0), (12, 0), (12, 8), (0, 8)], close=True, dxfattribs={"layer": "A-WALL"})
    doc.dimstyles.duplicate_entry("EZDXF", "DR1").dxf.dimlfac = 1.0  # ezdxf's own style measures ×100
    d = msp.add_linear_dim(base=(0, -3 * k), p1=(0, 0), p2=(drawn_m * k, 0), text=override, dimstyle="DR1",
                           dxfattribs={"layer": "标注"})
    d.render()
    return doc


def _dr04(doc):
    return [rid for rid, _ in _rules(doc, FLOOR) if rid.startswith("DR-04")]


@pytest.mark.parametrize("override, insunits", [
    ("6.00m", 4), ("6m", 4), ("6.0 m", 4), ("600cm", 4), ("6.00米", 4), ("6.00M", 4), ("L=6.00m", 4),
    ("6000mm", 6), ("6000毫米", 6),
])
def test_an_override_equal_in_another_unit_is_the_measured_value(override, insunits):
    assert not _dr04(_dim(override, insunits=insunits))


@pytest.mark.parametrize("override, insunits", [
    ("6.50m", 4),  # another value in metres
    ("6.00", 4),  # a bare number is in the drawing's unit: 6 mm
    ("5.4m", 4),
    ("6.00m²", 4),  # an area's unit: not a length
    ("6500mm", 6),
])
def test_an_override_of_another_value_still_warns(override, insunits):
    assert _dr04(_dim(override, insunits=insunits))


# --- a door's width from the sheet's door schedule -------------------------------------------------------------------

def _scheduled(rows, title="门窗表", block="M1", label="M1", header="洞口尺寸(mm)"):
    """A room whose door is a block *block* labelled *label* (its drawn leaf 0.8 m, no size in its name), and a
    schedule titled *title* with *rows* (code, size) in a LINE grid to the right; a row of one cell is one text."""
    doc, msp = _doc()
    _rect(msp, 0, 0, 16, 10, "防火分区")
    _rect(msp, 0, 0, 12, 8, "A-WALL")
    _text(msp, "办公室", 4, 4)
    blk = doc.blocks.new(block)
    blk.add_line((0, 0), (800, 0))
    blk.add_arc((0, 0), 800, 0, 90)
    msp.add_blockref(block, (5 * M, 0), dxfattribs={"layer": "A-DOOR"})
    if label:
        _text(msp, label, 5, 1.2, layer="A-DOOR")
    x0, y0 = 20.0, 0.0
    n = len(rows) + 1
    for r in range(n + 1):
        msp.add_line((x0 * M, (y0 + r * 1.2) * M), ((x0 + 18) * M, (y0 + r * 1.2) * M), dxfattribs={"layer": "表格"})
    if title:
        _text(msp, title, x0 + 6, y0 + n * 1.2 + 0.6, 5.0)
    _text(msp, "编号", x0 + 0.5, y0 + (n - 1) * 1.2 + 0.3)
    _text(msp, header, x0 + 4.5, y0 + (n - 1) * 1.2 + 0.3)
    for i, row in enumerate(rows):
        y = y0 + (n - 2 - i) * 1.2 + 0.3
        for j, cell in enumerate(row):
            _text(msp, cell, x0 + (0.5, 4.5, 10.5)[j], y)
    return doc


@pytest.mark.parametrize("kw", [
    dict(rows=[("M1", "800X2100")]), dict(rows=[("M1", "800×2100")]), dict(rows=[("M1", "800*2100")]),
    dict(rows=[("M-1", "800X2100")]),  # the schedule writes the code with a hyphen, the plan without
    dict(rows=[("C1", "1500X1500"), ("M2", "1000X2100"), ("M1", "800X2100", "3")]),  # among other rows
    dict(rows=[("M1 800X2100 3",)]),  # a row written as one text
    dict(rows=[("M1", "800X2100")], title="门窗统计表"), dict(rows=[("M1", "800X2100")], title="DOOR SCHEDULE"),
    dict(rows=[("M1", "2100X800")], header="洞口尺寸 高×宽"),  # the header turns the size round
    dict(rows=[("FM甲1", "800X2100")], block="FM甲1", label="FM甲1"),
    dict(rows=[("M1", "800X2100")], block="DOOR-SWING", label="M1"),  # the code only in the label
    dict(rows=[("M1", "800X2100")], label=None),  # the code only in the block's name
])
def test_a_doors_width_is_read_from_the_door_schedule(kw):
    assert ("FR-12", "error") in _rules(_scheduled(**kw), FLOOR)


@pytest.mark.parametrize("kw", [
    dict(rows=[("M1", "1000X2100")]),  # wide enough
    dict(rows=[("C1", "800X2100")]),  # a window's row
    dict(rows=[("MLC1", "800X2100")]),  # a door-and-window (门连窗)
    dict(rows=[("M1", "2100X800")]),  # 宽×高: 0.8 m high is no door
    dict(rows=[("M1", "")]),  # no size
    dict(rows=[("M1", "800X2100")], title=None),  # no schedule's title on the sheet
    dict(rows=[("M2", "800X2100")]),  # another door's row
])
def test_a_schedule_row_that_is_not_the_doors_gives_no_width(kw):
    assert ("FR-12", "error") not in _rules(_scheduled(**kw), FLOOR)


# --- an English sprinkler provision, and a sprinkler's name alone ---------------------------------------------------

NO_SPRINKLER_PARAM = {"use": "office", "building_height_m": 18.0}


def _sprinkler_floor(note):
    """A 60 × 75 m compartment (4500 m²: over 2500 m², within the sprinklered 5000 m²) holding *note*."""
    doc, msp = _doc()
    _rect(msp, 0, 0, 60, 75, "防火分区")
    _text(msp, note, 2, 37.5, scale=200)
    _text(msp, "3RD FLOOR PLAN", 0, -6, 7.0, scale=200)
    return doc


@pytest.mark.parametrize("note", ["SPRINKLERED THROUGHOUT", "FULLY SPRINKLERED", "SPRINKLER PROTECTED",
                                  "THE BUILDING IS SPRINKLERED THROUGHOUT.", "SPRINKLERS: YES"])
def test_an_english_sprinkler_provision_doubles_the_compartment(note):
    assert ("FR-07", "error") not in _rules(_sprinkler_floor(note), NO_SPRINKLER_PARAM)


@pytest.mark.parametrize("note", [
    "SPRINKLER", "Sprinklers", "AUTOMATIC SPRINKLER SYSTEM", "SPRINKLER SYSTEM:",  # a legend's or a key cell's name
    "NOT SPRINKLERED", "NON-SPRINKLERED", "SPRINKLER PIPE",
])
def test_a_sprinklers_name_or_a_denial_is_no_provision(note):
    assert ("FR-07", "error") in _rules(_sprinkler_floor(note), NO_SPRINKLER_PARAM)


def test_an_explicit_sprinkler_parameter_wins_over_the_note():
    """The project's parameters stated explicitly win over the sheet's words (notes.apply_sheet_facts): outside12's
    fr07-sprinklered-throughout-ok states sprinklers = false, so it stays in OPEN (decision 163)."""
    assert ("FR-07", "error") in _rules(_sprinkler_floor("SPRINKLERED THROUGHOUT"), FLOOR)
