"""Presence survives the loss of an app process: in the scaled topology (two app processes,
PostgreSQL, Redis, an arq worker) a reviewer connected to a process that is killed — no
``leave`` is ever sent — disappears from the others' viewers once his beats stop, while a
live reviewer stays listed however long he only looks.

Only the scaled topology can lose one process and keep serving, so this module builds its own
scaled stack (the embedded mode has one process: when it dies every viewer disconnects).
"""

from __future__ import annotations

import json
import signal
import time

import pytest
from websockets.sync.client import connect

from tests.conftest import (DRAWREVIEW, build_stack, free_port, start_process, stop_process, teardown_stack,
                            wait_healthy)

from .conftest import VIEWER, chromium_browser, make_sheet, open_viewer, signed_in

BEAT_S = 0.5  # viewers drop an entry after three missed beats: 1.5 s


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    stack = build_stack("scaled", tmp_path_factory.mktemp("data-presence"))
    env = {**stack.env, "DRAWREVIEW_PRESENCE_BEAT_S": str(BEAT_S)}
    logs = tmp_path_factory.mktemp("logs-presence")
    procs, urls = [], []
    try:
        for i in range(2):
            port = free_port()
            procs.append(start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"], env,
                                       logs / f"app{i}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        procs.append(start_process(DRAWREVIEW + ["worker"], env, logs / "worker.log"))
        for url, proc in zip(urls, procs):
            wait_healthy(url, proc)
        world = make_sheet(stack, urls[0], tmp_path_factory.mktemp("dxf-presence"))
        yield stack, urls, procs, world
    finally:
        for proc in procs:
            stop_process(proc)
        teardown_stack(stack)


@pytest.fixture(scope="module")
def browser(pair):
    yield from chromium_browser()


def _names(page) -> list[str]:
    return page.locator("#presence-list li").all_inner_texts()


def test_a_reviewer_on_a_killed_process_leaves_the_others_viewers(pair, browser):
    stack, urls, procs, world = pair
    planning = stack.account("planning")
    ws_url = urls[1].replace("http://", "ws://") + f"/ws/projects/{world['project_id']}"
    ws = connect(ws_url, open_timeout=10, additional_headers={"Authorization": f"Bearer {planning['token']}"})
    try:
        ws.send(json.dumps({"type": "hello", "since": 0}))
        page = signed_in(browser, urls[0], stack, "fire", viewport=VIEWER)
        open_viewer(page, urls[0], world["sheets"][0]["id"])
        page.click("#tab-presence")
        deadline = time.monotonic() + 10
        while not any(planning["display_name"] in n for n in _names(page)):
            assert time.monotonic() < deadline, _names(page)
            time.sleep(0.1)
        time.sleep(4 * BEAT_S * 3)  # well past the time-to-live: his beats keep him listed
        assert any(planning["display_name"] in n for n in _names(page)), _names(page)
        procs[1].send_signal(signal.SIGKILL)  # his process dies: no leave is ever published
        procs[1].wait(10)
        t0 = time.monotonic()
        while any(planning["display_name"] in n for n in _names(page)):
            assert time.monotonic() - t0 < 3 * BEAT_S + 3, "a ghost stayed on the roster"
            time.sleep(0.1)
        assert any(stack.account("fire")["display_name"] in n for n in _names(page))  # we stay
    finally:
        try:
            ws.close()
        except Exception:  # noqa: BLE001 - its server is gone
            pass
