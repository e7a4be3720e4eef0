"""A 5,000-sheet submission in Chromium (issue 18): the project page carries one page of the
list (under 200 KB) and pages/filters by plain links and forms; the viewer's sheet picker
finds a sheet among thousands by searching instead of listing them. The set's rows share one
really rendered sheet's blobs (tests/sheet_sets.py), so every one opens."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests import sheet_sets

from .conftest import chromium_browser, embedded_site, make_sheet, open_viewer, page_as

N = 5000


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "bigset")


@pytest.fixture(scope="module")
def big(site, tmp_path_factory):
    stack, base = site
    real = make_sheet(stack, base, tmp_path_factory.mktemp("dxf"))["sheets"][0]
    blobs = {k: real[k] for k in ("width", "height", "max_zoom", "transform", "units", "unit_m", "pdf_sha256")}
    detail = httpx.get(f"{base}/api/sheets/{real['id']}", headers=stack.token_headers("designer")).json()["data"]
    assert detail["state"] == "ready"
    blobs.update(_blob_hashes(stack, real["id"]))
    r = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions",
                   headers=stack.token_headers("designer"), json={}, timeout=10)
    sid = r.json()["data"]["id"]
    sheet_sets.seed(stack.settings, sid, N, files=10, blobs=blobs)
    return {"submission_id": sid, "project_id": stack.demo["project_id"]}


def _blob_hashes(stack, sheet_id: int) -> dict:
    import asyncio

    from drawreview.db import Database
    from drawreview.models import Sheet

    async def go():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                row = await s.get(Sheet, sheet_id)
                return {"meta_sha256": row.meta_sha256, "thumb_sha256": row.thumb_sha256}
        finally:
            await db.close()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def browser(big):
    yield from chromium_browser()


def test_the_project_page_of_5000_sheets_pages_and_filters(browser, site, big, shots):
    stack, base = site
    with page_as(browser, base, stack, "designer") as page:
        resp = page.goto(f"{base}/projects/{big['project_id']}?submission={big['submission_id']}")
        assert len(resp.body()) < 200_000
        assert page.locator("#sheets tbody tr[data-sheet-id]").count() == 50
        assert page.locator("#sheet-count").inner_text() == f"共 {N} 张"
        first = page.locator("#sheets tbody tr[data-sheet-id]").first.get_attribute("data-sheet-id")
        page.click("#sheets-next")
        page.wait_for_selector("#sheets-first")
        assert page.locator("#sheets tbody tr[data-sheet-id]").count() == 50
        assert page.locator("#sheets tbody tr[data-sheet-id]").first.get_attribute("data-sheet-id") != first
        page.fill("input[name=sheet_number]", "暖施-01")
        page.select_option("select[name=sheet_discipline]", "暖通")
        with page.expect_navigation():
            page.click("#sheet-filters button[type=submit]")
        want = [f["number"] for f in map(sheet_sets.sheet_fields, range(N))
                if f["discipline"] == "暖通" and f["number"].startswith("暖施-01")]
        numbers = page.locator("#sheets tbody td.number").all_inner_texts()
        assert numbers == want[:50] and page.locator("#sheet-count").inner_text() == f"共 {len(want)} 张"
        page.screenshot(path=str(shots / "bigset-project.png"), full_page=False)


def test_the_viewer_sheet_picker_searches(browser, site, big, shots):
    stack, base = site
    api = httpx.get(f"{base}/api/submissions/{big['submission_id']}/sheets", headers=stack.token_headers("designer"),
                    params={"state": "ready", "limit": 1}).json()["data"][0]
    with page_as(browser, base, stack, "planning") as page:
        open_viewer(page, base, api["id"])
        cfg = json.loads(page.locator("#viewer-config").text_content())
        assert len(cfg["sheets"]) <= 300 and cfg["sheets_more"] is True
        target = next(f for i, f in enumerate(map(sheet_sets.sheet_fields, range(N))) if i > 4000 and f["state"] == "ready")
        page.fill("#f-sheet-search", target["number"])
        page.locator("#f-sheet option", has_text=re.compile("^" + re.escape(target["number"]) + "$")).wait_for(
            state="attached", timeout=10000)
        page.screenshot(path=str(shots / "bigset-picker.png"))
        labels = page.locator("#f-sheet option").all_inner_texts()
        assert labels[:2] == ["本图", "全部"] and target["number"] in labels and len(labels) <= 22
        value = page.locator("#f-sheet option", has_text=re.compile("^" + re.escape(target["number"]) + "$")).get_attribute("value")
        page.select_option("#f-sheet", value)
        assert page.locator("#f-sheet").input_value() == value
