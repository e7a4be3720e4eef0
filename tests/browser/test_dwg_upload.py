"""A DWG uploaded through the project page in real Chromium against a real ``drawreview serve``:
the page says DWG is accepted, the file chooser offers .dwg, the sheets of the converted DWG
appear with thumbnails, and the file row lists what the conversion left out (per type, with
advice). Screenshot: ``dwg-upload.png`` in ``$DRAWREVIEW_SHOTS`` or the test's tmp dir."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import SHARED

from .conftest import chromium_browser, embedded_site, page_as, wait_js

DWG = SHARED / "drawings" / "dwg" / "acadsharp__sample_AC1032.dwg"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "dwg-upload-site")


@pytest.fixture(scope="module")
def browser(site):
    yield from chromium_browser()


@pytest.mark.timeout(240)
def test_designer_uploads_a_dwg(site, browser, shots):
    stack, base = site
    pid = stack.demo["project_id"]
    sid = httpx.post(f"{base}/api/projects/{pid}/submissions",
                     headers=stack.token_headers("designer")).json()["data"]["id"]
    with page_as(browser, base, stack, "designer", viewport={"width": 1280, "height": 1100}) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        assert "DWG" in page.locator("#dropzone").inner_text()
        assert ".dwg" in page.locator("#file-input").get_attribute("accept")
        page.set_input_files("#file-input", files=[{"name": "样例图.dwg", "mimeType": "application/acad",
                                                    "buffer": DWG.read_bytes()}])
        wait_js(page, "document.querySelectorAll(\"#sheets tbody tr[data-state='ready']\").length === 4",
                timeout=120000)
        wait_js(page, "[...document.querySelectorAll('#sheets img.thumb')].every(i => i.complete && i.naturalWidth > 0)",
                timeout=30000)
        row = page.locator("#files tbody tr[data-state='ready']").first
        text = row.inner_text()
        assert "样例图.dwg" in text and "DWG" in text
        assert "3DSOLID" in text and "三维实体" in text  # what the conversion left out, per type
        # past five notes the rest wait behind a disclosure, never dropped: the multileaders drawn from their images
        more = row.locator("details.more")
        assert more.count() == 1 and "另有" in more.locator("summary").inner_text()
        assert not more.locator("li", has_text="MULTILEADER").first.is_visible()
        more.locator("summary").click()
        assert more.locator("li", has_text="MULTILEADER").first.is_visible()
        assert "多重引线" in row.inner_text() and "代理图形" in row.inner_text()
        page.screenshot(path=str(shots / "dwg-upload.png"), full_page=True)
        assert errors == []
