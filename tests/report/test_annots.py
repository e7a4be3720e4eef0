"""Markups as native PDF annotations on real sheet PDFs."""

from __future__ import annotations

from datetime import datetime

import pymupdf
import pytest

from drawreview.report.annots import annotate_sheet, annotate_sheets, colour_for
from drawreview.report.model import Comment, Geometry, Reply

EXPECTED_TYPE = {
    "pin": "Text",
    "rect": "Square",
    "cloud": "Polygon",
    "arrow": "Line",
    "polyline": "PolyLine",
    "text": "FreeText",
}


def _comment(i: int, geometry: Geometry, sheet) -> Comment:
    return Comment(
        id=f"c{i}", sheet_number="建施-01", sheet_title="一层平面图", sheet_pdf_path=sheet, geometry=geometry,
        severity="general", clause="GB 50016-2014 第5.5.17条", status="answered",
        text=f"第{i}条意见：疏散距离过长", author=f"审查员{i}", created_at=datetime(2025, 3, 3, 9, i),
        thread=[Reply(author="陈工", org="某设计院", at=datetime(2025, 3, 5, 10, i), text=f"已修改{i}")],
    )  # fmt: skip


@pytest.fixture()
def markups(sample_data):
    sheet = sample_data.disciplines[0].comments[0].sheet_pdf_path
    geoms = [
        Geometry(kind="pin", points=[(200, 200)]),
        Geometry(kind="rect", points=[(300, 300), (420, 380)]),
        Geometry(kind="cloud", points=[(500, 300), (640, 300), (640, 400), (500, 420)]),
        Geometry(kind="cloud", points=[(700, 300), (800, 380)]),
        Geometry(kind="arrow", points=[(200, 500), (320, 560)]),
        Geometry(kind="polyline", points=[(400, 500), (450, 560), (520, 510), (600, 560)]),
        Geometry(kind="text", points=[(700, 500), (860, 530)], text="此处净宽不足"),
    ]
    codes = ["fire", "planning", "fire", "civil_defence", "lightning", "fire", "planning"]
    return sheet, [(code, _comment(i, g, sheet)) for i, (code, g) in enumerate(zip(codes, geoms))]


def test_one_annotation_per_markup_with_contents_author_and_colour(markups):
    sheet, items = markups
    out = annotate_sheet(sheet.read_bytes(), items)
    doc = pymupdf.open("pdf", out)
    page = doc[0]  # keep the page alive while its annotations are used
    annots = list(page.annots())
    assert len(annots) == len(items)
    by_name = {a.info["id"]: a for a in annots}
    for code, c in items:
        a = by_name[f"drawreview-comment-{c.id}"]
        assert a.type[1] == EXPECTED_TYPE[c.geometry.kind]
        assert a.info["content"] == c.thread_text()
        assert "已修改" in a.info["content"] and c.text in a.info["content"]
        assert a.info["title"] == c.author
        assert a.info["creationDate"].startswith(f"D:{c.created_at:%Y%m%d%H%M}")
        stroke = a.colors["stroke"]
        if c.geometry.kind != "text":
            assert stroke == pytest.approx(colour_for(code), abs=0.01)


def test_cloud_has_a_cloudy_border_and_arrow_an_arrow_head(markups):
    sheet, items = markups
    doc = pymupdf.open("pdf", annotate_sheet(sheet.read_bytes(), items))
    page = doc[0]
    kinds = set()
    for a in page.annots():
        kinds.add(a.type[1])
        if a.type[1] == "Polygon":
            assert doc.xref_get_key(a.xref, "BE/S") == ("name", "/C")
            assert doc.xref_get_key(a.xref, "BE/I")[1] == "2"
            assert len(a.vertices) >= 4
        if a.type[1] == "Line":
            assert a.line_ends == (pymupdf.PDF_ANNOT_LE_NONE, pymupdf.PDF_ANNOT_LE_OPEN_ARROW)
    assert {"Polygon", "Line"} <= kinds


def test_free_text_shows_its_words_and_keeps_the_thread_as_contents(markups):
    sheet, items = markups
    doc = pymupdf.open("pdf", annotate_sheet(sheet.read_bytes(), items))
    page = doc[0]
    [ft] = [a for a in page.annots() if a.type[1] == "FreeText"]
    assert "此处净宽不足" in _ap_text(doc, ft).replace("\n", "")
    assert ft.info["content"].startswith("审查员6")


def _ap_text(doc: pymupdf.Document, annot: pymupdf.Annot) -> str:
    """Text drawn by the annotation's appearance, baked into a copy of the page."""
    rect = annot.rect
    copy = pymupdf.open("pdf", doc.tobytes())
    copy.bake(annots=True, widgets=False)
    return copy[0].get_textbox(rect)


def test_annotate_sheets_counts_match_markups(sample_data):
    out = annotate_sheets(sample_data.disciplines)
    expected: dict[str, int] = {}
    for _, c in sample_data.all_comments():
        expected[c.sheet_number] = expected.get(c.sheet_number, 0) + 1
    assert set(out) == set(expected)
    for number, pdf in out.items():
        doc = pymupdf.open("pdf", pdf)
        assert len(list(doc[0].annots())) == expected[number]
        assert doc.page_count == 1
