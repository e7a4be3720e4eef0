"""How responsive the event loop is, measured from inside the process (docs/decisions/119).

A task ticks every ``TICK_S``; a tick that comes back ``LATE_S`` or more after it was due is a
*stall*: for that long no request, websocket message or job step of this process could run.
A stall has two possible causes, told apart by the kernel's count of the time this thread was
runnable but waiting for a CPU (``/proc/thread-self/schedstat``, Linux):

* ``runq_ms``: the machine was busy (other processes held both cores): not this code's doing;
* ``blocked_ms`` (the rest): this process held its own loop — a callback that computed for
  long, a blocking call on the loop, or a worker thread holding the GIL (PyMuPDF renders
  without releasing it) — the defects this watch is here to find.

``/healthz`` reports the recent stalls (``report``), with their wall-clock times, so a test
or an operator sees when and how long; a stall blocked for ``WARN_S`` or more is logged. The
app starts one in its lifespan, the arq worker in its start-up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

log = logging.getLogger("drawreview.loop")

TICK_S = 0.02
LATE_S = 0.05  # a tick this late is kept as a stall
WARN_S = 0.5  # a stall blocked this long is logged
KEEP = 64  # most recent stalls kept
WINDOW_S = 60.0  # /healthz reports the stalls of the last minute


def _runq_wait_s() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU (0 where unknown)."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0.0


class LoopWatch:
    def __init__(self, name: str = "app") -> None:
        self.name = name
        self.stalls: deque[dict] = deque(maxlen=KEEP)
        self.started_at: float | None = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self.started_at = time.time()
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"loopwatch-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            t0, w0 = time.monotonic(), _runq_wait_s()
            await asyncio.sleep(TICK_S)
            late = time.monotonic() - t0 - TICK_S
            if late >= LATE_S:
                self.record(late, _runq_wait_s() - w0)

    def record(self, late_s: float, runq_s: float) -> dict:
        runq_s = min(max(0.0, runq_s), late_s)
        stall = {"at": round(time.time(), 3), "late_ms": round(late_s * 1000, 1),
                 "runq_ms": round(runq_s * 1000, 1), "blocked_ms": round((late_s - runq_s) * 1000, 1)}
        self.stalls.append(stall)
        if late_s - runq_s >= WARN_S:
            log.warning("%s: the event loop was blocked for %.0f ms", self.name, stall["blocked_ms"])
        return stall

    def report(self, window_s: float = WINDOW_S) -> dict:
        since = time.time() - window_s
        recent = [s for s in self.stalls if s["at"] >= since]
        return {"running": self._task is not None and not self._task.done(), "tick_ms": TICK_S * 1000,
                "window_s": window_s, "worst_late_ms": max((s["late_ms"] for s in recent), default=0.0),
                "worst_blocked_ms": max((s["blocked_ms"] for s in recent), default=0.0), "stalls": recent}
