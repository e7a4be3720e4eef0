"""Issuing a round's report renders and signs it (seconds; minutes for a large round) before
its rows are written. Meanwhile the project's other users keep writing: a reply to a comment
of the same project must not wait for the signature (it waited on the audit chain's lock, which
the report took to print its anchor; on SQLite that lock is the database's one write lock, so
every project's writes waited, and failed after the 30 s busy timeout). Both modes."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pymupdf
from sqlmodel import select

from drawreview.broadcast import MemoryBroadcast
from drawreview.db import Database
from drawreview.models import AuditEntry, Report
from drawreview.report.printer import ReportPrinter
from drawreview.services import annotations, anchors, audit_trail, reviews
from tests.services.reviews_world import bj, new_project, new_submission, principal
from tests.services.test_rounds import Actors, _round_one, _sheet


async def test_a_reply_is_written_while_the_report_renders(env, monkeypatch):
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a = Actors(session, broadcast)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1 = bj(2025, 5, 6, 10)
    project = await new_project(session, stack, name="出具期间的并发回复")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    first = await a.comment("fire", await _sheet(session, rev1, "建施-02"), "疏散距离超限")
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await session.commit()

    rendering, release = threading.Event(), threading.Event()
    real = ReportPrinter.issue

    async def held_in_render(self, *args, **kw):  # the real renderer, entered and then held until the reply is in
        rendering.set()
        assert await asyncio.to_thread(release.wait, 60)
        return await real(self, *args, **kw)

    monkeypatch.setattr(ReportPrinter, "issue", held_in_render)
    issuing = asyncio.create_task(reviews.issue_report(session, window, rev1, project, t1, lambda e: None, storage,
                                                       "http://x", stack.settings))
    try:
        assert await asyncio.to_thread(rendering.wait, 60)
        db = Database(stack.settings)
        try:
            async with db.session() as other:
                reply = annotations.add_comment(other, broadcast, designer, first,
                                                {"client_id": uuid.uuid4().hex, "body": "已按规范调整疏散距离"})
                done = await asyncio.wait_for(reply, 10)  # it waited for the whole render before
        finally:
            await db.close()
    finally:
        release.set()
    await issuing
    await session.commit()
    assert done.data["comment"]["body"] == "已按规范调整疏散距离"
    # the chain verifies with the reply and the report in it, and the signed report prints a true
    # state of it (the entry it counts up to has the hash it prints)
    check = await audit_trail.verify_project(session, project.id)
    assert check.ok, check
    report = (await session.exec(select(Report).where(Report.submission_id == rev1.id))).one()
    with pymupdf.open(stream=storage.path(report.sha256).read_bytes(), filetype="pdf") as doc:
        [printed] = anchors.parse_anchor_lines("".join(page.get_text() for page in doc))
    chain = (await session.exec(select(AuditEntry).where(AuditEntry.project_id == project.id)
                                .order_by(AuditEntry.id))).all()
    assert printed.chain == project.id and chain[printed.count - 1].hash == printed.head
    assert "comment.create" in [e.action for e in chain[printed.count:]]  # the reply came after the anchor
    assert [e.action for e in chain[-2:]] == ["report.issue", "submission.require_revision"]
    await broadcast.disconnect()
