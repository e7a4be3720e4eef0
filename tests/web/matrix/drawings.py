"""Permission rows for the drawings area (submissions, uploads, sheets, tiles).

Anyone who may view the project reads its submissions and sheets; only a designer of the
project's institute opens submissions and uploads; a designer, the window or an admin
corrects a sheet's number/title. ``prepare`` uploads a real two-sheet plan into a submission
of the demo project and waits for the processing job, so ``sheet_id`` names a rendered sheet.
"""

import asyncio

from sqlalchemy import update

from tests import drawing_inputs as di

from . import REVIEWERS, expect

DEMO_VISIBLE = expect(200, other_designer=404, **{r: 404 for r in REVIEWERS})
DESIGNER_ONLY = expect(403, other_designer=404, designer=200, **{r: 404 for r in REVIEWERS})
EDITORS = expect(403, other_designer=404, designer=200, window=200, **{r: 404 for r in REVIEWERS})


async def _set_draft(stack, submission_id: int) -> None:
    from drawreview.db import Database
    from drawreview.models import Submission

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            await s.exec(update(Submission).where(Submission.id == submission_id).values(state="draft"))
            await s.commit()
    finally:
        await db.close()


def _precheck(s, w):
    asyncio.run(_set_draft(s, w["submission_id"]))  # the pre-check runs on a draft
    return {}


def _upload(s, w):
    asyncio.run(_set_draft(s, w["submission_id"]))  # other areas' rows may have moved it on
    return {"files": [("file", ("矩阵.dxf", di.simple_dxf(("矩阵",))))]}


def _correct(s, w):
    asyncio.run(_set_draft(s, w["submission_id"]))  # a submitted set is locked (tests/web/test_sheets.py)
    return {"json": {"title": "一层平面图（更正）"}}


async def _latest_to_draft(stack, project_id: int) -> None:
    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import Submission

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            latest = (await s.exec(select(Submission).where(Submission.project_id == project_id)
                                   .order_by(Submission.revision.desc()))).first()
            if latest is not None and latest.state not in ("draft", "revision_required", "returned"):
                latest.state = "draft"
                s.add(latest)
                await s.commit()
    finally:
        await db.close()


async def _ensure_file(stack, submission_id: int, file_id: int | None) -> int:
    """A ready file row in the draft (the same id again once a row before removed it)."""
    from drawreview.db import Database
    from drawreview.models import DrawingFile

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            row = await s.get(DrawingFile, file_id) if file_id else None
            if row is None:
                row = DrawingFile(id=file_id, submission_id=submission_id, original_name="待删除.dxf",
                                  sha256="0" * 64, size=1, format="dxf", state="ready")
                s.add(row)
                await s.commit()
            return row.id
    finally:
        await db.close()


def _removable(s, w):
    asyncio.run(_set_draft(s, w["submission_id"]))  # a draft: files may be removed
    asyncio.run(_ensure_file(s, w["submission_id"], w["file_id"]))
    return {}


def _new_revision(s, w):
    # a new revision only when the round asks for one: other areas' rows may have handed the
    # shared demo project's latest revision in, so put it back to a draft
    asyncio.run(_latest_to_draft(s, w["project_id"]))
    return {"json": {}}


ROWS = {
    ("GET", "/api/projects/{project_id}/submissions"): (lambda s, w: {}, DEMO_VISIBLE),
    ("POST", "/api/projects/{project_id}/submissions"): (_new_revision, DESIGNER_ONLY),
    ("GET", "/api/submissions/{submission_id}"): (lambda s, w: {}, DEMO_VISIBLE),
    ("POST", "/api/submissions/{submission_id}/files"): (_upload, DESIGNER_ONLY),
    ("GET", "/api/submissions/{submission_id}/sheets"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/projects/{project_id}/sheets"): (lambda s, w: {"params": {"q": "平面", "limit": "5"}}, DEMO_VISIBLE),
    ("POST", "/api/submissions/{submission_id}/precheck"): (_precheck, DESIGNER_ONLY),
    ("GET", "/api/sheets/{sheet_id}"): (lambda s, w: {}, DEMO_VISIBLE),
    ("PATCH", "/api/sheets/{sheet_id}"): (_correct, EDITORS),
    ("DELETE", "/api/files/{file_id}"): (_removable, DESIGNER_ONLY),
    ("GET", "/api/sheets/{sheet_id}/tiles/{z}/{x}/{y}.png"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/sheets/{sheet_id}/thumbnail.png"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/sheets/{sheet_id}/texts"): (lambda s, w: {"params": {"q": "平面"}}, DEMO_VISIBLE),
    ("GET", "/api/sheets/{sheet_id}/vertices"): (lambda s, w: {"params": {"bbox": "0,0,2000,2000"}}, DEMO_VISIBLE),
    ("GET", "/api/sheets/{sheet_id}/pdf"): (lambda s, w: {}, DEMO_VISIBLE),
}


def prepare(stack, client, world):
    asyncio.run(_latest_to_draft(stack, stack.demo["project_id"]))  # other areas may have handed one in
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("建施.dxf", di.plan())])
    files = di.wait_files(client, stack, sid)
    assert files[0]["state"] == "ready", files
    sheets = client.get(f"/api/submissions/{sid}/sheets", headers=stack.token_headers("designer")).json()["data"]
    world.update(submission_id=sid, z=0, x=0, y=0)
    world["file_id"] = asyncio.run(_ensure_file(stack, sid, None))
    world["sheet_id"] = sheets[0]["id"]  # a rendered sheet of the demo project (shared with other areas)
    world.setdefault("project_id", stack.demo["project_id"])
