"""Login and logout pages, the account page, the current user, passwords, API tokens,
deactivation and websocket tickets."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..auth import (check_csrf, csrf_token, end_session, issue_ticket, new_api_token, open_session,
                    principal_from_request)
from ..errors import DrawReviewError, PermissionDenied, ValidationFailed
from ..models import MAX_INT, Discipline, Role, User
from ..policy import require_role
from ..services import account_admin, accounts, audit, credentials
from .common import Ctx, api, lang_of, text
from .devices import known_device, remember_device
from .pages import render

MAX_TOKEN_NAME = 100


def _safe_next(value: str | None) -> str:
    # only local paths: never redirect to another site after login
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


# The browser's cache of this site is emptied when a session starts or ends (decision 134): sheet
# PDFs and tiles are cached ``private, max-age=86400`` (fast reopening), and on a shared computer
# they stayed in the cache after logout, readable offline with the old cookie or from the disk.
CLEAR_CACHE = {"Clear-Site-Data": '"cache"'}


def _start_session(request: Request, user_id: int, sid: str, lang: str) -> None:
    request.session.clear()  # a fresh session on login: no session fixation
    request.session["uid"] = user_id
    request.session["sid"] = sid
    request.session["lang"] = lang
    csrf_token(request)


async def login_page(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "login.html", {"next": _safe_next(request.query_params.get("next")), "error": None})
    form = await request.form()
    check_csrf(request, None, form.get("csrf_token"))
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:512]
    lang = lang_of(request)
    device = known_device(request, username)
    async with request.app.state.db.session() as session:
        try:
            user = await credentials.login(session, request.app.state.limiter, username, password,
                                           client_address(request), device)
        except credentials.LoginThrottled:
            return render(request, "login.html", {"next": "/", "error": "login.throttled"}, status=429)
        except DrawReviewError:
            return render(request, "login.html", {"next": _safe_next(form.get("next")), "error": "login.failed"},
                          status=400)
        sid = await open_session(session, user)
        await audit.record(session, user.username, "user.login", "user", user.id,
                           detail={"via": "form", "address": client_address(request)})
        await session.commit()
    _start_session(request, user.id, sid, lang)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303, headers=CLEAR_CACHE)
    remember_device(request, response, user.username, device)
    return response


async def logout(request: Request) -> Response:
    form = await request.form()
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
        check_csrf(request, principal, form.get("csrf_token"))
        if principal is not None:
            await end_session(session, principal.session_id)  # every copy of the cookie dies with it
            await audit.record(session, principal, "user.logout", "user", principal.user_id)
            await session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303, headers=CLEAR_CACHE)


async def account_page(request: Request) -> Response:
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
    if principal is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    return render(request, "account.html", {"ttl_days": request.app.state.settings.token_ttl_days},
                  principal=principal)


async def users_page(request: Request) -> Response:
    """The administrator's user management: accounts (deactivate) and every API token (revoke)."""
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
    if principal is None:
        return RedirectResponse("/login?next=/admin/users", status_code=303)
    if principal.role != "admin":
        raise PermissionDenied(details={"action": "user.list"})
    return render(request, "users.html", {}, principal=principal)


@api("全部用户及其可用令牌数（管理员）/ Every user with its usable API tokens (administrators)")
async def list_users(ctx: Ctx):
    return await credentials.list_users(ctx.session, ctx.user, ctx.state.settings.token_ttl_days)


@api("当前用户 / The current user")
async def me(ctx: Ctx):
    data = ctx.user.public()
    data["csrf_token"] = csrf_token(ctx.request) if not ctx.user.via_token else None
    return data


@api("修改本人密码（结束全部会话并撤销全部令牌）/ Change your password (ends every session and token)",
     body={"type": "object", "required": ["current_password", "new_password"],
           "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string"}}})
async def change_password(ctx: Ctx):
    data = await ctx.json()
    result = await credentials.change_password(ctx.session, ctx.state.limiter, ctx.user, data.get("current_password"),
                                               data.get("new_password"))
    fresh = None
    if ctx.user.session_id is not None:  # this browser stays logged in, on a new session
        user = await ctx.session.get(User, ctx.user.user_id)
        fresh = await open_session(ctx.session, user)
    await ctx.commit()
    if fresh is not None:
        _start_session(ctx.request, ctx.user.user_id, fresh, ctx.lang)
        result["csrf_token"] = csrf_token(ctx.request)
    return result


@api("本人的 API 令牌（管理员可按 user_id 查看他人，0 为全部）/ Your API tokens (admin: user_id, 0 = all)",
     query={"user_id": {"type": "integer", "minimum": 0, "maximum": MAX_INT}})
async def list_tokens(ctx: Ctx):
    raw = ctx.request.query_params.get("user_id")
    user_id = ctx.query_int("user_id", minimum=0) if raw is not None else None
    return await credentials.list_tokens(ctx.session, ctx.user, ctx.state.settings.token_ttl_days, user_id)


@api("创建 API 令牌 / Create an API token for yourself", body={"type": "object", "properties": {"name": text(MAX_TOKEN_NAME)}})
async def create_token(ctx: Ctx):
    data = await ctx.json()
    name = data.get("name", "")
    if not isinstance(name, str) or len(name) > MAX_TOKEN_NAME:
        raise ValidationFailed(details={"name": f"text, at most {MAX_TOKEN_NAME} characters"})
    user = await ctx.session.get(User, ctx.user.user_id)
    token = await new_api_token(ctx.session, user, name)
    await ctx.session.flush()
    await audit.record(ctx.session, ctx.user, "token.create", "user", user.id, detail={"name": name})
    await ctx.commit()
    return {"token": token, "name": name, "ttl_days": ctx.state.settings.token_ttl_days}


@api("撤销 API 令牌（本人的；管理员可撤销任何人的）/ Revoke an API token (yours; an admin: anyone's)")
async def revoke_token(ctx: Ctx):
    result = await credentials.revoke_token(ctx.session, ctx.user, ctx.path_int("token_id"),
                                            ctx.state.settings.token_ttl_days)
    await ctx.commit()
    return result


@api("新建账号（管理员）/ Open an account (administrators)", body={
    "type": "object", "required": ["username", "role", "password"], "properties": {
        "username": {"type": "string", "pattern": accounts.USERNAME.pattern, "minLength": 3, "maxLength": 64},
        "display_name": text(account_admin.MAX_DISPLAY_NAME, nullable=True),
        "role": {"type": "string", "enum": [r.value for r in Role]},
        # null or "": not given (as for the optional texts)
        "discipline": {"type": "string", "enum": ["", *[d.value for d in Discipline], None], "nullable": True},
        "organisation": text(account_admin.MAX_ORG_NAME, nullable=True),
        "password": {"type": "string", "minLength": 10, "maxLength": account_admin.MAX_PASSWORD}}})
async def create_user(ctx: Ctx):
    require_role(ctx.principal, "user.create")  # before the body: a caller who may not open accounts learns nothing of it
    user = await account_admin.open_account(ctx.session, ctx.user, await ctx.json())
    await ctx.commit()
    return user


def _account_switch(change):
    """An administrator's endpoint that sets a user's ``active`` with ``change`` (a credentials
    function: audited, sessions and tokens handled there)."""

    async def endpoint(ctx: Ctx):
        require_role(ctx.principal, "user.create")
        user = await change(ctx.session, ctx.user, ctx.path_int("user_id"))
        await ctx.commit()
        return {"id": user.id, "username": user.username, "active": user.active}

    return endpoint


deactivate_user = api("停用用户（结束其全部会话与令牌）/ Deactivate a user (ends every session and token)")(
    _account_switch(credentials.deactivate))
reactivate_user = api("恢复已停用的用户（用原密码重新登录）/ Reactivate a deactivated user "
                      "(they sign in with their password again)")(_account_switch(credentials.reactivate))


@api("实时连接的一次性票据（60 秒内有效）/ A single-use websocket ticket (valid 60 s)")
async def ws_ticket(ctx: Ctx):
    return {"ticket": issue_ticket(ctx.user, ctx.state.settings.secret_key), "expires_in": 60}


ROUTES = [
    Route("/login", login_page, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/account", account_page),
    Route("/api/me", me),
    Route("/api/me/password", change_password, methods=["POST"]),
    Route("/api/tokens", list_tokens, methods=["GET"]),
    Route("/api/tokens", create_token, methods=["POST"]),
    Route("/api/tokens/{token_id:int}", revoke_token, methods=["DELETE"]),
    Route("/admin/users", users_page),
    Route("/api/users", list_users, methods=["GET"]),
    Route("/api/users", create_user, methods=["POST"]),
    Route("/api/users/{user_id:int}/deactivate", deactivate_user, methods=["POST"]),
    Route("/api/users/{user_id:int}/reactivate", reactivate_user, methods=["POST"]),
    Route("/api/ws-tickets", ws_ticket, methods=["POST"]),
]
