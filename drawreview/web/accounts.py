"""Login and logout pages, the current user, API tokens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..auth import authenticate, check_csrf, csrf_token, new_api_token, principal_from_request
from ..errors import ValidationFailed
from ..models import User
from ..services import audit
from .common import Ctx, api, lang_of
from .pages import render

LOGIN_WINDOW_S = 900
LOGIN_MAX_FAILURES = 10


def _safe_next(value: str | None) -> str:
    # only local paths: never redirect to another site after login
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


async def login_page(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "login.html", {"next": _safe_next(request.query_params.get("next")), "error": None})
    form = await request.form()
    check_csrf(request, None, form.get("csrf_token"))
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:512]
    lang = lang_of(request)
    limiter = request.app.state.limiter
    key = f"login:{username.lower()}"
    if await limiter.hit(key, LOGIN_WINDOW_S) > LOGIN_MAX_FAILURES:
        return render(request, "login.html", {"next": "/", "error": "login.throttled"}, status=429)
    async with request.app.state.db.session() as session:
        user = await authenticate(session, username, password)
        if user is None:
            return render(request, "login.html", {"next": _safe_next(form.get("next")), "error": "login.failed"},
                          status=400)
        await limiter.reset(key)
        await audit.record(session, user.username, "user.login", "user", user.id, detail={"via": "form"})
        await session.commit()
    request.session.clear()  # a fresh session on login: no session fixation
    request.session["uid"] = user.id
    request.session["lang"] = lang
    csrf_token(request)
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
        check_csrf(request, principal, form.get("csrf_token"))
        if principal is not None:
            await audit.record(session, principal, "user.logout", "user", principal.user_id)
            await session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@api("当前用户 / The current user")
async def me(ctx: Ctx):
    data = ctx.user.public()
    data["csrf_token"] = csrf_token(ctx.request) if not ctx.user.via_token else None
    return data


@api("创建 API 令牌 / Create an API token for yourself", body={"name": "string"})
async def create_token(ctx: Ctx):
    data = await ctx.json()
    name = data.get("name", "")
    if not isinstance(name, str) or len(name) > 100:
        raise ValidationFailed(details={"name": "text, at most 100 characters"})
    user = await ctx.session.get(User, ctx.user.user_id)
    token = await new_api_token(ctx.session, user, name)
    await audit.record(ctx.session, ctx.user, "token.create", "user", user.id, detail={"name": name})
    await ctx.commit()
    return {"token": token, "name": name}


ROUTES = [
    Route("/login", login_page, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/api/me", me),
    Route("/api/tokens", create_token, methods=["POST"]),
]
