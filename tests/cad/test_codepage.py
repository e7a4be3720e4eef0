"""A pre-2007 DXF that says ANSI_1252 while some of its lines are UTF-8: GDAL's ogr2ogr writes
its layer names so (its texts as \\U+ escapes, a "±" as the ANSI byte 0xB1). Read as declared,
用地红线 became "ç”¨åœ°çº¢çº¿": no layer maps to a rule, the layer list is unreadable."""

from __future__ import annotations

import re

import ezdxf
import pytest

from drawreview.cad.dxf import load_dxf

LAYERS = ["用地红线", "道路中心线"]


def _gdal_like(tmp_path, damaged: bool = False):
    doc = ezdxf.new("R2000")  # header ANSI_1252; ezdxf escapes non-ANSI text as \U+xxxx
    for i, _ in enumerate(LAYERS):
        doc.layers.add(f"LAYERX{i}")
        doc.modelspace().add_line((0, i), (100, i), dxfattribs={"layer": f"LAYERX{i}"})
    doc.modelspace().add_text("规划用地 A-01", dxfattribs={"layer": "LAYERX0", "insert": (0, 20)})
    doc.modelspace().add_text("PLACEHOLDER_PM", dxfattribs={"layer": "LAYERX0", "insert": (0, 30)})
    doc.saveas(tmp_path / "gdal.dxf")
    raw = (tmp_path / "gdal.dxf").read_bytes()
    for i, name in enumerate(LAYERS):
        raw = raw.replace(f"LAYERX{i}".encode(), name.encode("utf-8"))
    raw = raw.replace(b"PLACEHOLDER_PM", "±0.000".encode("cp1252"))
    if damaged:  # a group code written "8.0": the strict readers refuse it, recover reads it
        at = raw.find(b"ENTITIES")
        at = raw.find(b"\n  8\n", at)
        raw = raw[:at] + b"\n8.0\n" + raw[at + 5:]
    (tmp_path / "gdal.dxf").write_bytes(raw)
    return tmp_path / "gdal.dxf"


@pytest.mark.parametrize("damaged", [False, True], ids=["strict", "recover"])
def test_utf8_lines_under_an_ansi_1252_header_are_read_as_utf8(tmp_path, damaged):
    drawing = load_dxf(_gdal_like(tmp_path, damaged))
    names = [layer.dxf.name for layer in drawing.doc.layers]
    assert all(name in names for name in LAYERS), names
    texts = sorted(e.dxf.text for e in drawing.doc.modelspace().query("TEXT"))
    assert texts == sorted(["规划用地 A-01", "±0.000"])  # the escape and the ANSI byte both read
    assert sum("are UTF-8" in r and "为 UTF-8 编码" in r for r in drawing.repairs) == 1  # one note, both languages
    assert {e.dxf.layer for e in drawing.doc.modelspace().query("LINE")} == set(LAYERS)


def test_ansi_letters_are_not_taken_for_utf8(tmp_path):
    """Accented ANSI letters are valid UTF-8 only in the pairs of mojibake (Ã©); a German file
    is read as declared, and nothing is noted."""
    doc = ezdxf.new("R2000")
    doc.layers.add("Wände")
    doc.modelspace().add_text("Türen und Maße, Größe 12 m²", dxfattribs={"layer": "Wände"})
    doc.modelspace().add_text("Ã©", dxfattribs={"layer": "Wände"})  # alone on its line: valid UTF-8 (é)
    doc.saveas(tmp_path / "west.dxf")
    drawing = load_dxf(tmp_path / "west.dxf")
    assert "Wände" in [layer.dxf.name for layer in drawing.doc.layers]
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == ["Türen und Maße, Größe 12 m²", "Ã©"]
    assert not any("UTF-8" in r for r in drawing.repairs)


def test_utf8_labels_of_a_file_without_acadver_are_read_as_utf8(tmp_path):
    """gnuplot's DXF terminal writes a header without $ACADVER or a code page (read as R12,
    ANSI_1252), a "999" comment first, no handles, and its labels in UTF-8: 荷载 read as
    "è\\x8d·è½½"."""
    doc = ezdxf.new("R12")
    doc.layers.add("LAYERX0")
    doc.modelspace().add_line((0, 0), (120, 80), dxfattribs={"layer": "LAYERX0"})
    doc.modelspace().add_text("PLACEHOLDER", dxfattribs={"layer": "LAYERX0", "insert": (10, 70)})
    doc.saveas(tmp_path / "gnuplot.dxf")
    raw = (tmp_path / "gnuplot.dxf").read_bytes()
    raw = re.sub(rb"  9\n\$(ACADVER|DWGCODEPAGE|HANDSEED)\n *[0-9]+\n[^\n]*\n", b"", raw)
    raw = re.sub(rb"(?m)^  5\n[0-9A-F]+\n", b"", raw)  # no handles
    assert b"ACADVER" not in raw and b"DWGCODEPAGE" not in raw
    raw = b"999\n% GNUPLOT: dxf file for AutoCad\n" + raw
    raw = raw.replace(b"LAYERX0", "荷载".encode("utf-8")).replace(b"PLACEHOLDER", "荷载-位移曲线 kN".encode("utf-8"))
    (tmp_path / "gnuplot.dxf").write_bytes(raw)
    drawing = load_dxf(tmp_path / "gnuplot.dxf")
    assert "荷载" in [layer.dxf.name for layer in drawing.doc.layers]
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == ["荷载-位移曲线 kN"]
    assert sum("are UTF-8" in r for r in drawing.repairs) == 1
