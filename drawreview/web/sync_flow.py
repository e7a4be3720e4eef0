"""Flow control of the project websocket (``web.sync``): the process's write slots, the typed
``slow_down`` answer to a message that was not run, the writes that finish although their
client left, and the count of each user's open sockets (decisions 091, 151)."""

from __future__ import annotations

import asyncio
import logging

from ..errors import DrawReviewError
from .sync_messages import error_message

log = logging.getLogger("drawreview.sync")


async def finished(job):
    """Run ``job`` to its end even when the connection's task is cancelled (the client went
    away): a write cut off inside its commit leaves the pool resetting a connection half-way
    (an error in the log, the connection lost), while a finished one is simply answered to
    nobody. The cancellation is raised once the job is done; otherwise its result is returned."""
    task = asyncio.ensure_future(job)
    cancelled = None
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError as exc:
            cancelled = exc
        except Exception:  # noqa: BLE001 - read below, after the loop
            break
    if cancelled is not None:
        if not task.cancelled() and task.exception() is not None:
            log.info("write after the client left ended: %r", task.exception())
        raise cancelled
    return task.result()


WRITE_SLOTS = 8  # messages one app process runs at once (below the database pool: 10 + 10)


def write_slots(state) -> asyncio.Semaphore:
    slots = getattr(state, "sync_write_slots", None)
    if slots is None:
        slots = state.sync_write_slots = asyncio.Semaphore(WRITE_SLOTS)
    return slots


def slow_down(lang: str, text: str | None, waited_s: float, reason: str) -> dict:
    """The typed "slow down" answer to a message that was not run: the client keeps the write
    and sends it again after ``retry_after_ms``."""
    exc = DrawReviewError("服务器繁忙，该操作尚未执行，将稍后自动重试", "The server is busy; this operation was not run yet "
                          "and will be retried shortly", code="slow_down", status=503,
                          details={"reason": reason, "waited_ms": round(waited_s * 1000)})
    out = error_message(exc, lang, None, text)
    out["type"] = "slow_down"
    out["retry_after_ms"] = 500 if reason == "full" else 1000
    return out


def sockets_held(state) -> dict[int, int]:
    """This process's open project sockets per user (``settings.sync_max_sockets_per_user`` each:
    every socket joins its room's presence, which every other socket there answers, decision 151)."""
    held = getattr(state, "sync_sockets_held", None)
    if held is None:
        held = state.sync_sockets_held = {}
    return held
