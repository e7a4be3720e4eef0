"""Websocket authentication without a token in the URL, in both modes against real server
processes: ``?token=`` is refused; a single-use ticket from ``POST /api/ws-tickets`` connects
once; revoking the token, logging out or changing the password cuts an open socket at the next
re-check; the access log never shows a query secret."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest
import websockets

from tests.conftest import DRAWREVIEW, free_port, start_process, stop_process, wait_healthy
from tests.web.test_sync import Client, _new_fire_reviewer, rest_markup, token, world  # noqa: F401


def ws_url(base: str, project_id: int, query: str = "") -> str:
    return base.replace("http://", "ws://") + f"/ws/projects/{project_id}" + query


def browser_login(base: str, username: str, password: str) -> httpx.Client:
    h = httpx.Client(base_url=base)
    page = h.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert h.post("/login", data={"username": username, "password": password, "csrf_token": csrf}).status_code in (
        200, 303)
    return h


def cookie_of(h: httpx.Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in h.cookies.items())


async def refused(ws) -> dict:
    err = json.loads(await ws.recv())
    with pytest.raises(websockets.ConnectionClosed):
        await ws.recv()
    return err


async def test_a_token_in_the_url_is_refused(stack, servers, world):
    async with websockets.connect(ws_url(servers[0], world["project_id"], f"?token={token(stack, 'fire')}")) as ws:
        err = await refused(ws)
    assert err["code"] == "token_in_url" and err["messages"]["zh-CN"]


async def test_a_ticket_connects_once(stack, servers, world):
    r = httpx.post(f"{servers[0]}/api/ws-tickets", headers=stack.token_headers("fire"))
    assert r.status_code == 200
    ticket = r.json()["data"]["ticket"]
    # any app process accepts it (scaled: the other one), and only once
    async with websockets.connect(ws_url(servers[-1], world["project_id"], f"?ticket={ticket}")) as ws:
        await ws.send(json.dumps({"type": "hello", "since": 0}))
        assert json.loads(await ws.recv())["type"] == "welcome"
    async with websockets.connect(ws_url(servers[0], world["project_id"], f"?ticket={ticket}")) as ws:
        assert (await refused(ws))["code"] == "bad_ticket"
    forged = ticket[:-3] + ("AAA" if not ticket.endswith("AAA") else "BBB")
    async with websockets.connect(ws_url(servers[0], world["project_id"], f"?ticket={forged}")) as ws:
        assert (await refused(ws))["code"] == "bad_ticket"
    # a ticket of a caller who is not on the project is no key to it
    r = httpx.post(f"{servers[0]}/api/ws-tickets", headers=stack.token_headers("planning"))
    async with websockets.connect(ws_url(servers[0], stack.demo["project_id"],
                                         f"?ticket={r.json()['data']['ticket']}")) as ws:
        assert (await refused(ws))["code"] == "not_found"


async def test_a_browser_gets_a_ticket_with_its_csrf_token(stack, servers, world):
    h = browser_login(servers[0], "fire", stack.account("fire")["password"])
    try:
        assert h.post("/api/ws-tickets").status_code == 403  # no CSRF header: refused
        csrf = h.get("/api/me").json()["data"]["csrf_token"]
        ticket = h.post("/api/ws-tickets", headers={"x-csrf-token": csrf}).json()["data"]["ticket"]
    finally:
        h.close()
    async with websockets.connect(ws_url(servers[-1], world["project_id"], f"?ticket={ticket}")) as ws:
        await ws.send(json.dumps({"type": "hello", "since": 0}))
        assert json.loads(await ws.recv())["type"] == "welcome"


async def _cut(stack, servers, world, client: Client, end) -> None:
    first = rest_markup(stack, servers, world)
    await client.expect(lambda m: m["type"] == "annotation.created" and m["annotation"]["id"] == first["id"])
    end()
    err = await client.expect(lambda m: m["type"] == "error", timeout=stack.settings.sync_recheck_s + 5)
    assert err["code"] == "access_revoked"
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await client.recv()


async def test_revoking_the_token_cuts_its_open_socket(stack, servers, world):
    name, tok = await _new_fire_reviewer(stack)
    c = await Client.connect(servers[-1], world["project_id"], tok)
    tokens = httpx.get(f"{servers[0]}/api/tokens", headers={"Authorization": f"Bearer {tok}"}).json()["data"]
    await _cut(stack, servers, world, c, lambda: httpx.delete(
        f"{servers[0]}/api/tokens/{tokens[0]['id']}", headers={"Authorization": f"Bearer {tok}"}).raise_for_status())


@pytest.mark.parametrize("how", ["logout", "password"])
async def test_logout_or_a_password_change_cuts_the_browsers_socket(stack, servers, world, how):
    name, _ = await _new_fire_reviewer(stack)
    h = browser_login(servers[0], name, "a-long-password-1")
    csrf = h.get("/api/me").json()["data"]["csrf_token"]
    c = Client(await websockets.connect(ws_url(servers[-1], world["project_id"]),
                                        additional_headers={"Cookie": cookie_of(h)}))
    await c.send({"type": "hello", "since": 0})
    await c.expect(lambda m: m["type"] == "welcome")

    def end():
        if how == "logout":
            h.post("/logout", data={"csrf_token": csrf})
        else:
            other = browser_login(servers[0], name, "a-long-password-1")  # the change comes from another browser
            other_csrf = other.get("/api/me").json()["data"]["csrf_token"]
            other.post("/api/me/password", headers={"x-csrf-token": other_csrf},
                       json={"current_password": "a-long-password-1", "new_password": "b-long-password-2"}
                       ).raise_for_status()

    try:
        await _cut(stack, servers, world, c, end)
    finally:
        h.close()


def test_the_access_log_redacts_query_secrets(stack, tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "info"], stack.env, log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, proc)
        httpx.get(f"{base}/api/progress?case=LHST-2026-000001&code=SECRETCODE123")
        httpx.get(f"{base}/api/me?token=drt_SECRETTOKEN&lang=en")

        async def probe():
            async with websockets.connect(ws_url(base, stack.demo["project_id"], "?ticket=SECRETTICKET")) as ws:
                await refused(ws)

        asyncio.run(probe())
    finally:
        stop_process(proc)
    text = log.read_text()
    assert "/api/progress?case=LHST-2026-000001&code=***" in text and "lang=en" in text
    assert "SECRET" not in text, [line for line in text.splitlines() if "SECRET" in line]


@pytest.mark.parametrize("raw", [
    '{"type": "hello", "since": 0, "x": "\\u0000"}',
    '{"type": "annotation.create", "client_id": "' + "a" * 8 + '", "body": "\\ud800"}',
    '{"type": "ping", "n": 123456789012345678901234567890}',
    "[" * 5000 + "]" * 5000,
])
async def test_hostile_websocket_messages_are_bad_json(stack, servers, world, raw):
    c = await Client.connect(servers[0], world["project_id"], token(stack, "fire"), since=None)
    await c.send(raw)
    err = await c.expect(lambda m: m["type"] == "error")
    assert err["code"] == "bad_json", err
    await c.send({"type": "hello", "since": 0})  # the connection stays usable
    assert (await c.expect(lambda m: m["type"] == "welcome"))["type"] == "welcome"
    await c.close()


async def test_an_out_of_range_project_id_is_not_found(stack, servers):
    async with websockets.connect(ws_url(servers[0], 99999999999999999999999),
                                  additional_headers={"Authorization": f"Bearer {token(stack, 'window')}"}) as ws:
        assert (await refused(ws))["code"] == "not_found"
