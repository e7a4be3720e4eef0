"""docker-compose's one address: deploy/nginx.conf in front of two app processes (PostgreSQL +
Redis), run with the real nginx. Docker cannot run here, so the test loads the very file the
compose `proxy` service mounts (tests/nginx.py), with only the replica addresses, the listening
port and the log path replaced:

- every socket of one project reaches the same app process, and projects spread over both;
- a live markup goes through the proxy to the project's other sockets;
- the client's own address reaches the app (throttling and the audit trail), from a proxy that
  is not on 127.0.0.1 — believed only because DRAWREVIEW_TRUSTED_PROXIES names it;
- the app's own upload limit answers through the proxy with its bilingual JSON error."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import DRAWREVIEW, build_stack, free_port, start_process, stop_process, teardown_stack, wait_healthy
from tests.nginx import start_nginx

PROXY_ADDRESS = "127.0.0.5"  # nginx's side of its connections to the apps (as a container network's)
CLIENT_ADDRESS = "127.0.0.7"  # the browser's


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("proxy")
    stack = build_stack("scaled", tmp / "data")
    env = {**stack.env, "DRAWREVIEW_TRUSTED_PROXIES": PROXY_ADDRESS}
    ports = [free_port(), free_port()]
    procs = [start_process(DRAWREVIEW + ["serve", "--port", str(p), "--log-level", "warning"], env, tmp / f"app{i}.log")
             for i, p in enumerate(ports)]
    listen = free_port()
    procs.append(start_nginx(tmp / "nginx", listen, ports, bind=PROXY_ADDRESS))
    try:
        for p, proc in zip(ports, procs):
            wait_healthy(f"http://127.0.0.1:{p}", proc)
        wait_healthy(f"http://127.0.0.1:{listen}", procs[-1])
        yield {"stack": stack, "url": f"http://127.0.0.1:{listen}", "ws": f"ws://127.0.0.1:{listen}",
               "ports": ports, "log": tmp / "nginx" / "access.log"}
    finally:
        for proc in procs:
            stop_process(proc)
        teardown_stack(stack)


def _upstreams(log: Path, path_re: str) -> dict[str, set[str]]:
    """path -> the app addresses nginx sent it to, from the access log."""
    out: dict[str, set[str]] = {}
    for line in log.read_text().splitlines():
        m = re.search(r'"GET (\S+) HTTP[^"]*" \d+ \d+ upstream=(\S+)', line)
        if m and re.fullmatch(path_re, m.group(1)):
            out.setdefault(m.group(1), set()).add(m.group(2))
    return out


def _wait_logged(log: Path, path_re: str, count: int) -> dict[str, set[str]]:
    deadline = time.monotonic() + 10
    while True:  # nginx logs a websocket when it closes
        seen = _upstreams(log, path_re) if log.exists() else {}
        if sum(len(v) for v in seen.values()) >= count or time.monotonic() > deadline:
            return seen
        time.sleep(0.1)


async def _socket(url: str, token: str):
    ws = await websockets.connect(url, open_timeout=10, additional_headers={"Authorization": f"Bearer {token}"})
    await ws.send(json.dumps({"type": "hello", "since": 0}))
    while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "welcome":
        pass
    return ws


async def _live_markup(base: str, project_id: int, sheet_id: int, tokens: list[str]) -> tuple[str, list[dict]]:
    sockets = [await _socket(f"{base}/ws/projects/{project_id}", t) for t in tokens]
    client_id = uuid.uuid4().hex
    await sockets[0].send(json.dumps({"type": "annotation.create", "client_id": client_id, "sheet_id": sheet_id,
                                      "kind": "pin", "geometry": {"points": [[10, 10]]}, "body": "经代理 via proxy"}))
    seen = []
    for ws in sockets[1:]:
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if msg.get("type") == "annotation.created":
                seen.append(msg)
                break
    for ws in sockets:
        await ws.close()
    return client_id, seen


def test_a_projects_sockets_meet_in_one_process_and_a_markup_crosses_the_proxy(site):
    from tests.web.matrix.annotations import create_review_world

    stack = site["stack"]
    world = create_review_world(stack)
    tokens = [stack.account(u)["token"] for u in ("fire", "planning", "window", "designer", "fire", "planning")]
    client_id, seen = asyncio.run(_live_markup(site["ws"], world["project_id"], world["sheet_id"], tokens))
    assert [m["client_id"] for m in seen] == [client_id] * (len(tokens) - 1)
    path = f"/ws/projects/{world['project_id']}"
    routed = _wait_logged(site["log"], re.escape(path), 1)[path]
    assert len(routed) == 1, f"one project's sockets reached {routed}"

    # other projects spread over both processes (sockets the app refuses are routed all the same)
    async def knock(n: int) -> None:
        try:
            ws = await websockets.connect(f"{site['ws']}/ws/projects/{n}", open_timeout=10)
            await ws.close()
        except websockets.InvalidStatus:
            pass

    async def knock_all() -> None:
        for n in range(1000, 1040):
            await knock(n)

    asyncio.run(knock_all())
    spread = _wait_logged(site["log"], r"/ws/projects/10[0-3]\d", 40)
    apps = {f"127.0.0.1:{p}" for p in site["ports"]}
    assert set().union(*spread.values()) == apps
    assert all(len(v) == 1 for v in spread.values())


def test_the_clients_address_reaches_the_app_through_a_trusted_proxy(site):
    stack = site["stack"]
    transport = httpx.HTTPTransport(local_address=CLIENT_ADDRESS)
    with httpx.Client(base_url=site["url"], transport=transport) as c:
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        wrong = f"nobody-{uuid.uuid4().hex[:6]}"
        r = c.post("/login", data={"username": wrong, "password": "x" * 12, "csrf_token": token})
        assert r.status_code == 400

    async def failed_from() -> list:
        from sqlmodel import select

        from drawreview.db import Database
        from drawreview.models import AuditEntry

        db = Database(stack.settings)
        try:
            async with db.session() as s:
                rows = (await s.exec(select(AuditEntry).where(AuditEntry.action == "user.login_failed"))).all()
                return [r.detail for r in rows if (r.detail or {}).get("username") == wrong]
        finally:
            await db.close()

    details = asyncio.run(failed_from())
    assert [d["address"] for d in details] == [CLIENT_ADDRESS]


def test_the_apps_body_limit_answers_through_the_proxy(site):
    """nginx neither limits nor buffers bodies: the app refuses an oversized one with its own
    bilingual JSON error, with a length given or streamed without one."""
    h = {**site["stack"].token_headers("designer"), "content-type": "application/json", "Accept-Language": "en"}
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'

    def chunks():
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 65536

    for body in (big, chunks()):
        r = httpx.post(f"{site['url']}/api/projects", headers=h, content=body, timeout=30)
        assert r.status_code == 413 and r.headers["content-type"].startswith("application/json"), r.text[:200]
        error = r.json()["error"]
        assert error["code"] == "body_too_large" and error["messages"]["zh-CN"] and error["messages"]["en"]


def test_an_early_answer_reads_the_rest_of_the_body_before_closing(site):
    """The app answers an oversized body before reading it; the client (a proxy streaming an
    upload) goes on sending. The app reads and drops the rest before it closes, so the client
    reads the whole answer and a clean end, not a connection reset (which nginx turns into 502)."""
    import socket

    length = 3 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", site["ports"][0]), timeout=10) as sock:
        head = (f"POST /api/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {length}\r\n\r\n").encode()
        sock.sendall(head + b"x" * 65536)
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
        sent = 65536
        while sent < length:  # a reset here, or below, is what the proxy would see
            sock.sendall(b"x" * 65536)
            sent += 65536
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    declared = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
    assert len(body) == declared and json.loads(body)["error"]["code"] == "body_too_large"
