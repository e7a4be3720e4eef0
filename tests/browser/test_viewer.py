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

from .conftest import VIEWER, draw_box as _draw_box, page_as, signed_in, wait_js
from .conftest import open_viewer
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


def _viewer(browser, stack, base, username, sheet_id):
    page = signed_in(browser, base, stack, username, viewport=VIEWER)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_viewer(page, base, sheet_id)
    page.errors = errors
    return page.context, page


def _renders(page) -> int:
    return page.evaluate("Number(document.querySelector('#map').dataset.rendered || 0)")


def _settled(page, after: int) -> None:
    """Wait until the map has finished a render begun after the *after*-th one (every tile in
    view loaded and faded in)."""
    wait_js(page, f"Number(document.querySelector('#map').dataset.rendered || 0) > {after}",
                           timeout=30000)
    page.wait_for_load_state("networkidle")


def _looks_like(page, picture: bytes, timeout_s: float = 8.0) -> bool:
    """The map shows *picture* again (late coarser tiles may still be fading out)."""
    end = time.monotonic() + timeout_s
    while True:
        if page.locator("#map").screenshot() == picture:
            return True
        if time.monotonic() > end:
            return False
        page.wait_for_timeout(250)


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
        wait_js(fire, "document.querySelector('#sync-status').dataset.state !== 'online'")
        offline_body = "离线时新增的意见：防火分区面积超限"
        _draw_box(fire, "cloud", 500, 300, 620, 420)
        _save_markup(fire, offline_body, "mandatory")
        _item(fire, base_body).click()
        fire.fill("#reply-body", "离线时的补充说明")
        fire.click("#reply-send")
        wait_js(fire, "document.querySelector('#sync-status').dataset.pending === '2'")
        stored = fire.evaluate("Object.keys(localStorage).filter(k => k.startsWith('drawreview.outbox.'))"
                               ".map(k => JSON.parse(localStorage.getItem(k)).length)")
        assert stored == [2]
        assert "离线" in fire.inner_text("#sync-status")
        fire.screenshot(path=str(shots / f"{stack.mode}-offline.png"))
        time.sleep(1.0)
        assert _item(planning, offline_body).count() == 0  # nothing leaked while offline

        # back online: the outbox is sent once; the other viewer gets both writes
        ctx_a.set_offline(False)
        wait_js(fire, "document.querySelector('#sync-status').dataset.state === 'online' && "
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
        wait_js(fire, "document.querySelector('#sync-status').dataset.pending === '0'")
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
        wait_js(second, "document.querySelector('#sync-status').dataset.pending === '0'")
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
        first.wait_for_selector("#thread-body:has-text('第二个窗口的修改')")
    finally:
        ctx_a.close()
        ctx_b.close()


def test_three_at_once_a_conflict_names_who_came_first_and_a_deletion_keeps_the_reply(browser, stack, viewer_world,
                                                                                     shots):
    """The fire reviewer, the planning reviewer (English page) and the design institute on one
    sheet. The planning reviewer walks the list with the keyboard while the fire reviewer's cloud
    arrives. The designer marks the cloud answered while the fire reviewer, offline, edits its text:
    his refusal names the designer and what she did (not himself, the cloud's author). Then he
    deletes it while the planning reviewer is writing a reply: her thread says who deleted it and
    keeps her draft; the designer's reply queued offline is refused after the deletion and kept
    the same way (decision 149)."""
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx_a, fire = _viewer(browser, stack, urls[0], "fire", sheet_id)
    planning = signed_in(browser, urls[-1], stack, "planning", "en", viewport=VIEWER)
    open_viewer(planning, urls[-1], sheet_id)
    ctx_d, designer = _viewer(browser, stack, urls[0], "designer", sheet_id)
    try:
        # a keyboard user in the list: the arrows move through it, and a live change arriving
        # (the list re-rendered) leaves the focus where it was
        # the sheet search box shows its whole hint (it was cut: "Search number, title o")
        assert planning.evaluate("""() => { const i = document.querySelector('#f-sheet-search');
            const s = getComputedStyle(i); const c = document.createElement('canvas').getContext('2d');
            c.font = s.font;
            return c.measureText(i.placeholder).width <= i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        }""")
        planning.locator("#markup-list .vw-item").first.focus()
        planning.keyboard.press("ArrowDown")
        focused = "document.activeElement.closest('#markup-list') ? document.activeElement.dataset.key : null"
        here = planning.evaluate(focused)
        assert here == planning.locator("#markup-list .vw-item").nth(1).get_attribute("data-key")
        body = f"三方并发 {time.monotonic_ns() % 100000}"
        _draw_box(fire, "cloud", 420, 260, 540, 360)
        _save_markup(fire, body, "mandatory")
        planning.wait_for_selector(f"#markup-list .vw-item:has-text('{body}')", timeout=10000)
        planning.wait_for_timeout(100)
        assert planning.evaluate(focused) == here
        for page in (planning, designer):
            _item(page, body).click()
            page.wait_for_selector("#thread-body")
        assert planning.locator("#markup-edit, #markup-delete").count() == 0  # another discipline's markup

        ctx_a.set_offline(True)
        fire.evaluate("window.drawreviewViewer.sync.drop()")
        fire.click("#markup-edit")
        fire.fill("#markup-body", body + "（修改）")
        fire.click("#markup-save")
        designer.click("#status-answered")
        wait_js(designer, "document.querySelector('#sync-status').dataset.pending === '0'")
        ctx_a.set_offline(False)
        fire.wait_for_selector("#conflict-dialog", timeout=20000)
        said = fire.inner_text("#conflict-dialog")
        assert "设计人 赵磊" in said and "已答复" in said and "消防审查 张伟" not in said, said
        fire.screenshot(path=str(shots / f"{stack.mode}-conflict-by-designer.png"))
        fire.click(".vw-dialog button:has-text('放弃我的修改')")

        # the designer answers offline; the planning reviewer is typing; the author deletes
        ctx_d.set_offline(True)
        designer.evaluate("window.drawreviewViewer.sync.drop()")
        designer.fill("#reply-body", "已调整疏散楼梯位置")
        designer.click("#reply-send")
        planning.fill("#reply-body", "Planning: the red line setback also applies here")
        fire.click("#markup-delete")
        fire.click(".vw-dialog button:has-text('删除')")
        planning.wait_for_selector("#thread-gone", timeout=10000)
        assert "deleted by 消防审查 张伟" in planning.inner_text("#thread-gone")
        assert planning.input_value("#gone-draft") == "Planning: the red line setback also applies here"
        assert _item(planning, body).count() == 0
        planning.screenshot(path=str(shots / f"{stack.mode}-deleted-while-replying.png"))
        ctx_d.set_offline(False)
        wait_js(designer, "document.querySelector('#gone-draft')?.value === '已调整疏散楼梯位置'", timeout=20000)
        assert "已被 消防审查 张伟 删除" in designer.inner_text("#thread-gone")
        wait_js(designer, "document.querySelector('#sync-status').dataset.pending === '0'")
        assert not [a for a in _annotations(stack, urls[0]) if a["body"].startswith(body)]
        assert not fire.errors and not designer.errors, fire.errors + designer.errors
    finally:
        ctx_a.close()
        planning.context.close()
        ctx_d.close()


def test_layer_toggle_changes_tiles(browser, stack, viewer_world, shots):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx, page = _viewer(browser, stack, urls[0], "planning", sheet_id)
    try:
        tiles = []
        page.on("request", lambda r: tiles.append(r.url) if "/tiles/" in r.url else None)
        _settled(page, 0)
        before = page.locator("#map").screenshot()
        page.click("#tab-layers")
        layers = page.locator("#layer-list input[type=checkbox]")
        assert layers.count() >= 5
        names = [layers.nth(i).get_attribute("data-layer") for i in range(layers.count())]
        assert "WALL" in names
        n = _renders(page)
        page.uncheck("#layer-list input[data-layer='WALL']")
        _settled(page, n)
        assert any("hidden=WALL" in u for u in tiles), tiles[-5:]
        after = page.locator("#map").screenshot()
        assert before != after
        page.screenshot(path=str(shots / f"{stack.mode}-layers.png"))
        n = _renders(page)
        page.check("#layer-list input[data-layer='WALL']")
        _settled(page, n)
        assert _looks_like(page, before)  # the walls are back
    finally:
        ctx.close()


def test_the_whole_sheet_shows_from_the_first_tile(browser, stack, viewer_world):
    """The viewer asks for the zoom-0 tile (made with the sheet) beside the sharp ones, so the
    whole sheet is on screen before they arrive."""
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    with page_as(browser, urls[0], stack, "planning", viewport=VIEWER) as page:
        tiles = []
        page.on("response", lambda r: tiles.append((r.url, r.status)) if "/tiles/" in r.url else None)
        open_viewer(page, urls[0], sheet_id)
        page.wait_for_load_state("networkidle")
        zooms = {int(u.split("/tiles/")[1].split("/")[0]) for u, _ in tiles}
        assert (f"/api/sheets/{sheet_id}/tiles/0/0/0.png", 200) in [(u.split(urls[0])[1], s) for u, s in tiles]
        assert len(zooms) >= 2 and all(s == 200 for _, s in tiles)  # and the sharper level too


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


# --- navigation, measuring, markup tools, lists, findings, replies, offline reload, compare -----

import asyncio  # noqa: E402
import uuid  # noqa: E402


def _run(coro):
    """asyncio.run in a thread: Playwright's sync API keeps an event loop running in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _rest(stack, base, username, method, path, **kw):
    r = httpx.request(method, f"{base}{path}", headers=stack.token_headers(username), timeout=10, **kw)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def _markup(stack, base, username, sheet_id, body, severity="general", point=(300.0, 200.0)):
    return _rest(stack, base, username, "POST", f"/api/sheets/{sheet_id}/annotations",
                 json={"client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [list(point)]},
                       "severity": severity, "body": body})["annotation"]


async def _findings(settings, rows):
    """Insert RuleFinding rows directly (as tests/web/matrix/annotations.py ``_world`` does)."""
    from drawreview.db import Database
    from drawreview.models import RuleFinding, Sheet

    db = Database(settings)
    try:
        async with db.session() as s:
            made = []
            for sheet_id, text, *sources in rows:
                sheet = await s.get(Sheet, sheet_id)
                a, e, f = sheet.transform  # a box around the sheet's middle, in drawing units
                cx, cy = (sheet.width / 2 - e) / a, (f - sheet.height / 2) / a
                r = RuleFinding(sheet_id=sheet_id, rule_id="FR-01", discipline="fire", severity="error",
                                data={"bbox": [cx - 2000, cy - 2000, cx + 2000, cy + 2000], "mandatory": True,
                                      "standard": "GB 50016-2014", "clause": "5.2.2", "message_zh": text,
                                      "message_en": text, **({"sources": sources[0]} if sources else {})})
                s.add(r)
                made.append(r)
            await s.commit()
            return [r.id for r in made]
    finally:
        await db.close()


@pytest.fixture(scope="module")
def compare_world(stack, viewer_world):
    """Two revisions of a sheet in the demo project (a filled square moved left to right); the
    second is matched to the first."""
    from tests.web.test_compare import LEFT, RIGHT, _link, revision

    from .conftest import wait_for_sheets

    base, designer = viewer_world["urls"][0], stack.token_headers("designer")
    sub = _rest(stack, base, "designer", "POST", f"/api/projects/{stack.demo['project_id']}/submissions", json={})
    r = httpx.post(f"{base}/api/submissions/{sub['id']}/files", headers=designer, timeout=60,
                   files=[("file", ("rev1.dxf", revision(LEFT))), ("file", ("rev2.dxf", revision(RIGHT)))])
    assert r.status_code == 200, r.text
    sheets = wait_for_sheets(base, designer, sub["id"])
    files = {f["id"]: f["original_name"] for f in _rest(stack, base, "designer", "GET",
                                                         f"/api/submissions/{sub['id']}")["files"]}
    by_name = {files[s["file_id"]]: s for s in sheets}
    old, new = by_name["rev1.dxf"], by_name["rev2.dxf"]
    _run(_link(stack, new["id"], old["id"]))
    # reviewers see a submission's automatic findings once their task on it has started (a
    # draft's findings are the designer's pre-check): start fire's and planning's tasks here
    from .conftest import _add_tasks

    _run(_add_tasks(stack.settings, sub["id"], ["planning", "fire"]))
    deadline = time.monotonic() + 60  # the rule checks replace undecided findings: let them finish first
    while not _run(_checked(stack.settings, old["id"])):
        assert time.monotonic() < deadline, "check_sheet never finished"
        time.sleep(0.3)
    return {"old_id": old["id"], "new_id": new["id"]}


async def _checked(settings, sheet_id: int) -> bool:
    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import ProjectEvent

    db = Database(settings)
    try:
        async with db.session() as s:
            rows = (await s.exec(select(ProjectEvent.payload).where(ProjectEvent.type == "findings.updated")
                                 .order_by(ProjectEvent.id.desc()).limit(200))).all()
            return any(p.get("sheet_id") == sheet_id for p in rows)
    finally:
        await db.close()


def _view(page, what):
    return page.evaluate(f"(() => {{ const v = window.drawreviewViewer.ctx.view; return v.{what}(); }})()")


def test_navigation_keys_coordinates_and_area_in_square_metres(browser, stack, viewer_world):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    ctx, page = _viewer(browser, stack, urls[0], "planning", sheet_id)
    try:
        assert page.locator("#compare-toggle").count() == 0  # no previous revision: no compare toggle
        page.wait_for_timeout(400)
        fit_res, fit_center = _view(page, "getResolution"), _view(page, "getCenter")
        # coordinate readout follows the mouse
        box = page.locator("#map").bounding_box()
        page.mouse.move(box["x"] + 200, box["y"] + 200)
        first = page.inner_text("#coords")
        page.mouse.move(box["x"] + 600, box["y"] + 450)
        wait_js(page, "t => document.querySelector('#coords').textContent !== t", arg=first)
        second = page.inner_text("#coords")
        assert first.startswith("坐标") and second.startswith("坐标") and first != second
        # +/- zoom by one step each (keys outside the map: OpenLayers has its own inside it)
        page.focus("#tab-list")
        z0 = _view(page, "getZoom")
        page.keyboard.press("+")
        page.wait_for_timeout(450)
        assert abs(_view(page, "getZoom") - (z0 + 1)) < 0.05
        page.keyboard.press("+")
        page.wait_for_timeout(450)
        page.keyboard.press("-")
        page.wait_for_timeout(450)
        assert abs(_view(page, "getZoom") - (z0 + 1)) < 0.05
        page.evaluate("window.drawreviewViewer.ctx.view.setCenter([10, -10])")  # pan away
        # "0" fits the sheet again: the resolution and centre of the first fit
        page.keyboard.press("0")
        page.wait_for_timeout(600)
        assert abs(_view(page, "getResolution") / fit_res - 1) < 0.01
        assert all(abs(a - b) < 1 for a, b in zip(_view(page, "getCenter"), fit_center))
        # area: a 200 x 100 px rectangle, in square metres through the sheet's transform and units
        page.click("#tool-measure_area")
        corners = [(300, 200), (500, 200), (500, 300), (300, 300)]
        for x, y in corners:
            page.mouse.click(box["x"] + x, box["y"] + y)
        page.mouse.click(box["x"] + corners[0][0], box["y"] + corners[0][1])  # close the ring
        page.wait_for_timeout(300)
        text = page.inner_text("#measure-result")
        assert "平方米" in text, text
        shown = float(text.split()[1])
        sheet = viewer_world["sheets"][0]
        res = _view(page, "getResolution")  # sheet points per CSS pixel
        k = sheet["unit_m"] / sheet["transform"][0]  # metres per sheet point
        expected = (200 * res * k) * (100 * res * k)
        assert abs(shown / expected - 1) < 0.03, (shown, expected)
        assert not page.errors
    finally:
        ctx.close()


TOOLS = [  # tool, clicks on the map (x, y), finish with a double click
    ("pin", [(260, 160)], False),
    ("arrow", [(320, 220), (420, 280)], False),
    ("polyline", [(480, 200), (560, 260), (640, 210)], True),
    ("text", [(700, 300)], False),
]


def test_markup_tools_and_the_standard_comment_library(browser, stack, viewer_world):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    tag = uuid.uuid4().hex[:6]
    ctx, page = _viewer(browser, stack, urls[0], "fire", sheet_id)
    try:
        box = page.locator("#map").bounding_box()
        for tool, clicks, dbl in TOOLS:
            page.click(f"#tool-{tool}")
            for i, (x, y) in enumerate(clicks):
                if dbl and i == len(clicks) - 1:
                    page.mouse.dblclick(box["x"] + x, box["y"] + y)
                else:
                    page.mouse.click(box["x"] + x, box["y"] + y)
            page.wait_for_selector("#markup-form")
            if tool == "text":
                page.fill("#markup-text", f"图上文字 {tag}")
            if tool == "pin":  # the standard-comment library fills body, severity and clause
                page.select_option("#library-select", "FR-C02")
                page.click("#library-insert")
                assert page.input_value("#markup-body") == "消防车道宽度不应小于 4.0 m，请修改。"
                assert page.input_value("#markup-severity") == "mandatory"
                assert page.input_value("#markup-clause") == "GB 50016-2014 7.1.8"
                page.fill("#markup-body", page.input_value("#markup-body") + f" {tool}-{tag}")
                page.click("#markup-save")
            else:
                _save_markup(page, f"{tool}-{tag}")
            shown = f"图上文字 {tag}" if tool == "text" else f"{tool}-{tag}"  # a text markup lists its text
            page.wait_for_selector(f"#markup-list .vw-item:has-text('{shown}')", timeout=10000)
        wait_js(page, "document.querySelector('#sync-status').dataset.pending === '0'", timeout=10000)
        rows = {a["body"].split()[-1]: a for a in _annotations(stack, urls[0]) if a["body"].endswith(tag)}
        assert {k: v["kind"] for k, v in rows.items()} == {f"{t}-{tag}": t for t, _, _ in TOOLS}
        assert [len(rows[f"{t}-{tag}"]["geometry"]["points"]) for t, _, _ in TOOLS] == [1, 2, 3, 1]
        assert rows[f"pin-{tag}"]["severity"] == "mandatory" and rows[f"pin-{tag}"]["clause"] == "GB 50016-2014 7.1.8"
        assert rows[f"text-{tag}"]["geometry"]["text"] == f"图上文字 {tag}"
        open_viewer(page, urls[0], sheet_id)  # they survive a reload
        for tool, _, _ in TOOLS:
            _wait_count(_item(page, f"图上文字 {tag}" if tool == "text" else f"{tool}-{tag}"), 1)
        assert not page.errors
    finally:
        ctx.close()


def _filter(page, sel, value):
    page.select_option(f"#{sel}", value)
    page.wait_for_timeout(100)


def _shown(page, tag):
    return sorted(page.locator("#markup-list .vw-item", has_text=tag).locator(".vw-item-body").all_inner_texts())


def test_list_filters_click_to_zoom_and_findings(browser, stack, viewer_world, compare_world, shots):
    urls, sheet_id, other = viewer_world["urls"], viewer_world["sheet_id"], compare_world["old_id"]
    tag = uuid.uuid4().hex[:6]
    _markup(stack, urls[0], "fire", sheet_id, f"F1 {tag}", "mandatory", point=(420.0, 300.0))
    planned = _markup(stack, urls[0], "planning", sheet_id, f"P1 {tag}", "suggestion")
    _rest(stack, urls[0], "designer", "POST", f"/api/annotations/{planned['id']}/status",
          json={"version": planned["version"], "status": "answered"})
    _markup(stack, urls[0], "planning", other, f"P2 {tag}")
    label = "图面文字 text on sheet:「2#楼办公 H=54.0 18F 耐火等级一级」"  # as rules/finding.py writes them
    facts = {"2#楼办公.height": label, "2#楼办公.storeys": label, "sprinklers": "默认值 default"}
    confirm_id, dismiss_id, _ = _run(_findings(stack.settings, [
        (sheet_id, f"A1 {tag}", facts), (sheet_id, f"A2 {tag}"), (other, f"A3 {tag}")]))
    ctx, page = _viewer(browser, stack, urls[0], "fire", sheet_id)
    try:
        mine = [f"A1 {tag}", f"A2 {tag}", f"F1 {tag}", f"P1 {tag}"]
        assert _shown(page, tag) == mine  # this sheet: markups and automatic findings
        assert page.locator("#markup-list .vw-item", has_text=f"A1 {tag}").locator(".chip.auto").count() == 1
        _filter(page, "f-discipline", "fire")
        assert _shown(page, tag) == [f"A1 {tag}", f"A2 {tag}", f"F1 {tag}"]
        _filter(page, "f-discipline", "")
        _filter(page, "f-status", "answered")
        assert _shown(page, tag) == [f"P1 {tag}"]
        _filter(page, "f-status", "")
        _filter(page, "f-severity", "suggestion")
        assert _shown(page, tag) == [f"P1 {tag}"]
        _filter(page, "f-severity", "")
        _filter(page, "f-source", "automatic")
        assert _shown(page, tag) == [f"A1 {tag}", f"A2 {tag}"]
        _filter(page, "f-source", "manual")
        assert _shown(page, tag) == [f"F1 {tag}", f"P1 {tag}"]
        _filter(page, "f-source", "")
        _filter(page, "f-sheet", "all")  # every sheet, other sheets' automatic findings included
        assert _shown(page, tag) == [f"A1 {tag}", f"A2 {tag}", f"A3 {tag}", f"F1 {tag}", f"P1 {tag}", f"P2 {tag}"]
        _filter(page, "f-sheet", str(other))
        assert _shown(page, tag) == [f"A3 {tag}", f"P2 {tag}"]
        _filter(page, "f-sheet", "this")

        # click-to-zoom: the view zooms in and centres on the markup
        page.keyboard.press("Escape")
        z0 = _view(page, "getZoom")
        _item(page, f"F1 {tag}").click()
        page.wait_for_timeout(600)
        cx, cy = _view(page, "getCenter")
        assert _view(page, "getZoom") > z0 + 1
        assert abs(cx - 420.0) < 2 and abs(cy + 300.0) < 2, (cx, cy)

        # a finding says which facts it rests on and where each came from; a default is marked
        _item(page, f"A1 {tag}").click()
        lines = page.locator("#finding-facts li")
        assert lines.count() == 2
        assert lines.nth(0).inner_text() == f"2#楼办公 高度、层数 ← {label}"
        assert "自动喷水灭火系统 ← 默认值 default" in lines.nth(1).inner_text()
        assert lines.nth(1).locator(".chip.warn").inner_text() == "图面未注明，按默认值检查，请核实"
        page.locator("#thread-body").screenshot(path=str(shots / f"{stack.mode}-finding-facts.png"))
        _item(page, f"A2 {tag}").click()
        assert page.locator("#finding-facts").count() == 0  # a finding without sources: no empty list
        # an automatic finding confirmed becomes an ordinary comment of the reviewer
        _item(page, f"A1 {tag}").click()
        page.click("#finding-confirm")
        wait_js(page, "t => ![...document.querySelectorAll('#markup-list .vw-item .chip.auto')]"
                               ".some(c => c.closest('.vw-item').textContent.includes(t))", arg=f"A1 {tag}",
                               timeout=10000)
        made = [a for a in _annotations(stack, urls[0]) if a.get("finding_id") == confirm_id]
        assert len(made) == 1 and made[0]["discipline"] == "fire" and not made[0]["automatic"]
        # ... or dismissed with a reason
        _item(page, f"A2 {tag}").click()
        page.click("#finding-dismiss")
        page.fill(".vw-dialog textarea", "误报：该处为防火墙")
        page.click(".vw-dialog button.primary")
        _wait_count(_item(page, f"A2 {tag}"), 0)
        found = {f["id"]: f for f in _rest(stack, urls[0], "window", "GET", f"/api/sheets/{sheet_id}/findings")}
        assert found[confirm_id]["state"] == "confirmed"
        assert found[dismiss_id]["state"] == "dismissed" and found[dismiss_id]["dismiss_reason"] == "误报：该处为防火墙"
        assert not page.errors
    finally:
        ctx.close()


async def _whole_sheet_finding(settings, sheet_id: int, text: str) -> int:
    """A finding about the whole sheet, without a box (as DR-03 "drawing units" writes them)."""
    from drawreview.db import Database
    from drawreview.models import RuleFinding

    db = Database(settings)
    try:
        async with db.session() as s:
            r = RuleFinding(sheet_id=sheet_id, rule_id="FR-99", discipline="fire", severity="warning",
                            data={"bbox": None, "mandatory": False, "standard": "GB 50016-2014", "clause": "1.0.1",
                                  "message_zh": text, "message_en": text})
            s.add(r)
            await s.commit()
            return r.id
    finally:
        await db.close()


def test_a_finding_about_the_whole_sheet_is_listed_and_decided(browser, stack, viewer_world):
    """A finding without a place on the drawing (the units, the file's structure) was left out of
    the list: the designer's pre-check counted it and sent him to the drawings, where it could not
    be found, and the reviewer could neither confirm nor dismiss it. It is listed, marked 整张图纸,
    and decided like any finding."""
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    text = f"整图检查 {uuid.uuid4().hex[:6]}"
    fid = _run(_whole_sheet_finding(stack.settings, sheet_id, text))
    ctx, page = _viewer(browser, stack, urls[0], "fire", sheet_id)
    try:
        item = _item(page, text)
        item.wait_for(timeout=10000)
        assert item.locator(".chip.auto").count() == 1 and item.locator(".chip.whole-sheet").inner_text() == "整张图纸"
        item.click()
        page.wait_for_selector("#finding-whole-sheet")
        assert "图上没有标注位置" in page.inner_text("#finding-whole-sheet")
        page.click("#finding-dismiss")
        page.fill(".vw-dialog textarea", "单位已在图签中注明")
        page.click(".vw-dialog button.primary")
        _wait_count(_item(page, text), 0)
        found = {f["id"]: f for f in _rest(stack, urls[0], "window", "GET", f"/api/sheets/{sheet_id}/findings")}
        assert found[fid]["state"] == "dismissed" and found[fid]["dismiss_reason"] == "单位已在图签中注明"
        assert not page.errors
    finally:
        ctx.close()


def test_designer_replies_and_marks_answered(browser, stack, viewer_world):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    body = f"设计答复测试 {uuid.uuid4().hex[:6]}"
    m = _markup(stack, urls[0], "fire", sheet_id, body, "mandatory")
    ctx, page = _viewer(browser, stack, urls[-1], "designer", sheet_id)
    try:
        assert page.locator("#tool-rect").count() == 0  # a designer has no markup tools
        _item(page, body).click()
        page.fill("#reply-body", "已按意见修改，见修订版")
        page.click("#reply-send")
        page.wait_for_selector("#replies li:has-text('已按意见修改，见修订版')")
        page.click("#status-answered")
        page.wait_for_selector("#thread-status:has-text('已答复')", timeout=10000)
        wait_js(page, "document.querySelector('#sync-status').dataset.pending === '0'", timeout=10000)
        row = _rest(stack, urls[0], "window", "GET", f"/api/annotations/{m['id']}")
        assert row["status"] == "answered"
        assert [(c["body"], c["author"]) for c in row["comments"]][-1][0] == "已按意见修改，见修订版"
        assert page.locator("#markup-edit").count() == 0  # cannot change the reviewer's markup
    finally:
        ctx.close()


def test_the_open_thread_survives_the_language_switch(browser, stack, viewer_world):
    """The language switch reloads the viewer, and the open thread closed: the markup was not in
    the address, and a Referer carries no fragment. The open markup is now in the address
    (#markup=…, replaced, not pushed), and the switch reloads that very address: the same thread
    is open in English with its reply box; closing it takes it out of the address again."""
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    body = f"切换语言不关闭 {uuid.uuid4().hex[:6]}"
    m = _markup(stack, urls[0], "fire", sheet_id, body, "mandatory")
    ctx, page = _viewer(browser, stack, urls[0], "planning", sheet_id)
    try:
        depth = page.evaluate("history.length")
        _item(page, body).click()
        page.wait_for_selector(f"#thread-body:has-text('{body}')")
        wait_js(page, "k => location.hash === '#markup=' + encodeURIComponent(k)", arg=m["client_id"], timeout=5000)
        assert page.evaluate("history.length") == depth  # no history entry per click
        page.click("#lang-switch")
        page.wait_for_selector("#viewer-root[data-ready='1']")
        page.wait_for_selector("text=Review comments")
        page.wait_for_selector(f"#thread-body:has-text('{body}')", timeout=10000)
        assert page.locator("#reply-body").count() == 1
        page.click("#thread-close")
        wait_js(page, "location.hash === ''", timeout=5000)
        page.click("#lang-switch")
        page.wait_for_selector("#viewer-root[data-ready='1']")
        page.wait_for_selector("text=审查意见")
    finally:
        ctx.close()


def test_offline_outbox_survives_a_reload(browser, stack, viewer_world):
    urls, sheet_id = viewer_world["urls"], viewer_world["sheet_id"]
    body = f"离线重载 {uuid.uuid4().hex[:6]}"
    ctx, page = _viewer(browser, stack, urls[0], "fire", sheet_id)
    blocked = {"on": True}

    def socket(ws):  # the live connection is unreachable while blocked; pages still load
        if blocked["on"]:
            ws.close()
        else:
            ws.connect_to_server()

    try:
        ctx.set_offline(True)
        page.evaluate("window.drawreviewViewer.sync.drop()")
        _draw_box(page, "rect", 240, 380, 330, 460)
        _save_markup(page, body)
        wait_js(page, "document.querySelector('#sync-status').dataset.pending === '1'")
        # reload while still cut off from the live connection
        ctx.route_web_socket("**/ws/**", socket)
        ctx.set_offline(False)
        page.reload()
        page.wait_for_selector("#viewer-root[data-ready='1']", timeout=30000)
        page.wait_for_timeout(800)
        assert page.evaluate("document.querySelector('#sync-status').dataset.state") != "online"
        assert page.evaluate("document.querySelector('#sync-status').dataset.pending") == "1"
        _wait_count(_item(page, body), 1)  # shown again from the stored outbox, as pending
        assert not [a for a in _annotations(stack, urls[0]) if a["body"] == body]
        # the connection comes back: sent exactly once
        blocked["on"] = False
        page.evaluate("window.drawreviewViewer.sync.reconnectNow()")
        wait_js(page, "document.querySelector('#sync-status').dataset.state === 'online' && "
                               "document.querySelector('#sync-status').dataset.pending === '0'", timeout=20000)
        assert len([a for a in _annotations(stack, urls[0]) if a["body"] == body]) == 1
        page.reload()
        wait_js(page, "document.querySelector('#sync-status')?.dataset.state === 'online'", timeout=20000)
        page.wait_for_timeout(500)
        _wait_count(_item(page, body), 1)
        assert len([a for a in _annotations(stack, urls[0]) if a["body"] == body]) == 1
        assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('drawreview.outbox.')).length") == 0
    finally:
        ctx.close()


def test_compare_with_previous_revision(browser, stack, viewer_world, compare_world, shots):
    urls = viewer_world["urls"]
    ctx, page = _viewer(browser, stack, urls[-1], "planning", compare_world["new_id"])
    try:
        tiles, failed = [], []
        page.on("request", lambda r: tiles.append(r.url) if "/tiles/" in r.url else None)
        page.on("response", lambda r: failed.append((r.url, r.status)) if "/tiles/" in r.url and r.status >= 400
                else None)
        _settled(page, 0)
        before = page.locator("#map").screenshot()
        toggle = page.locator("#compare-toggle")
        assert toggle.inner_text() == "对比上一版"
        n = _renders(page)
        toggle.click()
        page.wait_for_selector("#compare-legend:not([hidden]) li[data-kind='added']", timeout=60000)
        legend = page.inner_text("#compare-legend")
        for word in ("新增", "删除", "修改", "上一版", "矢量对比"):  # two DXF revisions: the vector method
            assert word in legend, legend
        assert page.get_attribute("#compare-method", "data-method") == "vector"
        colours = page.evaluate("[...document.querySelectorAll('#compare-legend > ul > li')].map(li => "
                                "[li.dataset.kind, getComputedStyle(li.querySelector('.swatch')).backgroundColor])")
        assert len({c for _, c in colours}) == len(colours)  # distinct colours
        assert toggle.get_attribute("aria-pressed") == "true"
        _settled(page, n)
        assert any("/compare/tiles/" in u for u in tiles), tiles[-5:]
        overlay = page.locator("#map").screenshot()
        assert overlay != before
        # the changes one by one: the list names each, "next" zooms to it (the square moved: a
        # removed and an added region at least)
        regions = _rest(stack, urls[-1], "planning", "GET", f"/api/sheets/{compare_world['new_id']}/compare")["regions"]
        assert len(regions) >= 2 and page.locator("#compare-changes li").count() == len(regions)
        res0 = _view(page, "getResolution")
        page.click("#compare-next")
        wait_js(page, "document.querySelector('#compare-step').dataset.step === '1'")
        page.wait_for_timeout(500)  # the zoom animation
        assert _view(page, "getResolution") < res0  # zoomed in on the first change
        centre1 = _view(page, "getCenter")
        page.click("#compare-next")
        wait_js(page, "document.querySelector('#compare-step').dataset.step === '2'")
        page.wait_for_timeout(500)
        assert _view(page, "getCenter") != centre1  # the second change is elsewhere
        assert page.locator("#compare-changes li.current").get_attribute("data-index") == "1"
        page.screenshot(path=str(shots / f"{stack.mode}-compare.png"))
        page.click("#fit")
        n = _renders(page)
        toggle.click()  # back to the sheet itself
        assert page.locator("#compare-legend").is_hidden()
        _settled(page, n)
        assert not failed, failed
        assert _looks_like(page, before)
        assert not page.errors
    finally:
        ctx.close()


def test_a_deactivated_reviewer_is_told_and_the_viewer_stops_reconnecting(browser, stack, viewer_world):
    from tests.web.test_sync import _new_fire_reviewer

    base, sheet_id = viewer_world["urls"][0], viewer_world["sheet_id"]
    name, _ = _run(_new_fire_reviewer(stack))
    with page_as(browser, base, stack, name, viewport=VIEWER, password="a-long-password-1") as page:
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        open_viewer(page, base, sheet_id)
        assert len(sockets) == 1
        _run(_new_fire_reviewer(stack, active=False, username=name))
        wait_js(page, "document.querySelector('#sync-status').dataset.state === 'denied'",
                               timeout=(stack.settings.sync_recheck_s + 5) * 1000)
        assert "请重新登录" in page.inner_text("#sync-status")
        page.wait_for_timeout(2500)  # longer than the first reconnect back-offs (0.3 + 0.6 + 1.2 s)
        assert len(sockets) == 1  # refused, not a network failure: no reconnect storm
