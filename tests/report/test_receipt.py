"""The acceptance receipt PDF: real PyMuPDF rendering, text extraction and QR check."""

from __future__ import annotations

from datetime import date, datetime

import pymupdf
import pytest
import segno

from drawreview.errors import ValidationFailed
from drawreview.report.receipt import REQUIRED, qr_png, render_receipt

URL = "https://review.example.gov.cn/progress/LHST-2026-000123?token=abcdef0123456789"


def sample(**extra):
    data = {
        "case_number": "LHST-2026-000123",
        "project_name": "某某市第一中学新建教学楼及配套设施工程（一期）",
        "construction_unit": "某某市教育投资建设有限公司",
        "design_institute": "某某建筑设计研究院有限公司",
        "accepted_at": datetime(2026, 2, 10, 15, 30),
        "due_at": datetime(2026, 2, 26, 23, 59, 59),
        "disciplines": ["planning", "fire", "civil_defence", "lightning", "meteorology"],
        "verification_code": "7KQ9-M2XD",
        "progress_url": URL,
        "review_days": 7,
    }
    data.update(extra)
    return data


def open_pdf(pdf: bytes) -> pymupdf.Document:
    assert pdf.startswith(b"%PDF-")
    return pymupdf.open(stream=pdf, filetype="pdf")


def all_text(doc: pymupdf.Document) -> str:
    return "".join(page.get_text() for page in doc)


def test_receipt_contains_the_case_facts():
    doc = open_pdf(render_receipt(sample()))
    text = all_text(doc)
    for s in ["受理回执", "LHST-2026-000123", "某某市第一中学新建教学楼及配套设施工程（一期）",
              "某某市教育投资建设有限公司", "某某建筑设计研究院有限公司", "2026-02-10 15:30",
              "2026-02-26", "7 个工作日", "规划、消防、人防、防雷、气象", "7KQ9-M2XD",
              "验证码", "审查截止日", "Acceptance Receipt"]:
        assert s in text, s
    assert "容缺" not in text
    assert doc.metadata["title"] == "受理回执 LHST-2026-000123"


def test_cjk_font_is_embedded():
    doc = open_pdf(render_receipt(sample()))
    fonts = doc[0].get_fonts()
    assert fonts, "no font on the page"
    assert all(ext != "n/a" for (_xref, ext, *_rest) in fonts), fonts  # embedded, not referenced
    assert any("Droid" in f[3] for f in fonts)


def test_deficiency_receipt_lists_missing_items():
    pdf = render_receipt(sample(missing_items=["消防设计专篇（签章版）", "人防工程防护设计说明"],
                                deficiency_deadline=date(2026, 3, 6)))
    text = all_text(open_pdf(pdf))
    assert "容缺受理" in text
    assert "1. 消防设计专篇（签章版）" in text and "2. 人防工程防护设计说明" in text
    assert "2026-03-06" in text


def test_qr_code_image_present_and_encodes_the_url():
    doc = open_pdf(render_receipt(sample()))
    images = doc[0].get_images(full=True)
    assert len(images) == 1
    xref = images[0][0]
    pix = pymupdf.Pixmap(doc, xref)
    if pix.n - pix.alpha > 1:  # to grey
        pix = pymupdf.Pixmap(pymupdf.csGRAY, pix)
    # compare the embedded bitmap with segno's module matrix for the URL (scale 4, border 2)
    qr = segno.make(URL, error="m", micro=False)
    scale, border = 4, 2
    size = (qr.symbol_size(scale=1, border=border))[0]
    assert pix.width == pix.height == size * scale
    for r, row in enumerate(qr.matrix):
        for c, dark in enumerate(row):
            x = (border + c) * scale + scale // 2
            y = (border + r) * scale + scale // 2
            value = pix.pixel(x, y)[0]
            assert (value < 128) == bool(dark), (r, c)
    # placed on the page, square and reasonably large
    rect = doc[0].get_image_rects(xref)[0]
    assert abs(rect.width - rect.height) < 0.5 and rect.width >= 90


def test_qr_png_is_a_png():
    assert qr_png("https://x.example/p/1").startswith(b"\x89PNG")


def test_long_content_flows_onto_a_second_page():
    items = [f"补充材料第 {n} 项：某专项设计说明及计算书（签章版）" for n in range(1, 61)]
    doc = open_pdf(render_receipt(sample(missing_items=items, project_name="长" * 200)))
    assert doc.page_count >= 2
    text = all_text(doc)
    assert "60. 补充材料第 60 项" in text and "7KQ9-M2XD" in text
    # the long name is wrapped, all of it present
    assert text.replace("\n", "").count("长") >= 200


def test_dates_as_strings_and_labels_pass_through():
    text = all_text(open_pdf(render_receipt(sample(accepted_at="2026年2月10日", due_at=date(2026, 2, 26),
                                                   disciplines=["规划", "custom"], review_days=None))))
    assert "2026年2月10日" in text and "2026-02-26" in text and "规划、custom" in text


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_required_field_is_refused(field):
    data = sample()
    data[field] = "" if field != "disciplines" else []
    with pytest.raises(ValidationFailed) as exc:
        render_receipt(data)
    assert field in exc.value.details["missing"]
    assert field in exc.value.message_zh and field in exc.value.message_en


def test_rare_ideographs_in_the_receipt_read_back_as_written(tmp_path):
    """A project named with CJK Extension B (𠀀) or a recent ideograph (鿰) printed nothing where
    they stand (Droid Sans Fallback has no glyph); they are drawn with the fallback fonts and
    pdftotext reads them back as written; a character no font has is printed as □."""
    import subprocess

    from drawreview.report.font import font_chain, missing_chars

    lost = next(ch for ch in "🚒🛸🧯\U0001fa90" if missing_chars(font_chain(), ch))
    name = f"生僻字𠀀鿰𪚥工程{lost}"
    (tmp_path / "r.pdf").write_bytes(render_receipt(sample(project_name=name)))
    out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True)
    assert name.replace(lost, "□") in out.stdout
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert len(fonts) >= 2 and all(line.split()[-5] == "yes" for line in fonts)
