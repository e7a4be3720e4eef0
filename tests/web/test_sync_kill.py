"""Nothing lost, nothing doubled through a ``kill -9``: websocket writers (plain ``websockets``
clients) send markup creates in a closed loop and resend every unanswered one after a
reconnect, as the viewer's outbox does; an app process is killed with SIGKILL in the middle and
started again. Afterwards every client_id is exactly one markup and one logged event, the
event sequence has no gap, and the audit chain verifies — in both modes (embedded: the one
process is killed; scaled: one of two behind PostgreSQL + Redis)."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid

import pytest
import websockets
from sqlmodel import func, select

from tests.web.matrix.annotations import create_review_world
from tests.web.test_sync import PIN, token

WRITES = 120  # per writer
KILL_AFTER = 40  # acked writes of the first writer before the kill


@pytest.fixture(scope="module")
def site(stack, tmp_path_factory):
    from tests.conftest import DRAWREVIEW, free_port, start_process, stop_process, wait_healthy

    logs = tmp_path_factory.mktemp("logs")
    count = 2 if stack.mode == "scaled" else 1
    ports = [free_port() for _ in range(count)]

    def start(i: int):
        proc = start_process(DRAWREVIEW + ["serve", "--port", str(ports[i]), "--log-level", "warning"], stack.env,
                             logs / f"app{i}-{uuid.uuid4().hex[:6]}.log")
        wait_healthy(f"http://127.0.0.1:{ports[i]}", proc)
        return proc

    procs = [start(i) for i in range(count)]
    site = {"urls": [f"ws://127.0.0.1:{p}" for p in ports], "procs": procs, "start": start}
    try:
        yield site
    finally:
        for proc in site["procs"]:
            stop_process(proc)


async def _writer(url: str, project_id: int, sheet_id: int, tok: str, ids: list[str], acked: list[str]) -> None:
    """Send each id's create until it is acknowledged; reconnect (and resend) after any failure."""
    pending = list(ids)
    while pending:
        try:
            async with websockets.connect(f"{url}/ws/projects/{project_id}", open_timeout=5,
                                          additional_headers={"Authorization": f"Bearer {tok}"}) as ws:
                await ws.send(json.dumps({"type": "hello", "since": 0}))
                while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "welcome":
                    pass
                while pending:
                    client_id = pending[0]
                    await ws.send(json.dumps({"type": "annotation.create", "client_id": client_id,
                                              "sheet_id": sheet_id, **PIN}))
                    while True:
                        msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
                        if msg.get("client_id") == client_id and msg["type"] in {"ack", "error", "slow_down"}:
                            break
                    if msg["type"] == "slow_down":
                        await asyncio.sleep(msg["retry_after_ms"] / 1000)
                        continue
                    assert msg["type"] == "ack", msg
                    acked.append(client_id)
                    pending.pop(0)
        except (OSError, asyncio.TimeoutError, websockets.ConnectionClosed, websockets.InvalidStatus,
                websockets.InvalidHandshake):
            await asyncio.sleep(0.3)  # the server is down or restarting: try again, resend what is pending


async def test_a_killed_process_loses_and_doubles_nothing(stack, site):
    from drawreview.db import Database
    from drawreview.models import Annotation, Project, ProjectEvent
    from drawreview.services import audit

    world = await asyncio.to_thread(create_review_world, stack)
    writers = [("fire", site["urls"][0]), ("planning", site["urls"][-1])]
    ids = {who: [f"kill-{who}-{uuid.uuid4().hex}" for _ in range(WRITES)] for who, _ in writers}
    acked: dict[str, list[str]] = {who: [] for who, _ in writers}
    tasks = [asyncio.create_task(_writer(url, world["project_id"], world["sheet_id"], token(stack, who), ids[who],
                                         acked[who])) for who, url in writers]
    while len(acked["fire"]) < KILL_AFTER:
        await asyncio.sleep(0.02)
    victim = site["procs"][0]
    victim.send_signal(signal.SIGKILL)  # mid-write: the one in flight may or may not be committed
    victim.wait()
    await asyncio.sleep(0.5)
    site["procs"][0] = await asyncio.to_thread(site["start"], 0)
    await asyncio.wait_for(asyncio.gather(*tasks), 240)
    assert all(len(acked[who]) == WRITES for who in acked)

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            every = [i for who in ids for i in ids[who]]
            rows = (await s.exec(select(Annotation.client_id, func.count()).where(Annotation.client_id.in_(every))
                                 .group_by(Annotation.client_id))).all()
            assert len(rows) == len(every) and all(n == 1 for _, n in rows)  # 0 lost, 0 doubled
            events = (await s.exec(select(ProjectEvent).where(ProjectEvent.project_id == world["project_id"])
                                   .order_by(ProjectEvent.seq))).all()
            created = [e.payload.get("client_id") for e in events if e.type == "annotation.created"]
            assert sorted(c for c in created if c in set(every)) == sorted(every)  # one event each
            seqs = [e.seq for e in events]
            assert seqs == list(range(1, len(seqs) + 1))  # no gap, no repeat
            assert (await s.get(Project, world["project_id"])).last_event_seq == seqs[-1]
            assert (await audit.verify(s)).ok
    finally:
        await db.close()
