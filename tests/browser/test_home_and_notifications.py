"""Jobs done by clicking only, in Chromium against a real ``drawreview serve``: the design
institute creates a project from the home page; anybody reads the notification centre (unread
first, links to the object, mark one read, mark all read). The outcome is checked in the page and
in the database."""

from __future__ import annotations


import pytest

from tests.browser.conftest import PHONE, chromium_browser, db_call, embedded_site, page_as, wait_js


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "home")


async def _user_id(session, username: str) -> int:
    from sqlmodel import select

    from drawreview.models import User

    return (await session.exec(select(User.id).where(User.username == username))).one()


@pytest.fixture(scope="module")
def notified(site):
    """Three notifications for the designer through the real notification service (the workflow
    writes them the same way): a comment on a sheet, a report, a returned submission."""
    stack, _ = site
    from drawreview.models import Notification, Project
    from drawreview.services import notifications

    async def write(session):
        project = await session.get(Project, stack.demo["project_id"])
        await notifications.notify(session, project, "comment.added", {"discipline": "fire"}, link="/projects/%d" % project.id)
        await notifications.notify(session, project, "submission.returned", {"submission_id": 1, "reasons": ["缺少总平面图"]})
        await notifications.notify(session, project, "report.issued", {"report_id": 1, "verdict": "approved"})
        await session.flush()
        from sqlmodel import select
        rows = (await session.exec(select(Notification).where(
            Notification.user_id == await _user_id(session, "designer")))).all()
        return [r.id for r in rows]

    return db_call(stack, write)


@pytest.fixture(scope="module")
def chromium(site, notified):
    yield from chromium_browser()


def test_designer_creates_a_project_from_the_home_page(site, chromium, shots):
    stack, base = site
    with page_as(chromium, base, stack, "designer", viewport={"width": 1280, "height": 900}) as page:
        page.goto(base + "/")
        form = page.locator("#new-project")
        if form.get_attribute("open") is None:
            page.click("#new-project summary")
        # nothing filled in: the form says so and creates nothing
        page.click("#new-project-submit")
        assert page.locator("#new-project-error").is_visible()
        page.fill("#new-project-form input[name=name]", "滨江路 7 号地块住宅 <b>二期</b>")
        page.fill("#new-project-form input[name=address]", "泰州市海陵区滨江路 7 号")
        page.select_option("#new-project-form select[name=project_type]", "building")
        page.select_option("#new-project-form select[name=complexity]", "complex")
        page.select_option("#new-project-form select[name=construction_unit_id]", str(stack.account("builder")["org_id"]))
        page.screenshot(path=str(shots / "home-new-project-zh.png"), full_page=True)
        page.click("#new-project-submit")
        page.wait_for_url(base + "/projects/*", timeout=15000)
        assert "滨江路 7 号地块住宅 <b>二期</b>" in page.inner_text("body")  # escaped, shown as written
        pid = int(page.url.rsplit("/", 1)[1])

    from drawreview.models import Project

    async def read(session):
        return await session.get(Project, pid)

    project = db_call(stack, read)
    designer = stack.account("designer")
    assert project.name == "滨江路 7 号地块住宅 <b>二期</b>" and project.address == "泰州市海陵区滨江路 7 号"
    assert project.complexity == "complex" and project.project_type == "building"
    assert project.design_institute_id == designer["org_id"]
    assert project.construction_unit_id == stack.account("builder")["org_id"]


def test_home_page_shows_stages_in_the_readers_language(site, chromium):
    stack, base = site
    with page_as(chromium, base, stack, "window") as page:
        for lang, draft in (("en", "Draft"), ("zh-CN", "草稿")):
            page.goto(f"{base}/lang/{lang}")
            page.goto(base + "/")
            cells = page.eval_on_selector_all("#projects td[data-stage]", "els => els.map(e => [e.dataset.stage, e.textContent])")
            assert cells
            for code, text in cells:
                assert text != code and "_" not in text, (code, text)
            # the window creates projects for any institute: it picks the institute too
            assert page.locator("#new-project-form select[name=design_institute_id]").count() == 1


def test_notification_centre(site, chromium, notified, shots):
    stack, base = site
    with page_as(chromium, base, stack, "designer", viewport={"width": 1280, "height": 900}) as page:
        page.goto(base + "/")
        badge = page.locator("#notif-count")
        # the count is the script's (it was "visible" before the count came: see below)
        wait_js(page, "() => document.getElementById('notif-count').dataset.unread !== undefined", timeout=15000)
        assert badge.is_visible()
        unread_before = int(badge.get_attribute("data-unread"))
        assert unread_before >= 3
        page.click("#notif-bell")
        page.wait_for_selector("#notif-list li.notif-item")
        items = page.locator("#notif-list li.notif-item")
        classes = [items.nth(i).get_attribute("class") for i in range(items.count())]
        # unread first
        first_read = next((i for i, c in enumerate(classes) if "unread" not in c), len(classes))
        assert all("unread" not in c for c in classes[first_read:])
        page.screenshot(path=str(shots / "notifications-open-zh.png"))
        titles = page.locator("#notif-list").inner_text()
        assert "（—）" not in titles and "approved" not in titles, titles  # words, not codes
        # mark one read by its own button
        first_id = items.nth(0).get_attribute("data-id")
        items.nth(0).locator("button.notif-read").click()
        wait_js(page, "n => document.getElementById('notif-count').dataset.unread === String(n)",
                               arg=unread_before - 1, timeout=10000)
        page.wait_for_selector(f"#notif-list li.notif-item:not(.unread)[data-id='{first_id}']", timeout=10000)
        # the link of an item opens its object
        link = page.locator("#notif-list li.notif-item a.notif-link").first.get_attribute("href")
        assert link and link.startswith("/")
        # all read
        page.click("#notif-all-read")
        wait_js(page, "() => document.getElementById('notif-count').hidden", timeout=10000)
        # hidden means not shown: the badge's display:inline-block overrode the hidden attribute, so
        # nothing unread (and every page before its count came) showed an empty red pill
        assert not badge.is_visible() and badge.bounding_box() is None
        assert page.locator("#notif-list li.notif-item.unread").count() == 0
        page.locator("#notif-list li.notif-item a.notif-link").first.click()
        page.wait_for_url(base + link, timeout=15000)

    from sqlmodel import select

    from drawreview.models import Notification

    async def unread(session):
        return (await session.exec(select(Notification).where(
            Notification.user_id == await _user_id(session, "designer"), Notification.read_at.is_(None)))).all()

    assert db_call(stack, unread) == []


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_notification_panel_fits_a_phone(site, chromium, notified, shots, lang):
    """At 390 px the top bar wraps and the bell stands at its left; the panel, hung from the bell's
    right edge, lay 200 px off the screen (x = -201): its notifications could not be read. It now
    opens across the screen, under the top bar, and each notification is readable and clickable."""
    stack, base = site
    with page_as(chromium, base, stack, "designer", lang, PHONE) as page:
        page.goto(f"{base}/")
        page.click("#notif-bell")
        page.wait_for_selector("#notif-list li", timeout=15000)
        panel = page.locator("#notif-panel").bounding_box()
        bar = page.locator(".topbar").bounding_box()
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 390, panel
        assert panel["y"] >= bar["y"] + bar["height"] - 1, (panel, bar)
        for item in page.locator("#notif-list li a").all():
            box = item.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / f"notifications-phone-{lang}.png"))
