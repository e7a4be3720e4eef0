"""What every endpoint shares: the request context, JSON parsing, and the ``api`` decorator.

``@api(...)`` wraps an endpoint so that it gets a :class:`Ctx` (database session, principal,
shared clients), enforces login and CSRF, turns the returned value into a JSON response,
and records the route's description for the OpenAPI document.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..auth import Principal, check_csrf, principal_from_request
from ..errors import NotAuthenticated, PayloadTooLarge, ValidationFailed
from ..models import MAX_INT
from ..services import events as events_service
from . import jsontext

MAX_JSON_BYTES = 1024 * 1024
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_INT}  # an id or a version, in the OpenAPI document


def lang_of(request: Request) -> str:
    explicit = request.query_params.get("lang") or request.cookies.get("lang")
    if explicit in {"en", "zh-CN"}:
        return explicit
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh-CN"


@dataclass
class Ctx:
    request: Request
    session: AsyncSession
    principal: Principal | None
    lang: str
    pending_events: list = field(default_factory=list)

    @property
    def state(self):
        return self.request.app.state

    @property
    def user(self) -> Principal:
        if self.principal is None:
            raise NotAuthenticated()
        return self.principal

    def path_int(self, name: str) -> int:
        raw = self.request.path_params.get(name)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationFailed("路径参数无效", "Invalid path parameter", details={name: raw}) from None
        if value <= 0 or value > MAX_INT:  # no id is beyond the id columns' range
            raise ValidationFailed("路径参数无效", "Invalid path parameter", details={name: raw})
        return value

    def query_int(self, name: str, default: int | None = None, minimum: int = 1, maximum: int = MAX_INT) -> int | None:
        """An integer query parameter within [minimum, maximum], else 422 (never a 500)."""
        raw = self.request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw) if len(raw) <= 20 else None
        except ValueError:
            value = None
        if value is None or not minimum <= value <= maximum:
            raise ValidationFailed("查询参数无效", "Invalid query parameter",
                                   details={name: f"an integer from {minimum} to {maximum}"})
        return value

    async def json(self) -> dict[str, Any]:
        body = await self.request.body()  # bounded by web/limits.py before it is read
        if len(body) > MAX_JSON_BYTES:
            raise PayloadTooLarge("请求体过大", "Request body too large", code="body_too_large",
                                  details={"limit_bytes": MAX_JSON_BYTES})
        data = jsontext.loads(body or b"null")
        if not isinstance(data, dict):
            raise jsontext.bad_json("the body must be a JSON object")
        return data

    async def record_download(self, what: str, object_type: str, object_id, project_id: int | None,
                              name: str = "") -> None:
        """Audit a download of a report or a drawing (who took which document), committed now."""
        from ..services import audit

        await audit.record(self.session, self.principal or "anonymous", f"{what}.download", object_type, object_id,
                           project_id, {"name": name, "path": self.request.url.path})
        await self.session.commit()

    def emit(self, event) -> None:
        """Queue an event (already appended to the log) for publishing after the commit."""
        self.pending_events.append(event)

    async def commit(self) -> None:
        await self.session.commit()
        if self.pending_events:
            await events_service.publish(self.state.broadcast, *self.pending_events)
            self.pending_events.clear()


def ok(data: Any = None, status: int = 200) -> JSONResponse:
    return JSONResponse({"ok": True, "data": data}, status_code=status)


Handler = Callable[[Ctx], Awaitable[Any]]


def api(summary: str, *, login: bool = True, body: dict | None = None, tag: str = "api",
        query: dict | None = None, produces: str = "application/json", csrf: bool = True,
        form: dict | None = None):
    """Decorate an API endpoint; ``body`` is a JSON-schema fragment for the OpenAPI document
    (``form``: the same for a multipart/form-data body), ``query`` maps each query parameter to
    its schema (``"required": True`` in it: the parameter must be given), ``produces`` is the media type of a
    successful answer (a PDF, a PNG ...). ``csrf=False`` only for a public POST that changes
    nothing (checking an uploaded file)."""

    def wrap(fn: Handler):
        @functools.wraps(fn)
        async def endpoint(request: Request) -> Response:
            async with request.app.state.db.session() as session:
                principal = await principal_from_request(request, session)
                if login and principal is None:
                    raise NotAuthenticated()
                if csrf:
                    check_csrf(request, principal)
                ctx = Ctx(request, session, principal, lang_of(request))
                result = await fn(ctx)  # state-changing handlers call ctx.commit() themselves
                if isinstance(result, Response):
                    return result
                return ok(result)

        endpoint.openapi = {"summary": summary, "login": login, "body": body, "tag": tag,
                            "query": query or {}, "produces": produces, "form": form}
        return endpoint

    return wrap
