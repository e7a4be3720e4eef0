"""Credentials: logins (throttled by account and by address, failures audited), password
changes, deactivation, and API tokens (list, revoke, expiry).

Everything that ends a credential goes through here, and everything here is audited on the
global chain. ``auth.principal_still_valid`` then refuses the ended credential everywhere,
including on open websockets at their next re-check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import (Principal, authenticate, end_all_sessions, hash_password_async, token_expires_at,
                    token_usable, verify_password_async)
from ..errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from ..models import ApiToken, Organisation, User, utcnow
from ..ratelimit import address_key
from . import audit
from .notifications import aware

LOGIN_WINDOW_S = 900
ACCOUNT_MAX_FAILURES = 10  # per account and window, from anywhere
ADDRESS_MAX_FAILURES = 30  # per client address and window, whatever the accounts tried
CREDENTIAL_MAX_CHECKS = 10  # current-password checks per browser session or API token and window
USER_MAX_CHECKS = 30  # per account and window, over all its sessions and tokens (new tokens can be made)
MIN_PASSWORD = 10


class LoginThrottled(RateLimited):
    code = "login_throttled"
    message_zh = "登录失败次数过多，请 15 分钟后再试"
    message_en = "Too many failed logins; try again in 15 minutes"


@dataclass
class LoginKeys:
    account: str
    address: str


def login_keys(username: str, address: str | None, device: str | None = None) -> LoginKeys:
    """*device*: the id of a browser that logged in to this account before (web/devices.py); its
    attempts count against that device, not against the account strangers can fail on purpose."""
    account = f"login:dev:{device}" if device else f"login:acct:{username.strip().lower()}"
    return LoginKeys(account, f"login:addr:{address_key(address)}")


async def login(session: AsyncSession, limiter, username: str, password: str, address: str | None,
                device: str | None = None) -> User:
    """Check a username and password, or raise. Every attempt counts against both the account
    (or the known device it comes from) and the address before the password is checked (so
    parallel guesses cannot slip past the count); a success gives the attempts back. Failures are
    audited."""
    keys = login_keys(username, address, device)
    by_account = await limiter.hit(keys.account, LOGIN_WINDOW_S)
    by_address = await limiter.hit(keys.address, LOGIN_WINDOW_S)
    if by_account > ACCOUNT_MAX_FAILURES or by_address > ADDRESS_MAX_FAILURES:
        raise LoginThrottled(details={"by": "account" if by_account > ACCOUNT_MAX_FAILURES else "address"})
    user = await authenticate(session, username, password)
    if user is None:
        await audit.record(session, "anonymous", "user.login_failed", "user", "",
                           detail={"username": username[:64], "address": address, "known_device": bool(device)})
        await session.commit()
        raise ValidationFailed("用户名或密码错误", "Wrong username or password", code="login_failed", status=400)
    await limiter.reset(keys.account)
    await limiter.forget(keys.address)
    return user


async def change_password(session: AsyncSession, limiter, principal: Principal, current: str, new: str) -> dict:
    """The user's own password; ends every browser session and API token of the user (a thief
    who had either keeps nothing). The caller opens a fresh session for this browser.

    The current password is checked like a login, but counted against what only a holder of the
    account's credentials can reach (decision 142): the browser session or API token the request
    came with (10 per window) and the account's own checks (30 per window, since a token holder
    can make new tokens), not the account's login counter, which strangers fail on purpose (the
    owner, logged in and knowing the password, was refused 429 while a stranger's lock lasted).
    A wrong current password still adds to the login counter, so guesses here and at the login
    form share that count."""
    if not isinstance(current, str) or not isinstance(new, str) or len(new) < MIN_PASSWORD or len(new) > 512:
        raise ValidationFailed("新密码至少 10 个字符", "The new password needs at least 10 characters",
                               details={"new_password": f"{MIN_PASSWORD}-512 characters"})
    credential = (f"pwcheck:tok:{principal.token_id}" if principal.token_id is not None
                  else f"pwcheck:ses:{principal.session_id or principal.user_id}")
    of_user = f"pwcheck:user:{principal.user_id}"
    by_credential = await limiter.hit(credential, LOGIN_WINDOW_S)
    by_user = await limiter.hit(of_user, LOGIN_WINDOW_S)
    if by_credential > CREDENTIAL_MAX_CHECKS or by_user > USER_MAX_CHECKS:
        raise LoginThrottled(details={"by": "credential" if by_credential > CREDENTIAL_MAX_CHECKS else "account"})
    user = await session.get(User, principal.user_id)
    if user is None or not await verify_password_async(user.password_hash, current[:512]):
        await limiter.hit(login_keys(principal.username, None).account, LOGIN_WINDOW_S)
        raise ValidationFailed("当前密码不正确", "The current password is wrong", code="wrong_password",
                               details={"current_password": "wrong"})
    await limiter.reset(credential)
    await limiter.reset(of_user)
    user.password_hash = await hash_password_async(new)
    session.add(user)
    ended = await end_all_sessions(session, user.id)
    revoked = await _revoke_all_tokens(session, user.id)
    await audit.record(session, principal, "user.password_change", "user", user.id,
                       detail={"sessions_ended": ended, "tokens_revoked": revoked})
    return {"sessions_ended": ended, "tokens_revoked": revoked}


async def deactivate(session: AsyncSession, actor, user_id: int) -> User:
    """An admin (or the CLI) switches an account off: every session and token ends with it."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("找不到该用户", "User not found", details={"user_id": user_id})
    if isinstance(actor, Principal) and actor.user_id == user_id:  # an admin locking himself out
        raise ValidationFailed("不能停用自己的账号，请由另一位管理员操作",
                               "You cannot deactivate your own account; ask another administrator",
                               details={"user_id": user_id})
    user.active = False
    session.add(user)
    ended = await end_all_sessions(session, user.id)
    revoked = await _revoke_all_tokens(session, user.id)
    await audit.record(session, actor, "user.deactivate", "user", user.id,
                       detail={"username": user.username, "sessions_ended": ended, "tokens_revoked": revoked})
    return user


async def reactivate(session: AsyncSession, actor, user_id: int) -> User:
    """An admin (or the CLI) lets a deactivated account sign in again, with its own password. What
    deactivation ended stays ended: no session or token comes back (the person signs in anew and
    makes new tokens)."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("找不到该用户", "User not found", details={"user_id": user_id})
    if user.active:
        raise Conflict(f"账号 {user.username} 未被停用，无需恢复", f"The account {user.username} is not deactivated",
                       code="user_active", details={"user_id": user_id})
    user.active = True
    session.add(user)
    await audit.record(session, actor, "user.reactivate", "user", user.id, detail={"username": user.username})
    return user


async def _revoke_all_tokens(session: AsyncSession, user_id: int) -> int:
    result = await session.exec(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked == False)  # noqa: E712
                                .values(revoked=True, revoked_at=utcnow()))
    return result.rowcount or 0


# --- API tokens ------------------------------------------------------------------------------

def token_dict(token: ApiToken, ttl_days: int, username: str | None = None) -> dict:
    expires = token_expires_at(token, ttl_days)
    out = {
        "id": token.id,
        "user_id": token.user_id,
        "name": token.name,
        "created_at": aware(token.created_at).isoformat(),
        "expires_at": aware(expires).isoformat(),
        "revoked": token.revoked,
        "revoked_at": aware(token.revoked_at).isoformat() if token.revoked_at else None,
        "usable": token_usable(token, ttl_days),
    }
    if username is not None:
        out["username"] = username
    return out


async def list_tokens(session: AsyncSession, principal: Principal, ttl_days: int,
                      user_id: int | None = None) -> list[dict]:
    """The caller's own tokens; an admin may list another user's (``user_id``) or everyone's (0)."""
    if user_id is not None and user_id != principal.user_id and principal.role != "admin":
        raise PermissionDenied(details={"action": "token.list_others"})
    stmt = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    wanted = principal.user_id if user_id is None else user_id
    if wanted:
        stmt = stmt.where(ApiToken.user_id == wanted)
    return [token_dict(t, ttl_days, name) for t, name in (await session.exec(stmt)).all()]


async def revoke_token(session: AsyncSession, actor, token_id: int, ttl_days: int) -> dict:
    """Revoke one token: its owner, or an admin (``actor`` may be the CLI's "system")."""
    token = await session.get(ApiToken, token_id)
    is_admin = not isinstance(actor, Principal) or actor.role == "admin"
    if token is None or (not is_admin and token.user_id != actor.user_id):
        raise NotFound("找不到该令牌", "Token not found", details={"token_id": token_id})
    if not token.revoked:
        token.revoked, token.revoked_at = True, utcnow()
        session.add(token)
        await audit.record(session, actor, "token.revoke", "api_token", token.id,
                           detail={"user_id": token.user_id, "name": token.name})
    return token_dict(token, ttl_days)


# --- the admin's user list --------------------------------------------------------------------

async def list_users(session: AsyncSession, principal: Principal, ttl_days: int) -> list[dict]:
    """Every account with its organisation and how many of its API tokens are usable (admin only:
    the user-management page, where accounts are deactivated and tokens revoked)."""
    if principal.role != "admin":
        raise PermissionDenied(details={"action": "user.list"})
    users = (await session.exec(select(User, Organisation.name).join(Organisation, Organisation.id == User.org_id,
                                                                       isouter=True).order_by(User.id))).all()
    usable: dict[int, int] = {}
    for token in (await session.exec(select(ApiToken).where(ApiToken.revoked == False))).all():  # noqa: E712
        if token_usable(token, ttl_days):
            usable[token.user_id] = usable.get(token.user_id, 0) + 1
    return [{"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
             "discipline": u.discipline, "organisation": org, "active": u.active, "usable_tokens": usable.get(u.id, 0)}
            for u, org in users]
