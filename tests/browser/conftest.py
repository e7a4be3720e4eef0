"""Real-browser fixtures: Debian's Chromium driven by Playwright against real ``drawreview serve``
processes (the ``servers`` fixture: one process in embedded mode, two behind PostgreSQL + Redis
in scaled mode).

``viewer_world`` builds what the viewer needs through the real API: the designer creates a
submission and uploads a synthetic DXF floor plan; the in-process job (or the arq worker) splits
and renders it. Review tasks for the planning and fire disciplines are written straight to the
database (the window's accept/assign workflow is tested elsewhere), so those reviewers may see
the project.
"""

from __future__ import annotations

import asyncio
import os
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BUNDLE = Path(__file__).resolve().parents[2] / "drawreview" / "web" / "static" / "viewer" / "viewer.js"


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def chromium_browser():
    """Yields one Chromium browser for a module-scoped fixture (``yield from chromium_browser()``).
    Start it after any fixture that seeds data: Playwright's sync API runs an event loop in this
    thread, and seeding calls ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        try:
            yield b
        finally:
            b.close()


def embedded_site(tmp_path_factory, name: str, full_demo: bool = False):
    """Yields ``(stack, base_url)``: a fresh embedded stack with its demo data behind one real
    ``drawreview serve`` process (``yield from embedded_site(...)`` in a module fixture). With
    ``full_demo`` the data is what ``drawreview demo`` makes: a review under way, with sheets and
    several disciplines' comments."""
    import json
    import subprocess

    from tests.conftest import DRAWREVIEW, build_stack, free_port, start_process, stop_process, wait_healthy

    stack = build_stack("embedded", tmp_path_factory.mktemp(name))
    if full_demo:
        out = subprocess.run(DRAWREVIEW + ["demo", "--json"], env={**os.environ, **stack.env},
                             capture_output=True, timeout=600, check=True)
        stack.demo = json.loads(out.stdout)
    port = free_port()
    proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"], stack.env,
                         tmp_path_factory.mktemp("logs") / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield stack, base
    finally:
        stop_process(proc)


def demo_embedded_site(tmp_path_factory, name: str):
    """``embedded_site`` filled by ``drawreview demo``."""
    yield from embedded_site(tmp_path_factory, name, full_demo=True)


def wait_js(page, expression: str, arg=None, timeout: float = 30000, polling: float = 100) -> None:
    """``page.wait_for_function`` without eval in the page: the site's Content-Security-Policy
    (script-src 'self') forbids the eval Playwright's in-page polling uses, so poll
    ``page.evaluate`` (run through the DevTools protocol, outside the page's CSP) instead."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except PlaywrightError as exc:  # a navigation replaced the document: look again
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} ms waiting for {expression!r}")
        page.wait_for_timeout(polling)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where screenshots go: ``$DRAWREVIEW_SHOTS`` to keep them and look, else a temp folder."""
    keep = os.environ.get("DRAWREVIEW_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("shots")


@pytest.fixture(scope="module")
def browser(viewer_world):
    """Started after the stack and its data: Playwright's sync API runs an event loop in this
    thread, and the fixtures that migrate and seed databases call ``asyncio.run``."""
    if not BUNDLE.exists():
        pytest.fail("the viewer bundle is missing: run `make viewer` (npm ci && npm run build in viewer/)")
    yield from chromium_browser()


def wait_for_sheets(base: str, headers: dict, submission_id: int, timeout: float = 120.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        sub = httpx.get(f"{base}/api/submissions/{submission_id}", headers=headers, timeout=10).json()["data"]
        files = sub.get("files", [])
        last = files
        if files and all(f["state"] in {"ready", "failed"} for f in files):
            failed = [f for f in files if f["state"] == "failed"]
            assert not failed, failed
            sheets = httpx.get(f"{base}/api/submissions/{submission_id}/sheets", headers=headers, timeout=10).json()["data"]
            if sheets and all(s["state"] == "ready" for s in sheets):
                return sheets
        time.sleep(0.3)
    raise AssertionError(f"sheets not ready in {timeout}s: {last}")


async def _add_tasks(settings, submission_id: int, disciplines) -> None:
    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import ReviewTask

    db = Database(settings)
    try:
        async with db.session() as session:
            for d in disciplines:
                have = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == submission_id,
                                                                    ReviewTask.discipline == d))).first()
                if have is None:
                    session.add(ReviewTask(submission_id=submission_id, discipline=d, state="in_progress"))
            await session.commit()
    finally:
        await db.close()


def make_sheet(stack, base: str, tmp_path: Path, name: str = "建施-01.dxf", edit=None) -> dict:
    """Upload a synthetic DXF through the real API; returns {submission_id, sheets}. *edit*
    (an ezdxf document -> None) changes the drawing before it is uploaded."""
    from drawreview.cad.specimen import floor_plan

    designer = stack.token_headers("designer")
    pid = stack.demo["project_id"]
    r = httpx.post(f"{base}/api/projects/{pid}/submissions", headers=designer, json={}, timeout=10)
    assert r.status_code == 200, r.text
    sub_id = r.json()["data"]["id"]
    path = floor_plan(tmp_path / name, frames=1, rooms=(6, 4))
    if edit is not None:
        import ezdxf

        doc = ezdxf.readfile(path)
        edit(doc)
        doc.saveas(path)
    with open(path, "rb") as fh:
        r = httpx.post(f"{base}/api/submissions/{sub_id}/files", headers=designer,
                       files={"file": (name, fh, "application/dxf")}, timeout=60)
    assert r.status_code == 200, r.text
    sheets = wait_for_sheets(base, designer, sub_id)
    asyncio.run(_add_tasks(stack.settings, sub_id, ["planning", "fire"]))
    return {"submission_id": sub_id, "sheets": sheets, "project_id": pid}


@pytest.fixture(scope="module")
def viewer_world(stack, servers, tmp_path_factory):
    world = make_sheet(stack, servers[0], tmp_path_factory.mktemp("dxf"))
    world["sheet_id"] = world["sheets"][0]["id"]
    world["urls"] = servers
    return world


DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWER = {"width": 1400, "height": 900}  # the viewer: its map beside the side panel


def login(context, base: str, stack, username: str, password: str | None = None, next: str = "/"):
    """Log a browser context in through the real login form; returns a page. The password is the
    demo account's unless given."""
    page = context.new_page()
    page.goto(f"{base}/login?next={next}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password if password is not None else stack.account(username)["password"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def signed_in(chromium, base: str, stack, username: str | None, lang: str = "zh-CN", viewport: dict | None = None,
              locale: str | None = None, password: str | None = None, next: str = "/", **options):
    """A page in a new browser context: pages in *lang* (the cookie the language switch sets, so the
    page's language does not hang on the browser's), signed in as *username* through the real login
    form (``None``: not signed in, a blank page). The browser itself speaks *locale* (default: the
    page's language); *options* go to ``new_context``. Close ``page.context`` when done, or use
    ``page_as``."""
    context = chromium.new_context(locale=locale or lang, viewport=viewport, **options)
    try:
        context.add_cookies([{"name": "lang", "value": lang, "url": base}])
        if username is None:
            return context.new_page()
        return login(context, base, stack, username, password=password, next=next)
    except BaseException:
        context.close()
        raise


@contextmanager
def page_as(chromium, base: str, stack, username: str | None, lang: str = "zh-CN", viewport: dict | None = None,
            **kwargs):
    """``with page_as(chromium, base, stack, "designer", "en", PHONE) as page:`` ``signed_in``, and
    its context closed when the block ends."""
    page = signed_in(chromium, base, stack, username, lang, viewport, **kwargs)
    try:
        yield page
    finally:
        page.context.close()


def draw_box(page, tool, x0, y0, x1, y1):
    """Draw a two-click markup (rect, cloud...) on the open viewer's map; waits for the form."""
    page.click(f"#tool-{tool}")
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x0, box["y"] + y0)
    page.mouse.click(box["x"] + x1, box["y"] + y1)
    page.wait_for_selector("#markup-form")


def save_markup(page, body, severity="general", clause=""):
    page.fill("#markup-body", body)
    page.select_option("#markup-severity", severity)
    if clause:
        page.fill("#markup-clause", clause)
    page.click("#markup-save")


def open_viewer(page, base: str, sheet_id: int):
    page.goto(f"{base}/sheets/{sheet_id}")
    page.wait_for_selector("#viewer-root[data-ready='1']", timeout=30000)
    wait_js(page, "document.querySelector('#sync-status')?.dataset.state === 'online'", timeout=20000)
    return page


def db_call(stack, fn):
    """``reviews_world.run(stack, fn)`` in a thread of its own: Playwright's sync API holds this
    thread's event loop, so ``asyncio.run`` cannot run here."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.services.reviews_world import run

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run, stack, fn).result()
