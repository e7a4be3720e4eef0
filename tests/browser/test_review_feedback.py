"""The review panel's refusals are seen where the user is: the window accepts an incomplete
submission at 1366 × 768 and the refusal (accept with deficiencies or return it) comes into view
instead of being written below the tasks table, out of sight."""

from __future__ import annotations

import httpx
import pytest

from .conftest import chromium_browser, embedded_site, page_as, wait_for_sheets


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "review-feedback")


@pytest.fixture(scope="module")
def browser(site):
    yield from chromium_browser()


def test_a_refused_accept_is_shown_in_view(site, browser, tmp_path):
    from drawreview.cad.specimen import floor_plan
    from drawreview.demo import accounts as demo

    stack, base = site
    designer = stack.token_headers("designer")
    orgs = stack.demo["organisations"]
    r = httpx.post(f"{base}/api/projects", headers=designer, timeout=10, json={
        "name": "缺图纸的项目", "project_type": "building", "address": "示范市",
        "construction_unit_id": orgs[demo.BUILDER], "design_institute_id": orgs[demo.INSTITUTE]})
    assert r.status_code == 200, r.text
    pid = r.json()["data"]["id"]
    sub = httpx.post(f"{base}/api/projects/{pid}/submissions", headers=designer, json={}, timeout=10).json()["data"]["id"]
    path = floor_plan(tmp_path / "建施-01.dxf", frames=1, rooms=(3, 2))
    with open(path, "rb") as fh:
        r = httpx.post(f"{base}/api/submissions/{sub}/files", headers=designer,
                       files={"file": ("建施-01.dxf", fh, "application/dxf")}, timeout=60)
    assert r.status_code == 200, r.text
    wait_for_sheets(base, designer, sub)
    r = httpx.post(f"{base}/api/submissions/{sub}/submit", headers=designer, timeout=30)
    assert r.status_code == 200, r.text

    with page_as(browser, base, stack, "window", viewport={"width": 1366, "height": 768}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sub}")
        page.wait_for_selector("#review-completeness[data-complete='0']", timeout=15000)
        page.click("#review-accept")
        page.wait_for_selector("#review-status.error", timeout=15000)
        assert "容缺受理" in page.inner_text("#review-status")
        page.wait_for_timeout(500)  # a smooth scroll ends
        box = page.locator("#review-status").bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 768, box
