"""Limits applied before any endpoint runs: request bodies and hostile query strings.

A body may be at most ``MAX_BODY_BYTES`` whatever its type: a larger ``Content-Length`` is
refused at once, and a body without one (chunked) is counted while it streams and refused when
it passes the limit, so nothing large is ever buffered. Only the routes that stream uploads
themselves (marked with :func:`streams_uploads`: the drawing upload and the report verification,
bounded by settings.max_file_bytes / max_submission_bytes and the verifier's own limit) take a
larger multipart body; before, any multipart body passed on any route, and a JSON route or a page
form read it whole before refusing it (decision 134).
A query string carrying NUL or undecodable bytes is refused (no database stores them), and so is
a path carrying NUL (``/verify/{code}`` hands its text to a query).

An answer given before the request's body was read (a refusal: too large, not allowed, a closed
case) goes out at once, and the rest of the body is then read and dropped, up to
``LINGER_BYTES`` / ``LINGER_S``, before the connection closes: closing a socket with unread bytes
makes the kernel reset it, and a proxy streaming the upload (deploy/nginx.conf) would answer its
own 502 page instead of the app's bilingual error (decision 136).
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import unquote_to_bytes

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import PayloadTooLarge, ValidationFailed, envelope

MAX_BODY_BYTES = 1024 * 1024
LINGER_BYTES = 16 * 1024 * 1024  # of a body left unread after an early answer, read and dropped
LINGER_S = 3.0


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge("请求体过大（上传图纸请用文件上传）", "Request body too large (upload drawings as files)",
                           code="body_too_large", details={"limit_bytes": limit})


def bad_query(raw: bytes) -> ValidationFailed | None:
    if not raw:
        return None
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        return ValidationFailed("查询参数含有不允许的字符", "The query string contains a NUL character",
                                code="bad_query", status=400)
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return ValidationFailed("查询参数不是有效的 UTF-8", "The query string is not valid UTF-8",
                                code="bad_query", status=400)
    return None


def streams_uploads(endpoint):
    """Mark an endpoint that reads a multipart body itself, chunk by chunk, under its own limits."""
    endpoint.streams_uploads = True
    return endpoint


def upload_routes(routes) -> list[tuple[re.Pattern, frozenset]]:
    """(path pattern, methods) of the routes marked with :func:`streams_uploads`."""
    return [(r.path_regex, frozenset(r.methods or ())) for r in routes
            if getattr(getattr(r, "endpoint", None), "streams_uploads", False)]


def bad_path(path: str) -> ValidationFailed | None:
    if "\x00" in path:
        return ValidationFailed("地址含有不允许的字符", "The address contains a NUL character", code="bad_path", status=400)
    return None


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES,
                 uploads: list[tuple[re.Pattern, frozenset]] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = list(uploads)

    def _streams_upload(self, scope: Scope, headers: dict) -> bool:
        if not headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
            return False
        path, method = scope.get("path", ""), scope.get("method", "")
        return any(method in methods and pattern.match(path) for pattern, methods in self.uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if scope["type"] == "http" and _has_body(headers):
            receive, send = _lingering(receive, send)
        problem = bad_query(scope.get("query_string", b"")) or bad_path(scope.get("path", ""))
        if problem is not None and scope["type"] == "http":
            return await self._refuse(scope, receive, send, problem)
        if scope["type"] == "websocket" or problem is not None:
            return await self.app(scope, receive, send)  # the socket refuses bad queries itself
        if self._streams_upload(scope, headers):
            return await self.app(scope, receive, send)
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = self.max_bytes + 1
            if declared > self.max_bytes:
                return await self._refuse(scope, receive, send, too_large(self.max_bytes))
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise too_large(self.max_bytes)
            return message

        await self.app(scope, counted, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, exc) -> None:
        from .common import preferred_lang

        lang = preferred_lang(dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1"))
        response = JSONResponse(envelope(exc.code, exc.message_zh, exc.message_en, exc.details, lang),
                                status_code=exc.status, headers={"Connection": "close"})
        await response(scope, receive, send)


def _has_body(headers: dict) -> bool:
    return headers.get(b"content-length", b"0") not in (b"0", b"") or b"transfer-encoding" in headers


def _lingering(receive: Receive, send: Send) -> tuple[Receive, Send]:
    """receive/send that, when the response ends before the request body was read to its end,
    send the response, then read and drop the rest of the body (bounded) before the end."""
    done = False

    async def tracked() -> Message:
        nonlocal done
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            done = True
        return message

    async def drain() -> None:
        left = LINGER_BYTES
        try:
            async with asyncio.timeout(LINGER_S):
                while left > 0:
                    message = await receive()
                    if message["type"] != "http.request" or not message.get("more_body", False):
                        return
                    left -= len(message.get("body", b""))
        except TimeoutError:
            pass

    async def lingering(message: Message) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False) and not done:
            await send({**message, "more_body": True})
            await drain()
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return tracked, lingering
