"""Issued reports: list and download; derived downloads (stamped sheets, marked-up
sheets, BCF 3.0, JSON); and the public verification page ``/verify`` with its JSON twin
``/api/verify``.

Downloads are for everyone who may see the project (``report.download``). Issuing has one
path, the workflow's report step ``POST /api/submissions/{id}/report`` (web/reviews.py →
services/reviews.issue_report), which signs the report, moves the round on by its verdict and
notifies the construction unit and the design institute. Verification needs no login: the
page's upload form carries the session's CSRF token, and scripts either send a hash
(``GET /api/verify?sha256=``) or upload the file (``POST /api/verify``, anonymous, no CSRF
token: it changes nothing); both are rate-limited per address.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, Response
from starlette.background import BackgroundTask
from starlette.routing import Route

from ..auth import check_csrf
from ..errors import BadRequest, DrawReviewError, NotFound, PayloadTooLarge, ValidationFailed
from ..models import Report, Submission
from ..policy import require_project
from ..services import report_files as files
from ..services import reports as service
from ..services import sheets as sheet_service
from .common import Ctx, api, lang_of, text
from .limits import streams_uploads
from .pages import render
from .progress import client_ip
from .multipart import IncompleteUpload, multipart_parts

FORM_SLACK = 64 * 1024
MAX_FIELD = 256


def _download_headers(name: str, fallback: str | None = None) -> dict[str, str]:
    """RFC 6266: the name in UTF-8 (``filename*``, RFC 5987) and an ASCII ``filename`` for
    clients that read only that one: ``fallback``, or the name with other characters as ``_``."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in (fallback or name))
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    return {"Content-Disposition": disposition, "Cache-Control": "private, no-store"}


def _download(data: bytes, name: str, media_type: str, fallback: str | None = None) -> Response:
    return Response(data, media_type=media_type, headers=_download_headers(name, fallback))


async def _submission(ctx: Ctx) -> tuple[Submission, object]:
    sub = await ctx.session.get(Submission, ctx.path_int("submission_id"))
    if sub is None:
        raise NotFound("找不到该报审", "Submission not found")
    try:
        project = await require_project(ctx.session, ctx.principal, sub.project_id, "report.download")
    except NotFound:
        raise NotFound("找不到该报审", "Submission not found") from None
    return sub, project


async def _report(ctx: Ctx) -> tuple[Report, object]:
    r = await ctx.session.get(Report, ctx.path_int("report_id"))
    if r is None:
        raise NotFound("找不到该意见书", "Report not found")
    try:
        project = await require_project(ctx.session, ctx.principal, r.project_id, "report.download")
    except NotFound:
        raise NotFound("找不到该意见书", "Report not found") from None
    return r, project


def _case(project) -> str:
    return project.case_number or f"project-{project.id}"


# --- reports ---------------------------------------------------------------------------------

@api("项目的审查意见书列表 / Issued reports of a project")
async def list_reports(ctx: Ctx):
    project = await require_project(ctx.session, ctx.principal, ctx.path_int("project_id"), "report.download")
    base = service.public_base(ctx.state.settings, ctx.request)
    return [service.report_dict(r, ctx.state.settings, base) for r in await service.list_reports(ctx.session, project.id)]


@api("一份意见书的信息 / One issued report")
async def get_report(ctx: Ctx):
    r, _ = await _report(ctx)
    return service.report_dict(r, ctx.state.settings, service.public_base(ctx.state.settings, ctx.request))


@api("下载意见书 PDF（已签章）/ Download the signed report PDF")
async def report_pdf(ctx: Ctx):
    r, project = await _report(ctx)
    path = ctx.state.storage.path(r.sha256)
    await ctx.record_download("report", "report", r.id, project.id, service.file_name(project, r), ranged=True)
    return FileResponse(path, media_type="application/pdf", filename=service.file_name(project, r),
                        headers={"Cache-Control": "private, no-store"})


# --- derived downloads -----------------------------------------------------------------------

#: what a derived download holds, in each language (its file name's last word)
WHAT = {"stamped": ("盖章图纸", "stamped-sheets"), "marked_up": ("带批注图纸", "marked-up-sheets"),
        "comments": ("审查意见", "review-comments"), "data": ("审查数据", "review-data"),
        "marked_up_sheet": ("带批注", "marked-up")}


def _name(project, sub, what: str, ext: str, lang: str = "zh-CN") -> str:
    """A human download name in the reader's language: 审查编号-项目名-第n轮-<what>.<ext>, or
    <case>-<project>-round-n-<what>.<ext> (the project's name as it was entered)."""
    zh, en = WHAT[what]
    if lang.startswith("en"):
        name = f"{_case(project)}-{project.name}-round-{sub.round_no}-{en}.{ext}"
    else:
        name = f"{_case(project)}-{project.name}-第{sub.round_no}轮-{zh}.{ext}"
    return name.replace("/", "_").replace("\\", "_")


def _ascii_name(project, sub, what: str, ext: str) -> str:
    """The same name for clients that read only the ASCII ``filename`` (no project name: it would
    be a row of ``_``)."""
    return f"{_case(project)}-round-{sub.round_no}-{WHAT[what][1]}.{ext}"


@api("盖章图纸（ZIP，仅审查通过后）/ Stamped sheets as a zip (approved rounds only)")
async def stamped_zip(ctx: Ctx):
    sub, project = await _submission(ctx)
    name = _name(project, sub, "stamped", "zip", ctx.lang)
    got = await files.stamped_zip(ctx.session, ctx.state.storage, sub, name)
    await ctx.record_download("drawing", "submission", sub.id, project.id, name, ranged=True)
    # sent from disk as it is read (thousands of sheets are never one response body in memory)
    return FileResponse(got.path, media_type="application/zip",
                        headers=_download_headers(name, _ascii_name(project, sub, "stamped", "zip")),
                        background=BackgroundTask(got.discard))


@api("单张盖章图纸（仅审查通过后）/ One stamped sheet (approved rounds only)")
async def stamped_sheet(ctx: Ctx):
    sheet, sub, _ = await sheet_service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"),
                                                      "report.download")
    name, data = await files.stamped_sheet(ctx.session, ctx.state.storage, sub, sheet)
    await ctx.record_download("drawing", "sheet", sheet.id, sub.project_id, name)
    return _download(data, name, "application/pdf", f"stamped-sheet-{sheet.id}.pdf")


@api("带批注的图纸（ZIP，PDF 原生批注）/ Marked-up sheets as a zip (native PDF annotations)")
async def marked_up_zip(ctx: Ctx):
    sub, project = await _submission(ctx)
    name = _name(project, sub, "marked_up", "zip", ctx.lang)
    data = await files.marked_up_zip(ctx.session, ctx.state.storage, sub, name)
    await ctx.record_download("drawing", "submission", sub.id, project.id, name)
    return _download(data, name, "application/zip", _ascii_name(project, sub, "marked_up", "zip"))


@api("单张带批注的图纸 / One marked-up sheet (native PDF annotations)")
async def marked_up_sheet(ctx: Ctx):
    sheet, sub, _ = await sheet_service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"),
                                                      "report.download")
    data = await files.marked_up_sheet(ctx.session, ctx.state.storage, sub, sheet)
    uploaded = await sheet_service.file_names(ctx.session, [sheet.file_id])
    prefix = WHAT["marked_up_sheet"][1 if ctx.lang.startswith("en") else 0]
    name = f"{prefix}-" + service.sheet_file_name(sheet, uploaded.get(sheet.file_id))
    await ctx.record_download("drawing", "sheet", sheet.id, sub.project_id, name)
    return _download(data, name, "application/pdf", f"marked-up-sheet-{sheet.id}.pdf")


@api("BCF 3.0 导出（本轮全部意见）/ BCF 3.0 export of the round's comments")
async def bcf(ctx: Ctx):
    sub, project = await _submission(ctx)
    name = _name(project, sub, "comments", "bcfzip", ctx.lang)
    data = await files.bcf(ctx.session, ctx.state.storage, sub, name, ctx.lang)
    await ctx.record_download("report", "submission", sub.id, project.id, name)
    return _download(data, name, "application/octet-stream", _ascii_name(project, sub, "comments", "bcfzip"))


@api("本轮审查的 JSON 导出 / JSON export of the review round")
async def round_json(ctx: Ctx):
    sub, project = await _submission(ctx)
    text = await files.round_json(ctx.session, ctx.state.storage, sub)
    name = _name(project, sub, "data", "json", ctx.lang)
    await ctx.record_download("report", "submission", sub.id, project.id, name)
    return _download(text.encode("utf-8"), name, "application/json; charset=utf-8",
                     _ascii_name(project, sub, "data", "json"))


async def authority_certificate(request: Request) -> Response:
    """GET /verify/authority.pem: the authority's signing certificate followed by its chain
    (public; import it as trusted in Acrobat or pass it to pdfsig/pyHanko)."""
    paths = await asyncio.to_thread(service.trust_cert, request.app.state.settings)
    pem = b"".join(p.read_bytes().rstrip() + b"\n" for p in paths)
    return Response(pem, media_type="application/x-pem-file",
                    headers={"Content-Disposition": 'inline; filename="authority.pem"', "Cache-Control": "public, max-age=3600"})


# --- verification ------------------------------------------------------------------------------

async def read_form(request: Request, only: tuple[str, ...] | None = None) -> tuple[dict[str, str], bytes | None]:
    """The verification form's text fields and the uploaded file (size-limited, in memory);
    ``only``: the text fields taken, any other part is refused (the API's declared form)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > service.MAX_VERIFY_BYTES + FORM_SLACK:
        raise PayloadTooLarge(details={"limit": service.MAX_VERIFY_BYTES})
    fields: dict[str, str] = {}
    upload = None
    try:
        async for part, chunks in multipart_parts(request):
            is_file = part.filename is not None
            if only is not None and part.name != "file" and part.name not in only:
                raise ValidationFailed("表单含有不认识的字段", "The form has a field this endpoint does not take",
                                       code="unknown_field", details={"unknown": [part.name], "allowed": ["file", *only]})
            limit = service.MAX_VERIFY_BYTES if is_file else MAX_FIELD
            buf = bytearray()
            async for chunk in chunks:
                buf += chunk
                if len(buf) > limit:
                    raise PayloadTooLarge(details={"limit": limit, "field": part.name})
            if is_file:
                if part.name == "file" and buf:
                    upload = bytes(buf)
            elif part.name in ("csrf_token", "sha256", "code"):
                fields[part.name] = buf.decode("utf-8", "replace").strip()
                if "\x00" in fields[part.name]:  # as in a JSON body or a query: no database stores it
                    raise ValidationFailed("表单字段含有不允许的字符", "A form field contains a NUL character",
                                           code="bad_form", status=400, details={"field": part.name})
    except ClientDisconnect:
        raise IncompleteUpload() from None
    return fields, upload


async def _check(session, request: Request, *, sha256: str | None, code: str | None, upload: bytes | None) -> dict:
    st = request.app.state
    await service.throttle(st.limiter, client_ip(request))
    if upload is not None:
        sha = service.sha256_of(upload)
    elif sha256:
        sha = service.clean_sha256(sha256)
    elif code:
        expected = await service.by_code(session, code)
        if expected is None:
            raise NotFound("找不到该核验码对应的意见书", "No issued report has this verification code")
        return {"sha256": None, "issued": None, "report": None, "signature": None,
                "expected": await service.public_facts(session, expected)}
    else:
        raise ValidationFailed("请上传文件或输入 SHA-256 值", "Upload the file or enter its SHA-256",
                               details={"file": "or sha256"})
    return await service.verify(session, st.storage, st.settings, sha256=sha, code=code or None, upload=upload)


@api("核验意见书（公开；sha256 或核验码）/ Verify a report by SHA-256 or verification code (public)", login=False,
     tag="verify")
async def verify_api(ctx: Ctx):
    q = ctx.request.query_params
    return await _check(ctx.session, ctx.request, sha256=q.get("sha256"), code=q.get("code"), upload=None)


@api("核验意见书文件（公开；multipart 字段 file）/ Verify an uploaded report file (public, multipart 'file')",
     login=False, tag="verify", csrf=False, form={"type": "object", "required": ["file"], "properties": {
         "file": {"type": "string", "format": "binary", "minLength": 1}, "code": text(service.MAX_VERIFY_CODE)},
         "additionalProperties": False})  # changes nothing: no CSRF token needed; rate-limited by address
async def verify_upload_api(ctx: Ctx):
    await ctx.session.commit()  # release the connection while the bytes stream in
    fields, upload = await read_form(ctx.request, only=("code",))
    if len(fields.get("code", "")) > service.MAX_VERIFY_CODE:
        raise ValidationFailed(details={"code": f"at most {service.MAX_VERIFY_CODE} characters"})
    if upload is None:
        raise BadRequest("请求中没有文件（字段名 file）", "No file in the request (field name 'file')", code="no_file")
    return await _check(ctx.session, ctx.request, sha256=None, code=fields.get("code"), upload=upload)


async def verify_page(request: Request) -> Response:
    """GET /verify[?sha256=…] and GET /verify/{code}: the form, and the result for a hash."""
    code = request.path_params.get("code") or request.query_params.get("code") or ""
    sha256 = request.query_params.get("sha256") or ""
    result, error, status = None, None, 200
    if code or sha256:
        async with request.app.state.db.session() as session:
            try:
                result = await _check(session, request, sha256=sha256 or None, code=code or None, upload=None)
            except DrawReviewError as exc:
                error, status = exc.message(lang_of(request)), exc.status
    return render(request, "verify.html", {"code": code, "sha256": sha256, "result": result, "error": error},
                  status=status)


@streams_uploads  # read_form streams the file under MAX_VERIFY_BYTES
async def verify_form(request: Request) -> Response:
    """POST /verify: the CSRF-protected upload (or typed hash) form."""
    fields, result, error, status = {}, None, None, 200
    try:
        fields, upload = await read_form(request)
        check_csrf(request, None, fields.get("csrf_token"))
        async with request.app.state.db.session() as session:
            result = await _check(session, request, sha256=fields.get("sha256") or None,
                                  code=fields.get("code") or None, upload=upload)
    except DrawReviewError as exc:
        error, status = exc.message(lang_of(request)), exc.status
    return render(request, "verify.html", {"code": fields.get("code", ""), "sha256": fields.get("sha256", ""),
                                           "result": result, "error": error, "uploaded": True}, status=status)


ROUTES = [
    Route("/api/projects/{project_id:int}/reports", list_reports, methods=["GET"]),
    Route("/api/reports/{report_id:int}", get_report, methods=["GET"]),
    Route("/api/reports/{report_id:int}/pdf", report_pdf, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/stamped-sheets.zip", stamped_zip, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/stamped.pdf", stamped_sheet, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/marked-up-sheets.zip", marked_up_zip, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/marked-up.pdf", marked_up_sheet, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/bcf", bcf, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/export.json", round_json, methods=["GET"]),
    Route("/api/verify", verify_api, methods=["GET"]),
    Route("/api/verify", verify_upload_api, methods=["POST"]),
    Route("/verify", verify_page, methods=["GET"]),
    Route("/verify", verify_form, methods=["POST"]),
    Route(service.CERT_PATH, authority_certificate, methods=["GET"]),  # before /verify/{code}
    Route("/verify/{code}", verify_page, methods=["GET"]),
]
