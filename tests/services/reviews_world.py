"""Helpers for the workflow tests: projects, submissions with ready files and numbered sheets
written straight into the database (the upload pipeline is tested by its own part)."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime, timezone

from sqlmodel import select

from drawreview.auth import Principal
from drawreview.db import Database
from drawreview.demo import accounts as demo
from drawreview.models import DrawingFile, Project, Sheet, Submission, User
from drawreview.services import notifications, workdays

BUILDING_SHEETS = ["总图-01", "建施-01", "建施-02", "结施-01", "水施-01", "暖施-01", "电施-01", "人防-01"]


async def principal(session, username: str) -> Principal:
    user = (await session.exec(select(User).where(User.username == username))).one()
    return Principal.of(user)


async def new_project(session, stack, name: str | None = None, project_type: str = "building",
                      complexity: str = "normal", params: dict | None = None) -> Project:
    orgs = stack.demo["organisations"]
    project = Project(name=name or f"测试项目-{secrets.token_hex(3)}", project_type=project_type, complexity=complexity,
                      construction_unit_id=orgs[demo.BUILDER], design_institute_id=orgs[demo.INSTITUTE],
                      params=params or {})
    session.add(project)
    await session.flush()
    return project


def sheet_pdf(storage) -> str:
    """A one-page A3 sheet PDF in the blob store (for the report's drawing crops)."""
    import pymupdf

    doc = pymupdf.open()
    doc.new_page(width=1191, height=842).insert_text((72, 72), "sheet")
    return storage.put_bytes(doc.tobytes()).sha256


async def new_submission(session, project: Project, numbers=BUILDING_SHEETS, file_state: str = "ready",
                         storage=None) -> Submission:
    designer = await principal(session, "designer")
    revision = len((await session.exec(select(Submission.id).where(Submission.project_id == project.id))).all()) + 1
    sub = Submission(project_id=project.id, revision=revision, created_by=designer.user_id)
    session.add(sub)
    await session.flush()
    f = DrawingFile(submission_id=sub.id, sha256=secrets.token_hex(32), original_name=f"set-r{revision}.dxf", size=10,
                    format="dxf", state=file_state)
    session.add(f)
    await session.flush()
    for i, number in enumerate(numbers):
        session.add(Sheet(file_id=f.id, submission_id=sub.id, key=f"model#{i}", number=number, title=number,
                          state="ready", width=1191, height=842, pdf_sha256=sheet_pdf(storage) if storage else None))
    await session.flush()
    return sub


def run(stack, coro_fn):
    """Run ``coro_fn(session)`` against the stack's database and commit (for sync web tests)."""

    async def go():
        db = Database(stack.settings)
        try:
            async with db.session() as session:
                out = await coro_fn(session)
                await session.commit()
                return out
        finally:
            await notifications.drain(db.engine)  # queued notices written before the loop ends
            await db.close()

    return asyncio.run(go())


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# -- Beijing times (the review clock's time zone) ---------------------------------------------

def bj(*args) -> datetime:
    """A Beijing local time (the review clock's time zone)."""
    return datetime(*args, tzinfo=workdays.BEIJING)

