"""The signed session cookie: HttpOnly, SameSite=Lax, and Secure whenever the request came over
https (the ASGI scheme, which the server's proxy-header handling sets from X-Forwarded-Proto
for trusted proxies) or ``DRAWREVIEW_HTTPS`` says the site is https-only. A request that carries
the cookie but whose session did not survive it (its signature expired or no longer checks) is
marked ``drawreview.session_ended``, so a login-only route says the sign-in ended (decision 134)."""

from __future__ import annotations

from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

SECURE_SCHEMES = {"https", "wss"}


class SchemeAwareSessionMiddleware:
    """Two Starlette session middlewares sharing one signer and cookie name; each request goes
    through the one whose ``Secure`` flag matches its scheme."""

    def __init__(self, app: ASGIApp, *, https_only: bool = False, **options) -> None:
        cookie = options.get("session_cookie", "session")

        async def marked(scope: Scope, receive: Receive, send: Send) -> None:
            if not scope.get("session") and _sent_cookie(scope, cookie):
                scope["drawreview.session_ended"] = True
            await app(scope, receive, send)

        self.secure = SessionMiddleware(marked, https_only=True, **options)
        self.plain = self.secure if https_only else SessionMiddleware(marked, https_only=False, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = scope.get("scheme") in SECURE_SCHEMES
        await (self.secure if secure else self.plain)(scope, receive, send)


def _sent_cookie(scope: Scope, name: str) -> bool:
    for key, value in scope.get("headers") or ():
        if key == b"cookie":
            got = cookie_parser(value.decode("latin-1")).get(name)
            return bool(got) and got != "null"
    return False
