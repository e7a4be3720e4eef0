"""Parts of the 审查意见书 that make it an official document: the drawings reviewed (图纸目录
with file hashes), the basis of the review (审查依据), the stamped sheets issued with it, the
reply deadline, and the sealing block (the authority's seal image on the 盖章 line and the
place of the visible signature), plus the signature's own appearance.
"""

from __future__ import annotations

from datetime import datetime

import pymupdf

from drawreview.report.font import append_text, fix_tounicode
from drawreview.report.layout import BLACK, GREY, RED, Column, Layout
from drawreview.report.model import VERDICT_LABELS, Comment, DisciplineSection, ReportData, label
from drawreview.vocabulary import canonical

SEAL_SIDE = 118.0  # points (about 42 mm, the size of an official round seal)
SIG_W, SIG_H = 200.0, 62.0


SHA_SIZE = 7.0
ESTIMATED = "（按周末估算，节假日安排未录入）"  # as the receipt says of a due date beyond the known years
WITHDRAWN = "（本版已撤出 withdrawn）"  # a sheet of an earlier revision listed for the comments on it


def _sha_fraction(lay: Layout, size: float) -> float:
    """The share of the text width a column needs to show a SHA-256 on one line (searchable)."""
    widest = max("0123456789abcdef", key=lambda ch: lay.text_width(ch, size))
    return min(0.62, (lay.text_width(widest * 64, size) + 2 * 3.0 + 4) / lay.width)


def _date(at: datetime | None) -> str:
    return f"{at:%Y年%m月%d日}" if at else "—"


def moment(at: datetime) -> str:
    """When a comment was raised or a reply written: the report's date with the minute (a
    thread's order within a day is part of what it says). Comments and replies alike."""
    return f"{at:%Y年%m月%d日 %H:%M}"


def conclusion_text(d: DisciplineSection, round_no: int) -> str:
    """The conclusion's label; one kept from an earlier round says which."""
    text = label(VERDICT_LABELS, d.conclusion)
    if d.concluded_round and d.concluded_round != round_no:
        text += f"（第 {d.concluded_round} 轮结论）"
    return text


def drawings(lay: Layout, data: ReportData) -> None:
    """图纸目录: every sheet reviewed with its revision and the SHA-256 of its uploaded file."""
    if not data.drawings:
        return
    lay.new_page()
    lay.bookmark(1, "审查图纸目录 Drawings reviewed")
    lay.heading("审查图纸目录 Drawings reviewed", size=16, before=0)
    lay.space(4)
    sha = _sha_fraction(lay, SHA_SIZE)
    rest = 1.0 - sha
    cols = [
        Column("序号", rest * 0.09, 1), Column("图号 Sheet", rest * 0.2), Column("图名 Title", rest * 0.3),
        Column("版次", rest * 0.08, 1), Column("文件 File", rest * 0.33), Column("文件 SHA-256", sha),
    ]  # fmt: skip
    rows = [[str(i), d.number, d.title + (WITHDRAWN if d.withdrawn else ""), str(d.revision), d.file_name,
             d.file_sha256] for i, d in enumerate(data.drawings, start=1)]
    lay.table(cols, rows, size=SHA_SIZE)
    lay.space(6)
    lay.paragraph("注：SHA-256 为送审原始文件的哈希值，可用于核对审查所依据的图纸文件未被替换。"
                  + ("标“本版已撤出”的图纸为此前版次所有、本版已无，其上的审查意见仍列于本意见书。"
                     " A sheet marked withdrawn belongs to an earlier revision and is not in this one; the comments"
                     " on it are still listed in this report." if any(d.withdrawn for d in data.drawings) else ""),
                  size=8.5, colour=GREY)


def basis(lay: Layout, data: ReportData) -> None:
    """审查依据: the standards (with edition) and rulesets (with version) the review cites."""
    lay.heading("审查依据 Basis of review", size=14, keep=80)
    lay.bookmark(2, "审查依据 Basis")
    standards = [b for b in data.basis if b.kind == "standard"]
    rulesets = [b for b in data.basis if b.kind == "ruleset"]
    if not standards and not rulesets:
        lay.paragraph("本轮审查意见未引用规范条文。", size=10)
    for i, b in enumerate(standards, start=1):
        lay.paragraph(f"{i}. {b.name}{('（' + b.version + '）') if b.version else ''}", size=10)
    if rulesets:
        # the list is short: kept on one page with its label, never one line left over alone
        lay.ensure(4 + 10 * 1.55 + len(rulesets) * 9.5 * 1.55)
        lay.space(4)
        lay.paragraph("自动检查规则集 Rulesets:", size=10, colour=GREY)
        for b in rulesets:
            lay.paragraph(f"· {b.name}  版本 {b.version}", size=9.5, colour=GREY, indent=14)


def comment_origin(c: Comment, round_no: int) -> str:
    """The round the comment was raised in (with its number then, when it was carried here),
    and, for a comment left on an earlier round's drawing, which drawing that is."""
    parts = []
    if c.raised_round and c.raised_round == round_no:
        parts.append(f"提出轮次：第 {c.raised_round} 轮（本轮） Raised in this round")
    elif c.raised_round:
        first = f"，原编号 #{c.first_id}" if c.first_id != c.id else ""
        parts.append(f"提出轮次：第 {c.raised_round} 轮{first} Raised in round {c.raised_round}"
                     + (f" as #{c.first_id}" if first else ""))
    if c.sheet_round and c.sheet_round != round_no and c.sheet_withdrawn:
        parts.append(f"所在图纸为第 {c.sheet_round} 轮送审图纸，本轮送审图纸中已无此图"
                     f" On a sheet of round {c.sheet_round} that this round's set no longer has")
    elif c.sheet_round and c.sheet_round != round_no:
        parts.append(f"所在图纸为第 {c.sheet_round} 轮送审图纸 On the sheet of round {c.sheet_round}")
    return "；".join(parts)


def reply_deadline(lay: Layout, data: ReportData) -> None:
    """What the design institute does next: reply by the deadline (revision required), or, for a
    failed review, know that the case is closed and the project must be submitted anew."""
    p = data.project
    if canonical(p.verdict) == "rejected":
        lay.space(6)
        lay.paragraph("本项目审查不合格，本次审查终结，不再受理对本轮意见的回复或修改图纸；"
                      "修改设计后须重新申报审查。 The review has failed and the case is closed: no reply or revised"
                      " drawings are taken for it; after redesign the project must be submitted for review anew.",
                      size=11, colour=RED)
        return
    if p.reply_deadline is None:
        return
    lay.space(6)
    lay.paragraph(f"请设计单位于 {_date(p.reply_deadline)} 前逐条回复审查意见并提交修改后的图纸复审。"
                  f" Reply to every comment and resubmit by {p.reply_deadline:%Y-%m-%d}.", size=11, colour=RED)
    if p.reply_deadline_estimated:
        lay.paragraph(f"注：回复期限{ESTIMATED}，可能不准确。"
                      " The deadline is estimated by weekends: that year's public holidays are not entered yet.",
                      size=8.5, colour=GREY)


def stamped(lay: Layout, data: ReportData) -> None:
    """The stamped sheets issued with this report, by file name and SHA-256."""
    if not data.stamped:
        return
    lay.heading("审查合格图纸（已盖章）Stamped sheets", size=12, keep=80)
    lay.bookmark(2, "盖章图纸 Stamped sheets")
    sha = _sha_fraction(lay, SHA_SIZE)
    cols = [Column("图号 Sheet", (1 - sha) * 0.35), Column("文件 File", (1 - sha) * 0.65), Column("SHA-256", sha)]
    lay.table(cols, [[s.number, s.file_name, s.sha256] for s in data.stamped], size=SHA_SIZE)
    lay.space(4)
    lay.paragraph("盖章图纸均经审查机构电子签章，可在核验页面按 SHA-256 核验。", size=8.5, colour=GREY)


def sealing(lay: Layout, data: ReportData, seal_png: bytes | None) -> tuple[int, pymupdf.Rect]:
    """The 盖章 line with the seal image over it, the issue date, the signature note and
    the certificate link; returns (page index, rect) where the visible signature goes."""
    p = data.project
    lay.ensure(SEAL_SIDE + SIG_H + 70)
    x = lay.right - 250
    base = lay.y + 40
    lay.text_at(x, base, f"审查机构（盖章）：{p.authority}", 10.5)
    lay.text_at(x, base + 22, f"出具日期：{_date(p.issued_at)}", 10.5)
    if seal_png:
        # the seal sits over the authority's name and the date, as a pressed seal does
        cx = x + 130
        seal = pymupdf.Rect(cx - SEAL_SIDE / 2, base - SEAL_SIDE / 2 - 2, cx + SEAL_SIDE / 2, base + SEAL_SIDE / 2 - 2)
        lay.page.insert_image(seal, stream=seal_png, keep_proportion=True, overlay=True)
    lay.y = base + SEAL_SIDE / 2 + 8
    sig = pymupdf.Rect(lay.right - SIG_W, lay.y, lay.right, lay.y + SIG_H)
    lay.text_at(lay.left, lay.y + 12, "电子签章 Digital signature：", 9.5)
    lay.y += SIG_H + 8
    if p.signature_note:
        lay.paragraph(p.signature_note, size=8.5, colour=GREY)
    if p.audit_anchor:  # found again by `drawreview audit verify --document`
        lay.paragraph(p.audit_anchor, size=7.5, colour=GREY)
    if p.certificate_url:
        lay.paragraph(f"审查机构证书及证书链 Authority certificate: {p.certificate_url}", size=8.5, colour=GREY)
        rect = pymupdf.Rect(lay.left, lay.y - 12, lay.right, lay.y)
        lay.page.insert_link({"kind": pymupdf.LINK_URI, "from": rect, "uri": p.certificate_url})
    lay.paragraph("本意见书经审查机构电子签章，扫描封面二维码可核验文件完整性。", size=8.5, colour=GREY)
    return lay.page.number, sig


def signature_appearance(lines: list[str], font: pymupdf.Font, *, width: float = SIG_W,
                         height: float = SIG_H) -> bytes:
    """A one-page PDF of ``width × height`` showing the signature's facts: the picture of the
    visible signature field (pyHanko imports it as the field's appearance). ``font`` is the
    report's :class:`~drawreview.report.font.FontChain`: the authority's name is its seal's, and
    a rare character in it is drawn by a fallback font as in the report's text (decision 132)."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    shape = page.new_shape()
    shape.draw_rect(page.rect + (1, 1, -1, -1))
    shape.finish(color=RED, fill=(1, 0.97, 0.97), width=1.2)
    shape.commit()
    size = 9.0
    tw = pymupdf.TextWriter(page.rect)
    y = 6 + size
    for i, text in enumerate(lines):
        s = size + 1.5 if i == 0 else size
        s = min(s, (width - 12) / max(font.text_length(text, 1.0), 1e-6))
        append_text(tw, 6, y, text, font, s)
        y += s * 1.45
    tw.write_text(page, color=BLACK)
    doc.subset_fonts()
    fix_tounicode(doc)
    out = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return out
