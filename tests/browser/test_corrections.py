"""要求补正 from the page: the reviewer asks for corrections (the clock stops) and the design
institute says they are supplied (the clock restarts), by clicking only — both needed the API
before. Real Chromium against a real ``drawreview serve`` (embedded mode)."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import PHONE, chromium_browser, embedded_site, page_as, wait_js
from tests.services.reviews_world import new_project, new_submission, run


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "corrections"):
        async def make(s):
            project = await new_project(s, stack, name="补正流程项目")
            return project.id, (await new_submission(s, project)).id

        pid, sid = run(stack, make)
        assert httpx.post(f"{base}/api/submissions/{sid}/submit", headers=stack.token_headers("designer"),
                          timeout=30).status_code == 200
        data = httpx.post(f"{base}/api/submissions/{sid}/accept", headers=stack.token_headers("window"), json={},
                          timeout=60).json()["data"]
        fire = next(t for t in data["tasks"] if t["discipline"] == "fire")
        yield stack, base, pid, sid, fire


@pytest.fixture(scope="module")
def chromium(case):
    yield from chromium_browser()


def _task(stack, base, sid, task_id):
    view = httpx.get(f"{base}/api/submissions/{sid}/review", headers=stack.token_headers("window"), timeout=10).json()
    return next(t for t in view["data"]["tasks"] if t["id"] == task_id)


def test_the_reviewer_asks_for_corrections_and_the_designer_supplies_them(case, chromium, shots):
    stack, base, pid, sid, fire = case
    with page_as(chromium, base, stack, "fire", viewport={"width": 1280, "height": 800}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        page.wait_for_selector(f"#task-pause-{fire['id']}")
        page.click(f"#task-pause-{fire['id']}")  # no reason: refused in the page
        wait_js(page, "() => document.querySelector('#review-status')?.textContent.includes('请先写明需要补正的内容')")
        page.fill(f"#task-pause-reason-{fire['id']}", "补充消防车道宽度标注")
        page.click(f"#task-pause-{fire['id']}")
        row = f"#review-tasks tr[data-task-id='{fire['id']}'][data-state='paused']"
        page.wait_for_selector(row, timeout=15000)
        page.screenshot(path=str(shots / "corrections-paused.png"), full_page=True)
        # the clock stands: no "on time" light, and the due date says it moves on by the pause
        assert page.locator(f"{row} .light").inner_text() == "计时暂停"
        assert "恢复审查后时限顺延" in page.locator(f"{row} td.due").inner_text()
    assert _task(stack, base, sid, fire["id"])["paused"] is True
    # the construction unit's public progress page and the window's worklist say the same
    project = httpx.get(f"{base}/api/projects/{pid}", headers=stack.token_headers("window"), timeout=10).json()["data"]
    public = httpx.get(f"{base}/progress", params={"case": project["case_number"], "code": project["verification_code"],
                                                   "lang": "en"}, timeout=10).text
    assert "Clock stopped" in public and "the due date moves on when review resumes" in public
    window = httpx.get(f"{base}/window", headers=stack.token_headers("window"), timeout=10).text
    assert "light-paused" in window and "恢复审查后时限顺延" in window
    notes = httpx.get(f"{base}/api/notifications", headers=stack.token_headers("designer"), timeout=10).json()["data"]
    assert any(n["type"] == "task.paused" and "补充消防车道宽度标注" in n["title"] for n in notes)

    with page_as(chromium, base, stack, "designer", viewport=PHONE) as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        page.wait_for_selector(f"#task-resume-{fire['id']}")
        assert page.locator("button[id^=task-resume-]").count() == 1  # only the paused task
        page.click(f"#task-resume-{fire['id']}")
        page.wait_for_selector(f"#review-tasks tr[data-task-id='{fire['id']}'][data-state='in_progress']", timeout=15000)
    after = _task(stack, base, sid, fire["id"])
    assert after["state"] == "in_progress" and after["pauses"][0][1] is not None  # the pause closed: the clock runs


def test_a_reviewer_on_a_phone_reaches_his_task(case, chromium, shots):
    """At 390 px the tasks table squeezed each column to one character a line, and the
    reviewer's conclusion form sat outside the screen (scrolled inside the table): each task now
    reads as "label  value" lines, its actions in full width."""
    stack, base, pid, sid, fire = case
    with page_as(chromium, base, stack, "fire", viewport=PHONE) as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        row = page.locator(f"#review-tasks tr[data-task-id='{fire['id']}']")
        select = row.locator("select[id^=task-conclusion]")
        select.wait_for(timeout=15000)
        for target in (select, row.locator("button[id^=task-conclude]"), row.locator("button[id^=task-pause-]")):
            box = target.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        reviewer = row.locator("td.reviewer").bounding_box()
        assert reviewer["width"] > 200, reviewer  # a line of its own, not a one-character column
        assert row.locator("td.reviewer").get_attribute("data-label") == "审查人"
        page.screenshot(path=str(shots / "tasks-phone-reviewer.png"), full_page=True)
