"""Permissions, in one place. Every endpoint and websocket handler calls these functions.

Two questions are asked: may this role do this action at all (``ROLE_ACTIONS``), and is the
principal related to this project (``relation``)? A design institute or construction unit
sees only its own projects; a reviewer sees projects with a review task in his discipline;
the window and admins see all.
"""

from __future__ import annotations

from sqlalchemy import exists, false, true
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from .auth import Principal
from .errors import NotAuthenticated, NotFound, PermissionDenied
from .models import Project, ReviewTask, Submission

# action -> roles that may perform it (still subject to the project relation)
ROLE_ACTIONS: dict[str, set[str]] = {
    "project.create": {"designer", "window", "admin"},
    "project.view": {"designer", "construction", "reviewer", "window", "admin"},
    "project.edit": {"designer", "window", "admin"},
    "project.review_period": {"window"},  # 7 <-> 10 working days after creation (services/review_period.py)
    "submission.create": {"designer"},
    "submission.upload": {"designer"},
    "submission.submit": {"designer"},
    "submission.accept": {"window", "admin"},
    "submission.check": {"designer", "window", "admin"},  # the completeness check, before and after submitting
    "task.assign": {"window", "admin"},
    "task.conclude": {"reviewer"},
    "annotation.create": {"reviewer"},
    "annotation.edit": {"reviewer"},
    "comment.create": {"reviewer", "designer"},
    "finding.decide": {"reviewer"},
    "sheet.edit": {"designer", "window", "admin"},
    "report.issue": {"window", "admin"},
    "report.download": {"designer", "construction", "reviewer", "window", "admin"},
    "stats.view": {"window", "admin"},
    "user.create": {"admin"},
    "audit.view": {"window", "admin"},
    "calendar.edit": {"window", "admin"},
}


def require_login(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotAuthenticated()
    return principal


def require_role(principal: Principal | None, action: str) -> Principal:
    principal = require_login(principal)
    if principal.role not in ROLE_ACTIONS[action]:
        raise PermissionDenied(details={"action": action})
    return principal


def visible_projects_clause(principal: Principal):
    """A WHERE clause selecting the projects the principal may see."""
    if principal.role in {"window", "admin"}:
        return true()
    if principal.role == "designer":
        return Project.design_institute_id == principal.org_id
    if principal.role == "construction":
        return Project.construction_unit_id == principal.org_id
    if principal.role == "reviewer" and principal.discipline:
        return exists(
            select(ReviewTask.id)
            .join(Submission, Submission.id == ReviewTask.submission_id)
            .where(Submission.project_id == Project.id, ReviewTask.discipline == principal.discipline)
        )
    return false()


async def can_see_project(session: AsyncSession, principal: Principal, project_id: int) -> bool:
    stmt = select(Project.id).where(Project.id == project_id, visible_projects_clause(principal))
    return (await session.exec(stmt)).first() is not None


async def require_project(
    session: AsyncSession, principal: Principal | None, project_id: int, action: str = "project.view"
) -> Project:
    """Load a project the principal may act on, or raise 401 / 403 / 404.

    A project the principal may not see answers 404, not 403, so ids cannot be probed.
    """
    principal = require_login(principal)
    project = await session.get(Project, project_id)
    if project is None or not await can_see_project(session, principal, project_id):
        raise NotFound("找不到该项目", "Project not found", details={"project_id": project_id})
    if principal.role not in ROLE_ACTIONS[action]:
        raise PermissionDenied(details={"action": action})
    return project


def require_own_discipline(principal: Principal, discipline: str) -> None:
    """A reviewer changes only his own discipline's objects."""
    if principal.role != "reviewer" or principal.discipline != discipline:
        raise PermissionDenied(
            "只能修改本专业的审查意见", "You may only change your own discipline's comments",
            details={"discipline": discipline},
        )




def not_assigned(discipline: str) -> PermissionDenied:
    return PermissionDenied("本专业的审查任务已分派给其他审查人员，您只能查看和回复",
                            "This discipline's review task is assigned to another reviewer; you may read and reply",
                            code="not_assigned", details={"discipline": discipline})


async def assigned_elsewhere(session: AsyncSession, principal: Principal, project_ids) -> set[int]:
    """Those of ``project_ids`` where the principal is a reviewer and his discipline's latest
    review task (highest revision) is assigned to another reviewer (docs/decisions/125)."""
    if principal.role != "reviewer" or not principal.discipline or not project_ids:
        return set()
    rows = (await session.exec(
        select(Submission.project_id, ReviewTask.reviewer_id).join(Submission, Submission.id == ReviewTask.submission_id)
        .where(Submission.project_id.in_(list(project_ids)), ReviewTask.discipline == principal.discipline)
        .order_by(Submission.project_id, Submission.revision.desc(), ReviewTask.id.desc()))).all()
    holder: dict[int, int | None] = {}
    for project_id, reviewer_id in rows:
        holder.setdefault(project_id, reviewer_id)  # the first row of a project is its latest task
    return {p for p, r in holder.items() if r is not None and r != principal.user_id}


async def require_assigned_reviewer(session: AsyncSession, principal: Principal, project_id: int,
                                    discipline: str) -> None:
    """A reviewer writes for his discipline on a project (markups, their status, rule findings)
    only while the discipline's latest review task there is assigned to him or to nobody yet:
    another reviewer of the same discipline reads the project (a checker, 审核人) and replies,
    but does not write in the assigned reviewer's name (docs/decisions/125)."""
    require_own_discipline(principal, discipline)
    if project_id in await assigned_elsewhere(session, principal, [project_id]):
        raise not_assigned(discipline)
