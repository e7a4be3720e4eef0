"""Server-rendered pages (Jinja2): shared rendering with the message table and CSRF token."""

from __future__ import annotations

import json

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from sqlmodel import select

from ..auth import csrf_token, principal_from_request
from ..models import Organisation, OrgKind
from ..policy import ROLE_ACTIONS
from ..vocabulary import sheet_discipline_label
from ..services import projects as project_service
from ..services import worklist as worklist_service
from ..services.notifications import utcnow
from ..services import workdays
from ..services.sheets import space_label
from .common import lang_of
from .i18n import format_label, messages_for, stage_label, translator
from .i18n_audit import audit_detail, audit_label

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescape on
templates.env.globals["messages_for"] = messages_for  # page scripts' message tables
templates.env.globals["space_label"] = space_label  # model / layout:A1 / page:3 in words
templates.env.globals["format_label"] = format_label  # dxf → DXF, unknown → 未识别
templates.env.globals["stage_label"] = stage_label  # in_review → 审查中 / In review
templates.env.globals["audit_label"] = audit_label  # submission.accept → 受理 / Accepted
templates.env.globals["audit_detail"] = audit_detail  # {"missing_items": [...]} → 缺少的材料：…
templates.env.globals["discipline_label"] = sheet_discipline_label  # 结构 → Structure in English


def local_date(value) -> str:
    """An API time (ISO 8601, UTC) as the Beijing date the reports and receipts print ('—' for none):
    a report issued at 00:40 Beijing time is issued that day, not the UTC day before."""
    if not value:
        return "—"
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)[:10]
    return workdays.to_local(at if at.tzinfo else at.replace(tzinfo=timezone.utc)).date().isoformat()


templates.env.filters["local_date"] = local_date


def readable_json(value) -> str:
    """A JSON value as people read it (the audit trail's detail): Chinese as written, not
    ``\\u603b\\u56fe`` (Jinja's ``tojson`` escapes every non-ASCII character for scripts)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


templates.env.filters["readable_json"] = readable_json


def render(request: Request, name: str, context: dict, status: int = 200, principal=None) -> HTMLResponse:
    lang = lang_of(request)
    base = {
        "request": request,
        "t": translator(lang),
        "lang": lang,
        "other_lang": "en" if lang == "zh-CN" else "zh-CN",
        "csrf_token": csrf_token(request),
        "user": principal,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


async def home(request: Request) -> Response:
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
        if principal is None:
            return RedirectResponse("/login?next=/", status_code=303)
        projects = await project_service.list_projects(session, principal)
        form = await _new_project_form(session, principal)
        # a reviewer opens his own tasks here, the most urgent first, with their due dates
        my_tasks = await worklist_service.open_tasks(session, principal, utcnow()) if principal.role == "reviewer" else None
    return render(request, "home.html", {"projects": projects, "my_tasks": my_tasks, **form}, principal=principal)


async def _new_project_form(session, principal) -> dict:
    """What the home page's "new project" form offers: a design institute creates projects for
    itself; the window and the administrator pick the institute too."""
    if principal.role not in ROLE_ACTIONS["project.create"] or (principal.role == "designer" and not principal.org_id):
        return {"can_create": False}
    orgs = (await session.exec(select(Organisation).where(Organisation.kind.in_(
        (OrgKind.construction_unit, OrgKind.design_institute))).order_by(Organisation.name))).all()
    return {
        "can_create": True,
        "project_types": project_service.PROJECT_TYPES,
        "complexities": project_service.COMPLEXITIES,
        "construction_units": [o for o in orgs if o.kind == OrgKind.construction_unit],
        "institutes": [] if principal.role == "designer" else [o for o in orgs if o.kind == OrgKind.design_institute],
    }


def same_origin_path(request: Request, target: str | None) -> str:
    """``target`` (a Referer) reduced to a path on this site; anything else gives ``/``, so the
    language switch is never an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme not in {"http", "https"} or parts.netloc != request.url.netloc:
            return "/"
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path or any(ord(c) < 32 for c in target):
        return "/"
    return path + (f"?{parts.query}" if parts.query else "")


async def set_lang(request: Request) -> Response:
    lang = request.path_params["lang"]
    response = RedirectResponse(same_origin_path(request, request.headers.get("referer")), status_code=303)
    if lang in {"en", "zh-CN"}:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
