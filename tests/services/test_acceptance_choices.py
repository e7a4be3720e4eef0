"""The window chooses which disciplines take part in a case (default: the required ones), and
reassigning a task to the reviewer who already holds it changes nothing (a started task keeps its
work and clock). Real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from drawreview.errors import ValidationFailed
from drawreview.models import AuditEntry, ReviewTask
from drawreview.services import reviews, tasks
from tests.services.reviews_world import bj, new_project, new_submission, principal


async def _submitted(session, stack, storage, cfg, now):
    project = await new_project(session, stack)
    sub = await new_submission(session, project, storage=storage)
    await reviews.submit(session, await principal(session, "designer"), sub, project, now, lambda e: None, cfg)
    return project, sub


async def test_the_window_chooses_the_disciplines_taking_part(env):
    session, stack, storage, cfg = env
    now = bj(2025, 3, 3, 10)
    project, sub = await _submitted(session, stack, storage, cfg, now)
    window = await principal(session, "window")
    for bad in ([], ["bogus"], "fire", [1]):
        with pytest.raises(ValidationFailed) as exc:
            await reviews.accept(session, window, sub, project, {"disciplines": bad}, now, lambda e: None, cfg, storage,
                                 "http://x")
        assert exc.value.message_zh and exc.value.message_en
    await session.rollback()
    project, sub = await _submitted(session, stack, storage, cfg, now)
    await reviews.accept(session, window, sub, project, {"disciplines": ["planning", "fire", "meteorology", "fire"]},
                         now, lambda e: None, cfg, storage, "http://x")
    await session.commit()
    got = sorted((await session.exec(select(ReviewTask.discipline).where(ReviewTask.submission_id == sub.id))).all())
    assert got == ["fire", "meteorology", "planning"]  # as chosen (meteorology out of the default scope), once each


async def test_reassigning_to_the_same_reviewer_keeps_a_started_task(env):
    session, stack, storage, cfg = env
    now = bj(2025, 3, 3, 10)
    project, sub = await _submitted(session, stack, storage, cfg, now)
    window = await principal(session, "window")
    await reviews.accept(session, window, sub, project, {}, now, lambda e: None, cfg, storage, "http://x")
    await session.commit()
    task = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id,
                                                        ReviewTask.discipline == "fire"))).one()
    assert task.state == "in_progress" and task.reviewer_id
    before = (task.state, task.version, task.due_at, task.reviewer_id)
    await tasks.assign(session, window, task, sub, project, task.reviewer_id, bj(2025, 3, 4), lambda e: None)
    await session.commit()
    await session.refresh(task)
    assert (task.state, task.version, task.due_at, task.reviewer_id) == before
    reassigned = (await session.exec(select(AuditEntry).where(AuditEntry.project_id == project.id,
                                                              AuditEntry.action == "task.reassign"))).all()
    assert reassigned == []


async def test_a_case_accepted_without_a_required_discipline_can_be_approved(env):
    """The window leaves civil defence and lightning out at acceptance (a building without a
    shelter, say); planning and fire approve. The approving report is issued: the case was
    reviewed without them. It was refused for ever (report_blocked: 尚无审查结论的专业：人防、防雷)
    with no way to give them a task: found by an outside probe through the HTTP API."""
    session, stack, storage, cfg = env
    now = bj(2025, 3, 3, 10)
    project, sub = await _submitted(session, stack, storage, cfg, now)
    window = await principal(session, "window")
    await reviews.accept(session, window, sub, project, {"disciplines": ["planning", "fire"]}, now, lambda e: None, cfg,
                         storage, "http://x")
    for t in (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id))).all():
        await tasks.conclude(session, await principal(session, t.discipline), t, sub, project, "approved", "同意",
                             bj(2025, 3, 5, 10), lambda e: None)
    await reviews.issue_report(session, window, sub, project, bj(2025, 3, 6, 10), lambda e: None, storage, "http://x",
                               stack.settings)
    await session.commit()
    assert sub.state == project.stage == "approved"
