"""A task held by a reviewer whose account was deactivated mid-round (read-back 5, decision 148):
the project page's task row warns the window, and the reassign list shows no one as chosen (it
showed the first other reviewer selected, as if the task were already theirs)."""

from __future__ import annotations

import pytest

from .conftest import chromium_browser, db_call, embedded_site, page_as


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "reviewer-deactivated")


@pytest.fixture(scope="module")
def browser(site):
    yield from chromium_browser()


def _world(stack) -> tuple[int, int, int]:
    from drawreview.services import accounts, credentials, reviews, tasks
    from drawreview.storage import make_storage
    from tests.services.reviews_world import bj, new_project, new_submission, principal
    from drawreview.models import ReviewTask
    from sqlmodel import select

    async def go(s):
        cfg, storage = tasks.config(stack.settings), make_storage(stack.settings)
        org = await accounts.get_or_create_org(s, stack.account("window")["org"], "review_authority", actor="test")
        leaving = await accounts.create_user(s, "lp_leaving", "a-long-password-1", "reviewer", "防雷审查 即将离职",
                                             "lightning", org, actor="test")
        await accounts.create_user(s, "lp_stays", "a-long-password-1", "reviewer", "防雷审查 接手人", "lightning", org,
                                   actor="test")
        project = await new_project(s, stack, name="审查人员停用")
        sub = await new_submission(s, project, storage=storage)
        window, when = await principal(s, "window"), bj(2026, 12, 8, 10)
        await reviews.submit(s, await principal(s, "designer"), sub, project, when, lambda e: None, cfg)
        await reviews.accept(s, window, sub, project, {}, when, lambda e: None, cfg, storage, "http://x")
        task = (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id,
                                                      ReviewTask.discipline == "lightning"))).one()
        await tasks.assign(s, window, task, sub, project, leaving.id, when, lambda e: None)
        admin = await accounts.create_user(s, "adm_rd", "a-long-password-1", "admin", "管理员", None, None, actor="test")
        await credentials.deactivate(s, await principal(s, admin.username), leaving.id)
        return project.id, sub.id, task.id
    return db_call(stack, go)


def test_the_window_sees_that_nobody_can_work_on_the_task(site, browser):
    stack, base = site
    pid, sid, task_id = _world(stack)
    with page_as(browser, base, stack, "window") as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        row = page.wait_for_selector(f"tr[data-task-id='{task_id}']", timeout=20000)
        assert "防雷审查 即将离职" in row.inner_text()
        assert "该审查人员账号已停用，请改派" in row.inner_text()
        pick = page.locator(f"#task-reviewer-{task_id}")
        assert pick.input_value() == ""  # nobody shown as chosen
        assert "防雷审查 接手人" in pick.inner_text()
        fire = page.locator("tr[data-discipline='fire']")
        assert "停用" not in fire.inner_text()
