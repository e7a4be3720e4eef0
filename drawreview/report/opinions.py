"""One section per discipline of the 审查意见书: its reviewer, conclusion and opinion, then per
sheet every comment with its severity, clause, status, a crop of the drawing with the markup
drawn, and its thread; then the confirmed automatic findings."""

from __future__ import annotations

from drawreview.report import sections
from drawreview.report.crop import SheetCache, render_crop
from drawreview.report.layout import GREY, Column, Layout
from drawreview.report.model import SEVERITY_LABELS, STATUS_LABELS, Comment, DisciplineSection, Finding, label
from drawreview.report.sections import conclusion_text as _conclusion

SEVERITY_COLOURS = {"mandatory": (0.8, 0.0, 0.0), "general": (0.85, 0.45, 0.0), "suggestion": (0.0, 0.4, 0.7)}
CROP_MAX_H = 220.0
REPLY_LINES = 2  # a reply starts where at least this many of its lines fit
_NUMERALS = "一二三四五六七八九十"
_date = sections._date


def _numeral(i: int) -> str:
    return _NUMERALS[i - 1] if 1 <= i <= len(_NUMERALS) else str(i)


def _fmt(value: float | str, unit: str) -> str:
    if isinstance(value, float):
        value = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{value}{unit}"


def _comment(lay: Layout, d: DisciplineSection, c: Comment, no: str, cache: SheetCache, round_no: int = 0) -> None:
    sev_colour = SEVERITY_COLOURS[c.severity]
    lay.ensure(60)
    head = f"意见 {no}（#{c.id}）"
    x = lay.left
    base = lay.y + 11
    lay.text_at(x, base, head, 10.5)
    x += lay.text_width(head, 10.5) + 8
    tag = f"【{label(SEVERITY_LABELS, c.severity)}】"
    lay.text_at(x, base, tag, 10.5, sev_colour)
    x += lay.text_width(tag, 10.5) + 8
    lay.text_at(x, base, f"状态：{label(STATUS_LABELS, c.status)}", 10.5, GREY)
    lay.y += 10.5 * 1.6
    origin = sections.comment_origin(c, round_no)
    if origin:
        lay.paragraph(origin, size=9.5, colour=GREY)
    if c.clause:
        lay.paragraph(f"依据条文：{c.clause}", size=9.5, colour=GREY)
    lay.paragraph(f"{c.author} {sections.moment(c.created_at)}：{c.text}", size=10)
    pix, _clip = render_crop(cache.page(c.sheet_pdf_path), c, d.code)
    replies = [f"↳ {r.author}（{r.org}） {sections.moment(r.at)}：{r.text}" for r in c.thread]

    def continued(need: float) -> None:
        """A part of the comment that starts a page says whose it is (a reply alone at the top
        of a page read as an answer to nothing, or to the comment above it)."""
        if lay.y + need > lay.bottom:
            lay.new_page()
            lay.paragraph(f"{head}（续） Comment {no} (continued)", size=9, colour=GREY)

    lay.space(2)
    # the crop and the first lines of the first reply: together, as the reply answers what it shows
    continued(lay.image_height(pix, lay.width, CROP_MAX_H) + (lay.lines_height(replies[0], 9.5, 14, REPLY_LINES)
                                                               if replies else 0))
    lay.image(pix, lay.width, CROP_MAX_H)
    for text in replies:
        continued(lay.lines_height(text, 9.5, 14, REPLY_LINES))
        lay.paragraph(text, size=9.5, indent=14)
    lay.space(4)
    lay.ensure(6)
    lay.hline(colour=(0.8, 0.8, 0.8), width=0.4)
    lay.space(8)


def _findings(lay: Layout, findings: tuple[Finding, ...]) -> None:
    lay.heading("自动检查结果（已确认） Automatic findings", size=12, keep=50)
    lay.bookmark(2, "自动检查结果 Findings")
    cols = [
        Column("规则 Rule", 0.14), Column("条文 Clause", 0.18), Column("问题 Finding", 0.32),
        Column("实测 Measured", 0.12, 1), Column("要求 Required", 0.12, 1), Column("图号 Sheet", 0.12, 1),
    ]  # fmt: skip
    rows = [
        [f.rule_id, f.clause, f.message + (f"\n依据 Facts：{f.facts}" if f.facts else ""), _fmt(f.measured, f.unit),
         _fmt(f.required, f.unit), f.sheet_number]
        for f in findings
    ]
    lay.table(cols, rows, size=8.5)


def discipline(lay: Layout, idx: int, d: DisciplineSection, cache: SheetCache, round_no: int = 0) -> int:
    lay.new_page()
    lay.bookmark(1, f"{d.name_zh} {d.name_en}")
    lay.heading(f"{_numeral(idx)}、{d.name_zh}专业审查意见 {d.name_en}", size=16, before=0)
    lay.paragraph(
        f"审查人：{d.reviewer}    结论：{_conclusion(d, round_no)}    日期：{_date(d.concluded_at)}",
        size=10,
        colour=GREY,
    )
    if d.opinion:
        lay.paragraph(f"审查意见 Opinion：{d.opinion}", size=10)
    lay.space(6)
    n = 0
    if not d.comments:
        lay.paragraph(f"本轮本专业无审查意见；此前各轮提出的 {d.closed_before} 条意见均已关闭，见“审查意见处理记录”。"
                      f"No comments in this round; the {d.closed_before} raised in earlier rounds are closed"
                      " (see Comment history)."
                      if d.closed_before else "本专业无审查意见。No comments.", size=10)
    for number, title, comments in d.sheets():
        lay.heading(f"图纸 {number}  {title}", size=12, keep=120)
        lay.bookmark(2, f"{number} {title}")
        for c in comments:
            n += 1
            _comment(lay, d, c, f"{idx}-{n}", cache, round_no)
    if d.findings:
        _findings(lay, d.findings)
    return n
