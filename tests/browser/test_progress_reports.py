"""The construction unit (or anyone holding the acceptance receipt) follows the case and downloads
the issued report by case number + verification code, by clicking only, in Chromium; the page
speaks the reader's language."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from tests.browser.conftest import PHONE, chromium_browser, embedded_site, page_as
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
    with page_as(chromium, base, stack, None, lang, accept_downloads=True) as page:
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


def test_on_a_phone_every_discipline_reads_whole(issued, chromium, shots):
    """At 390 px the progress tables scrolled inside themselves: the conclusion and the warning
    light were out of sight and each state wrapped one character a line. Each row now stacks as
    label: value lines, every value on the screen; each field's label sits above it."""
    stack, base, world, report = issued
    with page_as(chromium, base, stack, None, viewport=PHONE, is_mobile=True, has_touch=True,
                 device_scale_factor=2) as page:
        page.goto(f"{base}/progress?case={world['case_number']}")
        for name in ("case", "code"):  # the label above its field, not at the end of the line before
            label = page.locator(f"#progress-form label:has(input[name={name}])").bounding_box()
            field = page.locator(f"#progress-form input[name={name}]").bounding_box()
            assert field["x"] - label["x"] < 5 and field["width"] > 250, (name, label, field)
        page.fill("#progress-form input[name=code]", "123456")
        page.click("#progress-form button[type=submit]")
        page.wait_for_selector("#progress-result")
        rows = page.locator("table.progress-round tbody tr")
        assert rows.count() > 0
        for i in range(rows.count()):
            cell = rows.nth(i).locator("td.conclusion")
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
            assert "结论" in cell.evaluate("e => getComputedStyle(e, '::before').content")  # labelled
            state = rows.nth(i).locator("td").nth(1).bounding_box()
            assert state["height"] < 40, state  # one line, not a character a line
        button = page.locator(f"#progress-reports tr[data-report-id='{report['id']}'] button.download-report")
        box = button.bounding_box()
        assert box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "progress-phone.png"), full_page=True)


@pytest.mark.parametrize("lang, locale, said", [
    ("zh-CN", "en-US", ("受理编号应形如 JS-2025-000001；验证码为 6 至 16 位数字", "请输入受理编号；请输入验证码",
                        "请输入 64 位十六进制的 SHA-256 值")),
    ("en", "zh-CN", ("The case number looks like JS-2025-000001; the verification code is 6 to 16 digits",
                     "Enter the case number; enter the verification code", "Enter a SHA-256 hash (64 hexadecimal digits)")),
])
def test_the_public_forms_answer_in_the_pages_language(issued, chromium, shots, lang, locale, said):
    """A browser in another language than the page: a malformed case number, code or hash was
    stopped by the browser's own bubble, in the browser's language ("Please match the requested
    format."), and the page's message never came. The forms now leave the check to the server,
    which names each problem in the page's language."""
    stack, base, world, report = issued
    with page_as(chromium, base, stack, None, lang, locale=locale) as page:
        page.goto(f"{base}/progress")
        page.fill("#progress-form input[name=case]", "ABC")
        page.fill("#progress-form input[name=code]", "12")
        with page.expect_navigation():
            page.click("#progress-form button[type=submit]")
        assert page.inner_text("#progress-error") == said[0]
        page.screenshot(path=str(shots / f"progress-malformed-{lang}-in-{locale}.png"), full_page=True)
        page.fill("#progress-form input[name=case]", "")
        page.fill("#progress-form input[name=code]", "")
        with page.expect_navigation():
            page.click("#progress-form button[type=submit]")
        assert page.inner_text("#progress-error") == said[1]
        page.goto(f"{base}/verify")
        page.fill("#verify-form input[name=sha256]", "not-a-hash")
        with page.expect_navigation():
            page.click("#verify-form button[type=submit]")
        assert page.inner_text("#verify-error") == said[2]
        assert page.evaluate("document.documentElement.lang") == lang
        page.screenshot(path=str(shots / f"verify-malformed-{lang}-in-{locale}.png"), full_page=True)
