"""The review period of a project (审查时限): 7 working days, or 10 for a technically complex
project (``Project.complexity``), changed by the joint-review window after the project was
created — with a reason, audited, and the running disciplines' due dates recomputed
(docs/decisions/127); the receipt is drawn again with the new due date (decision 132).

The new due date of each running task counts from the same start (its ``started_at``) with the
new number of days; the designer's 补正 time still does not count (closed pauses push it back,
an open pause keeps the clock stopped, as ``tasks.resume`` counts it). The traffic light is
recomputed as the deadline watch would: a light that worsens is announced and escalated the
same way (``deadlines.relight``). Once the first review round has concluded the period has done its
work (later rounds have the re-review period) and the change is refused.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict, InvalidTransition, ValidationFailed
from ..models import AuditEntry, Project, ReviewTask, Submission, User
from . import audit, deadlines, events, notifications, receipts, workdays, workflow
from .notifications import aware
from .projects import COMPLEXITIES
from .tasks import Emit, pauses_of, utc
from .visible import is_blank

ACTION = "project.review_period"
MAX_REASON = 500
#: the latest revision in these states has had its first round concluded (or is past it)
CONCLUDED = frozenset({"concluded", "revision_required", "resubmitted", "approved", "rejected"})


def _reason(value) -> str:
    if not isinstance(value, str) or is_blank(value):
        raise ValidationFailed("请写明调整审查时限的理由", "Give the reason for changing the review period",
                               details={"reason": "required"})
    if len(value) > MAX_REASON:
        raise ValidationFailed(f"理由至多 {MAX_REASON} 字", f"The reason is at most {MAX_REASON} characters",
                               details={"reason": f"at most {MAX_REASON} characters"})
    return value.strip()


async def _latest(session: AsyncSession, project: Project) -> Submission | None:
    return (await session.exec(select(Submission).where(Submission.project_id == project.id)
                               .order_by(Submission.revision.desc()).limit(1))).first()


def open_for_change(latest: Submission | None) -> bool:
    """Whether the period may still change, given the project's latest revision."""
    return latest is None or (latest.round_no <= 1 and latest.state not in CONCLUDED)


def _refuse_concluded(latest: Submission | None) -> None:
    if not open_for_change(latest):
        name = workflow.SUBMISSION.states.get(latest.state, latest.state)
        raise InvalidTransition(
            f"第 {latest.round_no} 轮审查已结束（第 {latest.revision} 版报审处于“{name}”状态），不能再调整审查时限",
            f"The review round has concluded (revision {latest.revision} is '{latest.state}'); "
            "the review period can no longer be changed",
            code="review_period_closed",
            details={"submission_id": latest.id, "state": latest.state, "round": latest.round_no})


async def change(session: AsyncSession, actor, project: Project, complexity, reason, now: datetime, emit: Emit,
                 cfg: dict, storage=None, base_url: str | None = None) -> list[ReviewTask]:
    """Set the project's complexity (its review period); returns the tasks whose due date moved.
    With ``storage`` and ``base_url``, the accepted revision's receipt is drawn again with the new
    due date and the change (services/receipts.py)."""
    if complexity not in COMPLEXITIES:
        raise ValidationFailed("请选择审查时限：一般项目或技术复杂项目", "Choose the review period: normal or technically complex",
                               details={"complexity": list(COMPLEXITIES)})
    reason = _reason(reason)
    if complexity == project.complexity:
        # the request is well formed; the project's state refuses it (as a concluded round does)
        raise Conflict("审查时限没有变化", "The project already has this review period",
                       code="review_period_unchanged", details={"complexity": complexity})
    latest = await _latest(session, project)
    _refuse_concluded(latest)
    before = project.complexity
    days = workflow.review_days(1, complex_project=complexity == "complex", config=cfg)
    project.complexity = complexity
    project.version += 1
    session.add(project)
    moved = []
    running = [] if latest is None or latest.state != "in_review" else (await session.exec(
        select(ReviewTask).where(ReviewTask.submission_id == latest.id, ReviewTask.state != "concluded",
                                 ReviewTask.started_at.is_not(None)).order_by(ReviewTask.id))).all()
    for task in running:
        old_due = aware(task.due_at)
        task.due_at = utc(workdays.add_workdays(aware(task.started_at), days, pauses_of(task)))
        task.version += 1
        session.add(task)
        moved.append({"discipline": task.discipline, "task_id": task.id,
                      "from": old_due.isoformat() if old_due else None, "to": task.due_at.isoformat()})
    detail = {"from": before, "to": complexity, "review_days": days, "reason": reason, "tasks": moved}
    await audit.record(session, actor, ACTION, "project", project.id, project.id, detail)
    emit(await events.append(session, project.id, "project.review_period", actor,
                             {"object_type": "project", "object_id": project.id, **detail}))
    await notifications.notify(session, project, "review_period.changed",
                               {"complexity": complexity, "previous_complexity": before, "reason": reason,
                                "review_days": days},
                               assignee_ids=[t.reviewer_id for t in running])
    for task in running:  # the warnings from the new due dates (announced once, as the watch does)
        await deadlines.relight(session, task, project, now, emit, cfg)
    if storage is not None and base_url and latest is not None and running:
        first = latest.receipt_sha256
        if await receipts.redraw(session, storage, latest, project, cfg, base_url):
            await audit.record(session, actor, "submission.receipt_redrawn", "submission", latest.id, project.id,
                               {"reason": ACTION, "from": first, "to": latest.receipt_sha256})
    return running


async def history(session: AsyncSession, project_id: int) -> list[dict]:
    """Every change of the project's review period, oldest first (from the audit log)."""
    rows = (await session.exec(select(AuditEntry, User.display_name).join(User, User.id == AuditEntry.actor_id, isouter=True)
                               .where(AuditEntry.project_id == project_id, AuditEntry.action == ACTION)
                               .order_by(AuditEntry.id))).all()
    return [{"at": aware(e.at).isoformat(), "day": workdays.to_local(aware(e.at)).date().isoformat(),
             "actor": name or e.actor, "from": e.detail.get("from"), "to": e.detail.get("to"),
             "reason": e.detail.get("reason", ""), "tasks": len(e.detail.get("tasks", []))} for e, name in rows]
