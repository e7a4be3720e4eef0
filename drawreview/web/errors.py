"""Error handlers: every API error is the one envelope; pages get a readable error page."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Route

from ..db import timeout_error, value_error
from ..errors import DrawReviewError, NotAuthenticated, envelope
from .common import lang_of
from .headers import HEADERS as SECURITY_HEADERS

log = logging.getLogger("drawreview.web")

HTTP_CODES = {
    404: ("not_found", "找不到该地址", "No such address"),
    405: ("method_not_allowed", "不支持该请求方法", "Method not allowed"),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


# A 401 names the scheme to authenticate with (RFC 9110 15.5.2: a 401 must carry WWW-Authenticate)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="drawreview"'}


def _respond(request: Request, status: int, code: str, zh: str, en: str, details=None,
             headers: dict | None = None) -> Response:
    lang = lang_of(request)
    if _wants_json(request):
        headers = {**(headers or {}), **(CHALLENGE if status == 401 else {})}
        return JSONResponse(envelope(code, zh, en, details, lang), status_code=status, headers=headers)
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    from .pages import render

    response = render(request, "error.html", {"message": en if lang == "en" else zh}, status=status)
    response.headers.update(headers or {})
    return response


async def drawreview_error(request: Request, exc: DrawReviewError) -> Response:
    wait = exc.details.get("retry_after_s") if isinstance(exc.details, dict) else None
    headers = {"Retry-After": str(int(wait))} if exc.status == 429 and isinstance(wait, (int, float)) else None
    return _respond(request, exc.status, exc.code, exc.message_zh, exc.message_en, exc.details, headers=headers)


async def http_error(request: Request, exc: HTTPException) -> Response:
    code, zh, en = HTTP_CODES.get(exc.status_code, ("http_error", "请求失败", "Request failed"))
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    return _respond(request, exc.status_code, code, zh, en, headers=headers)


def allowed_methods(request: Request) -> str:
    """Every method the path answers (RFC 9110: a 405 lists them). Starlette names only those of
    the first route it matched, and one path is often several routes (GET and POST apart)."""
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


async def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    response = _respond(request, 500, "internal_error", "服务器内部错误，已记录", "Internal server error; it has been logged")
    response.headers.update(SECURITY_HEADERS)  # answered outside the middleware that adds them
    return response


async def database_error(request: Request, exc: DBAPIError) -> Response:
    """A value the database refused (a number beyond an id column, a text too long ...) is the
    client's error; a statement cancelled by the statement timeout a 503 ``query_timeout``; any
    other database error is the server's."""
    timed_out = timeout_error(exc)
    if timed_out is not None:
        log.warning("database statement timeout on %s %s", request.method, request.url.path)
        return await drawreview_error(request, timed_out)
    client_error = value_error(exc)
    if client_error is None:
        return await internal_error(request, exc)
    log.info("value refused by the database on %s %s: %s", request.method, request.url.path,
             client_error.details["database"])
    return await drawreview_error(request, client_error)


HANDLERS = {DrawReviewError: drawreview_error, HTTPException: http_error, DBAPIError: database_error,
            Exception: internal_error}
__all__ = ["HANDLERS", "NotAuthenticated"]
