"""Habits found by the tenth outside probe (tests/rules/corpus/outside10.py, decision 154): plans in one model
space each named by the paper layout that shows it, a text's height along its up direction in a stretched block,
notes written on paper space plotted at their own height, dimensions inside inserted blocks. Each with spellings
and variants the corpus does not draw, and near-misses that must not be read."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks
from drawreview.rules.blockcache import BlockCache

M = 1000.0
FLOOR = {"use": "office", "building_height_m": 18.0, "sprinklers": False}


def _doc():
    doc = ezdxf.new("R2018", setup=True)
    doc.header["$INSUNITS"] = 4
    return doc, doc.modelspace()


def _rect(msp, x, y, w, h, layer, **kw):
    return msp.add_lwpolyline([(x * M, y * M), ((x + w) * M, y * M), ((x + w) * M, (y + h) * M), (x * M, (y + h) * M)],
                              close=True, dxfattribs={"layer": layer, **kw})


def _found(doc, params, rule):
    return [f for f in run_checks(doc, params).findings if f.rule_id == rule]


# --- a text's height along its up direction, in a stretched block -------------------------------------------

def _note_block(doc, kind="TEXT", rotation=0.0, h=2.5):
    blk = doc.blocks.new(f"说明{len(doc.blocks)}")
    if kind == "TEXT":
        blk.add_text("注：本层防火分区面积详见说明", dxfattribs={"height": h, "rotation": rotation, "insert": (0, 0)})
    else:
        blk.add_mtext("注：本层防火分区面积详见说明", dxfattribs={"char_height": h, "rotation": rotation, "insert": (0, 0)})
    return blk.name


@pytest.mark.parametrize("kind, turned, sx, sy, rotation, plotted", [
    ("TEXT", 0, 100, 140, 0, 3.5),  # the corpus: ×140 up decides
    ("MTEXT", 0, 100, 140, 0, 3.5),
    ("TEXT", 0, 140, 100, 0, 2.5),  # stretched across only: the letters are wider, no taller
    ("TEXT", 90, 140, 100, 0, 3.5),  # a note turned in the block stands along its X axis
    ("TEXT", 90, 100, 140, 0, 2.5),
    ("MTEXT", 90, 140, 100, 0, 3.5),
    ("TEXT", 0, 100, 140, 90, 3.5),  # the insert turned: the scales apply in the block, before the turn
    ("TEXT", 0, 140, 100, 30, 2.5),
    ("TEXT", 0, 100, -140, 0, 3.5),  # mirrored in Y, or in X: the height is a length
    ("TEXT", 0, -100, 140, 0, 3.5),
    ("TEXT", 0, 100, 100, 0, 2.5),  # uniform, as before
])
def test_a_text_is_as_tall_as_its_up_direction_is_stretched(kind, turned, sx, sy, rotation, plotted):
    doc, msp = _doc()
    ref = msp.add_blockref(_note_block(doc, kind, turned), (0, 0),
                           dxfattribs={"xscale": sx, "yscale": sy, "rotation": rotation})
    (_, _, _, height, _), = BlockCache(doc, 50.0).insert_texts(ref)
    assert height / 100 == pytest.approx(plotted)
    found = _found(doc, {**FLOOR, "drawing_scale": 100}, "DR-02")
    assert [f.measured for f in found] == ([] if plotted == 3.5 else [plotted])


@pytest.mark.parametrize("turned, inner, outer, plotted", [
    (0, (1.0, 1.4), (100, 100), 3.5),  # a note block stretched inside a plan block
    (0, (1.4, 1.0), (100, 100), 2.5),
    (0, (1.0, 1.0), (100, 140), 3.5),
    (90, (1.4, 1.0), (100, 140), 3.5),  # turned 90°: the inner's X and the outer's X (×140 up is its width)
    (0, (1.0, 1.4), (100, 140), 4.9),
])
def test_a_text_two_blocks_deep_is_as_tall_as_both_stretch_it(turned, inner, outer, plotted):
    doc, msp = _doc()
    note = _note_block(doc, "TEXT", turned)
    plan = doc.blocks.new("平面")
    plan.add_blockref(note, (0, 0), dxfattribs={"xscale": inner[0], "yscale": inner[1]})
    ref = msp.add_blockref("平面", (0, 0), dxfattribs={"xscale": outer[0], "yscale": outer[1]})
    (_, _, _, height, _), = BlockCache(doc, 50.0).insert_texts(ref)
    assert height / 100 == pytest.approx(plotted)


# --- a note written on paper space plots at its own height ----------------------------------------------------

def _paper(h=2.5, kind="TEXT", shows=True, units=1, scale=(1.0, 1.0), layer="标注", block=False, viewport=True,
           annotative=False):
    doc, msp = _doc()
    _rect(msp, 5, 5, 55, 40, "防火分区")
    msp.add_text("防火分区一", dxfattribs={"layer": "标注", "height": 350, "insert": (10 * M, 20 * M)})
    lay = doc.layouts.new("三层平面图")
    lay.dxf_layout.dxf.plot_paper_units = units
    lay.dxf_layout.dxf.scale_numerator, lay.dxf_layout.dxf.scale_denominator = scale
    if viewport:
        lay.add_viewport(center=(420, 300), size=(780, 540), view_center_point=((40 if shows else 400) * M, 28 * M),
                         view_height=54 * M)
    doc.layers.add(layer)
    words = "注：本层防火分区面积详见说明"
    if block:
        blk = doc.blocks.new("说明")
        blk.add_text(words, dxfattribs={"height": h, "insert": (0, 0)})
        lay.add_blockref("说明", (40, 60), dxfattribs={"layer": layer})
    elif kind == "TEXT":
        note = lay.add_text(words, dxfattribs={"layer": layer, "height": h, "insert": (40, 60)})
        if annotative:  # paper space's annotation scale is 1:1: the stored height is the plotted one
            doc.appids.new("AcadAnnotative")
            note.set_xdata("AcadAnnotative", [(1000, "AnnotativeData"), (1002, "{"), (1070, 1), (1070, 1), (1002, "}")])
    else:
        lay.add_mtext(words, dxfattribs={"layer": layer, "char_height": h, "insert": (40, 60)})
    return doc


@pytest.mark.parametrize("kw, plotted", [
    ({}, 2.5),  # the corpus
    ({"kind": "MTEXT"}, 2.5),
    ({"block": True}, 2.5),  # a note block placed on the layout
    ({"annotative": True}, 2.5),  # annotative: in paper space still its own height
    ({"h": 3.5}, None),  # a legal height
    ({"h": 5.0, "kind": "MTEXT"}, None),
    ({"h": 3.5 / 25.4, "units": 0}, None),  # a layout plotted in inches: 0.138 in is 3.5 mm
    ({"h": 2.5 / 25.4, "units": 0}, 2.5),
    ({"h": 5.0, "scale": (1.0, 2.0)}, 2.5),  # plotted at 1:2
    ({"h": 7.0, "scale": (1.0, 2.0)}, None),
    ({"shows": False}, None),  # its viewport looks elsewhere: another sheet's layout
    ({"viewport": False}, None),  # a sheet of notes that shows no model space: not this sheet (a limit)
])
def test_a_paper_space_note_plots_at_its_own_height(kw, plotted):
    found = _found(_paper(**kw), FLOOR, "DR-02")
    assert [f.measured for f in found] == ([] if plotted is None else [plotted])
    if found:  # it points at the sheet: where the viewport puts the note, in model space
        x0, y0, x1, y1 = found[0].bbox
        assert 1 * M <= x0 <= 79 * M and 1 * M <= y0 <= 55 * M


def test_a_paper_space_note_on_a_frozen_layer_is_not_on_the_sheet():
    doc = _paper(layer="隐藏")
    doc.layers.get("隐藏").freeze()
    assert _found(doc, FLOOR, "DR-02") == []


# --- plans in one model space, each named by its own layout ----------------------------------------------------

def _two_layouts(basement_tab="地下一层平面图", basement_title="地下一层平面图", both_show_third=False):
    doc, msp = _doc()
    _rect(msp, 5, 5, 55, 40, "防火分区")
    _rect(msp, 105, 5, 20, 28, "防火分区")  # 560 m²: over 500 underground, well under 2500 above
    frame = doc.blocks.new("A1图框")
    frame.add_lwpolyline([(0, 0), (841, 0), (841, 594), (0, 594)], close=True)
    frame.add_attdef("图名", (670, 35), dxfattribs={"height": 5})
    basement_x = 40.0 if both_show_third else 140.0
    for tab, title, cx in (("三层平面图", "三层平面图", 40.0), (basement_tab, basement_title, basement_x)):
        lay = doc.layouts.new(tab)
        ins = lay.add_blockref("A1图框", (0, 0))
        if title:
            ins.add_auto_attribs({"图名": title})
        lay.add_viewport(center=(420, 300), size=(780, 540), view_center_point=(cx * M, 28 * M), view_height=54 * M)
    return doc


@pytest.mark.parametrize("tab, title, read", [
    ("地下一层平面图", "地下一层平面图", True),  # the corpus
    ("布局2", "地下一层平面图", True),  # named by its frame's title alone
    ("地下一层平面图", "", True),  # … or by its tab alone
    ("负一层平面图", "", True),
    ("BASEMENT PLAN", "", True),
    ("布局2", "", False),  # a layout without a title says nothing
    ("布局2", "设计说明", False),  # … nor one whose words name no plan
])
def test_a_plan_is_the_floor_its_own_layout_names(tab, title, read):
    found = _found(_two_layouts(tab, title), FLOOR, "FR-07")
    assert [round(f.measured) for f in found] == ([560] if read else [])


def test_layouts_that_disagree_about_one_plan_leave_it_to_the_sheet():
    # the basement's layout looks at the third floor too: the third floor is shown as both, so neither is read
    assert _found(_two_layouts(both_show_third=True), FLOOR, "FR-07") == []


def test_a_stated_parameter_wins_over_a_layouts_title():
    assert _found(_two_layouts(), {**FLOOR, "underground": False}, "FR-07") == []


# --- a dimension inside an inserted block ------------------------------------------------------------------------

def _dim_block(shown="6500", how=None, insert=True):
    doc, msp = _doc()
    st = doc.dimstyles.duplicate_entry("EZDXF", "DR1")
    st.dxf.dimlfac = 1.0
    blk = doc.blocks.new("标注组")
    dim = blk.add_linear_dim(base=(10 * M, 50 * M), p1=(10 * M, 45 * M), p2=(16 * M, 45 * M), dimstyle="DR1",
                             text=shown, dxfattribs={"layer": "PUB_DIM"})
    dim.render()
    if not insert:
        return doc, None
    attrs = {"layer": "0", **{"mirror-x": {"xscale": -1.0}, "mirror-y": {"yscale": -1.0}, "turned": {"rotation": 90.0},
                                "scaled": {"xscale": 2.0, "yscale": 2.0}}.get(how, {})}
    if how == "nested":
        outer = doc.blocks.new("单元组合")
        outer.add_blockref("标注组", (0, 0), dxfattribs={"xscale": -1.0})
        return doc, msp.add_blockref("单元组合", (70 * M, 0), dxfattribs={"layer": "0"})
    return doc, msp.add_blockref("标注组", (70 * M, 0), dxfattribs=attrs)


@pytest.mark.parametrize("shown, how, warned", [
    ("6500", "mirror-x", True),  # the corpus
    ("6500", "mirror-y", True),
    ("6500", "turned", True),
    ("6500", "nested", True),  # a mirrored dimension block inside a unit block
    ("6500", None, True),
    ("6,500", "mirror-x", True),
    ("6000", "mirror-x", False),  # the override agrees
    ("<>", "mirror-x", False),
    ("6000", "scaled", False),  # ×2: the drawing grows, the number shown is the block's own measurement
])
def test_a_dimension_in_an_inserted_block_is_read(shown, how, warned):
    doc, ref = _dim_block(shown, how)
    found = _found(doc, FLOOR, "DR-04")
    assert [f.measured for f in found] == ([6500.0] if warned else [])
    if found:
        assert found[0].handles == [ref.dxf.handle]


def test_a_dimension_in_a_block_never_inserted_is_not_on_the_sheet():
    doc, _ = _dim_block("6500", insert=False)
    assert _found(doc, FLOOR, "DR-04") == []


def test_a_dimension_in_a_block_on_a_frozen_layer_is_not_on_the_sheet():
    doc, _ = _dim_block("6500", "mirror-x")
    doc.layers.add("PUB_DIM").freeze()
    assert _found(doc, FLOOR, "DR-04") == []
