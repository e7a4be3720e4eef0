"""Live sync under load: 2 drawreview app processes + PostgreSQL + Redis, against a bare
``websockets`` relay measured in the same run. Every client is a plain ``websockets`` client in
this process (it imports nothing from drawreview; one clock for send and receipt).

Usage: python benchmarks/bench_sync.py [--part all|throughput|latency|backpressure] [--seconds 5]

Parts (each prints a table):
* throughput — closed loop: 1/2/10/20 writers (10 projects, both processes), each sends a markup
  create and waits for its ack before the next; acknowledged writes/s, ack p50/p95. Goal ≥ 400/s.
* latency — 100 clients in 10 projects (one writer each, the others receive), writes spread
  evenly at 10/50/100/200/400 writes/s in total: write → other clients p50/p95 against the
  bare relay at the same rate, and presence fan-out at 50/s. Goal at 50/s: p95 ≤ 2 × bare, judged
  on ``--rounds`` alternating rounds pooled (bare, floor, write, presence in turn).
  Beside them the *durable floor*: the bare relay made durable in drawreview's topology (two
  processes, one INSERT committed before the fan-out, Redis between them), the least any relay
  that keeps what it forwards pays here; ``× floor`` is what drawreview adds on top of it. An
  unmeasured warm-up first (each project's first markups are once in its life).
* backpressure — (a) the 50/s run again with one client per project that never reads its
  socket: the others' p95 must not move; (b) 20 writers flooding without waiting for acks:
  the server answers ``slow_down`` instead of queueing, so the slowest answer stays near
  ``sync_max_wait_s`` instead of growing with the backlog.

``--proxy``: drawreview's and the floor's clients connect through deploy/nginx.conf, the proxy
docker-compose puts in front of the replicas (a project's sockets meet in one process), instead of
alternating between the two processes; the bare relay stays direct.

The machine is shared: numbers measured while other work runs are noisy (the load average is
printed with each table). Needs PostgreSQL and Redis (DRAWREVIEW_TEST_PG / DRAWREVIEW_TEST_REDIS,
as the tests); do not run it beside the scaled tests (Redis pub/sub channels are global).
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
REVIEWERS = ["fire", "planning", "civil_defence", "lightning", "meteorology"]
COUNTS = {"slow_down": 0, "error": 0}
ERRORS: list[dict] = []


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

    async with serve(handler, "127.0.0.1", port, max_size=1 << 22):
        await asyncio.Future()


async def floor_server(port: int, database_url: str, redis_url: str) -> None:
    """The least a relay must do to be durable in drawreview's topology, with the same
    ``websockets`` server as the bare relay: each message is first written to PostgreSQL (one
    INSERT, committed and flushed before it returns, as drawreview's journal statement), then sent
    to this process's room and through Redis to the other process's (two processes). No
    authentication, validation, audit chain, sequence numbers or idempotency: the floor under
    drawreview's latency, not a competitor."""
    import secrets

    import asyncpg
    import redis.asyncio as aioredis
    from websockets.asyncio.server import broadcast, serve

    pool = await asyncpg.create_pool(database_url.replace("postgresql+asyncpg://", "postgresql://"),
                                     min_size=2, max_size=10)
    red = aioredis.from_url(redis_url)
    pubsub = red.pubsub()
    await pubsub.subscribe("bench-floor")
    rooms: dict[str, set] = {}
    me = secrets.token_hex(4)

    async def read_redis() -> None:
        async for msg in pubsub.listen():
            if msg["type"] == "message":
                origin, room, text = msg["data"].decode().split(" ", 2)
                if origin != me:
                    broadcast(rooms.get(room, ()), text)

    async def handler(ws):
        room = rooms.setdefault(ws.request.path, set())
        room.add(ws)
        try:
            async for message in ws:
                await pool.execute("INSERT INTO bench_floor (room, body) VALUES ($1, $2)", ws.request.path, message)
                broadcast(room, message)
                await red.publish("bench-floor", f"{me} {ws.request.path} {message}")
        finally:
            room.discard(ws)

    reader = asyncio.create_task(read_redis())
    async with serve(handler, "127.0.0.1", port, max_size=1 << 22):
        await asyncio.Future()
    reader.cancel()


# --- measuring clients --------------------------------------------------------------------

class Room:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.samples: list[float] = []


async def connect(url: str, hello: bool, **kw):
    url, _, token = url.partition("#bearer=")  # the token goes in a header, never in the URL
    headers = {"Authorization": f"Bearer {token}"} if token else None
    ws = await websockets.connect(url, max_size=1 << 22, open_timeout=30, additional_headers=headers, **kw)
    if hello:
        await ws.send(json.dumps({"type": "hello", "since": 0}))
        while json.loads(await ws.recv())["type"] != "welcome":
            pass
    return ws


async def listen(ws, room: Room, me: str, match) -> None:
    async for raw in ws:
        now = time.perf_counter()
        msg = json.loads(raw)
        key = match(msg)
        if key in room.sent and msg.get("_from") != me:
            room.samples.append((now - room.sent[key]) * 1000)


async def _drain(ws) -> None:
    async for raw in ws:
        msg = json.loads(raw)
        if msg.get("type") in COUNTS:
            COUNTS[msg["type"]] += 1
            if msg["type"] == "error":
                ERRORS.append(msg)


async def fan_out(urls: list[list[str]], hello: bool, make_msg, match, rate: float, seconds: float,
                  stalled: list[str] | None = None) -> tuple[list[float], int]:
    """urls[room][i]: client i of a room (client 0 writes, the others receive). The writers send
    ``rate`` messages a second in total, spread evenly (room r starts r/rooms of an interval
    later). ``stalled``: one more client per room that never reads. Returns (latencies ms, missing)."""
    rooms = [Room() for _ in urls]
    conns, tasks = [], []
    for r, room_urls in enumerate(urls):
        for i, url in enumerate(room_urls):
            ws = await connect(url, hello)
            conns.append(ws)
            tasks.append(asyncio.create_task(listen(ws, rooms[r], f"{r}:{i}", match) if i else _drain(ws)))
    stuck = [await connect(url, hello, max_queue=1) for url in stalled or []]  # never read: buffers fill up
    await asyncio.sleep(0.5)  # presence joins settle
    interval = len(urls) / rate
    writes = max(1, round(seconds / interval))

    async def writer(r: int, ws) -> None:
        await asyncio.sleep(interval * r / len(urls))
        start = time.perf_counter()
        for n in range(writes):
            key = uuid.uuid4().hex
            rooms[r].sent[key] = time.perf_counter()
            await ws.send(json.dumps(make_msg(r, key)))
            await asyncio.sleep(max(0.0, start + (n + 1) * interval - time.perf_counter()))

    writers = [conns[sum(len(u) for u in urls[:r])] for r in range(len(urls))]
    await asyncio.gather(*[writer(r, ws) for r, ws in enumerate(writers)])
    expected = sum(writes * (len(u) - 1) for u in urls)
    deadline = time.monotonic() + 30
    while sum(len(r.samples) for r in rooms) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws in conns:
        await ws.close()
    for ws in stuck:
        ws.transport.abort()
    samples = [s for r in rooms for s in r.samples]
    return samples, expected - len(samples)


async def closed_loop(urls: list[str], sheet_of: list[int], seconds: float, body: str = "bench") -> dict:
    """One writer per url: create, wait for its ack, repeat. Acks/s and ack latencies."""
    latencies: list[float] = []
    slowed = 0
    stop = time.perf_counter() + seconds
    start_gate = asyncio.Event()

    async def writer(url: str, sheet_id: int) -> None:
        nonlocal slowed
        ws = await connect(url, True)
        await start_gate.wait()
        try:
            while time.perf_counter() < stop:
                key = uuid.uuid4().hex
                msg = json.dumps({"type": "annotation.create", "client_id": key, "sheet_id": sheet_id, "kind": "pin",
                                  "geometry": {"points": [[10, 10]]}, "body": body})
                t0 = time.perf_counter()
                await ws.send(msg)
                while True:
                    reply = json.loads(await ws.recv())
                    if reply.get("client_id") != key or reply["type"] not in {"ack", "slow_down", "error"}:
                        continue  # another's event, or our own write's event (it may overtake the ack)
                    if reply["type"] == "ack":
                        latencies.append((time.perf_counter() - t0) * 1000)
                        break
                    if reply["type"] == "slow_down":
                        slowed += 1
                        await asyncio.sleep(reply.get("retry_after_ms", 500) / 1000)
                        await ws.send(msg)
                        continue
                    ERRORS.append(reply)
                    break
        finally:
            await ws.close()

    tasks = [asyncio.create_task(writer(u, s)) for u, s in zip(urls, sheet_of)]
    await asyncio.sleep(1.0)
    begun = time.perf_counter()
    stop = begun + seconds
    start_gate.set()
    await asyncio.gather(*tasks)
    took = time.perf_counter() - begun
    return {"acked": len(latencies), "per_s": len(latencies) / took, "p50": pct(latencies, 50),
            "p95": pct(latencies, 95), "max": max(latencies, default=float("nan")), "slowed": slowed}


async def flood(urls: list[str], sheet_of: list[int], per_writer: int) -> dict:
    """Writers send ``per_writer`` creates at once, without waiting; every answer is timed."""
    answers: list[tuple[str, float]] = []

    async def writer(url: str, sheet_id: int) -> None:
        ws = await connect(url, True)
        sent: dict[str, float] = {}
        for _ in range(per_writer):
            key = uuid.uuid4().hex
            sent[key] = time.perf_counter()
            await ws.send(json.dumps({"type": "annotation.create", "client_id": key, "sheet_id": sheet_id,
                                      "kind": "pin", "geometry": {"points": [[10, 10]]}, "body": "flood"}))
        while sent:
            try:
                reply = json.loads(await asyncio.wait_for(ws.recv(), 60))
            except asyncio.TimeoutError:
                break
            if reply.get("client_id") in sent and reply["type"] in {"ack", "slow_down", "error"}:
                answers.append((reply["type"], (time.perf_counter() - sent.pop(reply["client_id"])) * 1000))
        await ws.close()

    await asyncio.gather(*[writer(u, s) for u, s in zip(urls, sheet_of)])
    acks = [ms for kind, ms in answers if kind == "ack"]
    return {"sent": per_writer * len(urls), "acked": len(acks), "slow_down": sum(k == "slow_down" for k, _ in answers),
            "answered": len(answers), "ack_p95": pct(acks, 95), "slowest": max((ms for _, ms in answers), default=0)}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def cpu_s(pids) -> float:
    """User + system CPU seconds the processes used so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def pg_backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving the bench's database."""
    import asyncpg
    from urllib.parse import urlsplit

    async def q():
        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            name = urlsplit(database_url).path.lstrip("/")
            return [r[0] for r in await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", name)]
        finally:
            await conn.close()

    return asyncio.run(q())


async def _floor_table(database_url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, room text NOT NULL, "
                           "body text NOT NULL, at timestamptz NOT NULL DEFAULT now())")
    finally:
        await conn.close()


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


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
    ap.add_argument("--part", default="all", choices=["all", "throughput", "latency", "backpressure"])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--projects", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=5.0, help="length of each measured run")
    ap.add_argument("--writers", default="1,2,10,20")
    ap.add_argument("--rates", default="10,50,100,200,400")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds pooled at the goal's rate (50/s)")
    ap.add_argument("--proxy", action="store_true",
                    help="clients of drawreview and of the floor connect through deploy/nginx.conf (docker-compose's "
                         "proxy: a project's sockets meet in one process) instead of alternating between the processes")
    ap.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--floor-server", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.bare_server:
        asyncio.run(bare_server(args.bare_server))
        return 0
    if args.floor_server:
        asyncio.run(floor_server(args.floor_server, os.environ["DATABASE_URL"], os.environ["REDIS_URL"]))
        return 0
    from tests.conftest import DRAWREVIEW, free_port, start_process, stop_process, teardown_stack, wait_healthy

    per = max(2, args.clients // args.projects)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    env, worlds, tokens, stack = setup(tmp / "data", args.projects)
    procs = []
    ok = True
    try:
        hosts = []
        for i in range(2):
            port = free_port()
            procs.append(start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"], env,
                                       tmp / f"app{i}.log"))
            hosts.append(f"127.0.0.1:{port}")
        for h, p in zip(hosts, procs):
            wait_healthy("http://" + h, p)
        bare_port = free_port()
        procs.append(start_process([sys.executable, str(Path(__file__).resolve()), "--bare-server", str(bare_port)],
                                   {}, tmp / "bare.log"))
        asyncio.run(_floor_table(env["DATABASE_URL"]))
        floor_ports = [free_port(), free_port()]
        for i, port in enumerate(floor_ports):
            procs.append(start_process([sys.executable, str(Path(__file__).resolve()), "--floor-server", str(port)],
                                       {"DATABASE_URL": env["DATABASE_URL"], "REDIS_URL": env["REDIS_URL"]},
                                       tmp / f"floor{i}.log"))
        if args.proxy:  # one nginx in front of the apps, one in front of the floor's processes
            from tests.nginx import start_nginx

            proxied = []
            for name, ports in (("app", [int(h.rsplit(":", 1)[1]) for h in hosts]), ("floor", floor_ports)):
                listen = free_port()
                procs.append(start_nginx(tmp / f"nginx-{name}", listen, ports))
                proxied.append(f"127.0.0.1:{listen}")
        time.sleep(1.5)

        def ws_url(r: int, i: int, who: str | None = None, host: int | None = None) -> str:
            who = who or ACCOUNTS[i % len(ACCOUNTS)]
            address = proxied[0] if args.proxy else hosts[(r + i) % 2 if host is None else host]
            return f"ws://{address}/ws/projects/{worlds[r]['project_id']}#bearer={tokens[who]}"

        def room_urls():
            return [[ws_url(r, i) for i in range(per)] for r in range(len(worlds))]

        def writer_urls(n: int):
            return ([ws_url(i % len(worlds), i, REVIEWERS[(i // len(worlds)) % len(REVIEWERS)], host=i % 2)
                     for i in range(n)],
                    [worlds[i % len(worlds)]["sheet_id"] for i in range(n)])

        bare_urls = [[f"ws://127.0.0.1:{bare_port}/room/{r}" for _ in range(per)] for r in range(args.projects)]
        floor_urls = [[f"ws://{proxied[1]}/ws/projects/{r}" if args.proxy
                       else f"ws://127.0.0.1:{floor_ports[(r + i) % 2]}/room/{r}" for i in range(per)]
                      for r in range(args.projects)]
        create = (lambda r, k: {"type": "annotation.create", "client_id": k, "sheet_id": worlds[r]["sheet_id"],
                                "kind": "pin", "geometry": {"points": [[10, 10]]}, "body": "bench"})
        created = (lambda m: m.get("client_id") if m.get("type") == "annotation.created" else None)

        if args.part in ("all", "throughput"):
            print(f"\nthroughput: closed loop, markup creates, 2 app processes + PostgreSQL + Redis ({load()})")
            print("CPU per write: the two app processes / PostgreSQL's backends for the bench database / this "
                  "client process;\ncapacity = 2 cores ÷ their sum (what the machine would do if it ran nothing else)")
            print(f"{'writers':>8} {'acked':>7} {'writes/s':>9} {'ack p50 ms':>11} {'ack p95 ms':>11} {'slow_down':>10} "
                  f"{'CPU ms: app':>12} {'PG':>5} {'client':>7} {'capacity/s':>11}")
            best = 0.0
            app_pids = [p.pid for p in procs[:2]]
            for n in [int(x) for x in args.writers.split(",")]:
                urls, sheets = writer_urls(n)
                pg = pg_backends(env["DATABASE_URL"])
                before = cpu_s(app_pids), cpu_s(pg), time.process_time()
                r = asyncio.run(closed_loop(urls, sheets, args.seconds))
                pg = pg_backends(env["DATABASE_URL"])  # the pool may have opened more
                after = cpu_s(app_pids), cpu_s(pg), time.process_time()
                app, db, cli = ((a - b) * 1000 / max(1, r["acked"]) for a, b in zip(after, before))
                best = max(best, r["per_s"])
                print(f"{n:>8} {r['acked']:>7} {r['per_s']:>9.0f} {r['p50']:>11.1f} {r['p95']:>11.1f} {r['slowed']:>10} "
                      f"{app:>12.2f} {db:>5.2f} {cli:>7.2f} {2000 / (app + db + cli):>11.0f}")
            print(f"goal ≥ 400 acknowledged writes/s: {'met' if best >= 400 else 'MISSED'} (best {best:.0f}/s)")
            ok &= best >= 400

        if args.part in ("all", "latency"):
            print(f"\nlatency: {args.projects} projects × {per} clients, write → the other clients ({load()})")
            print("bare: the websockets relay, one process; floor: the same relay made durable in drawreview's "
                  "topology (2 processes,\none INSERT committed before the fan-out, Redis between the processes); "
                  "write: drawreview (markup create)")
            if args.proxy:
                print("--proxy: floor and drawreview clients connect through deploy/nginx.conf (a project's sockets "
                      "meet in one process); bare: direct")
            print(f"{'writes/s':>9} {'bare p50':>9} {'bare p95':>9} {'floor p50':>10} {'floor p95':>10} "
                  f"{'write p50':>10} {'write p95':>10} {'× bare':>7} {'× floor':>8} {'missing':>8} {'slow_down':>10}")
            note = (lambda r, k: {"type": "note", "client_id": k, "_from": f"{r}:0"})
            # unmeasured: each project's first markups (its audit chain's first entry, the pools'
            # new connections and their first statement plans) are once in a project's life, not
            # its steady state; without this the 10/s row's p95 is those first writes (~30 ms)
            asyncio.run(fan_out(bare_urls, False, note, lambda m: None, 50, 1.0))
            asyncio.run(fan_out(floor_urls, False, note, lambda m: None, 50, 1.0))
            asyncio.run(fan_out(room_urls(), True, create, created, 50, 2.0))
            presence_msg = (lambda r, k: {"type": "presence.update", "client_id": k, "sheet_id": None})
            presence_key = (lambda m: m.get("client_id") if m.get("type") == "presence" else None)
            for rate in [float(x) for x in args.rates.split(",")]:
                # the goal's rate: several rounds, bare / floor / drawreview / presence alternating,
                # pooled (one 5-second sample of each moves by half on this shared machine)
                rounds = args.rounds if rate == 50 else 1
                bare, floor, dr, pres, per_round = [], [], [], [], []
                miss = pmiss = 0
                before = COUNTS["slow_down"]
                for _ in range(rounds):
                    b, _ = asyncio.run(fan_out(bare_urls, False, note, lambda m: m.get("client_id"), rate, args.seconds))
                    f, _ = asyncio.run(fan_out(floor_urls, False, note, lambda m: m.get("client_id"), rate,
                                               args.seconds))
                    w, m = asyncio.run(fan_out(room_urls(), True, create, created, rate, args.seconds))
                    p, pm = (asyncio.run(fan_out(room_urls(), True, presence_msg, presence_key, rate, args.seconds))
                             if rate == 50 else ([], 0))
                    bare += b
                    floor += f
                    dr += w
                    pres += p
                    miss += m
                    pmiss += pm
                    per_round.append((pct(w, 95) / pct(b, 95), pct(p, 95) / pct(b, 95) if p else None))
                ratio = pct(dr, 95) / pct(bare, 95)
                print(f"{rate:>9.0f} {pct(bare, 50):>9.1f} {pct(bare, 95):>9.1f} {pct(floor, 50):>10.1f} "
                      f"{pct(floor, 95):>10.1f} {pct(dr, 50):>10.1f} {pct(dr, 95):>10.1f} {ratio:>7.1f} "
                      f"{pct(dr, 95) / pct(floor, 95):>8.1f} {miss:>8} {COUNTS['slow_down'] - before:>10}")
                if rate == 50:
                    ok &= ratio <= 2.0 and miss == 0
                    pratio = pct(pres, 95) / pct(bare, 95)
                    print(f"{'presence':>9} {'':>9} {'':>9} {'':>10} {'':>10} {pct(pres, 50):>10.1f} "
                          f"{pct(pres, 95):>10.1f} {pratio:>7.1f} {'':>8} {pmiss:>8}")
                    if rounds > 1:
                        print(f"{'':>9} 50/s pooled over {rounds} alternating rounds; each round's × bare: write "
                              + " ".join(f"{w:.1f}" for w, _ in per_round) + ", presence "
                              + " ".join(f"{p:.1f}" for _, p in per_round))
                    ok &= pratio <= 2.0 and pmiss == 0

        if args.part in ("all", "backpressure"):
            print(f"\nbackpressure ({load()})")
            big = "审" * 3000  # ~9 KB a markup, so a reader that stops fills its socket buffers quickly
            create_big = (lambda r, k: {**create(r, k), "body": big})
            plain, miss0 = asyncio.run(fan_out(room_urls(), True, create_big, created, 50, args.seconds))
            stalled = [ws_url(r, per, "window") for r in range(len(worlds))]
            slowed, miss1 = asyncio.run(fan_out(room_urls(), True, create_big, created, 50, args.seconds, stalled))
            print(f"(a) 50 writes/s of 9 KB markups, write → others p95: {pct(plain, 95):.1f} ms; with one client per "
                  f"project that never reads: {pct(slowed, 95):.1f} ms (missing {miss0} / {miss1})")
            urls, sheets = writer_urls(20)
            r = asyncio.run(flood(urls, sheets, 60))
            print(f"(b) 20 writers × 60 creates sent at once: {r['answered']}/{r['sent']} answered, {r['acked']} acked, "
                  f"{r['slow_down']} slow_down; ack p95 {r['ack_p95']:.0f} ms, slowest answer {r['slowest']:.0f} ms")
            ok &= r["answered"] == r["sent"]
    finally:
        for p in procs:
            stop_process(p)
        teardown_stack(stack)
    for err in ERRORS[:5]:
        print("write error:", err.get("code"), err.get("message"), err.get("details"))
    print("\nall goals met" if ok else "\nSOME GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
