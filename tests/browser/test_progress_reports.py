"""The construction unit (or anyone holding the acceptance receipt) follows the case and downloads
the issued report by case number + verification code, by clicking only, in Chromium; the page
speaks the reader's language."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from tests.browser.conftest import chromium_browser, embedded_site
from tests.web.matrix.reports import create_report_world


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "progress"):
        world = create_report_world(stack, state="concluded", name="进度查询下载（浏览器）")
        r = httpx.post(f"{base}/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"),
                       timeout=120)
        assert r.status_code == 200, r.text
        report = httpx.get(f"{base}/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window"),
                           timeout=10).json()["data"][0]
        yield stack, base, world, report


@pytest.fixture(scope="module")
def chromium(issued):
    yield from chromium_browser()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_public_downloads_the_report_with_case_and_code(issued, chromium, lang, shots):
    stack, base, world, report = issued
    context = chromium.new_context(locale=lang, accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{base}/lang/{lang}")
        page.goto(f"{base}/progress?case={world['case_number']}")  # as the receipt's QR code opens it
        page.fill("#progress-form input[name=code]", "123456")
        page.click("#progress-form button[type=submit]")
        page.wait_for_selector(f"#progress-reports tr[data-report-id='{report['id']}']")
        text = page.inner_text("#progress-result")
        assert "approved" not in text and "in_review" not in text
        from drawreview.web.i18n import t

        assert t(f"verdict.{report['verdict']}", lang) in page.inner_text("#progress-reports")
        page.screenshot(path=str(shots / f"progress-reports-{lang}.png"), full_page=True)
        with page.expect_download() as download:
            page.click(f"#progress-reports tr[data-report-id='{report['id']}'] button.download-report")
        data = open(download.value.path(), "rb").read()
        assert hashlib.sha256(data).hexdigest() == report["sha256"]
    finally:
        context.close()
