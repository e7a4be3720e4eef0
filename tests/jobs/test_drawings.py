"""The drawing job's life cycle, in both modes: files a killed process left half-done are
re-queued when a fresh app (embedded) or worker (scaled) starts, without duplicate sheets;
a job past its timeout really stops its child process (no CPU burnt; killed when it does not
stop itself), and a child that dies fails only its own file."""

from __future__ import annotations

import asyncio
import os
import signal
import time

from sqlmodel import select
from starlette.testclient import TestClient

from drawreview.app import create_app
from drawreview.cad import isolate
from drawreview.jobs.drawings import process_file
from drawreview.models import DrawingFile, Sheet
from tests import drawing_inputs as di
from tests.services.test_submissions import add_file, job_ctx, new_project_submission, sheets_of


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


def _cpu_s(pid: int) -> float:
    """CPU seconds a process has used (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


async def _busy_child(task: asyncio.Task) -> int:
    """The pid of the drawing child process working for *task*."""
    deadline = time.monotonic() + 30
    while not isolate.pool().pids()["busy"]:
        assert not task.done() and time.monotonic() < deadline
        await asyncio.sleep(0.01)
    (pid,) = isolate.pool().pids()["busy"]
    return pid


async def _no_ready_sheets(ctx, file_id: int) -> bool:
    async with ctx["db"].session() as s:
        return not (await s.exec(select(Sheet).where(Sheet.file_id == file_id, Sheet.state == "ready"))).all()


def _slow_to_read_dxf(lines: int = 100_000) -> bytes:
    """ezdxf reads this for seconds, and reading cannot stop itself at a deadline."""
    body = "".join(f"0\nLINE\n8\n0\n10\n{i}\n20\n0\n11\n{i}\n21\n10\n" for i in range(lines))
    return ("0\nSECTION\n2\nENTITIES\n" + body + "0\nENDSEC\n0\nEOF\n").encode()


async def test_a_timed_out_job_stops_its_child_process(stack):
    async with job_ctx(stack.settings.with_(job_timeout_s=1)) as ctx:  # budget 0.9 s; painting takes ~4 s
        _, sub = await new_project_submission(ctx, stack)
        slow = await add_file(ctx, stack, sub, "慢图.dxf", di.slow_hatches_dxf())
        t0 = time.monotonic()
        task = asyncio.create_task(process_file(ctx, slow.id))
        pid = await _busy_child(task)
        assert await task == "timeout"
        assert time.monotonic() - t0 < 2.0
        # the painter stopped at the deadline: its child is idle (kept warm) or gone, and quiet
        assert pid not in isolate.pool().pids()["busy"]
        await asyncio.sleep(0.2)
        cpu0, own0 = _cpu_s(pid), time.process_time()
        await asyncio.sleep(1.0)
        assert _cpu_s(pid) - cpu0 < 0.1 and time.process_time() - own0 < 0.3
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, slow.id)
            assert f.state == "failed" and f.error["code"] == "processing_timeout"
        assert await _no_ready_sheets(ctx, slow.id)
        # a small job right after is done by a child that works (the stopped one kept warm, or a
        # new one); its own budget is a normal one, so a busy machine (CI, load 7+) cannot time it out
        small = await add_file(ctx, stack, sub, "小图.dxf", di.simple_dxf(("超时之后",)))
        ctx["settings"] = stack.settings.with_(job_timeout_s=30)
        t0 = time.monotonic()
        assert await process_file(ctx, small.id) == "ready"
        assert time.monotonic() - t0 < 10.0


async def test_a_child_stuck_past_its_deadline_is_killed(stack):
    """Reading a DXF does not look at the deadline: the child is SIGKILLed shortly after it."""
    async with job_ctx(stack.settings.with_(job_timeout_s=1)) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        stuck = await add_file(ctx, stack, sub, "读不完.dxf", _slow_to_read_dxf())
        t0 = time.monotonic()
        task = asyncio.create_task(process_file(ctx, stuck.id))
        pid = await _busy_child(task)
        assert await task == "timeout"
        assert time.monotonic() - t0 < 2.5
        assert _gone(pid) and pid not in sum(isolate.pool().pids().values(), [])
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, stuck.id)
            assert f.error["code"] == "processing_timeout" and "处理超时" in f.error["messages"]["zh-CN"]
    async with job_ctx(stack.settings) as ctx:  # the next file gets a fresh child
        _, sub = await new_project_submission(ctx, stack)
        small = await add_file(ctx, stack, sub, "之后.dxf", di.simple_dxf(("杀掉之后",)))
        assert await process_file(ctx, small.id) == "ready"


async def test_a_child_killed_mid_render_fails_only_its_file(stack):
    """A drawing process that dies (here SIGKILL, as the OOM killer sends; a MuPDF segfault
    looks the same) fails its file with a readable reason; this process and later files go on."""
    async with job_ctx(stack.settings) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        slow = await add_file(ctx, stack, sub, "被杀.dxf", di.slow_hatches_dxf())
        task = asyncio.create_task(process_file(ctx, slow.id))
        pid = await _busy_child(task)
        while True:  # its sheets are known: the child is painting
            async with ctx["db"].session() as s:
                if (await s.get(DrawingFile, slow.id)).progress >= 0.15:
                    break
            assert not task.done()
            await asyncio.sleep(0.02)
        os.kill(pid, signal.SIGKILL)
        assert await asyncio.wait_for(task, 10) == "failed"
        async with ctx["db"].session() as s:
            f = await s.get(DrawingFile, slow.id)
        assert f.state == "failed" and f.error["code"] == "processing_crashed", f.error
        assert "被信号 SIGKILL 终止" in f.error["messages"]["zh-CN"] and "被杀.dxf" in f.error["messages"]["zh-CN"]
        assert "killed by SIGKILL" in f.error["messages"]["en"] and f.error["details"]["reason"] == "SIGKILL"
        assert await _no_ready_sheets(ctx, slow.id)
        nxt = await add_file(ctx, stack, sub, "下一个.dxf", di.plan(("建施-51",), ("之后上传",)))
        assert await process_file(ctx, nxt.id) == "ready"
        assert len(await sheets_of(ctx, nxt.id)) == 1


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


async def test_zip_members_already_in_the_submission_are_named_on_the_archive(stack):
    """A set uploaded both as files and as a zip of them: the zip's members are the files already
    there (same name, same bytes), so nothing is added; the archive row says so instead of
    showing a bare "done" with nothing under it."""
    import io
    import zipfile

    plan, other = di.plan(("建施-61",), ("已上传",)), di.simple_dxf(("压缩包新文件",))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("建施-61.dxf", plan)
        zf.writestr("新文件.dxf", other)
    async with job_ctx(stack.settings) as ctx:
        _, sub = await new_project_submission(ctx, stack)
        await add_file(ctx, stack, sub, "建施-61.dxf", plan)
        row = await add_file(ctx, stack, sub, "图纸集.zip", buf.getvalue())
        for _ in range(2):  # a retried job finds its own members: they are not "already there"
            assert await process_file(ctx, row.id) == "ready"
            async with ctx["db"].session() as s:
                f = await s.get(DrawingFile, row.id)
                children = (await s.exec(select(DrawingFile).where(DrawingFile.parent_id == row.id))).all()
                assert [c.original_name for c in children] == ["新文件.dxf"]
                assert len(f.notes) == 1, f.notes
                zh, en = f.notes[0].split(" / ", 1)
                assert "1 个文件" in zh and "建施-61.dxf" in zh and "already in this submission" in en
                f.state, f.notes = "processing", []  # as if the job had died after expanding
                s.add(f)
                await s.commit()
