"""cad/pdfwrite.py: sheet PDFs written as bytes open cleanly in MuPDF, Chinese names intact."""

from __future__ import annotations

import pymupdf
import pytest

from drawreview.cad import specimen, tiles
from drawreview.cad.dxf import load_dxf
from drawreview.cad.pdfwrite import PdfWriter, text_string
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


def test_rendered_sheet_is_a_clean_pdf_with_layers_and_chinese_metadata(tmp_path):
    path = specimen.floor_plan(tmp_path / "p.dxf", frames=1, rooms=(2, 2))
    drawing = load_dxf(path)
    drawing.doc.layers.add("消防(疏散)").off()
    drawing.doc.modelspace().add_line((0, 0), (40000, 30000), dxfattribs={"layer": "消防(疏散)", "lineweight": 200})
    spec = split_sheets(drawing)[0]
    assert spec.title == "1层平面图"  # the specimen's own title
    res = render_drawing(drawing, [spec], tmp_path / "out")[0]
    pymupdf.TOOLS.mupdf_warnings()  # clear
    doc = pymupdf.open(res.pdf)
    assert not doc.is_repaired and pymupdf.TOOLS.mupdf_warnings() == ""
    assert doc.metadata["title"] == "1层平面图" and doc.metadata["subject"] == "建施-01"
    ocgs = {v["name"]: v["on"] for v in doc.get_ocgs().values()}
    assert ocgs["消防(疏散)"] is False and ocgs["WALL"] is True
    assert [c["text"] for c in doc.layer_ui_configs()] == list(ocgs)
    assert {lay["name"] for lay in res.layers} >= {"消防(疏散)", "WALL"}
    assert "卧室" in doc[0].get_text()
    # the layer that is off in the DXF is not drawn until a reviewer turns it on
    whole = tiles.render_tile(res.pdf, 0, 0, 0)
    assert tiles.render_tile(res.pdf, 0, 0, 0, hidden_layers=["消防(疏散)"]) == whole
    assert tiles.render_tile(res.pdf, 0, 0, 0, hidden_layers=["WALL"]) != whole


def test_text_strings_round_trip_through_mupdf():
    for s in ["plain", "a(b)c\\d", "建施-01 (修改)", "\u00e9t\u00e9", ""]:
        w = PdfWriter()
        pages = w.reserve()
        page = w.add(f"<</Type/Page/Parent {pages} 0 R/MediaBox[0 0 10 10]>>")
        w.put(pages, f"<</Type/Pages/Kids[{page} 0 R]/Count 1>>")
        root = w.add(f"<</Type/Catalog/Pages {pages} 0 R>>")
        info = w.add(f"<</Title {text_string(s)}>>")
        assert pymupdf.open("pdf", w.tobytes(root, info)).metadata["title"] == s


def test_an_object_reserved_but_never_written_is_an_error():
    w = PdfWriter()
    w.reserve()
    root = w.add("<</Type/Catalog>>")
    with pytest.raises(ValueError, match="object 1"):
        w.tobytes(root)
