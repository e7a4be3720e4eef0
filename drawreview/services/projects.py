"""Projects: creation, listing within the caller's scope, case numbers."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import PermissionDenied, ValidationFailed
from ..models import Organisation, OrgKind, Project, is_id
from ..policy import visible_projects_clause
from . import audit
from .visible import is_blank, visible
from .notifications import aware

PROJECT_TYPES = ("building", "municipal", "special")
COMPLEXITIES = ("normal", "complex")
CASE_PREFIX = "JS"
MAX_NAME, MAX_ADDRESS = 200, 300


def _validate(data: dict) -> dict:
    problems = {}
    name = data.get("name")
    if not isinstance(name, str) or is_blank(name) or len(name) > MAX_NAME:
        problems["name"] = f"required text, at most {MAX_NAME} characters"
    if data.get("project_type", "building") not in PROJECT_TYPES:
        problems["project_type"] = f"one of {PROJECT_TYPES}"
    if data.get("complexity", "normal") not in COMPLEXITIES:
        problems["complexity"] = f"one of {COMPLEXITIES}"
    for key in ("construction_unit_id", "design_institute_id"):
        if not is_id(data.get(key)):
            problems[key] = "required integer id"
    if not isinstance(data.get("address", ""), str) or len(data.get("address", "")) > MAX_ADDRESS:
        problems["address"] = f"text, at most {MAX_ADDRESS} characters"
    if not isinstance(data.get("params", {}), dict):
        problems["params"] = "object"
    if problems:
        raise ValidationFailed(details=problems)
    return data


async def create_project(session: AsyncSession, principal: Principal, data: dict) -> Project:
    data = _validate(data)
    cu = await session.get(Organisation, data["construction_unit_id"])
    di = await session.get(Organisation, data["design_institute_id"])
    problems = {}
    if cu is None or cu.kind != OrgKind.construction_unit:
        problems["construction_unit_id"] = "not a construction unit"
    if di is None or di.kind != OrgKind.design_institute:
        problems["design_institute_id"] = "not a design institute"
    if problems:
        raise ValidationFailed("建设单位或设计单位无效", "Unknown construction unit or design institute", details=problems)
    if principal.role == "designer" and principal.org_id != di.id:
        raise PermissionDenied("设计单位只能为本单位创建项目", "A design institute may only create its own projects")
    project = Project(
        name=visible(data["name"]).strip(),
        address=visible(data.get("address", "")).strip(),
        project_type=data.get("project_type", "building"),
        complexity=data.get("complexity", "normal"),
        construction_unit_id=cu.id,
        design_institute_id=di.id,
        params=data.get("params", {}),
    )
    session.add(project)
    await session.flush()
    await audit.record(session, principal, "project.create", "project", project.id, project.id, {"name": project.name})
    return project


async def list_projects(session: AsyncSession, principal: Principal) -> list[Project]:
    stmt = select(Project).where(visible_projects_clause(principal)).order_by(Project.id.desc())
    return list((await session.exec(stmt)).all())


async def issue_case_number(session: AsyncSession, project: Project, when: datetime) -> str:
    """Give the project its case number (unique per year) and a verification code."""
    if project.case_number:
        return project.case_number
    for _ in range(5):
        serial = (
            await session.exec(select(func.coalesce(func.max(Project.case_serial), 0)).where(Project.case_year == when.year))
        ).one() + 1
        project.case_year, project.case_serial = when.year, serial
        project.case_number = f"{CASE_PREFIX}-{when.year}-{serial:06d}"
        project.verification_code = f"{secrets.randbelow(10**8):08d}"
        session.add(project)
        try:
            async with session.begin_nested():
                await session.flush()
            return project.case_number
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a case number")


def project_dict(project: Project, with_code: bool = False) -> dict:
    out = {
        "id": project.id,
        "name": project.name,
        "address": project.address,
        "project_type": project.project_type,
        "complexity": project.complexity,
        "construction_unit_id": project.construction_unit_id,
        "design_institute_id": project.design_institute_id,
        "case_number": project.case_number,
        "stage": project.stage,
        "params": project.params,
        "created_at": aware(project.created_at).isoformat(),
        "version": project.version,
    }
    if with_code:
        out["verification_code"] = project.verification_code
    return out
