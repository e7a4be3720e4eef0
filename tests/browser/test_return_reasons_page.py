"""The project page says why a case was returned in the page's language, in Chromium against a real
``drawreview serve``: a case returned because its 容缺 items are overdue reads in Chinese on a
Chinese page and in English on an English one (it used to read in Chinese on both)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import update

from tests.browser.conftest import chromium_browser, embedded_site, page_as


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from drawreview.models import Submission
    from tests.services.reviews_world import new_project, new_submission, run

    for stack, base in embedded_site(tmp_path_factory, "returned"):
        def make(s):
            async def go():
                project = await new_project(s, stack, name="容缺逾期退回页面")
                return project.id, (await new_submission(s, project)).id
            return go()

        pid, sid = run(stack, make)
        window, designer = stack.token_headers("window"), stack.token_headers("designer")
        with httpx.Client(base_url=base, timeout=30) as http:
            assert http.post(f"/api/submissions/{sid}/submit", headers=designer).status_code == 200
            r = http.post(f"/api/submissions/{sid}/accept", headers=window,
                          json={"missing_items": ["结构计算书"], "deficiency_deadline": "2099-01-31"})
            assert r.status_code == 200, r.text
            run(stack, lambda s: s.exec(update(Submission).where(Submission.id == sid).values(
                deficiency_deadline=datetime.now(timezone.utc) - timedelta(days=1))))
            r = http.post(f"/api/submissions/{sid}/deficiencies/return", headers=window, json={"reason": "经催告仍未补齐"})
            assert r.status_code == 200, r.text
        yield stack, base, pid


@pytest.fixture(scope="module")
def chromium(world):
    yield from chromium_browser()


@pytest.mark.parametrize("lang,reasons", [
    ("zh-CN", "退回理由：容缺材料逾期未补齐：结构计算书；经催告仍未补齐"),
    ("en", "Reasons for return: The missing items (容缺) were not supplied by the deadline: 结构计算书; 经催告仍未补齐"),
])
def test_the_return_reason_in_the_pages_language(world, chromium, lang, reasons):
    stack, base, pid = world
    with page_as(chromium, base, stack, "designer", lang) as page:
        page.goto(f"{base}/projects/{pid}")
        page.wait_for_selector("#review-return-reasons-text", timeout=20000)
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.inner_text("#review-return-reasons-text") == reasons
