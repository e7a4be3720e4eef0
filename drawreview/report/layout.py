"""A small flowing layout on PyMuPDF pages: wrapped CJK text, tables, images, bookmarks.

Text goes through one ``TextWriter`` per colour per page (the font is embedded once per
document); lines and fills through one ``Shape`` per page. Both are written when the page
is finished, shapes first so text stays on top.

Every piece of text enters through :meth:`Layout.drawable`: a character the font has no glyph
for is drawn as ``□`` and listed in ``Layout.replaced``, whichever field it came from (a sheet
title, a file name, a checker's name), so no text can make the report unissuable.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import pymupdf

from drawreview.report.font import char_widths, visible, wrap

BLACK = (0.0, 0.0, 0.0)
GREY = (0.45, 0.45, 0.45)
LIGHT = (0.93, 0.93, 0.93)
RED = (0.8, 0.0, 0.0)
PLACEHOLDER = "□"  # drawn for a character the font cannot draw

A4 = pymupdf.paper_rect("a4")


MIN_SPLIT_LINES = 3  # a row taller than a page is split only where at least this many of its lines fit
IMAGE_ZLIB_LEVEL = 2  # as fast as the final save's compression, slightly smaller files


def compressed_image(doc: pymupdf.Document, pixmap: pymupdf.Pixmap) -> int:
    """An image object holding ``pixmap`` deflated now (its xref). ``insert_image(pixmap=)``
    keeps the raw pixels in the document until it is saved: ~0.5 MB per drawing crop, so a
    1,000-comment report grew the process by about a gigabyte; deflated at once, it stays flat."""
    if pixmap.alpha or pixmap.n not in (1, 3):
        pixmap = pymupdf.Pixmap(pymupdf.csRGB, pixmap, 0)  # drop alpha / convert, as insert_image would flatten
    space = "/DeviceGray" if pixmap.n == 1 else "/DeviceRGB"
    xref = doc.get_new_xref()
    doc.update_object(xref, f"<</Type/XObject/Subtype/Image/Width {pixmap.width}/Height {pixmap.height}"
                            f"/ColorSpace{space}/BitsPerComponent 8>>")
    doc.update_stream(xref, zlib.compress(pixmap.samples, IMAGE_ZLIB_LEVEL), compress=False)
    doc.xref_set_key(xref, "Filter", "/FlateDecode")  # set after: update_stream drops the dictionary's filter
    return xref


@dataclass
class Column:
    header: str
    width: float  # fraction of the table width
    align: int = 0  # 0 left, 1 centre


@dataclass
class Layout:
    doc: pymupdf.Document
    font: pymupdf.Font  # or a report.font.FontChain (fallback fonts for what the first lacks)
    page_rect: pymupdf.Rect = field(default_factory=lambda: pymupdf.Rect(A4))
    margin: tuple[float, float, float, float] = (56.0, 56.0, 56.0, 64.0)  # left, top, right, bottom
    toc: list[list] = field(default_factory=list)
    chars: set[str] = field(default_factory=set)  # every character written
    replaced: set[str] = field(default_factory=set)  # characters drawn as PLACEHOLDER

    def __post_init__(self) -> None:
        self.page: pymupdf.Page | None = None
        self.y = 0.0
        self._writers: dict[tuple[float, ...], pymupdf.TextWriter] = {}
        self._shape: pymupdf.Shape | None = None
        self._drawable: dict[str, bool] = {}

    def drawable(self, text: str) -> str:
        """``text`` with each character the font has no glyph for replaced by ``□``, and without
        the format characters that have no visible form (``font.invisible``)."""
        text = visible(text)
        known = self._drawable
        out = None
        for i, ch in enumerate(text):
            ok = known.get(ch)
            if ok is None:
                ok = known[ch] = ch.isspace() or not ch.isprintable() or self.font.has_glyph(ord(ch)) != 0
            if not ok:
                self.replaced.add(ch)
                out = out if out is not None else list(text)
                out[i] = PLACEHOLDER
        return text if out is None else "".join(out)

    # -- pages -----------------------------------------------------------------------------
    @property
    def left(self) -> float:
        return self.page_rect.x0 + self.margin[0]

    @property
    def right(self) -> float:
        return self.page_rect.x1 - self.margin[2]

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def bottom(self) -> float:
        return self.page_rect.y1 - self.margin[3]

    @property
    def page_no(self) -> int:
        """1-based number of the current page."""
        return self.page.number + 1 if self.page else 0

    def new_page(self) -> pymupdf.Page:
        self.flush()
        self.page = self.doc.new_page(width=self.page_rect.width, height=self.page_rect.height)
        self.y = self.page_rect.y0 + self.margin[1]
        return self.page

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` points still fit on this one."""
        if self.page is None or self.y + height > self.bottom:
            self.new_page()

    def space(self, height: float) -> None:
        self.y += height

    def bookmark(self, level: int, title: str) -> None:
        self.toc.append([level, title, self.page_no])

    def flush(self) -> None:
        """Write the pending shapes and text of the current page."""
        if self.page is None:
            return
        if self._shape is not None:
            self._shape.commit()
            self._shape = None
        for colour, tw in self._writers.items():
            tw.write_text(self.page, color=colour)
        self._writers.clear()

    # -- drawing primitives ----------------------------------------------------------------
    @property
    def shape(self) -> pymupdf.Shape:
        if self._shape is None:
            self._shape = self.page.new_shape()
        return self._shape

    def text_at(self, x: float, baseline: float, text: str, size: float, colour=BLACK) -> None:
        """One line of text with its left end at (x, baseline)."""
        if not text:
            return
        text = self.drawable(text)
        self.chars.update(text)
        key = tuple(colour)
        tw = self._writers.get(key)
        if tw is None:
            tw = self._writers[key] = pymupdf.TextWriter(self.page.rect)
        runs = self.font.runs(text) if hasattr(self.font, "runs") else [(self.font, text)]
        for font, piece in runs:
            tw.append((x, baseline), piece, font=font, fontsize=size)
            x += sum(char_widths(font, piece, size))  # cached widths: MuPDF measures a character at a time

    def text_width(self, text: str, size: float) -> float:
        return sum(char_widths(self.font, self.drawable(text), size))

    def fit(self, text: str, size: float, width: float) -> str:
        """``text`` cut short with an ellipsis so that it is at most ``width`` wide."""
        text = self.drawable(text)
        if self.text_width(text, size) <= width:
            return text
        widths, run = char_widths(self.font, text, size), self.text_width("…", size)
        for i, w in enumerate(widths):
            if run + w > width:
                return text[:i] + "…"
            run += w
        return text

    def hline(self, y: float | None = None, colour=GREY, width: float = 0.6) -> None:
        y = self.y if y is None else y
        self.shape.draw_line((self.left, y), (self.right, y))
        self.shape.finish(color=colour, width=width)

    def box(self, rect, stroke=GREY, fill=None, width: float = 0.5) -> None:
        self.shape.draw_rect(pymupdf.Rect(rect))
        self.shape.finish(color=stroke, fill=fill, width=width)

    # -- flowing content -------------------------------------------------------------------
    def paragraph(
        self, text: str, size: float = 10.0, colour=BLACK, indent: float = 0.0, leading: float = 1.55, align: int = 0
    ) -> None:
        """Wrapped text at the cursor, breaking pages between lines."""
        width = self.width - indent
        line_h = size * leading
        for line in wrap(self.font, self.drawable(text), size, width):
            self.ensure(line_h)
            x = self.left + indent
            if align == 1:
                x += (width - self.text_width(line, size)) / 2
            self.text_at(x, self.y + size * 1.05, line, size, colour)
            self.y += line_h

    def lines_height(self, text: str, size: float, indent: float = 0.0, most: int | None = None,
                     leading: float = 1.55) -> float:
        """The height :meth:`paragraph` gives ``text`` (of its first ``most`` lines when given)."""
        n = len(wrap(self.font, self.drawable(text), size, self.width - indent))
        return min(n, most or n) * size * leading

    def heading(self, text: str, size: float = 14.0, colour=BLACK, before: float = 8.0, keep: float = 80.0) -> None:
        """A heading kept on a page with at least ``keep`` points of what follows."""
        self.ensure(before + size * 1.6 + keep)
        self.y += before
        self.paragraph(text, size=size, colour=colour, leading=1.5)

    @staticmethod
    def image_height(pixmap: pymupdf.Pixmap, max_w: float, max_h: float) -> float:
        """The room :meth:`image` takes for the pixmap (its scaled height and the gap after it)."""
        return pixmap.height * min(max_w / pixmap.width, max_h / pixmap.height) + 4

    def image(self, pixmap: pymupdf.Pixmap, max_w: float, max_h: float, frame=GREY) -> pymupdf.Rect:
        """The pixmap scaled to fit max_w × max_h at the cursor (left aligned)."""
        scale = min(max_w / pixmap.width, max_h / pixmap.height)
        w, h = pixmap.width * scale, pixmap.height * scale
        self.ensure(h + 4)
        rect = pymupdf.Rect(self.left, self.y, self.left + w, self.y + h)
        self.page.insert_image(rect, xref=compressed_image(self.doc, pixmap))
        self.box(rect, stroke=frame)
        self.y += h + 4
        return rect

    def table(self, columns: list[Column], rows: list[list[str]], size: float = 9.0, pad: float = 3.0) -> None:
        """A ruled table whose header repeats on every page it spans."""
        widths = [c.width * self.width for c in columns]
        line_h = size * 1.4

        def cell_lines(row: list[str]) -> list[list[str]]:
            return [wrap(self.font, self.drawable(str(v)), size, w - 2 * pad) for v, w in zip(row, widths)]

        def draw_row(lines: list[list[str]], height: float, fill=None) -> None:
            x = self.left
            for col, w, cell in zip(columns, widths, lines):
                self.box((x, self.y, x + w, self.y + height), fill=fill)
                for i, line in enumerate(cell):
                    tx = x + pad
                    if col.align == 1:
                        tx = x + (w - self.text_width(line, size)) / 2
                    self.text_at(tx, self.y + pad + i * line_h + size * 1.02, line, size)
                x += w
            self.y += height

        header = cell_lines([c.header for c in columns])
        header_h = max(len(c) for c in header) * line_h + 2 * pad
        self.ensure(header_h + line_h + 2 * pad)
        draw_row(header, header_h, fill=LIGHT)
        # the most lines one row may show on a page under the repeated header
        page_lines = max(1, int((self.bottom - self.page_rect.y0 - self.margin[1] - header_h - 2 * pad) // line_h))
        for row in rows:
            lines = cell_lines(row)
            while True:
                n = max(len(c) for c in lines)
                if self.y + n * line_h + 2 * pad <= self.bottom:
                    draw_row(lines, n * line_h + 2 * pad)
                    break
                room = int((self.bottom - self.y - 2 * pad) // line_h)
                if n > page_lines and room >= min(MIN_SPLIT_LINES, page_lines):
                    # taller than a page: show what fits here, continue the row on the next page
                    draw_row([c[:room] for c in lines], room * line_h + 2 * pad)
                    lines = [c[room:] for c in lines]
                self.new_page()
                draw_row(header, header_h, fill=LIGHT)

    def footers(self, left_text: str) -> None:
        """'第 n 页 / 共 N 页' centred at the foot of every page, ``left_text`` at the left."""
        self.flush()
        total = self.doc.page_count
        size = 8.5
        for page in self.doc:
            self.page = page
            base = self.page_rect.y1 - self.margin[3] / 2
            label = f"第 {page.number + 1} 页 / 共 {total} 页"
            x = (self.page_rect.width - self.text_width(label, size)) / 2
            self.text_at(x, base, label, size, GREY)
            self.text_at(self.left, base, self.fit(left_text, size, x - self.left - 12), size, GREY)
            self.flush()
