"""Organisations and users."""

from __future__ import annotations

import re

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import hash_password
from ..errors import Conflict, ValidationFailed
from ..models import Discipline, Organisation, OrgKind, Role, User
from . import audit

USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
ROLE_ORG_KIND = {
    "designer": OrgKind.design_institute,
    "construction": OrgKind.construction_unit,
    "window": OrgKind.review_authority,
    "reviewer": OrgKind.review_authority,
}
ORG_KIND_WORDS = {"design_institute": ("设计单位", "design institute"),
                  "construction_unit": ("建设单位", "construction unit"),
                  "review_authority": ("审查机构", "review authority")}


async def get_or_create_org(session: AsyncSession, name: str, kind: str, actor="system") -> Organisation:
    if kind not in OrgKind.__members__:
        raise ValidationFailed("单位类型无效", "Unknown organisation kind", details={"kind": kind})
    org = (await session.exec(select(Organisation).where(Organisation.name == name))).first()
    if org is None:
        org = Organisation(name=name, kind=kind)
        session.add(org)
        await session.flush()
        await audit.record(session, actor, "org.create", "organisation", org.id, detail={"name": name, "kind": kind})
    return org


def validate_user(username: str, password: str, role: str, discipline: str | None) -> None:
    """Raise one error that names every problem, in both languages (the admin's form shows it)."""
    problems: dict[str, tuple[str, str, str]] = {}  # field -> (zh, en, detail)
    if not USERNAME.match(username or ""):
        problems["username"] = ("用户名须为 3–64 个字母、数字或 _ . -", "The username must be 3–64 letters, digits, _ . or -",
                                "3-64 letters, digits, _ . -")
    if len(password or "") < 10:
        problems["password"] = ("密码至少 10 个字符", "The password needs at least 10 characters", "at least 10 characters")
    if role not in Role.__members__:
        problems["role"] = ("请选择角色", "Choose a role", f"one of {sorted(Role.__members__)}")
    if role == "reviewer" and discipline not in Discipline.__members__:
        problems["discipline"] = ("审查人员须选择一个专业", "A reviewer needs a discipline",
                                  f"a reviewer needs exactly one of {sorted(Discipline.__members__)}")
    if role != "reviewer" and discipline:
        problems["discipline"] = ("只有审查人员有专业", "Only reviewers have a discipline", "only reviewers have a discipline")
    if problems:
        raise ValidationFailed("；".join(p[0] for p in problems.values()), "; ".join(p[1] for p in problems.values()),
                               details={k: p[2] for k, p in problems.items()})


async def create_user(
    session: AsyncSession,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    discipline: str | None = None,
    org: Organisation | None = None,
    email: str | None = None,
    actor="system",
) -> User:
    validate_user(username, password, role, discipline)
    if (await session.exec(select(User).where(User.username == username))).first():
        raise Conflict("用户名已存在", "That username is taken", code="username_taken")
    wanted = ROLE_ORG_KIND.get(role)
    if wanted is not None and (org is None or org.kind != wanted):
        zh, en = ORG_KIND_WORDS[wanted.value]
        raise ValidationFailed(f"该角色的账号须属于一家{zh}", f"This role's account must belong to a {en}",
                               details={"org": wanted.value})
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        discipline=discipline,
        org_id=org.id if org else None,
        email=email,
    )
    session.add(user)
    await session.flush()
    await audit.record(session, actor, "user.create", "user", user.id, detail={"username": username, "role": role})
    return user


def user_dict(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "discipline": user.discipline,
        "org_id": user.org_id,
    }
