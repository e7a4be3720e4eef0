"""The upload page in real Chromium against a real ``drawreview serve`` process (embedded mode):
the designer logs in, drops one file and chooses another (a good DXF and a JPEG named .dxf),
sees a progress bar per file, the specific error for the bad one, the sheet list filling in,
and can retry a failed upload without creating a duplicate. Screenshots go to
``$DRAWREVIEW_SHOTS`` or the test's tmp dir."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests import drawing_inputs as di

from .conftest import chromium_browser, embedded_site, page_as, wait_js


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "upload-site")


@pytest.fixture(scope="module")
def browser(site):
    yield from chromium_browser()


DROP_JS = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, {type: "application/octet-stream"}));
  const zone = document.getElementById("dropzone");
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""


@pytest.mark.timeout(240)
def test_designer_uploads_a_good_and_a_bad_file(site, browser, shots):
    stack, base = site
    pid = stack.demo["project_id"]
    headers = stack.token_headers("designer")
    sid = httpx.post(f"{base}/api/projects/{pid}/submissions", headers=headers).json()["data"]["id"]
    with page_as(browser, base, stack, "designer", viewport={"width": 1280, "height": 1000}) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        assert page.locator("#upload h2").inner_text() == "上传图纸"

        good = di.plan(("建施-01", "建施-02"), ("一层平面图", "二层平面图"), (3, 2))
        # a drop (DataTransfer) for the good file, the file chooser for the bad one
        page.evaluate(DROP_JS, ["一层平面图.dxf", base64.b64encode(good).decode()])
        page.set_input_files("#file-input", files=[{"name": "照片.dxf", "mimeType": "image/jpeg", "buffer": di.JPEG}])

        rows = page.locator("#uploads li")
        wait_js(page, "document.querySelectorAll('#uploads li').length === 2")
        assert rows.locator("progress").count() == 2  # one progress bar per file
        bad = page.locator("#uploads li[data-name='照片.dxf'] .status")
        bad.wait_for()
        wait_js(page, 
            "document.querySelector(\"#uploads li[data-name='照片.dxf']\").dataset.state === 'failed'", timeout=30000)
        assert "不是图纸文件" in bad.inner_text() and "JPEG" in bad.inner_text()
        good_row = page.locator("#uploads li[data-name='一层平面图.dxf']")
        wait_js(page, 
            "document.querySelector(\"#uploads li[data-name='一层平面图.dxf'] progress\").value === 100", timeout=30000)

        # the sheet list fills in (polling), with numbers, titles, thumbnails and viewer links
        wait_js(page, 
            "document.querySelectorAll(\"#sheets tbody tr[data-state='ready']\").length === 2", timeout=120000)
        numbers = page.locator("#sheets tbody tr .number").all_inner_texts()
        assert numbers == ["建施-01", "建施-02"]
        assert page.locator("#sheets tbody tr").first.locator("a").get_attribute("href").startswith("/sheets/")
        wait_js(page, "[...document.querySelectorAll('#sheets img.thumb')].every(i => i.complete && i.naturalWidth > 0)",
                               timeout=30000)
        assert "已上传" in good_row.locator(".status").inner_text()
        failed_file = page.locator("#files tbody tr[data-state='failed'] .error")
        assert "照片.dxf" in failed_file.inner_text()
        page.screenshot(path=str(shots / "upload-page.png"), full_page=True)

        # retrying an upload sends the same bytes again: the server answers with the same row
        page.set_input_files("#file-input", files=[{"name": "一层平面图.dxf", "mimeType": "application/dxf",
                                                     "buffer": good}])
        wait_js(page, "document.querySelectorAll('#uploads li').length === 3")
        wait_js(page, "document.querySelectorAll('#uploads li')[2].dataset.fileId !== undefined", timeout=30000)
        files = httpx.get(f"{base}/api/submissions/{sid}", headers=headers).json()["data"]["files"]
        assert sorted(f["original_name"] for f in files) == ["一层平面图.dxf", "照片.dxf"]
        assert errors == []


@pytest.mark.timeout(120)
def test_a_failed_upload_can_be_retried(site, browser):
    """The connection drops (the route is aborted once): the row offers a retry that succeeds."""
    stack, base = site
    pid = stack.demo["project_id"]
    headers = stack.token_headers("designer")
    sid = httpx.post(f"{base}/api/projects/{pid}/submissions", headers=headers).json()["data"]["id"]
    with page_as(browser, base, stack, "designer") as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        state = {"aborted": 0}

        def flaky(route):
            if state["aborted"] == 0:
                state["aborted"] += 1
                route.abort()
            else:
                route.continue_()

        page.route(f"**/api/submissions/{sid}/files", flaky)
        page.set_input_files("#file-input", files=[{"name": "重试.dxf", "mimeType": "application/dxf",
                                                     "buffer": di.simple_dxf(("重试",))}])
        retry = page.locator("#uploads li button.retry")
        retry.wait_for(state="visible", timeout=20000)
        assert "网络中断" in page.locator("#uploads li .status").inner_text()
        retry.click()
        wait_js(page, "document.querySelector('#uploads li').dataset.fileId !== undefined", timeout=30000)
        files = httpx.get(f"{base}/api/submissions/{sid}", headers=headers).json()["data"]["files"]
        assert [f["original_name"] for f in files] == ["重试.dxf"]


def test_a_failed_upload_says_so_in_english_punctuation(site, browser):
    """The row of a failed upload read "Upload failed：Network error; please retry" on the English page."""
    stack, base = site
    pid = stack.demo["project_id"]
    headers = stack.token_headers("designer")
    subs = httpx.get(f"{base}/api/projects/{pid}/submissions", headers=headers).json()["data"]
    sid = next((s["id"] for s in subs if s["editable"]), None) or httpx.post(
        f"{base}/api/projects/{pid}/submissions", headers=headers).json()["data"]["id"]
    with page_as(browser, base, stack, "designer", "en", locale="en-US") as page:
        page.goto(f"{base}/projects/{pid}?submission={sid}")
        page.route(f"**/api/submissions/{sid}/files", lambda route: route.abort())
        page.set_input_files("#file-input", files=[{"name": "net.dxf", "mimeType": "application/dxf",
                                                     "buffer": di.simple_dxf(("net",))}])
        page.locator("#uploads li button.retry").wait_for(state="visible", timeout=20000)
        status = page.locator("#uploads li .status").inner_text()
        assert status == "Upload failed: Network error; please retry", status
