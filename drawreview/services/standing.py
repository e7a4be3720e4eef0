"""Standing conclusions: what each discipline has concluded as of a review round, and what
still stands in the way of an approving report (docs/decisions/004 and 030).

A case is a chain of ``Submission`` rows (revision N+1 points at N by ``previous_id``). Round
N+1 has review tasks only for the disciplines that re-review; every other discipline keeps
the conclusion it gave in an earlier round, with that round's reviewer, date and opinion. So
for a round, a discipline's *standing* task is its task in that round when it has one (which
may still be open: then it has no standing conclusion yet), else its latest concluded task in
an earlier round of the chain. The round's verdict is the most severe standing conclusion.

Open comments: a markup copied into the next revision (``carried_from_id``) is superseded by
its copy (also when the copy was deleted: the comment was withdrawn); an unclosed markup
without a copy (open, or answered and not yet verified) is still open, whichever revision it
sits on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict
from ..models import Annotation, Project, ProjectEvent, ReviewTask, Sheet, Submission, User
from . import names, sheets, workflow
from .notifications import aware

REVIEW_AGAIN = (workflow.Conclusion.REVISION_REQUIRED, workflow.Conclusion.REJECTED)
STATUS_ZH = {"open": "待回复", "answered": "已回复待核实"}
STATUS_EN = {"open": "open", "answered": "answered, to verify"}
NAMED = 8  # blockers named in the refusal's message (all are in its details)


@dataclass(frozen=True)
class Standing:
    discipline: str
    task: ReviewTask
    round_no: int
    carried: bool  # concluded in an earlier round and kept (no re-review in this one)

    @property
    def conclusion(self) -> str | None:
        return self.task.conclusion if self.task.state == "concluded" else None


async def chain(session: AsyncSession, sub: Submission) -> list[Submission]:
    """``sub`` and the revisions it answers, oldest first."""
    out = [sub]
    seen = {sub.id}
    while out[-1].previous_id and out[-1].previous_id not in seen:
        prev = await session.get(Submission, out[-1].previous_id)
        if prev is None:
            break
        seen.add(prev.id)
        out.append(prev)
    return out[::-1]


async def of_round(session: AsyncSession, sub: Submission) -> dict[str, Standing]:
    """discipline -> its standing task as of ``sub``'s round, in the order disciplines joined."""
    subs = await chain(session, sub)
    rows = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id.in_([s.id for s in subs]))
                               .order_by(ReviewTask.id))).all()
    by_sub: dict[int, list[ReviewTask]] = {}
    for t in rows:
        by_sub.setdefault(t.submission_id, []).append(t)
    order: list[str] = []
    for s in subs:
        order += [t.discipline for t in by_sub.get(s.id, []) if t.discipline not in order]
    found: dict[str, Standing] = {}
    for s in reversed(subs):  # newest first: the latest word counts
        for t in by_sub.get(s.id, []):
            if t.discipline in found:
                continue
            if s.id == sub.id:
                found[t.discipline] = Standing(t.discipline, t, s.round_no, carried=False)
            elif t.state == "concluded":
                found[t.discipline] = Standing(t.discipline, t, s.round_no, carried=True)
    return {d: found[d] for d in order if d in found}


def verdict(standing: dict[str, Standing]) -> str | None:
    """The most severe standing conclusion, or None while a discipline has none."""
    if not standing or any(s.conclusion is None for s in standing.values()):
        return None
    return str(workflow.roll_up(s.conclusion for s in standing.values()))


async def unclosed(session: AsyncSession, sub: Submission) -> list[tuple[Annotation, Sheet]]:
    """Reviewers' markups of the case up to ``sub`` that are open or answered-not-verified and
    not superseded by a copy in a later revision (unconfirmed automatic ones are not comments)."""
    ids = [s.id for s in await chain(session, sub)]
    rows = (await session.exec(
        select(Annotation, Sheet).join(Sheet, Sheet.id == Annotation.sheet_id)
        .where(Sheet.submission_id.in_(ids), Annotation.deleted == False,  # noqa: E712
               Annotation.automatic == False, Annotation.status != "closed")  # noqa: E712
        .order_by(Annotation.id).execution_options(populate_existing=True))).all()
    if not rows:
        return []
    # a copy supersedes its original even when it was deleted since: the reviewer withdrew the
    # comment in the later round, and the earlier revision's markup must not come back as open
    copied = set((await session.exec(select(Annotation.carried_from_id).where(
        Annotation.carried_from_id.in_([a.id for a, _ in rows])))).all())
    return [(a, s) for a, s in rows if a.id not in copied]


async def closed_in_round(session: AsyncSession, sub: Submission) -> list[tuple[Annotation, Sheet]]:
    """Reviewers' markups on an earlier revision's sheet, with no copy in a later one, that were
    closed in ``sub``'s round: after the previous round's report was issued. Such a comment was
    listed unclosed in an earlier report and is verified where it was left, so ``sub``'s report
    lists (and counts) it closed, as it does a closed copy on its own sheets. The order of the
    project's events decides, not the clock: the last ``annotation.status`` event that closed it
    comes after the event of the previous round's issue."""
    earlier = [s.id for s in await chain(session, sub) if s.id != sub.id]
    if not earlier:
        return []
    rows = (await session.exec(
        select(Annotation, Sheet).join(Sheet, Sheet.id == Annotation.sheet_id)
        .where(Sheet.submission_id.in_(earlier), Annotation.deleted == False,  # noqa: E712
               Annotation.automatic == False, Annotation.status == "closed")  # noqa: E712
        .order_by(Annotation.id).execution_options(populate_existing=True))).all()
    if not rows:
        return []
    copied = set((await session.exec(select(Annotation.carried_from_id).where(
        Annotation.carried_from_id.in_([a.id for a, _ in rows])))).all())
    rows = [(a, s) for a, s in rows if a.id not in copied]
    issues = (await session.exec(select(ProjectEvent.seq, ProjectEvent.payload).where(
        ProjectEvent.project_id == sub.project_id,
        ProjectEvent.type.in_(("report.issued", "submission.verdict"))))).all()
    since = max((seq for seq, p in issues if (p or {}).get("object_type") == "submission"
                 and (p or {}).get("object_id") == sub.previous_id), default=None)
    if not rows or since is None:
        return []
    closed: dict[int, bool] = {}  # annotation id -> its last status event (after ``since``) closed it
    for _seq, p in (await session.exec(select(ProjectEvent.seq, ProjectEvent.payload).where(
            ProjectEvent.project_id == sub.project_id, ProjectEvent.type == "annotation.status",
            ProjectEvent.seq > since).order_by(ProjectEvent.seq))).all():
        ann = (p or {}).get("annotation") or {}
        if isinstance(ann.get("id"), int):
            closed[ann["id"]] = p.get("status") == "closed"
    return [(a, s) for a, s in rows if closed.get(a.id)]


async def left_behind(session: AsyncSession, sub: Submission) -> list[tuple[Annotation, Sheet]]:
    """Reviewers' markups on an earlier revision's sheet that ``sub``'s revision no longer has (no
    copy was carried): still open or answered, or closed in ``sub``'s round. ``sub``'s report and
    comment list show them with that sheet, as it was, marked as no longer in the set."""
    rows = [(a, s) for a, s in await unclosed(session, sub) if s.submission_id != sub.id]
    return rows + await closed_in_round(session, sub)


async def disciplines_to_review_again(session: AsyncSession, prev: Submission) -> list[str]:
    """Who reviews the round after ``prev``: every discipline whose standing conclusion asks
    for revision (or rejects), and every discipline with comments still open or answered."""
    standing = await of_round(session, prev)
    again = [d for d, s in standing.items() if s.conclusion in REVIEW_AGAIN]
    for ann, _sheet in await unclosed(session, prev):
        if ann.discipline not in again:
            again.append(ann.discipline)
    return again


async def left_out_at_acceptance(session: AsyncSession, sub: Submission) -> set[str]:
    """The disciplines the window left out when it accepted the case: required then (the
    acceptance event keeps the completeness check it showed), but chosen not to take part (no
    task in the case). The case is reviewed without them, so they do not block its approval; a
    discipline that became required only after acceptance (a scope change) still does."""
    ids = [s.id for s in await chain(session, sub)]
    accepted = [p for p in (await session.exec(select(ProjectEvent.payload).where(
        ProjectEvent.project_id == sub.project_id, ProjectEvent.type == "submission.accepted")
        .order_by(ProjectEvent.seq))).all() if (p or {}).get("object_id") in ids]
    if not accepted:
        return set()
    offered = set((accepted[-1].get("completeness") or {}).get("disciplines") or ())
    taking_part = set((await session.exec(select(ReviewTask.discipline).where(
        ReviewTask.submission_id.in_(ids)))).all())
    return offered - taking_part


async def approval_blockers(session: AsyncSession, sub: Submission, project: Project, cfg: dict) -> dict:
    """What stands in the way of an approving report: required disciplines without a standing
    conclusion, and comments still open or answered-not-verified."""
    standing = await of_round(session, sub)
    scope = (project.params or {}).get("lightning_scope")
    left_out = await left_out_at_acceptance(session, sub)
    required = [d for d in workflow.required_disciplines(project.project_type, scope, cfg) if d not in left_out]
    missing = [d for d in dict.fromkeys([*required, *standing]) if standing.get(d) is None
               or standing[d].conclusion is None]
    rows = await unclosed(session, sub)
    files = await sheets.file_names(session, (s.file_id for _, s in rows))
    comments = [{"id": a.id, "discipline": a.discipline, "status": a.status, "submission_id": s.submission_id,
                 "sheet": sheets.sheet_label(s, files.get(s.file_id), title=False),
                 "sheet_en": sheets.sheet_label(s, files.get(s.file_id), "en", title=False)} for a, s in rows]
    return {"disciplines": missing, "comments": comments}


def refuse_approval(blockers: dict) -> None:
    """Raise 409 ``report_blocked`` naming every blocker (zh-CN + en), or return."""
    missing, comments = blockers["disciplines"], blockers["comments"]
    if not missing and not comments:
        return
    zh, en = [], []
    if missing:
        zh.append("尚无审查结论的专业：" + "、".join(workflow.DISCIPLINES.get(d, d) for d in missing))
        en.append("disciplines without a conclusion: " + ", ".join(missing))
    if comments:
        shown = comments[:NAMED]
        zh.append(f"未关闭的审查意见 {len(comments)} 条：" + "；".join(
            f"#{c['id']}（{workflow.DISCIPLINES.get(c['discipline'], c['discipline'])}，图纸 {c['sheet']}，"
            f"{STATUS_ZH.get(c['status'], c['status'])}）" for c in shown) + ("等" if len(comments) > NAMED else ""))
        en.append(f"{len(comments)} comment(s) not closed: " + "; ".join(
            f"#{c['id']} ({c['discipline']}, sheet {c['sheet_en']}, {STATUS_EN.get(c['status'], c['status'])})"
            for c in shown) + (" …" if len(comments) > NAMED else ""))
    raise Conflict("不能出具审查合格的意见书。" + "；".join(zh) + "。请相关专业核实关闭意见或出具结论。",
                   "An approving report cannot be issued. " + "; ".join(en)
                   + ". The disciplines concerned must verify and close the comments or conclude.",
                   code="report_blocked", details=blockers)


async def standing_dicts(session: AsyncSession, sub: Submission, lang: str = "zh-CN") -> list[dict]:
    """The standing conclusions for views (review state, progress), named in ``lang``."""
    standing = await of_round(session, sub)
    ids = {s.task.reviewer_id for s in standing.values() if s.task.reviewer_id}
    users = {u.id: u for u in (await session.exec(select(User).where(User.id.in_(list(ids) or [0])))).all()}
    out = []
    for d, s in standing.items():
        u = users.get(s.task.reviewer_id)
        t = s.task
        out.append({"discipline": d, "discipline_name": names.discipline(d, lang), "conclusion": s.conclusion,
                    "conclusion_name": names.conclusion(s.conclusion, lang),
                    "opinion": t.opinion if s.conclusion else "", "reviewer_id": t.reviewer_id,
                    "reviewer": u.display_name if u else None, "round": s.round_no, "carried": s.carried,
                    "task_id": t.id, "task_state": t.state,
                    "concluded_at": aware(t.concluded_at).isoformat() if t.concluded_at and s.conclusion else None})
    return out
