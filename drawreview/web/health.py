"""/healthz: database, storage, queue and broadcast state, and the event loop's recent stalls
(``loop``: drawreview/loopwatch.py)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse


async def _check(coro_or_fn) -> dict:
    try:
        result = coro_or_fn()
        if asyncio.iscoroutine(result):
            result = await asyncio.wait_for(result, 3)
        return {"ok": bool(result)}
    except Exception as exc:  # report, don't raise: this is the health page
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


async def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    checks = {
        "database": await _check(state.db.ping),
        "storage": await _check(state.storage.ping),
        "queue": await _check(state.queue.ping),
        "broadcast": await _check(state.broadcast.ping),
    }
    checks["database"]["backend"] = state.db.engine.dialect.name
    checks["queue"]["backend"] = state.queue.name
    checks["broadcast"]["backend"] = state.broadcast.name
    ok = all(c["ok"] for c in checks.values())
    body = {"ok": ok, "status": "ok" if ok else "degraded", "mode": state.settings.mode, "checks": checks}
    watch = getattr(state, "loopwatch", None)
    if watch is not None:
        body["loop"] = watch.report()
    return JSONResponse(body, status_code=200 if ok else 503)
