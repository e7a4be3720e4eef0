"""Input data checks, font wrapping and crop framing."""

from __future__ import annotations

from datetime import datetime

import pymupdf
import pytest

from drawreview.errors import ValidationFailed
from drawreview.report.crop import SheetCache, crop_rect, render_crop
from drawreview.report.font import char_widths, load_font, wrap
from drawreview.report.model import Comment, Geometry, Reply


def test_geometry_validation_and_bbox():
    assert Geometry(kind="rect", points=[(10, 20), (5, 40)]).bbox() == (5, 20, 10, 40)
    assert Geometry(kind="pin", points=[(3, 4)]).bbox() == (3, 4, 3, 4)
    x0, y0, x1, y1 = Geometry(kind="text", points=[(0, 0)], text="四个汉字").bbox()
    assert x1 > x0 and y1 > y0
    with pytest.raises(ValidationFailed):
        Geometry(kind="circle", points=[(0, 0)])
    with pytest.raises(ValidationFailed):
        Geometry(kind="arrow", points=[(0, 0)])


def _comment(**kw):
    base = dict(
        id=7, sheet_number="建施-01", sheet_title="平面", sheet_pdf_path="x.pdf",
        geometry=Geometry(kind="pin", points=[(1, 1)]), severity="general", clause="", status="open",
        text="请补充", author="王工", created_at=datetime(2025, 1, 2, 3, 4),
        thread=[Reply(author="陈工", org="设计院", at=datetime(2025, 1, 3, 8, 0), text="已补充")],
    )  # fmt: skip
    base.update(kw)
    return Comment(**base)


def test_comment_validation_and_thread_text():
    c = _comment()
    assert c.id == "7"
    assert c.thread_text() == "王工 2025-01-02 03:04: 请补充\n陈工（设计院）2025-01-03 08:00: 已补充"
    with pytest.raises(ValidationFailed):
        _comment(severity="critical")
    with pytest.raises(ValidationFailed):
        _comment(status="done")


def test_wrap_fits_width_and_respects_cjk_rules():
    font = load_font()
    text = "根据《建筑设计防火规范》GB 50016-2014（2018年版）第7.1.8条，消防车道的净宽度和净空高度均不应小于4.0m。reply: the width has been revised accordingly."
    lines = wrap(font, text, 10, 150)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert font.text_length(line, 10) <= 150.01
        assert line[:1] not in "，。、；：）"
    words = {w for line in lines for w in line.split()}
    assert {"accordingly.", "revised"} <= words  # Latin words are not split
    assert wrap(font, "a\n\nb", 10, 100) == ["a", "", "b"]


def test_char_widths_match_the_font():
    font = load_font()
    s = "审查 Review 12，。"
    assert char_widths(font, s, 9) == pytest.approx(font.char_lengths(s, fontsize=9))


def test_crop_rect_padded_inside_page_and_sensible_aspect():
    page = pymupdf.Rect(0, 0, 1684, 1191)
    r = crop_rect(page, (100, 100, 300, 150))
    assert r.contains(pymupdf.Rect(100, 100, 300, 150)) and page.contains(r)
    assert 1.0 <= r.width / r.height <= 2.2 + 1e-9
    corner = crop_rect(page, (1670, 1180, 1684, 1191))  # at the edge: shifted inside
    assert page.contains(corner) and corner.contains(pymupdf.Rect(1670, 1180, 1684, 1191))


def test_sheet_cache_opens_each_sheet_once_and_leaves_no_annotation(sample_data):
    comments = sample_data.all_comments()
    with SheetCache() as cache:
        pages = {}
        for d, c in comments:
            page = cache.page(c.sheet_pdf_path)
            pages.setdefault(c.sheet_pdf_path, page.parent)
            assert page.parent is pages[c.sheet_pdf_path]
            render_crop(page, c, d.code)
            assert page.first_annot is None
        assert cache.opened == len(pages)


def test_sheet_cache_keeps_a_bounded_number_of_sheets_open(sample_data):
    """A report on 1,000 sheets must not hold 1,000 open documents: with ``keep=2`` at most two
    are open, a sheet left behind is opened again when it comes back, and the crops are the
    same as with every sheet kept open."""
    comments = sample_data.all_comments()
    comments = comments + comments[::-1]  # back again: the sheets left behind come back
    paths = [c.sheet_pdf_path for _, c in comments]
    assert len(set(paths)) >= 3
    with SheetCache() as wide, SheetCache(keep=2) as narrow:
        reopened, recent = 0, []
        for d, c in comments:
            a = render_crop(wide.page(c.sheet_pdf_path), c, d.code)[0]
            b = render_crop(narrow.page(c.sheet_pdf_path), c, d.code)[0]
            assert a.samples == b.samples
            assert narrow.open_now <= 2
            if c.sheet_pdf_path not in recent:
                reopened += 1
            recent = ([p for p in recent if p != c.sheet_pdf_path] + [c.sheet_pdf_path])[-2:]
        assert narrow.opened == reopened > wide.opened == len(set(paths))
