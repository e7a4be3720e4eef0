"""The viewer's outbox cannot jam, in real Chromium against real ``drawreview serve`` processes:

* a markup larger than the server's limit (the same ``max_message_bytes``, from the page config)
  is refused in the browser: never sent, never stored, the reviewer is told, the next one passes;
* a write the server refuses (a viewer that did not check, or a body over the field limit) is
  named by its ``client_id``, dropped from the outbox with a message, and later writes pass: no
  reconnect storm (the issue: ~90 socket reopens in 30 s and nothing got through after);
* reconnects back off exponentially with jitter.
"""

from __future__ import annotations

import time

import httpx

from drawreview.web.sync_messages import MAX_FRAME_BYTES, MAX_MESSAGE_BYTES

from .conftest import VIEWER, draw_box, open_viewer, save_markup, signed_in, wait_js


def _viewer(browser, stack, base, username, sheet_id):
    page = signed_in(browser, base, stack, username, viewport=VIEWER)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.sockets = []  # (opened at, websocket) for the project socket
    page.sent = []  # sizes of the frames the page sent on it
    page.on("websocket", lambda ws: (page.sockets.append((time.monotonic(), ws)),
                                     ws.on("framesent", lambda payload: page.sent.append(len(payload)))))
    open_viewer(page, base, sheet_id)
    return page.context, page


def _server_markups(stack, base, world) -> list[dict]:
    r = httpx.get(f"{base}/api/projects/{world['project_id']}/annotations", headers=stack.token_headers("window"))
    return r.json()["data"]


def _outbox(page) -> int:
    return page.evaluate("window.drawreviewViewer.sync.outbox.length")


def _stored(page) -> str | None:
    return page.evaluate("window.localStorage.getItem(window.drawreviewViewer.sync.storageKey)")


def _draw_and_save(page, body, x=300):
    draw_box(page, "rect", x, 300, x + 80, 360)
    save_markup(page, body)


def _wait(predicate, timeout_s=10.0, what=""):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_markup_over_the_limit_is_refused_in_the_browser(browser, stack, viewer_world, shots):
    base = viewer_world["urls"][0]
    ctx, page = _viewer(browser, stack, base, "fire", viewer_world["sheet_id"])
    try:
        assert page.evaluate("window.drawreviewViewer.sync.maxBytes") == MAX_MESSAGE_BYTES
        before = len(_server_markups(stack, base, viewer_world))
        huge = "超" * (MAX_MESSAGE_BYTES // 3 + 100)  # fewer characters than the limit, more UTF-8 bytes
        _draw_and_save(page, huge)
        toast = page.wait_for_selector(".vw-toast.error", timeout=5000)
        assert "过大" in toast.inner_text() and str(MAX_MESSAGE_BYTES) in toast.inner_text()
        page.screenshot(path=str(shots / f"{stack.mode}-too-large.png"))
        assert _outbox(page) == 0 and _stored(page) is None  # never queued, never stored
        assert max(page.sent, default=0) < MAX_MESSAGE_BYTES  # never sent
        assert page.locator("#markup-list .vw-item", has_text="超超超").count() == 0  # the draft is gone
        _draw_and_save(page, "超限之后的正常意见", x=500)
        page.wait_for_selector("#markup-list .vw-item:has-text('超限之后的正常意见')")
        _wait(lambda: len(_server_markups(stack, base, viewer_world)) == before + 1, what="the next markup")
        _wait(lambda: _outbox(page) == 0, what="the outbox to empty")
        assert len(page.sockets) == 1 and not page.errors, (page.sockets, page.errors)
    finally:
        ctx.close()


def test_a_write_the_server_refuses_leaves_the_outbox_and_the_next_passes(browser, stack, viewer_world, shots):
    base = viewer_world["urls"][-1]
    ctx, page = _viewer(browser, stack, base, "fire", viewer_world["sheet_id"])
    try:
        before = len(_server_markups(stack, base, viewer_world))
        # a viewer that does not check (an older one): the server refuses the 1.1 MB write by its client_id
        page.evaluate("window.drawreviewViewer.sync.maxBytes = 1e9")
        _draw_and_save(page, "大" * 380_000)
        toast = page.wait_for_selector(".vw-toast.error", timeout=10000)
        assert "过大" in toast.inner_text()
        assert max(page.sent) > MAX_MESSAGE_BYTES  # it did go out this time
        _wait(lambda: _outbox(page) == 0, what="the refused write to leave the outbox")
        assert _stored(page) is None
        page.evaluate(f"window.drawreviewViewer.sync.maxBytes = {MAX_MESSAGE_BYTES}")
        # a body over the field limit (10,000 characters) but under the size limit: refused by validation
        page.evaluate("document.querySelectorAll('.vw-toast').forEach((e) => e.remove())")
        _draw_and_save(page, "长" * 12_000, x=450)
        toast = page.wait_for_selector(".vw-toast.error", timeout=10000)
        assert "操作失败" in toast.inner_text() and "不符合要求" in toast.inner_text(), toast.inner_text()
        _wait(lambda: _outbox(page) == 0, what="the second refused write to leave the outbox")
        page.screenshot(path=str(shots / f"{stack.mode}-refused.png"))
        # over the transport's own limit: the socket closes (1009) before any answer; the viewer
        # drops the write that was too big, reconnects once, and goes on
        page.evaluate("window.drawreviewViewer.sync.maxBytes = 1e9")
        page.evaluate("document.querySelectorAll('.vw-toast').forEach((e) => e.remove())")
        _draw_and_save(page, "巨" * (MAX_FRAME_BYTES // 3 + 1000), x=600)
        toast = page.wait_for_selector(".vw-toast.error", timeout=15000)
        assert "过大" in toast.inner_text()
        wait_js(page, "window.drawreviewViewer.sync.state === 'online'", timeout=15000)
        page.evaluate(f"window.drawreviewViewer.sync.maxBytes = {MAX_MESSAGE_BYTES}")
        _wait(lambda: _outbox(page) == 0, what="the write over the transport limit to leave the outbox")
        for i in range(3):  # later markups are not stuck behind the refused ones
            _draw_and_save(page, f"拒收之后的意见{i}", x=300 + 120 * i)
        _wait(lambda: len(_server_markups(stack, base, viewer_world)) == before + 3, what="the later markups")
        bodies = [m["body"] for m in _server_markups(stack, base, viewer_world)]
        assert all(f"拒收之后的意见{i}" in bodies for i in range(3))
        closes = page.evaluate("window.drawreviewViewer.sync.closes || []")
        assert len(page.sockets) == 2 and [c["code"] for c in closes] == [1009], (page.sockets, closes)
        assert not page.errors, page.errors
    finally:
        ctx.close()


def test_reconnects_back_off_exponentially_with_jitter(browser, stack, viewer_world):
    base = viewer_world["urls"][0]
    ctx, page = _viewer(browser, stack, base, "fire", viewer_world["sheet_id"])
    try:
        bounds = page.evaluate("""() => {
          const f = window.drawreviewViewer.sync.constructor.backoffDelay;
          return [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => [f(k, () => 0), f(k, () => 1)]);
        }""")
        assert all(lo == 250 for lo, _ in bounds), bounds  # the shortest wait never shrinks to nothing
        assert [hi for _, hi in bounds] == [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        delays = page.evaluate(r"""() => {
          const sync = window.drawreviewViewer.sync;
          sync.url = sync.url.replace(/\/ws\/projects\/.*/, '/ws/no-such-socket');  // refused at the handshake
          return new Promise((resolve) => {
            const seen = [];
            sync.addEventListener('status', () => {
              if (sync.state === 'offline' && sync.nextRetryMs && seen.length < 4) seen.push(sync.nextRetryMs);
              if (seen.length === 4) { sync.stop(); resolve(seen); }
            });
            sync.drop();
          });
        }""")
        assert len(delays) == 4 and all(250 <= d <= 500 * 2 ** k for k, d in enumerate(delays)), delays
        # jittered: no two viewers retry in step. Judged on many draws of one attempt's delay: two of
        # four draws in ranges of a few hundred milliseconds can be equal by chance (CI saw 364 twice)
        draws = page.evaluate("() => Array.from({length: 50}, () => "
                              "window.drawreviewViewer.sync.constructor.backoffDelay(5))")
        assert all(250 <= d <= 16000 for d in draws) and len(set(draws)) >= 40, draws
    finally:
        ctx.close()


def _journal_table(stack, away: bool) -> None:
    """A real failure of the server's writes: the table every markup write records its client_id
    in is renamed away (each write then fails inside the server: internal_error), or back."""
    old, new = ("client_write", "client_write_away") if away else ("client_write_away", "client_write")
    sql = f"ALTER TABLE {old} RENAME TO {new}"
    if stack.mode == "scaled":
        import asyncio

        import asyncpg

        async def run():
            conn = await asyncpg.connect(stack.env["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://"))
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API runs its own event loop in this thread
            pool.submit(asyncio.run, run()).result()
    else:
        import sqlite3

        path = stack.settings.database_url.split("///", 1)[1]
        with sqlite3.connect(path, timeout=30) as db:
            db.execute(sql)


def test_a_write_the_server_failed_is_sent_again_and_dropped_only_after_its_last_try(browser, stack, viewer_world,
                                                                                       shots):
    base = viewer_world["urls"][-1]
    ctx, page = _viewer(browser, stack, base, "fire", viewer_world["sheet_id"])
    try:
        page.evaluate("""() => { window.retried = [];
          window.drawreviewViewer.sync.addEventListener('retrying', (e) => window.retried.push(e.detail)); }""")
        before = len(_server_markups(stack, base, viewer_world))
        _journal_table(stack, away=True)
        try:
            _draw_and_save(page, "数据库恢复后保存的意见")
            wait_js(page, "window.retried.length >= 1", timeout=10000)
            sync_el = page.locator(".vw-status .sync")
            assert sync_el.get_attribute("data-state") == "retrying" and "自动重试" in sync_el.inner_text()
            page.screenshot(path=str(shots / f"{stack.mode}-retrying.png"))
            assert _outbox(page) == 1 and _stored(page)  # kept, also across a reload
        finally:
            _journal_table(stack, away=False)
        _wait(lambda: len(_server_markups(stack, base, viewer_world)) == before + 1, what="the retried markup")
        _wait(lambda: _outbox(page) == 0, what="the outbox to empty")
        bodies = [m["body"] for m in _server_markups(stack, base, viewer_world)]
        assert bodies.count("数据库恢复后保存的意见") == 1  # sent again, stored once
        assert page.locator(".vw-toast.error").count() == 0
        retried = page.evaluate("window.retried")
        assert retried[0]["error"]["code"] == "internal_error" and retried[0]["max"] == 5
        # a write that keeps failing is given up after its last try, with the server's message, and
        # does not hold back the next one
        page.evaluate("window.retried = []")
        _journal_table(stack, away=True)
        try:
            _draw_and_save(page, "一直失败的意见", x=450)
            toast = page.wait_for_selector(".vw-toast.error", timeout=20000)
            assert "服务器内部错误" in toast.inner_text(), toast.inner_text()
            assert [r["tries"] for r in page.evaluate("window.retried")] == [1, 2, 3, 4]
            _wait(lambda: _outbox(page) == 0, what="the failed write to leave the outbox")
        finally:
            _journal_table(stack, away=False)
        _draw_and_save(page, "恢复之后的下一条意见", x=600)
        _wait(lambda: "恢复之后的下一条意见" in [m["body"] for m in _server_markups(stack, base, viewer_world)],
              what="the next markup")
        assert "一直失败的意见" not in [m["body"] for m in _server_markups(stack, base, viewer_world)]
        assert len(page.sockets) == 1 and not page.errors, (page.sockets, page.errors)
    finally:
        ctx.close()


RECORD_RETRIES = """window.retried = [];
  const dispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (e) {
    if (e.type === 'retrying') window.retried.push(e.detail);
    return dispatch.call(this, e);
  };"""


def test_a_failing_writes_tries_survive_a_reload(browser, stack, viewer_world, shots):
    """The tries a write has used are kept beside the outbox: reloading the page does not give a
    write that keeps failing its full count again (it used to start from 1 after every reload)."""
    base = viewer_world["urls"][-1]
    ctx, page = _viewer(browser, stack, base, "fire", viewer_world["sheet_id"])
    page.add_init_script(RECORD_RETRIES)  # from the next load on, from the viewer's first event
    page.evaluate("() => {" + RECORD_RETRIES + "}")
    try:
        _journal_table(stack, away=True)
        try:
            _draw_and_save(page, "重新加载前后都失败的意见")
            wait_js(page, "window.retried.length >= 2", timeout=15000)
            before = [r["tries"] for r in page.evaluate("window.retried")]
            page.reload()
            wait_js(page, "!!(window.drawreviewViewer && window.drawreviewViewer.sync)", timeout=15000)
            toast = page.wait_for_selector(".vw-toast.error", timeout=30000)
            assert "服务器内部错误" in toast.inner_text(), toast.inner_text()
            after = [r["tries"] for r in page.evaluate("window.retried")]
            # each failure counted once over both loads: tries go on from where they were
            assert after and after[0] == before[-1] + 1, (before, after)
            assert before + after == list(range(1, 5))[: len(before) + len(after)], (before, after)
            _wait(lambda: _outbox(page) == 0, what="the failed write to leave the outbox")
            key = page.evaluate("window.drawreviewViewer.sync.storageKey")
            assert page.evaluate(f"window.localStorage.getItem({key!r} + ':tries')") is None
        finally:
            _journal_table(stack, away=False)
        assert "重新加载前后都失败的意见" not in [m["body"] for m in _server_markups(stack, base, viewer_world)]
    finally:
        ctx.close()
