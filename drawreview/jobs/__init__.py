"""Background jobs. Each takes ids (never objects), is idempotent, and reports progress as events.

``JOBS`` is the registry both queues use: arq's worker (``drawreview worker``, ``jobs.worker``)
and the in-process queue of the embedded mode (``jobs.queue``). The jobs themselves:
``drawings`` (a file's processing), ``findings`` (rule checks), ``compare`` (revision overlays),
``workflow`` (deadline watch, outbox delivery, audit anchoring).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable


async def ping(ctx: dict[str, Any], value: str) -> str:
    """A trivial job used by the health and topology tests."""
    redis = ctx.get("redis")
    if redis is not None:
        await redis.set(f"drawreview:ping:{value}", "pong", ex=60)
    else:
        ctx.setdefault("pings", []).append(value)
    return value


from .drawings import process_file  # noqa: E402
from .findings import check_file, check_sheet  # noqa: E402
from .compare import compare_sheet  # noqa: E402
from .workflow import JOBS as workflow_jobs  # noqa: E402

JOBS: dict[str, Callable[..., Awaitable[Any]]] = {
    "ping": ping, "process_file": process_file, "check_file": check_file, "check_sheet": check_sheet,
    "compare_sheet": compare_sheet,  # revision overlay of a sheet against its previous revision
    **workflow_jobs,  # deadline watch, outbox delivery, audit anchors
}
