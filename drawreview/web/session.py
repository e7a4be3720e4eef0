"""The signed session cookie: HttpOnly, SameSite=Lax, and Secure whenever the request came over
https (the ASGI scheme, which the server's proxy-header handling sets from X-Forwarded-Proto
for trusted proxies) or ``DRAWREVIEW_HTTPS`` says the site is https-only."""

from __future__ import annotations

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

SECURE_SCHEMES = {"https", "wss"}


class SchemeAwareSessionMiddleware:
    """Two Starlette session middlewares sharing one signer and cookie name; each request goes
    through the one whose ``Secure`` flag matches its scheme."""

    def __init__(self, app: ASGIApp, *, https_only: bool = False, **options) -> None:
        self.secure = SessionMiddleware(app, https_only=True, **options)
        self.plain = self.secure if https_only else SessionMiddleware(app, https_only=False, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = scope.get("scheme") in SECURE_SCHEMES
        await (self.secure if secure else self.plain)(scope, receive, send)
