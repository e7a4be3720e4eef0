"""Job ``check_sheet(ctx, sheet_id)``: run the rule engine on a sheet's source drawing and
store its findings (idempotent: running twice gives the same rows; decisions are kept).

The drawings pipeline enqueues it after rendering a sheet, and the designer's pre-check
(``POST /api/submissions/{id}/precheck``) again. A model space holding several frames is
checked one frame per sheet (the renderer's split); a finding is attached to the sheet whose
page its box falls on (after the sheet's drawing→sheet map); a finding without a box goes to
the file's first sheet only.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from .cad import isolate
from .models import DrawingFile, Project, Sheet, Submission
from .services import audit, findings
from .services import events as events_service
from .rules.sheetcheck import check_sheet_of_file


async def check_sheet(ctx: dict[str, Any], sheet_id: int) -> dict:
    db, storage, broadcast = ctx["db"], ctx["storage"], ctx["broadcast"]
    async with db.session() as session:
        sheet = await session.get(Sheet, sheet_id)
        if sheet is None:
            return {"sheet_id": sheet_id, "skipped": "no such sheet"}
        file = await session.get(DrawingFile, sheet.file_id)
        submission = await session.get(Submission, sheet.submission_id)
        project = await session.get(Project, submission.project_id)
        if file is None or file.format != "dxf" or not storage.exists(file.sha256):
            return {"sheet_id": sheet_id, "skipped": "no DXF source"}
        params = {"project_type": project.project_type, **(project.params or {})}
        city = getattr(ctx.get("settings"), "city", None)
        if city:
            params.setdefault("city", city)
        first_sheet = (await session.exec(select(func.min(Sheet.id)).where(Sheet.file_id == file.id))).one()
        path = storage.path(file.sha256)
        project_id = project.id

    # in a warm child process, like the rendering (docs/decisions/022): reading the DXF again and
    # checking it would otherwise hold the serving process's GIL for seconds in embedded mode
    deadline = time.monotonic() + ctx["settings"].job_timeout_s * 0.9
    result = await isolate.pool().run(check_sheet_of_file, (str(path), params, sheet.key), deadline=deadline)
    found = []
    for bbox, f in result:
        rect = findings.to_sheet(sheet, bbox)
        if (rect is None and sheet.id == first_sheet) or (rect is not None and findings.on_sheet(sheet, rect)):
            found.append(f)

    async with db.session() as session:
        sheet = await session.get(Sheet, sheet_id)
        counts = await findings.store_findings(session, sheet, found)
        event = await events_service.append(session, project_id, "findings.updated", None,
                                            {"sheet_id": sheet_id, **counts})
        await audit.record(session, "system", "findings.store", "sheet", sheet_id, project_id, counts)
        await session.commit()
    await events_service.publish(broadcast, event)
    return {"sheet_id": sheet_id, **counts}
