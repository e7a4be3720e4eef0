"""Doors drawn as loose linework instead of blocks (an exploded 天正 door, a hand-drawn leaf and
swing): one door per leaf-and-arc group, at its hinge; a window's lines stay unusable."""

from __future__ import annotations

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract

K = 1000.0  # millimetres


def _plan(layer: str):
    import ezdxf

    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (50 * K, 0), (50 * K, 40 * K), (0, 40 * K)], close=True,
                       dxfattribs={"layer": "防火分区"})
    # a single door in the bottom wall: hinge (10, 0), leaf up, swing from the wall to the leaf
    msp.add_line((10 * K, 0), (10 * K, 1.2 * K), dxfattribs={"layer": layer})
    msp.add_arc((10 * K, 0), 1.2 * K, 0, 90, dxfattribs={"layer": layer})
    # a double door in the top wall: hinges (39, 40) and (41, 40), leaves down
    for hx, a0, a1 in ((39, 270, 360), (41, 180, 270)):
        msp.add_line((hx * K, 40 * K), (hx * K, 39 * K), dxfattribs={"layer": layer})
        msp.add_arc((hx * K, 40 * K), 1.0 * K, a0, a1, dxfattribs={"layer": layer})
    return doc, msp


def test_exploded_fire_doors_are_exits_at_their_hinges():
    doc, _ = _plan("DOOR_FIRE")
    geo = extract(doc, load_layer_map(), {})
    got = sorted((round(f.geom.x), round(f.geom.y)) for f in geo.of("exit"))
    assert got == [(10000, 0), (40000, 40000)]
    assert geo.unusable == {}
    result = run_checks(doc, {"sprinklers": False, "building_height_m": 18.0, "use": "office"},
                        disciplines=["fire"])
    assert not [f for f in result.findings if f.rule_id.startswith("FR-08")]


def test_exploded_doors_in_the_outer_wall_are_exits_and_window_lines_are_not_doors():
    doc, msp = _plan("A-DOOR")
    for dy in (-0.1, 0.1):  # a window in the right wall: two parallel lines, no swing
        msp.add_line((50 * K + dy * K, 20 * K), (50 * K + dy * K, 21.8 * K), dxfattribs={"layer": "A-DOOR"})
    geo = extract(doc, load_layer_map(), {})
    assert len(geo.of("exit")) == 2 and not geo.of("door")
    assert geo.unusable == {"A-DOOR": 2}


def test_a_door_drawn_as_one_polyline_with_a_bulged_swing_is_one_door_at_its_hinge():
    import math

    import ezdxf

    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (50 * K, 0), (50 * K, 40 * K), (0, 40 * K)], close=True,
                       dxfattribs={"layer": "防火分区"})
    b = math.tan(math.pi / 8)  # a quarter circle
    for hx, hy, s in ((10, 0, 1), (40, 40, -1)):  # hinge → leaf end → swing back to the wall
        msp.add_lwpolyline([(hx * K, hy * K, 0, 0, 0), (hx * K, (hy + s * 1.2) * K, 0, 0, -s * b),
                            ((hx + 1.2) * K, hy * K, 0, 0, 0)], format="xyseb", dxfattribs={"layer": "DOOR_FIRE"})
    geo = extract(doc, load_layer_map(), {})
    assert sorted((round(f.geom.x), round(f.geom.y)) for f in geo.of("exit")) == [(10000, 0), (40000, 40000)]
