"""A project's audit trail (全程留痕) in the browser and as CSV, filtered by actor, action and
date, with its hash chain verified (the window and the authority's administrators)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..auth import principal_from_request
from ..errors import ValidationFailed
from ..policy import require_project
from ..services import audit_trail
from .common import Ctx, api, lang_of
from .pages import render


async def _trail(session, principal, project_id: int, params) -> tuple:
    project = await require_project(session, principal, project_id, "audit.view")
    filters = audit_trail.parse_filters(params)
    rows = await audit_trail.entries(session, project.id, filters)
    return project, rows, await audit_trail.verify_project(session, project.id)


@api("项目审计记录（窗口、管理员）/ A project's audit trail (?actor=&action=&from=&to=), with the chain verified")
async def trail(ctx: Ctx):
    project, rows, check = await _trail(ctx.session, ctx.principal, ctx.path_int("project_id"), ctx.request.query_params)
    return {"project_id": project.id, "chain": check.as_dict(), "limit": audit_trail.MAX_ROWS,
            "entries": [audit_trail.entry_dict(e) for e in rows]}


@api("项目审计记录 CSV / The audit trail as CSV (same filters)")
async def trail_csv(ctx: Ctx):
    project, rows, check = await _trail(ctx.session, ctx.principal, ctx.path_int("project_id"), ctx.request.query_params)
    name = f"audit-{project.case_number or project.id}.csv"
    return Response(audit_trail.to_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Audit-Chain": "verified" if check.ok else f"broken at {check.bad_id}",
                             "Cache-Control": "private, no-store"})


async def trail_page(request: Request) -> Response:
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
        if principal is None:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        project_id = int(request.path_params["project_id"])
        try:
            project, rows, check = await _trail(session, principal, project_id, request.query_params)
            date_error = None
        except ValidationFailed as exc:  # a day typed wrong: said beside the form, the trail shown without it
            date_error = exc.message(lang_of(request))
            params = {k: v for k, v in request.query_params.items() if k not in ("from", "to")}
            project, rows, check = await _trail(session, principal, project_id, params)
        choices = await audit_trail.actions(session, project.id)
    return render(request, "audit.html", {"project": project, "rows": [audit_trail.entry_dict(e) for e in rows],
                                          "chain": check, "q": request.query_params, "actions": choices,
                                          "limit": audit_trail.MAX_ROWS, "date_error": date_error},
                  principal=principal, status=422 if date_error else 200)


ROUTES = [
    Route("/api/projects/{project_id:int}/audit", trail, methods=["GET"]),
    Route("/api/projects/{project_id:int}/audit.csv", trail_csv, methods=["GET"]),
    Route("/projects/{project_id:int}/audit", trail_page, methods=["GET"]),
]
