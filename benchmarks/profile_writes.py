"""The markup write path, one write at a time: database statements (and round trips) per
websocket write, and where the app process spends its time (cProfile).

Usage: python benchmarks/profile_writes.py [--writes 300] [--top 25] [--embedded]

Runs one drawreview app in this process (uvicorn on a loopback port, PostgreSQL + Redis like
the scaled mode, or SQLite with --embedded) and one websocket client that sends markup
creates and edits in a closed loop. Prints, per operation: statements issued by the app's
engine (each one a round trip to the database, plus the BEGIN/COMMIT the driver sends), the
statements themselves, writes/s, and the profile's top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import json
import pstats
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def drive(app, port: int, token: str, world: dict, writes: int, prof: cProfile.Profile | None) -> dict:
    import uvicorn
    import websockets

    from drawreview.web.wsdeflate import protocol_class

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                            ws=protocol_class())  # as `drawreview serve`
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    from tests.statements import watch_statements

    out = {}
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/projects/{world['project_id']}",
                                      additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            await ws.send(json.dumps({"type": "hello", "since": 0}))
            while json.loads(await ws.recv())["type"] != "welcome":
                pass

            async def call(msg: dict) -> dict:
                await ws.send(json.dumps(msg))
                while True:
                    reply = json.loads(await ws.recv())
                    if reply.get("client_id") == msg["client_id"] and reply["type"] in ("ack", "error"):
                        if reply["type"] == "error":
                            raise RuntimeError(reply)
                        return reply

            def create_msg():
                return {"type": "annotation.create", "client_id": uuid.uuid4().hex, "sheet_id": world["sheet_id"],
                        "kind": "pin", "geometry": {"points": [[10, 10]]}, "body": "profile"}

            for _ in range(20):  # warm up: caches, prepared statements, pool
                await call(create_msg())
            for name in ("create", "edit"):
                ann = (await call(create_msg()))["annotation"] if name == "edit" else None
                version = ann["version"] if ann else 0
                watching = watch_statements(app.state.db.engine)
                statements = watching.__enter__()
                if prof:
                    prof.enable()
                t0 = time.perf_counter()
                c0 = time.process_time()
                for _ in range(writes):
                    if name == "create":
                        await call(create_msg())
                    else:
                        reply = await call({"type": "annotation.update", "client_id": uuid.uuid4().hex,
                                            "annotation_id": ann["id"], "version": version, "body": f"v{version}"})
                        version = reply["annotation"]["version"]
                dt = time.perf_counter() - t0
                cpu = time.process_time() - c0
                if prof:
                    prof.disable()
                watching.__exit__(None, None, None)
                statements = [q[:110] for q in statements]
                out[name] = {"per_write": len(statements) / writes, "writes_s": writes / dt,
                             "cpu_ms": cpu * 1000 / writes,
                             "kinds": Counter(statements)}
    finally:
        server.should_exit = True
        await serving
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writes", type=int, default=300)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--embedded", action="store_true")
    ap.add_argument("--no-profile", action="store_true")
    args = ap.parse_args(argv)
    from tests.conftest import build_stack, free_port, teardown_stack
    from tests.web.matrix.annotations import create_review_world

    from drawreview.app import create_app

    stack = build_stack("embedded" if args.embedded else "scaled", Path(tempfile.mkdtemp(prefix="prof-w-")) / "d")
    try:
        world = create_review_world(stack, "写入剖析")
        token = stack.account("fire")["token"]
        prof = None if args.no_profile else cProfile.Profile()
        out = asyncio.run(drive(create_app(stack.settings), free_port(), token, world, args.writes, prof))
    finally:
        teardown_stack(stack)
    print(f"mode: {stack.mode}; {args.writes} writes per operation, one client, closed loop (the client shares the process)")
    for name, r in out.items():
        print(f"\n{name}: {r['per_write']:.1f} statements per write, {r['writes_s']:.0f} writes/s, "
              f"{r['cpu_ms']:.2f} ms CPU per write (app and client together)")
        for stmt, n in sorted(r["kinds"].items(), key=lambda kv: -kv[1]):
            print(f"  {n / args.writes:5.2f} × {stmt}")
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(os.environ.get("PROF_SORT", "cumulative")).print_stats(r"drawreview|sqlalchemy|asyncpg|json", args.top)
        print(buf.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
