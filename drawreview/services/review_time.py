"""审查用时: the working days each discipline's reviewer used in each round of a case, against
the round's limit (first review 7 working days, 10 for a technically complex project; a
re-review as configured), for the merged report (decision 156).

One convention with the review clock (``workdays``): a round's clock starts when its task
starts (acceptance, or the resubmission of a revision) and that day does not count; it stops
at the conclusion. The design institute's correction time is not counted: the days of a 补正
pause (``ReviewTask.pauses``) are left out, and the time between rounds (the revision with the
designer) belongs to no round. A task still open counts up to ``until`` (the issue, or now).

A round runs its disciplines side by side, so the round took as long as its slowest discipline:
the case's figure is the sum over its rounds of that longest use, against the sum of the
rounds' limits.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import DISCIPLINE_NAMES, ReviewTask, Submission
from ..report import model
from . import standing, workdays, workflow
from .notifications import aware
from .tasks import pauses_of


def _local(at: datetime | None) -> datetime | None:
    return workdays.to_local(aware(at)) if at else None


async def of_case(session: AsyncSession, sub: Submission, *, complex_project: bool, cfg: dict | None,
                  until: datetime) -> tuple[model.ReviewTime, ...]:
    """Every started task of ``sub``'s case up to its round, oldest round first, in the order
    the disciplines' tasks were made."""
    subs = await standing.chain(session, sub)
    rounds = {s.id: s.round_no for s in subs}
    tasks = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id.in_(list(rounds)),
                                                         ReviewTask.started_at.is_not(None))
                                .order_by(ReviewTask.id))).all()
    out = []
    for t in sorted(tasks, key=lambda t: (rounds[t.submission_id], t.id)):
        start = aware(t.started_at)
        end = aware(t.concluded_at) if t.concluded_at else aware(until)
        pauses = [(a, b if b is not None and aware(b) < end else end) for a, b in pauses_of(t)]
        used = workdays.workdays_between(start, end, pauses)
        held = workdays.workdays_between(start, end) - used
        round_no = rounds[t.submission_id]
        zh, en = DISCIPLINE_NAMES.get(t.discipline, (t.discipline, t.discipline))
        out.append(model.ReviewTime(
            round_no=round_no, discipline=zh, discipline_en=en, started_at=_local(t.started_at),
            concluded_at=_local(t.concluded_at), used=used, held=held,
            limit=workflow.review_days(round_no, complex_project=complex_project,
                                       config=cfg or workflow.DEFAULT_CONFIG),
            estimated=not workdays.calendar_covers(start, end)))
    return tuple(out)

