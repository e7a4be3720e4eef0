"""The designer's pre-check line on a draft (static/precheck.js): what the automatic rule checks
found, drawn by itself when the checks end, never "no problems found" before anything was checked,
and never an older count drawn over a newer one."""

from __future__ import annotations

import time

import httpx
import pytest

from tests import drawing_inputs as di
from tests.browser.conftest import chromium_browser, embedded_site, page_as, wait_for_sheets


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "precheck"):
        yield stack, base


@pytest.fixture(scope="module")
def chromium(site):
    yield from chromium_browser()


def _draft(stack, base: str, name: str) -> tuple[int, int]:
    h = stack.token_headers("designer")
    orgs = {a["username"]: a["org_id"] for a in stack.demo["accounts"]}
    project = httpx.post(f"{base}/api/projects", headers=h, timeout=10, json={
        "name": name, "construction_unit_id": orgs["builder"], "design_institute_id": orgs["designer"]}).json()["data"]
    sub = httpx.post(f"{base}/api/projects/{project['id']}/submissions", headers=h, json={}, timeout=10).json()["data"]["id"]
    return project["id"], sub


def test_precheck_summary_refreshes_when_the_checks_end(site, chromium, tmp_path, shots):
    """The pre-check result appears by itself when the rule checks end — also when the file was
    uploaded in another tab, so this page saw no upload and no processing: the project's live
    events (findings stored) make it look again. Never "no problems found" until a reload."""
    stack, base = site
    h = stack.token_headers("designer")
    pid, sub = _draft(stack, base, "自检刷新测试")
    path = tmp_path / "平面.dxf"
    path.write_bytes(di.plan())
    errors: list[str] = []
    with page_as(chromium, base, stack, "designer") as watcher:
        watcher.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        watcher.goto(f"{base}/projects/{pid}?submission={sub}")
        watcher.wait_for_selector("#precheck-summary[data-count='0']", timeout=15000)
        watcher.evaluate("window.__notReloaded = true")
        # a second tab of the same designer uploads the drawing by clicking
        uploader = watcher.context.new_page()
        uploader.goto(f"{base}/projects/{pid}?submission={sub}")
        uploader.set_input_files("#file-input", str(path))
        # the first tab counts the findings, without a reload
        watcher.wait_for_selector("#precheck-summary:not([data-count='0'])[data-count]", timeout=120000)
        # the drawing has two sheets, and the checks store each sheet's findings and announce them
        # on their own, so the first count may be the first sheet's (it failed once as 3 == 6):
        # once the checks of both sheets have ended, the page must come to the whole count
        expected = _findings_once_checked(base, stack, pid, sub)
        watcher.wait_for_selector(f"#precheck-summary[data-count='{expected}']", timeout=15000)
        # and its file list shows the file the other tab uploaded
        watcher.wait_for_selector("#files tr[data-file-id]", timeout=30000)
        assert "平面.dxf" in watcher.inner_text("#files")
        assert watcher.evaluate("window.__notReloaded") is True
        count = int(watcher.get_attribute("#precheck-summary", "data-count"))
        shown = watcher.inner_text("#precheck-summary")
        watcher.screenshot(path=str(shots / "precheck-refreshed.png"), full_page=True)
    findings = httpx.get(f"{base}/api/projects/{pid}/findings", headers=h, timeout=10).json()["data"]
    assert count == len([f for f in findings if f["state"] != "dismissed"]) > 0  # the page shows what the API has
    assert str(count) in shown and "未发现" not in shown
    assert not errors, errors


def test_precheck_of_an_empty_draft_does_not_say_no_problems(site, chromium):
    """A draft without drawings was told "自动检查未发现问题" (nothing had been checked): it now
    says that no drawing has been uploaded yet."""
    stack, base = site
    pid, sub = _draft(stack, base, "空草稿自检")
    with page_as(chromium, base, stack, "designer") as page:
        page.goto(f"{base}/projects/{pid}?submission={sub}")
        page.wait_for_selector("#precheck-summary[data-count='0']", timeout=15000)
        text = page.inner_text("#precheck-summary")
        assert "尚未上传图纸" in text and "未发现问题" not in text, text
        # a file that cannot be read: nothing was checked, and the page says so without a reload
        page.set_input_files("#file-input", files=[{"name": "说明.dxf", "mimeType": "application/dxf",
                                                    "buffer": "设计说明，不是图纸\n".encode()}])
        page.wait_for_selector("#files tr[data-file-id]", timeout=30000)
        page.wait_for_selector("#precheck-summary:has-text('没有可以检查的图纸')", timeout=15000)
        assert "未发现问题" not in page.inner_text("#precheck-summary")


def test_an_older_answer_never_replaces_a_newer_count(site, chromium):
    """Two looks at the findings can be answered out of order by a busy server: the page drew
    whichever answer came last, so the count of an earlier look (here: before the drawing was
    uploaded, no drawings) replaced the newer, whole count. The first look's answer is held back
    in the network until the newer look has been drawn, then let through."""
    stack, base = site
    h = stack.token_headers("designer")
    pid, sub = _draft(stack, base, "自检应答顺序")
    held: list = []

    def hold_first(route):
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))  # the server's real answer, at the time it was asked

    with page_as(chromium, base, stack, "designer") as page:
        page.route("**/api/projects/*/findings*", hold_first)
        page.goto(f"{base}/projects/{pid}?submission={sub}")
        page.wait_for_selector("#precheck-summary")
        deadline = time.monotonic() + 15
        while not held:
            assert time.monotonic() < deadline, "the page never looked at the findings"
            page.wait_for_timeout(100)
        r = httpx.post(f"{base}/api/submissions/{sub}/files", headers=h, timeout=60,
                       files={"file": ("平面.dxf", di.plan(), "application/dxf")})
        assert r.status_code == 200, r.text
        expected = _findings_once_checked(base, stack, pid, sub)
        assert expected > 0
        # the live events make the page look again; that look is answered at once
        page.wait_for_selector(f"#precheck-summary[data-count='{expected}']", timeout=30000)
        route, answer = held[0]
        assert answer.json()["data"] == []  # the held answer is the older one: nothing found yet
        route.fulfill(response=answer)
        page.wait_for_timeout(1500)  # the held answer has arrived and been read
        assert page.get_attribute("#precheck-summary", "data-count") == str(expected)
        assert str(expected) in page.inner_text("#precheck-summary")


def _findings_once_checked(base: str, stack, project_id: int, submission_id: int, timeout: float = 120.0) -> int:
    """The number of open findings of the submission once the rule checks have stored every
    sheet's (the audit trail's findings.store entries name the sheets checked)."""
    h = stack.token_headers("designer")
    deadline = time.monotonic() + timeout
    while True:
        sheets = {str(s["id"]) for s in wait_for_sheets(base, h, submission_id)}
        trail = httpx.get(f"{base}/api/projects/{project_id}/audit", params={"action": "findings.store"},
                          headers=stack.token_headers("window"), timeout=10).json()["data"]["entries"]
        if sheets <= {e["object_id"] for e in trail}:
            found = httpx.get(f"{base}/api/projects/{project_id}/findings", params={"submission": submission_id},
                              headers=h, timeout=10).json()["data"]
            return len([f for f in found if f["state"] != "dismissed"])
        assert time.monotonic() < deadline, f"the checks did not end in {timeout}s: {trail}"
        time.sleep(0.3)
