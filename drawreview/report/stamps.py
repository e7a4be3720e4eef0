"""The review stamp (审查合格) on approved sheets, and a zip of stamped sheets.

The stamp is vector: a red double-ruled box with the authority, 审查合格, the case number
and the date, in the embedded (subset) CJK font, placed in the top-right corner of the
sheet unless told otherwise.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import date as Date
from datetime import datetime
from pathlib import PurePosixPath

import pymupdf

from drawreview.errors import UnreadableDrawing, ValidationFailed
from drawreview.report.font import DEFAULT_FONT, append_text, fix_tounicode, font_chain

STAMP_RED = (0.85, 0.05, 0.05)
STAMP_TITLE = "审查合格"


def _date_text(value: Date | datetime | str) -> str:
    if isinstance(value, (Date, datetime)):
        return f"{value:%Y年%m月%d日}"
    return str(value)


def stamp_rect(page_rect: pymupdf.Rect, position: str = "top-right") -> pymupdf.Rect:
    """Where the stamp goes: about 15 % of the page width, inset from a corner."""
    w = min(max(page_rect.width * 0.15, 170.0), 280.0)
    h = w * 0.56
    inset = max(30.0, page_rect.width * 0.025)
    x0 = page_rect.x1 - inset - w if position.endswith("right") else page_rect.x0 + inset
    y0 = page_rect.y0 + inset if position.startswith("top") else page_rect.y1 - inset - h
    return pymupdf.Rect(x0, y0, x0 + w, y0 + h)


def draw_stamp(
    page: pymupdf.Page, rect: pymupdf.Rect, *, case_number: str, date: Date | datetime | str, authority: str,
    font: pymupdf.Font,
) -> None:  # fmt: skip
    """Draw the stamp into ``rect`` of ``page`` (unrotated page coordinates)."""
    sh = page.new_shape()
    sh.draw_rect(rect)
    sh.finish(color=STAMP_RED, fill=(1, 1, 1), fill_opacity=0.85, width=rect.width * 0.012)
    sh.draw_rect(rect + (4, 4, -4, -4))
    sh.finish(color=STAMP_RED, width=rect.width * 0.004)
    sh.commit()
    w = rect.width
    lines = [
        (authority, w * 0.065),
        (STAMP_TITLE, w * 0.15),
        (f"审查编号：{case_number}", w * 0.055),
        (f"日期：{_date_text(date)}", w * 0.055),
    ]
    tw = pymupdf.TextWriter(page.rect)
    y = rect.y0 + rect.height * 0.08
    gap = (rect.height * 0.84 - sum(s * 1.15 for _, s in lines)) / (len(lines) - 1)
    for text, size in lines:
        size = min(size, (w - 16) / max(font.text_length(text, 1.0), 1e-6))  # shrink long names to fit
        x = rect.x0 + (w - font.text_length(text, size)) / 2
        append_text(tw, x, y + size * 0.95, text, font, size)
        y += size * 1.15 + gap
    tw.write_text(page, color=STAMP_RED)


POSITIONS = ("top-right", "top-left", "bottom-right", "bottom-left")


class Stamper:
    """Stamps many sheets with one stamp (a round's case number, date and authority): the stamp
    is drawn and its CJK font subset once per stamp size, then placed on each sheet as a form
    XObject — a 5,000-sheet round no longer subsets the font 5,000 times."""

    def __init__(self, case_number: str, date: Date | datetime | str, authority: str, *,
                 position: str = "top-right", font: str = DEFAULT_FONT) -> None:
        if position not in POSITIONS:
            raise ValidationFailed(f"无效的印章位置：{position}", f"Invalid stamp position: {position}")
        self.case_number, self.date, self.authority, self.position = case_number, date, authority, position
        self.font = font_chain(font)  # a rare character in the authority's name: a fallback font
        self._stamps: dict[tuple[float, float], pymupdf.Document] = {}

    def _stamp(self, rect: pymupdf.Rect) -> pymupdf.Document:
        size = (round(rect.width, 2), round(rect.height, 2))
        doc = self._stamps.get(size)
        if doc is None:
            doc = pymupdf.open()
            page = doc.new_page(width=size[0], height=size[1])
            draw_stamp(page, page.rect, case_number=self.case_number, date=self.date, authority=self.authority,
                       font=self.font)
            doc.subset_fonts()
            fix_tounicode(doc)
            doc = pymupdf.open("pdf", doc.tobytes(garbage=3, deflate=True, no_new_id=True))
            self._stamps[size] = doc
        return doc

    def stamp(self, sheet_pdf_bytes: bytes) -> bytes:
        """The sheet PDF with the review stamp on its first page."""
        try:
            doc = pymupdf.open("pdf", sheet_pdf_bytes)
        except Exception as exc:
            raise UnreadableDrawing("待盖章的图纸 PDF 无法读取", "The sheet PDF to stamp cannot be read") from exc
        with doc:
            if doc.page_count < 1 or doc.needs_pass:
                raise UnreadableDrawing("待盖章的图纸 PDF 无法读取", "The sheet PDF to stamp cannot be read")
            page = doc[0]
            if page.rotation:
                page.remove_rotation()  # draw in the coordinates the sheet is seen in
            rect = stamp_rect(page.rect, self.position)
            stamp = self._stamp(rect)
            page.show_pdf_page(pymupdf.Rect(rect.x0, rect.y0, rect.x0 + stamp[0].rect.width,
                                            rect.y0 + stamp[0].rect.height), stamp, 0)
            return doc.tobytes(garbage=3, deflate=True, no_new_id=True)  # deterministic: the same sheet, the same bytes

    def close(self) -> None:
        for doc in self._stamps.values():
            doc.close()
        self._stamps.clear()


def stamp_sheet(
    sheet_pdf_bytes: bytes,
    case_number: str,
    date: Date | datetime | str,
    authority: str,
    *,
    position: str = "top-right",
    font: str = DEFAULT_FONT,
) -> bytes:
    """The sheet PDF with the review stamp drawn on its first page (one sheet; many: :class:`Stamper`)."""
    stamper = Stamper(case_number, date, authority, position=position, font=font)
    try:
        return stamper.stamp(sheet_pdf_bytes)
    finally:
        stamper.close()


def _safe_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base or base in (".", ".."):
        raise ValidationFailed(f"无效的文件名：{name}", f"Invalid file name: {name}")
    return base if base.lower().endswith(".pdf") else base + ".pdf"


def stamp_zip(
    sheets: Iterable[tuple[str, bytes]], case_number: str, date: Date | datetime | str, authority: str, **kwargs
) -> bytes:
    """A zip of the stamped sheets: ``sheets`` are (file name, sheet PDF bytes); names are
    reduced to their last path part and made unique."""
    buf = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in sheets:
            safe = _safe_name(name)
            stem, n = safe[:-4], 1
            while safe in seen:
                n += 1
                safe = f"{stem}-{n}.pdf"
            seen.add(safe)
            zf.writestr(safe, stamp_sheet(data, case_number, date, authority, **kwargs))
    return buf.getvalue()
