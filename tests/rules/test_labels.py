"""The label parser (texts inside a building outline → facts), and sheet-type applicability:
a site-plan-only rule is skipped, with its reason, on a floor plan."""

from __future__ import annotations

import pytest

from drawreview.rules import labels, run_checks
from drawreview.samples.floor import floor_params
from drawreview.samples.site import site_params


@pytest.mark.parametrize("texts,facts", [
    (["H=54.0"], {"height": 54.0}),
    (["H=54.0m"], {"height": 54.0}),
    (["h：23.9米"], {"height": 23.9}),
    (["Ｈ＝５４．０"], {"height": 54.0}),  # full-width, as Chinese input methods type it
    (["18F"], {"storeys": 18}),
    (["18层"], {"storeys": 18}),
    (["3 层"], {"storeys": 3}),
    (["18/2F"], {"storeys": 18}),  # above ground / below ground
    (["18F/-2F"], {"storeys": 18}),
    (["2#楼 H=54.0 18/-1F 耐火等级一级"], {"height": 54.0, "storeys": 18, "rating": 1}),
    (["一级"], {"rating": 1}),
    (["耐火等级：二级"], {"rating": 2}),
    (["耐火等级Ⅲ级"], {"rating": 3}),  # Roman numerals (Ⅰ–Ⅳ; NFKC reads Ⅲ as III)
    (["耐火等级：Ⅱ级"], {"rating": 2}),
    (["檐高54.0m"], {"height": 54.0}),  # 檐高 = 檐口高度
    (["住宅"], {"use": "residential"}),
    (["办公楼"], {"use": "office"}),
    (["幼儿园"], {"use": "nursery"}),
    (["800人"], {"persons": 800}),
    (["第二类防雷"], {"lightning_class": 2}),
    (["1#楼 住宅 18F H=54.0 一级"], {"height": 54.0, "storeys": 18, "rating": 1, "use": "residential"}),
    (["H=54.0", "18层", "一级", "住宅"], {"height": 54.0, "storeys": 18, "rating": 1, "use": "residential"}),
])
def test_label_facts(texts, facts):
    got = labels.parse(texts)
    assert {k: got.get(k) for k in facts} == facts, got


@pytest.mark.parametrize("texts,absent", [
    (["地下2层"], "storeys"),  # a basement count is not the building's storeys
    (["第二类防雷"], "rating"),  # 二类 of lightning protection is not a fire-resistance rating
    (["1:100"], "storeys"),
    (["HX=12"], "height"),
    (["H=54.0"], "storeys"),
    (["1/100"], "storeys"),  # a scale written with a slash is no storey count
])
def test_label_facts_not_misread(texts, absent):
    assert absent not in labels.parse(texts)


def test_label_firsts_win_and_basement_is_flagged():
    got = labels.parse(["H=54.0", "H=60.0", "地下车库"])
    assert got["height"] == 54.0 and got["underground"] is True and got["use"] == "garage"


def test_site_only_rule_is_skipped_with_its_reason_on_a_floor_plan(drawing):
    floor = run_checks(drawing("floor"), floor_params())
    reason = floor.stats["skipped"]["FR-01"]
    assert reason.startswith("not applicable: sheet_type") and "floor_plan" in reason
    assert "FR-01" not in floor.stats["timings"]
    assert not [f for f in floor.findings if f.rule_id == "FR-01"]
    site = run_checks(drawing("site", {"FR-01"}), site_params())  # the same rule runs on a site plan
    assert "FR-01" not in site.stats["skipped"] and "FR-01" in site.stats["timings"]
    assert [f for f in site.findings if f.rule_id == "FR-01"]


def test_roman_rating_in_the_design_notes():
    facts, _ = labels.project_facts(["本工程耐火等级为Ⅰ级"])
    assert facts["default_fire_rating"] == 1
