"""Habits found by the eighth outside probe (tests/rules/corpus/outside8.py, decision 146): a door library's
name with its width alone in mm, storeys written ``24/-2``, the lightning class in English, an MTEXT's
inline ``\\H`` height, MTEXT codes in a dimension override and overrides in a metre drawing. Each with
spellings the corpus does not draw, and near-misses that must not be read."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import run_checks
from drawreview.rules.doorcodes import door_width_m
from drawreview.rules.english import lightning_class_of
from drawreview.rules.labels import norm, parse, project_facts, storeys_of
from drawreview.rules.mtextcodes import as_read, plotted_height


def _doc(units=4):
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = units
    return doc, doc.modelspace()


@pytest.mark.parametrize("name, width", [
    ("乙级防火门800", 0.8), ("乙级防火门1000", 1.0), ("甲级防火门-1200mm", 1.2), ("防火门（乙级）900", 0.9),
    ("乙級防火門800", 0.8), ("FIRE DOOR 900", 0.9), ("FIREDOOR-1000", 1.0), ("XREF|丙级防火门600", 0.6),
    # not a door's width alone: a window, a door with a window, two numbers, an indoor unit, out of range
    ("防火窗800", None), ("门连窗1800", None), ("防火门1000-2100", None), ("门800-345678", None),
    ("INDOOR UNIT 900", None), ("OUTDOOR 1000", None), ("乙级防火门", None), ("防火门12000", None),
    ("防火门80", None), ("防火门2.1", None), ("防火门450", None),
    # what was read before stays read so
    ("FM乙-1000X2100", 1.0), ("M1021", 1.0), ("乙级防火门800x2100", 0.8),
])
def test_a_door_librarys_width_alone_in_mm(name, width):
    assert door_width_m(name) == width


@pytest.mark.parametrize("text, storeys", [
    ("24/-2", 24), ("24/B2", 24), ("24 / -2", 24), ("24／－2", 24), ("24F/-2", 24), ("8/-1", 8),
    ("24/-2F", 24), ("24F/B2", 24), ("地上24层/地下2层", 24),
    # a fraction, a date, levels, a longer number, a date with a day
    ("24/2", None), ("2024/-2", None), ("-3.6/-2.5", None), ("24/-2.5", None), ("24/-200", None),
    ("2024/-2/1", None), ("1/-2/3", None),
])
def test_storeys_above_and_below_ground_with_a_slash(text, storeys):
    assert storeys_of(norm(text)) == storeys


@pytest.mark.parametrize("text, cls", [
    ("LIGHTNING PROTECTION CLASS: II", 2), ("Lightning protection class Ⅱ", 2), ("LIGHTNING PROTECTION CLASS 2", 2),
    ("Lightning protection category III", 3), ("防雷 Lightning protection category Ⅲ", 3), ("LPS CLASS 3", 3),
    ("CLASS 2 LIGHTNING PROTECTION", 2), ("LPL I", 1), ("Class of LPS: II", 2), ("Lightning Protection Level: Ⅰ", 1),
    # no class of GB 50057, or no lightning words
    ("LIGHTNING PROTECTION CLASS: IV", None), ("LIGHTNING PROTECTION CLASS 2.5", None), ("CLASS II", None),
    ("FIRE RESISTANCE CLASS II", None), ("Ⅱ", None),
])
def test_the_lightning_class_in_english(text, cls):
    assert lightning_class_of(text) == cls
    assert parse([text]).get("lightning_class") == cls  # a roof's own words
    assert project_facts([text])[0].get("lightning_class") == cls  # a sheet's notes


@pytest.mark.parametrize("content, char_height, height", [
    ("\\H250;注：本层卫生间地面低于楼面20。", 350, 250), ("\\H0.5x;注：本层卫生间", 700, 350),
    ("{\\H2x;注}：本层卫生间地面低于楼面", 175, 175),  # a short heading at twice: the note's own height
    ("{\\H2x;本层卫生间地面低于楼面}注", 175, 350),
    ("注：本层卫生间", 350, 350), ("\\A1;注：本层", 350, 350), ("\\H250;", 350, 350),
])
def test_an_mtexts_plotted_height(content, char_height, height):
    assert plotted_height(content, char_height) == pytest.approx(height)


@pytest.mark.parametrize("inline, warned", [("\\H250;", True), ("\\H0.5x;", True), ("\\H350;", False), ("", False),
                                            ("{\\H2x;注}", False)])
def test_dr02_reads_the_inline_height(inline, warned):
    doc, msp = _doc()
    msp.add_mtext(f"{inline}：本层卫生间地面低于楼面20。", dxfattribs={"char_height": 350, "insert": (0, 0)})
    found = [f.measured for f in run_checks(doc, {"drawing_scale": 100}).findings if f.rule_id == "DR-02"]
    assert bool(found) == warned


@pytest.mark.parametrize("written, read", [
    ("\\A1;6000", "6000"), ("{\\H2.5;\\C1;6000}", "6000"), ("\\W0.8;\\fSimSun|b0;%%c1800", "Ø1800"),
    ("\\L6000\\l", "6000"), ("\\O6000\\o", "6000"), ("6000\\P(typ.)", "6000 (typ.)"), ("6000", "6000"),
])
def test_an_override_as_read(written, read):
    assert as_read(written) == read


def _dim(units, written, length, dimlfac=1.0):
    doc, msp = _doc(units)
    d = msp.add_linear_dim(base=(0, -2), p1=(0, 0), p2=(length, 0), angle=0,
                           override={"dimlfac": dimlfac} if dimlfac != 1.0 else None)
    d.dimension.dxf.text = written
    d.render()
    return [f.rule_id for f in run_checks(doc, {}).findings if f.rule_id == "DR-04"]


@pytest.mark.parametrize("written, warned", [
    ("\\A1;6000", False), ("\\A1;6500", True), ("{\\H2.5;\\C1;6000}", False), ("\\A0;\\W0.8;6500", True),
    ("\\L6000\\l", False), ("6000\\P(typ.)", False), ("\\A1;<>", False),
])
def test_dr04_reads_an_override_without_its_mtext_codes(written, warned):
    assert _dim(4, written, 6000) == (["DR-04"] if warned else [])


@pytest.mark.parametrize("units, written, length, dimlfac, warned", [
    (6, "6.50", 6.0, 1.0, True), (6, "6.00", 6.0, 1.0, False), (6, "6.4", 6.36, 1.0, False),  # rounded as written
    (6, "6.10", 6.0, 1.0, True), (6, "6.0", 6.004, 1.0, False),
    (6, "6000", 6.0, 1000.0, False), (6, "6500", 6.0, 1000.0, True),  # a metre drawing dimensioned in mm
    (5, "600", 600.0, 1.0, False), (5, "650", 600.0, 1.0, True),  # centimetres
    (4, "6000", 6000.0, 1.0, False), (4, "6000", 6000.4, 1.0, False), (4, "6002", 6000.0, 1.0, False),
    (4, "6010", 6000.0, 1.0, True), (4, "3000", 6000.0, 0.5, False),  # millimetres as before, DIMLFAC too
    (4, "3100", 6000.0, 0.5, True),
])
def test_dr04_compares_in_the_unit_the_dimension_shows(units, written, length, dimlfac, warned):
    assert _dim(units, written, length, dimlfac) == (["DR-04"] if warned else [])
