"""A browser whose session has expired or was ended is told so (decision 134): 401
``session_ended`` ("您的登录已过期或已结束，请重新登录" / "Your sign-in has expired or was ended;
please log in again") over the API and the websocket, where it was the "please log in first" of
a visitor who never logged in. Real server processes (one with a 3-second session) in both modes.
"""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
import websockets

from tests.conftest import DRAWREVIEW, free_port, start_process, stop_process, wait_healthy

MAX_AGE_S = 3


@pytest.fixture(scope="module")
def short_sessions(stack, tmp_path_factory):
    port = free_port()
    proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"],
                         {**stack.env, "DRAWREVIEW_SESSION_MAX_AGE_S": str(MAX_AGE_S)},
                         tmp_path_factory.mktemp("logs") / "app.log")
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)


def browser(base: str, stack, username: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": username, "password": stack.account(username)["password"],
                               "csrf_token": token, "next": "/"})
    assert r.status_code == 303, r.text
    return c


def assert_ended(r: httpx.Response, lang: str) -> None:
    assert r.status_code == 401, r.text
    err = r.json()["error"]
    assert err["code"] == "session_ended", err
    expected = {"zh-CN": "您的登录已过期或已结束，请重新登录",
                "en": "Your sign-in has expired or was ended; please log in again"}
    assert err["message"] == expected[lang] and err["messages"] == expected


def test_a_session_ended_elsewhere_is_named(stack, servers):
    a = browser(servers[0], stack, "designer")
    b = httpx.Client(base_url=servers[-1], timeout=30)
    b.cookies.set("drawreview_session", a.cookies.get("drawreview_session"))
    assert b.get("/api/me").status_code == 200
    csrf = a.get("/api/me").json()["data"]["csrf_token"]
    assert a.post("/logout", data={"csrf_token": csrf}).status_code == 303
    for lang in ("zh-CN", "en"):
        b.cookies.set("drawreview_session", a.cookies.get("drawreview_session") or b.cookies.get("drawreview_session"))
        assert_ended(b.get("/api/me", headers={"Accept-Language": lang}), lang)
    # a visitor without a cookie is still asked to log in
    r = httpx.get(f"{servers[0]}/api/me", headers={"Accept-Language": "en"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


async def test_an_expired_session_is_named_over_http_and_the_websocket(stack, short_sessions):
    c = await asyncio.to_thread(browser, short_sessions, stack, "designer")
    cookie = c.cookies.get("drawreview_session")
    assert (await asyncio.to_thread(c.get, "/api/me")).status_code == 200
    await asyncio.sleep(MAX_AGE_S + 0.5)
    for lang in ("en", "zh-CN"):
        c.cookies.set("drawreview_session", cookie)
        r = await asyncio.to_thread(c.get, f"/api/projects/{stack.demo['project_id']}", headers={"Accept-Language": lang})
        assert_ended(r, lang)
    url = short_sessions.replace("http://", "ws://") + f"/ws/projects/{stack.demo['project_id']}"
    started = time.monotonic()
    async with websockets.connect(url, additional_headers={"Cookie": f"drawreview_session={cookie}",
                                                           "Origin": short_sessions, "Accept-Language": "en"}) as ws:
        import json

        msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert msg["type"] == "error" and msg["code"] == "session_ended", msg
        assert msg["messages"]["en"] == "Your sign-in has expired or was ended; please log in again"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd.code == 4401
    assert time.monotonic() - started < 10
