"""Markups (annotations) on sheets and their comment threads.

Rules (docs/decisions/003-annotations-and-sync.md):
* a markup belongs to its author's discipline; only reviewers of that discipline change it
  (geometry, text, severity, clause, delete, close, reopen);
* any reviewer of the project and the project's designer reply in its thread; the designer
  may set ``answered``; the construction unit and the window only read;
* every edit carries the ``version`` it was based on; a stale one is refused (``conflict``);
* every write is idempotent by ``client_id`` (:mod:`client_writes`), appends a project event
  and an audit entry in the same transaction (:mod:`journal`: one statement on PostgreSQL; a
  create's row is in that statement too, which then commits on its own);
  the design institute's notification of a new markup is written after the commit
  (``notifications.later``), off the write path.
How they read (the API's dicts, lists, a sheet's project) is :mod:`annotation_views`.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import Conflict, DrawReviewError, InvalidTransition, NotFound, PermissionDenied
from ..models import Annotation, AuditEntry, Comment, Project, Sheet, Submission, User, utcnow
from .. import vocabulary
from ..policy import require_assigned_reviewer, require_own_discipline, require_project, require_role
from . import comment_library, notifications
from .client_writes import WriteResult, check_client_id, perform
from .markups import KINDS, MAX_BODY, STATUSES, TRANSITIONS, check_version, clean_fields, clean_geometry, fail
from .journal import Change, NewRow
from .annotation_views import annotation_dict, comment_dict, project_of_sheet
from .visible import is_blank

CLOSED_STAGES = ("approved", "rejected")  # the case's last report is issued: no later revision

# --- writing ------------------------------------------------------------------------------
# Each write is one transaction: the row (one statement), then its journal (event, audit entry,
# idempotency record: one statement on PostgreSQL, services/journal.py). ``checked_project`` is
# the project a websocket connection was authorised for (and is re-checked by its watcher): the
# object must belong to it (else ``wrong_project``) and the visibility query is not repeated.

def wrong_project(field_: str, object_id: int, project_id: int) -> DrawReviewError:
    return DrawReviewError("该对象不属于本连接的项目，请在对应项目中操作",
                           "This object belongs to another project than this connection; "
                           "write to it on that project's connection",
                           code="wrong_project", status=400, details={field_: object_id, "project_id": project_id})


def refuse_closed_case(stage: str | None) -> None:
    """A case whose final report is issued (审查合格 / 审查不合格) takes no more markups, replies
    or status changes: nothing can follow them (no later revision) and no report would show
    them, while the design institute would be told to answer (decision 030)."""
    if stage in CLOSED_STAGES:
        word = vocabulary.AUTHORITY_WORD.get(stage, stage)
        raise Conflict(f"本项目已审查完结（{word}），审查意见不能再新增、修改或回复",
                       f"The review of this project is finished ({stage}); its comments can no longer be added, "
                       "changed or answered", code="case_closed", details={"stage": stage})


async def _require(session: AsyncSession, principal: Principal, project_id: int, action: str,
                   checked_project: int | None, field_: str, object_id: int) -> None:
    if checked_project is None:
        project = await require_project(session, principal, project_id, action)
        if action == "annotation.create":  # a new markup: writes to existing ones check in _load_for_write
            refuse_closed_case(project.stage)
        return
    if project_id != checked_project:
        raise wrong_project(field_, object_id, checked_project)
    require_role(principal, action)


async def _require_writer(session: AsyncSession, principal: Principal, project_id: int, discipline: str,
                          checked_project: int | None) -> None:
    """A markup write of the discipline's assigned reviewer (or anyone's of it while its task is
    unassigned, decision 125). On a websocket (``checked_project``) the connection checked the
    assignment at connect and checks it at each re-check, so the write adds no read here."""
    if checked_project is None:
        await require_assigned_reviewer(session, principal, project_id, discipline)
    else:
        require_own_discipline(principal, discipline)


_T = Annotation.__table__
# Core statements, built once (the ORM's per-call statement building and object loading was a
# third of a write's CPU): the markup with its author's name and the state of its revision
_LOAD = (select(*_T.c, User.display_name.label("author_name"), Submission.state.label("revision_state"),
                Project.stage.label("case_stage"))
         .select_from(_T.join(User.__table__, User.id == _T.c.author_id)
                      .join(Sheet.__table__, Sheet.id == _T.c.sheet_id)
                      .join(Submission.__table__, Submission.id == Sheet.submission_id)
                      .join(Project.__table__, Project.id == Submission.project_id))
         .where(_T.c.id == bindparam("annotation_id")))
_COPY = select(_T.c.id).where(_T.c.carried_from_id == bindparam("annotation_id")).limit(1)


async def core(session: AsyncSession, stmt, params: dict | None = None):
    """Run a Core statement on the session's connection (in its transaction), past the ORM
    session's execution layer (a sixth of a write's CPU went there)."""
    conn = await session.connection()
    return await conn.execute(stmt, params or {})


async def _load_for_write(session: AsyncSession, principal: Principal, annotation_id: int, action: str,
                          checked_project: int | None):
    """The markup (a row: attributes as on the model) and its author's name, in one statement."""
    ann = (await core(session, _LOAD, {"annotation_id": annotation_id})).first()
    if ann is None or ann.deleted:
        raise NotFound("找不到该审查意见", "Annotation not found", details={"annotation_id": annotation_id})
    author = ann.author_name
    try:
        await _require(session, principal, ann.project_id, action, checked_project, "annotation_id", annotation_id)
    except NotFound:
        raise NotFound("找不到该审查意见", "Annotation not found", details={"annotation_id": annotation_id}) from None
    refuse_closed_case(ann.case_stage)
    if ann.revision_state == "resubmitted":  # the next revision is in: was this markup carried into it?
        copy = (await core(session, _COPY, {"annotation_id": ann.id})).scalar()
        if copy is not None:
            raise Conflict(f"该审查意见已转入新版报审（#{copy}），请在新版图纸上回复或处理",
                           f"This comment was carried into the next revision as #{copy}; reply or change it there",
                           code="annotation_superseded", details={"annotation_id": ann.id, "current_id": copy})
    return ann, author


def _dict(ann: Annotation, author: str | None) -> dict:
    out = annotation_dict(ann, {})
    out["author"] = author
    return out


_BUMPS: dict[tuple, Any] = {}


def _bump_statement(keys: tuple[str, ...]):
    """The compare-and-set ``UPDATE … RETURNING`` for the columns ``keys``, built once per set of
    columns (building it per write, with its cache key, was ~0.2 ms of an edit's CPU)."""
    stmt = _BUMPS.get(keys)
    if stmt is None:
        stmt = _BUMPS[keys] = (
            update(_T)
            .where(_T.c.id == bindparam("b_id"), _T.c.version == bindparam("b_version"),
                   _T.c.deleted == False)  # noqa: E712
            .values(version=_T.c.version + 1, updated_at=bindparam("b_at", type_=_T.c.updated_at.type),
                    **{k: bindparam(f"v_{k}", type_=_T.c[k].type) for k in keys})
            .returning(*_T.c))
    return stmt


async def _bump(session: AsyncSession, ann, version: int, values: dict, author: str | None):
    """Compare-and-set on ``version``, returning the new row: a concurrent or stale edit changes
    no row -> conflict (with the current markup)."""
    params = {f"v_{k}": v for k, v in values.items()}
    params.update(b_id=ann.id, b_version=version, b_at=utcnow())
    new = (await core(session, _bump_statement(tuple(sorted(values))), params)).first()
    if new is None:
        raise await _stale(session, ann.id, version, author)
    return new


async def may_create(session: AsyncSession, principal: Principal, sheet_id: int,
                     checked_project: int | None = None) -> int:
    """The caller may put a markup on the sheet (else 403/404): its project's id. The REST endpoint
    asks first, so a caller the write would refuse is refused whatever his body says."""
    project_id = await project_of_sheet(session, sheet_id)
    await _require(session, principal, project_id, "annotation.create", checked_project, "sheet_id", sheet_id)
    await _require_writer(session, principal, project_id, principal.discipline or "", checked_project)
    return project_id


async def may_write(session: AsyncSession, principal: Principal, annotation_id: int, action: str) -> None:
    """The caller may change the markup or its thread as ``action`` (``annotation.edit``: edit or
    delete; ``annotation.status``; ``comment.create``: reply), else 403/404 (or 409 when nothing may
    change it any more), checked as the write checks it. The REST endpoints ask before reading the
    body: a refused caller learns nothing of what the body should have been."""
    ann, _ = await _load_for_write(session, principal, annotation_id,
                                   "comment.create" if action == "annotation.status" else action, None)
    if action == "annotation.edit" or (action == "annotation.status" and principal.role == "reviewer"):
        await _require_writer(session, principal, ann.project_id, ann.discipline, None)


# Who made the markup's last change (its audit entry): a stale edit's refusal names that person,
# not the markup's author (the design institute marking it answered, or the same reviewer in
# another window).
_LAST_CHANGE = (select(User.display_name, AuditEntry.action)
                .select_from(AuditEntry.__table__.join(User.__table__, User.id == AuditEntry.actor_id))
                .where(AuditEntry.project_id == bindparam("project_id"), AuditEntry.object_type == "annotation",
                       AuditEntry.object_id == bindparam("object_id"))
                .order_by(AuditEntry.id.desc()).limit(1))


async def _stale(session: AsyncSession, annotation_id: int, version: int, author: str | None) -> Conflict:
    """The refusal of an edit based on an older version: the markup as it is now, and who last
    changed it and how (``changed_by``, ``change``: an audit action such as annotation.status)."""
    now = (await core(session, _LOAD, {"annotation_id": annotation_id})).first()
    last = (await core(session, _LAST_CHANGE, {"project_id": now.project_id, "object_id": str(annotation_id)})).first()
    return Conflict(details={"annotation_id": annotation_id, "version": now.version, "yours": version,
                             "annotation": _dict(now, author), "changed_by": last.display_name if last else author,
                             "change": last.action if last else None})


async def create(session, broadcast, principal: Principal, sheet_id: int, data: dict, *,
                 checked_project: int | None = None) -> WriteResult:
    client_id = check_client_id(data.get("client_id"))

    async def write(session: AsyncSession):
        project_id = await may_create(session, principal, sheet_id, checked_project)
        body = dict(data)
        tpl = comment_library.template(body["template"]) if isinstance(body.get("template"), str) else None
        if "template" in body and tpl is None:
            fail("template", "an id from /api/annotation-library")
        if tpl:
            body.setdefault("body", tpl["zh-CN"])
            body.setdefault("severity", tpl["severity"])
            body.setdefault("clause", tpl["clause"])
        kind = body.get("kind")
        if kind not in KINDS:
            fail("kind", f"one of {KINDS}")
        now = utcnow()
        row = {"client_id": client_id, "project_id": project_id, "sheet_id": sheet_id, "author_id": principal.user_id,
               "discipline": principal.discipline, "kind": kind, "geometry": clean_geometry(kind, body.get("geometry")),
               **clean_fields(body, partial=False), "status": "open", "automatic": False, "finding_id": None,
               "carried_from_id": None, "deleted": False, "version": 1, "created_at": now, "updated_at": now}
        if session.in_transaction():  # only reads so far (a sheet not yet remembered, REST visibility): end
            await session.commit()       # them, so the write can run as one statement on its own
        new = NewRow(_T, row)  # inserted with its journal (one statement on PostgreSQL), which fills in its id
        out = annotation_dict(SimpleNamespace(id=None, **row), {}, [])  # new: no thread yet
        new.id_at(out)
        out["author"] = principal.display_name  # the author is the caller
        return Change({"annotation": out}, project_id, "annotation.created", {"client_id": client_id, "annotation": out},
                      "annotation.create", "annotation", new.marker, {"sheet_id": sheet_id, "kind": kind,
                                                                      "client_id": client_id}, new_row=new)

    result = await perform(session, broadcast, principal, "annotation.create", client_id, write,
                           target=("sheet_id", sheet_id), data=data)
    if not result.replay:  # after the commit, off the write path (services/notifications.py: later)
        notifications.later(session.bind, result.events[0].project_id, "comment.added",
                            {"discipline": principal.discipline}, link=f"/sheets/{sheet_id}")
    return result


async def edit(session, broadcast, principal: Principal, annotation_id: int, data: dict, *,
               checked_project: int | None = None) -> WriteResult:
    client_id = check_client_id(data.get("client_id"), required=False)
    version = check_version(data)

    async def write(session: AsyncSession):
        ann, author = await _load_for_write(session, principal, annotation_id, "annotation.edit", checked_project)
        await _require_writer(session, principal, ann.project_id, ann.discipline, checked_project)
        values = clean_fields(data, partial=True)
        if "geometry" in data:
            values["geometry"] = clean_geometry(ann.kind, data["geometry"])
        if not values:
            fail("body", "nothing to change: give geometry, severity, clause or body")
        ann = await _bump(session, ann, version, values, author)
        out = _dict(ann, author)  # without its thread: clients keep the thread they have
        return Change({"annotation": out}, ann.project_id, "annotation.updated",
                      {"client_id": client_id, "annotation": out}, "annotation.update", "annotation", ann.id,
                      {"fields": sorted(values), "version": ann.version, "client_id": client_id})

    return await perform(session, broadcast, principal, "annotation.update", client_id, write,
                         target=("annotation_id", annotation_id), data=data)


async def delete(session, broadcast, principal: Principal, annotation_id: int, data: dict, *,
                 checked_project: int | None = None) -> WriteResult:
    client_id = check_client_id(data.get("client_id"), required=False)
    version = check_version(data)

    async def write(session: AsyncSession):
        ann, author = await _load_for_write(session, principal, annotation_id, "annotation.edit", checked_project)
        await _require_writer(session, principal, ann.project_id, ann.discipline, checked_project)
        ann = await _bump(session, ann, version, {"deleted": True}, author)
        return Change({"annotation_id": ann.id, "version": ann.version}, ann.project_id, "annotation.deleted",
                      {"client_id": client_id, "annotation_id": ann.id, "sheet_id": ann.sheet_id,
                       "version": ann.version},
                      "annotation.delete", "annotation", ann.id, {"version": ann.version, "client_id": client_id})

    return await perform(session, broadcast, principal, "annotation.delete", client_id, write,
                         target=("annotation_id", annotation_id), data=data)


async def add_comment(session, broadcast, principal: Principal, annotation_id: int, data: dict, *,
                      checked_project: int | None = None) -> WriteResult:
    client_id = check_client_id(data.get("client_id"))
    body = data.get("body")
    if not isinstance(body, str) or is_blank(body) or len(body) > MAX_BODY:
        fail("body", f"required text, at most {MAX_BODY} characters")

    about: dict = {}

    async def write(session: AsyncSession):
        ann, _ = await _load_for_write(session, principal, annotation_id, "comment.create", checked_project)
        about.update(author_id=ann.author_id, discipline=ann.discipline, sheet_id=ann.sheet_id)
        comment = Comment(client_id=client_id, annotation_id=ann.id, author_id=principal.user_id, body=body)
        comment.id = (await session.exec(insert(Comment).values(
            client_id=client_id, annotation_id=ann.id, author_id=principal.user_id, body=body,
            created_at=comment.created_at).returning(Comment.id))).scalar_one()
        out = comment_dict(comment, {})
        out.update(author=principal.display_name, author_role=principal.role,
                   author_discipline=principal.discipline)
        return Change({"comment": out}, ann.project_id, "comment.created",
                      {"client_id": client_id, "annotation_id": ann.id, "sheet_id": ann.sheet_id, "comment": out},
                      "comment.create", "comment", comment.id, {"annotation_id": ann.id, "client_id": client_id})

    result = await perform(session, broadcast, principal, "comment.create", client_id, write,
                           target=("annotation_id", annotation_id), data=data)
    # the comment's author hears of a reply (another discipline's, the design institute's) even
    # when he is on another sheet or away: after the commit, off the write path
    if not result.replay and about and about["author_id"] != principal.user_id:
        notifications.later(session.bind, result.events[0].project_id, "comment.replied",
                            {"discipline": about["discipline"], "name": principal.display_name},
                            link=f"/sheets/{about['sheet_id']}#annotation={annotation_id}", user_ids=[about["author_id"]])
    return result


async def set_status(session, broadcast, principal: Principal, annotation_id: int, data: dict, *,
                     checked_project: int | None = None) -> WriteResult:
    client_id = check_client_id(data.get("client_id"), required=False)
    version = check_version(data)
    status = data.get("status")
    if status not in STATUSES:
        fail("status", f"one of {STATUSES}")

    async def write(session: AsyncSession):
        ann, author = await _load_for_write(session, principal, annotation_id, "comment.create", checked_project)
        if principal.role == "reviewer":
            await _require_writer(session, principal, ann.project_id, ann.discipline, checked_project)
        roles = TRANSITIONS.get((ann.status, status))
        if roles is None:
            if ann.version != version:
                raise await _stale(session, ann.id, version, author)
            raise InvalidTransition(f"审查意见当前为“{ann.status}”，不能改为“{status}”",
                                    f"The annotation is {ann.status}; it cannot become {status}",
                                    details={"from": ann.status, "to": status})
        if principal.role not in roles:
            raise PermissionDenied("设计单位只能将意见标记为已答复", "The designer may only mark a comment answered",
                                   details={"from": ann.status, "to": status})
        previous = ann.status
        ann = await _bump(session, ann, version, {"status": status}, author)
        out = _dict(ann, author)
        return Change({"annotation": out}, ann.project_id, "annotation.status",
                      {"client_id": client_id, "annotation": out, "status": status, "previous": previous},
                      "annotation.status", "annotation", ann.id,
                      {"from": previous, "to": status, "version": ann.version, "client_id": client_id})

    return await perform(session, broadcast, principal, "annotation.set_status", client_id, write,
                         target=("annotation_id", annotation_id), data=data)


