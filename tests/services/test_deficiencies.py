"""容缺受理 past its deadline (issue #14): the window returns the case, as the receipt promises,
with the clock stopped and recorded; or extends the deadline with a reason. Both audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from drawreview.errors import Conflict, InvalidTransition, ValidationFailed
from drawreview.models import AuditEntry, Notification, ReviewTask
from drawreview.services import audit, deadlines, deficiencies, return_reasons, reviews, tasks, workdays
from tests.services.reviews_world import bj, new_project, new_submission, principal

noop = lambda e: None  # noqa: E731


async def _accepted_with_missing(session, stack, storage, cfg, now):
    project = await new_project(session, stack)
    sub = await new_submission(session, project)  # every sheet; the missing items are documents
    designer, window = await principal(session, "designer"), await principal(session, "window")
    await reviews.submit(session, designer, sub, project, now, noop, cfg)
    await reviews.accept(session, window, sub, project, {"missing_items": ["结构计算书", "人防施工图"],
                                                         "deficiency_deadline": "2025-03-10"},
                         now, noop, cfg, storage, "http://x")
    return project, sub, window


async def _audit(session, project, action):
    return (await session.exec(select(AuditEntry).where(AuditEntry.project_id == project.id,
                                                        AuditEntry.action == action))).all()


async def test_overdue_items_return_the_case_and_stop_the_clock(env):
    session, stack, storage, cfg = env
    project, sub, window = await _accepted_with_missing(session, stack, storage, cfg, bj(2025, 3, 3, 10))
    await reviews.supply_deficiencies(session, window, sub, project, ["结构计算书"], bj(2025, 3, 5), noop)
    fire = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id,
                                                        ReviewTask.discipline == "fire"))).one()
    await tasks.conclude(session, await principal(session, "fire"), fire, sub, project, "approved", "", bj(2025, 3, 6),
                         noop)
    with pytest.raises(Conflict) as exc:  # not overdue on the deadline day
        await deficiencies.return_overdue(session, window, sub, project, "逾期", bj(2025, 3, 10, 18), noop)
    assert exc.value.code == "deficiency_not_overdue" and "2025-03-10" in exc.value.message_zh
    with pytest.raises(ValidationFailed):
        await deficiencies.return_overdue(session, window, sub, project, " ", bj(2025, 3, 11, 9), noop)
    await deficiencies.return_overdue(session, window, sub, project, "经催告仍未补齐", bj(2025, 3, 11, 9), noop)
    assert sub.state == project.stage == "returned"
    # the system's own reason is kept as a code and its items, read in either language; the window's as written
    assert sub.return_reasons == [{"code": "deficiency_overdue", "params": {"items": ["人防施工图"]}}, "经催告仍未补齐"]
    assert return_reasons.texts(sub.return_reasons, "zh-CN") == ["容缺材料逾期未补齐：人防施工图", "经催告仍未补齐"]
    assert return_reasons.texts(sub.return_reasons, "en") == [
        "The missing items (容缺) were not supplied by the deadline: 人防施工图", "经催告仍未补齐"]
    by = {t.discipline: t for t in (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id))).all()}
    assert by["fire"].state == "concluded"  # its conclusion stands
    assert all(t.state == "paused" and t.pauses[-1][1] is None for d, t in by.items() if d != "fire")
    # the clock stands still while returned: the light never changes
    assert tasks.light_of(by["planning"], bj(2025, 4, 30, 9)) == tasks.light_of(by["planning"], bj(2025, 3, 11, 10))
    [entry] = await _audit(session, project, "submission.return_overdue")
    assert entry.detail["items"] == ["人防施工图"] and entry.detail["reason"] == "经催告仍未补齐"
    clock = entry.detail["clock"]
    assert {t["discipline"] for t in clock["tasks"]} == {"planning", "civil_defence", "lightning"}
    # due Wed 3-12 (7 working days from Mon 3-03): returned on Tue 3-11 with one working day left
    assert all(t["remaining_workdays"] == 1 and t["due_at"].startswith("2025-03-12") for t in clock["tasks"])
    notes = (await session.exec(select(Notification).where(Notification.project_id == project.id,
                                                           Notification.type == "submission.returned"))).all()
    assert notes and "容缺材料逾期未补齐：人防施工图" in notes[0].title_zh
    assert "were not supplied by the deadline: 人防施工图; 经催告仍未补齐" in notes[0].title_en
    assert "逾期未补齐" not in notes[0].title_en
    # the institute hands it in again; accepted in full, the open tasks start afresh
    designer = await principal(session, "designer")
    await reviews.submit(session, designer, sub, project, bj(2025, 3, 17, 9), noop, cfg)
    await reviews.accept(session, window, sub, project, {}, bj(2025, 3, 17, 10), noop, cfg, storage, "http://x")
    assert sub.state == "in_review" and sub.deficiencies == [] and sub.deficiency_deadline is None
    for d, t in by.items():
        await session.refresh(t)
        if d == "fire":
            assert t.state == "concluded"
        else:
            assert t.state == "in_progress" and t.pauses == []
            assert workdays.to_local(t.due_at).date().isoformat() == "2025-03-26"  # 7 working days from 3-17
    assert len(await _audit(session, project, "task.restart")) == 3
    assert (await audit.verify(session)).ok
    await session.commit()


async def test_the_deadline_can_be_extended_with_a_reason(env):
    session, stack, storage, cfg = env
    project, sub, window = await _accepted_with_missing(session, stack, storage, cfg, bj(2025, 3, 3, 10))
    counts = await deadlines.watch_deadlines(session, bj(2025, 3, 11, 9), noop, cfg)
    assert counts["deficiency_overdue"] == 1
    with pytest.raises(ValidationFailed):  # no reason
        await deficiencies.extend_deadline(session, window, sub, project, "2025-03-20", "", bj(2025, 3, 11, 9), noop)
    with pytest.raises(ValidationFailed):  # not later than the old deadline
        await deficiencies.extend_deadline(session, window, sub, project, "2025-03-09", "晚", bj(2025, 3, 11, 9), noop)
    await deficiencies.extend_deadline(session, window, sub, project, "2025-03-20", "人防审批延误，申请延期",
                                       bj(2025, 3, 11, 9), noop)
    assert workdays.to_local(sub.deficiency_deadline).date().isoformat() == "2025-03-20"
    assert not deficiencies.is_overdue(sub, bj(2025, 3, 12, 9))
    with pytest.raises(Conflict):  # no longer overdue: no return
        await deficiencies.return_overdue(session, window, sub, project, "逾期", bj(2025, 3, 12, 9), noop)
    [entry] = await _audit(session, project, "submission.extend_deficiencies")
    assert entry.detail["reason"] == "人防审批延误，申请延期" and entry.detail["to"].startswith("2025-03-20")
    # overdue again after the new deadline: flagged again
    assert (await deadlines.watch_deadlines(session, bj(2025, 3, 21, 9), noop, cfg))["deficiency_overdue"] == 1
    await reviews.supply_deficiencies(session, window, sub, project, ["结构计算书", "人防施工图"], bj(2025, 3, 21), noop)
    with pytest.raises(InvalidTransition):
        await deficiencies.extend_deadline(session, window, sub, project, "2025-04-01", "再延", bj(2025, 3, 21), noop)
    await session.commit()


async def test_items_are_recorded_on_the_revision_under_review_not_on_one_it_replaced(env):
    """Revision 2 answers round 1 and carries its 容缺 items; recording them as supplied (or
    extending their deadline) on revision 1, the row the receipt was issued for, is refused with
    the revision to use, and changes nothing: before, it answered 200 and wrote to the replaced
    row, while the approval gate kept reading revision 2's items as missing (found by a
    three-round HTTP probe)."""
    session, stack, storage, cfg = env
    project, rev1, window = await _accepted_with_missing(session, stack, storage, cfg, bj(2025, 3, 3, 10))
    for t in (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == rev1.id))).all():
        await tasks.conclude(session, await principal(session, t.discipline), t, rev1, project,
                             "revision_required" if t.discipline == "fire" else "approved", "", bj(2025, 3, 5), noop)
    await reviews.issue_report(session, window, rev1, project, bj(2025, 3, 5, 10), noop, storage, "http://x",
                               stack.settings)
    rev2 = await new_submission(session, project)
    await reviews.submit(session, await principal(session, "designer"), rev2, project, bj(2025, 3, 6, 9), noop, cfg)
    assert rev1.state == "resubmitted" and reviews.outstanding(rev2) == ["结构计算书", "人防施工图"]
    before = len(await _audit(session, project, "submission.supply_deficiencies"))
    with pytest.raises(Conflict) as exc:
        await reviews.supply_deficiencies(session, window, rev1, project, ["结构计算书"], bj(2025, 3, 7), noop)
    assert exc.value.code == "superseded_revision" and exc.value.details["current_submission_id"] == rev2.id
    assert "第 2 版" in exc.value.message_zh and "revision 2" in exc.value.message_en
    with pytest.raises(Conflict) as exc:
        await deficiencies.extend_deadline(session, window, rev1, project, "2025-03-20", "延期", bj(2025, 3, 7), noop)
    assert exc.value.code == "superseded_revision"
    assert reviews.outstanding(rev1) == ["结构计算书", "人防施工图"]
    assert len(await _audit(session, project, "submission.supply_deficiencies")) == before
    await reviews.supply_deficiencies(session, window, rev2, project, ["结构计算书", "人防施工图"], bj(2025, 3, 7), noop)
    assert reviews.outstanding(rev2) == []
    await session.commit()
