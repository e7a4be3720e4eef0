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
