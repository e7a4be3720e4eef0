"""What makerjs (npm, 0.19) writes, read as the writer meant it (docs/decisions/147): a header
with only $INSUNITS (read as R12, ANSI_1252) over texts and layer names in UTF-8, signs such as
± and Ø among them; and a layer given a linetype and no colour written with an empty colour
value, which both ezdxf readers refuse."""

import re

import ezdxf

from drawreview.cad.dxf import load_dxf


def _makerjs_like(tmp_path, texts: dict[str, str]) -> bytes:
    doc = ezdxf.new("R12", setup=["linetypes"])
    doc.layers.add("LAYERX", color=1, linetype="DASHED")
    msp = doc.modelspace()
    msp.add_line((0, 0), (42000, 29700), dxfattribs={"layer": "LAYERX"})
    for i, placeholder in enumerate(texts):
        msp.add_text(placeholder, dxfattribs={"layer": "LAYERX", "insert": (1000, 1000 + 1000 * i), "height": 500})
    doc.saveas(tmp_path / "makerjs.dxf")
    raw = (tmp_path / "makerjs.dxf").read_bytes()
    raw = re.sub(rb"  9\n\$(ACADVER|DWGCODEPAGE|HANDSEED)\n *[0-9]+\n[^\n]*\n", b"", raw)
    assert b"ACADVER" not in raw and b"DWGCODEPAGE" not in raw
    for placeholder, text in texts.items():
        raw = raw.replace(placeholder.encode(), text.encode("utf-8"))
    return raw.replace(b"LAYERX", "A-轴线".encode("utf-8"))


def test_utf8_signs_of_a_writer_that_writes_utf8_are_read_as_utf8(tmp_path):
    """A line holding ± or Ø (U+0080–U+00FF) is valid UTF-8 as mojibake pairs are; the file's
    Chinese lines show the writer writes UTF-8, so it is read so: before, 卧室 ±0.000 read as
    'å\\udc8d§å®¤ Â±0.000' and Ø20 as 'Ã˜20'."""
    texts = {"PLACEHOLDERA": "卧室 ±0.000", "PLACEHOLDERB": "Ø20", "PLACEHOLDERC": "图号：建施-05"}
    (tmp_path / "plan.dxf").write_bytes(_makerjs_like(tmp_path, texts))
    drawing = load_dxf(tmp_path / "plan.dxf")
    assert sorted(e.dxf.text for e in drawing.doc.modelspace().query("TEXT")) == sorted(texts.values())
    assert "A-轴线" in [layer.dxf.name for layer in drawing.doc.layers]


def test_a_layer_colour_written_empty_is_read_as_not_given(tmp_path):
    """makerjs writes a layer given only a linetype with '62' and a blank line: the file was
    refused as damaged. The pair is left out: the layer is colour 7, and the notes say so."""
    raw = _makerjs_like(tmp_path, {"PLACEHOLDERA": "一层平面图"})
    at = raw.find("A-轴线".encode("utf-8"), raw.find(b"LAYER"))
    colour = re.compile(rb"\n 62\n1\n").search(raw, at)
    raw = raw[:colour.start()] + b"\n62\n\n" + raw[colour.end():]
    (tmp_path / "empty.dxf").write_bytes(raw)
    drawing = load_dxf(tmp_path / "empty.dxf")
    assert drawing.doc.layers.get("A-轴线").dxf.color == 7
    assert drawing.doc.layers.get("A-轴线").dxf.linetype.upper() == "DASHED"
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == ["一层平面图"]
    assert any("numeric values were written empty" in r and "数值为空" in r for r in drawing.repairs)
