"""The design institute sees the window's completeness check before pressing submit, and an
incomplete set is submitted only after reading what the window will find; the window changes
the review period on the project page, with a reason, and everyone sees the change. Real
Chromium against a real ``drawreview serve`` (embedded mode), at 1280×800 and at phone width."""

from __future__ import annotations

import secrets

import pytest

from drawreview.models import DrawingFile
from tests.browser.conftest import PHONE, chromium_browser, db_call, embedded_site, page_as, wait_js
from tests.services.reviews_world import new_project, new_submission, run

WITHOUT_CIVIL_DEFENCE = ["总图-01", "建施-01", "结施-01", "水施-01", "暖施-01", "电施-01"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "submit-check"):
        async def make(s):
            project = await new_project(s, stack, name="提交前检查项目")
            sub = await new_submission(s, project, WITHOUT_CIVIL_DEFENCE)
            s.add(DrawingFile(submission_id=sub.id, sha256=secrets.token_hex(32), original_name="损坏的图纸.dwg", size=5,
                              format="unknown", state="failed",
                              error={"code": "unreadable_drawing",
                                     "messages": {"zh-CN": "文件已损坏，无法读取", "en": "The file is damaged and cannot be read"}}))
            return project.id, sub.id

        pid, sid = run(stack, make)
        yield stack, base, pid, sid


@pytest.fixture(scope="module")
def chromium(site):
    yield from chromium_browser()


def test_the_designer_sees_the_check_and_confirms_an_incomplete_submit(site, chromium, shots):
    stack, base, pid, sid = site
    with page_as(chromium, base, stack, "designer", viewport={"width": 1280, "height": 800}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        check = page.locator("#review-completeness")
        wait_js(page, "() => document.querySelector('#review-completeness')?.dataset.complete !== undefined")
        text = check.inner_text()
        # the window's words: what is missing, which file cannot be read and why
        assert "缺少 人防" in text and "损坏的图纸.dwg：文件已损坏，无法读取" in text, text
        assert "应有图纸类别" in text
        page.click("#review-submit")
        box = page.locator("#review-submit-confirm")
        box.wait_for(state="visible")
        said = box.inner_text()
        assert "人防" in said and "损坏的图纸.dwg" in said and "容缺受理" in said, said
        page.screenshot(path=str(shots / "submit-check-confirm-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        # at phone width the check and the confirmation fit the screen (no sideways scrolling)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        page.screenshot(path=str(shots / "submit-check-confirm-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        with page.expect_navigation():
            page.click("#review-submit-anyway")
        wait_js(page, "() => document.querySelector('#review')?.dataset.state === 'submitted'")

    # the window reads the same check before accepting
    with page_as(chromium, base, stack, "window", viewport={"width": 1280, "height": 800}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        wait_js(page, "() => document.querySelector('#review-completeness')?.dataset.complete === '0'")
        text = page.inner_text("#review-completeness")
        assert "缺少 人防" in text and "损坏的图纸.dwg" in text


def test_the_window_changes_the_review_period_on_the_project_page(site, chromium, shots):
    stack, base, pid, sid = site
    import httpx

    r = httpx.post(f"{base}/api/submissions/{sid}/accept", headers=stack.token_headers("window"),
                   json={"missing_items": ["人防施工图"], "deficiency_deadline": "2099-01-31"}, timeout=60)
    assert r.status_code in (200, 409), r.text  # accepted here, or by a rerun of the test before
    with page_as(chromium, base, stack, "window", "en", {"width": 1280, "height": 800}) as page:
        page.goto(f"{base}/projects/{pid}")
        page.wait_for_selector("#review-period-form")
        before = {t["discipline"]: t["due_at"] for t in httpx.get(
            f"{base}/api/submissions/{sid}/review", headers=stack.token_headers("window"), timeout=10).json()["data"]["tasks"]}
        page.select_option("#review-period-complexity", "complex")
        page.click("#review-period-save")  # no reason: refused in the page, in English
        wait_js(page, "() => document.querySelector('#review-period-status')?.textContent.length > 0")
        assert page.inner_text("#review-period-status") == "Give the reason for changing the review period"
        page.fill("#review-period-reason", "Long-span steel roof: technically complex")
        with page.expect_navigation():
            page.click("#review-period-save")
        history = page.locator("#review-period-history li")
        history.first.wait_for()
        line = history.first.inner_text()
        assert "changed the review period from Normal (7 working days) to Technically complex (10 working days)" in line
        assert "Long-span steel roof" in line and "：" not in line
        after = {t["discipline"]: t["due_at"] for t in httpx.get(
            f"{base}/api/submissions/{sid}/review", headers=stack.token_headers("window"), timeout=10).json()["data"]["tasks"]}
        assert set(after) == set(before) and all(after[d] > before[d] for d in before)
        page.screenshot(path=str(shots / "review-period-1280-en.png"), full_page=True)
    # the construction unit reads it too, without the form
    with page_as(chromium, base, stack, "builder", viewport=PHONE) as page:
        page.goto(f"{base}/projects/{pid}")
        assert "Long-span steel roof" in page.inner_text("#review-period-history")
        assert page.locator("#review-period-form").count() == 0
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        page.screenshot(path=str(shots / "review-period-390-builder.png"), full_page=True)


def test_the_audit_trail_reads_in_chinese_and_fits_the_screen(site, chromium, shots):
    """The audit trail's detail showed Chinese as ``\\u4eba\\u9632`` escapes, and a long value made
    the page 1,429 px wide at 1280. A case of its own: submitted, accepted with 人防 missing and its
    period changed with a long reason here, whichever tests ran before."""
    import httpx

    stack, base, _, _ = site

    async def make(s):
        project = await new_project(s, stack, name="审计记录项目")
        sub = await new_submission(s, project, WITHOUT_CIVIL_DEFENCE)
        return project.id, sub.id

    pid, sid = db_call(stack, make)  # Playwright holds this thread's event loop
    for who, path, body in (
            ("designer", f"/api/submissions/{sid}/submit", {}),
            ("window", f"/api/submissions/{sid}/accept", {"missing_items": ["人防施工图"], "deficiency_deadline": "2099-01-31"}),
            ("window", f"/api/projects/{pid}/review-period",
             {"complexity": "complex", "reason": "专家论证意见 https://example.org/" + "x" * 160})):
        r = httpx.post(base + path, headers=stack.token_headers(who), json=body, timeout=60)
        assert r.status_code == 200, (path, r.text)
    with page_as(chromium, base, stack, "window", viewport={"width": 1280, "height": 800}) as page:
        page.goto(f"{base}/projects/{pid}/audit")
        text = page.inner_text("#audit-entries")
        assert "人防" in text and "专家论证意见" in text and "\\u" not in text
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=str(shots / "audit-1280.png"))


def test_dates_are_typed_in_the_pages_form_whatever_the_browsers_language(site, chromium, shots):
    """A Chinese page in an English browser: the date fields (type=date) asked for mm/dd/yyyy, the
    browser's form. They are text in the page's form now (年-月-日), read by the server, which
    takes 2099/1/31 or 2099年1月31日 and refuses 01/31/2099 in the page's words, naming the form."""
    import httpx

    stack, base, _, _ = site

    async def make(s):
        project = await new_project(s, stack, name="日期输入项目")
        sub = await new_submission(s, project, WITHOUT_CIVIL_DEFENCE)
        return project.id, sub.id

    pid, sid = db_call(stack, make)
    r = httpx.post(f"{base}/api/submissions/{sid}/submit", headers=stack.token_headers("designer"), json={}, timeout=60)
    assert r.status_code == 200, r.text
    bad = "日期应写成 年-月-日，例如 2026-12-31"
    with page_as(chromium, base, stack, "window", "zh-CN", {"width": 1280, "height": 800}, locale="en-US") as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        field = page.locator("#review-deadline")
        field.wait_for()
        assert field.get_attribute("type") == "text" and field.get_attribute("placeholder") == "年-月-日"
        page.fill("#review-missing-items", "结施\n人防施工图")
        field.fill("01/31/2099")  # what the English browser's date field would have made of it
        page.click("#review-accept-def")
        wait_js(page, "() => document.querySelector('#review-status')?.classList.contains('error')")
        assert bad in page.inner_text("#review-status")
        page.screenshot(path=str(shots / "day-field-refused-zh-in-en-US.png"), full_page=True)
        field.fill("2099年1月31日")
        page.click("#review-accept-def")
        page.wait_for_selector("#review-deficiencies", timeout=30000)
        assert "2099-01-31" in page.inner_text("#review-deficiencies")
        # the audit trail's and the statistics' date filters: the same form, the same refusal
        for path, rows in ((f"/projects/{pid}/audit", "#audit-entries"), ("/stats", "#stats-csv")):
            page.goto(base + path)
            day = page.locator("input[name=from]")
            assert day.get_attribute("type") == "text" and day.get_attribute("placeholder") == "年-月-日"
            day.fill("12/31/2026")
            with page.expect_navigation():
                page.click("form.filters button[type=submit]")
            assert page.inner_text("#date-error") == bad, path
            assert page.input_value("input[name=from]") == "12/31/2026" and page.locator(rows).count() == 1
            page.fill("input[name=from]", "2020/1/1")
            with page.expect_navigation():
                page.click("form.filters button[type=submit]")
            assert page.locator("#date-error").count() == 0, path
        page.screenshot(path=str(shots / "day-field-stats-zh-in-en-US.png"), full_page=True)
    review = httpx.get(f"{base}/api/submissions/{sid}/review", headers=stack.token_headers("window"), timeout=30)
    assert review.json()["data"]["deficiency_deadline"] == "2099-01-31T15:59:59+00:00"  # the Beijing day's end
    r = httpx.get(f"{base}/api/projects/{pid}/audit", headers=stack.token_headers("window"),
                  params={"from": "2020年1月1日"}, timeout=30)
    assert r.status_code == 200 and r.json()["data"]["entries"], r.text
    # in English the missing items read by their category's words (the window's own words as written)
    with page_as(chromium, base, stack, "window", "en", {"width": 1280, "height": 800}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        page.wait_for_selector("#review-supply label", timeout=30000)
        assert "结施 (structure); 人防施工图" in page.inner_text("#review-deficiencies")
        labels = [x.strip() for x in page.locator("#review-supply label:has(input[type=checkbox])").all_inner_texts()]
        assert labels == ["结施 (structure)", "人防施工图"], labels
        assert page.locator("#review-supply input[type=checkbox]").first.get_attribute("value") == "结施"
