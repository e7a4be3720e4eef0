"""A project's row is locked before any of its review tasks is written, by every writer.

Read-back 5 (decision 148) drove a round on PostgreSQL while the deadline watch ran: the watch
relit two tasks of the project in one transaction (task row, then the project through the audit
chain, then the next task row) while a reviewer concluded the second task (its row, then the
project): "deadlock detected", a 500 to the reviewer. Both now take the project first
(``audit.lock_project``), so the two wait in line instead. Checked by the order of the statements
each sends (the same on SQLite, where one write lock hides the deadlock)."""

from __future__ import annotations

from datetime import timedelta

from drawreview.services import deadlines, tasks
from tests.services.reviews_world import bj, new_project, new_submission, principal
from tests.services.test_rounds import _round_one
from tests.statements import watch_statements


def _project_first(seen: list[str]) -> None:
    writes = [s for s in seen if s.startswith(("update project ", "update review_task "))]
    assert any(s.startswith("update review_task ") for s in writes), seen
    assert writes[0].startswith("update project "), writes


async def test_the_watch_and_a_conclusion_lock_the_project_before_its_tasks(env):
    session, stack, storage, cfg = env
    project = await new_project(session, stack, name="锁顺序：时限预警与专业结论")
    rev1 = await new_submission(session, project, storage=storage)
    accepted = bj(2025, 5, 6, 10)
    r1 = await _round_one(session, stack, storage, cfg, None, project, rev1, accepted)
    await session.commit()
    near_due = max(t.due_at for t in r1.values()).replace(tzinfo=accepted.tzinfo) - timedelta(hours=30)
    with watch_statements(session.bind) as seen:
        counts = await deadlines.watch_deadlines(session, near_due, lambda e: None, cfg)
    assert counts["yellow"] + counts["red"] >= 2, counts  # several tasks of the project relit at once
    _project_first(seen)
    await session.commit()

    fire = r1["fire"]
    with watch_statements(session.bind) as seen:
        await tasks.conclude(session, await principal(session, "fire"), fire, rev1, project, "approved", "",
                             near_due, lambda e: None)
    _project_first(seen)
    await session.commit()
