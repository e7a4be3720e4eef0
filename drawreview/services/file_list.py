"""What a submission's file table shows (issue 18: a set may be thousands of files — a zip of
single-sheet PDFs is common).

``shown(session, submission_id, limit)`` answers the files a reader must see first — failed,
waiting or in progress, whatever their place in the list — and the first of the rest in upload
order, ``limit`` rows in all (``None``: every file), with ``counts`` by state so that what is
not listed is said, never silently dropped. A small set is listed whole.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import ValidationFailed
from ..models import DrawingFile

SHOWN = 200  # rows of the project page's file table, and of the upload page's polling
MAX_LIMIT = 5000
ATTENTION = ("failed", "uploaded", "processing")


def parse_limit(raw: str | None) -> int | None:
    """``files_limit`` of a query: None (every file) or 1 … MAX_LIMIT."""
    if raw in (None, "", "all"):
        return None
    try:
        n = int(raw) if len(raw) <= 8 else 0
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_LIMIT:
        raise ValidationFailed(f"文件条数须在 1–{MAX_LIMIT} 之间", f"files_limit must be between 1 and {MAX_LIMIT}",
                               details={"files_limit": raw, "max": MAX_LIMIT})
    return n


async def counts(session: AsyncSession, submission_id: int) -> dict:
    rows = (await session.exec(select(DrawingFile.state, func.count()).where(DrawingFile.submission_id == submission_id)
                               .group_by(DrawingFile.state))).all()
    by_state = {state: n for state, n in rows}
    return {"total": sum(by_state.values()), "by_state": by_state}


async def shown(session: AsyncSession, submission_id: int, limit: int | None = SHOWN) -> tuple[list[DrawingFile], dict]:
    """(files to list in upload order, counts with ``shown``)."""
    tally = await counts(session, submission_id)
    of_sub = select(DrawingFile).where(DrawingFile.submission_id == submission_id)
    if limit is None or tally["total"] <= limit:
        files = list((await session.exec(of_sub.order_by(DrawingFile.id))).all())
    else:
        first = list((await session.exec(of_sub.where(DrawingFile.state.in_(ATTENTION))
                                          .order_by(DrawingFile.id).limit(limit))).all())
        rest = list((await session.exec(of_sub.where(DrawingFile.state.not_in(ATTENTION))
                                         .order_by(DrawingFile.id).limit(limit - len(first)))).all())
        files = sorted(first + rest, key=lambda f: f.id)
    return files, {**tally, "shown": len(files)}
