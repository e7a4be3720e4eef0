"""A finding's facts on one line, as the report prints them (rules.finding.facts_line)."""

from __future__ import annotations

from drawreview.rules.finding import facts_line


def test_facts_of_one_source_share_a_line_and_a_default_is_marked():
    label = "图面文字 text on sheet:「2#楼办公 H=54.0 18F 耐火等级一级」"
    line = facts_line({"2#楼办公.height": label, "2#楼办公.storeys": label, "1#楼.height": label,
                       "sprinklers": "默认值 default", "new_fact": "项目参数 project parameter"})
    assert line == (f"2#楼办公 高度、层数；1#楼 高度 ← {label}；"
                    "自动喷水灭火系统 ← 默认值 default（图面未注明，请核实 not on the drawing: verify）；"
                    "new_fact ← 项目参数 project parameter")
    assert facts_line({}) == ""
