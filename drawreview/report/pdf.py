"""The merged review report (审查意见书) as a PDF, from :class:`ReportData`.

Cover → summary table → one section per discipline (per sheet: every comment with its
severity, clause, status, a crop of the drawing with the markup drawn, and its thread;
then the confirmed automatic findings) → conclusions with a signature block. Bookmarks per
discipline and sheet, "第 n 页 / 共 N 页" on every page, the CJK font embedded as a subset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pymupdf

from drawreview.report import history, opinions, review_time, sections
from drawreview.report.sections import conclusion_text as _conclusion
from drawreview.report.crop import SheetCache
from drawreview.report.font import DEFAULT_FONT, fix_tounicode, font_chain, wrap
from drawreview.report.integrity import draw_qr
from drawreview.report.layout import BLACK, GREY, RED, Column, Layout
from drawreview.report.model import VERDICT_LABELS, ReportData, label

SIGN_LINE = 12.0  # leading of a signer's name wrapped on the signature line


@dataclass
class ReportInfo:
    pages: int
    toc: list[list] = field(default_factory=list)
    crops: int = 0
    sheets_opened: int = 0
    missing_glyphs: set[str] = field(default_factory=set)
    signature_page: int = -1  # where the visible signature goes (page index, PyMuPDF rect)
    signature_rect: tuple[float, float, float, float] | None = None
    page_height: float = 0.0


def _date(at: datetime | None) -> str:
    return f"{at:%Y年%m月%d日}" if at else "—"


def _one_line(lay: Layout, texts, size: float, lo: float, hi: float, pad: float = 3.0) -> float:
    """The fraction of the table width a column needs to keep the longest of ``texts`` on one
    line (a reviewer's name: "规划审查 李明", "欧阳明华"), kept within ``lo``..``hi``."""
    need = max((lay.text_width(t, size) for t in texts if t), default=0.0) + 2 * pad + 2
    return min(hi, max(lo, need / lay.width))


def _cover(lay: Layout, data: ReportData, verify_url: str | None) -> None:
    p = data.project
    lay.new_page()
    lay.bookmark(1, "封面 Cover")
    lay.space(30)
    lay.paragraph(p.authority, size=14, align=1)
    lay.space(36)
    lay.paragraph("施工图设计文件审查意见书", size=26, align=1, leading=1.4)
    lay.paragraph("Construction Drawing Review Report", size=12, colour=GREY, align=1)
    lay.space(10)
    lay.paragraph(f"审查编号 Case No.：{p.case_number}", size=12, align=1)
    lay.space(28)
    rows = [
        ["项目名称 Project", p.name],
        ["项目地址 Address", p.address],
        ["建设单位 Construction unit", p.construction_unit],
        ["设计单位 Design institute", p.design_institute],
        ["审查机构 Review authority", p.authority],
        ["审查轮次 Round", f"第 {p.round_no} 轮"],
        ["送审日期 Submitted", _date(p.submitted_at)],
        ["受理日期 Accepted", _date(p.accepted_at)],
        ["出具日期 Issued", _date(p.issued_at)],
        ["审查结论 Verdict", label(VERDICT_LABELS, p.verdict)],
    ]
    if p.reply_deadline is not None:
        rows.append(["回复期限 Reply by", _date(p.reply_deadline) + (sections.ESTIMATED if p.reply_deadline_estimated else "")])
    lay.table([Column("项目 Item", 0.32), Column("内容 Details", 0.68)], rows, size=10.5, pad=5)
    lay.space(24)
    verdict = label(VERDICT_LABELS, p.verdict)
    size = 20
    w = lay.text_width(verdict, size) + 40
    x0 = lay.left + (lay.width - w) / 2
    lay.box((x0, lay.y, x0 + w, lay.y + size * 2), stroke=RED, width=2)
    lay.text_at(x0 + 20, lay.y + size * 1.35, verdict, size, RED)
    lay.y += size * 2
    if verify_url:
        side = 92.0
        rect = pymupdf.Rect(lay.right - side, lay.bottom - side - 14, lay.right, lay.bottom - 14)
        draw_qr(lay.page, rect, verify_url)
        lay.text_at(rect.x0, rect.y1 + 10, "扫码核验 Scan to verify", 8, GREY)
        lay.text_at(lay.left, rect.y1 + 10, lay.fit(verify_url, 7.0, rect.x0 - lay.left - 12), 7.0, GREY)


def _summary(lay: Layout, data: ReportData) -> None:
    lay.new_page()
    lay.bookmark(1, "审查汇总 Summary")
    lay.heading("审查汇总 Summary", size=16, before=0)
    lay.space(6)
    # the counts are short: narrow columns, so the reviewer's name fits on one line
    who = _one_line(lay, [d.reviewer for d in data.disciplines], 9, 0.14, 0.26)
    cols = [
        Column("专业 Discipline", 0.15), Column("审查人 Reviewer", who), Column("结论 Conclusion", 0.41 - who),
        Column("强条", 0.065, 1), Column("一般", 0.065, 1), Column("建议", 0.065, 1),
        Column("未关闭 Open", 0.09, 1), Column("已关闭 Closed", 0.09, 1), Column("自动", 0.065, 1),
    ]  # fmt: skip
    rows = []
    totals = [0] * 6
    for d in data.disciplines:
        sev, st = d.severity_counts(), d.status_counts()
        nums = [sev["mandatory"], sev["general"], sev["suggestion"], st["open"] + st["answered"], st["closed"], len(d.findings)]
        totals = [a + b for a, b in zip(totals, nums)]
        rows.append([d.name_zh, d.reviewer, _conclusion(d, data.project.round_no), *map(str, nums)])
    rows.append(["合计 Total", "", label(VERDICT_LABELS, data.project.verdict), *map(str, totals)])
    lay.table(cols, rows, size=9)
    lay.space(8)
    lay.paragraph("注：强条 = 违反强制性条文；未关闭含“待回复”与“已回复待核实”的意见；自动 = 已确认的自动检查结果。"
                  + ("本表计本轮所列意见；此前各轮已关闭的意见见“审查意见处理记录”。" if data.history else ""),
                  size=8.5, colour=GREY)
    review_time.section(lay, data)


def _closing(lay: Layout, data: ReportData, seal: bytes | None) -> tuple[int, pymupdf.Rect]:
    p = data.project
    lay.new_page()
    lay.bookmark(1, "审查结论 Conclusions")
    lay.heading("审查结论 Conclusions", size=16, before=0)
    lay.space(6)
    who = _one_line(lay, [d.reviewer for d in data.disciplines], 9.5, 0.13, 0.24)
    cols = [
        Column("专业 Discipline", 0.17), Column("结论 Conclusion", 0.21), Column("意见 Opinion", 0.45 - who),
        Column("审查人 Reviewer", who), Column("日期 Date", 0.17),
    ]  # fmt: skip
    rows = [
        [f"{d.name_zh} {d.name_en}", _conclusion(d, p.round_no), d.opinion or "—", d.reviewer, _date(d.concluded_at)]
        for d in data.disciplines
    ]
    lay.table(cols, rows, size=9.5)
    lay.space(14)
    lay.paragraph(f"综合审查结论：{label(VERDICT_LABELS, p.verdict)}", size=13, colour=RED)
    lay.space(20)
    lay.heading("签章 Signatures", size=12, keep=40 + 26 * len(data.disciplines))
    for d in data.disciplines:
        # names are printed whole (wrapped in their column), never cut short: a signature line
        # must say who signs
        names = [wrap(lay.font, lay.drawable(n), 9.5, 80) or [""] for n in (d.reviewer, d.checker or "—")]
        extra = SIGN_LINE * (max(len(n) for n in names) - 1)
        lay.ensure(26 + extra)
        for (lx, caption), x, lines in zip(((lay.left, f"{d.name_zh}审查人（签字）："), (lay.left + 183, "审核人（签字）：")),
                                         (lay.left + 97, lay.left + 257), names):
            lay.text_at(lx, lay.y + 14, caption, 9.5)  # each caption, then its name: read in that order
            for i, line in enumerate(lines):
                lay.text_at(x, lay.y + 14 + i * SIGN_LINE, line, 9.5)
        for (x0, x1), lines in zip(((lay.left + 94, lay.left + 178), (lay.left + 254, lay.left + 338)), names):
            under = lay.y + 18 + SIGN_LINE * (len(lines) - 1)  # each name on its own line
            lay.shape.draw_line((x0, under), (x1, under))
            lay.shape.finish(color=BLACK, width=0.5)
        lay.text_at(lay.left + 345, lay.y + 14, f"日期：{_date(d.concluded_at)}", 9.5)
        lay.y += 26 + extra
    sections.reply_deadline(lay, data)
    sections.stamped(lay, data)
    lay.space(16)
    return sections.sealing(lay, data, seal)


def pdf_date(at: datetime | None) -> str:
    """A PDF date string (``D:20261207141933+08'00'``); a naive time is Beijing time, as every
    time of the report model is (services/report_data.local). Empty when unknown."""
    if at is None:
        return ""
    offset = at.utcoffset()
    minutes = 8 * 60 if offset is None else int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"D:{at:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def render_report(
    data: ReportData, *, font: str | Path = DEFAULT_FONT, verify_url: str | None = None,
    seal: bytes | None = None,
) -> tuple[bytes, ReportInfo]:
    """The report PDF as bytes, and facts about it."""
    typeface = font_chain(font)
    doc = pymupdf.open()
    try:
        lay = Layout(doc, typeface)
        crops = 0
        with SheetCache() as cache:
            _cover(lay, data, verify_url)
            _summary(lay, data)
            sections.drawings(lay, data)
            sections.basis(lay, data)
            for i, d in enumerate(data.disciplines, start=1):
                crops += opinions.discipline(lay, i, d, cache, data.project.round_no)
            history.section(lay, data)  # every comment of the case, from round 2 on
            sig_page, sig_rect = _closing(lay, data, seal)
            opened = cache.opened
        lay.footers(f"{data.project.case_number}  {data.project.name}")
        missing = set(lay.replaced)  # drawn as □ (Layout.drawable): said in the issuing audit record
        doc.set_toc(lay.toc)
        doc.set_metadata(
            {
                "title": f"施工图设计文件审查意见书 {data.project.case_number}",
                "author": data.project.authority,
                "subject": data.project.name,
                "creator": "drawreview",
                "producer": "drawreview (PyMuPDF)",
                "creationDate": pdf_date(data.project.issued_at),  # the issue time, with its offset
                "modDate": pdf_date(data.project.issued_at),  # signing sets it again, to the signing time
            }
        )
        doc.subset_fonts()
        fix_tounicode(doc)  # characters beyond the BMP (fallback fonts) extract as written
        # zlib effort 20: images compress ~2.5x faster than the default for ~7 % more bytes
        pdf = doc.tobytes(garbage=3, deflate=True, compression_effort=20)
        info = ReportInfo(pages=doc.page_count, toc=lay.toc, crops=crops, sheets_opened=opened, missing_glyphs=missing,
                          signature_page=sig_page, signature_rect=tuple(sig_rect), page_height=doc[sig_page].rect.height)
    finally:
        doc.close()
    return pdf, info


def build_report(
    data: ReportData, out_path: str | Path, *, font: str | Path = DEFAULT_FONT, verify_url: str | None = None
) -> ReportInfo:
    """Write the report PDF to ``out_path``; see :func:`render_report`."""
    pdf, info = render_report(data, font=font, verify_url=verify_url)
    Path(out_path).write_bytes(pdf)
    return info
