"""Annotation, comment-thread and rule-finding endpoints (the websocket is in ``sync.py``)."""

from __future__ import annotations

from starlette.routing import Route

from ..errors import ValidationFailed
from ..services import annotation_views as views
from ..services import annotations as service
from ..services import comment_library, findings, markups
from ..services.client_writes import CLIENT_ID as CLIENT_ID_RE
from .common import ID_SCHEMA, Ctx, api, text

COORD = {"type": "number", "minimum": -markups.MAX_COORD, "maximum": markups.MAX_COORD}  # sheet points
POINTS = {"type": "array", "minItems": 1, "maxItems": markups.MAX_POINTS,  # how many: per kind (services/markups.POINTS)
          "items": {"type": "array", "items": COORD, "minItems": 2, "maxItems": 2}}
GEOMETRY = {"type": "object", "required": ["points"],
            "properties": {"points": POINTS, "text": text(markups.MAX_TEXT, nullable=True)}}
CLIENT_ID = {"type": "string", "pattern": CLIENT_ID_RE.pattern}
MAY_CLIENT_ID = {**CLIENT_ID, "nullable": True}  # null or absent: the write is not made idempotent
SEVERITY = {"type": "string", "enum": list(markups.SEVERITIES)}
CLAUSE = text(markups.MAX_CLAUSE, nullable=True)
BODY = text(markups.MAX_BODY, nullable=True)
CREATE_BODY = {
    "type": "object",
    "required": ["client_id", "kind", "geometry"],
    "properties": {"client_id": CLIENT_ID, "kind": {"type": "string", "enum": list(markups.KINDS)},
                   "geometry": GEOMETRY, "severity": SEVERITY, "clause": CLAUSE, "body": BODY,
                   "template": {"type": "string", "enum": comment_library.template_ids()}},
}
EDIT_BODY = {
    "type": "object", "required": ["version"],
    "properties": {"version": ID_SCHEMA, "client_id": MAY_CLIENT_ID, "geometry": GEOMETRY, "severity": SEVERITY,
                   "clause": CLAUSE, "body": BODY},
    "anyOf": [{"required": [name]} for name in ("geometry", "severity", "clause", "body")],  # something to change
}
COMMENT_BODY = {"type": "object", "required": ["client_id", "body"],
                "properties": {"client_id": CLIENT_ID, "body": text(markups.MAX_BODY, required=True)}}
STATUS_BODY = {"type": "object", "required": ["version", "status"],
               "properties": {"version": ID_SCHEMA, "client_id": MAY_CLIENT_ID,
                              "status": {"type": "string", "enum": list(markups.STATUSES)}}}
CONFIRM_BODY = {"type": "object", "properties": {"client_id": MAY_CLIENT_ID}}
DISMISS_BODY = {"type": "object", "required": ["reason"],
                "properties": {"reason": text(findings.MAX_REASON, required=True), "client_id": MAY_CLIENT_ID}}


async def _body(ctx: Ctx) -> dict:
    return await ctx.json()


def _may(action: str):
    """The markup write's caller checks, for ``@api(refuse=...)``."""
    return lambda ctx: service.may_write(ctx.session, ctx.user, ctx.path_int("annotation_id"), action)


async def _may_decide(ctx: Ctx) -> None:
    await findings.may_decide(ctx.session, ctx.user, ctx.path_int("finding_id"))


@api("审查意见列表 / Annotations of a project (?sheet_id=&discipline=&status=&severity=)")
async def list_annotations(ctx: Ctx):
    q = ctx.request.query_params
    filters = {k: q.get(k, "") for k in ("sheet_id", "discipline", "status", "severity")}
    return await views.list_annotations(ctx.session, ctx.principal, ctx.path_int("project_id"), filters)


@api("一条审查意见及其讨论 / One annotation with its comment thread")
async def get_annotation(ctx: Ctx):
    ann = await views.load(ctx.session, ctx.principal, ctx.path_int("annotation_id"))
    return await views.render(ctx.session, ann)


@api("新建标注 / Create a markup on a sheet (idempotent by client_id)", body=CREATE_BODY,
     refuse=lambda ctx: service.may_create(ctx.session, ctx.user, ctx.path_int("sheet_id")))
async def create_annotation(ctx: Ctx):
    sheet_id = ctx.path_int("sheet_id")
    result = await service.create(ctx.session, ctx.state.broadcast, ctx.user, sheet_id, await _body(ctx))
    return result.payload()


@api("修改标注（带版本号）/ Edit a markup (409 on a stale version)", body=EDIT_BODY, refuse=_may("annotation.edit"))
async def edit_annotation(ctx: Ctx):
    result = await service.edit(ctx.session, ctx.state.broadcast, ctx.user, ctx.path_int("annotation_id"),
                                await _body(ctx))
    return result.payload()


@api("删除标注（?version=N）/ Delete a markup (?version=N&client_id=)", refuse=_may("annotation.edit"))
async def delete_annotation(ctx: Ctx):
    q = ctx.request.query_params
    try:
        version = int(q.get("version", ""))
    except ValueError:
        raise ValidationFailed(details={"version": "required integer query parameter"}) from None
    data = {"version": version, "client_id": q.get("client_id")}
    result = await service.delete(ctx.session, ctx.state.broadcast, ctx.user, ctx.path_int("annotation_id"), data)
    return result.payload()


@api("回复审查意见 / Reply in a markup's comment thread", body=COMMENT_BODY, refuse=_may("comment.create"))
async def add_comment(ctx: Ctx):
    result = await service.add_comment(ctx.session, ctx.state.broadcast, ctx.user, ctx.path_int("annotation_id"),
                                       await _body(ctx))
    return result.payload()


@api("设置意见状态 / Set status: open, answered, closed (reopen = open)", body=STATUS_BODY,
     refuse=_may("annotation.status"))
async def set_status(ctx: Ctx):
    result = await service.set_status(ctx.session, ctx.state.broadcast, ctx.user, ctx.path_int("annotation_id"),
                                      await _body(ctx))
    return result.payload()


@api("图纸的自动检查结果 / Rule findings of a sheet")
async def list_findings(ctx: Ctx):
    return await findings.list_for_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"))


@api("项目全部图纸的自动检查结果 / Rule findings of every sheet of a project",
     query={"submission": {**ID_SCHEMA, "description": "only this submission's sheets"}})
async def list_project_findings(ctx: Ctx):
    return await findings.list_for_project(ctx.session, ctx.principal, ctx.path_int("project_id"),
                                           ctx.query_int("submission"),
                                           ctx.request.query_params.get("discipline") or None)


@api("提交前自检：重新运行自动检查 / Pre-check: run the rule checks again before submitting")
async def precheck(ctx: Ctx):
    return await findings.precheck(ctx.session, ctx.state.queue, ctx.state.settings, ctx.user,
                                   ctx.path_int("submission_id"))


@api("确认检查结果为审查意见 / Confirm a finding into a markup", body=CONFIRM_BODY, body_required=False,
     refuse=_may_decide)
async def confirm_finding(ctx: Ctx):
    data = await _body(ctx) if await ctx.request.body() else {}
    result = await findings.confirm(ctx.session, ctx.state.broadcast, ctx.user, ctx.path_int("finding_id"), data)
    return result.payload()


@api("驳回检查结果（须填理由）/ Dismiss a finding with a reason", body=DISMISS_BODY, refuse=_may_decide)
async def dismiss_finding(ctx: Ctx):
    result = await findings.dismiss(ctx.session, ctx.state.broadcast, ctx.user, ctx.path_int("finding_id"),
                                    await _body(ctx))
    return result.payload()


@api("常用审查意见库与专业配色 / Standard comment library and discipline palette (?discipline=)")
async def comment_library_view(ctx: Ctx):
    discipline = ctx.request.query_params.get("discipline") or None
    if discipline and discipline not in comment_library.PALETTE:
        raise ValidationFailed(details={"discipline": f"one of {tuple(comment_library.PALETTE)}"})
    return {"palette": comment_library.PALETTE, "kinds": list(markups.KINDS), "severities": list(markups.SEVERITIES),
            "statuses": list(markups.STATUSES), "comments": comment_library.library(discipline)}


ROUTES = [
    Route("/api/annotation-library", comment_library_view, methods=["GET"]),
    Route("/api/projects/{project_id:int}/annotations", list_annotations, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/annotations", create_annotation, methods=["POST"]),
    Route("/api/annotations/{annotation_id:int}", get_annotation, methods=["GET"]),
    Route("/api/annotations/{annotation_id:int}", edit_annotation, methods=["PATCH"]),
    Route("/api/annotations/{annotation_id:int}", delete_annotation, methods=["DELETE"]),
    Route("/api/annotations/{annotation_id:int}/comments", add_comment, methods=["POST"]),
    Route("/api/annotations/{annotation_id:int}/status", set_status, methods=["POST"]),
    Route("/api/sheets/{sheet_id:int}/findings", list_findings, methods=["GET"]),
    Route("/api/projects/{project_id:int}/findings", list_project_findings, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/precheck", precheck, methods=["POST"]),
    Route("/api/findings/{finding_id:int}/confirm", confirm_finding, methods=["POST"]),
    Route("/api/findings/{finding_id:int}/dismiss", dismiss_finding, methods=["POST"]),
]
