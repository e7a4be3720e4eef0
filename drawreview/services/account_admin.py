"""The administrator opens an account in the browser (``POST /api/users``, the user-management
page), as ``drawreview createuser`` does on the server: the organisation is named, and made with
the kind the role needs when it does not exist yet; every refusal names the field in both
languages and creates nothing."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import PermissionDenied, ValidationFailed
from ..models import Organisation
from .accounts import ORG_KIND_WORDS, ROLE_ORG_KIND, create_user, get_or_create_org, user_dict, validate_user

MAX_DISPLAY_NAME = 100
MAX_ORG_NAME = 200
MAX_PASSWORD = 512


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(details={key: "text"})
    return value.strip()


async def open_account(session: AsyncSession, principal: Principal, data: dict) -> dict:
    """Create the account *data* describes; the caller commits."""
    if principal.role != "admin":
        raise PermissionDenied(details={"action": "user.create"})
    username, role = _text(data, "username"), _text(data, "role")
    display_name, org_name = _text(data, "display_name"), _text(data, "organisation")
    discipline = _text(data, "discipline") or None
    password = data.get("password")
    if not isinstance(password, str) or len(password) > MAX_PASSWORD:
        raise ValidationFailed("密码至少 10 个字符", "The password needs at least 10 characters",
                               details={"password": f"10-{MAX_PASSWORD} characters"})
    validate_user(username, password, role, discipline)
    if len(display_name) > MAX_DISPLAY_NAME:
        raise ValidationFailed(f"姓名最多 {MAX_DISPLAY_NAME} 个字符", f"The name takes at most {MAX_DISPLAY_NAME} characters",
                               details={"display_name": f"at most {MAX_DISPLAY_NAME} characters"})
    kind = ROLE_ORG_KIND.get(role)
    org = None
    if kind is None and org_name:  # an administrator: named, the organisation would be dropped unsaid
        raise ValidationFailed("管理员账号不属于任何单位，请不要填写所属单位",
                               "An administrator's account belongs to no organisation: leave it empty",
                               details={"organisation": "only for the other roles"})
    if kind is not None:
        zh, en = ORG_KIND_WORDS[kind.value]
        if not org_name or len(org_name) > MAX_ORG_NAME:
            raise ValidationFailed(f"请填写所属{zh}的名称（最多 {MAX_ORG_NAME} 个字符）",
                                   f"Enter the name of the account's {en} (at most {MAX_ORG_NAME} characters)",
                                   details={"organisation": kind.value})
        org = (await session.exec(select(Organisation).where(Organisation.name == org_name))).first()
        if org is not None and org.kind != kind.value:
            other_zh, other_en = ORG_KIND_WORDS.get(org.kind, (org.kind, org.kind))
            raise ValidationFailed(f"“{org_name}”已登记为{other_zh}，不是{zh}",
                                   f"“{org_name}” is registered as a {other_en}, not a {en}",
                                   code="organisation_kind", details={"organisation": org.kind, "wanted": kind.value})
        org = org or await get_or_create_org(session, org_name, kind.value, actor=principal)
    user = await create_user(session, username, password, role, display_name=display_name or None,
                             discipline=discipline, org=org, actor=principal)
    return {**user_dict(user), "organisation": org.name if org else None, "active": user.active}
