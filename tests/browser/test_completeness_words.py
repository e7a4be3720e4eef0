"""The completeness line on the English page names the sheet categories with English words
("人防 (civil air defence)"), as the English refusal to accept already did (workflow.category_en);
it listed the bare Chinese prefixes (人防, 结施). Real Chromium against a real ``drawreview
serve`` (embedded mode). Found by the read-back of decision 143."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium_browser, embedded_site, page_as, wait_js
from tests.services.reviews_world import new_project, new_submission, run

WITHOUT_CIVIL_DEFENCE = ["总图-01", "建施-01", "结施-01", "水施-01", "暖施-01", "电施-01"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "completeness-words"):
        async def make(s):
            project = await new_project(s, stack, name="图纸类别英文项目")
            sub = await new_submission(s, project, WITHOUT_CIVIL_DEFENCE)
            return project.id, sub.id

        pid, sid = run(stack, make)
        yield stack, base, pid, sid


@pytest.fixture(scope="module")
def chromium(site):
    yield from chromium_browser()


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_the_check_names_categories_in_the_page_language(site, chromium, locale):
    stack, base, pid, sid = site
    with page_as(chromium, base, stack, "designer", locale, {"width": 1280, "height": 800}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        wait_js(page, "() => document.querySelector('#review-completeness')?.dataset.complete === '0'")
        text = page.inner_text("#review-completeness")
        if locale == "en":
            assert "Missing 人防 (civil air defence)" in text, text
            assert "结施 (structure), 水施 (plumbing)" in text, text
        else:
            assert "缺少 人防" in text and "(civil" not in text and "结施、水施" in text, text
        page.click("#review-submit")
        box = page.locator("#review-submit-confirm")
        box.wait_for(state="visible")
        said = box.inner_text()
        assert ("人防 (civil air defence)" in said) == (locale == "en"), said
