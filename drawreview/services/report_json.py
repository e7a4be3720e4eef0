"""The JSON export of an issued round, made at issue from the very data the signed report was
drawn from (each discipline's checker, the reply deadline, the comments' states and threads as
they were then), and kept as a ``ReportFile`` row. Built later from the current rows, it would
carry the report's ``issued_at`` beside answers and states the report never showed.

The PDF's data replaces characters its font cannot draw; the JSON keeps every character, so
the round is gathered a second time with ``raw=True`` and given the same additions.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Report, ReportFile, Submission
from ..report.export_json import export_json
from . import report_data, report_extras

KIND_JSON = "json"


async def build(session: AsyncSession, storage, sub: Submission, *, issued_at: datetime, audit_anchor: str,
                extras: dict) -> bytes:
    """The round's JSON as the report being issued shows it (``extras``: ``report_extras.enrich``'s)."""
    g = await report_data.gather(session, storage, sub.id, actor=extras.get("actor"), issued_at=issued_at,
                                 need_pdfs=False, raw=True)
    data = await report_extras.enrich(session, g.data, sub, **extras)
    data = dataclasses.replace(data, project=dataclasses.replace(data.project, audit_anchor=audit_anchor))
    return export_json(data).encode("utf-8")


def file_row(report: Report, blob, name: str) -> ReportFile:
    return ReportFile(report_id=report.id, kind=KIND_JSON, name=name, sha256=blob.sha256, size=blob.size)


async def issued(session: AsyncSession, storage, report: Report | None) -> str | None:
    """The JSON kept with ``report`` (None for a round issued before it was kept, or not issued)."""
    if report is None:
        return None
    row = (await session.exec(select(ReportFile).where(ReportFile.report_id == report.id,
                                                       ReportFile.kind == KIND_JSON))).first()
    return storage.path(row.sha256).read_text("utf-8") if row is not None else None
