"""Habits found by the seventh outside probe (tests/rules/corpus/outside7.py, decision 145): outlines as
face entities (polyface, 3DFACE, SOLID, MPOLYGON), layers in pinyin initials, GB/T 18112 and Revit area
layers, traditional characters, a 楼层表's height, notes in a layout without a viewport, fire walls on their
own layer, bracketed and BIM door names, an INSERT in a -Z OCS, a legend's area swatch, site areas with
space-grouped thousands or in English, and DR-04 on radius, diameter and angular dimensions."""

from __future__ import annotations

import ezdxf
import numpy as np
import pytest

from drawreview.rules import run_checks
from drawreview.rules.areas import declared_areas
from drawreview.rules.areatags import named_by
from drawreview.rules.doorcodes import door_code, door_width_m
from drawreview.rules.faces import joined, outline
from drawreview.rules.features import Text
from drawreview.rules.hanzi import simplified
from drawreview.rules.layers import in_words, normalise
from drawreview.rules.loader import load_layer_map
from drawreview.rules.notes import storey_table_height
from drawreview.rules.primitives import Prim

PARAMS = {"building_height_m": 18.0, "use": "office", "high_rise": False}
K = 1000.0


def _doc(units=4):
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = units
    return doc, doc.modelspace()


def _pts(pts):
    return [(x * K, y * K) for x, y in pts]


def _doors(doc, msp, w, d, code="FM甲1221", x0=0.0):
    if code not in doc.blocks:
        b = doc.blocks.new(code)
        b.add_line((0, 0), (1.2 * K, 0))
        b.add_arc((0, 0), 1.2 * K, 0, 90)
    for x, y, r in ((x0 + w * 0.25, 0.0, 0.0), (x0 + w * 0.75, d, 180.0)):
        msp.add_blockref(code, (x * K, y * K), dxfattribs={"layer": "A-DOOR", "rotation": r})


def _title(msp, text="一层平面图  1:100"):
    msp.add_text(text, height=0.7 * K, dxfattribs={"insert": (0, -5 * K)})


def _found(doc, params=PARAMS, rules=("FR-07", "FR-08", "FR-12")):
    return sorted((f.rule_id, f.measured) for f in run_checks(doc, params).findings if f.rule_id.startswith(rules))


# ---------------------------------------------------------------- layer names
@pytest.mark.parametrize("layer, cls", [
    ("ZT-XFCD", "fire_lane"), ("RF-FHDY", "ad_unit"), ("RF_FHDY", "ad_unit"), ("JZ-FHFQ", "compartment"),
    ("ZT-YDHX", "site_boundary"), ("A-FIRE-BNDY", "compartment"), ("防火分區", "compartment"),
    ("防火墙", "fire_wall"), ("A-WALL-FIRE", "fire_wall"), ("Area Boundary", "area_boundary"),
])
def test_layer_names_written_another_way(layer, cls):
    assert load_layer_map().classify(layer, "LWPOLYLINE") == cls


def test_pinyin_initials_are_read_only_as_whole_parts():
    table = {"xfcd": "消防车道"}
    assert in_words("zt-xfcd", table) == "zt-消防车道"
    assert in_words("zt_xfcd_1", table) == "zt_消防车道_1"
    assert in_words("zt-xfcdx", table) == "zt-xfcdx"
    assert load_layer_map().classify("ZT-XFCDX", "LWPOLYLINE") is None


def test_traditional_characters_read_as_simplified():
    assert simplified("地下一層平面圖  1:100") == "地下一层平面图  1:100"
    assert simplified("甲級防火門-單扇") == "甲级防火门-单扇"
    assert simplified("A-WALL") == "A-WALL"
    assert normalise("總圖-消防車道") == "总图-消防车道"


def test_a_traditional_basement_title_sets_the_basement_limit():
    """GB 50016 5.3.1: 600 m² is over a basement's 500 m²."""
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (24, 0), (24, 25), (0, 25)]), close=True, dxfattribs={"layer": "防火分区"})
    _doors(doc, msp, 24, 25)
    _title(msp, "地下一層平面圖  1:100")
    assert _found(doc) == [("FR-07", 600.0)]


# ---------------------------------------------------------------- outlines as face entities
def test_a_massing_box_is_its_footprint():
    lo = np.array([(0, 0), (30, 0), (30, 20), (0, 20)], dtype=float)
    walls = [np.array([lo[j], lo[(j + 1) % 4], lo[(j + 1) % 4], lo[j]]) for j in range(4)]  # on edge in plan
    rings = outline([lo, lo.copy(), *walls])
    assert len(rings) == 1 and abs(abs(_area(rings[0])) - 600.0) < 1e-9


def test_triangles_sharing_an_edge_are_one_face_and_a_small_piece_is_dropped():
    def prim(t="3DFACE", layer="防火分区"):
        return Prim("line", np.zeros((0, 2)), True, layer, t, "1")

    a = np.array([(0, 0), (60, 0), (60, 45)], dtype=float)
    b = np.array([(0, 0), (60, 45), (0, 45)], dtype=float)
    arrow = np.array([(100, 0), (100.3, 0), (100.15, 0.1)], dtype=float)
    out = joined([(a, prim()), (b, prim()), (arrow, prim("SOLID"))], least=1.0)
    assert len(out) == 1 and abs(abs(_area(out[0][0])) - 2700.0) < 1e-9
    apart = joined([(a, prim()), (b, prim(layer="其他"))], least=1.0)
    assert len(apart) == 2  # on two layers: not one face


def _area(c):
    x, y = c[:, 0], c[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


@pytest.mark.parametrize("kind", ["polyface", "3dface", "solid", "mpolygon"])
def test_a_compartment_drawn_as_a_face_entity_is_measured(kind):
    doc, msp = _doc()
    a, b, c, e = [(x, y, 0.0) for x, y in _pts([(0, 0), (60, 0), (60, 45), (0, 45)])]
    layer = {"layer": "防火分区"}
    if kind == "polyface":
        msp.add_polyface(dxfattribs=layer).append_face([a, b, c, e])
    elif kind == "3dface":
        msp.add_3dface([a, b, c, c], dxfattribs=layer)
        msp.add_3dface([a, c, e, e], dxfattribs=layer)
    elif kind == "solid":
        msp.add_solid([a, b, e, c], dxfattribs=layer)
    else:
        msp.add_mpolygon(dxfattribs=layer).paths.add_polyline_path([p[:2] for p in (a, b, c, e)], is_closed=True)
    _doors(doc, msp, 60, 45)
    _title(msp)
    assert _found(doc) == [("FR-07", 2700.0)]


def test_a_solid_arrowhead_on_a_door_layer_is_no_door():
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (60, 0), (60, 40), (0, 40)]), close=True, dxfattribs={"layer": "防火分区"})
    _doors(doc, msp, 60, 40)
    msp.add_solid(_pts([(30, 20), (30.3, 20), (30.15, 20.1)]), dxfattribs={"layer": "A-DOOR"})
    _title(msp)
    assert _found(doc) == []


# ---------------------------------------------------------------- words and tables
@pytest.mark.parametrize("text, value", [
    ("用地面积：19 500.00 ㎡", 19500.0), ("用地面积：19\u2009500 m2", 19500.0), ("Site Area: 1.95 ha", 19500.0),
    ("NET SITE AREA = 18,000 m2", 18000.0), ("用地面积 3 2000㎡", None),
])
def test_site_areas_with_space_grouped_thousands_or_english_keys(text, value):
    got = declared_areas([text]).get("用地面积")
    assert (got[0] if got else None) == value


def _cells(rows, x0=70.0, y0=57.5, h=0.5):
    return [Text((x0 + 8 * j) * K, (y0 - 2 * i) * K, cell, h * K, str(i), "PUB_TEXT", "Standard")
            for i, row in enumerate(rows) for j, cell in enumerate(row) if cell]


def test_a_storey_tables_roof_row_or_top_storey_gives_the_height():
    rows = [("楼层表",), ("层号", "层高(m)", "标高(m)")] + [(f"{n}F", "3.000", f"{(n - 1) * 3.0:.3f}")
                                                        for n in range(18, 0, -1)]
    assert storey_table_height(_cells(rows + [("屋面", "", "54.000")])) == ["建筑高度：54m（楼层表）"]
    assert storey_table_height(_cells(rows)) == ["建筑高度：54m（楼层表）"]  # 51.000 + 3.000
    assert storey_table_height(_cells(rows[1:] + [("屋面", "", "54.000")])) == []  # no table title


def test_notes_in_a_layout_without_a_viewport_speak_for_the_one_drawing():
    """GB 50016 5.3.1: 4800 m² is within 2 × 2500 m² with sprinklers, stated in the layout's note."""
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (80, 0), (80, 60), (0, 60)]), close=True, dxfattribs={"layer": "防火分区"})
    _doors(doc, msp, 80, 60)
    _title(msp)
    params = {"building_height_m": 18.0, "use": "office", "high_rise": False}
    assert _found(doc, params) == [("FR-07", 4800.0)]
    doc.layouts.get("Layout1").add_text("本建筑设置自动喷水灭火系统。", height=3.5, dxfattribs={"insert": (20, 250)})
    assert _found(doc, params) == []


# ---------------------------------------------------------------- doors
@pytest.mark.parametrize("name, code, width", [
    ("FM(甲)0821", "FM甲0821", 0.8), ("FM（乙）1221", "FM乙1221", 1.2), ("FM0821(甲)", "FM甲0821", 0.8),
    ("FM[丙]0618", "FM丙0618", 0.6), ("甲级防火门-单扇-800 x 2100mm-345678-F1", None, 0.8),
    ("防火门 1000×2100", None, 1.0), ("窗 1800x1500", None, None), ("Door 36x84", None, None),
])
def test_bracketed_grades_and_bim_family_sizes(name, code, width):
    assert door_code(name) == code
    assert door_width_m(name) == width


def test_a_door_in_a_minus_z_ocs_stands_where_it_is_drawn():
    """The OCS point (-45, 40) with extrusion (0, 0, -1) is WCS (45, 40), on the north edge: two exits."""
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (60, 0), (60, 40), (0, 40)]), close=True, dxfattribs={"layer": "防火分区"})
    _doors(doc, msp, 60, 40)
    msp.query("INSERT")[-1].dxf.insert = (-45 * K, 40 * K, 0)
    msp.query("INSERT")[-1].dxf.extrusion = (0, 0, -1)
    msp.query("INSERT")[-1].dxf.rotation = 0.0
    _title(msp)
    assert _found(doc) == []


def test_an_exit_door_in_the_open_floor_is_no_exit_but_a_stair_door_is():
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (60, 0), (60, 40), (0, 40)]), close=True, dxfattribs={"layer": "防火分区"})
    _doors(doc, msp, 60, 40)
    north = msp.query("INSERT")[-1]
    north.dxf.insert = (45 * K, 39 * K, 0)  # 1 m inside the outline: in its wall, as a curve may stray
    _title(msp)
    assert _found(doc) == []
    north.dxf.insert = (30 * K, 20 * K, 0)  # the north door moved into the middle
    assert _found(doc) == [("FR-08", 1)]
    msp.add_lwpolyline(_pts([(27, 20), (33, 20), (33, 23), (27, 23)]), close=True, dxfattribs={"layer": "STAIR"})
    assert _found(doc) == []  # … on the outline of an enclosed stair it is one


# ---------------------------------------------------------------- compartments
@pytest.mark.parametrize("shutter", [False, True])
def test_fire_walls_on_their_own_layer_divide_the_floor(shutter):
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (100, 0), (100, 45), (0, 45)]), close=True, dxfattribs={"layer": "防火分区"})
    for y0, y1, layer in (((0, 20, "防火墙"), (20, 26, "防火卷帘"), (26, 45, "防火墙")) if shutter
                          else ((0, 45, "防火墙"),)):
        msp.add_lwpolyline(_pts([(50, y0), (50, y1)]), dxfattribs={"layer": layer})
    _doors(doc, msp, 50, 45)
    _doors(doc, msp, 50, 45, x0=50.0)
    _title(msp)
    assert _found(doc) == []


def test_a_legend_swatch_is_no_compartment():
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (60, 0), (60, 40), (0, 40)]), close=True, dxfattribs={"layer": "防火分区"})
    _doors(doc, msp, 60, 40)
    _title(msp)
    msp.add_text("图例", height=0.8 * K, dxfattribs={"insert": (80 * K, 30 * K)})
    msp.add_lwpolyline(_pts([(80, 25), (83, 25), (83, 26.5), (80, 26.5)]), close=True, dxfattribs={"layer": "防火分区"})
    assert _found(doc) == [("FR-08", 0)]  # the swatch alone, no words beside it
    msp.add_text("防火分区范围", height=0.5 * K, dxfattribs={"insert": (84 * K, 25.3 * K)})
    assert _found(doc) == []


@pytest.mark.parametrize("tags, cls", [
    (["防火分区一"], "compartment"), (["防护单元二"], "ad_unit"), (["抗爆单元"], "blast_unit"),
    (["Fire Compartment 1"], "compartment"), (["办公", "245 m²"], None),
])
def test_an_area_boundary_is_what_its_tag_names(tags, cls):
    assert named_by(tags) == cls


def test_a_revit_area_boundary_tagged_as_a_compartment_is_measured():
    doc, msp = _doc()
    msp.add_lwpolyline(_pts([(0, 0), (60, 0), (60, 45), (0, 45)]), close=True, dxfattribs={"layer": "Area Boundary"})
    _doors(doc, msp, 60, 45)
    _title(msp)
    assert _found(doc) == []  # untagged: an area of some other scheme
    msp.add_text("防火分区一", height=0.5 * K, dxfattribs={"insert": (30 * K, 22 * K), "layer": "Area Tags"})
    assert _found(doc) == [("FR-07", 2700.0)]


# ---------------------------------------------------------------- dimensions
@pytest.mark.parametrize("kind, written, warned", [
    ("radius", "R1500", False), ("radius", "R1800", True), ("diameter", "%%c1500", False),
    ("diameter", "%%c1800", True), ("angle", "90%%d", False), ("angle", "60%%d", True),
    ("linear", "1,200", False), ("linear", "1,500", True),
])
def test_dimension_overrides_on_radii_diameters_angles_and_grouped_numbers(kind, written, warned):
    doc, msp = _doc()
    if kind == "radius":
        d = msp.add_radius_dim(center=(5000, 5000), radius=1500, angle=45)
    elif kind == "diameter":
        d = msp.add_diameter_dim(center=(5000, 5000), radius=750, angle=30)
    elif kind == "angle":
        d = msp.add_angular_dim_2l(base=(1500, 1500), line1=((0, 0), (4000, 0)), line2=((0, 0), (0, 4000)))
    else:
        d = msp.add_linear_dim(base=(0, -1500), p1=(0, 0), p2=(1200, 0), angle=0)
    d.dimension.dxf.text = written
    d.render()
    found = [f.rule_id for f in run_checks(doc, {}).findings if f.rule_id == "DR-04"]
    assert found == (["DR-04"] if warned else [])
