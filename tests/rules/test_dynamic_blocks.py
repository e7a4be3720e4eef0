"""Dynamic blocks: each reference points at an anonymous ``*U`` copy; the drafter's name
(``FM乙0821``: a class-B fire door 0.8 m wide) is on the dynamic definition the copy's
BLOCK_RECORD names in its ``AcDbBlockRepBTag`` XDATA. Doors are read by that name."""

from __future__ import annotations

import ezdxf

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.geometry import extract

K = 1000.0


def _dynamic(doc, name: str):
    for app in ("AcDbDynamicBlockGUID", "AcDbBlockRepBTag"):
        if app not in doc.appids:
            doc.appids.new(app)
    if name not in doc.blocks:
        d = doc.blocks.new(name)
        d.add_line((0, 0), (1000, 0))
        d.block_record.set_xdata("AcDbDynamicBlockGUID", [(1000, "{6A3C0F3E-0000-0000-0000-000000000001}")])
    rep = doc.blocks.new_anonymous_block("U")
    rep.add_line((0, 0), (1000, 0))
    rep.add_arc((0, 0), 1000, 0, 90)
    rep.block_record.set_xdata("AcDbBlockRepBTag", [(1070, 1), (1005, doc.blocks.get(name).block_record.dxf.handle)])
    return rep.name


def _plan(second: str):
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (50 * K, 0), (50 * K, 40 * K), (0, 40 * K)], close=True, dxfattribs={"layer": "防火分区"})
    for (x, y), name in (((10 * K, 0), "FM甲1221"), ((40 * K, 40 * K), second)):
        msp.add_blockref(_dynamic(doc, name), (x, y), dxfattribs={"layer": "A-DOOR"})
    return doc


def test_dynamic_door_blocks_are_read_by_their_definition_name():
    geo = extract(_plan("FM乙0821"), load_layer_map(), {})
    exits = sorted(geo.of("exit"), key=lambda f: f.geom.x)
    assert [(f.block, f.attrs.get("width_m")) for f in exits] == [("FM甲1221", 1.2), ("FM乙0821", 0.8)]
    found = run_checks(_plan("FM乙0821"), {"sprinklers": False, "building_height_m": 18.0, "use": "office"},
                       disciplines=["fire"]).findings
    assert [f for f in found if f.rule_id.startswith("FR-12") and f.severity == "error"]


def test_a_dynamic_class_c_door_in_the_outer_wall_is_not_an_exit():
    geo = extract(_plan("FM丙1021"), load_layer_map(), {})
    assert [f.block for f in geo.of("exit")] == ["FM甲1221"]
    assert [f.block for f in geo.of("door")] == ["FM丙1021"]
