"""Background jobs: in-process (embedded) or arq on Redis (scaled out).

Jobs are plain ``async def job(ctx, *ids)`` functions registered in ``drawreview.jobs.JOBS``;
both queues call the same functions with the same ``ctx`` keys (settings, db, storage,
broadcast, queue), so the code path is identical in both modes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

log = logging.getLogger("drawreview.jobs.queue")


class Queue(Protocol):
    name: str

    async def start(self, ctx: dict[str, Any]) -> None: ...
    async def stop(self) -> None: ...
    async def enqueue(self, job: str, *args: Any, job_id: str | None = None) -> None: ...
    async def ping(self) -> bool: ...


STOP_GRACE_S = 5.0


class InProcessQueue:
    """Runs each job as an asyncio task in this process, with the job's timeout."""

    name = "in-process"

    def __init__(self, timeout_s: int) -> None:
        self.timeout_s = timeout_s
        self.ctx: dict[str, Any] = {}
        self._tasks: set[asyncio.Task] = set()
        self._running: set[str] = set()

    async def start(self, ctx: dict[str, Any]) -> None:
        self.ctx = ctx

    async def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Give the jobs in flight *grace_s* to finish, then cancel the rest (a job cancelled in
        the middle of a database write can leave its connection, and on SQLite the write lock,
        to the garbage collector; unfinished files are queued again at the next start)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace_s)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self, job: str, args: tuple, key: str) -> None:
        from . import JOBS

        try:
            await asyncio.wait_for(JOBS[job](self.ctx, *args), self.timeout_s)
        except Exception:
            log.exception("job %s%r failed", job, args)
        finally:
            self._running.discard(key)

    async def enqueue(self, job: str, *args: Any, job_id: str | None = None) -> None:
        from . import JOBS

        if job not in JOBS:
            raise KeyError(job)
        key = job_id or f"{job}:{args}"
        if key in self._running:  # same job already queued: idempotent enqueue
            return
        self._running.add(key)
        task = asyncio.create_task(self._run(job, args, key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every queued job has finished (tests, the demo command)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def ping(self) -> bool:
        return True


class ArqQueue:
    name = "arq"

    def __init__(self, redis_url: str, queue_name: str = "arq:queue", namespace: str = "default") -> None:
        self.redis_url = redis_url
        self.queue_name = queue_name
        self.namespace = namespace
        self.pool = None

    async def start(self, ctx: dict[str, Any]) -> None:
        from arq import create_pool
        from arq.connections import RedisSettings

        self.pool = await create_pool(RedisSettings.from_dsn(self.redis_url), default_queue_name=self.queue_name)

    async def stop(self) -> None:
        if self.pool is not None:
            await self.pool.aclose()

    async def enqueue(self, job: str, *args: Any, job_id: str | None = None) -> None:
        # arq keeps job ids in one keyspace for the whole Redis: prefix them per deployment
        await self.pool.enqueue_job(job, *args, _job_id=f"{self.namespace}:{job_id}" if job_id else None)

    async def drain(self) -> None:
        return None

    async def ping(self) -> bool:
        return bool(await self.pool.ping())


def make_queue(settings) -> Queue:
    if settings.redis_url and not settings.jobs_inline:
        return ArqQueue(settings.redis_url, queue_name(settings), settings.namespace)
    return InProcessQueue(settings.job_timeout_s)


def queue_name(settings) -> str:
    return f"drawreview:{settings.namespace}:jobs"
