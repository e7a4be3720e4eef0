"""Markups as native PDF annotations on a sheet PDF.

One markup becomes one annotation: cloud → Polygon with a cloudy border effect (/BE /S /C),
rect → Square, arrow → Line with an open arrow head, polyline → PolyLine, pin → Text (note
icon), text → FreeText whose box is sized to hold its whole text (MuPDF lays it out with its CJK
font in the appearance; /DA names a Chinese font). The annotation's contents are the opening
remark, its title (author) the reviewer, its colour the discipline's from the one palette
(drawreview/palette.py). On a marked-up sheet every reply follows as a native reply annotation
(/IRT, /RT /R) and the comment's status as a review-state annotation (/StateModel /Review,
/State), so Acrobat and Bluebeam show the thread and its status. Dates carry their UTC offset.
The same markup function draws the markup on report crops (without the thread), so the crop
and the annotated sheet look alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import pymupdf

from drawreview import palette
from drawreview.errors import UnreadableDrawing
from drawreview.report.font import fix_tounicode, font_chain, wrap
from drawreview.report.model import SEVERITY_LABELS, STATUS_LABELS, Comment, Geometry, aware, label

Colour = tuple[float, float, float]

CLOUD_INTENSITY = 2  # /BE /I: 0..2
LINE_WIDTH = 1.5
FONT_SIZE = 10.0
LEADING = 1.3
PAD = 3.0
CJK_DA_FONT = "STSong"  # /DA font: Adobe's predefined Simplified Chinese font, declared in /AcroForm /DR
# our comment status -> the PDF review state (/StateModel /Review) Acrobat and Bluebeam show
REVIEW_STATE = {"open": "None", "answered": "Accepted", "closed": "Completed"}


def colour_for(discipline_code: str) -> Colour:
    """The discipline's markup colour from the one palette (drawreview/palette.py)."""
    return palette.rgb_of(discipline_code)


def _hex(colour: Colour) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colour)


def pdf_date(at: datetime) -> str:
    """A PDF date with its UTC offset (D:YYYYMMDDHHmmSS+08'00'); a naive time is taken as UTC+8."""
    at = aware(at)
    off = at.utcoffset() or timedelta(0)
    sign = "-" if off < timedelta(0) else "+"
    minutes = abs(int(off.total_seconds())) // 60
    return at.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def _freetext(page: pymupdf.Page, geometry: Geometry, text: str, colour: Colour) -> tuple[pymupdf.Annot, list[str]]:
    """A FreeText whose box holds its whole text: the width is the markup's (or one fitted to
    the text, at most 320 pt), the height that of the wrapped lines; returns the lines."""
    x0, y0, x1, y1 = geometry.bbox()
    font = font_chain()
    if len(geometry.points) == 1:
        x1 = x0 + min(max(60.0, font.text_length(text, FONT_SIZE) + 2 * PAD + 2), 320.0)
    lines = [ln for para in (text or " ").split("\n") for ln in (wrap(font, para, FONT_SIZE, x1 - x0 - 2 * PAD) or [""])]
    height = len(lines) * FONT_SIZE * LEADING + 2 * PAD
    rect = pymupdf.Rect(x0, y0, x1, max(y1, y0 + height))
    annot = page.add_freetext_annot(rect, text, fontsize=FONT_SIZE, fontname="helv", text_color=colour,
                                    fill_color=(1, 1, 1), border_width=1)
    return annot, lines


def _freetext_appearance(doc: pymupdf.Document, annot: pymupdf.Annot, lines: list[str], colour: Colour) -> None:
    """Replace MuPDF's appearance (its fallback drops some CJK glyphs) by one drawn with the
    report's CJK font: white box, border and text in the discipline's colour, every line inside."""
    rect = annot.rect
    w, h = rect.width, rect.height
    tmp = pymupdf.open()
    p = tmp.new_page(width=w, height=h)
    shape = p.new_shape()
    shape.draw_rect(pymupdf.Rect(0.5, 0.5, w - 0.5, h - 0.5))
    shape.finish(color=colour, fill=(1, 1, 1), width=1)
    shape.commit()
    tw = pymupdf.TextWriter(p.rect)
    chain = font_chain()  # rare ideographs from the fallback fonts (decision 124)
    for i, line in enumerate(lines):
        x = PAD
        line = "".join(ch if ch.isspace() or chain.has_glyph(ord(ch)) else "□" for ch in line)
        for font, piece in chain.runs(line):
            tw.append((x, PAD + FONT_SIZE * (i * LEADING + 0.95)), piece, font=font, fontsize=FONT_SIZE)
            x += font.text_length(piece, FONT_SIZE)
    tw.write_text(p, color=colour)
    tmp.subset_fonts()
    fix_tounicode(tmp)
    # the scratch page becomes a Form XObject of ``doc`` (fonts grafted along), as show_pdf_page does
    xobj = pymupdf.JM_xobject_from_page(pymupdf._as_pdf_document(doc), tmp[0], 0, pymupdf.Graftmap(doc).this)
    ap = pymupdf.mupdf.pdf_to_num(xobj)
    tmp.close()
    doc.xref_set_key(annot.xref, "AP", f"<< /N {ap} 0 R >>")


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
    else:  # text: the box shows the markup's words, which are also its /Contents
        content = geometry.text or content
        annot, lines = _freetext(page, geometry, content, colour)
    doc = page.parent
    annot.set_info(title=author, content=content, subject=subject)
    annot.update()
    if kind == "text":
        _freetext_appearance(doc, annot, lines, colour)
        _cjk_da(doc, annot, colour)
    if name:
        doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(name))
    if created_at:
        doc.xref_set_key(annot.xref, "CreationDate", pymupdf.get_pdf_str(pdf_date(created_at)))
        doc.xref_set_key(annot.xref, "M", pymupdf.get_pdf_str(pdf_date(created_at)))
    return annot


def _cjk_da(doc: pymupdf.Document, annot: pymupdf.Annot, colour: Colour) -> None:
    """/DA names a Chinese font (declared in /AcroForm /DR) so a viewer that rebuilds the
    appearance from /DA draws Chinese; the appearance MuPDF made already embeds one."""
    r, g, b = colour
    doc.xref_set_key(annot.xref, "DA", pymupdf.get_pdf_str(f"{r:.3g} {g:.3g} {b:.3g} rg /{CJK_DA_FONT} {FONT_SIZE:g} Tf"))
    cat = doc.pdf_catalog()
    if doc.xref_get_key(cat, f"AcroForm/DR/Font/{CJK_DA_FONT}")[0] != "null":
        return
    font = doc.get_new_xref()
    doc.update_object(font, "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
                            "/DescendantFonts [ << /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                            "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
                            "/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
                            "/FontBBox [ -25 -254 1000 880 ] /ItalicAngle 0 /Ascent 880 /Descent -120 "
                            "/CapHeight 880 /StemV 93 >> /DW 1000 >> ] >>")
    if doc.xref_get_key(cat, "AcroForm")[0] == "null":
        doc.xref_set_key(cat, "AcroForm", "<< /Fields [] >>")
    if doc.xref_get_key(cat, "AcroForm/DR")[0] == "null":
        doc.xref_set_key(cat, "AcroForm/DR", "<< /Font << >> >>")
    doc.xref_set_key(cat, f"AcroForm/DR/Font/{CJK_DA_FONT}", f"{font} 0 R")


def add_thread(page: pymupdf.Page, parent: pymupdf.Annot, comment: Comment) -> list[pymupdf.Annot]:
    """The comment's replies as native reply annotations (/IRT to the markup, /RT /R) and its
    status as a review-state annotation (/StateModel /Review), as Acrobat and Bluebeam make them."""
    doc = page.parent
    at = pymupdf.Point(parent.rect.x1, parent.rect.y0)
    out = []
    for i, r in enumerate(comment.thread, start=1):
        a = page.add_text_annot(at, r.text, icon="Comment")
        a.set_info(title=f"{r.author}（{r.org}）", content=r.text, subject="回复 Reply")
        a.set_flags(pymupdf.PDF_ANNOT_IS_PRINT | pymupdf.PDF_ANNOT_IS_NO_ZOOM | pymupdf.PDF_ANNOT_IS_NO_ROTATE)
        a.update()
        _reply_keys(doc, a, parent, f"drawreview-comment-{comment.id}-reply-{i}", r.at)
        out.append(a)
    state = REVIEW_STATE[comment.status]
    s = page.add_text_annot(at, f"审查状态 Status: {label(STATUS_LABELS, comment.status)}", icon="Comment")
    s.set_info(title=comment.author, content=f"{label(STATUS_LABELS, comment.status)} ({state})", subject="审查状态")
    s.update()
    _reply_keys(doc, s, parent, f"drawreview-comment-{comment.id}-state", comment.thread[-1].at if comment.thread
                else comment.created_at)
    doc.xref_set_key(s.xref, "StateModel", "/Review")
    doc.xref_set_key(s.xref, "State", f"/{state}")
    out.append(s)
    return out


def _reply_keys(doc, a: pymupdf.Annot, parent: pymupdf.Annot, name: str, at: datetime | None) -> None:
    doc.xref_set_key(a.xref, "IRT", f"{parent.xref} 0 R")
    doc.xref_set_key(a.xref, "RT", "/R")
    doc.xref_set_key(a.xref, "NM", pymupdf.get_pdf_str(name))
    doc.xref_set_key(a.xref, "Open", "false")
    if at is not None:
        doc.xref_set_key(a.xref, "CreationDate", pymupdf.get_pdf_str(pdf_date(at)))
        doc.xref_set_key(a.xref, "M", pymupdf.get_pdf_str(pdf_date(at)))


def add_comment(page: pymupdf.Page, comment: Comment, discipline_code: str) -> pymupdf.Annot:
    """The comment's markup with its thread as contents and its author as title."""
    return add_markup(
        page,
        comment.geometry,
        colour=colour_for(discipline_code),
        author=comment.author,
        content=comment.text,
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
            add_thread(page, add_comment(page, comment, code), comment)
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
