"""Habits found by the ninth outside probe (tests/rules/corpus/outside9.py, decision 153): a sprinkler
system's provision said after its name (a 图例 row), a note struck out or marked cancelled, buildings marked
to be demolished, a sheet named on its layout tab, a title block of ATTRIBs alone, a door inside anonymous
blocks, a mesh drawn as a grid hatch, GB/T 18112 mesh layers, a frame exploded into lines, a ``$n$`` marker
after a layer's name. Each with spellings the corpus does not draw, and near-misses that must not be read."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks
from drawreview.rules.demolition import demolition_mark
from drawreview.rules.engine import _city_defaults, extract, load_layer_map
from drawreview.rules.inserts import wrapped_name
from drawreview.rules.labels import project_facts
from drawreview.rules.layers import normalise
from drawreview.rules.meshes import _spacing, mesh_prims
from drawreview.rules.struck import cancelled

M = 1000.0


def _doc():
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    return doc, doc.modelspace()


def _rect(msp, x, y, w, h, layer, **kw):
    return msp.add_lwpolyline([(x * M, y * M), ((x + w) * M, y * M), ((x + w) * M, (y + h) * M), (x * M, (y + h) * M)],
                              close=True, dxfattribs={"layer": layer, **kw})


def _text(msp, s, x, y, h=350, layer="标注"):
    return msp.add_text(s, dxfattribs={"layer": layer, "height": h, "insert": (x * M, y * M)})


def _params(doc, project=None):
    project = project or {}
    return extract(doc, load_layer_map(None), project, defaults=_city_defaults(None, project)).params


def _ids(doc, params, family):
    return [f.rule_id for f in run_checks(doc, params).findings if f.rule_id.startswith(family)]


# --- a sprinkler system's provision after its name (a legend row) ---------------------------------------------

@pytest.mark.parametrize("text, sprinklers", [
    ("喷淋头（自动喷水灭火系统，全楼设置）", True), ("自动喷水灭火系统全楼设置", True), ("自动喷水灭火系统（按规范设置）", True),
    ("喷淋头(自动喷水灭火系统,均设置)", True), ("洒水喷头：全部覆盖", True),
    ("喷淋头（自动喷水灭火系统，本工程不设置）", False), ("自动喷水灭火系统未设置。", False),
    # a legend that only names the symbol, or says where heads go, or a heading
    ("喷淋头", None), ("喷淋头（下垂型）", None), ("喷淋头设置间距不大于3.6m", None), ("喷淋头的设置", None),
    # read before, read so still
    ("本楼设自动喷水灭火系统", True), ("本工程不设自动喷水灭火系统", False), ("自动喷水灭火系统：无", False),
])
def test_the_provision_said_after_the_systems_name(text, sprinklers):
    assert project_facts([text])[0].get("sprinklers") == sprinklers


# --- a note struck out or marked cancelled ---------------------------------------------------------------------

@pytest.mark.parametrize("text, withdrawn", [
    ("本层设自动喷水灭火系统（取消）", True), ("本层设自动喷水灭火系统(已取消)", True), ("【作废】本层设自动喷水灭火系统", True),
    ("本层设自动喷水灭火系统[删除]", True), ("本层设自动喷水灭火系统，本条取消。", True), ("本层设自动喷水灭火系统 此条作废", True),
    # something else cancelled, or the system itself dropped (a negation, read as no sprinklers)
    ("取消原防火卷帘，改为防火墙", False), ("本层设自动喷水灭火系统（原消火栓取消）", False),
    ("本层取消自动喷水灭火系统", False), ("本层设自动喷水灭火系统", False), ("取消", False),
])
def test_a_note_marked_cancelled(text, withdrawn):
    assert cancelled(text) == withdrawn
    if "设自动喷水" in text:  # a withdrawn note says nothing; one that is not says sprinklers
        assert project_facts([text])[0].get("sprinklers") == (None if withdrawn else True)


@pytest.mark.parametrize("kind, content, read", [
    ("TEXT", "%%k本层设自动喷水灭火系统", None), ("TEXT", "%%K本层设自动喷水灭火系统%%k", None),
    ("MTEXT", "\\K本层设自动喷水灭火系统\\k", None), ("MTEXT", "{\\K本层设自动喷水灭火系统;}", None),
    # one struck word (a correction inside a live note), or no strike at all
    ("TEXT", "%%k原%%k本层设自动喷水灭火系统", True), ("MTEXT", "本层设自动喷水灭火系统\\K（旧）\\k", True),
    ("TEXT", "本层设自动喷水灭火系统", True),
])
def test_a_note_struck_through_says_nothing(kind, content, read):
    doc, msp = _doc()
    if kind == "TEXT":
        msp.add_text(content, dxfattribs={"height": 350, "insert": (0, 0)})
    else:
        msp.add_mtext(content, dxfattribs={"char_height": 350, "insert": (0, 0)})
    assert _params(doc).get("sprinklers") is read or (read is None and not _params(doc).get("sprinklers"))


# --- buildings marked to be demolished ----------------------------------------------------------------------

@pytest.mark.parametrize("text, mark", [
    ("拆除", True), ("待拆", True), ("拟拆除", True), ("现状拆除", True), ("拆除建筑", True), ("现状建筑（拆除）", True),
    ("3#楼 拆除", True), ("已拆", True), ("需拆除", True), ("拆迁", True), ("TO BE DEMOLISHED", True), ("(DEMOLISHED)", True),
    ("Existing building to be demolished", True), ("DEMOLISH", True), ("現狀拆除", True),
    # demolition of something else, or kept
    ("拆除原有围墙", False), ("拆迁安置房", False), ("不拆除", False), ("现状保留", False), ("1#  6层", False),
    ("拆除后新建", False), ("DEMOLITION PLAN", False), ("", False),
])
def test_a_demolition_mark(text, mark):
    assert demolition_mark(text) == mark


def _site(mark, at=(90, 50)):
    doc, msp = _doc()
    _rect(msp, 20, 20, 100, 100, "用地红线")
    _rect(msp, 30, 25, 40, 50, "建筑轮廓")
    _text(msp, "1#  6层", 45, 50, 2500)
    _rect(msp, 80, 30, 30, 40, "建筑轮廓")
    if mark:
        _text(msp, mark, *at, 2500)
    return doc


@pytest.mark.parametrize("mark, at, counted", [
    ("拆除", (90, 50), False), ("待拆", (90, 50), False), ("TO BE DEMOLISHED", (82, 50), False),
    ("拆除原有围墙", (90, 50), True), (None, None, True),
    ("拆除", (75, 10), True),  # a 拆除 note on no building: the footprint stays
])
def test_a_demolished_footprint_counts_in_no_density(mark, at, counted):
    # 2000 m² alone (0.20), 3200 m² with the second footprint (0.32): the limit 0.30
    assert bool(_ids(_site(mark, at), {"density_max": 0.30}, "PL-04")) == counted


# --- a sheet named on its layout tab ------------------------------------------------------------------------

@pytest.mark.parametrize("tab, viewport, under", [
    ("地下一层平面图", True, True), ("B1F平面图", True, True), ("负一层平面布置图", True, True),
    ("一层平面图", True, False), ("布局2", True, False), ("Layout2", True, False),
    ("地下一层平面图", False, False),  # a notes sheet with no viewport: its tab names no plan
])
def test_a_sheet_named_on_its_layout_tab(tab, viewport, under):
    doc, msp = _doc()
    _rect(msp, 5, 5, 30, 30, "防火分区")
    _text(msp, "平面图  1:100", 5, 2, 500)
    lay = doc.layouts.new(tab)
    if viewport:
        lay.page_setup(size=(841, 594), margins=(0, 0, 0, 0), units="mm")
        lay.add_viewport(center=(420, 297), size=(800, 560), view_center_point=(20 * M, 20 * M), view_height=56 * M)
    else:  # the one paper sheet, of notes: its words speak for the model space, its tab's name does not
        lay.add_text("设计说明", dxfattribs={"height": 5})
        doc.layouts.delete("Layout1")
    assert bool(_params(doc).get("underground")) == under


# --- a title block of ATTRIBs alone -------------------------------------------------------------------------

@pytest.mark.parametrize("block, value, height", [
    ("TK-A1", "54.00m", 54.0), ("图签", "建筑高度：36.5米", 36.5), ("TK", "24.00", 24.0), ("TK-A1", "", None),
])
def test_a_title_block_of_attribs_alone(block, value, height):
    doc, msp = _doc()
    blk = doc.blocks.new(block)
    blk.add_attdef("建筑高度", (0, 0), dxfattribs={"height": 500})
    ins = msp.add_blockref(block, (70 * M, 10 * M), dxfattribs={"layer": "图框"})
    ins.add_auto_attribs({"建筑高度": value})
    _rect(msp, 5, 5, 30, 30, "防火分区")
    assert _params(doc).get("building_height_m") == height


# --- a door inside anonymous blocks -------------------------------------------------------------------------

def _wrapped(doc, inner_names):
    blk = doc.blocks.new_anonymous_block("U")
    for n in inner_names:
        blk.add_blockref(n, (0, 0))
    return blk.name


def test_a_door_inside_anonymous_blocks():
    doc, msp = _doc()
    door = doc.blocks.new("FM乙0821")
    door.add_line((0, 0), (0, 800))
    one = _wrapped(doc, ["FM乙0821"])
    two = _wrapped(doc, [one])
    three = _wrapped(doc, [two])
    assert wrapped_name(msp.add_blockref(one, (0, 0))) == "FM乙0821"
    assert wrapped_name(msp.add_blockref(three, (0, 0))) == "FM乙0821"
    # a group of two symbols (or of none) wraps no one symbol; a named block is no wrapping
    assert wrapped_name(msp.add_blockref(_wrapped(doc, ["FM乙0821", "FM乙0821"]), (0, 0))) is None
    assert wrapped_name(msp.add_blockref(_wrapped(doc, []), (0, 0))) is None
    assert wrapped_name(msp.add_blockref(_wrapped(doc, [_wrapped(doc, ["FM乙0821", one])]), (0, 0))) is None


@pytest.mark.parametrize("code, narrow", [("FM乙0821", True), ("FM乙1021", False)])
def test_fr12_reads_a_door_two_anonymous_blocks_deep(code, narrow):
    doc, msp = _doc()
    _rect(msp, 5, 5, 40, 30, "防火分区")
    door = doc.blocks.new(code)
    door.add_line((0, 0), (0, int(code[3:5]) * 100))
    door.add_arc((0, 0), int(code[3:5]) * 100, 0, 90)
    outer = _wrapped(doc, [_wrapped(doc, [code])])
    msp.add_blockref(outer, (19 * M, 35 * M), dxfattribs={"layer": "门窗"})
    assert bool(_ids(doc, {}, "FR-12")) == narrow


# --- a mesh drawn as a grid hatch, and GB/T 18112 mesh layers ---------------------------------------------------

def _hatch(pattern, spacing_m, solid=False):
    doc, msp = _doc()
    hat = msp.add_hatch(dxfattribs={"layer": "接闪带"})
    if solid:
        hat.set_solid_fill()
    else:
        hat.set_pattern_fill(pattern, scale=1.0)
        base = max(_spacing(ln) for ln in hat.pattern.lines)  # the lines' distance apart, across them
        hat.set_pattern_fill(pattern, scale=spacing_m * M / base)
    hat.paths.add_polyline_path([(0, 0), (60 * M, 0), (60 * M, 40 * M), (0, 40 * M)], is_closed=True)
    return hat


@pytest.mark.parametrize("pattern, spacing, read", [
    ("ANSI37", 8.0, True), ("NET", 10.0, True), ("ANSI37", 20.0, True),
    ("ANSI31", 8.0, False),  # one family of parallel lines: no cells
    ("ANSI37", 0.2, False),  # a fine grid: a roof finish
    ("ANSI33", 8.0, False),  # dashed lines: not a conductor
    ("SOLID", 8.0, False),
])
def test_a_grid_hatch_as_a_mesh(pattern, spacing, read):
    hat = _hatch(pattern, spacing, solid=pattern == "SOLID")
    assert bool(mesh_prims(hat, 0.001, "接闪带", "1")) == read


@pytest.mark.parametrize("layer, cls", [
    ("E-LTNG-MESH", "air_termination"), ("E-LP-MESH", "air_termination"), ("E-LTNG-MESH-1", "air_termination"),
    ("E-LTNG-DOWN", "down_conductor"), ("E-LTNG", "air_termination"),
])
def test_gb18112_mesh_layers(layer, cls):
    assert load_layer_map(None).classify(layer, "LINE") == cls


# --- a ``$n$`` marker after a layer's name --------------------------------------------------------------------

@pytest.mark.parametrize("name, read", [
    ("防火分区$0$", "防火分区"), ("建筑轮廓$12$", "建筑轮廓"), ("XREF$0$A-WALL", "a-wall"), ("SITE$12$建筑轮廓", "建筑轮廓"),
    ("XREF|防火分区", "防火分区"), ("XREF$0$防火分区$0$", "防火分区"), ("防火分区", "防火分区"), ("A$B", "a$b"),
])
def test_a_bound_xref_marker_wherever_it_stands(name, read):
    assert normalise(name) == read


# --- a frame exploded into lines and texts ----------------------------------------------------------------

def _exploded(w_mm, h_mm, scale_text="三层平面图  1:100", lines=True, text_h=420):
    doc, msp = _doc()
    s = 100
    x1, y1 = w_mm * s, h_mm * s
    if lines:
        for a, b in (((0, 0), (x1, 0)), ((x1, 0), (x1, y1)), ((x1, y1), (0, y1)), ((0, y1), (0, 0))):
            msp.add_line(a, b, dxfattribs={"layer": "图框"})
    else:
        msp.add_lwpolyline([(0, 0), (x1, 0), (x1, y1), (0, y1)], close=True, dxfattribs={"layer": "图框"})
    if scale_text:
        msp.add_text(scale_text, dxfattribs={"layer": "图框", "height": 500, "insert": (x1 - 18000, 3000)})
    msp.add_text("建施-03", dxfattribs={"layer": "图框", "height": 350, "insert": (x1 - 18000, 1500)})
    msp.add_text("办公室", dxfattribs={"layer": "标注", "height": text_h, "insert": (20000, 20000)})
    return doc


@pytest.mark.parametrize("w, h, scale_text, lines, warned", [
    (841, 594, "三层平面图  1:100", True, True), (841, 594, "三层平面图  1:100", False, True),
    (1051.25, 594, "比例 1:100", True, True),  # A1 lengthened by a quarter
    (420, 297, "1:100", True, True),
    (700, 500, "三层平面图  1:100", True, False),  # no standard sheet at that scale
    (841, 594, None, True, False),  # no scale written: no frame
    (841, 594, "三层平面图  1:50", True, False),  # a scale the rectangle does not fit
])
def test_dr02_reads_a_frame_drawn_as_lines(w, h, scale_text, lines, warned):
    assert bool(_ids(_exploded(w, h, scale_text, lines), {}, "DR-02")) == warned


def test_a_frame_drawn_as_lines_has_its_title_fields():
    doc = _exploded(841, 594)
    # a 3.5 mm text at 1:100 is right: nothing to say
    doc.modelspace().query("TEXT[layer=='标注']")[0].dxf.height = 350
    result = run_checks(doc, {})
    assert not [f for f in result.findings if f.rule_id.startswith(("DR-01", "DR-02"))]


@pytest.mark.parametrize("spacing, too_wide", [(8.0, False), (14.0, True)])
def test_lp02_reads_a_mesh_drawn_as_a_grid_hatch(spacing, too_wide):
    doc, msp = _doc()
    _rect(msp, 0, 0, 60, 40, "屋面轮廓")
    _text(msp, "屋面  第二类防雷", 30, 20)
    hat = _hatch("ANSI37", spacing)  # the grid scaled to the spacing (another drawing): its scale here
    h = msp.add_hatch(dxfattribs={"layer": "接闪带"})
    h.set_pattern_fill("ANSI37", scale=hat.dxf.pattern_scale)
    h.paths.add_polyline_path([(0, 0), (60 * M, 0), (60 * M, 40 * M), (0, 40 * M)], is_closed=True)
    _rect(msp, 0, 0, 60, 40, "接闪带")
    assert bool(_ids(doc, {"lightning_class": 2}, "LP-02")) == too_wide
