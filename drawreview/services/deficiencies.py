"""容缺受理 past its deadline: the window returns the case (as the receipt promises: 逾期未补齐的，
将退回申请) or extends the deadline with a reason. Both are audited steps (docs/decisions/031).

Returning stops the review clock: every task of the round without a conclusion is paused at
that moment (its pause stays open), and the audit entry records each task's due date and the
working days it had left. A returned case handed in again is accepted anew and its open tasks
start afresh with the full review time (``tasks.start_tasks`` restarts them).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict, InvalidTransition, ValidationFailed
from ..models import Project, ReviewTask, Submission
from . import notifications, return_reasons, workdays, workflow
from .notifications import aware
from .tasks import Emit, pauses_of, step, utc
from .visible import is_blank

MAX_REASON = 500


def outstanding(sub: Submission) -> list[str]:
    return [d["item"] for d in sub.deficiencies if not d.get("supplied_at")]


def is_overdue(sub: Submission, now: datetime) -> bool:
    return bool(outstanding(sub)) and sub.deficiency_deadline is not None and aware(sub.deficiency_deadline) < utc(now)


async def require_current(session: AsyncSession, sub: Submission) -> None:
    """容缺 items travel with the case to each new revision (``reviews._resubmit`` copies them);
    a revision a later one has answered keeps only a copy, which the approval gate no longer
    reads. Writing to it would be accepted and change nothing that counts: refuse, naming the
    revision to use."""
    if sub.state != "resubmitted":
        return
    current = sub
    while True:
        nxt = (await session.exec(select(Submission).where(Submission.previous_id == current.id))).first()
        if nxt is None or nxt.id == sub.id:
            break
        current = nxt
    raise Conflict(f"第 {sub.revision} 版已由第 {current.revision} 版取代，容缺材料请在第 {current.revision} 版（报审编号 "
                   f"{current.id}）上登记",
                   f"Revision {sub.revision} was replaced by revision {current.revision}; record the missing items on "
                   f"revision {current.revision} (submission {current.id})",
                   code="superseded_revision",
                   details={"submission_id": sub.id, "current_submission_id": current.id,
                            "current_revision": current.revision})


def _require_outstanding(sub: Submission) -> list[str]:
    items = outstanding(sub)
    if not items or sub.deficiency_deadline is None:
        raise InvalidTransition("该报审没有待补齐的容缺材料", "This submission has no outstanding deficiency items",
                                code="no_deficiencies")
    return items


def _reason(value) -> str:
    if not isinstance(value, str) or is_blank(value):
        raise ValidationFailed("请写明理由", "Give the reason", details={"reason": "required"})
    if len(value) > MAX_REASON:  # refused, not cut: the audit log keeps what was written
        raise ValidationFailed(f"理由至多 {MAX_REASON} 字", f"The reason is at most {MAX_REASON} characters",
                               details={"reason": f"at most {MAX_REASON} characters"})
    return value.strip()


def _day(dt: datetime) -> str:
    return workdays.to_local(aware(dt)).date().isoformat()


async def return_overdue(session: AsyncSession, actor, sub: Submission, project: Project, reason, now: datetime,
                         emit: Emit) -> Submission:
    """Return the case whose 容缺 items were not supplied by their deadline; the clock stops."""
    items = _require_outstanding(sub)
    reason = _reason(reason)
    if not is_overdue(sub, now):
        raise Conflict(f"容缺材料的补齐期限（{_day(sub.deficiency_deadline)}）尚未届满，不能因逾期退回",
                       f"The deadline for the missing items ({_day(sub.deficiency_deadline)}) has not passed yet",
                       code="deficiency_not_overdue", details={"deadline": aware(sub.deficiency_deadline).isoformat()})
    sub.state = workflow.SUBMISSION.apply(sub.state, "return_overdue")
    stopped = []
    for task in (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id)
                                    .order_by(ReviewTask.id))).all():
        if task.state == "concluded":
            continue
        left = workdays.remaining_workdays(aware(task.due_at), utc(now), pauses_of(task)) if task.due_at else None
        stopped.append({"discipline": task.discipline, "task_id": task.id, "state": task.state,
                        "due_at": aware(task.due_at).isoformat() if task.due_at else None, "remaining_workdays": left})
        if task.state != "paused":  # paused already (补正): that pause keeps the clock stopped
            task.state = "paused"
            task.pauses = [*task.pauses, [utc(now).isoformat(), None]]
        task.version += 1
        session.add(task)
    sub.return_reasons = [return_reasons.deficiency_overdue(items), reason]  # read in either language
    project.stage = "returned"
    session.add_all([sub, project])
    clock = {"stopped_at": utc(now).isoformat(), "tasks": stopped,
             "restart": "the review time starts afresh when the case is accepted again"}
    await step(session, actor, "submission.return_overdue", sub, project.id, emit,
               {"items": items, "deadline": aware(sub.deficiency_deadline).isoformat(), "reason": reason,
                "clock": clock}, event="submission.returned")
    await notifications.notify(session, project, "submission.returned",
                               {"submission_id": sub.id, "reasons": return_reasons.texts(sub.return_reasons, "zh-CN"),
                                "reasons_en": return_reasons.texts(sub.return_reasons, "en")})
    return sub


async def extend_deadline(session: AsyncSession, actor, sub: Submission, project: Project, deadline, reason,
                          now: datetime, emit: Emit) -> Submission:
    """A later deadline for the outstanding 容缺 items, with a reason."""
    from .reviews import _when

    await require_current(session, sub)
    items = _require_outstanding(sub)
    reason = _reason(reason)
    if not deadline:
        raise ValidationFailed("请给出新的补齐期限", "Give the new deadline", details={"deadline": "required"})
    new = _when(deadline, "deadline")
    old = aware(sub.deficiency_deadline)
    if new <= old or new <= utc(now):
        raise ValidationFailed("新的补齐期限须晚于原期限和当前时间", "The new deadline must be after the old one and after now",
                               details={"deadline": new.isoformat(), "previous": old.isoformat()})
    sub.deficiency_deadline = utc(new)
    sub.deficiencies = [{k: v for k, v in d.items() if k != "overdue_notified"} for d in sub.deficiencies]
    session.add(sub)
    await step(session, actor, "submission.extend_deficiencies", sub, project.id, emit,
               {"items": items, "from": old.isoformat(), "to": utc(new).isoformat(), "reason": reason},
               event="deficiency.extended")
    await notifications.notify(session, project, "deficiency.extended",
                               {"submission_id": sub.id, "items": items, "deadline": _day(new), "reason": reason})
    return sub
