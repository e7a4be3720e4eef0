"""Labels on a MULTILEADER: the text (``H=54.0``, ``18F``) sits outside the outline, the arrowhead
points into it; the building gets the facts, and the separation is judged by them."""

from __future__ import annotations

import ezdxf
from ezdxf.math import Vec2
from ezdxf.render.mleader import ConnectionSide

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract

K = 1000.0


def _site(gap_m: float):
    doc = ezdxf.new("R2018", setup=True)
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    for x0 in (0.0, 40.0 + gap_m):
        msp.add_lwpolyline([(x0 * K, 0), ((x0 + 40) * K, 0), ((x0 + 40) * K, 15 * K), (x0 * K, 15 * K)],
                           close=True, dxfattribs={"layer": "总图-建筑物"})
        ml = msp.add_multileader_mtext("Standard", dxfattribs={"layer": "文字"})
        ml.set_content("H=54.0\\P18F\\P耐火等级二级", char_height=500)
        ml.add_leader_line(ConnectionSide.left, [Vec2((x0 + 8) * K, 7 * K)])
        ml.build(insert=Vec2((x0 + 15) * K, 17 * K))  # the words above the outline
    return doc


def test_multileader_labels_give_their_building_its_facts():
    geo = extract(_site(14.0), load_layer_map(), {})
    assert [(b.attrs["height"], b.attrs["storeys"], b.attrs["rating"]) for b in geo.of("building")] == [
        (54.0, 18, 2), (54.0, 18, 2)]


def test_two_high_rises_labelled_by_leaders_need_13_m():
    def fr01(gap):
        return [f for f in run_checks(_site(gap), {}, disciplines=["fire"]).findings
                if f.rule_id.startswith("FR-01") and f.severity == "error"]

    assert fr01(10.0) and not fr01(14.0)
