"""Removing an uploaded file from a draft (the design institute's "remove" and "replace"): only
while the submission is an editable draft and the file is not being processed; its sheets, their
automatic findings and anything anchored to them go with it (a zip takes its members along).
The blobs stay (content-addressed, possibly shared); the audit log keeps what was removed."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import Conflict, NotFound
from ..models import Annotation, Comment, DrawingFile, ReportFile, RuleFinding, Sheet, Submission
from . import audit, events
from .submissions import check_editable, require_submission

BUSY = ("uploaded", "processing")


async def remove_file(session: AsyncSession, principal: Principal, file_id: int):
    f = await session.get(DrawingFile, file_id)
    if f is None:
        raise NotFound("找不到该文件", "File not found", details={"file_id": file_id})
    try:
        sub, project = await require_submission(session, principal, f.submission_id, "submission.upload")
    except NotFound:
        raise NotFound("找不到该文件", "File not found", details={"file_id": file_id}) from None
    check_editable(sub)
    name, sha256, size, parent_id, fid = f.original_name, f.sha256, f.size, f.parent_id, f.id
    files = [f] + list((await session.exec(select(DrawingFile).where(DrawingFile.parent_id == f.id))).all())
    busy = [x.original_name for x in files if x.state in BUSY]
    if busy:
        raise Conflict("文件仍在处理中，请等处理完成后再删除：" + "、".join(busy),
                       "The file is still being processed; remove it once processing has ended: " + ", ".join(busy),
                       code="file_busy", details={"files": busy})
    ids = [x.id for x in files]
    for x in files:  # removed by statements below: the session must not flush them again
        session.expunge(x)
    sheet_ids = list((await session.exec(select(Sheet.id).where(Sheet.file_id.in_(ids)))).all())
    if sheet_ids:
        ann_ids = list((await session.exec(select(Annotation.id).where(Annotation.sheet_id.in_(sheet_ids)))).all())
        if ann_ids:
            await session.exec(delete(Comment).where(Comment.annotation_id.in_(ann_ids)))
            await session.exec(delete(Annotation).where(Annotation.id.in_(ann_ids)))
        await session.exec(delete(RuleFinding).where(RuleFinding.sheet_id.in_(sheet_ids)))
        await session.exec(update(ReportFile).where(ReportFile.sheet_id.in_(sheet_ids)).values(sheet_id=None))
        await session.exec(update(Sheet).where(Sheet.matched_sheet_id.in_(sheet_ids)).values(matched_sheet_id=None))
        await session.exec(delete(Sheet).where(Sheet.id.in_(sheet_ids)))
    members = [x.id for x in files if x.id != fid]
    if members:  # members before their archive (the parent link is a foreign key)
        await session.exec(delete(DrawingFile).where(DrawingFile.id.in_(members)))
    await session.exec(delete(DrawingFile).where(DrawingFile.id == fid))
    if parent_id is None:  # an upload's bytes no longer count against the submission's budget
        await session.exec(update(Submission).where(Submission.id == sub.id)
                           .values(total_bytes=Submission.total_bytes - size))
    await session.flush()
    detail = {"name": name, "sha256": sha256, "size": size, "members": len(files) - 1,
              "sheets": len(sheet_ids)}
    await audit.record(session, principal, "file.delete", "drawing_file", fid, project.id, detail)
    event = await events.append(session, project.id, "file.deleted", principal,
                                {"submission_id": sub.id, "file_id": fid, **detail})
    return {"file_id": fid, "removed_sheets": len(sheet_ids), "removed_files": len(files)}, event
