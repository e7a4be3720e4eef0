"""The project websocket against real server processes, in both modes (embedded: one process;
scaled: two app processes + Redis), with the ``websockets`` client library.

Covers: refusal of callers not on the project, live fan-out across processes within a
second, idempotent writes, version conflicts, reconnect catch-up without gaps or duplicates,
presence, a permission check of every message type × role, and bad message shapes.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import httpx
import pytest
import websockets

from tests.web.matrix.annotations import create_review_world

PIN = {"kind": "pin", "geometry": {"points": [[120.5, 80.25]]}, "severity": "mandatory", "body": "请补充"}


def cid() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def world(stack, servers):
    return create_review_world(stack)


class Client:
    """A thin websocket client: JSON in, JSON out, every received message kept."""

    def __init__(self, ws):
        self.ws = ws
        self.seen: list[dict] = []

    @classmethod
    async def connect(cls, base: str, project_id: int, token: str | None, since: int | None = 0, **kw) -> "Client":
        url = base.replace("http://", "ws://") + f"/ws/projects/{project_id}"
        if token:  # never in the URL (it would land in access logs): the Authorization header
            kw.setdefault("additional_headers", {})["Authorization"] = f"Bearer {token}"
        client = cls(await websockets.connect(url, open_timeout=10, **kw))
        if since is not None:
            await client.send({"type": "hello", "since": since})
            client.welcome = await client.expect(lambda m: m["type"] == "welcome")
        return client

    async def send(self, msg) -> None:
        await self.ws.send(msg if isinstance(msg, (str, bytes)) else json.dumps(msg, ensure_ascii=False))

    async def recv(self, timeout: float = 5.0) -> dict:
        msg = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.seen.append(msg)
        return msg

    async def expect(self, pred, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            msg = await self.recv(max(0.01, deadline - time.monotonic()))
            if pred(msg):
                return msg

    async def request(self, msg: dict, timeout: float = 10.0) -> dict:
        """Send a write and return its ack or error (events in between are kept in ``seen``)."""
        await self.send(msg)
        key = msg.get("client_id")
        return await self.expect(lambda m: m["type"] in {"ack", "error"} and m.get("client_id") == key, timeout)

    async def quiet(self, seconds: float = 0.3) -> list[dict]:
        out = []
        try:
            while True:
                out.append(await self.recv(seconds))
        except asyncio.TimeoutError:
            return out

    async def close(self) -> None:
        await self.ws.close()


def token(stack, username: str) -> str:
    return stack.account(username)["token"]


def rest_markup(stack, servers, world, username: str = "fire") -> dict:
    r = httpx.post(f"{servers[0]}/api/sheets/{world['sheet_id']}/annotations", headers=stack.token_headers(username),
                   json={"client_id": cid(), **PIN}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["data"]["annotation"]


# --- who may subscribe ---------------------------------------------------------------------

@pytest.mark.parametrize("who,project,code,close", [
    ("fire", "demo", "not_found", 4404),        # a reviewer with no task on the project
    ("nobody", "world", "not_authenticated", 4401),
    ("bad-token", "world", "bad_token", 4401),
    ("window", "missing", "not_found", 4404),
])
async def test_callers_not_on_the_project_are_refused(stack, servers, world, who, project, code, close):
    pid = {"demo": stack.demo["project_id"], "world": world["project_id"], "missing": 987654}[project]
    tok = None if who == "nobody" else "drt_nope" if who == "bad-token" else token(stack, who)
    c = await Client.connect(servers[-1], pid, tok, since=None)
    err = await c.recv()
    assert err["type"] == "error" and err["code"] == code
    assert err["messages"]["zh-CN"] and err["messages"]["en"]
    with pytest.raises(websockets.ConnectionClosed) as info:
        await c.recv()
    assert info.value.rcvd.code == close


async def test_foreign_origin_with_cookie_is_refused(stack, servers, world):
    with httpx.Client(base_url=servers[0]) as h:
        import re

        page = h.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        h.post("/login", data={"username": "fire", "password": stack.account("fire")["password"], "csrf_token": csrf})
        cookie = "; ".join(f"{k}={v}" for k, v in h.cookies.items())
    url = servers[0].replace("http://", "ws://") + f"/ws/projects/{world['project_id']}"
    async with websockets.connect(url, additional_headers={"Cookie": cookie}) as ws:  # same origin: fine
        await ws.send(json.dumps({"type": "hello", "since": 0}))
        assert json.loads(await ws.recv())["type"] == "welcome"
    async with websockets.connect(url, additional_headers={"Cookie": cookie}, origin="http://evil.example") as ws:
        assert json.loads(await ws.recv())["code"] == "bad_origin"


# --- live events, idempotency, conflicts ------------------------------------------------------

async def test_write_on_one_process_reaches_the_other_within_a_second(stack, servers, world):
    a = await Client.connect(servers[0], world["project_id"], token(stack, "fire"))
    b = await Client.connect(servers[-1], world["project_id"], token(stack, "designer"))
    try:
        key = cid()
        t0 = time.monotonic()
        ack = await a.request({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], **PIN})
        assert ack["type"] == "ack" and isinstance(ack["seq"], int), ack
        ev = await b.expect(lambda m: m["type"] == "annotation.created" and m["client_id"] == key, timeout=1.0)
        assert time.monotonic() - t0 < 1.0
        assert ev["seq"] == ack["seq"] and ev["annotation"]["id"] == ack["annotation"]["id"]
        assert ev["annotation"]["discipline"] == "fire" and ev["annotation"]["color"]
        assert ev["actor"] and ev["actor_id"]
        # a REST write reaches websocket clients on every process too
        m = rest_markup(stack, servers, world)
        for c in (a, b):
            got = await c.expect(lambda x: x["type"] == "annotation.created" and x["annotation"]["id"] == m["id"], 1.0)
            assert got["seq"] > ack["seq"]
    finally:
        await a.close()
        await b.close()


async def test_writes_are_idempotent_by_client_id(stack, servers, world):
    a = await Client.connect(servers[0], world["project_id"], token(stack, "fire"))
    b = await Client.connect(servers[-1], world["project_id"], token(stack, "planning"))
    try:
        msg = {"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"], **PIN}
        first = await a.request(msg)
        second = await a.request(msg)
        assert first["type"] == second["type"] == "ack"
        assert (first["seq"], first["annotation"]) == (second["seq"], second["annotation"])
        assert second["replay"] is True
        reply = {"type": "comment.create", "client_id": cid(), "annotation_id": first["annotation"]["id"], "body": "同意"}
        r1, r2 = await b.request(reply), await b.request(reply)
        assert r1["comment"] == r2["comment"] and r1["seq"] == r2["seq"]
        events = [m for m in await b.quiet(0.5) + b.seen if m.get("client_id") in {msg["client_id"], reply["client_id"]}
                  and m["type"] in {"annotation.created", "comment.created"}]
        assert sorted(m["seq"] for m in events) == sorted({first["seq"], r1["seq"]})  # one event each
        # the same client_id for a different operation is refused
        other = await a.request({"type": "annotation.delete", "client_id": msg["client_id"],
                                 "annotation_id": first["annotation"]["id"], "version": 1})
        assert other["type"] == "error" and other["code"] == "client_id_reused"
    finally:
        await a.close()
        await b.close()


async def test_concurrent_edits_are_detected_by_version(stack, servers, world):
    m = rest_markup(stack, servers, world)
    a = await Client.connect(servers[0], world["project_id"], token(stack, "fire"))
    b = await Client.connect(servers[-1], world["project_id"], token(stack, "fire"))
    try:
        edit = {"type": "annotation.update", "annotation_id": m["id"], "version": m["version"]}
        r1, r2 = await asyncio.gather(a.request({**edit, "client_id": cid(), "body": "甲"}),
                                      b.request({**edit, "client_id": cid(), "body": "乙"}))
        kinds = sorted([r1["type"], r2["type"]])
        assert kinds == ["ack", "error"], (r1, r2)
        err = r1 if r1["type"] == "error" else r2
        won = r1 if r1["type"] == "ack" else r2
        assert err["code"] == "conflict" and err["details"]["version"] == m["version"] + 1
        assert err["messages"]["en"]
        final = httpx.get(f"{servers[0]}/api/annotations/{m['id']}", headers=stack.token_headers("window")).json()["data"]
        assert final["body"] == won["annotation"]["body"] and final["version"] == m["version"] + 1
    finally:
        await a.close()
        await b.close()


# --- reconnecting ----------------------------------------------------------------------------

async def test_reconnect_receives_exactly_what_it_missed(stack, servers, world):
    a = await Client.connect(servers[0], world["project_id"], token(stack, "fire"))
    start = a.welcome["seq"]
    await a.close()
    made = [rest_markup(stack, servers, world) for _ in range(3)]
    b = await Client.connect(servers[-1], world["project_id"], token(stack, "designer"), since=start)
    try:
        assert b.welcome["seq"] >= start + 3 and b.welcome["resync"] is False
        missed = [await b.expect(lambda m: "seq" in m and m["seq"] is not None) for _ in range(b.welcome["seq"] - start)]
        assert [m["seq"] for m in missed] == list(range(start + 1, b.welcome["seq"] + 1))
        assert {x["id"] for x in made} <= {m["annotation"]["id"] for m in missed if m["type"] == "annotation.created"}
        live = rest_markup(stack, servers, world)
        ev = await b.expect(lambda m: m["type"] == "annotation.created" and m["annotation"]["id"] == live["id"])
        assert ev["seq"] == b.welcome["seq"] + 1
    finally:
        await b.close()


async def test_no_gap_or_duplicate_at_the_catch_up_boundary(stack, servers, world):
    """Writes keep coming while clients reconnect: each sees every seq exactly once, in order."""
    stop = asyncio.Event()

    async def writer():
        async with httpx.AsyncClient(base_url=servers[0], headers=stack.token_headers("planning"), timeout=10) as h:
            while not stop.is_set():
                r = await h.post(f"/api/sheets/{world['sheet_id']}/annotations", json={"client_id": cid(), **PIN})
                assert r.status_code == 200, r.text

    task = asyncio.create_task(writer())
    try:
        probe = await Client.connect(servers[0], world["project_id"], token(stack, "window"))
        since = probe.welcome["seq"]
        await probe.close()
        await asyncio.sleep(0.3)
        clients = [await Client.connect(servers[i % len(servers)], world["project_id"], token(stack, "window"),
                                        since=since) for i in range(4)]
        await asyncio.sleep(0.8)
        stop.set()
        await task
        final = httpx.get(f"{servers[0]}/api/projects/{world['project_id']}/annotations",
                          headers=stack.token_headers("window"))
        assert final.status_code == 200
        probe = await Client.connect(servers[0], world["project_id"], token(stack, "window"))
        last = probe.welcome["seq"]
        await probe.close()
        for c in clients:
            while not [m for m in c.seen if m.get("seq") == last]:
                await c.recv(5)
            seqs = [m["seq"] for m in c.seen if m["type"] not in {"welcome", "presence", "ack", "error"}]
            assert seqs == list(range(since + 1, last + 1)), (seqs[:5], since, last)
            await c.close()
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)


# --- presence --------------------------------------------------------------------------------

async def test_presence_across_processes(stack, servers, world):
    a = await Client.connect(servers[0], world["project_id"], token(stack, "fire"))
    b = await Client.connect(servers[-1], world["project_id"], token(stack, "designer"))
    try:
        joined = await a.expect(lambda m: m["type"] == "presence" and m["event"] == "join"
                                and m["user"]["role"] == "designer", 2)
        assert joined["seq"] is None and joined["conn"] == b.welcome["conn"]
        here = await b.expect(lambda m: m["type"] == "presence" and m["event"] == "here"
                              and m["conn"] == a.welcome["conn"], 2)
        assert here["user"]["discipline"] == "fire" and "to" not in here
        ack = await b.request({"type": "presence.update", "client_id": cid(), "sheet_id": world["sheet_id"]})
        assert ack["type"] == "ack" and ack["seq"] is None
        moved = await a.expect(lambda m: m["type"] == "presence" and m["event"] == "update", 2)
        assert moved["sheet_id"] == world["sheet_id"] and moved["conn"] == b.welcome["conn"]
        bad = await b.request({"type": "presence.update", "client_id": cid(), "sheet_id": 99999999})
        assert bad["type"] == "error" and bad["code"] == "not_found"
        await b.close()
        left = await a.expect(lambda m: m["type"] == "presence" and m["event"] == "leave", 2)
        assert left["conn"] == b.welcome["conn"]
    finally:
        await a.close()


# --- permissions: every message type × role -----------------------------------------------

ROLES = ["window", "fire", "planning", "designer", "builder"]
ALLOWED = {
    "annotation.create": {"fire", "planning"},
    "annotation.update": {"fire"},
    "annotation.delete": {"fire"},
    "annotation.set_status": {"fire", "designer"},
    "comment.create": {"fire", "planning", "designer"},
    "finding.confirm": {"fire"},
    "finding.dismiss": {"fire"},
    "presence.update": set(ROLES),
    "ping": set(ROLES),
}


def build(kind: str, markup: dict, world: dict) -> dict:
    base = {"type": kind, "client_id": cid()}
    return base | {
        "annotation.create": {"sheet_id": world["sheet_id"], **PIN},
        "annotation.update": {"annotation_id": markup["id"], "version": 1, "body": "改"},
        "annotation.delete": {"annotation_id": markup["id"], "version": 1},
        "annotation.set_status": {"annotation_id": markup["id"], "version": 1, "status": "answered"},
        "comment.create": {"annotation_id": markup["id"], "body": "答复"},
        "finding.confirm": {"finding_id": world["finding_ids"][0]},
        "finding.dismiss": {"finding_id": world["finding_ids"][1], "reason": "误报"},
        "presence.update": {"sheet_id": world["other_sheet_id"]},
        "ping": {},
    }[kind]


async def test_every_message_type_is_authorised_per_role(stack, servers, world):
    from drawreview.web.sync_handlers import MESSAGE_HANDLERS

    assert set(ALLOWED) | {"hello"} == set(MESSAGE_HANDLERS), "a message type lacks a permission row"
    for role in ROLES:
        c = await Client.connect(servers[-1], world["project_id"], token(stack, role))
        try:
            for kind, allowed in ALLOWED.items():
                msg = build(kind, rest_markup(stack, servers, world), world)
                if kind == "ping":
                    await c.send(msg)
                    reply = await c.expect(lambda m: m["type"] in {"pong", "error"})
                    assert reply["type"] == "pong"
                    continue
                reply = await c.request(msg)
                if role in allowed:
                    assert reply["type"] == "ack", (role, kind, reply)
                else:
                    assert reply["type"] == "error" and reply["code"] == "permission_denied", (role, kind, reply)
                    assert reply["in_reply_to"] == kind and reply["messages"]["zh-CN"]
        finally:
            await c.close()


# --- bad messages ------------------------------------------------------------------------

BAD = [
    ("{not json", "bad_json"),
    ("[1, 2]", "bad_json"),
    ('"text"', "bad_json"),
    ("null", "bad_json"),
    ('{"no_type": 1}', "bad_message"),
    ('{"type": 5}', "bad_message"),
    ('{"type": "annotation.explode"}', "unknown_type"),
    ('{"type": "hello", "since": 0}', "already_subscribed"),
    ('{"type": "annotation.create", "sheet_id": 1}', "validation_failed"),  # no client_id
    ('{"type": "annotation.create", "client_id": "x", "sheet_id": "one"}', "bad_message"),
    ('{"type": "annotation.update", "client_id": "y", "annotation_id": true, "version": 1}', "bad_message"),
    ('{"type": "comment.create", "client_id": "z z", "annotation_id": 1, "body": "x"}', "validation_failed"),
    ('{"type": "presence.update", "sheet_id": -4}', "bad_message"),
    ('{"type": "ping", "client_id": {"a": 1}}', "validation_failed"),  # a pong echoed any value back
    ('{"type": "ping", "client_id": "%s"}' % ("p" * 5000), "validation_failed"),
    ("x" * (300 * 1024), "too_large"),
    (b"\x00\x01binary", "bad_json"),
]


async def test_bad_messages_answer_an_error_and_the_socket_stays_usable(stack, servers, world):
    c = await Client.connect(servers[0], world["project_id"], token(stack, "fire"))
    before = httpx.get(f"{servers[0]}/api/projects/{world['project_id']}/annotations",
                       headers=stack.token_headers("window")).json()["data"]
    try:
        for frame, code in BAD:
            await c.send(frame)
            err = await c.expect(lambda m: m["type"] in {"error", "pong"})
            assert err["type"] == "error" and err["code"] == code, (frame[:60], err)
            assert err["message"] and err["messages"]["zh-CN"] and err["messages"]["en"]
            await c.send({"type": "ping"})
            assert (await c.expect(lambda m: m["type"] in {"pong", "error"}))["type"] == "pong"
        m = rest_markup(stack, servers, world)
        geometry_bad = [{"points": []}, {"points": [[1, "a"]]}, {"points": [[1, 2, 3]]}, "x"]
        for geometry in geometry_bad:
            r = await c.request({"type": "annotation.update", "client_id": cid(), "annotation_id": m["id"],
                                 "version": 1, "geometry": geometry})
            assert r["type"] == "error" and r["code"] == "validation_failed", r
        # Infinity is not JSON (web/jsontext.py refuses it before any field is read), still by client_id
        r = await c.request({"type": "annotation.update", "client_id": cid(), "annotation_id": m["id"],
                             "version": 1, "geometry": {"points": [[1e400, 1]]}})
        assert r["type"] == "error" and r["code"] == "bad_json", r
    finally:
        await c.close()
    after = httpx.get(f"{servers[0]}/api/projects/{world['project_id']}/annotations",
                      headers=stack.token_headers("window")).json()["data"]
    assert len(after) == len(before) + 1  # only the markup made above


async def test_writes_before_hello_are_refused(stack, servers, world):
    c = await Client.connect(servers[0], world["project_id"], token(stack, "fire"), since=None)
    try:
        r = await c.request({"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"], **PIN})
        assert r["code"] == "hello_first"
        await c.send({"type": "hello", "since": 0})
        assert (await c.expect(lambda m: m["type"] == "welcome"))["seq"] >= 0
    finally:
        await c.close()


# --- writes stay inside the connection's project ----------------------------------------------

async def test_writes_naming_another_projects_objects_are_refused(stack, servers, world):
    other = await asyncio.to_thread(create_review_world, stack)  # project B: fire reviews it too, so only the project differs
    theirs = rest_markup(stack, servers, other)
    before = httpx.get(f"{servers[0]}/api/projects/{other['project_id']}/annotations",
                       headers=stack.token_headers("window")).json()["data"]
    c = await Client.connect(servers[-1], world["project_id"], token(stack, "fire"))  # connected to project A
    try:
        for msg in [{"type": "annotation.create", "sheet_id": other["sheet_id"], **PIN},
                    {"type": "annotation.update", "annotation_id": theirs["id"], "version": 1, "body": "越权"},
                    {"type": "annotation.delete", "annotation_id": theirs["id"], "version": 1},
                    {"type": "annotation.set_status", "annotation_id": theirs["id"], "version": 1,
                     "status": "answered"},
                    {"type": "comment.create", "annotation_id": theirs["id"], "body": "越权"},
                    {"type": "finding.confirm", "finding_id": other["finding_ids"][0]},
                    {"type": "finding.dismiss", "finding_id": other["finding_ids"][1], "reason": "越权"}]:
            reply = await c.request({"client_id": cid(), **msg})
            assert reply["type"] == "error" and reply["code"] == "wrong_project", (msg["type"], reply)
            assert "项目" in reply["messages"]["zh-CN"] and "project" in reply["messages"]["en"]
        # the same connection still writes to its own project
        assert (await c.request({"type": "annotation.create", "client_id": cid(), "sheet_id": world["sheet_id"],
                                 **PIN}))["type"] == "ack"
    finally:
        await c.close()
    after = httpx.get(f"{servers[0]}/api/projects/{other['project_id']}/annotations",
                      headers=stack.token_headers("window")).json()["data"]
    assert after == before  # nothing in B changed: no new markup, same versions, bodies, statuses, threads
    found = httpx.get(f"{servers[0]}/api/sheets/{other['sheet_id']}/findings",
                      headers=stack.token_headers("window")).json()["data"]
    assert {f["state"] for f in found} == {"new"}


# --- access is re-checked while events are delivered ------------------------------------------

async def _new_fire_reviewer(stack, active: bool | None = None, username: str | None = None) -> tuple[str, str]:
    from sqlmodel import select

    from drawreview.auth import new_api_token
    from drawreview.db import Database
    from drawreview.models import Organisation, User
    from drawreview.services import accounts

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            if username is None:  # create one
                fire = (await s.exec(select(User).where(User.username == "fire"))).one()
                username = f"fire_{uuid.uuid4().hex[:8]}"
                user = await accounts.create_user(s, username, "a-long-password-1", "reviewer", discipline="fire",
                                                  org=await s.get(Organisation, fire.org_id))
                tok = await new_api_token(s, user)
            else:
                user = (await s.exec(select(User).where(User.username == username))).one()
                user.active, tok = bool(active), ""
                s.add(user)
            await s.commit()
            return username, tok
    finally:
        await db.close()


async def test_a_deactivated_user_stops_receiving_live_events(stack, servers, world):
    name, tok = await _new_fire_reviewer(stack)
    gone = await Client.connect(servers[-1], world["project_id"], tok)
    stays = await Client.connect(servers[-1], world["project_id"], token(stack, "planning"))
    try:
        first = rest_markup(stack, servers, world)
        await gone.expect(lambda m: m["type"] == "annotation.created" and m["annotation"]["id"] == first["id"])
        await _new_fire_reviewer(stack, active=False, username=name)
        await asyncio.sleep(stack.settings.sync_recheck_s + 0.5)  # past the next re-check
        second = rest_markup(stack, servers, world)
        err = await gone.expect(lambda m: m["type"] == "error" or m.get("annotation", {}).get("id") == second["id"])
        assert err["type"] == "error" and err["code"] == "access_revoked", err
        assert err["messages"]["zh-CN"] and err["messages"]["en"]
        with pytest.raises(websockets.ConnectionClosed) as info:
            while True:
                assert (await gone.recv()).get("annotation", {}).get("id") != second["id"]
        assert info.value.rcvd.code == 4403
        # an active user past the same interval keeps receiving
        await stays.expect(lambda m: m["type"] == "annotation.created" and m["annotation"]["id"] == second["id"])
    finally:
        await gone.close()
        await stays.close()


# --- resync --------------------------------------------------------------------------------

async def test_hello_ahead_of_the_log_answers_resync(stack, servers, world):
    probe = await Client.connect(servers[0], world["project_id"], token(stack, "window"))
    current = probe.welcome["seq"]
    await probe.close()
    c = await Client.connect(servers[-1], world["project_id"], token(stack, "window"), since=current + 1000)
    try:
        assert c.welcome["resync"] is True and c.welcome["since"] == c.welcome["seq"] >= current
        live = rest_markup(stack, servers, world)  # after a resync, live events continue from the current seq
        ev = await c.expect(lambda m: m["type"] == "annotation.created" and m["annotation"]["id"] == live["id"])
        assert ev["seq"] == c.welcome["seq"] + 1
    finally:
        await c.close()


@pytest.fixture(scope="module")
def short_replay_server(stack, servers, tmp_path_factory):
    """One more app process on the same database, replaying at most 2 missed events."""
    from tests.conftest import DRAWREVIEW, free_port, start_process, stop_process, wait_healthy

    port = free_port()
    proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"],
                         {**stack.env, "DRAWREVIEW_SYNC_MAX_REPLAY": "2"}, tmp_path_factory.mktemp("logs") / "short.log")
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)


async def test_a_gap_larger_than_the_replay_limit_answers_resync(stack, servers, world, short_replay_server):
    probe = await Client.connect(short_replay_server, world["project_id"], token(stack, "window"))
    start = probe.welcome["seq"]
    await probe.close()
    for _ in range(3):
        rest_markup(stack, servers, world)
    far = await Client.connect(short_replay_server, world["project_id"], token(stack, "window"), since=start)
    try:  # 3 missed > 2: reload over REST, nothing replayed
        assert far.welcome["resync"] is True and far.welcome["since"] == far.welcome["seq"] >= start + 3
        await far.send({"type": "ping"})
        pong = await far.expect(lambda m: m["type"] in {"pong", "annotation.created"})
        assert pong["type"] == "pong"
    finally:
        await far.close()
    seq = far.welcome["seq"]
    near = await Client.connect(short_replay_server, world["project_id"], token(stack, "window"), since=seq - 2)
    try:  # 2 missed: replayed
        assert near.welcome["resync"] is False
        got = [await near.expect(lambda m: m.get("seq") is not None and m["type"] != "welcome") for _ in range(2)]
        assert [m["seq"] for m in got] == [seq - 1, seq]
    finally:
        await near.close()


# --- a case whose final report is issued takes no more markups ----------------------------------

async def _close_case(stack, project_id: int, stage: str) -> None:
    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import Project, Submission

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            project = await s.get(Project, project_id)
            project.stage = stage
            for sub in (await s.exec(select(Submission).where(Submission.project_id == project_id))).all():
                sub.state = stage
                s.add(sub)
            s.add(project)
            await s.commit()
    finally:
        await db.close()


async def test_a_closed_case_takes_no_more_markups(stack, servers, world):
    """After the final report (审查合格) nothing can follow: no later revision, no report would show
    a new comment, yet the design institute would be told to answer it. Found by an outside
    probe: the planning reviewer added an open comment to an approved case (200). Every markup
    write, over REST and over the websocket (also on a socket opened before the case closed,
    from its next access re-check), is refused with case_closed and changes nothing."""
    own = await asyncio.to_thread(create_review_world, stack)
    mine = rest_markup(stack, servers, own)
    early = await Client.connect(servers[-1], own["project_id"], token(stack, "fire"))
    await _close_case(stack, own["project_id"], "approved")
    h = stack.token_headers("fire")
    before = httpx.get(f"{servers[0]}/api/projects/{own['project_id']}/annotations",
                       headers=stack.token_headers("window")).json()["data"]
    base = servers[0]
    refused = [
        httpx.post(f"{base}/api/sheets/{own['sheet_id']}/annotations", headers=h, json={"client_id": cid(), **PIN}),
        httpx.patch(f"{base}/api/annotations/{mine['id']}", headers=h, json={"version": mine["version"], "body": "改"}),
        httpx.post(f"{base}/api/annotations/{mine['id']}/status", headers=h,
                   json={"version": mine["version"], "status": "closed"}),
        httpx.post(f"{base}/api/annotations/{mine['id']}/comments", headers=stack.token_headers("designer"),
                   json={"client_id": cid(), "body": "已修改"}),
        httpx.post(f"{base}/api/findings/{own['finding_ids'][0]}/confirm", headers=h, json={}),
    ]
    for r in refused:
        assert r.status_code == 409 and r.json()["error"]["code"] == "case_closed", r.text
        messages = r.json()["error"]["messages"]
        assert "审查完结" in messages["zh-CN"] and "finished" in messages["en"]
    late = await Client.connect(servers[-1], own["project_id"], token(stack, "fire"))
    try:
        await asyncio.sleep(stack.settings.sync_recheck_s + 0.5)  # the early socket's next re-check
        for c in (late, early):
            for msg in [{"type": "annotation.create", "sheet_id": own["sheet_id"], **PIN},
                        {"type": "annotation.update", "annotation_id": mine["id"], "version": mine["version"],
                         "body": "改"},
                        {"type": "annotation.set_status", "annotation_id": mine["id"], "version": mine["version"],
                         "status": "closed"},
                        {"type": "annotation.delete", "annotation_id": mine["id"], "version": mine["version"]},
                        {"type": "comment.create", "annotation_id": mine["id"], "body": "复核"}]:
                reply = await c.request({"client_id": cid(), **msg})
                assert reply["type"] == "error" and reply["code"] == "case_closed", (msg["type"], reply)
                assert "审查完结" in reply["messages"]["zh-CN"] and "finished" in reply["messages"]["en"]
    finally:
        await late.close()
        await early.close()
    after = httpx.get(f"{servers[0]}/api/projects/{own['project_id']}/annotations",
                      headers=stack.token_headers("window")).json()["data"]
    assert after == before
