"""Rule files are data with citations; every check.kind has a function; the layer map works."""

from __future__ import annotations

import tomllib

import pytest

from drawreview.rules import load_rules
from drawreview.rules.checks import KINDS
from drawreview.rules.layers import normalise
from drawreview.rules.loader import DEFAULT_DIR, load_layer_map

DISCIPLINES = {"planning", "fire", "civil_defence", "lightning", "meteorology", "drawing"}


def test_at_least_25_rules_in_every_discipline_file():
    rules = load_rules()
    assert len(rules) >= 25
    assert {r.discipline for r in rules} == DISCIPLINES
    for d in DISCIPLINES:
        assert (DEFAULT_DIR / f"{d}.toml").exists()


@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_rule_cites_clause_and_has_a_check(rule):
    assert rule.standard.strip() and rule.clause.strip(), f"{rule.id} lacks a clause citation"
    assert rule.kind in KINDS, f"{rule.id}: check.kind {rule.kind!r} has no function"
    assert rule.title_zh and rule.title_en and rule.message_zh and rule.message_en
    assert rule.severity in ("error", "warning", "info")
    assert isinstance(rule.mandatory, bool) and isinstance(rule.verified, bool)


def test_unverified_thresholds_are_flagged():
    by_id = {r.id: r for r in load_rules()}
    for rid in ("FR-09", "FR-10", "FR-11", "AD-01", "AD-04", "PL-05", "MT-02", "DR-01"):
        assert by_id[rid].verified is False


def test_superseded_map_for_gb55037():
    by_id = {r.id: r for r in load_rules()}
    sup = by_id["FR-01"].superseded_by
    assert sup["standard"] == "GB 55037-2022" and sup["verified"] is False
    assert by_id["PL-03"].superseded_by is None


def test_rule_files_hold_no_code():
    for path in DEFAULT_DIR.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert "lambda" not in text and "import " not in text and "eval(" not in text
        tomllib.loads(text)


@pytest.mark.parametrize("layer,cls", [
    ("A-ROAD-RED", "road_red_line"), ("A-REDL-ARCH", "setback_line"), ("A-REDL", "site_boundary"),
    ("A-REDL-GREEN", "green"), ("A-MAST-ROOF", "building"), ("xref1|A-WALL", "wall"),
    ("ＷＡＬＬ", "wall"), ("消防车道", "fire_lane"), ("总图-消防车道", "fire_lane"), ("登高场地", "hardstanding"),
    ("防火分区", "compartment"), ("人防单元", "ad_unit"), ("接闪带", "air_termination"), ("引下线", "down_conductor"),
    ("C-BORDER", "frame"), ("图框", "frame"), ("PUB_TEXT", "annotation"), ("STAIR", "stair"), ("SPACE", "room"),
])
def test_layer_map(layer, cls):
    assert load_layer_map().classify(layer, "LWPOLYLINE") == cls


def test_layer_map_block_filter_and_first_match():
    lm = load_layer_map()
    assert lm.classify("A-DOOR", "INSERT", "FM甲1221") == "exit"
    assert lm.classify("A-DOOR", "INSERT", "M1021") == "door"
    assert lm.classify("随便什么", "LINE") is None
    assert normalise("XREF|Ａ-WALL") == "a-wall"
