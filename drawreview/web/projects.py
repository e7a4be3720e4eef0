"""Project endpoints."""

from __future__ import annotations

from starlette.routing import Route

from ..policy import require_project, require_role
from ..services import projects as service
from ..services import review_period
from ..services.notifications import utcnow
from .common import ID_SCHEMA, Ctx, api, text

PROJECT_BODY = {
    "type": "object",
    "required": ["name", "construction_unit_id", "design_institute_id"],
    "properties": {
        "name": text(service.MAX_NAME, required=True),
        "address": text(service.MAX_ADDRESS),
        "project_type": {"type": "string", "enum": list(service.PROJECT_TYPES)},
        "complexity": {"type": "string", "enum": list(service.COMPLEXITIES)},
        "construction_unit_id": ID_SCHEMA,
        "design_institute_id": ID_SCHEMA,
        "params": {"type": "object", "description": "rule parameters and overrides (free-form)"},
    },
}


@api("项目列表（仅本人可见范围）/ Projects the caller may see")
async def list_projects(ctx: Ctx):
    rows = await service.list_projects(ctx.session, ctx.user)
    return [service.project_dict(p) for p in rows]


@api("创建项目 / Create a project", body=PROJECT_BODY)
async def create_project(ctx: Ctx):
    require_role(ctx.principal, "project.create")
    project = await service.create_project(ctx.session, ctx.user, await ctx.json())
    await ctx.commit()
    return service.project_dict(project)


@api("项目详情 / One project")
async def get_project(ctx: Ctx):
    project = await require_project(ctx.session, ctx.principal, ctx.path_int("project_id"))
    return service.project_dict(project, with_code=ctx.user.role in {"construction", "window", "admin"})


@api("调整审查时限（窗口，须写明理由；本轮审查结束后不能调整）/ Change the review period (window, with a reason; "
     "refused once the review round has concluded)",
     body={"type": "object", "required": ["complexity", "reason"], "properties": {
         "complexity": {"type": "string", "enum": list(service.COMPLEXITIES)},
         "reason": text(review_period.MAX_REASON, required=True)}})
async def change_review_period(ctx: Ctx):
    from ..services.reports import public_base
    from .reviews import _cfg, commit

    project = await require_project(ctx.session, ctx.principal, ctx.path_int("project_id"), "project.review_period")
    data = await ctx.json()
    moved = await review_period.change(ctx.session, ctx.user, project, data.get("complexity"), data.get("reason"),
                                       utcnow(), ctx.emit, _cfg(ctx), ctx.state.storage,
                                       public_base(ctx.state.settings, ctx.request))
    await commit(ctx)
    return {**service.project_dict(project), "tasks_moved": [t.id for t in moved],
            "history": await review_period.history(ctx.session, project.id)}


ROUTES = [
    Route("/api/projects", list_projects, methods=["GET"]),
    Route("/api/projects", create_project, methods=["POST"]),
    Route("/api/projects/{project_id:int}", get_project),
    Route("/api/projects/{project_id:int}/review-period", change_review_period, methods=["POST"]),
]
