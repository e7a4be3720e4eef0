"""The project websocket under bad input, load and revocation, against a real server process
whose log is read afterwards, in both modes:

* a too-large, malformed or deeply nested message is refused with an error naming its
  ``client_id`` (read before the full parse), nothing is written, no traceback is logged;
* a text message that is not UTF-8 fails the connection (1007, a reason in both languages) with
  one log line and no traceback; other connections and writes go on;
* a client that vanishes in the middle of its replies leaves no "Exception in ASGI application";
* a full inbox answers ``slow_down`` (with the ``client_id``) instead of queueing without bound,
  and every write is answered exactly once;
* revoking an API token cuts the sockets opened with it within the re-check interval;
* clients that stop reading their sockets hold no write slot (the others' writes are answered at
  once) and are dropped (a TCP reset) once they took nothing for ``sync_send_stall_s``;
* one user holds at most ``sync_max_sockets_per_user`` sockets open in a process (4429).
"""

from __future__ import annotations

import asyncio
import json
import socket
import time

import httpx
import pytest
import websockets

from drawreview.web.sync_messages import MAX_MESSAGE_BYTES
from tests.web.matrix.annotations import create_review_world
from tests.web.test_sync import PIN, Client, cid, token

RECHECK_S = 0.5
INBOX = 2
STALL_S = 4.0  # a peer taking nothing this long is dropped
SOCKETS = 16  # project sockets one user may hold open in the process


@pytest.fixture(scope="module")
def server(stack, tmp_path_factory):
    """One app process with a short access re-check and a tiny inbox; yields (url, log path)."""
    from tests.conftest import DRAWREVIEW, free_port, start_process, stop_process, wait_healthy

    log = tmp_path_factory.mktemp("logs") / "app.log"
    port = free_port()
    proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "info"],
                         {**stack.env, "DRAWREVIEW_SYNC_RECHECK_S": str(RECHECK_S),
                          "DRAWREVIEW_SYNC_INBOX": str(INBOX), "DRAWREVIEW_SYNC_SEND_STALL_S": str(STALL_S),
                          "DRAWREVIEW_SYNC_MAX_SOCKETS_PER_USER": str(SOCKETS)}, log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def world(stack, server):
    return create_review_world(stack)


def tracebacks(log) -> list[str]:
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if "Traceback" in line or "Exception in ASGI application" in line]


def count_markups(stack, url, world) -> int:
    r = httpx.get(f"{url}/api/projects/{world['project_id']}/annotations", headers=stack.token_headers("window"))
    return len(r.json()["data"])


async def test_the_limit_is_published_once(stack, server, world):
    url, _ = server
    doc = httpx.get(f"{url}/api/openapi.json").json()
    assert doc["x-websocket"]["max_message_bytes"] == MAX_MESSAGE_BYTES
    c = await Client.connect(url, world["project_id"], token(stack, "fire"))
    try:
        assert c.welcome["max_message_bytes"] == MAX_MESSAGE_BYTES
    finally:
        await c.close()


async def test_refusals_name_the_client_id_and_log_no_traceback(stack, server, world):
    url, log = server
    before = count_markups(stack, url, world)
    c = await Client.connect(url, world["project_id"], token(stack, "fire"))
    try:
        big_id, bad_id, deep_id, odd_id = cid(), cid(), cid(), cid()
        # one byte over the limit, counted in UTF-8 bytes (3 per Chinese character)
        head = json.dumps({"type": "annotation.create", "client_id": big_id, "sheet_id": world["sheet_id"], **PIN},
                          ensure_ascii=False)[:-1] + ', "clause": "'
        body = "审" * ((MAX_MESSAGE_BYTES - len(head.encode())) // 3 + 1)
        frame = head + body + '"}'
        assert len(frame) < MAX_MESSAGE_BYTES < len(frame.encode())
        cases = [
            (frame, big_id, "too_large"),
            ('{"type": "annotation.create", "client_id": "%s", "sheet_id": 1, "kind": "pin", ' % bad_id, bad_id,
             "bad_json"),
            ('{"type": "annotation.create", "client_id": "%s", "geometry": %s1%s}' % (deep_id, "[" * 100_000,
                                                                                     "]" * 100_000), deep_id,
             "bad_json"),
            (json.dumps({"type": "annotation.explode", "client_id": odd_id}), odd_id, "unknown_type"),
        ]
        for text, client_id, code in cases:
            await c.send(text)
            err = await c.expect(lambda m: m["type"] == "error")
            assert err["code"] == code and err["client_id"] == client_id, (code, err)
            assert err["messages"]["zh-CN"] and err["messages"]["en"]
            if code == "too_large":
                assert err["details"]["max_bytes"] == MAX_MESSAGE_BYTES and err["in_reply_to"] == "annotation.create"
        deep = "[" * 200_000 + "]" * 200_000  # no client_id at all: still bad_json, and no id is made up
        await c.send(deep[: MAX_MESSAGE_BYTES - 1])
        err = await c.expect(lambda m: m["type"] == "error")
        assert err["code"] == "bad_json" and "client_id" not in err
        await c.send({"type": "ping", "client_id": "p1"})
        assert (await c.expect(lambda m: m["type"] in {"pong", "error"}))["type"] == "pong"  # still usable
    finally:
        await c.close()
    assert count_markups(stack, url, world) == before
    await asyncio.sleep(0.3)
    assert not tracebacks(log), tracebacks(log)


async def test_a_text_message_not_utf8_closes_1007_without_a_traceback(stack, server, world):
    url, log = server
    before = count_markups(stack, url, world)
    other = await Client.connect(url, world["project_id"], token(stack, "planning"))
    try:
        for _ in range(3):
            c = await Client.connect(url, world["project_id"], token(stack, "fire"))
            await c.ws.send(b'\xff\xfe{"type": "ping"}', text=True)
            with pytest.raises(websockets.ConnectionClosedError) as closed:
                while True:  # presence messages may come first
                    await c.recv()
            assert closed.value.rcvd.code == 1007, closed.value
            assert closed.value.rcvd.reason == "text frame is not UTF-8 / 文本帧不是有效的 UTF-8"
        await other.send({"type": "ping", "client_id": "p2"})
        assert (await other.expect(lambda m: m["type"] in {"pong", "error"}))["type"] == "pong"
        markup = await asyncio.to_thread(rest_id, stack, url, world)
        ack = await other.request({"type": "comment.create", "client_id": cid(), "annotation_id": markup, "body": "继续"})
        assert ack["type"] == "ack", ack
    finally:
        await other.close()
    assert count_markups(stack, url, world) == before + 1
    await asyncio.sleep(0.3)
    assert not tracebacks(log), tracebacks(log)
    assert log.read_text(errors="replace").count("a text message that is not UTF-8") == 3


def rest_id(stack, url, world) -> int:
    r = httpx.post(f"{url}/api/sheets/{world['sheet_id']}/annotations", headers=stack.token_headers("fire"),
                   json={"client_id": cid(), **PIN})
    assert r.status_code == 200, r.text
    return r.json()["data"]["annotation"]["id"]


async def test_a_client_vanishing_mid_reply_leaves_no_traceback(stack, server, world):
    url, log = server
    for n in range(30):
        c = await Client.connect(url, world["project_id"], token(stack, "fire"))
        for _ in range(INBOX + 3):  # writes, and refusals of the ones the inbox cannot take
            await c.send({"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"], **PIN})
        # gone at a different moment of its writes each time: before, inside or after a commit
        # (writes cut off inside their commits logged pool errors, and afterwards every write
        # of every client was refused with slow_down)
        await asyncio.sleep(0.002 * (n % 10))
        c.ws.transport.abort()  # gone without a close frame, while its answers are being written
    # a catch-up of the whole log, cut off at once
    raw = await websockets.connect(url.replace("http://", "ws://") + f"/ws/projects/{world['project_id']}",
                                   additional_headers={"Authorization": f"Bearer {token(stack, 'window')}"})
    await raw.send(json.dumps({"type": "hello", "since": 0}))
    raw.transport.abort()
    await asyncio.sleep(1.5)
    assert not tracebacks(log), tracebacks(log)
    c = await Client.connect(url, world["project_id"], token(stack, "fire"))  # the server is fine
    try:
        assert (await c.request({"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"],
                                 **PIN}))["type"] == "ack"
    finally:
        await c.close()


async def test_a_full_inbox_answers_slow_down_and_every_write_is_answered_once(stack, server, world):
    url, _ = server
    before = count_markups(stack, url, world)
    c = await Client.connect(url, world["project_id"], token(stack, "fire"))
    try:
        ids = [cid() for _ in range(30)]
        for client_id in ids:  # far more than the inbox holds, without waiting for answers
            await c.send({"type": "annotation.create", "client_id": client_id, "sheet_id": world["sheet_id"], **PIN})
        answers: dict[str, list[dict]] = {}
        while sum(len(v) for v in answers.values()) < len(ids):
            m = await c.expect(lambda m: m["type"] in {"ack", "error", "slow_down"}, timeout=20)
            answers.setdefault(m["client_id"], []).append(m)
        await c.quiet(0.5)
        assert all(len(answers.get(i, [])) == 1 for i in ids)  # each write answered exactly once
        slowed = [i for i in ids if answers[i][0]["type"] == "slow_down"]
        acked = [i for i in ids if answers[i][0]["type"] == "ack"]
        assert slowed and acked and len(slowed) + len(acked) == len(ids)
        first = answers[slowed[0]][0]
        assert first["code"] == "slow_down" and first["retry_after_ms"] > 0
        assert first["messages"]["zh-CN"] and first["messages"]["en"]
        assert count_markups(stack, url, world) == before + len(acked)  # a slowed write was not run
        for client_id in slowed:  # sent again, one at a time, each is written once
            r = await c.request({"type": "annotation.create", "client_id": client_id, "sheet_id": world["sheet_id"],
                                 **PIN})
            assert r["type"] == "ack" and not r["replay"], r
        assert count_markups(stack, url, world) == before + len(ids)
    finally:
        await c.close()


async def test_revoking_a_token_cuts_its_sockets(stack, server, world):
    from sqlalchemy import update
    from sqlmodel import select

    from drawreview.auth import new_api_token, token_digest
    from drawreview.db import Database
    from drawreview.models import ApiToken, User

    url, _ = server
    db = Database(stack.settings)
    try:
        async with db.session() as s:
            user = (await s.exec(select(User).where(User.username == "fire"))).one()
            tok = await new_api_token(s, user, "revocation test")
            await s.commit()
        cut = await Client.connect(url, world["project_id"], tok)
        stays = await Client.connect(url, world["project_id"], token(stack, "fire"))  # the same user, another token
        async with db.session() as s:
            await s.exec(update(ApiToken).where(ApiToken.token_hash == token_digest(tok)).values(revoked=True))
            await s.commit()
        revoked_at = time.monotonic()
        err = await cut.expect(lambda m: m["type"] == "error", timeout=RECHECK_S * 4 + 3)
        assert err["code"] == "access_revoked" and time.monotonic() - revoked_at < RECHECK_S * 4 + 3
        with pytest.raises(websockets.ConnectionClosed) as info:
            while True:
                await cut.recv()
        assert info.value.rcvd.code == 4403
        r = await stays.request({"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"], **PIN})
        assert r["type"] == "ack"
        again = await Client.connect(url, world["project_id"], tok, since=None)  # nor open a new one
        assert (await again.recv())["code"] == "bad_token"
        await again.close()
        await stays.close()
    finally:
        await db.close()


# --- clients that stop reading -------------------------------------------------------------

async def _stalled(url: str, project_id: int, tok: str):
    """A client that connects, says hello and then never reads its socket again (a small receive
    buffer, no compression: what the server sends piles up in its own send buffer)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = url.removeprefix("http://").split(":")
    sock.connect((host, int(port)))
    sock.setblocking(False)
    c = await Client.connect(url, project_id, tok, sock=sock, compression=None, max_queue=1)
    c.ws.transport.pause_reading()
    return c


async def test_clients_that_stop_reading_hold_no_write_slot_and_are_dropped(stack, server, world):
    """Found from outside: twelve sockets of one reviewer that sent a write each and then read
    nothing held every write slot of the process (each waited, slot in hand, to send its ack into
    a full buffer), and every other reviewer's write was answered slow_down, for as long as
    those sockets stayed open, which was for ever (uvicorn's close waits for the buffer too)."""
    url, log = server
    stuck = [await _stalled(url, world["project_id"], token(stack, "fire")) for _ in range(12)]  # > write slots
    writer = await Client.connect(url, world["project_id"], token(stack, "planning"))
    try:
        big = {"kind": "cloud", "severity": "general", "body": "补" * 9000,  # ~110 KB a markup event
               "geometry": {"points": [[1000.0 + i * 0.123456789, 2000.0 + i * 0.987654321] for i in range(2000)]}}
        for _ in range(40):  # their send buffers fill up with the live events of these
            r = await writer.request({"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"],
                                      **big}, timeout=20)
            assert r["type"] == "ack", r
        for c in stuck:  # a write each, whose answer cannot be sent
            await c.send({"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"], **PIN})
        await asyncio.sleep(0.5)
        for _ in range(3):  # the others' writes are answered at once, not slow_down
            key = cid()
            await writer.send({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], **PIN})
            r = await writer.expect(lambda m: m.get("client_id") == key and m["type"] in {"ack", "error", "slow_down"})
            assert r["type"] == "ack", r
        await asyncio.sleep(STALL_S + 1)
        for c in stuck:  # reset by the server: reading again finds the connection gone, not a stream of events
            c.ws.transport.resume_reading()
            try:
                while True:
                    await c.recv(timeout=5)
            except websockets.ConnectionClosed as exc:
                closed = exc
            except asyncio.TimeoutError:
                closed = None
            assert closed is not None and closed.rcvd is None, "a socket that read nothing was kept open"
        assert not tracebacks(log), tracebacks(log)
    finally:
        for c in stuck:
            c.ws.transport.abort()
        await writer.close()


async def test_one_user_holds_a_bounded_number_of_sockets(stack, server, world):
    """Found from outside: one construction-unit account opened 250 sockets on a project (no
    bound); each join is answered by every socket already there, so each further connect took
    longer (0.2 s at 250) and every write went out 250 times more."""
    url, log = server
    mine = [await Client.connect(url, world["project_id"], token(stack, "builder")) for _ in range(SOCKETS)]
    try:
        extra = await Client.connect(url, world["project_id"], token(stack, "builder"), since=None)
        err = await extra.recv()
        assert err["type"] == "error" and err["code"] == "too_many_sockets", err
        assert err["messages"]["zh-CN"] and err["messages"]["en"] and err["details"]["max_sockets"] == SOCKETS
        with pytest.raises(websockets.ConnectionClosed) as info:
            await extra.recv()
        assert info.value.rcvd.code == 4429
        other = await Client.connect(url, world["project_id"], token(stack, "designer"))  # another user: fine
        await other.close()
        await mine.pop().close()  # a place freed is a place taken again
        deadline = time.monotonic() + 10
        while True:
            again = await Client.connect(url, world["project_id"], token(stack, "builder"), since=None)
            await again.send({"type": "hello", "since": 0})
            first = await again.expect(lambda m: m["type"] in {"welcome", "error"})
            if first["type"] == "welcome" or time.monotonic() > deadline:
                break
            await again.close()
        assert first["type"] == "welcome", first
        mine.append(again)
    finally:
        for c in mine:
            await c.close()
    assert not tracebacks(log), tracebacks(log)
