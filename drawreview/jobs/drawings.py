"""The drawing-processing job: ``process_file(ctx, file_id)``.

Load → split into sheets → render each sheet PDF → store PDF, metadata and thumbnail blobs
→ mark the sheet ready, with ``file.progress`` / ``sheet.ready`` / ``file.ready`` /
``file.failed`` events and audit entries along the way. A zip is expanded (safely, by
``cad.intake``, in a drawing child process like the rendering) into child files, each
processed by its own job.

Idempotent: a finished file is left alone; a half-done one (job killed, retried by arq) is
redone and its sheets are upserted by ``(file_id, key)``, so no duplicates.

The CPU work of a DXF/PDF (identify, load, split, render, thumbnails, the deferred audit)
runs in a warm child process (``cad.isolate``, ``cad.pipeline``; docs/decisions/022) that
streams each rendered sheet back; this process keeps the database, storage, events and
audit. The job gives itself slightly less than ``settings.job_timeout_s``: the painter stops
itself at that deadline, and a child still busy shortly after (in ezdxf or MuPDF) is killed.
A child that dies (signal, out of memory) fails the file with a readable reason.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from ..cad import errors as cad_errors
from ..cad import intake, isolate, tiles
from ..cad.painter import RenderTimeout
from ..cad.dwg import DwgLimits
from ..cad.pipeline import expand_archive, process_drawing
from ..errors import DrawReviewError, UnreadableDrawing
from ..models import DrawingFile, Submission
from ..services import audit, events
from ..services import sheets as sheet_service
from ..services import submissions as submission_service

log = logging.getLogger("drawreview.jobs")
DB_TRIES = 4  # deadlocks between concurrent jobs are retried, not reported as broken drawings


async def enqueue(ctx: dict[str, Any], job: str, object_id: int) -> None:
    """Queue *job* for one id, once: the job id names the deployment (arq job ids share one
    Redis key space across deployments, and ids restart with a fresh database)."""
    await ctx["queue"].enqueue(job, object_id, job_id=f"{job}:{ctx['settings'].namespace}:{object_id}")


async def requeue_unfinished(ctx: dict[str, Any]) -> list[int]:
    """At start-up (the app in embedded mode, the arq worker in scaled mode): queue
    ``process_file`` again for every file left ``uploaded`` or ``processing`` by a process that
    was killed. Job ids are per file, so a file whose job is still queued or running elsewhere
    is not queued twice, and the job itself upserts sheets (no duplicates). Also starts a
    drawing child process, so the first upload finds its imports done."""
    from sqlmodel import select

    isolate.pool().warm()
    try:
        async with ctx["db"].session() as session:
            ids = list((await session.exec(select(DrawingFile.id).where(
                DrawingFile.state.in_(("uploaded", "processing"))).order_by(DrawingFile.id))).all())
    except DBAPIError as exc:  # e.g. a database not migrated yet: nothing to resume
        log.warning("could not look for unfinished files: %s", exc)
        return []
    for file_id in ids:
        await enqueue(ctx, "process_file", file_id)
    if ids:
        log.info("re-queued %d unfinished drawing files", len(ids))
    return ids


class ProcessingTimeout(UnreadableDrawing):
    code = "processing_timeout"


class ProcessingFailed(UnreadableDrawing):
    code = "processing_failed"


class ProcessingCrashed(UnreadableDrawing):
    code = "processing_crashed"


async def process_file(ctx: dict[str, Any], file_id: int) -> str:
    loop = asyncio.get_running_loop()
    budget = max(0.05, ctx["settings"].job_timeout_s * 0.9)
    deadline = loop.time() + budget
    for attempt in range(1, DB_TRIES + 1):
        try:
            # the child gets the same deadline (on the system-wide monotonic clock): its painter
            # stops itself then, and the pool kills it isolate.GRACE_S later if it is still busy
            stop_at = time.monotonic() + (deadline - loop.time())
            return await asyncio.wait_for(_process(ctx, file_id, stop_at),
                                          max(0.01, deadline - loop.time()) + 2 * isolate.GRACE_S)
        except DBAPIError as exc:  # a deadlock / lock timeout: the transaction was rolled back, so redo
            if attempt == DB_TRIES:
                return await _crashed(ctx, file_id, exc)
            log.warning("process_file(%s): database error, retrying: %s", file_id, exc.orig)
            await asyncio.sleep(0.2 * attempt)
        except (asyncio.TimeoutError, RenderTimeout, isolate.Timeout):
            name = await _name_of(ctx, file_id)
            await fail(ctx, file_id, ProcessingTimeout(
                f"{name}：处理超时（超过 {budget:.0f} 秒），图纸可能过于复杂，请拆分后重新上传",
                f"{name}: processing took too long (over {budget:.0f} s); the drawing may be too complex — "
                "split it and upload again", details={"file": name, "timeout_s": budget}))
            return "timeout"
        except DrawReviewError as exc:
            await fail(ctx, file_id, exc)
            return "failed"
        except (isolate.ChildDied, MemoryError) as exc:
            return await _died(ctx, file_id, exc)
        except Exception as exc:  # noqa: BLE001 - any crash becomes a readable reason on the file
            return await _crashed(ctx, file_id, exc)
    return "failed"  # pragma: no cover


async def _crashed(ctx, file_id: int, exc: Exception) -> str:
    log.error("processing file %s failed", file_id, exc_info=exc)
    name = await _name_of(ctx, file_id)
    reason = f"{type(exc).__name__}: {exc}"[:300]
    await fail(ctx, file_id, ProcessingFailed(
        f"{name}：处理失败（{reason}）", f"{name}: processing failed ({reason})",
        details={"file": name, "reason": reason}))
    return "failed"


async def _died(ctx, file_id: int, exc: Exception) -> str:
    """The drawing's child process died (a signal, e.g. the OOM killer's SIGKILL or a crash
    in MuPDF) or ran out of memory: the file fails with a reason a designer can act on."""
    log.error("processing file %s: the drawing process died: %s", file_id, exc)
    name = await _name_of(ctx, file_id)
    if isinstance(exc, MemoryError):
        how_zh, how_en, reason = "内存不足", "ran out of memory", "MemoryError"
    else:
        sig = exc.signal_name
        how_zh = f"被信号 {sig} 终止" if sig else f"异常退出（退出码 {exc.returncode}）"
        how_en = isolate.describe_exit(exc.returncode)
        reason = sig or f"exit {exc.returncode}"
        if exc.cause:  # what the child said last (its exception), so the real cause is named
            how_zh, how_en, reason = f"{how_zh}：{exc.cause}", f"{how_en}: {exc.cause}", f"{reason}: {exc.cause}"
    await fail(ctx, file_id, ProcessingCrashed(
        f"{name}：图纸处理进程{how_zh}，可能是文件过大（内存不足）或文件损坏；其他文件不受影响，可拆分后重新上传",
        f"{name}: the process handling this drawing {how_en}; the file may be too large for the server's memory "
        "or damaged. The other files are not affected; split it and upload again",
        details={"file": name, "reason": reason}))
    return "failed"


async def _name_of(ctx, file_id: int) -> str:
    async with ctx["db"].session() as s:
        f = await s.get(DrawingFile, file_id)
        return f.original_name if f else f"#{file_id}"


class _Run:
    """One processing run: the file, its project, and a helper to commit + publish."""

    def __init__(self, ctx: dict[str, Any], session, f: DrawingFile, sub: Submission,
                 stop_at: float | None = None) -> None:
        self.ctx, self.session, self.file, self.sub = ctx, session, f, sub
        self.stop_at = stop_at  # time.monotonic() deadline handed to the drawing child process
        self.storage = ctx["storage"]
        self.pending: list = []

    async def emit(self, type_: str, payload: dict) -> None:
        self.pending.append(await events.append(self.session, self.sub.project_id, type_, None,
                                                {"submission_id": self.sub.id, "file_id": self.file.id, **payload}))

    async def progress(self, value: float, **extra) -> None:
        self.file.progress = round(min(max(value, 0.0), 1.0), 3)
        self.session.add(self.file)
        await self.emit("file.progress", {"progress": self.file.progress, "state": self.file.state, **extra})
        await self.commit()

    async def commit(self) -> None:
        await self.session.commit()
        if self.pending:
            await events.publish(self.ctx["broadcast"], *self.pending)
            self.pending.clear()


async def _process(ctx: dict[str, Any], file_id: int, stop_at: float | None = None) -> str:
    async with ctx["db"].session() as session:
        f = await session.get(DrawingFile, file_id)
        if f is None:
            return "missing"
        if f.state in ("ready", "failed"):
            return f.state  # done before: running again changes nothing
        sub = await session.get(Submission, f.submission_id)
        run = _Run(ctx, session, f, sub, stop_at)
        f.state, f.error = "processing", None
        await audit.record(session, "system", "file.processing", "drawing_file", f.id, sub.project_id,
                           {"name": f.original_name})
        await run.progress(0.0)  # queued: 0 until a drawing process takes the file (on_start)
        work = Path(tempfile.mkdtemp(prefix=f"file{f.id}-", dir=ctx["storage"].tmp))
        try:
            if f.format == intake.ZIP:
                return await _expand(run, work)
            return await _render(run, work)
        finally:
            await asyncio.to_thread(shutil.rmtree, work, True)


async def _expand(run: _Run, work: Path) -> str:
    f, sub = run.file, run.sub
    limits = intake.ZipLimits.for_set(run.ctx["settings"], await _set_bytes_besides(run.session, f))
    # in a drawing child too: a hostile archive costs that process, not the server's
    got = await isolate.pool().run(expand_archive, (str(run.storage.path(f.sha256)), str(work / "x"),
                                                    f.original_name, limits), deadline=run.stop_at,
                                     on_start=lambda: run.progress(0.02))
    if not got.members and not got.errors:
        raise cad_errors._make(cad_errors.NoDrawableContent, f.original_name, "压缩包内没有图纸文件",
                               "the archive holds no drawing files")
    children, already = [], []
    for i, member in enumerate(got.members):
        blob = await asyncio.to_thread(run.storage.put_file, member.path)
        child, _ = await submission_service.add_member(run.session, f, sub.project_id, blob.sha256, blob.size,
                                                       member.name, member.kind)
        if child.parent_id == f.id:
            children.append(child)
        else:  # the same name and bytes uploaded on their own (or in another zip): nothing to add
            already.append(child.original_name)
        await run.progress(0.05 + 0.9 * (i + 1) / len(got.members))
    f.notes = [_already_note(already)] if already else []
    if got.errors:
        f.error = cad_errors.rejected_entries(f.original_name, got.errors, len(got.members))
    f.state, f.progress = "ready", 1.0
    run.session.add(f)
    await audit.record(run.session, "system", "file.ready", "drawing_file", f.id, sub.project_id,
                       {"members": len(children), "rejected": len(got.errors)})
    await run.emit("file.ready", {"file": submission_service.file_dict(f), "children": [c.id for c in children]})
    await run.commit()
    for child in children:
        if child.state == "uploaded":
            await enqueue(run.ctx, "process_file", child.id)
    return "ready"


def _already_note(names: list[str]) -> str:
    """The archive's note for members the submission holds already (shown on its row)."""
    shown = names[:5] + (["…"] if len(names) > 5 else [])
    return (f"压缩包中 {len(names)} 个文件与本报审版本中已有的文件相同（同名同内容），未重复接收：{'、'.join(shown)}"
            f" / {len(names)} entries of the archive are already in this submission (same name and content)"
            f" and were not added again: {', '.join(shown)}")


async def _set_bytes_besides(session, archive: DrawingFile) -> int:
    """Bytes the submission holds besides *archive* and its members: expanded archives count
    by their members, the others by their upload."""
    from sqlmodel import select

    rows = (await session.exec(select(DrawingFile).where(DrawingFile.submission_id == archive.submission_id))).all()
    return sum(r.size for r in rows
               if r.id != archive.id and r.parent_id != archive.id and not (r.format == intake.ZIP and r.state == "ready"))


async def _render(run: _Run, work: Path) -> str:
    """Load, split and render in a child process (cad.pipeline); rows, blobs and events here,
    one sheet at a time as the child streams them. Only keys and ids are kept here (a
    2,000-sheet file holds no 2,000 row objects): memory stays flat whatever the page count."""
    f, sub, session = run.file, run.sub, run.session
    keys: set[str] = set()
    total = 0
    done = 0

    async def on_item(item) -> None:
        nonlocal done, total
        kind_, value = item
        if kind_ == "total":
            total = value
        elif kind_ == "specs":  # a batch of sheets: rows created (state processing) before drawing
            for spec in value:
                fields = {"state": "processing"}
                existing = await sheet_service.by_key(session, f.id, spec["key"])
                if existing is None or existing.state != "ready":  # keep a designer's corrections
                    fields.update(number=(spec["number"] or "")[:64], title=(spec["title"] or "")[:200],
                                  discipline=(spec["discipline"] or "")[:32], detected=spec["detected"])
                await sheet_service.upsert_sheet(session, f, spec["key"], fields)
                keys.add(spec["key"])
            total = max(total, len(keys))
            await run.progress(0.15 * len(keys) / max(1, total) if done == 0 else run.file.progress,
                               sheets=total, done=done)
        elif kind_ == "pass":  # a second pass redraws an audited document: same keys, upserted
            done = 0
        elif kind_ == "sheet":
            fields = await asyncio.to_thread(_store, run.storage, value)
            sheet, _ = await sheet_service.upsert_sheet(session, f, value["key"], fields)
            await audit.record(session, "system", "sheet.ready", "sheet", sheet.id, sub.project_id,
                               {"file_id": f.id, "key": sheet.key, "number": sheet.number})
            await run.emit("sheet.ready", {"sheet": sheet_service.sheet_dict(sheet)})
            done += 1
            await run.progress(0.15 + 0.83 * done / max(1, total, len(keys)), sheets=total, done=done)

    kind = f.format if f.format in (intake.DXF, intake.DWG, intake.PDF) else ""  # else the child identifies it
    limits = DwgLimits.from_settings(run.ctx["settings"])
    result = await isolate.pool().run(
        process_drawing, (str(run.storage.path(f.sha256)), kind, f.original_name, str(work), run.stop_at, limits),
        deadline=run.stop_at, on_item=on_item, on_start=lambda: run.progress(0.02))
    all_notes = result["notes"]
    ready = await sheet_service.fail_unfinished(session, f.id)  # a spec the renderer produced nothing for
    f.state, f.progress = "ready", 1.0
    repairs = result.get("repairs", [])
    f.repairs, f.notes = repairs[:200], [n for n in all_notes if n not in repairs][:200]
    session.add(f)
    await sheet_service.match_sheets(session, sub, file_id=f.id)
    await audit.record(session, "system", "file.ready", "drawing_file", f.id, sub.project_id,
                       {"sheets": done, "notes": len(all_notes)})
    await run.emit("file.ready", {"file": submission_service.file_dict(f), "sheets": done})
    await run.commit()
    if result["kind"] in intake.VECTOR and ready:
        await enqueue(run.ctx, "check_file", f.id)  # the rule checks of its sheets (jobs.findings)
    return "ready"


def _store(storage, item: dict) -> dict:
    """Blobs of one sheet from the child's files; the sheet fields to set."""
    pdf_blob = storage.put_file(Path(item["pdf"]))
    if item.get("tile0"):  # the zoom-0 tile the viewer asks for first, made with the thumbnail
        storage.put_derived(pdf_blob.sha256, tiles.TILE0, Path(item["tile0"]).read_bytes())
    thumb_blob = storage.put_file(Path(item["thumb"]))
    meta_blob = storage.put_file(Path(item["meta"]))
    return {**item["fields"], "pdf_sha256": pdf_blob.sha256, "meta_sha256": meta_blob.sha256,
            "thumb_sha256": thumb_blob.sha256, "state": "ready"}


async def fail(ctx: dict[str, Any], file_id: int, exc: DrawReviewError) -> None:
    """Mark the file (and its unfinished sheets) failed with the error; audit + event."""
    for attempt in range(1, DB_TRIES + 1):
        try:
            return await _fail(ctx, file_id, exc)
        except DBAPIError:
            if attempt == DB_TRIES:
                raise
            await asyncio.sleep(0.2 * attempt)


async def _fail(ctx: dict[str, Any], file_id: int, exc: DrawReviewError) -> None:
    async with ctx["db"].session() as session:
        f = await session.get(DrawingFile, file_id)
        if f is None:
            return
        sub = await session.get(Submission, f.submission_id)
        f.state, f.error = "failed", submission_service.error_dict(exc)
        session.add(f)
        for s in await sheet_service.list_sheets(session, sub.id):
            if s.file_id == f.id and s.state != "ready":
                s.state = "failed"
                session.add(s)
        await audit.record(session, "system", "file.failed", "drawing_file", f.id, sub.project_id,
                           {"code": exc.code, "message": exc.message_en})
        event = await events.append(session, sub.project_id, "file.failed", None,
                                    {"submission_id": sub.id, "file_id": f.id, "error": f.error})
        await session.commit()
    await events.publish(ctx["broadcast"], event)
