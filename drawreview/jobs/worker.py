"""The arq worker: ``drawreview worker`` (needs REDIS_URL)."""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings
from arq.worker import Worker

from ..loopwatch import LoopWatch
from ..settings import Settings
from . import JOBS
from .drawings import requeue_unfinished
from .queue import queue_name
from .workflow import cron_jobs


def make_worker(settings: Settings, burst: bool = False) -> Worker:
    from ..app import build_context

    async def on_startup(ctx: dict[str, Any]) -> None:
        shared = build_context(settings, role="worker")
        ctx.update(shared)
        await shared["broadcast"].connect()
        await shared["queue"].start(shared)
        await requeue_unfinished(shared)  # files a killed worker left half-done
        ctx["loopwatch"] = LoopWatch("worker")  # a blocked job step is logged (docs/decisions/119)
        ctx["loopwatch"].start()

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        if "loopwatch" in ctx:
            await ctx["loopwatch"].stop()
        await ctx["queue"].stop()
        await ctx["broadcast"].disconnect()
        await ctx["limiter"].close()
        await ctx["db"].close()

    return Worker(
        functions=list(JOBS.values()),
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=queue_name(settings),
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        job_timeout=settings.job_timeout_s,
        max_tries=3,
        keep_result=0,  # a finished job may be enqueued again at once (as in the in-process queue)
        cron_jobs=cron_jobs(),
        burst=burst,
        handle_signals=not burst,
    )
