"""Habits found by the eleventh outside probe (tests/rules/corpus/outside11.py, decision 160): basement titles with
financial numerals or storey ranges, a building's height given as its roof level, a whole sheet inside one
GUID-named block. Each with spellings and variants the corpus does not draw, and near-misses that must not be
read."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks

M = 1000.0
FLOOR = {"use": "office", "building_height_m": 18.0, "sprinklers": False}
SITE = {"project_type": "building", "use": "office"}
GUID = "3f1c9e2a-7b4d-4c8e-a1f2-9d0e5b6c7a81"


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


# --- a basement named with a financial numeral or by a storey range --------------------------------------------

def _basement(*title):
    """A 25 × 23 m compartment (575 m²: over 5.3.1's 500 m² underground, under 2500 m² above) titled *title*
    (one text, or two texts on one row: the storey, then 平面图)."""
    doc, msp = _doc()
    _rect(msp, 5, 5, 25, 23, "防火分区")
    _text(msp, "防火分区一", 10, 15)
    x = 5.0
    for part in title:
        _text(msp, part, x, -3, 5.0)
        x += 0.5 * len(part) + 0.5  # 5 mm at 1:100: 0.5 m a character
    return doc


@pytest.mark.parametrize("title", [
    ("地下贰层平面图",), ("地下貳層平面圖",), ("负贰层平面图",), ("地下叁层防火分区示意图",), ("地下两层平面图",),
    ("B1~B2层平面图",), ("B1-B2平面图",), ("B1～B3层平面图",), ("B1F~B2F平面图",), ("B1、B2层平面图",),
    ("地下一至二层平面图",), ("地下二、三层平面图",), ("地下一层~地下二层平面布置图",), ("负一~负二层平面图",),
    ("-1~-2层平面图",), ("图名=B1~B2层平面图",),
    ("地下贰层", "平面图"), ("B1~B2", "平面图"),  # a title split over two texts of one row
])
def test_a_basement_title_with_a_financial_numeral_or_a_range_is_underground(title):
    assert ("FR-07", "error") in _rules(_basement(*title), FLOOR)


@pytest.mark.parametrize("title", [
    "贰层平面图",  # the second floor in a financial numeral: above ground
    "壹层平面图",
    "B1~3F平面图",  # a range reaching above ground: not every storey underground
    "-1~2层平面图",
    "1~2层平面图",
    "一~二层平面图",
    "详见B1~B2层平面图",  # a cross-reference names another sheet
    "十八层平面图",
])
def test_a_title_that_names_no_basement_is_not_read_as_one(title):
    assert ("FR-07", "error") not in _rules(_basement(title), FLOOR)


# --- a building's height given as its roof level -----------------------------------------------------------------

def _pair(*texts, gap=11.0, outside=None, rating="一级"):
    """Two 30 × 15 m office buildings *gap* m apart (11 m: under the high-rise pair's 13 m, over the low pair's
    6 m), each labelled with *texts* and its rating; *outside*: a text 3 m beside the first one instead."""
    doc, msp = _doc()
    for y in (10.0, 25.0 + gap):
        _rect(msp, 10, y, 30, 15, "A-MAST-ROOF")
        for i, t in enumerate([*texts, rating]):
            _text(msp, t, 12, y + 2 + 4 * i, scale=500)
        if outside:
            _text(msp, outside, 43, y + 5, scale=500)
    return doc


@pytest.mark.parametrize("texts", [
    ("▽+49.950",), ("▽49.950",), ("▽ +49.950 m",),
    ("屋面标高 49.950",), ("屋面标高：+49.950m",), ("屋顶 +49.95",), ("屋面 ▽49.950",), ("主屋面 ▽+49.950",),
    ("屋顶标高=49.950",), ("ROOF LEVEL +49.950",),
    ("▽+0.450", "▽+23.950", "▽+49.950"),  # an entrance, a podium's roof and the tower's: the highest is the top
    ("▽+49.950", "▽±0.000"),
])
def test_a_roof_level_is_the_buildings_height(texts):
    assert ("FR-01", "error") in _rules(_pair(*texts), SITE)


@pytest.mark.parametrize("texts, outside", [
    (("女儿墙顶 ▽+49.950",), None),  # a parapet is not the roof (GB 50016 A.0.1)
    (("机房屋面 ▽+49.950",), None),  # a rooftop machine room's roof
    (("三层 ▽+49.950",), None),  # a level that says it is a floor's
    (("▼49.950",), None),  # filled: an outdoor ground level on a site plan (GB/T 50103)
    (("▽49.95",), None),  # two decimals: a site plan's absolute elevation
    (("▽+49.950", "±0.000=45.300"), None),  # the building's ±0.000 given absolutely: its levels may be absolute
    (("151.00(±0.00)", "▽+49.950"), None),
    (("49.950",), None),  # a number alone says nothing
    ((), "▽+49.950"),  # a level beside the building, in no outline (a section's, a site's)
    (("H=18.0", "▽+49.950"), None),  # an explicit height comes first
])
def test_a_level_that_is_not_the_roof_is_not_a_height(texts, outside):
    assert ("FR-01", "error") not in _rules(_pair(*texts, outside=outside), SITE)


def test_a_roof_level_inside_another_building_is_that_buildings():
    """The tower's roof level in its own footprint makes it high-rise, not its low neighbour: high-rise to
    low-rise (一二级) is 9 m, so 11 m apart raises nothing, though a high-rise pair would."""
    doc, msp = _doc()
    _rect(msp, 10, 10, 30, 15, "A-MAST-ROOF")
    _text(msp, "▽+49.950", 12, 12, scale=500)
    _text(msp, "一级", 12, 16, scale=500)
    _rect(msp, 10, 36, 30, 15, "A-MAST-ROOF")
    _text(msp, "▽+11.950", 12, 38, scale=500)
    _text(msp, "一级", 12, 42, scale=500)
    assert ("FR-01", "error") not in _rules(doc, SITE)


# --- a whole sheet inside one GUID-named block, inserted once ------------------------------------------------

def _sheet(note_mm=2.5, scale=100, stated=None, at=(0.0, 0.0), wrap=0, label_mm=None):
    """The frame (an A1 title block at ×scale), a floor and a note *note_mm* plotted, all in one block named by
    a GUID (wrapped *wrap* blocks deeper) and inserted once at *at* (m); the frame's 比例 says *stated*."""
    doc, msp = _doc()
    tk = doc.blocks.new("TK-A1")
    tk.add_lwpolyline([(0, 0), (841, 0), (841, 594), (0, 594)], close=True)
    tk.add_lwpolyline([(651, 10), (831, 10), (831, 50), (651, 50)], close=True)
    if label_mm:  # the title block's own printed label, drawn in the frame block
        tk.add_text("设计", dxfattribs={"height": label_mm, "insert": (700, 20)})
    for tag, y in (("图名", 35), ("图号", 15), ("比例", 25)):
        tk.add_attdef(tag, (660, y), dxfattribs={"height": 3.5})
    blk = doc.blocks.new(GUID)
    k = scale * 1000 / 1000
    ref = blk.add_blockref("TK-A1", (-3 * M, -3 * M), dxfattribs={"layer": "TK", "xscale": k, "yscale": k})
    ref.add_auto_attribs({"图名": "三层平面图", "图号": "建施-03", "比例": f"1:{stated or scale}"})
    _rect(blk, 5, 5, 55, 40, "防火分区")
    _text(blk, "防火分区一", 10, 15, scale=scale)
    _text(blk, "注：本层防火分区面积详见防火分区示意图", 5, 45, note_mm, scale=scale)
    name = GUID
    for i in range(wrap):
        outer = doc.blocks.new(f"{{{i}-{GUID}}}")
        outer.add_blockref(name, (0, 0))
        name = outer.name
    msp.add_blockref(name, (at[0] * M, at[1] * M))
    return doc


@pytest.mark.parametrize("kw", [
    {},  # the corpus
    {"at": (40500000.0, 3500000.0)},  # inserted at the survey point (CGCS2000)
    {"wrap": 1},  # a GUID block inside another block
    {"scale": 200, "note_mm": 1.75},  # a 1:200 sheet: 350 units is 1.75 mm
    {"note_mm": 3.0},
])
def test_a_sheet_in_one_guid_block_has_its_text_heights_judged(kw):
    assert ("DR-02", "info") in _rules(_sheet(**kw), FLOOR)


@pytest.mark.parametrize("kw", [
    {"note_mm": 3.5}, {"note_mm": 5.0},
    {"scale": 200, "note_mm": 3.5},  # 700 units at the frame's 1:200
    {"note_mm": 3.5, "label_mm": 2.5},  # the title block's own label: the frame's, not the sheet's text
])
def test_a_sheet_in_one_guid_block_with_legal_heights_raises_nothing(kw):
    assert not any(r == "DR-02" for r, _ in _rules(_sheet(**kw), FLOOR))


def test_a_frame_in_a_guid_block_is_measured_at_its_stated_scale():
    """The A1 frame drawn ×100 but stated 1:50 measures 1682 × 1188 mm on paper: no standard size."""
    assert ("DR-01", "warning") in _rules(_sheet(note_mm=7.0, stated=50), FLOOR)
    assert not any(r == "DR-01" for r, _ in _rules(_sheet(note_mm=3.5), FLOOR))
