"""The drawing job's life cycle, in both modes: files a killed process left half-done are
re-queued when a fresh app (embedded) or worker (scaled) starts, without duplicate sheets;
and a job past its timeout really stops its render thread (no CPU burnt, no lock held)."""

from __future__ import annotations

import asyncio
import time

from sqlmodel import select
from starlette.testclient import TestClient

from drawreview.app import create_app
from drawreview.cad import tiles
from drawreview.jobs_drawings import process_file
from drawreview.models import DrawingFile, Sheet
from tests import drawing_inputs as di
from tests.services.test_submissions import add_file, job_ctx, new_project_submission


def _state(stack, file_id: int, sheet_id: int, file_state: str, sheet_state: str) -> None:
    """As if the process died mid-job: the file (and one sheet) left unfinished."""
    async def go():
        async with job_ctx(stack.settings) as ctx:
            async with ctx["db"].session() as s:
                f = await s.get(DrawingFile, file_id)
                f.state, f.progress = file_state, 0.4
                sheet = await s.get(Sheet, sheet_id)
                sheet.state, sheet.pdf_sha256 = sheet_state, None
                s.add_all([f, sheet])
                await s.commit()

    asyncio.run(go())


def test_a_fresh_app_or_worker_resumes_files_left_processing(stack, client):
    headers = stack.token_headers("designer")
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("中断处理.dxf", di.plan(("建施-21", "建施-22"), ("一层", "二层")))])
    (f,) = di.wait_files(client, stack, sid)
    before = [(s["id"], s["key"], s["number"]) for s in client.get(f"/api/submissions/{sid}/sheets",
                                                                       headers=headers).json()["data"]]
    assert f["state"] == "ready" and len(before) == 2
    _state(stack, f["id"], before[1][0], "processing", "processing")
    if stack.mode == "embedded":  # a fresh server process: its lifespan re-queues the file
        with TestClient(create_app(stack.settings), base_url="http://testserver") as fresh:
            (f,) = di.wait_files(fresh, stack, sid, timeout=60)
    else:  # a fresh arq worker (burst): its on_startup re-queues the file
        di.run_queued_jobs(stack)
        (f,) = client.get(f"/api/submissions/{sid}", headers=headers).json()["data"]["files"]
    assert f["state"] == "ready", f
    after = client.get(f"/api/submissions/{sid}/sheets", headers=headers).json()["data"]
    assert [(s["id"], s["key"], s["number"]) for s in after] == before  # the same rows, no duplicates
    assert all(s["state"] == "ready" and s["width"] > 0 for s in after)
    tile = client.get(f"/api/sheets/{before[1][0]}/tiles/0/0/0.png", headers=headers)
    assert tile.status_code == 200 and tile.content.startswith(b"\x89PNG")


async def test_a_timed_out_job_stops_its_render_thread(stack):
    async with job_ctx(stack.settings.with_(job_timeout_s=1)) as ctx:  # budget 0.9 s; painting takes ~4 s
        _, sub = await new_project_submission(ctx, stack)
        slow = await add_file(ctx, stack, sub, "慢图.dxf", di.slow_hatches_dxf())
        t0 = time.monotonic()
        assert await process_file(ctx, slow.id) == "timeout"
        assert time.monotonic() - t0 < 2.0
        # the thread stopped: the process burns no CPU now (it would burn ~1 s per second)
        await asyncio.sleep(0.2)
        cpu0 = time.process_time()
        await asyncio.sleep(1.0)
        assert time.process_time() - cpu0 < 0.3
        assert tiles._lock.acquire(timeout=0.5)  # the MuPDF lock is free
        tiles._lock.release()
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, slow.id)
            assert f.state == "failed" and f.error["code"] == "processing_timeout"
            assert not (await s.exec(select(Sheet).where(Sheet.file_id == slow.id, Sheet.state == "ready"))).all()
        # a small job right after completes promptly
        small = await add_file(ctx, stack, sub, "小图.dxf", di.simple_dxf(("超时之后",)))
        t0 = time.monotonic()
        assert await process_file(ctx, small.id) == "ready"
        assert time.monotonic() - t0 < 0.9


async def test_expanded_zip_bytes_count_against_the_submission_limit(stack):
    import io
    import zipfile

    member = di.plan(("建施-41",), ("压缩包内",))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"图纸/{i}.dxf", member)
    archive = buf.getvalue()
    other = di.simple_dxf(("另一个文件",))
    expanded = 3 * len(member)
    assert len(archive) + len(other) < expanded  # the upload itself fits; its contents do not
    limit = len(other) + expanded - 1000
    async with job_ctx(stack.settings.with_(max_submission_bytes=limit)) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        await add_file(ctx, stack, sub, "另一个.dxf", other)
        row = await add_file(ctx, stack, sub, "图纸集.zip", archive)
        assert await process_file(ctx, row.id) == "failed"
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, row.id)
            assert f.error["code"] == "archive_too_large" and f.error["details"]["limit"] == limit - len(other)
            assert "剩余的容量" in f.error["messages"]["zh-CN"] and "size limit" in f.error["messages"]["en"]
            assert not (await s.exec(select(DrawingFile).where(DrawingFile.parent_id == row.id))).all()
    async with job_ctx(stack.settings.with_(max_submission_bytes=limit + 2000)) as ctx:  # room for it all
        _, sub = await new_project_submission(ctx, stack)
        await add_file(ctx, stack, sub, "另一个.dxf", other)
        row = await add_file(ctx, stack, sub, "图纸集.zip", archive)
        assert await process_file(ctx, row.id) == "ready"
        async with ctx["db"].session() as s:
            children = (await s.exec(select(DrawingFile).where(DrawingFile.parent_id == row.id))).all()
            assert len(children) == 3
