"""Periodic workflow jobs: the deadline watch, the email/webhook outbox delivery, and the
hourly audit anchors (each moved chain head appended to the authority's export).

Both are idempotent sweeps (no ids: they find their own due rows and claim them safely), so
several app processes and workers may run them at once.

Wiring:
* ``drawreview/jobs/__init__.py``: ``JOBS.update(workflow.JOBS)`` (done);
* embedded mode, in the app lifespan: ``handle = workflow.start_periodic(ctx)`` after the
  queue starts, ``await workflow.stop_periodic(handle)`` before it stops;
* scaled mode, in ``worker.make_worker``: ``Worker(..., cron_jobs=workflow.cron_jobs())``.
Services also call :func:`kick_delivery` after a commit so notifications go out at once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ..services import deadlines, deliveries, events, tasks

log = logging.getLogger("drawreview.jobs.workflow")
PERIOD_S = 60


async def deliver_notifications(ctx: dict[str, Any]) -> dict:
    """Send due outbox emails and webhook deliveries."""
    emails = await deliveries.deliver_emails(ctx["db"], ctx["settings"])
    hooks = await deliveries.deliver_webhooks(ctx["db"], allow=ctx["settings"].webhook_allow)
    return {"emails": emails, "webhooks": hooks}


async def watch_deadlines(ctx: dict[str, Any], now_iso: str | None = None) -> dict:
    """Traffic lights and escalation of overdue tasks (notifications go to the outbox)."""
    from datetime import datetime

    now = datetime.fromisoformat(now_iso) if now_iso else None
    pending: list = []
    async with ctx["db"].session() as session:
        counts = await deadlines.watch_deadlines(session, now, pending.append, tasks.config(ctx["settings"]))
        await session.commit()
    if pending:
        await events.publish(ctx["broadcast"], *pending)
    return counts


async def anchor_audit(ctx: dict[str, Any]) -> int:
    """Append the head of every audit chain that moved since the last run to the authority's
    append-only export (services/anchors.py); returns how many anchors were written."""
    from ..services import anchors

    async with ctx["db"].session() as session:
        heads = await anchors.current_heads(session)
    seen = ctx.setdefault("_anchored", {})
    fresh = [a for a in heads if seen.get(a.chain) != a.key()]
    if fresh:
        await asyncio.to_thread(anchors.append_export, anchors.export_path(ctx["settings"]), fresh)
        seen.update({a.chain: a.key() for a in fresh})
    return len(fresh)


JOBS = {"deliver_notifications": deliver_notifications, "watch_deadlines": watch_deadlines,
        "anchor_audit": anchor_audit}
ANCHOR_EVERY = 60  # periodic rounds (minutes) between audit anchors in the embedded mode


async def kick_delivery(queue) -> None:
    """Ask for a delivery run now; the periodic sweep covers any failure here."""
    try:
        await queue.enqueue("deliver_notifications")
    except Exception:  # noqa: BLE001 - never fail the request that already committed
        log.warning("could not enqueue deliver_notifications", exc_info=True)


def start_periodic(ctx: dict[str, Any], period_s: float = PERIOD_S) -> asyncio.Task:
    """Embedded mode: run both sweeps every ``period_s`` seconds inside the app process."""

    async def loop() -> None:
        rounds = 0
        while True:
            await asyncio.sleep(period_s)
            rounds += 1
            jobs = (watch_deadlines, deliver_notifications) + ((anchor_audit,) if rounds % ANCHOR_EVERY == 1 else ())
            for job in jobs:
                try:
                    await job(ctx)
                except Exception:  # noqa: BLE001 - keep the loop alive
                    log.exception("periodic %s failed", job.__name__)

    return asyncio.create_task(loop(), name="drawreview-workflow-periodic")


async def stop_periodic(handle: asyncio.Task | None) -> None:
    if handle is None:
        return
    handle.cancel()
    await asyncio.gather(handle, return_exceptions=True)


def cron_jobs() -> list:
    """Scaled mode: arq cron entries (every 5 minutes the watch, every minute delivery)."""
    from arq.cron import cron

    return [
        cron(watch_deadlines, minute=set(range(0, 60, 5)), run_at_startup=True, unique=True),
        cron(deliver_notifications, second={0}, run_at_startup=True, unique=True),
        cron(anchor_audit, minute={7}, second={30}, run_at_startup=True, unique=True),  # hourly audit anchors
    ]
