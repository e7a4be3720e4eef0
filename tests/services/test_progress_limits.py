"""The progress query's guessing limits count failed lookups only (issue #14): the owner's
correct lookups are never blocked by someone else's wrong guesses, while an address guessing
across cases, and addresses guessing one case, are stopped. Against the real limiter of each
mode (in memory; Redis in the scaled mode)."""

from __future__ import annotations

import pytest

from drawreview.errors import NotFound, RateLimited
from drawreview.ratelimit import make_limiter
from drawreview.services import progress, reviews
from tests.services.reviews_world import bj, new_project, new_submission, principal


async def test_only_failures_count_and_the_owner_is_never_blocked_by_others(env):
    session, stack, storage, cfg = env
    t0 = bj(2025, 3, 3, 10)
    project = await new_project(session, stack, name="进度限流测试")
    sub = await new_submission(session, project)
    await reviews.submit(session, await principal(session, "designer"), sub, project, t0, lambda e: None, cfg)
    await reviews.accept(session, await principal(session, "window"), sub, project, {}, t0, lambda e: None, cfg,
                         storage, "http://x")
    await session.commit()
    case, code = project.case_number, project.verification_code
    wrong = "000000" if code != "000000" else "111111"
    limiter = make_limiter(stack.settings)
    for key in ("ip:owner", "ip:attacker", "ip:other"):  # a fresh count for this test's addresses
        await limiter.reset(f"progress:fail:{key}")
    try:
        # the owner looks often: successes never count
        for _ in range(progress.IP_LIMIT + progress.CASE_LIMIT):
            assert (await progress.query(session, limiter, "owner", case, code, t0))["case_number"] == case
        # someone guesses this case's code until stopped
        for _ in range(progress.CASE_LIMIT):
            with pytest.raises(NotFound):
                await progress.query(session, limiter, "attacker", case, wrong, t0)
        with pytest.raises(RateLimited) as exc:
            await progress.query(session, limiter, "attacker", case, code, t0)  # even the right code now
        assert exc.value.details["scope"] == "case"
        # the owner, who never failed, still gets in
        assert (await progress.query(session, limiter, "owner", case, code, t0))["stage"] == "in_review"
        # another address gets one guess at the locked case, then is stopped
        with pytest.raises(NotFound):
            await progress.query(session, limiter, "other", case, wrong, t0)
        with pytest.raises(RateLimited):
            await progress.query(session, limiter, "other", case, wrong, t0)
        # an address walking many case numbers is stopped by its own failures
        for n in range(progress.IP_LIMIT):
            with pytest.raises(NotFound):
                await progress.query(session, limiter, "walker", f"JS-2099-{n:06d}", "12345678", t0)
        with pytest.raises(RateLimited) as exc:
            await progress.query(session, limiter, "walker", "JS-2099-999999", "12345678", t0)
        assert exc.value.details["scope"] == "ip"
        assert (await progress.query(session, limiter, "owner", case, code, t0))["case_number"] == case
    finally:
        await limiter.close()
