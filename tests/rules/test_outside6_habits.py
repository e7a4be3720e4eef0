"""Habits found by the sixth outside probe (tests/rules/corpus/outside6.py, decision 137): words written
another way (letter-spaced and ``\\M+`` escaped titles, 半地下室, 平米, ``m^2``, tab stops, 总用地 beside
净用地), dimensions shown through DIMLFAC, and what a sheet draws that is not the checked design."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks
from drawreview.rules.labels import declared_areas, project_facts
from drawreview.rules.wording import letters_joined, unescaped

PARAMS = {"building_height_m": 18.0, "use": "office", "high_rise": False}


def _doc(version="R2018", units=4):
    doc = ezdxf.new(version)
    doc.header["$INSUNITS"] = units
    return doc, doc.modelspace()


def _floor(doc, msp, w, d, x0=0.0, y0=0.0, k=1000.0, door="FM甲1221", layer="防火分区", door_layer="A-DOOR"):
    msp.add_lwpolyline([(x0 * k, y0 * k), ((x0 + w) * k, y0 * k), ((x0 + w) * k, (y0 + d) * k), (x0 * k, (y0 + d) * k)],
                       close=True, dxfattribs={"layer": layer})
    if door not in doc.blocks:
        b = doc.blocks.new(door)
        b.add_line((0, 0), (1.2 * k, 0))
        b.add_arc((0, 0), 1.2 * k, 0, 90)
    for x, y, r in ((x0 + w * 0.25, y0, 0.0), (x0 + w * 0.75, y0 + d, 180.0)):
        msp.add_blockref(door, (x * k, y * k), dxfattribs={"layer": door_layer, "rotation": r})


def _found(doc, params=PARAMS, rules=("FR-07", "FR-08", "FR-12")):
    result = run_checks(doc, params)
    return sorted((f.rule_id, f.measured) for f in result.findings if f.rule_id.startswith(rules))


@pytest.mark.parametrize("text, words", [
    ("地 下 一 层 平 面 图  1:100", "地下一层平面图  1:100"),
    ("地　下　室　平　面　图", "地下室平面图"),  # full-width spaces
    ("图  例", "图例"),
    ("1#楼 一级", "1#楼 一级"),  # words of several characters stay apart
    ("防火分区一  面积2400㎡", "防火分区一  面积2400㎡"),
    ("A B C", "A B C"),
])
def test_letter_spaced_words_are_read_as_words(text, words):
    assert letters_joined(text) == words


@pytest.mark.parametrize("cp, codec", [(5, "gbk"), (2, "big5"), (1, "shift_jis")])
def test_multibyte_escapes_are_read_in_their_code_page(cp, codec):
    word = "地下"
    escaped = "".join(f"\\M+{cp}{c.encode(codec).hex().upper()}" for c in word)
    assert unescaped(escaped + " 1:100") == word + " 1:100"
    assert unescaped(escaped.lower().replace("\\m+", "\\M+")) == word


@pytest.mark.parametrize("title", ["地 下 一 层 平 面 图", "半地下室平面图 1:100", "半地下一层平面图",
                                   "".join(f"\\M+5{c.encode('gbk').hex().upper()}" for c in "地下一层平面图")])
def test_basement_titles_written_another_way_set_the_basement_limit(title):
    """GB 50016 5.3.1: 600 m² is over a basement's 500 m² (a half-sunk storey's too), not over 2500."""
    doc, msp = _doc("R2000")
    _floor(doc, msp, 24.0, 25.0)
    msp.add_text(title, height=700, dxfattribs={"insert": (0, -3000)})
    assert _found(doc) == [("FR-07", 600.0)]


def test_a_half_sunk_storey_named_in_a_note_is_underground():
    assert project_facts(["半地下室平面图 1:100"])[0].get("underground") is True


@pytest.mark.parametrize("text, value", [
    ("总用地面积：31500平米", 31500.0),
    ("总用地面积：31500.00 m^2", 31500.0),
    ("用地面积 31500.00    ㎡", 31500.0),  # an MTEXT's tab stops, read as spaces
])
def test_site_areas_written_another_way(text, value):
    assert declared_areas([text])["用地面积"][0] == value


def test_the_red_line_bounds_the_net_site_not_the_gross_one():
    """总用地 takes in the land given up to roads (代征); the red line bounds 净用地 / 建设用地."""
    texts = ["总用地面积：31500.00㎡", "其中：代征道路用地面积：1500.00㎡", "净用地面积：30000.00㎡"]
    assert declared_areas(texts)["用地面积"][0] == 30000.0
    assert declared_areas(["代征道路用地面积：1500㎡", "总用地面积：31500㎡"])["用地面积"][0] == 31500.0
    assert declared_areas(["规划总用地面积：3.15公顷", "建设用地面积：2.8公顷"])["用地面积"][0] == 28000.0


def test_an_mtext_written_with_tab_stops_gives_its_cells():
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (200000, 0), (200000, 150000), (0, 150000)], close=True,
                       dxfattribs={"layer": "A-REDL"})
    msp.add_mtext("主要技术经济指标\\P总用地面积\\t31500.00\\t㎡\\P总建筑面积\\t3600.00\\t㎡",
                  dxfattribs={"char_height": 2000, "insert": (210000, 140000)})
    found = [(f.rule_id, f.measured) for f in run_checks(doc, {}).findings if f.rule_id.startswith("PL-07")]
    assert found == [("PL-07", 31500.0)]


@pytest.mark.parametrize("k, lfac, written, warned", [
    (1000.0, 0.5, "3000", False),  # a detail drawn twice size: 6000 drawn shows 3000
    (1000.0, 0.5, "2700", True),
    (1.0, 1000.0, "6000", False),  # a drawing in metres dimensioned in mm
    (1.0, 1000.0, "5400", True),
    (1000.0, 1.0, "6000", False),
])
def test_a_dimension_override_is_compared_with_what_dimlfac_shows(k, lfac, written, warned):
    doc, msp = _doc(units=4 if k == 1000.0 else 6)
    d = msp.add_linear_dim(base=(0, -1.5 * k), p1=(0, 0), p2=(6 * k, 0), text=written, override={"dimlfac": lfac},
                           dxfattribs={"layer": "PUB_DIM"})
    d.render()
    got = [(f.measured, f.required) for f in run_checks(doc, {}).findings if f.rule_id == "DR-04"]
    assert got == ([(float(written), 6000.0 * (0.5 if lfac == 0.5 else 1.0))] if warned else [])


@pytest.mark.parametrize("name, code, width", [
    ("FMJ0821", "FM甲0821", 0.8), ("FMY1221", "FM乙1221", 1.2), ("FMB0618", "FM丙0618", 0.6),
    ("甲FM0821", "FM甲0821", 0.8), ("乙级FM1021", "FM乙1021", 1.0), ("FM1221甲", "FM甲1221", 1.2),
    ("FM甲-0821", "FM甲0821", 0.8), ("M1021", "M1021", 1.0), ("三层$0$FMJ1221", "FM甲1221", 1.2),
])
def test_fire_door_codes_in_every_form_read_alike(name, code, width):
    from drawreview.rules.labels import door_code, door_width_m

    assert door_code(name) == code
    assert door_width_m(name) == width


@pytest.mark.parametrize("code", ["FMJ0821", "甲FM0821", "FMY0821", "乙FM0821"])
def test_a_narrow_exit_door_is_found_whatever_the_code_form(code):
    """GB 50016 5.5.18: an exit door is at least 0.90 m wide."""
    doc, msp = _doc()
    _floor(doc, msp, 60.0, 40.0, door=code)
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -4000)})
    assert _found(doc) == [("FR-12", 0.8), ("FR-12", 0.8)]


@pytest.mark.parametrize("code", ["FMB0821", "丙FM0821"])
def test_a_class_c_door_in_any_form_is_no_exit(code):
    doc, msp = _doc()
    _floor(doc, msp, 60.0, 40.0)
    b = doc.blocks.new(code)
    b.add_line((0, 0), (800, 0))
    b.add_arc((0, 0), 800, 0, 90)
    msp.add_blockref(code, (30000, 20000), dxfattribs={"layer": "A-DOOR"})
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -4000)})
    assert _found(doc) == []


def _doorlib(doc, msp, width_mm, at, rotation=0.0, layer="DOOR_FIRE", unit=1.0):
    name = "$DorLib2D$00000012"
    if name not in doc.blocks:
        b = doc.blocks.new(name)
        b.add_line((0, 0), (unit, 0))
        b.add_arc((0, 0), unit, 0, 90)
    s = width_mm / unit
    msp.add_blockref(name, at, dxfattribs={"layer": layer, "rotation": rotation, "xscale": s, "yscale": s})


@pytest.mark.parametrize("width, found", [(800, [("FR-12", 0.8), ("FR-12", 0.8)]), (1200, [])])
def test_a_door_library_block_is_as_wide_as_its_scale(width, found):
    """天正's door library draws each door one unit wide and scales it to the width (no code here)."""
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (60000, 0), (60000, 40000), (0, 40000)], close=True, dxfattribs={"layer": "防火分区"})
    _doorlib(doc, msp, width, (15000, 0))
    _doorlib(doc, msp, width, (45000, 40000), 180.0)
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -4000)})
    assert _found(doc) == found


def test_a_code_written_beside_a_door_library_block_beats_its_scale():
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (60000, 0), (60000, 40000), (0, 40000)], close=True, dxfattribs={"layer": "防火分区"})
    _doorlib(doc, msp, 1200, (15000, 0))
    _doorlib(doc, msp, 1200, (45000, 40000), 180.0)
    msp.add_text("FM甲0821", height=350, dxfattribs={"insert": (13500, 600), "layer": "WINDOW_TEXT"})
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -4000)})
    assert _found(doc) == [("FR-12", 0.8)]


@pytest.mark.parametrize("title", ["图例", "图  例", "LEGEND"])
def test_a_legends_door_samples_are_no_exits(title):
    doc, msp = _doc()
    _floor(doc, msp, 60.0, 40.0)
    for code, y, words in (("FM乙0821", 25000, "乙级防火门"), ("M0721", 22000, "普通木门")):
        b = doc.blocks.new(code)
        b.add_line((0, 0), (800, 0))
        b.add_arc((0, 0), 800, 0, 90)
        msp.add_blockref(code, (71000, y), dxfattribs={"layer": "A-DOOR"})
        msp.add_text(words, height=400, dxfattribs={"insert": (73000, y + 200)})
    msp.add_text(title, height=600, dxfattribs={"insert": (74000, 28500)})
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -4000)})
    assert _found(doc) == []


def test_a_door_outside_the_compartments_without_legend_words_is_still_read():
    """Without a legend's words beside it, an exit door drawn off the outline keeps its width."""
    doc, msp = _doc()
    _floor(doc, msp, 60.0, 40.0)
    b = doc.blocks.new("FM乙0821")
    b.add_line((0, 0), (800, 0))
    b.add_arc((0, 0), 800, 0, 90)
    msp.add_blockref("FM乙0821", (71000, 25000), dxfattribs={"layer": "A-DOOR"})
    msp.add_text("图例", height=600, dxfattribs={"insert": (74000, 28500)})
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -4000)})
    assert _found(doc) == [("FR-12", 0.8)]


def _site(msp, layer_parts, part_boxes):
    msp.add_lwpolyline([(0, 0), (200000, 0), (200000, 150000), (0, 150000)], close=True,
                       dxfattribs={"layer": "A-REDL"})
    msp.add_lwpolyline([(80000, 60000), (120000, 60000), (120000, 78000), (80000, 78000)], close=True,
                       dxfattribs={"layer": "A-MAST-ROOF"})
    for x0, y0, x1, y1 in part_boxes:
        msp.add_lwpolyline([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], close=True, dxfattribs={"layer": layer_parts})


@pytest.mark.parametrize("layer", ["地下室轮廓线", "阳台", "雨篷", "A-BALC"])
@pytest.mark.parametrize("top, found", [(152000, True), (147000, False)])
def test_parts_on_layers_of_their_own_stay_inside_the_red_line(layer, top, found):
    """GB 50352 4.3.1: basements, balconies and canopies do not cross the site's red line either."""
    doc, msp = _doc()
    _site(msp, layer, [(60000, 140000, 140000, top)])
    got = [f.rule_id for f in run_checks(doc, {}).findings if f.rule_id == "PL-02"]
    assert got == (["PL-02"] if found else [])


def test_a_hardstanding_on_a_layer_named_for_rescue_is_read():
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (30000, 0), (30000, 10000), (0, 10000)], close=True,
                       dxfattribs={"layer": "消防扑救场地"})
    result = run_checks(doc, {})
    assert result.stats["features"].get("hardstanding") == 1 and "消防扑救场地" not in result.unmapped_layers


@pytest.mark.parametrize("width, found", [(3.5, [("FR-02", 3.5)]), (4.0, [])])
def test_a_fire_lane_drawn_as_an_mline_is_the_band_it_draws(width, found):
    """GB 50016 7.1.8-1: a lane at least 4.0 m wide; the MLINE's scale is its width (STANDARD style)."""
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (200000, 0), (200000, 150000), (0, 150000)], close=True,
                       dxfattribs={"layer": "A-REDL"})
    msp.add_lwpolyline([(70000, 60000), (110000, 60000), (110000, 78000), (70000, 78000)], close=True,
                       dxfattribs={"layer": "A-MAST-ROOF"})
    msp.add_mline([(20000, 40000), (180000, 40000), (180000, 110000)],
                  dxfattribs={"layer": "消防车道", "scale_factor": width * 1000, "style_name": "STANDARD",
                              "justification": 1})
    got = [(f.rule_id, f.measured) for f in run_checks(doc, {}).findings if f.rule_id == "FR-02"]
    assert got == found


def _unit(msp, x0, x1, y1=36000, layer="人防-防护单元"):
    msp.add_lwpolyline([(x0, 0), (x1, 0), (x1, y1), (x0, y1)], close=True, dxfattribs={"layer": layer})


def _hfm(doc, msp, at, rotation, layer, name="HFM1520"):
    if name not in doc.blocks:
        b = doc.blocks.new(name)
        b.add_line((0, 0), (1500, 0))
        b.add_line((0, 0), (0, 1500))
        b.add_arc((0, 0), 1500, 0, 90)
    msp.add_blockref(name, at, dxfattribs={"layer": layer, "rotation": rotation})


def _ad(doc):
    doc.modelspace().add_text("地下一层人防平面图  1:100", height=700, dxfattribs={"insert": (0, -4000)})
    return sorted((f.rule_id, f.measured) for f in run_checks(doc, {}).findings if f.rule_id == "AD-02")


@pytest.mark.parametrize("name", ["HFM1520", "GHFM1520", "HM1520"])
@pytest.mark.parametrize("doors, found", [(1, [("AD-02", 1)]), (2, [])])
def test_protective_doors_in_the_outer_wall_are_entrances(name, doors, found):
    """GB 50038 3.3.1: two entrances per protection unit; the 防护密闭门 on a door layer is one."""
    doc, msp = _doc()
    _unit(msp, 0, 50000)
    for at, rot in [((10000, 0), 0), ((40000, 36000), 180)][:doors]:
        _hfm(doc, msp, at, rot, "人防门", name)
    assert _ad(doc) == found


def test_a_door_inside_the_unit_is_no_entrance():
    doc, msp = _doc()
    _unit(msp, 0, 50000)
    _hfm(doc, msp, (10000, 0), 0, "人防门")
    _hfm(doc, msp, (25000, 18000), 0, "人防门")
    assert _ad(doc) == [("AD-02", 1)]


@pytest.mark.parametrize("words", ["竖井式应急出口", "应急出口（竖井）"])
def test_a_shaft_on_the_entrance_layer_is_no_entrance(words):
    doc, msp = _doc()
    _unit(msp, 0, 50000)
    _hfm(doc, msp, (10000, 0), 0, "人防出入口")
    _hfm(doc, msp, (50000, 20000), 90, "人防出入口", "HFM1020")
    msp.add_text(words, height=500, dxfattribs={"insert": (52500, 20000)})
    assert _ad(doc) == [("AD-02", 1)]


@pytest.mark.parametrize("label", [True, False])
def test_an_opening_between_two_units_is_no_entrance(label):
    """A 连通口 in the wall two units share counts for neither, labelled or not."""
    doc, msp = _doc()
    _unit(msp, 0, 40000, 40000)
    _unit(msp, 40000, 80000, 40000)
    for at, rot in (((10000, 0), 0), ((50000, 0), 0), ((70000, 40000), 180)):
        _hfm(doc, msp, at, rot, "人防出入口")
    _hfm(doc, msp, (40000, 19000), 90, "人防出入口")
    if label:
        msp.add_text("连通口", height=500, dxfattribs={"insert": (40500, 21000)})
    assert _ad(doc) == [("AD-02", 1)]


@pytest.mark.parametrize("freeze, off, found", [(True, True, []), (True, False, []), (False, True, []),
                                                (False, False, [("FR-07", 4125.0)])])
def test_a_frozen_or_switched_off_layer_is_not_on_the_sheet(freeze, off, found):
    """An old scheme kept on a frozen or switched-off layer is not plotted, so not checked."""
    doc, msp = _doc()
    _floor(doc, msp, 60.0, 40.0)
    old = doc.layers.add("防火分区-原方案")
    if freeze:
        old.freeze()
    if off:
        old.off()
    msp.add_lwpolyline([(-5000, -5000), (70000, -5000), (70000, 50000), (-5000, 50000)], close=True,
                       dxfattribs={"layer": "防火分区-原方案"})
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -8000)})
    assert [x for x in _found(doc) if x[0] == "FR-07"] == found


def test_a_block_on_a_switched_off_layer_still_shows_its_other_layers():
    """AutoCAD hides an INSERT on an off layer only in its layer-0 parts; a frozen one wholly."""
    doc, msp = _doc()
    b = doc.blocks.new("平面")
    b.add_lwpolyline([(0, 0), (60000, 0), (60000, 45000), (0, 45000)], close=True, dxfattribs={"layer": "防火分区"})
    doc.layers.add("底图").off()
    msp.add_blockref("平面", (0, 0), dxfattribs={"layer": "底图"})
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (0, -8000)})
    assert [x for x in _found(doc) if x[0] == "FR-07"] == [("FR-07", 2700.0)]
    doc.layers.get("底图").freeze()
    assert [x for x in _found(doc) if x[0] == "FR-07"] == []


def _zoned_plan(doc, msp, west_w, clip, inverted=False):
    """A floor plan block of two zones (west_w × 40 m and 60 × 50 m), inserted whole and XCLIPped."""
    import ezdxf.xclip

    blk = doc.blocks.new("三层平面图-底图")
    for x0, x1, y1 in ((0.0, west_w, 40.0), (west_w + 20.0, west_w + 80.0, 50.0)):
        blk.add_lwpolyline([(x0 * 1000, 0), (x1 * 1000, 0), (x1 * 1000, y1 * 1000), (x0 * 1000, y1 * 1000)], close=True,
                           dxfattribs={"layer": "防火分区"})
    ins = msp.add_blockref("三层平面图-底图", (0, 0), dxfattribs={"layer": "0"})
    xc = ezdxf.xclip.XClip(ins)
    xc.set_block_clipping_path([(v[0] * 1000, v[1] * 1000) for v in clip])
    msp.add_text("三层平面图  1:100", height=700, dxfattribs={"insert": (0, -5000)})
    return ins


@pytest.mark.parametrize("west_w, found", [(50.0, []), (65.0, [("FR-07", 2600.0)])])
def test_an_xclipped_plan_shows_only_its_zone(west_w, found):
    """The clipped-away zone (3000 m², over 2500) belongs to another sheet."""
    doc, msp = _doc()
    _zoned_plan(doc, msp, west_w, [(-2.0, -2.0), (west_w + 5.0, 45.0)])
    assert [x for x in _found(doc) if x[0] == "FR-07"] == found


def test_a_clip_switched_off_shows_the_whole_plan():
    import ezdxf.xclip

    doc, msp = _doc()
    ins = _zoned_plan(doc, msp, 50.0, [(-2.0, -2.0), (55.0, 45.0)])
    ezdxf.xclip.XClip(ins).disable_clipping()
    assert [x for x in _found(doc) if x[0] == "FR-07"] == [("FR-07", 3000.0)]


def _key_plan_sheet(layer, key_title, w2=50.0, scale_key=0.2, plan_title="一层平面图  1:100"):
    doc, msp = _doc()
    for x0, w in ((0.0, 50.0), (50.0, w2)):
        _floor(doc, msp, w, 40.0, x0=x0)
    msp.add_text(plan_title, height=700, dxfattribs={"insert": (0, -4000)})
    ox = 140.0
    for x0, w in ((0.0, 50.0), (50.0, w2)):
        pts = [(ox + x0 * scale_key, 0), (ox + (x0 + w) * scale_key, 0), (ox + (x0 + w) * scale_key, 40 * scale_key),
               (ox + x0 * scale_key, 40 * scale_key)]
        msp.add_lwpolyline([(x * 1000, y * 1000) for x, y in pts], close=True, dxfattribs={"layer": layer})
        h = msp.add_hatch(color=1, dxfattribs={"layer": layer})
        h.paths.add_polyline_path([(x * 1000, y * 1000) for x, y in pts], is_closed=True)
    if key_title:
        msp.add_text(key_title, height=500, dxfattribs={"insert": (ox * 1000, -3000)})
    return doc


@pytest.mark.parametrize("layer", ["防火分区", "防火分区示意"])
@pytest.mark.parametrize("key_title", ["防火分区示意图  1:500", "防火分区示意图 1:300", "KEY PLAN 1:500"])
def test_a_key_plan_beside_its_plan_is_no_floor(layer, key_title):
    """GB 50016 5.5.8 counts exits on the floor, not on its 1:500 diagram (which has no doors)."""
    assert _found(_key_plan_sheet(layer, key_title)) == []
    assert _found(_key_plan_sheet(layer, key_title, w2=70.0)) == [("FR-07", 2800.0)]


def test_small_compartments_under_no_diagram_title_are_still_checked():
    """Without a 示意图 title the small outlines are compartments of the floor: no exits on them."""
    assert [x[0] for x in _found(_key_plan_sheet("防火分区", None))] == ["FR-08", "FR-08"]


def test_a_sheet_that_is_only_a_compartment_diagram_is_checked():
    """防火分区示意图 1:200 as the sheet's only drawing: its compartments are the floor's."""
    doc, msp = _doc()
    _floor(doc, msp, 60.0, 45.0)
    msp.add_text("一层防火分区示意图  1:200", height=1400, dxfattribs={"insert": (0, -6000)})
    assert _found(doc) == [("FR-07", 2700.0)]


def test_names_written_in_escapes_are_read_as_their_characters():
    """An old or converted file writes a layer's or a block's Chinese name in \\M+ or \\U+ escapes."""
    from drawreview.rules.layers import normalise

    gbk = "".join(f"\\M+5{c.encode('gbk').hex().upper()}" for c in "防火分区")
    assert normalise(gbk) == "防火分区"
    assert normalise("\\U+9632\\U+706B\\U+5206\\U+533A") == "防火分区"
    from drawreview.rules.labels import door_code

    assert door_code("FM\\M+5BCD7" + "1221") == "FM甲1221"


@pytest.mark.parametrize("name, code", [("FM-J0821", "FM甲0821"), ("FM甲级1221", "FM甲1221"),
                                        ("HFM1520", "HFM1520")])  # a protective door keeps its prefix: no FM
def test_more_fire_door_code_forms(name, code):
    from drawreview.rules.labels import door_code

    assert door_code(name) == code


def test_a_door_beside_a_lobby_label_is_no_legend_sample():
    """门厅 names a room, not a kind of door: the door stays the floor's."""
    from drawreview.rules.legends import _describes_door

    assert not _describes_door("门厅")
    assert _describes_door("丙级防火门（管井检修门）") and _describes_door("普通木门")
    assert not _describes_door("FM乙0821")


def test_a_plan_beside_a_larger_compartment_diagram_keeps_the_diagram_when_it_alone_holds_compartments():
    """一层平面图 1:100 with no compartment drawn, and the 防火分区示意图 1:200 holding them: checked."""
    doc, msp = _doc()
    _floor(doc, msp, 60.0, 45.0)
    msp.add_text("一层防火分区示意图  1:200", height=1400, dxfattribs={"insert": (0, -6000)})
    msp.add_text("一层平面图  1:100", height=700, dxfattribs={"insert": (200000, -6000)})
    assert _found(doc) == [("FR-07", 2700.0)]
