"""Live-sync latency: 100 websocket clients in 10 projects across 2 drawreview app processes
(PostgreSQL + Redis), against a bare ``websockets`` broadcast server measured in the same run.

Usage: python benchmarks/bench_sync.py [--clients 100] [--projects 10] [--writes 10] [--interval 1.0]

In each project one client writes and the others receive; latency = receipt time − send time
(one clock: every client lives in this process). Rows:
* bare websockets relay — one process, ``websockets.broadcast`` to the room (the baseline);
* drawreview presence fan-out — websocket → Redis pub/sub → both processes → clients (no DB);
* drawreview annotation write — the full path: permission checks, PostgreSQL transaction
  (row, event log, audit chain, idempotency record), commit, Redis, both processes, clients.
Goal: write p95 ≤ 2 × bare p95. Loopback only; bounded by --writes and a 60 s receive timeout.
Needs PostgreSQL and Redis (DRAWREVIEW_TEST_PG / DRAWREVIEW_TEST_REDIS, as the tests); do not
run it at the same time as the scaled tests (Redis pub/sub channels are global).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402

ACCOUNTS = ["fire", "planning", "civil_defence", "lightning", "meteorology", "designer", "window", "builder"]


# --- the baseline server ------------------------------------------------------------------

async def bare_server(port: int) -> None:
    from websockets.asyncio.server import broadcast, serve

    rooms: dict[str, set] = {}

    async def handler(ws):
        room = rooms.setdefault(ws.request.path, set())
        room.add(ws)
        try:
            async for message in ws:
                broadcast(room, message)
        finally:
            room.discard(ws)

    async with serve(handler, "127.0.0.1", port, max_size=1 << 20):
        await asyncio.Future()


# --- the measuring clients --------------------------------------------------------------------

class Room:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.samples: list[float] = []
        self.expected = 0


async def listen(ws, room: Room, me: str, match) -> None:
    async for raw in ws:
        now = time.perf_counter()
        msg = json.loads(raw)
        key = match(msg)
        if key in room.sent and msg.get("_from") != me:
            room.samples.append((now - room.sent[key]) * 1000)


async def run(urls: list[list[str]], hello: bool, make_msg, match, writes: int, interval: float,
              spread: bool = False) -> tuple[list, int]:
    """urls[room][i]: client i of a room (client 0 writes). Returns (latencies ms, missing).
    The writers write in step (every room at the same instant: the worst burst), or *spread*
    evenly over the interval (room r starts r/rooms of an interval later), as people do."""
    rooms = [Room() for _ in urls]
    conns, tasks = [], []
    for r, room_urls in enumerate(urls):
        for i, url in enumerate(room_urls):
            url, _, token = url.partition("#bearer=")  # the token goes in a header, never in the URL
            headers = {"Authorization": f"Bearer {token}"} if token else None
            ws = await websockets.connect(url, max_size=1 << 20, open_timeout=30, additional_headers=headers)
            if hello:
                await ws.send(json.dumps({"type": "hello", "since": 0}))
                while json.loads(await ws.recv())["type"] != "welcome":
                    pass
            conns.append(ws)
            if i > 0:
                tasks.append(asyncio.create_task(listen(ws, rooms[r], f"{r}:{i}", match)))
            else:
                tasks.append(asyncio.create_task(_drain(ws)))
    await asyncio.sleep(0.5)  # presence joins settle

    async def writer(r: int, ws) -> None:
        if spread:
            await asyncio.sleep(interval * r / len(urls))
        for _ in range(writes):
            key = uuid.uuid4().hex
            rooms[r].sent[key] = time.perf_counter()
            await ws.send(json.dumps(make_msg(r, key)))
            await asyncio.sleep(interval)

    writers = [conns[sum(len(u) for u in urls[:r])] for r in range(len(urls))]
    await asyncio.gather(*[writer(r, ws) for r, ws in enumerate(writers)])
    expected = sum(writes * (len(u) - 1) for u in urls)
    deadline = time.monotonic() + 60
    while sum(len(r.samples) for r in rooms) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws in conns:
        await ws.close()
    samples = [s for r in rooms for s in r.samples]
    return samples, expected - len(samples)


ERRORS: list[dict] = []


async def _drain(ws) -> None:
    async for raw in ws:
        msg = json.loads(raw)
        if msg.get("type") == "error":
            ERRORS.append(msg)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


# --- setting up drawreview ----------------------------------------------------------------

def setup(data_dir: Path, projects: int):
    from tests.conftest import REDIS_URL, build_stack
    from tests.web.matrix.annotations import create_review_world

    os.environ.setdefault("DRAWREVIEW_TEST_REDIS", REDIS_URL)
    stack = build_stack("scaled", data_dir)
    worlds = [create_review_world(stack, f"基准项目-{i}") for i in range(projects)]
    return stack.env, worlds, {a["username"]: a["token"] for a in stack.demo["accounts"]}, stack


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--projects", type=int, default=10)
    ap.add_argument("--writes", type=int, default=10, help="writes per project")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between a writer's messages")
    ap.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.bare_server:
        asyncio.run(bare_server(args.bare_server))
        return 0
    from tests.conftest import (DRAWREVIEW, free_port, start_process, stop_process, teardown_stack,
                                wait_healthy)

    per = max(2, args.clients // args.projects)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    env, worlds, tokens, stack = setup(tmp / "data", args.projects)
    procs = []
    try:
        urls = []
        for i in range(2):
            port = free_port()
            procs.append(start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"], env,
                                       tmp / f"app{i}.log"))
            urls.append(f"127.0.0.1:{port}")
        for u, p in zip(urls, procs):
            wait_healthy("http://" + u, p)
        bare_port = free_port()
        procs.append(start_process([sys.executable, str(Path(__file__).resolve()), "--bare-server", str(bare_port)],
                                   {}, tmp / "bare.log"))
        time.sleep(1.0)

        def dr_urls():
            return [[f"ws://{urls[(r + i) % 2]}/ws/projects/{w['project_id']}#bearer={tokens[ACCOUNTS[i % len(ACCOUNTS)]]}"
                     for i in range(per)] for r, w in enumerate(worlds)]

        bare_urls = [[f"ws://127.0.0.1:{bare_port}/room/{r}" for _ in range(per)] for r in range(args.projects)]
        rows = []
        samples, missing = asyncio.run(run(
            bare_urls, False, lambda r, k: {"type": "note", "client_id": k, "_from": f"{r}:0"},
            lambda m: m.get("client_id"), args.writes, args.interval))
        rows.append(("bare websockets relay (1 process)", samples, missing))
        samples, missing = asyncio.run(run(
            dr_urls(), True, lambda r, k: {"type": "presence.update", "client_id": k, "sheet_id": None},
            lambda m: m.get("client_id") if m.get("type") == "presence" else None, args.writes, args.interval))
        rows.append(("drawreview presence fan-out (2 proc + Redis)", samples, missing))
        samples, missing = asyncio.run(run(
            dr_urls(), True,
            lambda r, k: {"type": "annotation.create", "client_id": k, "sheet_id": worlds[r]["sheet_id"],
                          "kind": "pin", "geometry": {"points": [[10, 10]]}, "body": "bench"},
            lambda m: m.get("client_id") if m.get("type") == "annotation.created" else None,
            args.writes, args.interval))
        rows.append(("drawreview annotation write (PG + Redis)", samples, missing))
        samples, missing = asyncio.run(run(
            dr_urls(), True,
            lambda r, k: {"type": "annotation.create", "client_id": k, "sheet_id": worlds[r]["sheet_id"],
                          "kind": "pin", "geometry": {"points": [[10, 10]]}, "body": "bench"},
            lambda m: m.get("client_id") if m.get("type") == "annotation.created" else None,
            args.writes, args.interval, spread=True))
        rows.append(("  … the same, writers spread over the interval", samples, missing))
    finally:
        for p in procs:
            stop_process(p)
        teardown_stack(stack)

    for err in ERRORS[:5]:
        print("write error:", err.get("code"), err.get("message"), err.get("details"))
    print(f"{args.projects} projects × {per} clients, {args.writes} writes per project, every {args.interval}s")
    print(f"{'path':<46} {'samples':>8} {'missing':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, s, miss in rows:
        print(f"{name:<46} {len(s):>8} {miss:>8} {pct(s, 50):>8.2f} {pct(s, 95):>8.2f} {pct(s, 99):>8.2f}")
    base = pct(rows[0][1], 95)
    ratios = {name: pct(s, 95) / base for name, s, _ in rows[1:]}
    for name, ratio in ratios.items():
        print(f"p95 {name} / bare: {ratio:.1f}×")
    ok = all(miss == 0 for _, _, miss in rows) and ratios["drawreview annotation write (PG + Redis)"] <= 2.0
    print("goal met (write p95 ≤ 2× bare, nothing missing)" if ok else "GOAL MISSED (write p95 > 2× bare or missing)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
