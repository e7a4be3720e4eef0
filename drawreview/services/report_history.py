"""The case's comment history for a report of round 2 or later (decision 132): every reviewer's
comment raised in the case up to the report's round, once, with what happened to it in which
round — raised, answered, reopened (an answer not accepted), closed, withdrawn.

A round's report lists only the comments still on its drawings, so a comment closed in round 2
was in no part of the round-3 report: the final, signed 审查合格 document did not show the whole
case. The history is the case's own record: the events of the project (``annotation.created``,
``annotation.status`` with the status it came from) in their order, each placed in the round
whose report was issued next after it (the report's own round when none was). Rows written
without events (imported data) fall back to the round of the drawing the comment is on.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import DISCIPLINE_NAMES, Annotation, ProjectEvent, Sheet, Submission
from ..report import model
from . import standing
from .sheets import sheet_label

# what a status event did to the comment, by (from, to)
STEP = {("open", "answered"): "answered", ("answered", "open"): "reopened", ("closed", "open"): "reopened",
        ("answered", "closed"): "closed", ("open", "closed"): "closed", ("closed", "answered"): "answered"}


async def history(session: AsyncSession, sub: Submission) -> tuple[model.HistoryEntry, ...]:
    """The history of ``sub``'s case up to its round; empty for a first round (nothing earlier)."""
    subs = await standing.chain(session, sub)
    if len(subs) < 2:
        return ()
    rounds = {s.id: s.round_no for s in subs}
    rows = (await session.exec(
        select(Annotation, Sheet).join(Sheet, Sheet.id == Annotation.sheet_id)
        .where(Sheet.submission_id.in_(list(rounds)), Annotation.automatic == False)  # noqa: E712
        .order_by(Annotation.id).execution_options(populate_existing=True))).all()
    anns = {a.id: (a, s) for a, s in rows}
    members: dict[int, list[int]] = {}  # the first markup's id -> it and its copies, oldest first
    for a, _s in rows:
        root = a
        while root.carried_from_id in anns:
            root = anns[root.carried_from_id][0]
        members.setdefault(root.id, []).append(a.id)

    events = (await session.exec(select(ProjectEvent.seq, ProjectEvent.type, ProjectEvent.payload).where(
        ProjectEvent.project_id == sub.project_id,
        ProjectEvent.type.in_(("annotation.created", "annotation.status", "submission.verdict")))
        .order_by(ProjectEvent.seq))).all()
    issued: dict[int, int] = {}  # submission id -> the seq of its round's verdict (with the report)
    created: dict[int, int] = {}
    steps: dict[int, list[tuple[int, str]]] = {}
    for seq, type_, p in events:
        p = p or {}
        if type_ == "submission.verdict" and p.get("object_id") in rounds:
            issued[p["object_id"]] = seq
            continue
        ann_id = (p.get("annotation") or {}).get("id")
        if ann_id not in anns:
            continue
        if type_ == "annotation.created":
            created[ann_id] = seq
        elif (step := STEP.get((p.get("previous"), p.get("status")))) is not None:
            steps.setdefault(ann_id, []).append((seq, step))
    order = sorted((s for s in subs if s.id in issued), key=lambda s: issued[s.id])

    def round_at(seq: int) -> int:
        return next((s.round_no for s in order if issued[s.id] > seq), sub.round_no)

    out = []
    for root_id, ids in members.items():
        first, first_sheet = anns[root_id]
        if first.deleted:
            continue  # withdrawn before any report showed it
        last, last_sheet = anns[ids[-1]]
        raised = round_at(created[root_id]) if root_id in created else rounds[first_sheet.submission_id]
        course = [(raised, "raised")]
        for seq, step in sorted(x for i in ids for x in steps.get(i, ())):
            course.append((round_at(seq), step))
        status = "withdrawn" if last.deleted else last.status
        if status == "withdrawn":
            course.append((rounds[last_sheet.submission_id], "withdrawn"))
        elif status == "closed" and course[-1][1] != "closed":  # closed without an event (imported rows)
            course.append((rounds[last_sheet.submission_id], "closed"))
        closed = course[-1][0] if status == "closed" else None
        out.append(model.HistoryEntry(
            first_id=str(root_id), ids=tuple(str(i) for i in ids),
            discipline=DISCIPLINE_NAMES.get(first.discipline, (first.discipline,))[0],
            sheet=sheet_label(last_sheet, title=False), severity=first.severity, text=last.body or first.body,
            raised_round=raised, closed_round=closed, status=status, course=tuple(course)))
    return tuple(out)
