"""The viewer offers a reviewer only the writes the server will take (decision 125), in Chromium
against a real ``drawreview serve``: the fire task's assigned reviewer gets the markup tools and
the markup's edit and status buttons; another fire reviewer, never assigned, reads the sheet,
measures and replies, but is offered no markup tool, no edit or status change, and no finding
decision, and a note says why (zh-CN and English).

Before: the page told the viewer nothing about the assignment, so the second reviewer saw every
drawing tool and each write he tried came back as a 403 ``not_assigned`` toast."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlmodel import select

from tests.browser.conftest import (DESK, chromium_browser, db_call, embedded_site, make_sheet, page_as, save_markup,
    signed_in, wait_js)

PASSWORD = "a-long-password-1"


async def _assign(settings, submission_id: int) -> str:
    """The fire task goes to the demo's fire reviewer; a second fire reviewer is made."""
    from drawreview.db import Database
    from drawreview.models import Organisation, ReviewTask, User
    from drawreview.services import accounts

    db = Database(settings)
    try:
        async with db.session() as s:
            fire = (await s.exec(select(User).where(User.username == "fire"))).one()
            task = (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == submission_id,
                                                          ReviewTask.discipline == "fire"))).one()
            task.reviewer_id = fire.id
            s.add(task)
            name = f"fire_{uuid.uuid4().hex[:8]}"
            await accounts.create_user(s, name, PASSWORD, "reviewer", discipline="fire",
                                       org=await s.get(Organisation, fire.org_id))
            await s.commit()
            return name
    finally:
        await db.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "assigned"):
        made = make_sheet(stack, base, tmp_path_factory.mktemp("dxf"))
        sheet_id = made["sheets"][0]["id"]
        other = asyncio.run(_assign(stack.settings, made["submission_id"]))
        r = httpx.post(f"{base}/api/sheets/{sheet_id}/annotations", headers=stack.token_headers("fire"), timeout=30,
                       json={"client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [[120.5, 80.25]]},
                             "severity": "mandatory", "body": "请补充防火分区面积"})
        assert r.status_code == 200, r.text
        yield stack, base, sheet_id, other, r.json()["data"]["annotation"]["id"], made["submission_id"]


@pytest.fixture(scope="module")
def chromium(world):
    yield from chromium_browser()


def _open_markup(page, base, sheet_id, annotation_id):
    page.goto(f"{base}/sheets/{sheet_id}#annotation={annotation_id}")
    page.wait_for_selector("#viewer-root[data-ready='1']", timeout=30000)
    wait_js(page, "document.querySelector('#sync-status')?.dataset.state === 'online'", timeout=20000)
    page.wait_for_selector("#thread:not([hidden])", timeout=10000)


def test_the_assigned_reviewer_gets_the_tools(world, chromium):
    stack, base, sheet_id, _, annotation_id, _ = world
    with page_as(chromium, base, stack, "fire", viewport=DESK) as page:
        _open_markup(page, base, sheet_id, annotation_id)
        assert page.evaluate("JSON.parse(document.getElementById('viewer-config').textContent).assigned_elsewhere") is False
        for tool in ("pin", "rect", "cloud", "arrow", "polyline", "text"):
            assert page.locator(f"#tool-{tool}").is_visible(), tool
        assert not page.locator("#assigned-note").is_visible()
        for button in ("#markup-edit", "#markup-delete", "#status-closed", "#reply-form"):
            assert page.locator(button).count() == 1, button


@pytest.mark.parametrize("lang,words", [("zh-CN", "已分派给其他审查人员"), ("en", "assigned to another reviewer")])
def test_an_unassigned_reviewer_of_the_discipline_reads_and_replies_without_tools(world, chromium, lang, words):
    stack, base, sheet_id, other, annotation_id, _ = world
    with page_as(chromium, base, stack, other, lang, DESK, password=PASSWORD) as page:
        _open_markup(page, base, sheet_id, annotation_id)
        assert page.evaluate("document.documentElement.lang") == lang
        # no drawing tool, by button or by key; the note says why, in the page's language
        assert page.locator("#assigned-note").is_visible()
        assert words in page.inner_text("#assigned-note")
        for tool in ("pin", "rect", "cloud", "arrow", "polyline", "text"):
            assert page.locator(f"#tool-{tool}").count() == 0, tool
        page.locator("#map").focus()
        page.keyboard.press("2")
        assert page.evaluate("document.getElementById('map').classList.contains('drawing')") is False
        # reading tools and navigation stay
        for button in ("#tool-select", "#tool-measure_distance", "#tool-measure_area", "#zoom-in", "#fit"):
            assert page.locator(button).is_visible(), button
        # the thread reads and replies, but offers no edit, delete or status change
        assert "请补充防火分区面积" in page.inner_text("#thread-body")
        for button in ("#markup-edit", "#markup-delete", "#status-closed", "#status-answered", "#status-reopen"):
            assert page.locator(button).count() == 0, button
        body = f"审核意见 {lang}"
        page.fill("#reply-body", body)
        page.click("#reply-send")
        wait_js(page, "b => [...document.querySelectorAll('#replies li:not(.pending) .reply-body')]"
                      ".some((e) => e.textContent === b)", arg=body, timeout=15000)


def test_a_task_reassigned_away_while_the_page_is_open_takes_the_tools_away(world, chromium):
    """The page was opened while the fire task was nobody's (anyone of the discipline may write);
    the window then gives it to the other reviewer: the next write is refused (not_assigned, at
    the socket's next access re-check) and the viewer stops offering writes, with the note."""
    from drawreview.models import ReviewTask, User

    stack, base, sheet_id, other, annotation_id, submission_id = world

    def holder(user):
        def change(s):
            async def go():
                task = (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == submission_id,
                                                              ReviewTask.discipline == "fire"))).one()
                task.reviewer_id = None if user is None else (await s.exec(select(User.id).where(User.username == user))).one()
                s.add(task)
            return go()
        return change

    db_call(stack, holder(None))
    try:
        page = signed_in(chromium, base, stack, other, viewport=DESK, password=PASSWORD)
        _open_markup(page, base, sheet_id, annotation_id)
        assert page.locator("#tool-pin").is_visible() and not page.locator("#assigned-note").is_visible()
        assert page.locator("#status-closed").count() == 1  # an unassigned task: anyone of the discipline writes
        db_call(stack, holder("fire"))
        page.wait_for_timeout(3000)  # the socket's access re-check (settings.sync_recheck_s, 2 s)
        page.click("#tool-pin")
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + 400, box["y"] + 300)
        page.wait_for_selector("#markup-form", timeout=10000)
        save_markup(page, "改派后的标注", "general")
        page.wait_for_selector("#assigned-note:not([hidden])", timeout=15000)
        assert page.locator("#tool-pin").count() == 0
        assert page.evaluate("document.getElementById('map').classList.contains('drawing')") is False
    finally:
        page.context.close()
        db_call(stack, holder("fire"))
