"""The deadline watch: every open task's traffic light against its working-day clock, and the
容缺 (deficiency) items not supplied by their deadline. A light that worsens is audited, announced
on the project's event stream and notified once (red escalates to the window); run by
``jobs.workflow`` and, for the tasks a changed review period moved, by ``review_period``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Project, ReviewTask, Submission
from . import audit, notifications, workdays
from .notifications import aware, utcnow
from .tasks import Emit, light_of, step


async def relight(session: AsyncSession, task: ReviewTask, project: Project, now: datetime, emit: Emit,
                  cfg: dict) -> str | None:
    """The task's traffic light now; a light that worsened is audited and announced (red
    escalates to the window). Returns the worsened light, else None. The deadline watch calls
    it for every open task, a change of the review period for the tasks it moved."""
    light = light_of(task, now, cfg)
    if light is None or light == task.light:
        return None
    rank = {"green": 0, "yellow": 1, "red": 2}
    await audit.lock_project(session, project.id)  # the project before its task rows (audit.lock_project)
    before, task.light = task.light, light
    session.add(task)
    if rank[light] <= rank.get(before, 0):
        return None
    due = workdays.to_local(aware(task.due_at)).date().isoformat()
    await step(session, "system", f"task.{light}", task, project.id, emit,
               {"discipline": task.discipline, "due_at": due}, event="task.light")
    await notifications.notify(session, project, f"task.{light}",
                               {"discipline": task.discipline, "due": due, "task_id": task.id,
                                "calendar_estimated": not workdays.calendar_covers(aware(task.due_at))},
                               assignee_ids=[task.reviewer_id])
    return light


async def watch_deadlines(session: AsyncSession, now: datetime | None, emit: Emit, cfg: dict) -> dict:
    """Turn lights yellow/red and notify once per change; red escalates to the window.
    Also flags 容缺 items not supplied by their deadline. Idempotent."""
    now = now or utcnow()
    counts = {"yellow": 0, "red": 0, "deficiency_overdue": 0}
    rows = (await session.exec(
        select(ReviewTask, Submission, Project)
        .join(Submission, Submission.id == ReviewTask.submission_id)
        .join(Project, Project.id == Submission.project_id)
        .where(ReviewTask.state != "concluded", Submission.state == "in_review"))).all()
    for task, sub, project in rows:
        light = await relight(session, task, project, now, emit, cfg)
        if light is not None:
            counts[light] += 1
    subs = (await session.exec(select(Submission, Project).join(Project, Project.id == Submission.project_id)
                               .where(Submission.deficiency_deadline.is_not(None)))).all()
    for sub, project in subs:
        missing = [d["item"] for d in sub.deficiencies if not d.get("supplied_at")]
        if (missing and aware(sub.deficiency_deadline) < now and not any(d.get("overdue_notified") for d in sub.deficiencies)
                and sub.state not in ("approved", "rejected", "returned")):
            sub.deficiencies = [{**d, "overdue_notified": True} for d in sub.deficiencies]
            session.add(sub)
            await step(session, "system", "deficiency.overdue", sub, project.id, emit, {"items": missing})
            await notifications.notify(session, project, "deficiency.overdue", {"items": missing})
            counts["deficiency_overdue"] += 1
    return counts
