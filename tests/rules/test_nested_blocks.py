"""A floor plan that is itself a block (an xref bound into the drawing, a WBLOCKed floor inserted
whole, moved and turned): the door and exit blocks inside it are still doors and exits, where
the plan puts them."""

from __future__ import annotations

import ezdxf
from ezdxf.math import Matrix44

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract

K = 1000.0
PARAMS = {"sprinklers": False, "building_height_m": 18.0, "use": "office"}


def _plan_as_block(exits: int = 2):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = 4
    fm = doc.blocks.new("FM甲1221")
    fm.add_line((0, 0), (1200, 0))
    fm.add_arc((0, 0), 1200, 0, 90)
    floor = doc.blocks.new("XREF-三层平面")
    floor.add_lwpolyline([(0, 0), (50 * K, 0), (50 * K, 40 * K), (0, 40 * K)], close=True,
                         dxfattribs={"layer": "防火分区"})
    doors = floor.add_blockref("DOORS", (0, 0))  # doors grouped one level deeper, on layer 0
    grp = doc.blocks.new("DOORS")
    for x, y in ((10 * K, 0), (40 * K, 40 * K))[:exits]:
        grp.add_blockref("FM甲1221", (x, y), dxfattribs={"layer": "A-DOOR"})
    assert doors.dxf.name == "DOORS"
    msp = doc.modelspace()
    ins = msp.add_blockref("XREF-三层平面", (100 * K, 200 * K), dxfattribs={"rotation": 30.0})
    return doc, Matrix44.chain(Matrix44.z_rotate(0.5235987755982988), Matrix44.translate(100 * K, 200 * K, 0)), ins


def test_door_blocks_inside_a_plan_block_are_exits_where_the_plan_puts_them():
    doc, m, ins = _plan_as_block()
    geo = extract(doc, load_layer_map(), {})
    got = sorted((round(f.geom.x), round(f.geom.y)) for f in geo.of("exit"))
    want = sorted((round(v.x), round(v.y)) for v in (m.transform((10 * K, 0, 0)), m.transform((40 * K, 40 * K, 0))))
    assert got == want
    assert {f.block for f in geo.of("exit")} == {"FM甲1221"}
    assert {f.handle for f in geo.of("exit")} == {ins.dxf.handle}
    assert not [f for f in run_checks(doc, PARAMS, disciplines=["fire"]).findings if f.rule_id.startswith("FR-08")]


def test_one_exit_inside_a_plan_block_is_still_one_too_few():
    doc, _, _ = _plan_as_block(exits=1)
    fr08 = [f for f in run_checks(doc, PARAMS, disciplines=["fire"]).findings if f.rule_id.startswith("FR-08")]
    assert fr08 and fr08[0].severity == "error"


def test_exit_circles_and_points_drawn_in_a_plan_block_are_exits():
    """Exits drawn as circles or points (not blocks) inside the plan block count; the parts of
    the door blocks nested in it do not count again."""
    doc, m, _ = _plan_as_block(exits=0)
    floor = doc.blocks.get("XREF-三层平面")
    floor.add_circle((10 * K, 0), 300, dxfattribs={"layer": "安全出口"})
    floor.add_point((40 * K, 40 * K), dxfattribs={"layer": "安全出口"})
    doc.blocks.get("DOORS").add_blockref("FM甲1221", (25 * K, 0), dxfattribs={"layer": "A-DOOR"})
    geo = extract(doc, load_layer_map(), {})
    got = sorted((round(f.geom.x), round(f.geom.y)) for f in geo.of("exit"))
    want = sorted((round(v.x), round(v.y)) for v in (m.transform((10 * K, 0, 0)), m.transform((40 * K, 40 * K, 0)),
                                                     m.transform((25 * K, 0, 0))))
    assert got == want
