"""What is waiting: a reviewer's own unfinished tasks, and the window's worklist of submissions
waiting for acceptance or in review, each with its worst traffic light."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Project, ReviewTask, Submission, User
from .notifications import aware
from .tasks import task_dict


async def open_tasks(session: AsyncSession, principal, now: datetime, lang: str = "zh-CN") -> list[dict]:
    """A reviewer's own unfinished tasks, or (window/admin) every unfinished task, worst light first."""
    stmt = (select(ReviewTask, Submission, Project, User)
            .join(Submission, Submission.id == ReviewTask.submission_id)
            .join(Project, Project.id == Submission.project_id)
            .join(User, User.id == ReviewTask.reviewer_id, isouter=True)
            .where(ReviewTask.state != "concluded", Submission.state == "in_review"))
    if principal.role == "reviewer":
        stmt = stmt.where(ReviewTask.discipline == principal.discipline,
                          (ReviewTask.reviewer_id == principal.user_id) | ReviewTask.reviewer_id.is_(None))
    out = []
    for task, sub, project, user in (await session.exec(stmt.order_by(ReviewTask.due_at, ReviewTask.id))).all():
        out.append({**task_dict(task, now, user, lang), "project_id": project.id, "project_name": project.name,
                    "case_number": project.case_number, "round": sub.round_no, "revision": sub.revision})
    rank = {"red": 0, "yellow": 1, "green": 2}
    return sorted(out, key=lambda t: rank.get(t["light"], 3))


WORKLIST_STATES = ("submitted", "accepted", "accepted_with_deficiencies", "in_review", "concluded")


async def worklist(session: AsyncSession, principal, now: datetime) -> dict:
    """The window's worklist: submissions waiting for acceptance or in review (with each one's
    worst traffic light), and every open task worst light first."""
    open_ = await open_tasks(session, principal, now)
    rank = {"red": 0, "yellow": 1, "green": 2}
    worst: dict[int, str] = {}
    for t in open_:
        if t["light"] and rank[t["light"]] < rank.get(worst.get(t["submission_id"]), 3):
            worst[t["submission_id"]] = t["light"]
    rows = (await session.exec(select(Submission, Project).join(Project, Project.id == Submission.project_id)
                               .where(Submission.state.in_(WORKLIST_STATES))
                               .order_by(Submission.submitted_at, Submission.id))).all()
    subs = [{"submission_id": s.id, "project_id": p.id, "project_name": p.name, "case_number": p.case_number,
             "revision": s.revision, "round": s.round_no, "state": s.state, "light": worst.get(s.id),
             "submitted_at": aware(s.submitted_at).isoformat() if s.submitted_at else None} for s, p in rows]
    subs.sort(key=lambda r: (r["state"] not in ("submitted", "concluded"), rank.get(r["light"], 3)))
    return {"submissions": subs, "tasks": open_}
