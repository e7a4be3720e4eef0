"""Who is calling: passwords (argon2), server-side browser sessions, CSRF tokens, bearer API
tokens and single-use websocket tickets.

A request is authenticated either by the signed session cookie (browser) or by an
``Authorization: Bearer <token>`` header (scripts). The cookie carries only a random session
id; the ``user_session`` row behind it is what counts, so logout, a password change or a
deactivation ends every copy of the cookie. API tokens expire ``token_ttl_days`` after they
were made and can be revoked. ``principal_still_valid`` asks the same questions again for a
principal that authenticated earlier (an open websocket).

State-changing requests authenticated by the cookie must carry the session's CSRF token (form
field ``csrf_token`` or header ``X-CSRF-Token``); bearer requests need none, because a browser
never adds that header by itself. Password hashing runs in a worker thread, never on the
event loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from .errors import CsrfFailed, NotAuthenticated, SessionEnded
from .models import ApiToken, User, UserSession, utcnow

_hasher = PasswordHasher()
# Argon2 costs ~0.1 s of CPU and 64 MiB per hash. A login flood runs the hashes on at most
# (cores - 1) threads, so the event loop and the database keep a core, and memory stays bounded.
_HASH_THREADS = max(1, (os.cpu_count() or 2) - 1)
_hash_pool = ThreadPoolExecutor(max_workers=_HASH_THREADS, thread_name_prefix="argon2")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: str
    discipline: Optional[str]
    org_id: Optional[int]
    via_token: bool = False
    token_id: Optional[int] = None  # the API token it came with
    session_id: Optional[str] = None  # the browser session it came with

    @classmethod
    def of(cls, user: User, via_token: bool = False, token_id: int | None = None,
           session_id: str | None = None) -> "Principal":
        return cls(user.id, user.username, user.display_name, user.role, user.discipline, user.org_id, via_token,
                   token_id, session_id)

    def public(self) -> dict:
        return {
            "id": self.user_id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "discipline": self.discipline,
            "org_id": self.org_id,
        }


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    """``hash_password`` in a worker thread: argon2 takes tens of milliseconds of CPU."""
    return await asyncio.get_running_loop().run_in_executor(_hash_pool, _hasher.hash, password)


async def verify_password_async(stored_hash: str, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_hash_pool, verify_password, stored_hash, password)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def token_expires_at(token: ApiToken, ttl_days: int) -> datetime:
    return _aware(token.created_at) + timedelta(days=ttl_days)


def token_usable(token: ApiToken | None, ttl_days: int, now: datetime | None = None) -> bool:
    return token is not None and not token.revoked and (now or utcnow()) < token_expires_at(token, ttl_days)


async def new_api_token(session: AsyncSession, user: User, name: str = "") -> str:
    token = "drt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), name=name))
    return token


async def authenticate(session: AsyncSession, username: str, password: str) -> User | None:
    # no username holds NUL (and PostgreSQL cannot compare it): such a name is a wrong one
    user = None if "\x00" in username else (await session.exec(select(User).where(User.username == username))).first()
    if user is None or not user.active:
        await hash_password_async(password)  # same cost either way: no user-enumeration by timing
        return None
    if not await verify_password_async(user.password_hash, password):
        return None
    return user


# --- browser sessions ----------------------------------------------------------------------

async def open_session(session: AsyncSession, user: User) -> str:
    """A new server-side session for a login; the cookie gets its id."""
    sid = secrets.token_urlsafe(32)
    session.add(UserSession(id=sid, user_id=user.id))
    return sid


async def end_session(session: AsyncSession, sid: str | None) -> None:
    if sid:
        await session.exec(update(UserSession).where(UserSession.id == sid, UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))


async def end_all_sessions(session: AsyncSession, user_id: int) -> int:
    """End every browser session of the user (password change, deactivation); returns how many."""
    result = await session.exec(update(UserSession).where(UserSession.user_id == user_id,
                                                          UserSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    return result.rowcount or 0


async def _live_session(session: AsyncSession, sid: str, user_id: int, max_age_s: int) -> bool:
    row = await session.get(UserSession, sid)
    if row is None or row.revoked_at is not None or row.user_id != user_id:
        return False
    return utcnow() - _aware(row.created_at) < timedelta(seconds=max_age_s)


# --- who is calling -------------------------------------------------------------------------

def _settings_of(request):
    app = request.scope.get("app") if hasattr(request, "scope") else None
    return getattr(getattr(app, "state", None), "settings", None)


def _ttl(settings) -> int:
    return getattr(settings, "token_ttl_days", 365)


def _max_age(settings) -> int:
    return getattr(settings, "session_max_age_s", 12 * 3600)


async def principal_from_token(session: AsyncSession, token: str, ttl_days: int) -> Principal:
    row = (await session.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                              .where(ApiToken.token_hash == token_digest(token)))).first()
    if row is None or not row[1].active or not token_usable(row[0], ttl_days):
        raise NotAuthenticated("API 令牌无效、已过期或已撤销", "The API token is invalid, expired or revoked",
                               code="bad_token")
    return Principal.of(row[1], via_token=True, token_id=row[0].id)


class Reauthenticate:
    """Credentials that cannot be presented twice (a spent websocket ticket): stands for the
    principal they gave, and ``principal_from_request`` re-checks it with
    ``principal_still_valid`` (so a re-check after logout or revocation fails)."""

    def __init__(self, settings=None) -> None:
        self.settings = settings
        self.principal: Principal | None = None
        self.headers: dict = {}
        self.scope: dict = {}


async def principal_from_request(request, session: AsyncSession) -> Principal | None:
    if isinstance(request, Reauthenticate):
        held = request.principal
        return held if held is not None and await principal_still_valid(session, held, request.settings) else None
    settings = _settings_of(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return await principal_from_token(session, header[7:].strip(), _ttl(settings))
    if "session" not in request.scope:
        return None
    user_id, sid = request.session.get("uid"), request.session.get("sid")
    if user_id is None:
        return None
    user = await session.get(User, user_id) if isinstance(user_id, int) else None
    if (user is None or not user.active or not isinstance(sid, str)
            or not await _live_session(session, sid, user.id, _max_age(settings))):
        request.session.clear()
        request.scope["drawreview.session_ended"] = True  # for not_authenticated(): a specific error
        return None
    return Principal.of(user, session_id=sid)


def not_authenticated(request) -> NotAuthenticated:
    """The error for a request that gave no valid credentials: ``session_ended`` when its cookie
    named a session that expired or was ended, else ``not_authenticated``."""
    scope = getattr(request, "scope", None) or {}
    return SessionEnded() if scope.get("drawreview.session_ended") else NotAuthenticated()


async def principal_still_valid(session: AsyncSession, principal: Principal, settings=None) -> bool:
    """Is a principal that authenticated earlier (an open websocket) still good now? The user is
    active, and the token or browser session it came with is neither revoked nor expired."""
    user = await session.get(User, principal.user_id)
    if user is None or not user.active:
        return False
    if principal.token_id is not None:
        return token_usable(await session.get(ApiToken, principal.token_id), _ttl(settings))
    if principal.session_id is not None:
        return await _live_session(session, principal.session_id, user.id, _max_age(settings))
    return True


# --- single-use websocket tickets -----------------------------------------------------------

TICKET_TTL_S = 60


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issue_ticket(principal: Principal, secret_key: str, ttl_s: int = TICKET_TTL_S) -> str:
    """A short-lived ticket standing for the principal (and the token or session it came with),
    for a websocket ``?ticket=``: browsers cannot set headers on a websocket, and a long-lived
    token must never sit in a URL (URLs end up in logs)."""
    body = {"u": principal.user_id, "t": principal.token_id, "s": principal.session_id,
            "exp": int(time.time()) + ttl_s, "n": secrets.token_urlsafe(12)}
    raw = _b64(json.dumps(body, separators=(",", ":")).encode())
    sig = _b64(hmac.new(secret_key.encode(), b"ws-ticket:" + raw.encode(), hashlib.sha256).digest())
    return f"{raw}.{sig}"


def read_ticket(ticket: str, secret_key: str) -> dict | None:
    """The ticket's content when its signature holds and it has not expired (single use is
    enforced by the caller, who remembers the nonce ``n``)."""
    raw, _, sig = ticket.partition(".")
    want = _b64(hmac.new(secret_key.encode(), b"ws-ticket:" + raw.encode(), hashlib.sha256).digest())
    if not sig or not hmac.compare_digest(want, sig):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("exp"), int) or body["exp"] < time.time():
        return None
    return body


async def principal_from_ticket(session: AsyncSession, body: dict, settings) -> Principal | None:
    user = await session.get(User, body.get("u")) if isinstance(body.get("u"), int) else None
    if user is None:
        return None
    principal = Principal.of(user, via_token=body.get("t") is not None, token_id=body.get("t"),
                             session_id=body.get("s"))
    return principal if await principal_still_valid(session, principal, settings) else None


def csrf_token(request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request, principal: Principal | None, form_token: str | None = None) -> None:
    """Refuse a state-changing, cookie-authenticated request without the session's token."""
    if request.method in SAFE_METHODS or (principal is not None and principal.via_token):
        return
    expected = request.session.get("csrf") if "session" in request.scope else None
    given = form_token or request.headers.get("x-csrf-token")
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise CsrfFailed()
