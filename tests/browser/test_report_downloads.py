"""The real project page, opened in Chromium by the construction unit and by the designer,
lists the issued report, and every download link on it works (the report PDF, the stamped and
marked-up sheets, BCF, JSON, the verification page)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone

import httpx
import pymupdf
import pytest

from tests.browser.conftest import chromium_browser, page_as
from tests.web.matrix.reports import create_report_world


@pytest.fixture(scope="module")
def issued(stack, servers):
    world = create_report_world(stack, state="concluded", name="项目页下载测试")
    r = httpx.post(f"{servers[0]}/api/submissions/{world['submission_id']}/report",
                   headers=stack.token_headers("window"), timeout=60)
    assert r.status_code == 200, r.text
    reports = httpx.get(f"{servers[0]}/api/projects/{world['project_id']}/reports",
                        headers=stack.token_headers("window")).json()["data"]
    assert len(reports) == 1
    return world, reports[0]


@pytest.fixture(scope="module")
def chromium(issued):
    """Started after the world is written (the seeding calls asyncio.run; Playwright's sync API
    runs its own loop in this thread)."""
    yield from chromium_browser()


def _check(resp, href: str, report: dict, world: dict) -> str:
    assert resp.status == 200, (href, resp.status)
    body = resp.body()
    if href.endswith(report["pdf_url"]):
        assert body[:5] == b"%PDF-" and world["case_number"] in pymupdf.open("pdf", body)[0].get_text()
        return "report"
    if "/verify/" in href:
        assert report["sha256"] in body.decode()
        return "verify"
    if href.endswith(".zip") or href.endswith("/bcf"):
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            names = zf.namelist()
        assert names
        if "stamped" in href:
            assert all(n.endswith(".pdf") for n in names) and len(names) == len(world["sheet_ids"])
            return "stamped"
        if "marked-up" in href:
            assert all(n.endswith(".pdf") for n in names)
            return "marked-up"
        assert "bcf.version" in names
        return "bcf"
    if href.endswith("export.json"):
        assert json.loads(body)["project"]
        return "json"
    raise AssertionError(f"unexpected link {href}")


@pytest.mark.parametrize("username", ["builder", "designer"])
def test_project_page_lists_the_report_with_working_downloads(stack, servers, issued, chromium, username):
    world, report = issued
    base = servers[-1] if username == "designer" else servers[0]  # scaled: the other app process too
    with page_as(chromium, base, stack, username) as page:
        page.goto(f"{base}/projects/{world['project_id']}")
        row = page.wait_for_selector(f"#report-list tr[data-report-id='{report['id']}']", timeout=15000)
        assert report["sha256"][:16] in row.inner_text()
        # the issue date is the Beijing one the PDF prints, in whatever zone the browser is
        beijing = datetime.fromisoformat(report["issued_at"]).astimezone(timezone(timedelta(hours=8))).date()
        assert row.eval_on_selector("td:nth-child(2)", "td => td.textContent") == beijing.isoformat()
        hrefs = page.eval_on_selector_all("#reports a[href]", "els => els.map(a => a.href)")
        # the verification link is the public one (DRAWREVIEW_BASE_URL, printed in the QR code);
        # these servers listen on free ports, so fetch it from the server under test
        public = stack.settings.base_url
        kinds = {_check(page.context.request.get(base + h[len(public):] if h.startswith(public) else h), h, report, world)
                 for h in hrefs}
        assert {"report", "verify", "stamped", "marked-up", "bcf", "json"} <= kinds, hrefs
