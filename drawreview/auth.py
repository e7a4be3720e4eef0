"""Who is calling: passwords (argon2), session cookies, CSRF tokens and bearer API tokens.

A request is authenticated either by the signed session cookie (browser) or by an
``Authorization: Bearer <token>`` header (scripts). State-changing requests authenticated by
the cookie must carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``); bearer requests need none, because a browser never adds that header by
itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from .errors import CsrfFailed, NotAuthenticated
from .models import ApiToken, User

_hasher = PasswordHasher()
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

    @classmethod
    def of(cls, user: User, via_token: bool = False) -> "Principal":
        return cls(user.id, user.username, user.display_name, user.role, user.discipline, user.org_id, via_token)

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


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_api_token(session: AsyncSession, user: User, name: str = "") -> str:
    token = "drt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), name=name))
    return token


async def authenticate(session: AsyncSession, username: str, password: str) -> User | None:
    user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None or not user.active:
        _hasher.hash(password)  # same cost either way: no user-enumeration by timing
        return None
    if not verify_password(user.password_hash, password):
        return None
    return user


async def principal_from_request(request, session: AsyncSession) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        row = (
            await session.exec(
                select(User).join(ApiToken, ApiToken.user_id == User.id).where(
                    ApiToken.token_hash == token_digest(token), ApiToken.revoked == False  # noqa: E712
                )
            )
        ).first()
        if row is None or not row.active:
            raise NotAuthenticated("API 令牌无效或已撤销", "The API token is invalid or revoked", code="bad_token")
        return Principal.of(row, via_token=True)
    user_id = request.session.get("uid") if "session" in request.scope else None
    if user_id is None:
        return None
    user = await session.get(User, user_id)
    if user is None or not user.active:
        request.session.clear()
        return None
    return Principal.of(user)


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
