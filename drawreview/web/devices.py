"""Known devices: a browser that has logged in to an account keeps a signed cookie naming it.

The login limit per account (services/credentials.py) would otherwise let anyone who knows a
username lock its owner out for the window by failing on purpose. A login that presents a valid
device cookie for the same username is counted against that device instead of the account, so
the owner's own browser still gets in while strangers' guesses are stopped (a device cookie is
limited just as the account is, and the per-address limit applies to everyone). The cookie holds
the username and a random device id, signed with the app's secret key; it opens nothing by
itself — the password is still checked. Decision 138."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "dr_device"
MAX_AGE_S = 180 * 24 * 3600
SALT = "drawreview.login-device"


def _signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.secret_key, salt=SALT)


def known_device(request: Request, username: str) -> str | None:
    """The device id of this browser's cookie when it was given for *username*, else None."""
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 512:
        return None
    try:
        data = _signer(request).loads(raw, max_age=MAX_AGE_S)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != username.strip().lower():
        return None
    device = data.get("d")
    return device if isinstance(device, str) and 16 <= len(device) <= 64 else None


def remember_device(request: Request, response: Response, username: str, device: str | None) -> None:
    """After a successful login: (re)issue the cookie for *username*, keeping a known id."""
    value = _signer(request).dumps({"u": username.strip().lower(), "d": device or secrets.token_urlsafe(18)})
    secure = request.url.scheme == "https" or request.app.state.settings.https
    response.set_cookie(COOKIE, value, max_age=MAX_AGE_S, path="/login", httponly=True, samesite="lax",
                        secure=secure)
