"""Review tasks over the database: one per discipline and round, the working-day clock,
assignment, 补正 pauses and conclusions (the deadline watch is ``deadlines``, what is waiting ``worklist``).

The rules themselves are pure and live in ``workflow`` (state machines, roll-up, traffic
light) and ``workdays`` (the calendar); this module applies them to rows, and every step
writes the audit log, appends a project event (handed to ``emit`` for publishing after the
commit) and notifies through ``notifications``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import and_, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ..models import Project, ReviewTask, Submission, User, is_id
from . import audit, events, names, notifications, standing, workdays, workflow
from .notifications import aware
from .visible import is_blank

Emit = Callable[[object], None]


# --- shared helpers ------------------------------------------------------------------------------

def config(settings) -> dict:
    """The workflow configuration: ``workflow.DEFAULT_CONFIG`` merged with
    ``<data dir>/workflow.json`` when that file exists (disciplines per project type,
    review days, required sheet categories...)."""
    path = Path(settings.data_dir) / "workflow.json"
    overrides = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    return workflow.merged_config(overrides)


def utc(dt: datetime | None) -> datetime | None:
    return None if dt is None else (dt.astimezone(timezone.utc) if dt.tzinfo else dt.replace(tzinfo=timezone.utc))


async def step(session: AsyncSession, actor, action: str, obj, project_id: int, emit: Emit,
               detail: dict | None = None, event: str | None = None):
    """Audit + project event for one workflow step."""
    object_type = "submission" if isinstance(obj, Submission) else "review_task"
    await audit.record(session, actor, action, object_type, obj.id, project_id, detail or {})
    ev = await events.append(session, project_id, event or action, actor,
                             {"object_type": object_type, "object_id": obj.id, **(detail or {})})
    emit(ev)
    return ev


def pauses_of(task: ReviewTask) -> list[tuple[datetime, datetime | None]]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b) if b else None) for a, b in task.pauses]


def light_of(task: ReviewTask, now: datetime, cfg: dict | None = None) -> str | None:
    if task.state == "concluded" or task.due_at is None:
        return None
    within = (cfg or workflow.DEFAULT_CONFIG)["yellow_within"]
    return str(workflow.traffic_light(aware(task.due_at), now, pauses_of(task), yellow_within=within))


def task_dict(task: ReviewTask, now: datetime, reviewer: User | None = None, lang: str = "zh-CN") -> dict:
    due = aware(task.due_at)
    pauses = pauses_of(task)
    return {
        "id": task.id, "submission_id": task.submission_id, "discipline": task.discipline,
        "discipline_name": names.discipline(task.discipline, lang),
        "reviewer_id": task.reviewer_id, "reviewer": reviewer.display_name if reviewer else None,
        # False: the reviewer's account was deactivated while the task was theirs; nobody can work
        # on it and its clock runs on, so the window reassigns it (decision 148)
        "reviewer_active": bool(reviewer.active) if reviewer else None,
        "state": task.state, "conclusion": task.conclusion, "opinion": task.opinion,
        "started_at": aware(task.started_at).isoformat() if task.started_at else None,
        "due_at": due.isoformat() if due else None,
        "concluded_at": aware(task.concluded_at).isoformat() if task.concluded_at else None,
        "paused": bool(pauses and pauses[-1][1] is None), "pauses": task.pauses,
        "light": light_of(task, now),
        "remaining_workdays": workdays.remaining_workdays(due, now, pauses) if due and task.state != "concluded" else None,
        # False when a date lies beyond the years the Chinese calendar knows: the clock then
        # counts weekends only (holidays and adjusted working days unknown), so show a warning
        "calendar_exact": workdays.calendar_covers(*[d for d in (aware(task.started_at), due, now) if d is not None]),
        "version": task.version,
    }


async def get_task(session: AsyncSession, task_id: int) -> tuple[ReviewTask, Submission, Project]:
    task = await session.get(ReviewTask, task_id)
    if task is None:
        raise NotFound("找不到该审查任务", "Review task not found", details={"task_id": task_id})
    sub = await session.get(Submission, task.submission_id)
    return task, sub, await session.get(Project, sub.project_id)


# --- starting tasks ------------------------------------------------------------------------------

async def pick_reviewer(session: AsyncSession, discipline: str) -> int | None:
    """The active reviewer of the discipline with the fewest unfinished tasks."""
    open_tasks = func.count(ReviewTask.id)
    stmt = (select(User.id, open_tasks)
            .outerjoin(ReviewTask, and_(ReviewTask.reviewer_id == User.id, ReviewTask.state != "concluded"))
            .where(User.role == "reviewer", User.discipline == discipline, User.active == True)  # noqa: E712
            .group_by(User.id).order_by(open_tasks, User.id).limit(1))
    row = (await session.exec(stmt)).first()
    return row[0] if row else None


async def earlier_reviewers(session: AsyncSession, sub: Submission) -> dict[str, int]:
    """Discipline -> the reviewer of its task in the project's latest earlier round, while he is
    still an active reviewer of that discipline: a re-review goes to whoever wrote the comments it
    checks (the window's reassignment included), not to whoever has the fewest tasks."""
    rows = (await session.exec(
        select(ReviewTask.discipline, ReviewTask.reviewer_id)
        .join(Submission, Submission.id == ReviewTask.submission_id)
        .join(User, User.id == ReviewTask.reviewer_id)
        .where(Submission.project_id == sub.project_id, Submission.id < sub.id, User.active == True,  # noqa: E712
               User.role == "reviewer", User.discipline == ReviewTask.discipline)
        .order_by(Submission.id, ReviewTask.id))).all()
    return {discipline: reviewer_id for discipline, reviewer_id in rows}  # later rounds win


async def start_tasks(session: AsyncSession, actor, sub: Submission, project: Project, disciplines: list[str],
                      now: datetime, cfg: dict, emit: Emit) -> list[ReviewTask]:
    """One task per discipline, started at once with its reviewer and due date."""
    days = workflow.review_days(sub.round_no, complex_project=project.complexity == "complex", config=cfg)
    out = []
    existing = {t.discipline: t for t in (await session.exec(select(ReviewTask).where(
        ReviewTask.submission_id == sub.id))).all()}
    earlier = await earlier_reviewers(session, sub)
    for d in disciplines:
        if d in existing:  # a returned case accepted again: its open task starts afresh
            task = existing[d]
            if task.state != "concluded":
                before = aware(task.due_at).isoformat() if task.due_at else None
                task.state, task.started_at, task.pauses, task.light = "in_progress", utc(now), [], "green"
                task.due_at = utc(workdays.add_workdays(utc(now), days))
                task.version += 1
                session.add(task)
                await step(session, actor, "task.restart", task, project.id, emit,
                           {"discipline": d, "due_at": task.due_at.isoformat(), "previous_due_at": before,
                            "review_days": days, "round": sub.round_no})
                out.append(task)
            continue
        task = ReviewTask(submission_id=sub.id, discipline=d, reviewer_id=earlier.get(d) or await pick_reviewer(session, d),
                          state=workflow.TASK.apply("pending", "start"), started_at=utc(now),
                          due_at=utc(workdays.add_workdays(utc(now), days)), light="green")
        session.add(task)
        await session.flush()
        await step(session, actor, "task.start", task, project.id, emit,
                   {"discipline": d, "reviewer_id": task.reviewer_id, "due_at": task.due_at.isoformat(),
                    "review_days": days, "round": sub.round_no})
        if task.reviewer_id:
            await notifications.notify(session, project, "task.assigned", {
                "discipline": d, "task_id": task.id, "due": workdays.to_local(task.due_at).date().isoformat(),
                "calendar_estimated": not workdays.calendar_covers(utc(now), task.due_at)},
                assignee_ids=[task.reviewer_id])
        out.append(task)
    return out


# --- task actions --------------------------------------------------------------------------------

def require_reviewer(actor, task: ReviewTask) -> None:
    if actor.role != "reviewer" or actor.discipline != task.discipline:
        raise PermissionDenied("只能处理本专业的审查任务", "You may only act on your own discipline's tasks",
                               details={"discipline": task.discipline})
    if task.reviewer_id is not None and task.reviewer_id != actor.user_id:
        raise PermissionDenied("该任务已分派给其他审查人员", "This task is assigned to another reviewer",
                               details={"reviewer_id": task.reviewer_id})


def _require_open_round(sub: Submission, action: str) -> None:
    if sub.state != "in_review":
        raise InvalidTransition(
            f"报审处于“{workflow.SUBMISSION.states.get(sub.state, sub.state)}”状态，审查任务不能"
            f"{workflow.TASK.actions.get(action, action)}",
            f"The submission is '{sub.state}'; its review tasks cannot be changed ({action})",
            details={"state": sub.state, "action": action})


async def assign(session, actor, task, sub, project, reviewer_id, now, emit) -> ReviewTask:
    user = await session.get(User, reviewer_id) if is_id(reviewer_id) else None
    if user is None or not user.active or user.role != "reviewer" or user.discipline != task.discipline:
        raise ValidationFailed("须改派给本专业的审查人员", "Reassign to an active reviewer of the task's discipline",
                               details={"reviewer_id": reviewer_id, "discipline": task.discipline})
    _require_open_round(sub, "reassign")
    state = workflow.TASK.apply(task.state, "reassign")  # a concluded task is refused, even to its own reviewer
    if task.reviewer_id == user.id:  # the same reviewer again: a started task keeps its work and clock
        return task
    task.state = state
    previous, task.reviewer_id = task.reviewer_id, user.id
    task.version += 1
    session.add(task)
    await step(session, actor, "task.reassign", task, project.id, emit,
               {"discipline": task.discipline, "from": previous, "to": user.id, "state": task.state})
    await notifications.notify(session, project, "task.assigned", {"discipline": task.discipline, "task_id": task.id},
                               assignee_ids=[user.id])
    return task


async def start(session, actor, task, sub, project, now, emit) -> ReviewTask:
    require_reviewer(actor, task)
    _require_open_round(sub, "start")
    task.state = workflow.TASK.apply(task.state, "start")
    task.reviewer_id = actor.user_id
    task.version += 1
    session.add(task)
    await step(session, actor, "task.start", task, project.id, emit, {"discipline": task.discipline})
    return task


async def pause(session, actor, task, sub, project, reason: str, now, emit) -> ReviewTask:
    """要求补正: the clock stops until the design institute supplies the corrections."""
    require_reviewer(actor, task)
    _require_open_round(sub, "pause")
    if not isinstance(reason, str) or is_blank(reason):
        raise ValidationFailed("请写明需要补正的内容", "Say what must be corrected", details={"reason": "required"})
    task.state = workflow.TASK.apply(task.state, "pause")
    task.pauses = [*task.pauses, [utc(now).isoformat(), None]]
    task.version += 1
    session.add(task)
    await step(session, actor, "task.pause", task, project.id, emit, {"discipline": task.discipline, "reason": reason})
    await notifications.notify(session, project, "task.paused",
                               {"discipline": task.discipline, "reason": reason.strip(), "task_id": task.id})
    return task


async def resume(session, actor, task, sub, project, now, emit, cfg) -> ReviewTask:
    """The corrections are in: close the pause and move the due date back by it."""
    if actor.role == "designer" and actor.org_id != project.design_institute_id:
        raise PermissionDenied()
    _require_open_round(sub, "resume")
    task.state = workflow.TASK.apply(task.state, "resume")
    closed = [list(p) for p in task.pauses]
    closed[-1][1] = utc(now).isoformat()
    task.pauses = closed
    days = workflow.review_days(sub.round_no, complex_project=project.complexity == "complex", config=cfg)
    task.due_at = utc(workdays.add_workdays(aware(task.started_at), days, pauses_of(task)))
    task.light = light_of(task, now, cfg) or "green"
    task.version += 1
    session.add(task)
    await step(session, actor, "task.resume", task, project.id, emit,
               {"discipline": task.discipline, "due_at": task.due_at.isoformat()})
    if task.reviewer_id:
        await notifications.notify(session, project, "task.resumed", {"discipline": task.discipline, "task_id": task.id},
                                   assignee_ids=[task.reviewer_id])
    return task


async def conclude(session, actor, task, sub, project, conclusion: str, opinion: str, now, emit) -> ReviewTask:
    """A discipline's conclusion; when every task of the round has one, the round concludes
    with the most severe conclusion standing across all disciplines as its verdict (those
    kept from earlier rounds included); the window then issues the merged report."""
    require_reviewer(actor, task)
    _require_open_round(sub, "conclude")
    verdict = workflow.parse_conclusion(conclusion)
    if not isinstance(opinion, str):
        raise ValidationFailed(details={"opinion": "text"})
    task.state = workflow.TASK.apply(task.state, "conclude")
    task.conclusion, task.opinion, task.concluded_at = str(verdict), opinion.strip(), utc(now)
    task.reviewer_id = actor.user_id
    task.version += 1
    session.add(task)
    await step(session, actor, "task.conclude", task, project.id, emit,
               {"discipline": task.discipline, "conclusion": str(verdict)})
    await session.flush()
    all_tasks = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id))).all()
    if all(t.state == "concluded" for t in all_tasks):
        sub.state = workflow.SUBMISSION.apply(sub.state, "conclude")
        # the most severe conclusion standing across all disciplines, kept ones included (decision 004)
        sub.verdict = standing.verdict(await standing.of_round(session, sub))
        sub.concluded_at = utc(now)
        session.add(sub)
        await step(session, actor, "submission.conclude", sub, project.id, emit,
                   {"verdict": sub.verdict, "round": sub.round_no}, event="review.concluded")
    return task
