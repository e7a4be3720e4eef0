"""The review stamp on sheets and the zip of stamped sheets."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import numpy as np
import pymupdf
import pytest

from drawreview.errors import UnreadableDrawing, ValidationFailed
from drawreview.report.stamps import STAMP_RED, stamp_sheet, stamp_zip

CASE, DAY, AUTHORITY = "SC-2025-0312", date(2025, 3, 9), "某市施工图审查中心"


@pytest.fixture()
def sheet_bytes(sample_data):
    return sample_data.disciplines[0].comments[0].sheet_pdf_path.read_bytes()


def _red_pixels(page: pymupdf.Page, clip: pymupdf.Rect) -> int:
    pix = page.get_pixmap(clip=clip, alpha=False)
    rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, 3).astype(int)
    target = np.array([round(v * 255) for v in STAMP_RED])
    return int((np.abs(rgb - target).max(axis=2) < 50).sum())


def test_stamped_sheet_has_the_stamp_text_in_red_top_right(sheet_bytes):
    out = stamp_sheet(sheet_bytes, CASE, DAY, AUTHORITY)
    page = pymupdf.open("pdf", out)[0]
    text = page.get_text()
    for part in ("审查合格", CASE, "2025年03月09日", AUTHORITY):
        assert part in text
    [hit] = page.search_for("审查合格")
    assert hit.x0 > page.rect.width * 0.7 and hit.y1 < page.rect.height * 0.3
    assert _red_pixels(page, hit) > 50
    # the drawing is still there
    original = pymupdf.open("pdf", sheet_bytes)[0]
    assert "图号" in text and len(page.get_drawings()) >= len(original.get_drawings())
    assert _red_pixels(original, hit) == 0


def test_stamp_on_a_rotated_sheet_is_upright_where_it_is_seen(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    page.draw_line((10, 10), (800, 500))
    page.set_rotation(90)
    out = stamp_sheet(doc.tobytes(), CASE, "2025-03-09", AUTHORITY)
    page = pymupdf.open("pdf", out)[0]
    assert page.rotation == 0
    [hit] = page.search_for("审查合格")
    assert hit.x0 > page.rect.width * 0.6 and hit.y1 < page.rect.height * 0.3
    assert hit.width > hit.height  # written horizontally as the reader sees it
    assert "2025-03-09" in page.get_text()


def test_stamp_positions_and_bad_input(sheet_bytes):
    out = stamp_sheet(sheet_bytes, CASE, DAY, AUTHORITY, position="bottom-left")
    page = pymupdf.open("pdf", out)[0]
    [hit] = page.search_for("审查合格")
    assert hit.x1 < page.rect.width * 0.3 and hit.y0 > page.rect.height * 0.7
    with pytest.raises(ValidationFailed):
        stamp_sheet(sheet_bytes, CASE, DAY, AUTHORITY, position="middle")
    with pytest.raises(UnreadableDrawing):
        stamp_sheet(b"%PDF-1.7 broken", CASE, DAY, AUTHORITY)


def test_stamp_zip_bundles_stamped_sheets_with_safe_unique_names(sheet_bytes):
    data = stamp_zip(
        [("建施-01.pdf", sheet_bytes), ("../../etc/建施-01.pdf", sheet_bytes), ("结施-02", sheet_bytes)],
        CASE, DAY, AUTHORITY,
    )  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names == ["建施-01.pdf", "建施-01-2.pdf", "结施-02.pdf"]
        for name in names:
            page = pymupdf.open("pdf", zf.read(name))[0]
            assert "审查合格" in page.get_text() and CASE in page.get_text()


def test_the_same_sheet_stamps_to_the_same_bytes(sample_data):
    """Deterministic: no random document id, no dates of the moment in the file."""
    from datetime import datetime

    from drawreview.report.stamps import stamp_sheet

    sheet = sample_data.disciplines[0].comments[0].sheet_pdf_path.read_bytes()
    when = datetime(2025, 3, 9, 10, 0)
    a = stamp_sheet(sheet, "SC-2025-0312", when, "某市施工图审查中心")
    b = stamp_sheet(sheet, "SC-2025-0312", when, "某市施工图审查中心")
    assert a == b


def test_one_stamper_for_many_sheets_gives_each_the_bytes_stamp_sheet_gives(sheet_bytes):
    """A round's sheets are stamped by one Stamper (the stamp made once per size): sheets of
    other sizes in between change nothing, each file is what stamp_sheet makes of it alone."""
    from drawreview.report.stamps import Stamper

    other = pymupdf.open()
    other.new_page(width=2384, height=1684).draw_line((10, 10), (2000, 1500))
    sheets = [sheet_bytes, other.tobytes(), sheet_bytes]
    stamper = Stamper(CASE, DAY, AUTHORITY)
    try:
        out = [stamper.stamp(s) for s in sheets]
    finally:
        stamper.close()
    assert out == [stamp_sheet(s, CASE, DAY, AUTHORITY) for s in sheets]
    big = pymupdf.open("pdf", out[1])[0]
    [hit] = big.search_for("审查合格")
    assert hit.x0 > big.rect.width * 0.7 and _red_pixels(big, hit) > 50
