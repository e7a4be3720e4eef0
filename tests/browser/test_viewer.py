"""The shared viewer in real Chromium against real ``drawreview serve`` processes (both modes).

A fire and a planning reviewer open the same sheet (in scaled mode on two different app
processes behind Redis): one draws a revision cloud, the other sees it live and replies, the
first sees the reply; a reviewer goes offline, writes, comes back, and nothing is lost or
doubled; a stale edit is shown as a conflict; a layer toggle changes the tiles; the page is
Chinese first with an English switch. Screenshots go to ``$DRAWREVIEW_SHOTS`` or the test's tmp dir.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from .conftest import draw_box as _draw_box
from .conftest import login, open_viewer
from .conftest import save_markup as _save_markup


LIVE_S = 1.0  # contract: a change shows in every other open viewer within a second


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Screenshots: $DRAWREVIEW_SHOTS when set (to keep and look at them), else the tmp dir."""
    keep = os.environ.get("DRAWREVIEW_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("shots")


def _context(browser):
    return browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")


def _viewer(browser, stack, base, username, sheet_id):
    ctx = _context(browser)
    page = login(ctx, base, stack, username)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_viewer(page, base, sheet_id)
    page.errors = errors
    return ctx, page


def _item(page, text):
    return page.locator("#markup-list .vw-item", has_text=text)


def _wait_count(locator, n, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if locator.count() == n:
            return
        time.sleep(0.05)
    assert locator.count() == n


def _annotations(stack, base, username="window"):
    r = httpx.get(f"{base}/api/projects/{stack.demo['project_id']}/annotations", headers=stack.token_headers(username),
                  timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_live_cloud_reply_and_presence(browser, stack, viewer_world, shots):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx_a, fire = _viewer(browser, stack, urls[0], "fire", sheet_id)
    ctx_b, planning = _viewer(browser, stack, urls[-1], "planning", sheet_id)  # another process in scaled mode
    try:
        # presence: each sees the other on this sheet
        fire.click("#tab-presence")
        fire.wait_for_selector("#presence-list li:has-text('规划审查 李明')", timeout=10000)
        assert "本图" in fire.inner_text("#presence-list")

        body = "疏散楼梯间的门应向疏散方向开启（实时测试）"
        _draw_box(fire, "cloud", 300, 250, 460, 380)
        _save_markup(fire, body, "mandatory", "GB 50016-2014 6.4.2")
        t0 = time.monotonic()
        planning.wait_for_selector(f"#markup-list .vw-item:has-text('{body}')", timeout=10000)
        seen_after = time.monotonic() - t0
        # the author's name comes with the live change
        planning.wait_for_selector(".vw-toast:has-text('消防审查 张伟')", timeout=5000)
        assert seen_after < LIVE_S * 3, f"the cloud took {seen_after:.2f}s to appear"  # generous on a busy CI box
        fire.screenshot(path=str(shots / f"{stack.mode}-fire-cloud.png"))

        # the planning reviewer opens it and replies; the fire reviewer sees the reply in the open thread
        _item(planning, body).click()
        planning.wait_for_selector("#thread-body")
        assert body in planning.inner_text("#thread-body")
        planning.fill("#reply-body", "规划专业意见：同意，请设计单位一并修改。")
        planning.click("#reply-send")
        fire.wait_for_selector("#replies li:has-text('规划专业意见：同意')", timeout=10000)
        assert "规划审查 李明" in fire.inner_text("#replies")
        planning.screenshot(path=str(shots / f"{stack.mode}-planning-reply.png"))

        # status: the fire reviewer closes it; the planning viewer shows it closed
        fire.click("#status-closed")
        planning.wait_for_selector(f"#markup-list .vw-item[data-status='closed']:has-text('{body}')", timeout=10000)
        fire.click("#status-reopen")
        planning.wait_for_selector(f"#markup-list .vw-item[data-status='open']:has-text('{body}')", timeout=10000)

        rows = [a for a in _annotations(stack, urls[0]) if a["body"] == body]
        assert len(rows) == 1 and rows[0]["kind"] == "cloud" and rows[0]["severity"] == "mandatory"
        assert [c["body"] for c in rows[0]["comments"]] == ["规划专业意见：同意，请设计单位一并修改。"]
        assert not fire.errors and not planning.errors, fire.errors + planning.errors
    finally:
        ctx_a.close()
        ctx_b.close()


def test_offline_writes_are_sent_once_on_reconnect(browser, stack, viewer_world, shots):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx_a, fire = _viewer(browser, stack, urls[0], "fire", sheet_id)
    ctx_b, planning = _viewer(browser, stack, urls[-1], "planning", sheet_id)
    try:
        base_body = "离线前的意见：消火栓布置间距过大"
        _draw_box(fire, "rect", 200, 200, 300, 300)
        _save_markup(fire, base_body)
        planning.wait_for_selector(f"#markup-list .vw-item:has-text('{base_body}')", timeout=10000)

        # network gone: the socket drops, writes queue up (memory + localStorage)
        ctx_a.set_offline(True)
        fire.evaluate("window.drawreviewViewer.sync.drop()")
        fire.wait_for_function("document.querySelector('#sync-status').dataset.state !== 'online'")
        offline_body = "离线时新增的意见：防火分区面积超限"
        _draw_box(fire, "cloud", 500, 300, 620, 420)
        _save_markup(fire, offline_body, "mandatory")
        _item(fire, base_body).click()
        fire.fill("#reply-body", "离线时的补充说明")
        fire.click("#reply-send")
        fire.wait_for_function("document.querySelector('#sync-status').dataset.pending === '2'")
        stored = fire.evaluate("Object.keys(localStorage).filter(k => k.startsWith('drawreview.outbox.'))"
                               ".map(k => JSON.parse(localStorage.getItem(k)).length)")
        assert stored == [2]
        assert "离线" in fire.inner_text("#sync-status")
        fire.screenshot(path=str(shots / f"{stack.mode}-offline.png"))
        time.sleep(1.0)
        assert _item(planning, offline_body).count() == 0  # nothing leaked while offline

        # back online: the outbox is sent once; the other viewer gets both writes
        ctx_a.set_offline(False)
        fire.wait_for_function("document.querySelector('#sync-status').dataset.state === 'online' && "
                               "document.querySelector('#sync-status').dataset.pending === '0'", timeout=20000)
        planning.wait_for_selector(f"#markup-list .vw-item:has-text('{offline_body}')", timeout=10000)
        _item(planning, base_body).click()
        planning.wait_for_selector("#replies li:has-text('离线时的补充说明')", timeout=10000)

        # resending the same writes again (a lost ack) changes nothing: idempotent by client_id
        fire.evaluate("""() => {
            const v = window.drawreviewViewer;
            const rec = [...v.store.recs.values()].find(r => r.data.body === '%s');
            v.sync.send({type: 'annotation.create', client_id: rec.data.client_id, sheet_id: rec.data.sheet_id,
                         kind: rec.data.kind, geometry: rec.data.geometry, severity: rec.data.severity, body: rec.data.body});
        }""" % offline_body)
        fire.wait_for_function("document.querySelector('#sync-status').dataset.pending === '0'")
        rows = _annotations(stack, urls[0])
        assert len([a for a in rows if a["body"] == offline_body]) == 1
        base_row = next(a for a in rows if a["body"] == base_body)
        assert [c["body"] for c in base_row["comments"]] == ["离线时的补充说明"]
        _wait_count(_item(planning, offline_body), 1)
        _wait_count(_item(fire, offline_body), 1)
        assert fire.locator("#replies li:has-text('离线时的补充说明')").count() == 1
        assert fire.evaluate("Object.keys(localStorage).filter(k => k.startsWith('drawreview.outbox.')).length") == 0
    finally:
        ctx_a.close()
        ctx_b.close()


def test_stale_edit_is_shown_as_a_conflict(browser, stack, viewer_world, shots):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx_a, first = _viewer(browser, stack, urls[0], "fire", sheet_id)
    ctx_b, second = _viewer(browser, stack, urls[-1], "fire", sheet_id)  # the same reviewer, another browser
    try:
        body = "冲突测试：安全出口数量不足"
        _draw_box(first, "rect", 350, 420, 450, 500)
        _save_markup(first, body)
        _item(second, body).click()
        second.wait_for_selector("#markup-edit")

        ctx_a.set_offline(True)
        first.evaluate("window.drawreviewViewer.sync.drop()")
        # the other browser edits first ...
        second.click("#markup-edit")
        second.fill("#markup-body", body + "（第二个窗口的修改）")
        second.click("#markup-save")
        second.wait_for_function("document.querySelector('#sync-status').dataset.pending === '0'")
        # ... this one edits the old version while offline, then reconnects: refused, and shown
        first.click("#markup-edit")
        first.fill("#markup-body", body + "（离线修改）")
        first.click("#markup-save")
        ctx_a.set_offline(False)
        first.wait_for_selector("#conflict-dialog", timeout=20000)
        first.screenshot(path=str(shots / f"{stack.mode}-conflict.png"))
        assert "未保存" in first.inner_text("#conflict-dialog")
        first.click(".vw-dialog button:has-text('放弃我的修改')")
        rows = [a for a in _annotations(stack, urls[0]) if a["body"].startswith(body)]
        assert [a["body"] for a in rows] == [body + "（第二个窗口的修改）"]
        first.wait_for_selector(f"#thread-body:has-text('第二个窗口的修改')")
    finally:
        ctx_a.close()
        ctx_b.close()


def test_layer_toggle_changes_tiles(browser, stack, viewer_world, shots):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx, page = _viewer(browser, stack, urls[0], "planning", sheet_id)
    try:
        tiles = []
        page.on("request", lambda r: tiles.append(r.url) if "/tiles/" in r.url else None)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        before = page.locator("#map").screenshot()
        page.click("#tab-layers")
        layers = page.locator("#layer-list input[type=checkbox]")
        assert layers.count() >= 5
        names = [layers.nth(i).get_attribute("data-layer") for i in range(layers.count())]
        assert "WALL" in names
        page.uncheck("#layer-list input[data-layer='WALL']")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        assert any("hidden=WALL" in u for u in tiles), tiles[-5:]
        after = page.locator("#map").screenshot()
        assert before != after
        page.screenshot(path=str(shots / f"{stack.mode}-layers.png"))
        page.check("#layer-list input[data-layer='WALL']")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)
        assert page.locator("#map").screenshot() == before  # the walls are back
    finally:
        ctx.close()


def test_chinese_first_english_switch_search_and_measure(browser, stack, viewer_world, shots):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx, page = _viewer(browser, stack, urls[0], "fire", sheet_id)
    try:
        text = page.inner_text("body")
        for word in ("审查意见", "图层", "图内搜索", "云线", "测距离", "已连接"):
            assert word in text, word
        # search the sheet's texts: hits listed, the view zooms in
        zoom0 = page.evaluate("window.drawreviewViewer.ctx.view.getZoom()")
        page.click("#tab-search")
        page.fill("#search-input", "卧室")
        page.click("#search-go")
        page.wait_for_selector("#search-results li", timeout=10000)
        page.wait_for_timeout(600)
        assert page.evaluate("window.drawreviewViewer.ctx.view.getZoom()") > zoom0 + 1
        # measure a distance in metres (the sheet has a transform and unit_m)
        page.keyboard.press("0")
        page.wait_for_timeout(400)
        page.click("#tool-measure_distance")
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + 200, box["y"] + 300)
        page.mouse.dblclick(box["x"] + 500, box["y"] + 300)
        page.wait_for_timeout(300)
        assert "米" in page.inner_text("#measure-result")
        # keyboard: arrows pan the focused map
        page.keyboard.press("Escape")
        page.focus("#map")
        c0 = page.evaluate("window.drawreviewViewer.ctx.view.getCenter()")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(400)
        assert page.evaluate("window.drawreviewViewer.ctx.view.getCenter()") != c0
        page.screenshot(path=str(shots / f"{stack.mode}-zh.png"))
        page.click("#lang-switch")
        page.wait_for_selector("#viewer-root[data-ready='1']")
        text = page.inner_text("body")
        for word in ("Review comments", "Layers", "Revision cloud", "Measure distance"):
            assert word in text, word
        page.screenshot(path=str(shots / f"{stack.mode}-en.png"))
        page.click("#lang-switch")
        page.wait_for_selector("#viewer-root[data-ready='1']")
        assert "审查意见" in page.inner_text("body")
    finally:
        ctx.close()


def test_viewer_page_permissions(stack, viewer_world):
    base, sheet_id = viewer_world["urls"][0], viewer_world["sheet_id"]
    r = httpx.get(f"{base}/sheets/{sheet_id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    for user, status in (("fire", 200), ("designer", 200), ("window", 200), ("civil_defence", 404)):
        r = httpx.get(f"{base}/sheets/{sheet_id}", headers=stack.token_headers(user))
        assert r.status_code == status, (user, r.status_code)
    r = httpx.get(f"{base}/sheets/999999", headers=stack.token_headers("window"))
    assert r.status_code == 404
