"""Acceptance receipt PDF (受理回执) for a joint-review submission.

``render_receipt(data) -> bytes`` draws one A4 page with PyMuPDF: the case facts in a
two-column table, the 容缺 (deficiency) items when accepted with deficiencies, the
verification code, and a QR code (segno PNG) pointing to the progress page.

Chinese text uses the report part's CJK font (``report.font``: PyMuPDF's built-in
``china-s``, Droid Sans Fallback) and its line wrapping, embedded and subset so the
receipt reads the same on any viewer (about 40 KB with the QR code).

``data`` keys — required: ``case_number``, ``project_name``, ``construction_unit``,
``design_institute``, ``accepted_at`` (datetime/date/str), ``due_at`` (datetime/date/str; shown
as a date, the end of that working day), ``disciplines`` (codes like ``"fire"`` or labels),
``verification_code``, ``progress_url``. Optional: ``missing_items`` (list of str; makes the
receipt a 容缺受理 receipt), ``deficiency_deadline``, ``review_days`` (int), ``issuer``
(the accepting window), ``verify_url`` (where the code can be checked), ``period_changes``
(the window's changes of the review period since acceptance, each ``{at, from_days, to_days,
previous_due, reason}``: listed, and the receipt says it was drawn again; decision 132).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pymupdf
import segno

from drawreview.errors import ValidationFailed
from drawreview.report.font import DEFAULT_FONT, FontChain, fix_tounicode, font_chain, wrap
from drawreview.services.workflow import DISCIPLINES

REQUIRED = ("case_number", "project_name", "construction_unit", "design_institute",
            "accepted_at", "due_at", "disciplines", "verification_code", "progress_url")

PAGE_W, PAGE_H = pymupdf.paper_size("a4")
MARGIN = 56.0
LABEL_W = 130.0
FONT = "cjk"
INK = (0.1, 0.1, 0.1)
GREY = (0.45, 0.45, 0.45)
RULE = (0.6, 0.6, 0.6)
QR_SIZE = 112.0


def _font() -> FontChain:
    """The report's fonts: the CJK font, then fallbacks for rare ideographs (decision 124)."""
    return font_chain(DEFAULT_FONT)


def _fmt_time(value: Any, *, date_only: bool = False) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if date_only else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _discipline_text(disciplines: Iterable[str]) -> str:
    return "、".join(DISCIPLINES.get(d, d) for d in disciplines)


def _wrap(text: str, size: float, width: float) -> list[str]:
    return wrap(_font(), str(text), size, width)


class _Writer:
    """A cursor down the page; starts a new page when the next block does not fit."""

    def __init__(self, doc: pymupdf.Document) -> None:
        self.doc = doc
        self.page: pymupdf.Page
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        self.page.insert_font(fontname=FONT, fontbuffer=_font().primary.buffer)
        self.fonts_on_page = {FONT}
        self.y = MARGIN

    def ensure(self, height: float) -> None:
        if self.y + height > PAGE_H - MARGIN:
            self.new_page()

    def text(self, x: float, y: float, s: str, size: float, color=INK) -> None:
        """One line; each run in the font that draws it, □ for a character none draws."""
        chain = _font()
        s = "".join(ch if ch.isspace() or chain.has_glyph(ord(ch)) else "□" for ch in s)
        for font, piece in chain.runs(s):
            name = FONT if font is chain.primary else f"fb{chain.fonts.index(font)}"
            if name not in self.fonts_on_page:  # a fallback is embedded only where it is used
                self.page.insert_font(fontname=name, fontbuffer=font.buffer)
                self.fonts_on_page.add(name)
            self.page.insert_text((x, y), piece, fontname=name, fontsize=size, color=color)
            x += font.text_length(piece, fontsize=size)

    def centered(self, s: str, size: float, color=INK, gap: float = 6) -> None:
        w = _font().text_length(s, fontsize=size)
        self.y += size
        self.text((PAGE_W - w) / 2, self.y, s, size, color)
        self.y += gap

    def row(self, label: str, label_en: str, value: str, size: float = 11, bold_value: bool = False) -> None:
        """A bordered label/value row; a value too long for the page continues on the next."""
        x0, x1 = MARGIN, PAGE_W - MARGIN
        lead = size * 1.45
        lines = _wrap(value, size, x1 - x0 - LABEL_W - 16)
        while lines:
            if self.y + 2 * lead + 10 > PAGE_H - MARGIN:
                self.new_page()
            fit = max(1, int((PAGE_H - MARGIN - self.y - 10) // lead))
            chunk, lines = lines[:fit], lines[fit:]
            height = max(len(chunk) * lead, 2 * lead) + 10
            top = self.y
            self.page.draw_rect(pymupdf.Rect(x0, top, x1, top + height), color=RULE, width=0.6)
            self.page.draw_line((x0 + LABEL_W, top), (x0 + LABEL_W, top + height), color=RULE, width=0.6)
            self.text(x0 + 8, top + 5 + size, label, size)
            self.text(x0 + 8, top + 5 + size + lead, label_en, size * 0.72, GREY)
            for i, line in enumerate(chunk):
                self.text(x0 + LABEL_W + 8, top + 5 + size + i * lead, line, size + (2 if bold_value else 0))
            self.y = top + height
            label, label_en = label + "（续）", label_en + " (cont.)"


def _period_change(c: dict[str, Any]) -> str:
    """"2026-12-07 调整为 10 个工作日（原 7 个工作日，原截止日 2026-12-16）；理由：…"."""
    before = f"原 {c['from_days']} 个工作日" + (f"，原截止日 {_fmt_time(c['previous_due'], date_only=True)}"
                                            if c.get("previous_due") else "")
    return f"{_fmt_time(c['at'], date_only=True)} 调整为 {c['to_days']} 个工作日（{before}）；理由：{c.get('reason') or '—'}"


def _validate(data: dict[str, Any]) -> None:
    missing = [k for k in REQUIRED if data.get(k) in (None, "", [])]
    if missing:
        raise ValidationFailed(f"受理回执缺少必填信息：{', '.join(missing)}",
                               f"The acceptance receipt lacks required fields: {', '.join(missing)}",
                               details={"missing": missing})


def qr_png(url: str, *, scale: int = 4, border: int = 2) -> bytes:
    """The QR code for ``url`` as PNG (error correction M)."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()


def render_receipt(data: dict[str, Any]) -> bytes:
    """The 受理回执 PDF as bytes (see the module docstring for ``data``)."""
    _validate(data)
    items = [str(i) for i in data.get("missing_items") or [] if str(i).strip()]
    doc = pymupdf.open()
    w = _Writer(doc)

    w.centered("建设工程施工图联合审查", 14, GREY, gap=8)
    w.centered("受理回执" + ("（容缺受理）" if items else ""), 22, gap=4)
    w.centered("Acceptance Receipt — Joint Construction Drawing Review", 9, GREY, gap=18)

    w.row("受理编号", "Case No.", str(data["case_number"]), bold_value=True)
    w.row("项目名称", "Project", str(data["project_name"]))
    w.row("建设单位", "Construction unit", str(data["construction_unit"]))
    w.row("设计单位", "Design institute", str(data["design_institute"]))
    w.row("受理时间", "Accepted at", _fmt_time(data["accepted_at"]))
    due = _fmt_time(data["due_at"], date_only=True)
    if data.get("review_days"):
        due += f"（{int(data['review_days'])} 个工作日，补正期间不计入）"
    else:
        due += "（补正期间不计入审查时限）"
    if data.get("due_estimated"):  # computed beyond the years the holiday calendar knows
        due += "（按周末估算，节假日安排未录入）"
    w.row("审查截止日", "Review due", due)
    changes = data.get("period_changes") or []
    if changes:
        w.row("时限调整", "Period changed", "\n".join(_period_change(c) for c in changes))
    w.row("审查专业", "Disciplines", _discipline_text(data["disciplines"]))
    if items:
        listed = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
        w.row("容缺材料", "Missing items", listed)
        if data.get("deficiency_deadline"):
            w.row("补齐期限", "Supply by", _fmt_time(data["deficiency_deadline"], date_only=True)
                  + "（逾期未补齐的，将退回申请）")
    w.row("验证码", "Verification code", str(data["verification_code"]), bold_value=True)

    # QR code block
    w.ensure(QR_SIZE + 60)
    top = w.y + 18
    x1 = PAGE_W - MARGIN
    qr_rect = pymupdf.Rect(x1 - QR_SIZE, top, x1, top + QR_SIZE)
    w.page.insert_image(qr_rect, stream=qr_png(str(data["progress_url"])))
    note_w = x1 - QR_SIZE - 16 - MARGIN
    notes = [("请使用手机扫描右侧二维码查看审查进度。", 10.5, INK),
             ("Scan the QR code to follow the review progress.", 8.5, GREY),
             ("进度查询地址 / Progress URL:", 9, INK),
             (str(data["progress_url"]), 8.5, GREY)]
    if data.get("verify_url"):
        notes += [("凭验证码核验本回执 / Check this receipt with its code:", 9, INK),
                  (str(data["verify_url"]), 8.5, GREY)]
    y = top + 12
    for text, size, color in notes:
        for part in _wrap(text, size, note_w):
            w.text(MARGIN, y, part, size, color)
            y += size * 1.5
        y += 3
    w.y = max(y, qr_rect.y1) + 24

    issuer = data.get("issuer") or "联合审查受理窗口"
    w.ensure(40)
    w.text(MARGIN, w.y, f"受理窗口：{issuer}", 10.5)
    w.text(MARGIN, w.y + 16, "本回执由系统自动生成，修改期间（补正）不计入审查时限。", 8.5, GREY)
    below = 30
    if changes:  # the acceptance is the same; the due date is not the one first printed
        redrawn = (f"本回执于 {_fmt_time(changes[-1]['at'])} 因审查时限调整重新出具，受理事项不变。"
                   f" Drawn again on {_fmt_time(changes[-1]['at'])} after the review period was changed.")
        for part in _wrap(redrawn, 8.5, PAGE_W - 2 * MARGIN):
            w.text(MARGIN, w.y + below, part, 8.5, GREY)
            below += 13
    if data.get("audit_anchor"):  # found again by `drawreview audit verify --document`
        w.text(MARGIN, w.y + below, str(data["audit_anchor"]), 6.5, GREY)

    doc.set_metadata({"title": f"受理回执 {data['case_number']}", "author": str(issuer),
                      "subject": str(data["project_name"]), "creator": "drawreview",
                      "producer": "drawreview (PyMuPDF)"})
    doc.subset_fonts()
    fix_tounicode(doc)  # characters beyond the BMP extract as written
    out = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return out
