"""Jobs ``check_file(ctx, file_id)`` and ``check_sheet(ctx, sheet_id)``: run the rule engine on
the source drawing of a file's sheets (read once per file) and store each sheet's findings
(idempotent: running twice gives the same rows; decisions are kept).

The drawings pipeline enqueues ``check_file`` once a file's sheets are rendered, and the
designer's pre-check (``POST /api/submissions/{id}/precheck``) again for each DXF file. A model space holding several frames is
checked one frame per sheet (the renderer's split); a finding is attached to the model-space
sheet whose page its box falls on (after the sheet's drawing→sheet map; a paper-space layout's
map takes paper units, so a model-space box is never placed on a layout sheet); a finding
without a box goes to the file's first sheet only.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from ..cad import isolate
from ..models import DrawingFile, Project, Sheet, Submission
from ..services import audit, findings
from ..services import events as events_service
from ..rules.sheetcheck import check_sheets_of_file


async def check_file(ctx: dict[str, Any], file_id: int) -> dict:
    """Check every ready sheet of a DXF file, reading the file once (in a warm child)."""
    async with ctx["db"].session() as session:
        ids = list((await session.exec(select(Sheet.id).where(Sheet.file_id == file_id, Sheet.state == "ready")
                                       .order_by(Sheet.id))).all())
    return {"file_id": file_id, "sheets": await _check(ctx, ids)}


async def check_sheet(ctx: dict[str, Any], sheet_id: int) -> dict:
    """Check one sheet (its file is read for it alone)."""
    (result,) = await _check(ctx, [sheet_id]) or [{"sheet_id": sheet_id, "skipped": "no such sheet"}]
    return result


async def _check(ctx: dict[str, Any], sheet_ids: list[int]) -> list[dict]:
    """Store the findings of *sheet_ids* (all of one file) and announce each sheet's."""
    db, storage, broadcast = ctx["db"], ctx["storage"], ctx["broadcast"]
    async with db.session() as session:
        sheets = [s for s in [await session.get(Sheet, i) for i in sheet_ids] if s is not None]
        if not sheets:
            return []
        file = await session.get(DrawingFile, sheets[0].file_id)
        submission = await session.get(Submission, sheets[0].submission_id)
        project = await session.get(Project, submission.project_id)
        if file is None or file.format not in ("dxf", "dwg") or not storage.exists(file.sha256):
            return [{"sheet_id": s.id, "skipped": "no DXF/DWG source"} for s in sheets]
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
    by_key = await isolate.pool().run(check_sheets_of_file, (str(path), params, [s.key for s in sheets]),
                                      deadline=deadline)
    out = []
    for sheet in sheets:
        found = []
        for bbox, f in by_key[sheet.key]:
            if bbox and sheet.key.startswith("layout:"):
                continue  # a model-space box; a layout's map takes paper units (on its model sheet)
            rect = findings.to_sheet(sheet, bbox)
            if (rect is None and sheet.id == first_sheet) or (rect is not None and findings.on_sheet(sheet, rect)):
                found.append(f)
        async with db.session() as session:
            row = await session.get(Sheet, sheet.id)
            counts = await findings.store_findings(session, row, found)
            event = await events_service.append(session, project_id, "findings.updated", None,
                                                {"sheet_id": sheet.id, **counts})
            await audit.record(session, "system", "findings.store", "sheet", sheet.id, project_id, counts)
            await session.commit()
        await events_service.publish(broadcast, event)
        out.append({"sheet_id": sheet.id, **counts})
    return out
