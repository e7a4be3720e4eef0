"""Demo data: a review authority with its window and five reviewers, a design institute, a
construction unit and one project. Idempotent: credentials are created once and kept in
``<data dir>/demo_accounts.json`` (mode 0600), so a second run prints the same ones, except
what changed since: a demo token revoked or expired is replaced by a new one (kept in the
file), a password changed in the meantime is not printed (it would not log in), and a
deactivated account is said to be.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal, token_digest, token_usable, verify_password_async
from ..models import ApiToken, Project, User
from ..services import accounts, audit

AUTHORITY = "示范市行政审批局联合审图中心"
INSTITUTE = "示范建筑设计研究院有限公司"
BUILDER = "示范置业有限公司"
PROJECT = "示范花园二期住宅小区"

ACCOUNTS = [
    # username, display name, role, discipline, organisation
    ("window", "窗口受理员 王芳", "window", None, AUTHORITY),
    ("planning", "规划审查 李明", "reviewer", "planning", AUTHORITY),
    ("fire", "消防审查 张伟", "reviewer", "fire", AUTHORITY),
    ("civil_defence", "人防审查 刘洋", "reviewer", "civil_defence", AUTHORITY),
    ("lightning", "防雷审查 陈静", "reviewer", "lightning", AUTHORITY),
    ("meteorology", "气象审查 杨帆", "reviewer", "meteorology", AUTHORITY),
    ("designer", "设计人 赵磊", "designer", None, INSTITUTE),
    ("builder", "建设单位 孙丽", "construction", None, BUILDER),
]
ORG_KINDS = {AUTHORITY: "review_authority", INSTITUTE: "design_institute", BUILDER: "construction_unit"}


def _credentials(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text())
    creds = {
        name: {"password": secrets.token_urlsafe(12), "token": "drt_" + secrets.token_urlsafe(32)}
        for name, *_ in ACCOUNTS
    }
    _save(path, creds)
    return creds


def _save(path: Path, creds: dict) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(creds, fh)
    os.replace(tmp, path)


PASSWORD_CHANGED = "（已修改 / changed）"


async def ensure_demo(session: AsyncSession, data_dir: Path, token_ttl_days: int = 365) -> dict:
    path = data_dir / "demo_accounts.json"
    creds = _credentials(path)
    renewed = False
    orgs = {name: await accounts.get_or_create_org(session, name, kind, "demo") for name, kind in ORG_KINDS.items()}
    out = []
    for username, display, role, discipline, org_name in ACCOUNTS:
        user = (await session.exec(select(User).where(User.username == username))).first()
        if user is None:
            user = await accounts.create_user(
                session, username, creds[username]["password"], role, display, discipline, orgs[org_name], actor="demo"
            )
        digest = token_digest(creds[username]["token"])
        stored = (await session.exec(select(ApiToken).where(ApiToken.token_hash == digest))).first()
        if stored is not None and (stored.user_id != user.id or not token_usable(stored, token_ttl_days)):
            # revoked (or expired) since the last run: the demo's token is a new one
            creds[username]["token"] = "drt_" + secrets.token_urlsafe(32)
            digest, stored, renewed = token_digest(creds[username]["token"]), None, True
        if stored is None:
            session.add(ApiToken(user_id=user.id, token_hash=digest, name="demo"))
        password = creds[username]["password"]
        if not await verify_password_async(user.password_hash, password):
            password = PASSWORD_CHANGED  # its owner changed it: the stored one would not log in
        out.append({
            "username": username,
            "password": password,
            "active": user.active,
            "role": role,
            "discipline": discipline,
            "display_name": display,
            "org": org_name,
            "org_id": orgs[org_name].id,
            "token": creds[username]["token"],
        })
    project = (await session.exec(select(Project).where(Project.name == PROJECT))).first()
    if project is None:
        project = Project(
            name=PROJECT,
            address="示范市滨江新区纬二路以北、经五路以东",
            project_type="building",
            complexity="normal",
            construction_unit_id=orgs[BUILDER].id,
            design_institute_id=orgs[INSTITUTE].id,
            params={"plot_ratio_max": 2.5, "density_max": 0.3, "green_ratio_min": 0.35, "sprinklers": True,
                    "lightning_class": 2},
        )
        session.add(project)
        await session.flush()
        designer = next(a for a in out if a["username"] == "designer")
        await audit.record(session, designer["username"], "project.create", "project", project.id, project.id,
                           {"name": PROJECT, "via": "demo"})
    await session.commit()
    if renewed:
        _save(path, creds)
    return {"accounts": out, "project_id": project.id, "organisations": {k: v.id for k, v in orgs.items()}}


def principal_for(account: dict, user_id: int) -> Principal:
    return Principal(user_id, account["username"], account["display_name"], account["role"],
                     account["discipline"], account["org_id"])
