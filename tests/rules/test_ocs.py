"""Entities whose OCS is not the WCS: a polyline, circle or text mirrored (or exploded from a
mirrored block) carries extrusion (0, 0, -1) and stores its points with x negated. They are
read where the drawing shows them."""

from __future__ import annotations

import ezdxf

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract

K = 1000.0
FLIP = {"extrusion": (0, 0, -1)}


def _doc():
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    return doc, doc.modelspace()


def test_flipped_compartment_circle_exits_and_texts_are_where_the_drawing_shows_them():
    doc, msp = _doc()
    # the compartment (0,0)-(50,40) m, stored in an OCS whose x axis points to -X
    msp.add_lwpolyline([(-x * K, y * K) for x, y in ((0, 0), (50, 0), (50, 40), (0, 40))], close=True,
                       dxfattribs={"layer": "防火分区", **FLIP})
    for x, y in ((10, 0), (40, 40)):  # exit symbols as circles, one flipped, one not
        attribs = {"layer": "安全出口", **(FLIP if x == 10 else {})}
        msp.add_circle(((-x if x == 10 else x) * K, y * K), 300, dxfattribs=attribs)
    msp.add_text("防火分区一", height=500, dxfattribs={"layer": "文字", "insert": (-20 * K, 20 * K), **FLIP})
    geo = extract(doc, load_layer_map(), {})
    (comp,) = geo.of("compartment")
    assert comp.geom.bounds == (0.0, 0.0, 50 * K, 40 * K)
    assert sorted((round(f.geom.x), round(f.geom.y)) for f in geo.of("exit")) == [(10000, 0), (40000, 40000)]
    (text,) = [t for t in geo.texts if t.text == "防火分区一"]
    assert (round(text.x), round(text.y)) == (20000, 20000)
    result = run_checks(doc, {"sprinklers": False, "building_height_m": 18.0, "use": "office"}, disciplines=["fire"])
    assert not [f for f in result.findings if f.rule_id.startswith("FR-08")]


def test_flipped_building_labels_join_their_building():
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0), (40 * K, 0), (40 * K, 15 * K), (0, 15 * K)], close=True,
                       dxfattribs={"layer": "建筑物"})
    msp.add_text("H=54.0", height=500, dxfattribs={"insert": (-5 * K, 10 * K), "layer": "文字", **FLIP})
    geo = extract(doc, load_layer_map(), {})
    (b,) = geo.of("building")
    assert b.attrs["height"] == 54.0 and b.attrs["sources"]["height"] == "H=54.0"
