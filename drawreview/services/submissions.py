"""Submissions (报审版本) and their drawing files.

A designer of the project's institute opens submission revision 1, 2, … and uploads files
into it while it is editable (``draft`` or ``returned``). Each upload is a content-addressed
blob; the same bytes under the same name in the same submission is the same file row, so a
retried upload never creates a duplicate. The file's kind is sniffed from its bytes at once
(``cad.filetype.identify``): a JPEG named ``.dxf``, a DWG or an empty file is ``failed`` with
the specific error right away; the rest is left to the ``process_file`` job.
"""

from __future__ import annotations

import asyncio
import posixpath
import re

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..cad import errors as cad_errors
from ..cad import filetype, intake
from ..errors import DrawReviewError, InvalidTransition, NotFound, scrub
from ..models import DrawingFile, Project, Submission
from ..policy import require_project
from . import audit, events
from .notifications import aware
from .visible import visible

EDITABLE = ("draft", "returned")  # states in which the designer may add files
MAX_NAME = 500


class SubmissionTooLarge(cad_errors.FileTooLarge):
    code = "submission_too_large"


def error_dict(exc: DrawReviewError) -> dict:
    """The stored form of a file error: code, zh-CN + English messages, details."""
    return scrub({"code": exc.code, "messages": {"zh-CN": exc.message_zh, "en": exc.message_en},
                  "details": exc.details})  # no server path is kept or shown


def clean_name(raw: str | None) -> str:
    """A display name from a client-supplied filename: last path part, no control or format
    characters (services/visible.py), NFC."""
    name = visible(raw or "").replace("\\", "/")
    name = posixpath.basename(name)
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "upload"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + "." + ext) if dot and len(ext) < 16 else name[:MAX_NAME]
    return name


# -- submissions ------------------------------------------------------------------------

async def require_submission(session: AsyncSession, principal: Principal | None, submission_id: int,
                             action: str = "project.view") -> tuple[Submission, Project]:
    """The submission and its project, if the principal may do *action* on the project (else 404/403)."""
    sub = await session.get(Submission, submission_id)
    if sub is None:
        raise NotFound("找不到该报审版本", "Submission not found", details={"submission_id": submission_id})
    try:
        project = await require_project(session, principal, sub.project_id, action)
    except NotFound:
        raise NotFound("找不到该报审版本", "Submission not found", details={"submission_id": submission_id}) from None
    return sub, project


def check_editable(sub: Submission) -> None:
    if sub.state not in EDITABLE:
        raise InvalidTransition(
            f"报审版本 {sub.revision} 处于“{sub.state}”状态，不能再上传或修改图纸",
            f"Submission revision {sub.revision} is '{sub.state}'; files can no longer be added",
            details={"state": sub.state, "editable": list(EDITABLE)},
        )


# A new revision may be started while the set is still the designer's (no revision yet, or a
# draft) or when the round asks for one; never while the authority holds the case or after it
# ended (issue #14: reviewers must not land on an empty draft beside the set under review).
NEW_REVISION_AFTER = frozenset({"draft", "revision_required", "returned"})


async def require_new_revision_allowed(session: AsyncSession, project: Project) -> None:
    latest = (await session.exec(select(Submission).where(Submission.project_id == project.id)
                                 .order_by(Submission.revision.desc()).limit(1))).first()
    if latest is None or latest.state in NEW_REVISION_AFTER:
        return
    from .workflow import SUBMISSION

    name = SUBMISSION.states.get(latest.state, latest.state)
    raise InvalidTransition(
        f"第 {latest.revision} 版报审处于“{name}”状态，只有审查结论为修改后复审或报审被退回时才能新建修改版",
        f"Revision {latest.revision} is '{latest.state}'; a new revision can be started only when the review "
        "asks for one (revision required) or the submission was returned",
        code="new_revision_not_allowed",
        details={"latest_id": latest.id, "latest_revision": latest.revision, "latest_state": latest.state,
                 "allowed_after": sorted(NEW_REVISION_AFTER)})


async def create_submission(session: AsyncSession, principal: Principal, project: Project,
                            notes: str = "") -> tuple[Submission, object]:
    """The next revision of the project's drawing set; returns (submission, event). Refused
    (409 ``new_revision_not_allowed``) while the latest revision is with the authority or the
    case has ended: see :data:`NEW_REVISION_AFTER`."""
    await require_new_revision_allowed(session, project)
    for _ in range(5):
        latest = (await session.exec(
            select(func.coalesce(func.max(Submission.revision), 0)).where(Submission.project_id == project.id)
        )).one()
        sub = Submission(project_id=project.id, revision=latest + 1, created_by=principal.user_id, notes=notes)
        try:
            async with session.begin_nested():
                session.add(sub)
                await session.flush()
            break
        except IntegrityError:  # another designer took this revision number at the same moment
            continue
    else:  # pragma: no cover - five collisions in a row
        raise InvalidTransition("请稍后重试", "Please try again")
    await audit.record(session, principal, "submission.create", "submission", sub.id, project.id,
                       {"revision": sub.revision})
    event = await events.append(session, project.id, "submission.created", principal,
                                {"submission_id": sub.id, "revision": sub.revision})
    return sub, event


async def list_submissions(session: AsyncSession, project_id: int) -> list[Submission]:
    stmt = select(Submission).where(Submission.project_id == project_id).order_by(Submission.revision)
    return list((await session.exec(stmt)).all())


async def files_of(session: AsyncSession, submission_id: int) -> list[DrawingFile]:
    stmt = select(DrawingFile).where(DrawingFile.submission_id == submission_id).order_by(DrawingFile.id)
    return list((await session.exec(stmt)).all())


def submission_dict(sub: Submission) -> dict:
    return {
        "id": sub.id,
        "project_id": sub.project_id,
        "revision": sub.revision,
        "state": sub.state,
        "created_by": sub.created_by,
        "created_at": aware(sub.created_at).isoformat(),
        "submitted_at": aware(sub.submitted_at).isoformat() if sub.submitted_at else None,
        "total_bytes": sub.total_bytes,
        "notes": sub.notes,
        "editable": sub.state in EDITABLE,
    }


def file_dict(f: DrawingFile) -> dict:
    return {
        "id": f.id,
        "submission_id": f.submission_id,
        "parent_id": f.parent_id,
        "original_name": f.original_name,
        "sha256": f.sha256,
        "size": f.size,
        "format": f.format,
        "state": f.state,
        "error": f.error,
        "repairs": f.repairs,
        "notes": f.notes,
        "progress": round(f.progress, 3),
        "created_at": aware(f.created_at).isoformat(),
    }


# -- files ------------------------------------------------------------------------------

async def find_file(session: AsyncSession, submission_id: int, sha256: str, name: str) -> DrawingFile | None:
    stmt = select(DrawingFile).where(DrawingFile.submission_id == submission_id, DrawingFile.sha256 == sha256,
                                     DrawingFile.original_name == name)
    return (await session.exec(stmt)).first()


async def reserve_bytes(session: AsyncSession, submission_id: int, size: int, limit: int) -> bool:
    """Add *size* to the submission's total unless that passes *limit* (atomic)."""
    result = await session.exec(
        update(Submission)
        .where(Submission.id == submission_id, Submission.total_bytes + size <= limit)
        .values(total_bytes=Submission.total_bytes + size)
    )
    return result.rowcount == 1


# Documents that are zip packages underneath (Office Open XML, OpenDocument, e-books): judged
# by the package's own parts, so a Word file is "not a drawing", never a zip of no drawings.
_PACKAGE_PARTS = (("word/", "Word document"), ("xl/", "Excel workbook"), ("ppt/", "PowerPoint presentation"),
                  ("visio/", "Visio drawing"))


def document_package(path) -> str | None:
    """The kind of office/e-book document a zip at *path* is, or None for an ordinary archive."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "[Content_Types].xml" in names:  # Office Open XML (docx, xlsx, pptx, vsdx...)
                for prefix, kind in _PACKAGE_PARTS:
                    if any(n.startswith(prefix) for n in names):
                        return kind
                return "Office document"
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                mime = zf.read("mimetype").decode("ascii", "replace").strip()
                if mime.startswith("application/vnd.oasis.opendocument"):
                    return "OpenDocument file"
                if mime == "application/epub+zip":
                    return "EPUB e-book"
    except (zipfile.BadZipFile, OSError, KeyError, NotImplementedError):
        return None  # a damaged archive: the zip expansion reports it
    return None


def sniff_stored(storage, sha256: str, name: str) -> tuple[str, DrawReviewError | None]:
    """(format, error) of a stored blob, judged by its bytes (a few KB read; for a zip its
    directory, to tell a Word or other office document from an archive of drawings)."""
    try:
        kind = filetype.identify(storage.path(sha256), name)
    except DrawReviewError as exc:
        return "unknown", exc
    if kind == intake.ZIP:
        document = document_package(storage.path(sha256))
        if document:
            return "unknown", cad_errors.not_a_drawing(name, document)
    return kind, None


async def register_upload(session: AsyncSession, storage, principal: Principal, sub: Submission,
                          sha256: str, size: int, name: str, limit: int) -> tuple[DrawingFile, bool, list]:
    """The file row for a stored upload: (file, created, events). Idempotent by (bytes, name).

    A new row counts against the submission's size *limit*; an unreadable kind is stored as
    ``failed`` with its specific error (the blob is kept for the audit trail).
    """
    existing = await find_file(session, sub.id, sha256, name)
    if existing is not None:
        return existing, False, []
    if not await reserve_bytes(session, sub.id, size, limit):
        raise SubmissionTooLarge(
            f"{name}：报审版本总大小超过上限（{limit // 1024**2} MB）",
            f"{name}: the submission would exceed its size limit ({limit // 1024**2} MB)",
            details={"file": name, "limit": limit})
    # off the event loop: a DXF behind megabytes of 999 comments is read to their end (decision 162)
    kind, problem = await asyncio.to_thread(sniff_stored, storage, sha256, name)
    row = DrawingFile(submission_id=sub.id, sha256=sha256, original_name=name, size=size, format=kind,
                      state="failed" if problem else "uploaded", error=error_dict(problem) if problem else None)
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:  # the same upload finished in parallel: give back its row
        await session.exec(update(Submission).where(Submission.id == sub.id)
                           .values(total_bytes=Submission.total_bytes - size))
        existing = await find_file(session, sub.id, sha256, name)
        if existing is None:
            raise
        return existing, False, []
    detail = {"name": name, "sha256": sha256, "size": size, "format": kind}
    await audit.record(session, principal, "file.upload", "drawing_file", row.id, sub.project_id, detail)
    evs = [await events.append(session, sub.project_id, "file.uploaded", principal,
                               {"submission_id": sub.id, "file": file_dict(row)})]
    if problem:
        await audit.record(session, principal, "file.failed", "drawing_file", row.id, sub.project_id,
                           {"code": problem.code})
        evs.append(await events.append(session, sub.project_id, "file.failed", principal,
                                       {"submission_id": sub.id, "file_id": row.id, "error": row.error}))
    return row, True, evs


async def add_member(session: AsyncSession, parent: DrawingFile, project_id: int, sha256: str, size: int,
                     name: str, kind: str) -> tuple[DrawingFile, bool]:
    """A drawing expanded from a zip: a child row of *parent* (idempotent)."""
    name = clean_path(name)
    existing = await find_file(session, parent.submission_id, sha256, name)
    if existing is not None:
        return existing, False
    row = DrawingFile(submission_id=parent.submission_id, sha256=sha256, original_name=name, size=size,
                      format=kind, parent_id=parent.id)
    session.add(row)
    await session.flush()
    await audit.record(session, "system", "file.extract", "drawing_file", row.id, project_id,
                       {"name": name, "sha256": sha256, "size": size, "archive_id": parent.id})
    return row, True


def clean_path(name: str) -> str:
    name = re.sub(r"[\x00-\x1f\x7f]", "", visible(name).replace("\\", "/")).strip("/") or "entry"
    return name[-MAX_NAME:]
