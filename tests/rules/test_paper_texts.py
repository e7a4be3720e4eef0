"""The frame and its notes in a paper-space layout, the plan in model space: the layout whose
viewport shows the plan gives the sheet its words (地下一层平面图 → underground, 500 m² per
compartment, GB 50016 5.3.1); two layouts showing the same region give only the words both write."""

from __future__ import annotations

import ezdxf

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract

K = 1000.0


def _set(title: str = "地下一层平面图", layouts: int = 1, look_at=(10.0, 15.0)):
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (20 * K, 0), (20 * K, 30 * K), (0, 30 * K)], close=True,  # 600 m²
                       dxfattribs={"layer": "防火分区"})
    for x, y in ((2, 0), (18, 30)):
        msp.add_circle((x * K, y * K), 300, dxfattribs={"layer": "安全出口"})
    for i in range(layouts):
        ps = doc.layouts.get("Layout1") if i == 0 else doc.layouts.new(f"B{i}")
        ps.add_viewport(center=(420, 300), size=(760, 500), view_center_point=(look_at[0] * K, look_at[1] * K),
                        view_height=40 * K)
        frame = doc.blocks.get("TK-A1") or doc.blocks.new("TK-A1")
        if not len(frame):
            frame.add_lwpolyline([(0, 0), (841, 0), (841, 594), (0, 594)], close=True)
        ins = ps.add_blockref("TK-A1", (0, 0), dxfattribs={"layer": "TK"})
        ins.add_attrib("图名", title if i == 0 else "三层平面图", insert=(700, 30))
        ps.add_text("设计说明：本层不设自动喷水灭火系统", height=3.5, dxfattribs={"insert": (30, 560)})
    return doc


def test_the_layout_showing_the_plan_gives_the_sheet_its_title_and_notes():
    geo = extract(_set(), load_layer_map(), {})
    assert geo.params.get("underground") is True and geo.params.get("sprinklers") is False
    found = [f for f in run_checks(_set(), {}, disciplines=["fire"]).findings if f.rule_id.startswith("FR-07")]
    assert found and found[0].severity == "error"


def test_layouts_that_do_not_show_the_plan_or_that_disagree_say_nothing():
    assert "underground" not in extract(_set(look_at=(500.0, 500.0)), load_layer_map(), {}).params
    assert "underground" not in extract(_set(layouts=2), load_layer_map(), {}).params
