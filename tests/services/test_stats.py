"""Statistics over a real database (SQLite and PostgreSQL): seeded projects driven through the
workflow services at fixed Beijing times, then exact numbers: projects by type and stage,
first-review working days, on-time rate and comments per discipline, rounds per project,
ratings by role, and the date filter leaving projects out."""

from __future__ import annotations

from itertools import count

from sqlmodel import select

from drawreview.models import Annotation, ReviewTask, Sheet
from drawreview.services import ratings, reviews, stats, tasks
from tests.services.reviews_world import bj, new_project, new_submission, principal

MUNICIPAL_SHEETS = ["总图-01", "道施-01", "结施-01", "排施-01", "电施-01"]
noop = lambda e: None  # noqa: E731
SERIAL = count()




async def _project(session, stack, created, **kw):
    project = await new_project(session, stack, **kw)
    project.created_at = created
    session.add(project)
    return project


async def _accepted(session, stack, storage, cfg, project, numbers, when):
    sub = await new_submission(session, project, numbers, storage=storage) if numbers else \
        await new_submission(session, project, storage=storage)
    await reviews.submit(session, await principal(session, "designer"), sub, project, when, noop, cfg)
    await reviews.accept(session, await principal(session, "window"), sub, project, {}, when, noop, cfg, storage, "http://x")
    return sub


async def _conclude_all(session, sub, project, verdicts: dict, when_by: dict):
    by = {t.discipline: t for t in (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id))).all()}
    for d, task in sorted(by.items(), key=lambda kv: when_by[kv[0]]):
        await tasks.conclude(session, await principal(session, d), task, sub, project, verdicts[d], "", when_by[d], noop)


async def _comment(session, project, sub, discipline, status="open"):
    user = await principal(session, discipline)
    sheet = (await session.exec(select(Sheet).where(Sheet.submission_id == sub.id))).all()[0]
    session.add(Annotation(client_id=f"st-{sub.id}-{discipline}-{next(SERIAL)}", project_id=project.id,
                           sheet_id=sheet.id, author_id=user.user_id, discipline=discipline, kind="pin",
                           geometry={"points": [[1.0, 1.0]]}, status=status))
    await session.flush()


async def test_statistics_exact_numbers_and_date_filter(env):
    session, stack, storage, cfg = env
    window = await principal(session, "window")
    # P1 building: accepted Mon 2019-05-06, all approve Thu 05-09 (3 working days, on time)
    p1 = await _project(session, stack, bj(2019, 5, 6, 9), name="统计-房建")
    s1 = await _accepted(session, stack, storage, cfg, p1, None, bj(2019, 5, 6, 10))
    # verified and closed before the approving report (no approving report while a comment is open)
    await _comment(session, p1, s1, "fire", "closed")
    await _comment(session, p1, s1, "fire", "closed")
    await _comment(session, p1, s1, "planning", "closed")
    d4 = ["planning", "fire", "civil_defence", "lightning"]
    await _conclude_all(session, s1, p1, dict.fromkeys(d4, "approved"), dict.fromkeys(d4, bj(2019, 5, 9, 10)))
    await reviews.issue_report(session, window, s1, p1, bj(2019, 5, 9, 11), noop, storage, "http://x", stack.settings)
    # P2 municipal: accepted Tue 05-07 (due 05-16); planning approves 05-08, fire asks for revision
    # late on Mon 05-20 (9 working days); revision 2 on 05-21, fire approves 05-22 (due 05-28)
    p2 = await _project(session, stack, bj(2019, 5, 7, 9), name="统计-市政", project_type="municipal")
    s2 = await _accepted(session, stack, storage, cfg, p2, MUNICIPAL_SHEETS, bj(2019, 5, 7, 10))
    await _comment(session, p2, s2, "fire")  # open: carried to revision 2, counted once
    await _conclude_all(session, s2, p2, {"planning": "approved", "fire": "revision_required"},
                        {"planning": bj(2019, 5, 8, 10), "fire": bj(2019, 5, 20, 10)})
    await reviews.issue_report(session, window, s2, p2, bj(2019, 5, 20, 11), noop, storage, "http://x", stack.settings)
    r2 = await new_submission(session, p2, MUNICIPAL_SHEETS, storage=storage)
    await reviews.submit(session, await principal(session, "designer"), r2, p2, bj(2019, 5, 21, 10), noop, cfg)
    copy = (await session.exec(select(Annotation).where(Annotation.carried_from_id.is_not(None),
                                                        Annotation.project_id == p2.id))).first()
    assert copy is not None
    copy.status = "closed"  # fire verifies the change before approving
    session.add(copy)
    await _conclude_all(session, r2, p2, {"fire": "approved"}, {"fire": bj(2019, 5, 22, 10)})
    await reviews.issue_report(session, window, r2, p2, bj(2019, 5, 22, 11), noop, storage, "http://x", stack.settings)
    # P3 building, still a draft; P4 building created in June (outside the May filter), accepted
    await _project(session, stack, bj(2019, 5, 10, 9), name="统计-草稿")
    p4 = await _project(session, stack, bj(2019, 6, 10, 9), name="统计-六月")
    await _accepted(session, stack, storage, cfg, p4, None, bj(2019, 6, 10, 10))
    builder, designer = await principal(session, "builder"), await principal(session, "designer")
    await ratings.rate(session, builder, p1, {"score": 5, "text": "快"}, noop)
    await ratings.rate(session, designer, p1, {"score": 3, "text": "一般"}, noop)
    await ratings.rate(session, builder, p2, {"score": 4}, noop)
    await session.commit()

    lo, hi = stats.parse_range("2019-05-01", "2019-05-31")
    s = await stats.compute(session, lo, hi, bj(2019, 6, 1, 10))
    assert s["projects"]["total"] == 3
    assert s["projects"]["by_type_stage"] == {"building": {"approved": 1, "draft": 1}, "municipal": {"approved": 1}}
    assert s["first_review_days"] == {"count": 2, "mean": 6.0, "max": 9}
    per = {d["discipline"]: d for d in s["disciplines"]}
    assert (per["planning"]["on_time"], per["planning"]["late"], per["planning"]["on_time_rate"]) == (2, 0, 1.0)
    assert (per["fire"]["on_time"], per["fire"]["late"], per["fire"]["on_time_rate"]) == (2, 1, 0.667)
    assert per["civil_defence"]["on_time_rate"] == per["lightning"]["on_time_rate"] == 1.0
    assert per["meteorology"]["on_time_rate"] is None and per["meteorology"]["tasks"] == 0
    assert per["fire"]["tasks"] == 3 and per["fire"]["first_review_days"] == {"count": 2, "mean": 6.0, "max": 9}
    assert {d: per[d]["comments"] for d in per} == {"planning": 1, "fire": 3, "civil_defence": 0, "lightning": 0,
                                                    "meteorology": 0}
    assert s["rounds"] == {"distribution": {1: 1, 2: 1}, "mean": 1.5}
    assert s["ratings"]["count"] == 3 and s["ratings"]["mean"] == 4.0
    assert s["ratings"]["by_role"] == {"construction": 4.5, "designer": 3.0}

    # the June project joins when the range covers it; May alone leaves it (and its tasks) out
    june = await stats.compute(session, *stats.parse_range("2019-05-01", "2019-06-30"), bj(2019, 6, 11, 10))
    assert june["projects"]["total"] == 4 and june["projects"]["by_type_stage"]["building"] == {
        "approved": 1, "draft": 1, "in_review": 1}
    assert {d["discipline"]: d["tasks"] for d in june["disciplines"]}["planning"] == 3
    only_june = await stats.compute(session, *stats.parse_range("2019-06-01", "2019-06-30"), bj(2019, 6, 11, 10))
    assert only_june["projects"]["total"] == 1 and only_june["first_review_days"]["count"] == 0
    assert only_june["ratings"]["count"] == 0
    csv = stats.to_csv(s)
    assert "discipline,fire,on_time_rate,0.667" in csv and "rounds,2,projects,1" in csv
