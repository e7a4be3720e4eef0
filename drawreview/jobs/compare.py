"""The revision-overlay job: ``compare_sheet(ctx, sheet_id)`` (services/compare.py does the work).

Idempotent: an overlay that matches both sheets' current PDFs is kept. The build runs in a
drawing child process (``cad.isolate``) with the job timeout as its deadline. When one is
built, a ``sheet.compare_ready`` event tells open viewers of the project.
"""

from __future__ import annotations

from typing import Any

from ..models import Sheet, Submission
from ..services import compare, events


async def compare_sheet(ctx: dict[str, Any], sheet_id: int) -> str:
    async with ctx["db"].session() as session:
        outcome = await compare.build(session, ctx["storage"], sheet_id, ctx["settings"].job_timeout_s)
        if outcome != "built":
            return outcome
        sheet = await session.get(Sheet, sheet_id)
        sub = await session.get(Submission, sheet.submission_id)
        event = await events.append(session, sub.project_id, "sheet.compare_ready", None,
                                    {"sheet_id": sheet_id, "counts": sheet.compare["counts"]})
        await session.commit()
    await events.publish(ctx["broadcast"], event)
    return outcome
