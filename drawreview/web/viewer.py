"""The shared viewer page ``/sheets/{sheet_id}``: the shell that loads the bundled viewer.

The page carries the sheet (with its layers), the project's sheets, the caller (and whether
his discipline's task here is another reviewer's: decision 125, policy.assigned_elsewhere) and
the project's current event sequence number as JSON; ``viewer/src`` (OpenLayers, bundled by Vite
into ``static/viewer/``) builds everything visible from its own message table. The sequence
number lets the viewer's websocket ``hello`` ask for exactly what happened after this page
was rendered. Permission: whoever may view the sheet's project.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..auth import principal_from_request
from ..errors import NotFound
from ..models import DrawingFile, Project, Sheet, Submission
from ..policy import assigned_elsewhere, require_project
from ..services import sheets as sheet_service
from ..services.notifications import aware
from .common import lang_of
from .pages import render
from .sync_messages import MAX_MESSAGE_BYTES

BUNDLE = Path(__file__).parent / "static" / "viewer"


def bundle_version() -> str:
    """Cache-busting token: the bundle's modification time (fixed file names, no hashes)."""
    try:
        return str(int((BUNDLE / "viewer.js").stat().st_mtime))
    except OSError:
        return "0"


def _sheet_config(sheet: Sheet, sub: Submission, meta: dict, file_name: str | None) -> dict:
    data = sheet_service.sheet_dict(sheet, file_name)
    data.pop("pdf_sha256", None)
    data.update(revision=sub.revision, project_id=sub.project_id, layers=meta.get("layers", []))
    return data


SHEET_NAMES = 300  # sheets named in the page config; more are found with the picker's search


async def viewer_page(request: Request) -> Response:
    sheet_id = int(request.path_params["sheet_id"])
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
        if principal is None:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        sheet = await session.get(Sheet, sheet_id)
        sub = await session.get(Submission, sheet.submission_id) if sheet is not None else None
        if sheet is None or sub is None:
            raise NotFound("找不到该图纸", "Sheet not found", details={"sheet_id": sheet_id})
        try:
            project: Project = await require_project(session, principal, sub.project_id)
        except NotFound:
            raise NotFound("找不到该图纸", "Sheet not found", details={"sheet_id": sheet_id}) from None
        # names for the sheet picker and for labelling comments on other sheets: at most
        # SHEET_NAMES of them (a 5,000-sheet project is searched through the API instead)
        rows = (await session.exec(
            select(Sheet.id, Sheet.number, Sheet.title, Submission.revision, Sheet.key, DrawingFile.original_name)
            .join(Submission, Submission.id == Sheet.submission_id).join(DrawingFile, DrawingFile.id == Sheet.file_id)
            .where(Submission.project_id == project.id).order_by(Submission.revision, Sheet.id)
            .limit(SHEET_NAMES + 1)
        )).all()
        seq = project.last_event_seq
        # the server's own rule for a reviewer's writes (decision 125): the viewer offers none it would refuse
        elsewhere = project.id in await assigned_elsewhere(session, principal, [project.id])
        files = await sheet_service.file_names(session, [sheet.file_id])
        latest = (await session.exec(select(func.max(Submission.revision)).where(
            Submission.project_id == project.id, Submission.state != "draft"))).one()
    request.app.state.tiles.warm()  # its tiles come next (cad/tileserver.py)
    meta = await asyncio.to_thread(sheet_service.load_meta, request.app.state.storage, sheet.meta_sha256)
    config = {
        "sheet": _sheet_config(sheet, sub, meta, files.get(sheet.file_id)),
        "project": {"id": project.id, "name": project.name, "case_number": project.case_number},
        # file_name and key_label name a sheet without a number (the viewer's labelSheet)
        "sheets": [{"id": r[0], "number": r[1], "title": r[2], "revision": r[3], "file_name": r[5],
                    "key_label": sheet_service.key_labels(r[4])} for r in rows[:SHEET_NAMES]],
        "sheets_more": len(rows) > SHEET_NAMES,
        "seq": seq,
        "user": principal.public(),
        # a reviewer whose discipline's task here is another's reads and replies, writes nothing
        "assigned_elsewhere": elsewhere,
        "limits": {"max_message_bytes": MAX_MESSAGE_BYTES},
        # where this sheet's round stands (the viewer's notice: report issued, a newer revision, case closed)
        "round": {"state": sub.state, "round_no": sub.round_no, "case_stage": project.stage,
                  "report_issued_at": aware(sub.report_issued_at).isoformat() if sub.report_issued_at else None,
                  "latest_revision": latest or sub.revision},
    }
    return render(request, "viewer.html", {"config": config, "sheet": sheet, "project": project,
                                           "sheet_label": sheet_service.sheet_label(sheet, files.get(sheet.file_id),
                                                                                    lang_of(request)),
                                           "bundle_version": bundle_version()}, principal=principal)


ROUTES = [Route("/sheets/{sheet_id:int}", viewer_page)]
