"""What every endpoint shares: the request context, JSON parsing, and the ``api`` decorator.

``@api(...)`` wraps an endpoint so that it gets a :class:`Ctx` (database session, principal,
shared clients), enforces login and CSRF, turns the returned value into a JSON response,
and records the route's description for the OpenAPI document.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..auth import Principal, check_csrf, not_authenticated, principal_from_request
from ..errors import NotAuthenticated, PayloadTooLarge, ValidationFailed
from ..models import MAX_INT
from ..services import events as events_service
from . import idempotency, jsontext

MAX_JSON_BYTES = 1024 * 1024
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_INT}  # an id or a version, in the OpenAPI document
# strings in the OpenAPI document: no NUL anywhere (web/jsontext and web/limits refuse it), and
# text the services require holds a character that is not blank (they strip it)
NUL_FREE = "^[^\\u0000]*$"
NON_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
# a day the services take as a deadline: services/workdays.DAY_RANGE (1970-01-01..2199-12-31)
DAY_PATTERN = ("^(19[7-9][0-9]|2[01][0-9]{2})-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)"
               "|(0[13578]|1[02])-31|02-29)$")
DAY_SCHEMA = {"type": "string", "format": "date", "pattern": DAY_PATTERN}


def text(max_length: int | None = None, *, required: bool = False, **extra) -> dict:
    """The schema of a text field: ``required`` text must not be blank; ``max_length`` is the
    service's own limit (pass its constant, so the document cannot drift from the check)."""
    schema: dict = {"type": "string", "pattern": NON_BLANK if required else NUL_FREE}
    if required:
        schema["minLength"] = 1
    if max_length is not None:
        schema["maxLength"] = max_length
    return {**schema, **extra}


def unknown_fields(schema: dict | None, data, prefix: str = "") -> list[str]:
    """The properties of ``data`` that its declared object ``schema`` does not name (nested objects
    included), unless the schema leaves them open with ``additionalProperties``."""
    if not isinstance(schema, dict) or not isinstance(data, dict) or "properties" not in schema:
        return []
    if schema.get("additionalProperties", False) is not False:
        return []
    out = []
    for key, value in data.items():
        sub = schema["properties"].get(key)
        if sub is None:
            out.append(prefix + key)
        else:
            out += unknown_fields(sub, value, f"{prefix}{key}.")
    return out


def preferred_lang(accept: str) -> str:
    """The language of an ``Accept-Language`` header (RFC 9110 12.5.4): of the ranges naming
    English or Chinese, the one with the highest weight (a tie: the one named first); zh-CN
    when none does. ``de-DE,de;q=0.9,en;q=0.8`` is English, ``en;q=0.1, zh-CN;q=0.9`` Chinese
    (the first range alone decided both the other way)."""
    best, best_q = "zh-CN", 0.0
    for part in accept.split(",")[:64]:
        tag, _, params = part.partition(";")
        tag, q = tag.strip().lower(), 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if not 0 < q <= 1 or q <= best_q:
            continue
        if tag == "en" or tag.startswith("en-"):
            best, best_q = "en", q
        elif tag == "zh" or tag.startswith("zh-"):
            best, best_q = "zh-CN", q
    return best


_FIRST_RANGE = re.compile(r"^\s*bytes\s*=\s*0\s*-")


def _whole_or_first_part(request: Request, ranged: bool) -> bool:
    """A GET of the whole document, or of a part starting at its first byte. Starlette's
    FileResponse answers any other ``Range`` with that part or an error, never the whole file
    (unless an ``If-Range`` no longer matches: then it is recorded)."""
    if request.method == "HEAD":
        return False
    wanted = request.headers.get("range")
    if not ranged or wanted is None or request.headers.get("if-range") is not None:
        return True
    return bool(_FIRST_RANGE.match(wanted))


def lang_of(request: Request) -> str:
    explicit = request.query_params.get("lang") or request.cookies.get("lang")
    if explicit in {"en", "zh-CN"}:
        return explicit
    return preferred_lang(request.headers.get("accept-language", ""))


@dataclass
class Ctx:
    request: Request
    session: AsyncSession
    principal: Principal | None
    lang: str
    pending_events: list = field(default_factory=list)
    body_schema: dict | None = None  # the endpoint's declared JSON body (``@api(body=...)``)

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
        unknown = unknown_fields(self.body_schema, data)
        if unknown:  # a misspelt field would otherwise be dropped without a word
            raise ValidationFailed("请求含有不认识的字段：" + "、".join(unknown),
                                   "The body has fields this endpoint does not take: " + ", ".join(unknown),
                                   code="unknown_field",
                                   details={"unknown": unknown, "allowed": sorted(self.body_schema["properties"])})
        return data

    async def record_download(self, what: str, object_type: str, object_id, project_id: int | None,
                              name: str = "", ranged: bool = False) -> None:
        """Audit a download of a report or a drawing (who took which document), committed now.
        Once per download: not for a HEAD (nothing is taken), nor, where the answer serves byte
        ranges (``ranged``: a FileResponse), for a ``Range`` request that does not start at the
        first byte (a PDF reader fetching the rest of a file in parts wrote one entry per part;
        the part holding byte 0 is the one recorded)."""
        from ..services import audit

        if not _whole_or_first_part(self.request, ranged):
            return

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


async def _answer(fn: Handler, ctx: Ctx, refuse: Handler | None) -> Response:
    try:
        result = await fn(ctx)  # state-changing handlers call ctx.commit() themselves
    except ValidationFailed:
        if refuse is None or ctx.principal is None:
            raise
        await ctx.session.rollback()
        await refuse(ctx)
        raise
    return result if isinstance(result, Response) else ok(result)


def api(summary: str, *, login: bool = True, body: dict | None = None, tag: str = "api",
        query: dict | None = None, produces: str = "application/json", csrf: bool = True,
        form: dict | None = None, body_required: bool = True, refuse: Handler | None = None):
    """Decorate an API endpoint; ``body`` is a JSON-schema fragment for the OpenAPI document
    (``form``: the same for a multipart/form-data body), ``query`` maps each query parameter to
    its schema (``"required": True`` in it: the parameter must be given); ``body_required=False``: no
    body at all is taken too; ``produces`` is the media type of a
    successful answer (a PDF, a PNG ...). ``csrf=False`` only for a public POST that changes
    nothing (checking an uploaded file). ``refuse``: the caller checks of a handler that reads its
    body before it knows the caller may act (a service that validates, then authorises); it runs
    when the body was refused (422, or 400 for bad JSON) and raises the caller's own refusal
    (401/403/404) instead, so a caller the endpoint would refuse anyway is refused whatever he
    sent, and learns nothing of what the body should have been (decision 150). It runs only then:
    a resent write that was done is still answered from its record."""

    def wrap(fn: Handler):
        @functools.wraps(fn)
        async def endpoint(request: Request) -> Response:
            async with request.app.state.db.session() as session:
                principal = await principal_from_request(request, session)
                if login and principal is None:
                    raise not_authenticated(request)
                if csrf:
                    check_csrf(request, principal)
                ctx = Ctx(request, session, principal, lang_of(request), body_schema=body)
                claimed = None  # a write sent with an Idempotency-Key: answered once (web/idempotency.py)
                if form is None and principal is not None and request.method in idempotency.WRITES:
                    key = idempotency.key_of(request)
                    if key is not None:
                        claimed = await idempotency.claim(request.app.state.db, principal.user_id, key, request)
                        if isinstance(claimed, Response):
                            return claimed
                answer = None
                try:
                    answer = await _answer(fn, ctx, refuse)
                    return answer
                finally:
                    if claimed is not None:
                        await idempotency.settle(request.app.state.db, claimed, answer)

        if form is not None:  # a multipart body, read by the endpoint under its own limits (web/limits.py)
            endpoint.streams_uploads = True
        endpoint.openapi = {"summary": summary, "login": login, "body": body, "tag": tag,
                            "query": query or {}, "produces": produces, "form": form, "body_required": body_required}
        return endpoint

    return wrap
