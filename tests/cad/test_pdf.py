import pymupdf
import pytest

from drawreview.cad import errors as E
from drawreview.cad.pdf import has_javascript, load_pdf, pdf_sheets, render_page

from .conftest import DRAWINGS


def test_real_pdf(tmp_path):
    src = load_pdf(DRAWINGS / "ezdxf__dimtad-dimjust_bricscad.pdf")
    specs = pdf_sheets(src)
    assert [s.key for s in specs] == ["page:1"]
    res = render_page(src, specs[0], tmp_path / "1.pdf")
    assert (res.width, res.height) == (842.0, 595.0)
    assert res.texts and pymupdf.open(res.pdf)[0].get_drawings()


def _make_pdf(path, text="结施-03", **save):
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    page.insert_text((700, 560), text, fontname="china-s", fontsize=12)
    page.draw_rect(pymupdf.Rect(20, 20, 822, 575))
    doc.save(path, **save)
    return path


def test_encrypted_pdf_rejected(tmp_path):
    p = _make_pdf(tmp_path / "enc.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
    with pytest.raises(E.EncryptedPdf) as info:
        load_pdf(p)
    assert info.value.code == "encrypted_pdf" and "enc.pdf" in info.value.message_zh


def test_javascript_stripped_never_kept(tmp_path):
    p = _make_pdf(tmp_path / "js.pdf")
    doc = pymupdf.open(p)
    js = doc.get_new_xref()
    doc.update_object(js, "<</S/JavaScript/JS(app.alert('x'))>>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    doc.save(tmp_path / "js2.pdf")
    src = load_pdf(tmp_path / "js2.pdf")
    assert src.javascript and any("JavaScript" in n for n in src.notes)
    specs = pdf_sheets(src)
    assert specs[0].number == "结施-03" and specs[0].discipline == "结构"
    res = render_page(src, specs[0], tmp_path / "sheet.pdf")
    assert not has_javascript(pymupdf.open(res.pdf))
    assert any("JavaScript" in n for n in res.notes)
    assert "结施-03" in pymupdf.open(res.pdf)[0].get_text()


def test_scanned_page(tmp_path):
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pix.clear_with(0)
    doc = pymupdf.open()
    doc.new_page(width=400, height=200).insert_image(pymupdf.Rect(0, 0, 400, 200), pixmap=pix)
    doc.save(tmp_path / "scan.pdf")
    src = load_pdf(tmp_path / "scan.pdf")
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "s.pdf")
    assert pymupdf.open(res.pdf)[0].get_pixmap().pixel(100, 100) == (0, 0, 0)
