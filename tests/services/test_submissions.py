"""Submissions, uploads and the processing job against the real database of each mode
(SQLite + in-process queue; PostgreSQL + Redis), with real blobs and real drawings."""

from __future__ import annotations

import contextlib

import pytest
from sqlmodel import select

from drawreview.app import build_context
from drawreview.jobs.drawings import process_file
from drawreview.models import AuditEntry, DrawingFile, Project, ProjectEvent, Sheet, Submission, User
from drawreview.services import audit
from drawreview.services import submissions as service
from drawreview.demo.accounts import principal_for
from tests import drawing_inputs as di

LIMIT = 2 * 1024**3


@contextlib.asynccontextmanager
async def job_ctx(settings):
    """The same shared clients the worker builds (real database, blobs, queue, broadcast)."""
    ctx = build_context(settings)
    await ctx["broadcast"].connect()
    await ctx["queue"].start(ctx)
    try:
        yield ctx
    finally:
        await ctx["queue"].stop()
        await ctx["broadcast"].disconnect()
        await ctx["limiter"].close()
        await ctx["db"].close()


async def designer(session, stack):
    user = (await session.exec(select(User).where(User.username == "designer"))).one()
    return principal_for(stack.account("designer"), user.id)


async def new_project_submission(ctx, stack):
    """A fresh project of the demo institute (so revisions start at 1) and its first submission."""
    async with ctx["db"].session() as s:
        demo = await s.get(Project, stack.demo["project_id"])
        project = Project(name="服务测试项目", construction_unit_id=demo.construction_unit_id,
                          design_institute_id=demo.design_institute_id)
        s.add(project)
        await s.flush()
        sub, _ = await service.create_submission(s, await designer(s, stack), project)
        await s.commit()
        return project, sub


async def add_file(ctx, stack, sub, name: str, data: bytes) -> DrawingFile:
    blob = ctx["storage"].put_bytes(data)
    async with ctx["db"].session() as s:
        row, _, _ = await service.register_upload(s, ctx["storage"], await designer(s, stack), sub, blob.sha256,
                                                  blob.size, name, LIMIT)
        await s.commit()
        return row


async def sheets_of(ctx, file_id: int) -> list[Sheet]:
    async with ctx["db"].session() as s:
        return list((await s.exec(select(Sheet).where(Sheet.file_id == file_id).order_by(Sheet.id))).all())


async def test_revisions_count_up_and_are_audited(stack):
    async with job_ctx(stack.settings) as ctx:
        project, first = await new_project_submission(ctx, stack)
        async with ctx["db"].session() as s:
            second, event = await service.create_submission(s, await designer(s, stack), project)
            await s.commit()
            assert (first.revision, second.revision) == (1, 2)
            assert event.type == "submission.created" and event.payload["revision"] == 2
            actions = (await s.exec(select(AuditEntry.action).where(AuditEntry.project_id == project.id))).all()
            assert actions.count("submission.create") == 2
            assert (await audit.verify(s)).ok


async def test_same_bytes_and_name_is_one_file_counted_once(stack):
    async with job_ctx(stack.settings) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        data = di.simple_dxf(("重复上传",))
        a = await add_file(ctx, stack, sub, "同一文件.dxf", data)
        b = await add_file(ctx, stack, sub, "同一文件.dxf", data)
        c = await add_file(ctx, stack, sub, "另一个名字.dxf", data)  # same bytes, other name: a new file
        assert a.id == b.id != c.id
        async with ctx["db"].session() as s:
            assert (await s.get(Submission, sub.id)).total_bytes == 2 * len(data)


async def test_submission_size_limit_refuses_without_a_row(stack):
    async with job_ctx(stack.settings) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        blob = ctx["storage"].put_bytes(di.simple_dxf(("太大",)))
        async with ctx["db"].session() as s:
            with pytest.raises(service.SubmissionTooLarge) as info:
                await service.register_upload(s, ctx["storage"], await designer(s, stack), sub, blob.sha256,
                                              blob.size, "太大.dxf", limit=blob.size - 1)
            assert info.value.status == 413 and "太大.dxf" in info.value.message_zh
            await s.rollback()
            assert (await service.files_of(s, sub.id)) == []


async def test_a_jpeg_named_dxf_is_failed_at_once(stack):
    async with job_ctx(stack.settings) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        row = await add_file(ctx, stack, sub, "照片.dxf", di.JPEG)
        assert row.state == "failed" and row.error["code"] == "not_a_drawing"
        assert "照片.dxf" in row.error["messages"]["zh-CN"] and "JPEG" in row.error["messages"]["en"]


async def test_process_file_renders_sheets_with_events_and_audit(stack):
    async with job_ctx(stack.settings) as ctx:
        project, sub = await new_project_submission(ctx, stack)
        row = await add_file(ctx, stack, sub, "平面.dxf", di.plan())
        assert await process_file(ctx, row.id) == "ready"
        sheets = await sheets_of(ctx, row.id)
        assert [(s.key, s.number, s.title, s.discipline, s.state) for s in sheets] == [
            ("model", "建施-01", "一层平面图", "建筑", "ready"), ("model#2", "建施-02", "二层平面图", "建筑", "ready")]
        for s in sheets:
            assert s.detected and s.width > 100 and s.height > 100 and 0 < s.max_zoom <= 8
            assert len(s.transform) == 3 and s.units == "mm" and s.unit_m == 0.001
            for sha in (s.pdf_sha256, s.meta_sha256, s.thumb_sha256):
                assert ctx["storage"].exists(sha)
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, row.id)
            assert (f.state, f.progress) == ("ready", 1.0)
            types = (await s.exec(select(ProjectEvent.type).where(ProjectEvent.project_id == project.id)
                                  .order_by(ProjectEvent.seq))).all()
            assert types[-1] == "file.ready" and types.count("sheet.ready") == 2 and "file.progress" in types
            actions = (await s.exec(select(AuditEntry.action).where(AuditEntry.project_id == project.id))).all()
            assert {"file.upload", "file.processing", "sheet.ready", "file.ready"} <= set(actions)


async def test_rerunning_a_half_done_job_gives_no_duplicate_sheets(stack):
    async with job_ctx(stack.settings) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        row = await add_file(ctx, stack, sub, "平面.dxf", di.plan())
        await process_file(ctx, row.id)
        before = [(s.id, s.key) for s in await sheets_of(ctx, row.id)]
        assert await process_file(ctx, row.id) == "ready"  # finished: nothing to do
        async with ctx["db"].session() as s:  # as if the worker died after the first sheet
            f = await s.get(DrawingFile, row.id)
            f.state, f.progress = "processing", 0.4
            second = await s.get(Sheet, before[1][0])
            second.state, second.pdf_sha256 = "processing", None
            s.add_all([f, second])
            await s.commit()
        assert await process_file(ctx, row.id) == "ready"
        after = await sheets_of(ctx, row.id)
        assert [(s.id, s.key) for s in after] == before and all(s.state == "ready" for s in after)


async def test_a_job_past_its_time_marks_the_file_failed(stack):
    async with job_ctx(stack.settings.with_(job_timeout_s=0)) as ctx:  # budget: 0.05 s
        _, sub = await new_project_submission(ctx, stack)
        row = await add_file(ctx, stack, sub, "大图.dxf", (di.DRAWINGS / "ezdxf__3_us_main.dxf").read_bytes())
        assert await process_file(ctx, row.id) == "timeout"
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, row.id)
            assert f.state == "failed" and f.error["code"] == "processing_timeout"
            assert "大图.dxf" in f.error["messages"]["zh-CN"] and "too long" in f.error["messages"]["en"]


async def test_next_revision_sheets_match_by_number(stack):
    async with job_ctx(stack.settings) as ctx:
        project, rev1 = await new_project_submission(ctx, stack)
        a = await add_file(ctx, stack, rev1, "一版.dxf", di.plan())
        await process_file(ctx, a.id)
        async with ctx["db"].session() as s:
            rev2, _ = await service.create_submission(s, await designer(s, stack), project)
            await s.commit()
        b = await add_file(ctx, stack, rev2, "二版.dxf", di.plan(("建施-02", "建施-03"), ("二层平面图", "三层平面图")))
        await process_file(ctx, b.id)
        old = {s.number: s.id for s in await sheets_of(ctx, a.id)}
        new = {s.number: s.matched_sheet_id for s in await sheets_of(ctx, b.id)}
        assert new == {"建施-02": old["建施-02"], "建施-03": None}


async def test_next_revision_sheets_without_numbers_match_by_file_name_and_place(stack):
    """Real drawings often carry no number the splitter reads: an unnumbered sheet matches the
    previous revision's unnumbered sheet at the same place of a file of the same name (the
    comments were not carried and no comparison was offered). A different file stays unmatched."""
    async with job_ctx(stack.settings) as ctx:
        project, rev1 = await new_project_submission(ctx, stack)
        a = await add_file(ctx, stack, rev1, "草图.dxf", di.simple_dxf(("草图",)))
        other = await add_file(ctx, stack, rev1, "另一张.dxf", di.simple_dxf(("另一张",)))
        for f in (a, other):
            await process_file(ctx, f.id)
        async with ctx["db"].session() as s:
            rev2, _ = await service.create_submission(s, await designer(s, stack), project)
            await s.commit()
        b = await add_file(ctx, stack, rev2, "草图.DXF", di.simple_dxf(("草图（修改）",)))
        c = await add_file(ctx, stack, rev2, "新增.dxf", di.simple_dxf(("新增",)))
        for f in (b, c):
            await process_file(ctx, f.id)
        old = await sheets_of(ctx, a.id)
        new, added = await sheets_of(ctx, b.id), await sheets_of(ctx, c.id)
        assert old and all(not x.number for x in old + new + added)  # the world: no numbers anywhere
        assert [x.matched_sheet_id for x in new] == [x.id for x in old]
        assert all(x.matched_sheet_id is None for x in added)


async def test_a_file_the_auditor_repairs_is_drawn_again_from_the_repaired_document(stack):
    """Strictly-read DXF files are rendered first and audited afterwards (so the first tile is not
    kept waiting); when the auditor changes the document, every sheet is rendered again from the
    repaired document and the repairs are listed on the file and in each sheet's notes."""
    real = di.DRAWINGS / "sky__floorplan.dxf"  # a real file with duplicate handles the auditor fixes
    async with job_ctx(stack.settings) as ctx:
        project, sub = await new_project_submission(ctx, stack)
        row = await add_file(ctx, stack, sub, real.name, real.read_bytes())
        assert await process_file(ctx, row.id) == "ready"
        sheets = await sheets_of(ctx, row.id)
        assert sheets and all(s.state == "ready" for s in sheets)
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, row.id)
            handles = [r for r in f.repairs if "handle" in r.lower()]
            assert len(handles) >= 20, f.repairs  # the auditor's fixes, written down for the user
            types = (await s.exec(select(ProjectEvent.type).where(ProjectEvent.project_id == project.id))).all()
        assert types.count("sheet.ready") == 2 * len(sheets)  # drawn, audited, drawn again
        import json

        for sheet in sheets:
            meta = json.loads(ctx["storage"].read_bytes(sheet.meta_sha256))
            assert any("handle" in n.lower() for n in meta["notes"])  # the stored sheet is the repaired one
