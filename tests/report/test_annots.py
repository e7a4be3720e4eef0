"""Markups as native PDF annotations on real sheet PDFs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pymupdf
import pytest

from drawreview.report.annots import annotate_sheet, annotate_sheets, colour_for
from drawreview.report.font import font_chain, missing_chars
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
    annots = markups_of(doc, page)
    assert len(annots) == len(items)
    by_name = {a.info["id"]: a for a in annots}
    for code, c in items:
        a = by_name[f"drawreview-comment-{c.id}"]
        assert a.type[1] == EXPECTED_TYPE[c.geometry.kind]
        assert a.info["content"] == (c.geometry.text if c.geometry.kind == "text" else c.text)
        assert a.info["title"] == c.author
        assert a.info["creationDate"] == f"D:{c.created_at:%Y%m%d%H%M%S}+08'00'"  # the offset is kept
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


def markups_of(doc, page) -> list:
    """The markups themselves (not replies or review states, which point at one with /IRT)."""
    return [a for a in page.annots() if doc.xref_get_key(a.xref, "IRT")[0] == "null"]


def test_free_text_shows_its_words(markups):
    sheet, items = markups
    doc = pymupdf.open("pdf", annotate_sheet(sheet.read_bytes(), items))
    page = doc[0]
    [ft] = [a for a in page.annots() if a.type[1] == "FreeText"]
    assert "此处净宽不足" in _ap_text(doc, ft).replace("\n", "")
    assert ft.info["content"] == "此处净宽不足"


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
        assert len(markups_of(doc, doc[0])) == expected[number]
        assert doc.page_count == 1


LONG = "消防车道净宽不足，应不小于4.0m，转弯半径不满足要求，请复核总平面图并补充消防车登高操作场地的尺寸标注 𠀀"


@pytest.mark.parametrize("points", [[(100, 100)], [(100, 100), (220, 120)], [(600, 50), (640, 60)]])
def test_free_text_box_holds_its_whole_text(sample_data, points):
    """Read back with PyMuPDF's text extraction of the appearance: every word lies inside
    the annotation's box and together they are the markup's text (less what no font has)."""
    sheet = sample_data.disciplines[0].comments[0].sheet_pdf_path
    c = replace(_comment(1, Geometry(kind="text", points=points, text=LONG), sheet), thread=())
    doc = pymupdf.open("pdf", annotate_sheet(sheet.read_bytes(), [("fire", c)]))
    page = doc[0]  # keep the page alive while its annotations are used
    [ft] = [a for a in page.annots() if a.type[1] == "FreeText"]
    words = ft.get_text("words")
    box = ft.rect
    assert words and all(box.x0 <= w[0] and w[2] <= box.x1 + 0.01 and box.y0 <= w[1] and w[3] <= box.y1 + 0.01
                         for w in words)
    shown = "".join(w[4] for w in words)
    # 𠀀 drawn with a fallback font (decision 124): nothing is lost when the machine has them
    assert shown == "".join(ch for ch in LONG.replace(" ", "") if not missing_chars(font_chain(), ch))
    assert "𠀀" in shown
    da = doc.xref_get_key(ft.xref, "DA")[1]
    assert "/STSong 10 Tf" in da  # a Chinese font in /DA ...
    assert doc.xref_get_key(doc.pdf_catalog(), "AcroForm/DR/Font/STSong/BaseFont")[1] == "/STSong-Light"
    ap = doc.xref_get_key(ft.xref, "AP/N")[1].split()[0]
    fonts = doc.xref_get_key(int(ap), "Resources/Font")[1]
    assert "0 R" in fonts  # ... and an embedded one in the appearance


def test_colours_are_the_viewers_palette(markups):
    """The viewer's own palette (viewer/src/markups.js, read as text) is what the PDF carries."""
    from pathlib import Path
    import re

    js = (Path(__file__).resolve().parents[2] / "viewer" / "src" / "markups.js").read_text(encoding="utf-8")
    viewer = dict(re.findall(r"^\s+(\w+): '(#[0-9a-f]{6})',", js, re.M))
    assert {"planning", "fire", "civil_defence", "lightning", "meteorology"} <= set(viewer)
    sheet, items = markups
    doc = pymupdf.open("pdf", annotate_sheet(sheet.read_bytes(), items))
    page = doc[0]
    for a in markups_of(doc, page):
        code = next(code for code, c in items if f"drawreview-comment-{c.id}" == a.info["id"])
        want = tuple(int(viewer[code][i:i + 2], 16) / 255 for i in (1, 3, 5))
        got = a.colors["stroke"] if a.type[1] != "FreeText" else _da_colour(doc, a)
        assert got == pytest.approx(want, abs=0.005), (code, a.type)


def _da_colour(doc, a):
    da = doc.xref_get_key(a.xref, "DA")[1]
    return tuple(float(v) for v in da.split(" rg")[0].split()[-3:])


def test_replies_are_native_reply_annotations_and_the_status_a_review_state(markups):
    sheet, items = markups
    doc = pymupdf.open("pdf", annotate_sheet(sheet.read_bytes(), items))
    page = doc[0]
    markup_xref = {a.info["id"]: a.xref for a in markups_of(doc, page)}
    replies = [a for a in page.annots() if doc.xref_get_key(a.xref, "IRT")[0] != "null"]
    for code, c in items:
        parent = markup_xref[f"drawreview-comment-{c.id}"]
        mine = [a for a in replies if doc.xref_get_key(a.xref, "IRT")[1] == f"{parent} 0 R"]
        states = [a for a in mine if doc.xref_get_key(a.xref, "StateModel")[0] != "null"]
        texts = [a.info["content"] for a in mine if a not in states]
        assert texts == [r.text for r in c.thread]
        assert [doc.xref_get_key(a.xref, "State")[1] for a in states] == ["/Accepted"]  # status "answered"
        assert doc.xref_get_key(states[0].xref, "StateModel")[1] == "/Review"
        assert all(doc.xref_get_key(a.xref, "RT")[1] == "/R" for a in mine)
