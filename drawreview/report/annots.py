"""Markups as native PDF annotations on a sheet PDF.

One markup becomes one annotation: cloud → Polygon with a cloudy border effect (/BE /S /C),
rect → Square, arrow → Line with an open arrow head, polyline → PolyLine, pin → Text (note
icon), text → FreeText (rich text, so CJK renders with MuPDF's own CJK font). The
annotation's contents are the comment thread as text, its title (author) the reviewer, its
colour that of the discipline. The same function draws the markup on report crops, so the
crop and the annotated sheet always look alike.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable
from datetime import datetime

import pymupdf

from drawreview.errors import UnreadableDrawing
from drawreview.report.model import SEVERITY_LABELS, Comment, Geometry, label

Colour = tuple[float, float, float]

DISCIPLINE_COLOURS: dict[str, Colour] = {
    "planning": (0.0, 0.45, 0.75),  # 规划
    "architecture": (0.85, 0.1, 0.1),  # 建筑
    "structure": (0.55, 0.2, 0.7),  # 结构
    "fire": (0.9, 0.3, 0.0),  # 消防
    "civil_defence": (0.0, 0.55, 0.3),  # 人防
    "lightning": (0.75, 0.6, 0.0),  # 防雷
    "meteorology": (0.1, 0.6, 0.7),  # 气象
    "drawing": (0.4, 0.4, 0.4),  # 制图
    "mep": (0.8, 0.0, 0.5),  # 机电
}
_PALETTE: tuple[Colour, ...] = (
    (0.85, 0.1, 0.1), (0.0, 0.45, 0.75), (0.0, 0.55, 0.3), (0.55, 0.2, 0.7),
    (0.9, 0.45, 0.0), (0.1, 0.6, 0.7), (0.8, 0.0, 0.5), (0.45, 0.35, 0.1),
)  # fmt: skip

CLOUD_INTENSITY = 2  # /BE /I: 0..2
LINE_WIDTH = 1.5


def colour_for(discipline_code: str) -> Colour:
    """The discipline's markup colour; unknown codes get a stable colour from a palette."""
    if discipline_code in DISCIPLINE_COLOURS:
        return DISCIPLINE_COLOURS[discipline_code]
    digest = hashlib.sha256(discipline_code.encode()).digest()
    return _PALETTE[digest[0] % len(_PALETTE)]


def _hex(colour: Colour) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour)


def _pdf_date(at: datetime) -> str:
    return at.strftime("D:%Y%m%d%H%M%S")


def add_markup(
    page: pymupdf.Page,
    geometry: Geometry,
    *,
    colour: Colour,
    author: str = "",
    content: str = "",
    subject: str = "",
    name: str | None = None,
    created_at: datetime | None = None,
) -> pymupdf.Annot:
    """Add ``geometry`` to ``page`` as one native annotation and return it."""
    pts = [pymupdf.Point(p) for p in geometry.points]
    kind = geometry.kind
    if kind == "pin":
        annot = page.add_text_annot(pts[0], content, icon="Comment")
        annot.set_colors(stroke=colour)
    elif kind == "rect":
        annot = page.add_rect_annot(pymupdf.Rect(geometry.bbox()))
        annot.set_colors(stroke=colour)
        annot.set_border(width=LINE_WIDTH)
    elif kind == "cloud":
        if len(pts) == 2:
            r = pymupdf.Rect(geometry.bbox())
            pts = [r.tl, r.tr, r.br, r.bl]
        annot = page.add_polygon_annot(pts)
        annot.set_colors(stroke=colour)
        annot.set_border(width=LINE_WIDTH, clouds=CLOUD_INTENSITY)
    elif kind == "arrow":
        annot = page.add_line_annot(pts[0], pts[-1])
        annot.set_colors(stroke=colour)
        annot.set_border(width=LINE_WIDTH)
        annot.set_line_ends(pymupdf.PDF_ANNOT_LE_NONE, pymupdf.PDF_ANNOT_LE_OPEN_ARROW)
    elif kind == "polyline":
        annot = page.add_polyline_annot(pts)
        annot.set_colors(stroke=colour)
        annot.set_border(width=LINE_WIDTH)
    else:  # text
        rect = pymupdf.Rect(geometry.bbox())
        annot = page.add_freetext_annot(
            rect,
            html.escape(geometry.text or content),
            fontsize=10,
            text_color=colour,
            border_color=colour,
            fill_color=(1, 1, 1),
            border_width=1,
            richtext=True,
            style=f"color:{_hex(colour)}; font-size:10pt",
        )
    doc = page.parent
    if kind == "text":
        # A FreeText's appearance comes from its rich text; /Contents (its plain-text
        # alternative) is set afterwards so the box keeps showing the markup's words.
        annot.set_info(title=author, subject=subject)
        annot.update()
        doc.xref_set_key(annot.xref, "Contents", pymupdf.get_pdf_str(content))
    else:
        annot.set_info(title=author, content=content, subject=subject)
        annot.update()
    if name:
        doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(name))
    if created_at:
        doc.xref_set_key(annot.xref, "CreationDate", pymupdf.get_pdf_str(_pdf_date(created_at)))
    return annot


def add_comment(page: pymupdf.Page, comment: Comment, discipline_code: str) -> pymupdf.Annot:
    """The comment's markup with its thread as contents and its author as title."""
    return add_markup(
        page,
        comment.geometry,
        colour=colour_for(discipline_code),
        author=comment.author,
        content=comment.thread_text(),
        subject=f"{label(SEVERITY_LABELS, comment.severity)} {comment.clause}".strip(),
        name=f"drawreview-comment-{comment.id}",
        created_at=comment.created_at,
    )


def annotate_sheet(sheet_pdf: bytes, items: Iterable[tuple[str, Comment]]) -> bytes:
    """The sheet PDF with one native annotation per (discipline_code, comment) markup."""
    try:
        doc = pymupdf.open("pdf", sheet_pdf)
    except Exception as exc:
        raise UnreadableDrawing("图纸 PDF 无法读取", "The sheet PDF cannot be read") from exc
    with doc:
        page = doc[0]
        for code, comment in items:
            add_comment(page, comment, code)
        return doc.tobytes(garbage=3, deflate=True)


def annotate_sheets(disciplines: Iterable) -> dict[str, bytes]:
    """Every sheet that has comments, annotated: {sheet_number: annotated PDF bytes}.

    ``disciplines`` are :class:`~drawreview.report.model.DisciplineSection` objects."""
    by_sheet: dict[str, list[tuple[str, Comment]]] = {}
    paths: dict[str, str] = {}
    for d in disciplines:
        for c in d.comments:
            by_sheet.setdefault(c.sheet_number, []).append((d.code, c))
            paths[c.sheet_number] = str(c.sheet_pdf_path)
    out = {}
    for number, items in by_sheet.items():
        try:
            with open(paths[number], "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise UnreadableDrawing(
                f"找不到图纸 {number} 的 PDF：{paths[number]}", f"Sheet PDF of {number} not found: {paths[number]}"
            ) from exc
        out[number] = annotate_sheet(data, items)
    return out
