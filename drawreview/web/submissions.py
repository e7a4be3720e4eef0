"""Submission endpoints: create / list revisions, upload files (streamed), and the project page.

Uploads are parsed as they stream (``web/multipart.py``): each file part goes chunk by chunk
into ``storage.put_stream`` (hashing as it writes to a temporary file), so no file is ever held
in memory or spooled twice. A request's files become rows only once its whole body has arrived:
a body that stops early, before or after its closing boundary, registers none (decision 142).
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import principal_from_request
from ..cad.intake import ACCEPTED
from ..errors import BadRequest, NotFound, PayloadTooLarge, ValidationFailed
from ..jobs.drawings import enqueue as enqueue_job
from ..policy import ROLE_ACTIONS, require_project
from ..services import file_list, file_removal, review_period, sheet_list
from ..services.projects import COMPLEXITIES
from ..vocabulary import SHEET_DISCIPLINES
from ..services import sheets as sheet_service
from ..services import submissions as service
from .common import Ctx, api, lang_of, text
from .i18n import t
from .multipart import IncompleteUpload, multipart_parts

MAX_NOTES = 2000  # a submission's notes
MULTIPART_SLACK = 1024 * 1024  # boundaries and part headers on top of the file bytes


# -- endpoints --------------------------------------------------------------------------

@api("报审版本列表 / Submissions of a project")
async def list_submissions(ctx: Ctx):
    project = await require_project(ctx.session, ctx.principal, ctx.path_int("project_id"))
    return [service.submission_dict(s) for s in await service.list_submissions(ctx.session, project.id)]


@api("新建报审版本 / Open the next submission revision", body={"type": "object",
                                                         "properties": {"notes": text(MAX_NOTES)}}, body_required=False)
async def create_submission(ctx: Ctx):
    project = await require_project(ctx.session, ctx.principal, ctx.path_int("project_id"), "submission.create")
    raw = await ctx.request.body()
    notes = ""
    if raw.strip():
        notes = (await ctx.json()).get("notes", "")
        if not isinstance(notes, str) or len(notes) > MAX_NOTES:
            raise ValidationFailed(details={"notes": f"text, at most {MAX_NOTES} characters"})
    sub, event = await service.create_submission(ctx.session, ctx.user, project, notes)
    ctx.emit(event)
    await ctx.commit()
    return {"id": sub.id, "revision": sub.revision, "state": sub.state}


@api("报审版本及其文件 / One submission with its files",
     query={"files_limit": {"type": "integer", "minimum": 1, "maximum": file_list.MAX_LIMIT,
                            "description": "list at most this many files: failed and unfinished ones first, then the "
                                           "first of the rest; file_counts tells how many there are (default: all)"}})
async def get_submission(ctx: Ctx):
    sub, _ = await service.require_submission(ctx.session, ctx.principal, ctx.path_int("submission_id"))
    data = service.submission_dict(sub)
    files, tally = await file_list.shown(ctx.session, sub.id, file_list.parse_limit(ctx.request.query_params.get("files_limit")))
    data["files"] = [service.file_dict(f) for f in files]
    data["file_counts"] = tally
    data["accepted_formats"] = list(ACCEPTED)  # what an upload may be: DWG R14–R2018, DXF, PDF, zip
    return data


def refuse_declared_length(declared: str | None, file_limit: int, remaining: int, limit_total: int) -> None:
    """Refuse an upload by its ``Content-Length`` before a byte of its body is read (nothing
    is stored; the client is not kept sending for nothing): a request carries at most one
    file's limit — the page sends one file per request, a script splits bigger sets the same
    way — and no more than the submission has room for (docs/decisions/119). A body without a
    length (chunked) is still counted as it streams, file by file."""
    if not declared or not declared.strip().isdigit():
        return
    size = int(declared)
    if size > remaining + MULTIPART_SLACK:
        raise service.SubmissionTooLarge(
            f"报审版本总大小超过上限（{limit_total // 1024**2} MB）",
            f"The submission would exceed its size limit ({limit_total // 1024**2} MB)",
            details={"limit": limit_total, "declared": size})
    if size > file_limit + MULTIPART_SLACK:
        raise service.cad_errors.FileTooLarge(
            f"上传内容超过单个文件的大小上限（{file_limit // 1024**2} MB）：每次上传一个文件，每个文件不超过该上限",
            f"The upload exceeds the size limit of one file ({file_limit // 1024**2} MB): upload one file per "
            "request, each within the limit", details={"limit": file_limit, "declared": size})


@api("上传图纸文件：DWG（R14–R2018）、DXF、PDF 或 ZIP（multipart，字段 file，可多个）/ "
     "Upload drawing files: DWG (R14–R2018), DXF, PDF or ZIP (multipart field 'file', several allowed; "
     "one request at most one file's size limit, refused by its Content-Length before the body is read)",
     tag="upload", form={"type": "object", "required": ["file"], "properties": {
         "file": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"}}}})
async def upload_files(ctx: Ctx):
    sub, _ = await service.require_submission(ctx.session, ctx.principal, ctx.path_int("submission_id"),
                                              "submission.upload")
    service.check_editable(sub)
    settings, storage, queue = ctx.state.settings, ctx.state.storage, ctx.state.queue
    limit_total = settings.max_submission_bytes
    remaining = max(0, limit_total - sub.total_bytes)
    refuse_declared_length(ctx.request.headers.get("content-length"), settings.max_file_bytes, remaining, limit_total)
    await ctx.session.commit()  # release the connection while the bytes stream in
    stored = []  # (name, blob) of each file part, registered once the whole body has arrived
    try:
        async for part, chunks in multipart_parts(ctx.request):
            if part.filename is None or part.name != "file":
                continue
            name = service.clean_name(part.filename)
            file_limit = min(settings.max_file_bytes, remaining)
            try:
                blob = await storage.put_stream(chunks, limit=file_limit)
            except PayloadTooLarge:
                if file_limit < settings.max_file_bytes:
                    raise service.SubmissionTooLarge(
                        f"{name}：报审版本总大小超过上限（{limit_total // 1024**2} MB）",
                        f"{name}: the submission would exceed its size limit ({limit_total // 1024**2} MB)",
                        details={"file": name, "limit": limit_total}) from None
                raise service.cad_errors.FileTooLarge(
                    f"{name}：单个文件超过大小上限（{settings.max_file_bytes // 1024**2} MB）",
                    f"{name}: the file exceeds the size limit ({settings.max_file_bytes // 1024**2} MB)",
                    details={"file": name, "limit": settings.max_file_bytes}) from None
            stored.append((name, blob))
            remaining = max(0, remaining - blob.size)  # register_upload's reservation is the exact check
    except ClientDisconnect:
        raise IncompleteUpload() from None
    results = []
    for name, blob in stored:
        row, created, events = await service.register_upload(ctx.session, storage, ctx.user, sub, blob.sha256,
                                                             blob.size, name, limit_total)
        for event in events:
            ctx.emit(event)
        await ctx.commit()
        if row.state == "uploaded":
            await enqueue_job({"queue": queue, "settings": settings}, "process_file", row.id)
        results.append(service.file_dict(row))
    if not results:
        raise BadRequest("请求中没有文件（字段名 file）", "No file in the request (field name 'file')",
                         code="no_file")
    return {"files": results}


@api("删除草稿中的文件（设计单位，提交前）/ Remove a file from a draft (design institute, before submitting)")
async def delete_file(ctx: Ctx):
    result, event = await file_removal.remove_file(ctx.session, ctx.user, ctx.path_int("file_id"))
    ctx.emit(event)
    await ctx.commit()
    return result


# -- the project page -------------------------------------------------------------------

PAGE_MESSAGES = [
    "upload.drop", "upload.choose", "upload.uploading", "upload.done", "upload.failed", "upload.retry",
    "upload.network", "file.state.uploaded", "file.state.processing", "file.state.ready", "file.state.failed",
    "sheet.state.pending", "sheet.state.processing", "sheet.state.ready", "sheet.state.failed", "sheet.open",
    "sheets.empty", "sheets.count", "files.empty", "files.partial", "file.repairs", "file.notes", "file.entries", "file.state.queued", "file.format.unknown",
    "sheet.untitled", "file.repairs_summary", "file.notes_summary", "file.more_notes", "file.remove", "file.replace", "file.remove_confirm", "file.removed",
    "punct.colon",
]


def landing(subs: list, principal) -> object | None:
    """The revision the project page opens on: the designer's latest (maybe its draft); for
    everyone else the latest revision handed in (the one under review), never a draft."""
    if principal.role == "designer" or not subs:
        return subs[-1] if subs else None
    handed_in = [s for s in subs if s.state != "draft"]
    return handed_in[-1] if handed_in else subs[-1]


SHEET_PAGE = 50  # sheets per page of the project page's list (a 5,000-sheet set pages, it is not one table)


async def _sheet_page(session, request: Request, current) -> tuple[list[dict], dict]:
    """One page of the submission's sheets for the project page, with the filters and cursor of
    the query string (``sheet_q``, ``sheet_number``, ``sheet_discipline``, ``sheet_state``,
    ``sheets_after``); the page script polls the same page through the sheet list API."""
    q = request.query_params
    filters = sheet_list.Filters.from_query({k: q.get(f"sheet_{k}", "") for k in ("discipline", "number", "state", "q")})
    view = {"filters": {k: getattr(filters, k) for k in ("discipline", "number", "state", "q")},
            "after": q.get("sheets_after") or None, "limit": SHEET_PAGE, "next": None, "total": 0,
            "disciplines": []}
    if current is None:
        return [], view
    got = await sheet_list.page(session, submission_id=current.id, filters=filters, limit=SHEET_PAGE,
                                cursor=view["after"])
    view.update(next=got["next"], total=got["total"],
                disciplines=await sheet_list.disciplines(session, current.id))
    return [sheet_service.sheet_dict(s, file_name) for s, _, file_name in got["items"]], view


async def project_page(request: Request) -> Response:
    from .pages import render

    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
        if principal is None:
            from starlette.responses import RedirectResponse

            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        project = await require_project(session, principal, int(request.path_params["project_id"]))
        subs = await service.list_submissions(session, project.id)
        wanted = request.query_params.get("submission", "")
        current = next((s for s in subs if str(s.id) == wanted), None) if wanted else landing(subs, principal)
        if wanted and current is not None and str(current.id) != wanted:
            raise NotFound("找不到该报审版本", "Submission not found")
        every_file = request.query_params.get("files") == "all"
        files, file_counts = (await file_list.shown(session, current.id, None if every_file else file_list.SHOWN)
                              if current else ([], {"total": 0, "by_state": {}, "shown": 0}))
        sheets, sheet_view = await _sheet_page(session, request, current)
        period_history = await review_period.history(session, project.id)
    lang = lang_of(request)
    can_upload = principal.role in ROLE_ACTIONS["submission.upload"]
    return render(request, "project.html", {
        "project": project,
        "submissions": subs,
        "current": current,
        "files": [service.file_dict(f) for f in files],
        "file_counts": file_counts,
        "discipline_names": SHEET_DISCIPLINES if lang.startswith("en") else {},  # upload.js labels new rows
        "files_limit": None if every_file or not current else file_list.SHOWN,
        "sheets": sheets,
        "sheet_view": sheet_view,
        "can_create": principal.role in ROLE_ACTIONS["submission.create"],
        # the designer's open draft is continued, not doubled (a second draft could never be
        # submitted after the first); no new revision is offered while the authority holds the set
        "latest_draft": subs[-1] if subs and subs[-1].state == "draft" else None,
        "may_start": not subs or subs[-1].state in service.NEW_REVISION_AFTER,
        "can_upload": can_upload and current is not None and current.state in service.EDITABLE,
        # once submitted, the window corrects the sheet list (with a reason): the designer's note
        # says so, and the completeness check reads the sheet numbers
        "can_correct_sheets": principal.role in {"window", "admin"} and current is not None
        and current.state not in service.EDITABLE,
        "js_messages": {k: t(k, lang) for k in PAGE_MESSAGES},
        # the review period (7 / 10 working days): its changes, and the window's form while it may change
        "period_history": period_history,
        "can_change_period": principal.role in ROLE_ACTIONS["project.review_period"]
        and review_period.open_for_change(subs[-1] if subs else None),
        "complexities": COMPLEXITIES,
    }, principal=principal)


ROUTES = [
    Route("/projects/{project_id:int}", project_page),
    Route("/api/projects/{project_id:int}/submissions", list_submissions, methods=["GET"]),
    Route("/api/projects/{project_id:int}/submissions", create_submission, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}", get_submission, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/files", upload_files, methods=["POST"]),
    Route("/api/files/{file_id:int}", delete_file, methods=["DELETE"]),
]
