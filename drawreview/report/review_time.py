"""审查用时 Review time: each round's disciplines with the working days their reviewers used
against the round's limit, the days on hold for the design institute's corrections (补正), and
the case's total (services/review_time.py counts them; decision 156). Printed on the summary
page, zh-CN with English."""

from __future__ import annotations

from datetime import datetime

from drawreview.report.layout import GREY, RED, Column, Layout
from drawreview.report.model import ReportData, ReviewTime


def per_round(rows: tuple[ReviewTime, ...]) -> list[tuple[int, int, int]]:
    """[(round, working days the round took: its slowest discipline, the round's limit)]."""
    rounds: dict[int, tuple[int, int]] = {}
    for r in rows:
        used, limit = rounds.get(r.round_no, (0, r.limit))
        rounds[r.round_no] = (max(used, r.used), limit)
    return [(n, used, limit) for n, (used, limit) in sorted(rounds.items())]


def _day(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d}" if at else "—"


def case_line(rows: tuple[ReviewTime, ...]) -> tuple[str, str]:
    """The case's total in words (zh-CN, en)."""
    rounds = per_round(rows)
    used, limit = sum(u for _, u, _ in rounds), sum(lim for _, _, lim in rounds)
    held = sum(r.held for r in rows)
    if len(rounds) == 1:
        zh = f"本案审查用时 {used} 个工作日（时限 {limit} 个工作日），按用时最长的专业计"
        en = f"Review time of the case: {used} working days (limit {limit}), its longest discipline"
    else:
        zh = (f"本案第 1 轮至第 {rounds[-1][0]} 轮审查用时合计 {used} 个工作日（各轮时限合计 {limit} 个工作日）："
              + "，".join(f"第 {n} 轮 {u}/{lim}" for n, u, lim in rounds) + "，各轮按该轮用时最长的专业计")
        en = (f"Review time of rounds 1 to {rounds[-1][0]}: {used} working days in all (limits {limit}): "
              + ", ".join(f"round {n} {u}/{lim}" for n, u, lim in rounds) + ", each round its longest discipline")
    zh += "；设计单位补正及修改图纸的时间不计入" + (f"（补正停计共 {held} 个工作日）" if held else "") + "。"
    en += ("; the design institute's correction and revision time is not counted"
           + (f" ({held} working days on hold)" if held else "") + ".")
    return zh, en


def section(lay: Layout, data: ReportData) -> None:
    rows = data.review_time
    if not rows:
        return
    lay.heading("审查用时 Review time (working days)", size=12, keep=60)
    lay.bookmark(2, "审查用时 Review time")
    cols = [Column("轮次 Round", 0.1, 1), Column("专业 Discipline", 0.2), Column("起算 From", 0.15, 1),
            Column("结论 Concluded", 0.15, 1), Column("补正停计 On hold", 0.15, 1),
            Column("用时/时限 Used/limit", 0.25, 1)]
    table = []
    for r in rows:
        mark = "（超期 overdue）" if r.overdue else ""
        table.append([str(r.round_no), f"{r.discipline} {r.discipline_en}", _day(r.started_at), _day(r.concluded_at),
                      str(r.held), f"{r.used}/{r.limit}{mark}"])
    lay.table(cols, table, size=8.5)
    lay.space(4)
    zh, en = case_line(rows)
    lay.paragraph(zh + " " + en, size=9, colour=RED if any(r.overdue for r in rows) else GREY)
    if any(r.estimated for r in rows):
        lay.paragraph("注：部分日期超出节假日日历已知年份，按周末估算。 Some days lie beyond the holiday calendar's known"
                      " years and are counted by weekends.", size=8.5, colour=GREY)
