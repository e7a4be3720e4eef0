"""The sheet font subset (cad/fontembed.py) against MuPDF's own insert_font + subset_fonts."""

from __future__ import annotations

import zlib

import numpy as np
import pymupdf
import pytest

from drawreview.cad import fontembed, lettering
from drawreview.cad.pdfwrite import PdfWriter

# CJK (simplified and traditional), ASCII, and Latin letters the face builds from components
TEXT = "建施-01 消防總平面图 Floor À É ñ 人防地下室"


def _sheet(use_ours: bool) -> pymupdf.Document:
    content = lettering.text_op(TEXT, 20, 80, 26, 0).encode("latin-1")
    if use_ours:  # as render.py writes a sheet
        w = PdfWriter()
        pages = w.reserve()
        font = fontembed.embed(w, lettering.face(), lettering.glyph_ids(set(TEXT)))
        body = w.add_stream("", zlib.compress(content))
        page = w.add(f"<</Type/Page/Parent {pages} 0 R/MediaBox[0 0 900 200]/Resources<</Font<</F0 {font} 0 R>>>>"
                     f"/Contents {body} 0 R>>")
        w.put(pages, f"<</Type/Pages/Kids[{page} 0 R]/Count 1>>")
        root = w.add(f"<</Type/Catalog/Pages {pages} 0 R>>")
        return pymupdf.open("pdf", w.tobytes(root))
    pdf = pymupdf.open()
    page = pdf.new_page(width=900, height=200)
    font = page.insert_font(fontname="F0", fontbuffer=lettering.FONT.buffer)
    res = pdf.get_new_xref()
    pdf.update_object(res, f"<</Font<</F0 {font} 0 R>>>>")
    pdf.xref_set_key(page.xref, "Resources", f"{res} 0 R")
    content = pdf.get_new_xref()
    pdf.update_object(content, "<<>>")
    pdf.update_stream(content, lettering.text_op(TEXT, 20, 80, 26, 0).encode("latin-1"))
    pdf.xref_set_key(page.xref, "Contents", f"{content} 0 R")
    pdf.subset_fonts()
    return pymupdf.open("pdf", pdf.tobytes(garbage=1, deflate=True))


def _pixels(doc) -> np.ndarray:
    pix = doc[0].get_pixmap(dpi=144, colorspace=pymupdf.csGRAY)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).astype(int)


def test_subset_draws_and_extracts_like_mupdfs_own_subset():
    ours, ref = _sheet(True), _sheet(False)
    assert ours[0].get_text().strip() == ref[0].get_text().strip() == TEXT
    a, b = _pixels(ours), _pixels(ref)
    assert (a < 128).sum() > 5000  # the text is drawn
    # same glyphs at the same places; MuPDF truncates the /W widths where we round them (as
    # lettering.WIDTHS does), so glyphs may sit up to 0.4 pt apart: only their edges differ
    assert np.abs(a - b).mean() < 1.0 and (np.abs(a - b) > 128).mean() < 0.01
    words = ours[0].get_text("words")
    assert [w[4] for w in words] == [w[4] for w in ref[0].get_text("words")]
    for w, r in zip(words, ref[0].get_text("words")):
        assert max(abs(p - q) for p, q in zip(w[:4], r[:4])) < 0.5


def test_subset_holds_only_the_used_glyphs_with_their_metrics():
    face = lettering.face()
    glyphs = lettering.glyph_ids(set(TEXT))
    program, cid_map = face.subset(glyphs)
    sub = pymupdf.Font(fontbuffer=program)
    full = lettering.FONT
    for ch, gid in glyphs.items():
        assert gid, ch  # every character of TEXT is in the face
        assert sub.glyph_advance(ord(ch)) == pytest.approx(full.glyph_advance(ord(ch)))
    # the composite "À" keeps the glyphs it is built from: its outline matches the full face
    assert sub.glyph_bbox(ord("À")) == full.glyph_bbox(ord("À"))
    assert len(program) < 20_000  # the used glyphs, numbered anew: no empty slots for the other 50,000
    assert not sub.has_glyph(ord("龙"))  # not used here: not in the subset
    # the map takes each face glyph id (what content streams show) to its new number
    new = np.frombuffer(cid_map, ">u2")
    for ch, gid in glyphs.items():
        assert sub.has_glyph(ord(ch)) == new[gid] > 0


def test_every_sheet_gets_its_own_subset_and_plain_sheets_none(tmp_path):
    import ezdxf

    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (42000, 0), (42000, 29700), (0, 29700)], close=True)
    msp.add_text("一层平面图", height=500).set_placement((2000, 2000))
    path = tmp_path / "a.dxf"
    doc.saveas(path)
    res = render_drawing(load_dxf(path), split_sheets(load_dxf(path)), tmp_path / "out")[0]
    sheet = pymupdf.open(res.pdf)
    assert "一层平面图" in sheet[0].get_text()
    (font,) = sheet[0].get_fonts()
    assert font[1] == "ttf" and font[2] == "Type0" and "+" in font[3]  # an embedded, tagged subset

    plain = ezdxf.new("R2010", units=4)
    plain.modelspace().add_line((0, 0), (1000, 1000))
    plain.saveas(tmp_path / "b.dxf")
    res = render_drawing(load_dxf(tmp_path / "b.dxf"), split_sheets(load_dxf(tmp_path / "b.dxf")),
                         tmp_path / "out2")[0]
    assert pymupdf.open(res.pdf)[0].get_fonts() == []
