"""What libdxfrw (LibreCAD's DXF/DWG library; its npm build, @mlightcad/libdxfrw-web 0.1.0,
"dxfrw 0.6.3") writes when it converts a DWG to DXF, read as AutoCAD reads it
(docs/decisions/147): every string it took from the DWG keeps the DWG's terminating NUL.
Layer 0 was "0\\x00" (block content no longer took its insert's layer), Defpoints\\x00 was a
layer that plots, no layer name mapped to a rule and every text ended in a control character."""

import ezdxf
import pytest

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


def _libdxfrw_like(tmp_path, damaged: bool) :
    doc = ezdxf.new("R2007")
    doc.layers.add("A-WALL-墙", color=1)
    blk = doc.blocks.new("门")
    blk.add_line((0, 0), (0, 900), dxfattribs={"layer": "0"})
    msp = doc.modelspace()
    msp.add_line((0, 0), (42000, 29700), dxfattribs={"layer": "A-WALL-墙"})
    msp.add_line((0, 29700), (42000, 0), dxfattribs={"layer": "Defpoints"})
    msp.add_text("图号：建施-07", dxfattribs={"layer": "A-WALL-墙", "insert": (30000, 1000), "height": 500})
    msp.add_blockref("门", (1000, 1000), dxfattribs={"layer": "A-WALL-墙"})
    doc.saveas(tmp_path / "rw.dxf")
    raw = (tmp_path / "rw.dxf").read_bytes()
    for name in (b"Defpoints", "A-WALL-墙".encode(), "门".encode(), "图号：建施-07".encode()):
        raw = raw.replace(b"\n" + name + b"\n", b"\n" + name + b"\x00\n")
    raw = raw.replace(b"\n  8\n0\n", b"\n  8\n0\x00\n")
    if damaged:  # a group code written "8.0": the strict readers refuse it, recover reads it
        at = raw.find(b"\n  8\n", raw.find(b"ENTITIES"))
        raw = raw[:at] + b"\n8.0\n" + raw[at + 5:]
    assert raw.count(b"\x00\n") >= 8
    (tmp_path / "rw.dxf").write_bytes(raw)
    return tmp_path / "rw.dxf"


@pytest.mark.parametrize("damaged", [False, True], ids=["strict", "recover"])
def test_strings_that_keep_their_nul_terminator_are_cut_there(tmp_path, damaged):
    drawing = load_dxf(_libdxfrw_like(tmp_path, damaged))
    names = {layer.dxf.name for layer in drawing.doc.layers}
    assert {"0", "Defpoints", "A-WALL-墙"} <= names and not any("\x00" in n for n in names)
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == ["图号：建施-07"]
    assert "门" in drawing.doc.blocks
    assert {e.dxf.layer for e in drawing.doc.blocks.get("门")} == {"0"}
    assert sum("ended in a NUL character" in r and "以 NUL 结尾" in r for r in drawing.repairs) == 1
    (res,) = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    layers = {layer["name"]: layer for layer in res.layers}
    assert layers["Defpoints"]["plot"] is False
    assert "图号：建施-07" in [t if isinstance(t, str) else t.get("text") for t in res.texts]
