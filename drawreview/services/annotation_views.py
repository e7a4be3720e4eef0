"""How markups (annotations) and their comment threads read: the dicts the API, the websocket
and the report give, one markup with its thread, a project's markups filtered, and the project
of a sheet. The writes are in :mod:`annotations`."""

from __future__ import annotations

import weakref
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import NotFound
from ..models import MAX_INT, Annotation, Comment, Sheet, Submission, User
from ..policy import require_project
from . import notifications
from .markups import PALETTE, SEVERITIES, STATUSES, fail


async def sheet_project_id(session: AsyncSession, sheet_id: int) -> tuple[Sheet, int]:
    row = (await session.exec(select(Sheet, Submission.project_id).join(Submission, Submission.id == Sheet.submission_id)
                              .where(Sheet.id == sheet_id))).first()
    if row is None:
        raise NotFound("找不到该图纸", "Sheet not found", details={"sheet_id": sheet_id})
    return row[0], row[1]


_SHEET_PROJECT: "weakref.WeakKeyDictionary[Any, dict[int, int]]" = weakref.WeakKeyDictionary()


async def project_of_sheet(session: AsyncSession, sheet_id: int) -> int:
    """The project a sheet belongs to; remembered per database (a sheet never moves)."""
    known = _SHEET_PROJECT.setdefault(session.bind.sync_engine, {})
    project_id = known.get(sheet_id)
    if project_id is None:
        project_id = (await session.exec(select(Submission.project_id).join(Sheet, Sheet.submission_id == Submission.id)
                                         .where(Sheet.id == sheet_id))).first()
        if project_id is None:
            raise NotFound("找不到该图纸", "Sheet not found", details={"sheet_id": sheet_id})
        if len(known) >= 100_000:
            known.clear()
        known[sheet_id] = project_id
    return project_id


async def load(session: AsyncSession, principal: Principal | None, annotation_id: int,
               action: str = "project.view") -> Annotation:
    ann = await session.get(Annotation, annotation_id)
    if ann is None or ann.deleted:
        raise NotFound("找不到该审查意见", "Annotation not found", details={"annotation_id": annotation_id})
    await require_project(session, principal, ann.project_id, action)
    return ann


async def _names(session: AsyncSession, ids) -> dict[int, User]:
    ids = set(ids)
    if not ids:
        return {}
    return {u.id: u for u in (await session.exec(select(User).where(User.id.in_(ids)))).all()}


def comment_dict(c: Comment, users: dict[int, User]) -> dict:
    u = users.get(c.author_id)
    return {"id": c.id, "client_id": c.client_id, "annotation_id": c.annotation_id, "author_id": c.author_id,
            "author": u.display_name if u else None, "author_role": u.role if u else None,
            "author_discipline": u.discipline if u else None, "body": c.body,
            "created_at": notifications.aware(c.created_at).isoformat()}  # with its offset (SQLite: naive UTC)


def annotation_dict(a: Annotation, users: dict[int, User], comments: list[dict] | None = None) -> dict:
    u = users.get(a.author_id)
    out = {"id": a.id, "client_id": a.client_id, "project_id": a.project_id, "sheet_id": a.sheet_id,
           "author_id": a.author_id, "author": u.display_name if u else None, "discipline": a.discipline,
           "color": PALETTE.get(a.discipline, "#555555"), "kind": a.kind, "geometry": a.geometry,
           "severity": a.severity, "clause": a.clause, "body": a.body, "status": a.status,
           "automatic": a.automatic, "finding_id": a.finding_id, "carried_from_id": a.carried_from_id,
           "version": a.version, "created_at": notifications.aware(a.created_at).isoformat(),
           "updated_at": notifications.aware(a.updated_at).isoformat()}
    if comments is not None:
        out["comments"] = comments
    return out


async def render(session: AsyncSession, ann: Annotation, with_comments: bool = True) -> dict:
    comments = []
    if with_comments:
        comments = list((await session.exec(select(Comment).where(Comment.annotation_id == ann.id)
                                            .order_by(Comment.id))).all())
    users = await _names(session, [ann.author_id, *(c.author_id for c in comments)])
    return annotation_dict(ann, users, [comment_dict(c, users) for c in comments] if with_comments else None)


async def list_annotations(session: AsyncSession, principal: Principal | None, project_id: int,
                           filters: dict[str, str]) -> list[dict]:
    await require_project(session, principal, project_id)
    stmt = select(Annotation).where(Annotation.project_id == project_id, Annotation.deleted == False)  # noqa: E712
    for key, allowed in (("status", STATUSES), ("severity", SEVERITIES), ("discipline", tuple(PALETTE))):
        value = filters.get(key)
        if value:
            if value not in allowed:
                fail(key, f"one of {allowed}")
            stmt = stmt.where(getattr(Annotation, key) == value)
    if filters.get("sheet_id"):
        try:
            sheet_id = int(filters["sheet_id"])
        except ValueError:
            sheet_id = 0
        if not 0 < sheet_id <= MAX_INT:  # beyond any id: never handed to the database
            fail("sheet_id", "a positive integer id")
        stmt = stmt.where(Annotation.sheet_id == sheet_id)
    anns = list((await session.exec(stmt.order_by(Annotation.id))).all())
    comments: dict[int, list[Comment]] = {}
    if anns:
        rows = await session.exec(select(Comment).where(Comment.annotation_id.in_([a.id for a in anns]))
                                  .order_by(Comment.id))
        for c in rows.all():
            comments.setdefault(c.annotation_id, []).append(c)
    users = await _names(session, [a.author_id for a in anns] + [c.author_id for cs in comments.values() for c in cs])
    return [annotation_dict(a, users, [comment_dict(c, users) for c in comments.get(a.id, [])]) for a in anns]
