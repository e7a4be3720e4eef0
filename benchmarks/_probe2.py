import asyncio, json, sys, time, uuid, tempfile, statistics, os
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]; sys.path.insert(0, str(ROOT))
from tests.conftest import build_stack, free_port, teardown_stack
from tests.web.matrix.annotations import create_review_world
from drawreview.app import create_app
import drawreview.db as DB
if os.environ.get("ASYNC"):
    _cae = DB.create_async_engine
    DB.create_async_engine = lambda url, **k: _cae(url, connect_args={"server_settings": dict(x.split("=") for x in os.environ["ASYNC"].split(","))}, **k) if "postgres" in url else _cae(url, **k)
import drawreview.web.sync as S
import drawreview.services.journal as J
import drawreview.services.events as E
import drawreview.services.client_writes as CW
T = {}
marks = []
def wrap(mod, name, label):
    f = getattr(mod, name)
    async def g(*a, **k):
        marks.append((label+">", time.perf_counter()))
        try: return await f(*a, **k)
        finally: marks.append((label+"<", time.perf_counter()))
    setattr(mod, name, g)
def wraps(mod, name, label):
    f = getattr(mod, name)
    def g(*a, **k):
        marks.append((label+">", time.perf_counter()))
        try: return f(*a, **k)
        finally: marks.append((label+"<", time.perf_counter()))
    setattr(mod, name, g)
import drawreview.services.annotations as A
from sqlalchemy.ext.asyncio import AsyncSession as AS
wraps(S, "parse", "parse"); wrap(A, "project_of_sheet", "pos"); wrap(A, "_require", "req"); wraps(J, "_entry", "entry")
wrap(J, "_write_alone", "alone"); wrap(AS, "connection", "sconn"); wrap(AS, "close", "sclose"); wrap(A, "create", "acreate")
wrap(J, "write", "journal"); wrap(E, "publish", "publish"); wrap(S, "handle", "handle")
CW.events_service.publish = E.publish
import asyncpg.prepared_stmt as PS, asyncpg.connection as AC
CAP = {}
_f = PS.PreparedStatement.fetch
async def _fetch(self, *a, **k):
    q = self.get_query()
    if "WITH s AS" in q and os.environ.get("EXPLAIN"):
        conn = self._connection
        tr = conn.transaction(); await tr.start()
        plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS, VERBOSE) " + q, *a)
        await tr.rollback()
        CAP[0] = CAP.get(0, 0) + 1
        if CAP[0] > 5: print("EX", " | ".join(r[0].strip()[:60] for r in plan if "Time" in r[0] or "Insert on public.project_event" in r[0]))
        CAP[1] = 1
    return await _f(self, *a, **k)
PS.PreparedStatement.fetch = _fetch
wrap(PS.PreparedStatement, "fetch", "pg.fetch"); wrap(AC.Connection, "prepare", "pg.prepare"); wrap(AC.Connection, "execute", "pg.exec")

async def drive(app, port, token, world, n, rate):
    import uvicorn, websockets
    from sqlalchemy import event
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve())
    while not server.started: await asyncio.sleep(0.05)
    eng = app.state.db.engine.sync_engine
    event.listen(eng, "before_cursor_execute", lambda *a: marks.append(("sql>", time.perf_counter())))
    event.listen(eng, "after_cursor_execute", lambda *a: marks.append(("sql<", time.perf_counter())))
    rows = []
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/projects/{world['project_id']}", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        await ws.send(json.dumps({"type": "hello", "since": 0}))
        while json.loads(await ws.recv())["type"] != "welcome": pass
        for i in range(n + 10):
            marks.clear()
            k = uuid.uuid4().hex; t0 = time.perf_counter()
            await ws.send(json.dumps({"type": "annotation.create", "client_id": k, "sheet_id": world["sheet_id"], "kind": "pin", "geometry": {"points": [[10, 10]]}, "body": "p"}))
            while True:
                m = json.loads(await ws.recv())
                if m.get("type") == "ack" and m.get("client_id") == k: break
            t1 = time.perf_counter()
            if i >= 10:
                rows.append([(lab, (t - t0) * 1000) for lab, t in marks] + [("ack", (t1 - t0) * 1000)])
            await asyncio.sleep(1 / rate)
    server.should_exit = True; await serving
    return rows
stack = build_stack(sys.argv[3] if len(sys.argv) > 3 else "scaled", Path(tempfile.mkdtemp(prefix="p2-")) / "d")
try:
    world = create_review_world(stack, "探针")
    import cProfile, pstats
    PR = cProfile.Profile() if os.environ.get("PROF") else None
    if PR: PR.enable()
    rows = asyncio.run(drive(create_app(stack.settings), free_port(), stack.account("fire")["token"], world, int(sys.argv[1]), float(sys.argv[2])))
finally:
    if PR:
        PR.disable(); pstats.Stats(PR).sort_stats("cumulative").print_stats(r"drawreview|sqlalchemy/(orm|engine|ext)", 60)
    teardown_stack(stack)
# median of each label occurrence
from collections import defaultdict
acc = defaultdict(list)
for r in rows:
    seen = defaultdict(int)
    for lab, t in r:
        seen[lab] += 1; acc[f"{lab}#{seen[lab]}"].append(t)
for k, v in sorted(acc.items(), key=lambda kv: statistics.median(kv[1])):
    print(f"{k:14} n={len(v):4} p50 {statistics.median(v):6.2f} p95 {sorted(v)[int(len(v)*.95)]:6.2f}")
