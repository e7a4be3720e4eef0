"""审查意见处理记录: every comment of the case, rounds 1 to the report's, with what became of it
in which round (decision 132). Printed in each report from round 2 on, before the conclusions:
a comment closed in an earlier round is in none of this round's discipline sections, and the
final 审查合格 report must still show that it was raised, answered and closed, and when. A
comment the report lists in full is named by its number there; the others carry their text."""

from __future__ import annotations

from drawreview.report.layout import GREY, Column, Layout
from drawreview.report.model import HistoryEntry, ReportData

STEPS = {"raised": ("提出", "raised"), "answered": ("回复", "answered"), "reopened": ("重新打开", "reopened"),
         "closed": ("关闭", "closed"), "withdrawn": ("撤回", "withdrawn")}
SEVERITY_SHORT = {"mandatory": "强条", "general": "一般", "suggestion": "建议"}
NOW = {"open": ("现为待回复", "now open"), "answered": ("现为已回复待核实", "now answered, to verify")}


def listed_numbers(data: ReportData) -> dict[str, str]:
    """comment id -> its number in this report's discipline sections ("2-1"), as they number."""
    out = {}
    for i, d in enumerate(data.disciplines, start=1):
        n = 0
        for _number, _title, comments in d.sheets():
            for c in comments:
                n += 1
                out[c.id] = f"{i}-{n}"
    return out


def course_text(e: HistoryEntry) -> str:
    """"第 1 轮提出、回复；第 2 轮关闭" and its English, on two lines."""
    by_round: list[tuple[int, list[str]]] = []
    for rnd, step in e.course:
        if by_round and by_round[-1][0] == rnd:
            by_round[-1][1].append(step)
        else:
            by_round.append((rnd, [step]))
    zh = "；".join(f"第 {r} 轮" + "、".join(STEPS[s][0] for s in steps) for r, steps in by_round)
    en = "; ".join(f"R{r} " + ", ".join(STEPS[s][1] for s in steps) for r, steps in by_round)
    if e.status in NOW:
        zh, en = zh + f"；{NOW[e.status][0]}", en + f"; {NOW[e.status][1]}"
    return f"{zh}\n{en}"


def section(lay: Layout, data: ReportData) -> None:
    if not data.history:
        return
    p = data.project
    listed = listed_numbers(data)
    order = {d.name_zh: i for i, d in enumerate(data.disciplines)}
    entries = sorted(data.history, key=lambda e: (order.get(e.discipline, len(order)), int(e.first_id)))
    lay.new_page()
    lay.bookmark(1, "审查意见处理记录 Comment history")
    lay.heading("审查意见处理记录 Comment history", size=16, before=0)
    closed = [e for e in entries if e.status == "closed"]
    earlier = [e for e in closed if e.closed_round is not None and e.closed_round < p.round_no]
    still = [e for e in entries if e.status in NOW]
    lay.paragraph(f"本案第 1 轮至第 {p.round_no} 轮提出的全部审查意见 {len(entries)} 条：已关闭 {len(closed)} 条"
                  f"（其中此前各轮关闭 {len(earlier)} 条），未关闭 {len(still)} 条"
                  + (f"，撤回 {len(entries) - len(closed) - len(still)} 条" if len(entries) > len(closed) + len(still)
                     else "") + "。此前各轮关闭的意见，其回复详见当轮审查意见书。"
                  f" Every comment raised in this case, rounds 1 to {p.round_no}: {len(entries)}, {len(closed)} closed"
                  f" ({len(earlier)} in earlier rounds), {len(still)} not closed; the replies to a comment closed in an"
                  " earlier round are in that round's report.", size=9.5, colour=GREY)
    lay.space(4)
    cols = [Column("编号 No.", 0.1), Column("专业", 0.08), Column("图号 Sheet", 0.12), Column("类别", 0.07, 1),
            Column("审查意见 Comment", 0.33), Column("处理经过 Course", 0.30)]
    rows = []
    for e in entries:
        here = next((listed[i] for i in reversed(e.ids) if i in listed), None)
        text = f"见本意见书意见 {here} See comment {here}" if here else e.text
        rows.append([f"#{e.first_id}", e.discipline, e.sheet, SEVERITY_SHORT.get(e.severity, e.severity), text,
                     course_text(e)])
    lay.table(cols, rows, size=8.5)
