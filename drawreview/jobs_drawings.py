"""The drawing-processing job: ``process_file(ctx, file_id)``.

Load → split into sheets → render each sheet PDF → store PDF, metadata and thumbnail blobs
→ mark the sheet ready, with ``file.progress`` / ``sheet.ready`` / ``file.ready`` /
``file.failed`` events and audit entries along the way. A zip is expanded (safely, by
``cad.intake``) into child files, each processed by its own job.

Idempotent: a finished file is left alone; a half-done one (job killed, retried by arq) is
redone and its sheets are upserted by ``(file_id, key)``, so no duplicates. CPU work runs in
a thread (``asyncio.to_thread``) so the event loop keeps serving; MuPDF calls (and only
those: DXF painting is pure Python) share the tiles module's lock because MuPDF is not
thread-safe. The job gives itself slightly less than ``settings.job_timeout_s`` and marks
the file failed when it runs out; the render thread gets the same deadline and stops.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from .cad import errors as cad_errors
from .cad import intake, tiles
from .cad.dxf import audit_later, load_dxf
from .cad.pdf import load_pdf, pdf_sheets, render_page
from .cad.painter import RenderTimeout
from .cad.render import render_drawing
from .cad.sheets import split_sheets
from .errors import DrawReviewError, UnreadableDrawing
from .gcpause import gc_paused
from .models import DrawingFile, Sheet, Submission
from .services import audit, events
from .services import sheets as sheet_service
from .services import submissions as submission_service

log = logging.getLogger("drawreview.jobs")
MUPDF = tiles._lock  # MuPDF is not thread-safe: every MuPDF call in this process takes this lock
THUMB_PX = 512
DB_TRIES = 4  # deadlocks between concurrent jobs are retried, not reported as broken drawings


async def enqueue(ctx: dict[str, Any], job: str, object_id: int) -> None:
    """Queue *job* for one id, once: the job id names the deployment (arq job ids share one
    Redis key space across deployments, and ids restart with a fresh database)."""
    await ctx["queue"].enqueue(job, object_id, job_id=f"{job}:{ctx['settings'].namespace}:{object_id}")


async def requeue_unfinished(ctx: dict[str, Any]) -> list[int]:
    """At start-up (the app in embedded mode, the arq worker in scaled mode): queue
    ``process_file`` again for every file left ``uploaded`` or ``processing`` by a process that
    was killed. Job ids are per file, so a file whose job is still queued or running elsewhere
    is not queued twice, and the job itself upserts sheets (no duplicates)."""
    from sqlmodel import select

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


async def process_file(ctx: dict[str, Any], file_id: int) -> str:
    loop = asyncio.get_running_loop()
    budget = max(0.05, ctx["settings"].job_timeout_s * 0.9)
    deadline = loop.time() + budget
    for attempt in range(1, DB_TRIES + 1):
        try:
            # the render thread gets the same deadline (on the monotonic clock) and stops itself
            stop_at = time.monotonic() + (deadline - loop.time())
            return await asyncio.wait_for(_process(ctx, file_id, stop_at), max(0.01, deadline - loop.time()))
        except DBAPIError as exc:  # a deadlock / lock timeout: the transaction was rolled back, so redo
            if attempt == DB_TRIES:
                return await _crashed(ctx, file_id, exc)
            log.warning("process_file(%s): database error, retrying: %s", file_id, exc.orig)
            await asyncio.sleep(0.2 * attempt)
        except (asyncio.TimeoutError, RenderTimeout):
            name = await _name_of(ctx, file_id)
            await fail(ctx, file_id, ProcessingTimeout(
                f"{name}：处理超时（超过 {budget:.0f} 秒），图纸可能过于复杂，请拆分后重新上传",
                f"{name}: processing took too long (over {budget:.0f} s); the drawing may be too complex — "
                "split it and upload again", details={"file": name, "timeout_s": budget}))
            return "timeout"
        except DrawReviewError as exc:
            await fail(ctx, file_id, exc)
            return "failed"
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


async def _name_of(ctx, file_id: int) -> str:
    async with ctx["db"].session() as s:
        f = await s.get(DrawingFile, file_id)
        return f.original_name if f else f"#{file_id}"


class _Run:
    """One processing run: the file, its project, and a helper to commit + publish."""

    def __init__(self, ctx: dict[str, Any], session, f: DrawingFile, sub: Submission,
                 stop_at: float | None = None) -> None:
        self.ctx, self.session, self.file, self.sub = ctx, session, f, sub
        self.stop_at = stop_at  # time.monotonic() deadline handed to the render thread
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
        await run.progress(0.02)
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
    got = await asyncio.to_thread(intake.expand_zip, run.storage.path(f.sha256), work / "x", f.original_name,
                                  limits)
    if not got.members and not got.errors:
        raise cad_errors._make(cad_errors.NoDrawableContent, f.original_name, "压缩包内没有图纸文件",
                               "the archive holds no drawing files")
    children = []
    for i, member in enumerate(got.members):
        blob = await asyncio.to_thread(run.storage.put_file, member.path)
        child, _ = await submission_service.add_member(run.session, f, sub.project_id, blob.sha256, blob.size,
                                                       member.name, member.kind)
        children.append(child)
        await run.progress(0.05 + 0.9 * (i + 1) / len(got.members))
    if got.errors:
        n = len(got.errors)
        f.error = {
            "code": "archive_entries_rejected",
            "messages": {"zh-CN": f"{f.original_name}：压缩包中有 {n} 个文件被拒绝，其余文件已接收",
                         "en": f"{f.original_name}: {n} entries of the archive were rejected; the others were accepted"},
            "details": {"file": f.original_name, "rejected": n, "accepted": len(got.members)},
            "entries": [e.as_dict() for e in got.errors],
        }
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


async def _set_bytes_besides(session, archive: DrawingFile) -> int:
    """Bytes the submission holds besides *archive* and its members: expanded archives count
    by their members, the others by their upload."""
    from sqlmodel import select

    rows = (await session.exec(select(DrawingFile).where(DrawingFile.submission_id == archive.submission_id))).all()
    return sum(r.size for r in rows
               if r.id != archive.id and r.parent_id != archive.id and not (r.format == intake.ZIP and r.state == "ready"))


def _load(path: Path, kind: str, name: str):
    """(source, specs, notes) for a DXF or PDF; PDF work takes the MuPDF lock."""
    if kind == intake.PDF:
        with MUPDF:
            src = load_pdf(path, name)
            try:
                specs = pdf_sheets(src)
            except BaseException:
                src.doc.close()
                raise
        return src, specs, list(src.notes)
    with gc_paused():
        drawing = load_dxf(path, name, audit=False)  # audited once the sheets are viewable (_render)
        specs = split_sheets(drawing)
    return drawing, specs, drawing.notes


def _render_group(kind: str, src, group: list, out_dir: Path, stop_at: float | None = None) -> list:
    out_dir.mkdir(parents=True, exist_ok=True)
    if kind == intake.PDF:
        with MUPDF:
            return [render_page(src, spec, out_dir / f"{spec.page + 1}.pdf") for spec in group]
    # DXF painting is pure Python: the MuPDF lock is taken only to write each sheet PDF, so
    # tiles of other sheets are served meanwhile; the deadline stops the thread on a timeout
    with gc_paused():
        return render_drawing(src, group, out_dir, deadline=stop_at, lock=MUPDF)


def _store(storage, res, spec, file_notes: list[str]) -> dict:
    """Blobs for one rendered sheet; returns the sheet fields to set."""
    with MUPDF:
        thumb = tiles.thumbnail(res.pdf, THUMB_PX)
        tiles.forget(res.pdf)
    pdf_blob = storage.put_file(Path(res.pdf))
    thumb_blob = storage.put_bytes(thumb)
    meta = {"key": res.key, "layers": res.layers, "texts": res.texts, "notes": list(file_notes) + res.notes,
            "scale": spec.scale, "map": res.map}
    meta_blob = storage.put_bytes(json.dumps(meta, ensure_ascii=False, allow_nan=False).encode())
    return {
        "width": res.width, "height": res.height, "max_zoom": tiles.max_zoom(res.width, res.height),
        "transform": list(res.map), "units": res.units[:16], "unit_m": res.unit_m,
        "pdf_sha256": pdf_blob.sha256, "meta_sha256": meta_blob.sha256, "thumb_sha256": thumb_blob.sha256,
        "state": "ready",
    }


async def _render(run: _Run, work: Path) -> str:
    f, sub, session = run.file, run.sub, run.session
    path = run.storage.path(f.sha256)
    kind = f.format if f.format in (intake.DXF, intake.PDF) else await asyncio.to_thread(
        intake.identify, path, f.original_name)
    src, specs, notes = await asyncio.to_thread(_load, path, kind, f.original_name)
    try:
        specs = [s for s in specs if s.bbox]
        if not specs:
            raise cad_errors.no_drawable_content(f.original_name)
        sheets: dict[str, Sheet] = {}
        for spec in specs:
            fields = {"state": "processing"}
            existing = await sheet_service.by_key(session, f.id, spec.key)
            if existing is None or existing.state != "ready":  # keep a designer's corrections
                fields.update(number=(spec.number or "")[:64], title=(spec.title or "")[:200],
                              discipline=(spec.discipline or "")[:32], detected=spec.detected)
            sheets[spec.key], _ = await sheet_service.upsert_sheet(session, f, spec.key, fields)
        await run.progress(0.15, sheets=len(specs))
        try:
            done, all_notes = await _render_sheets(run, kind, src, specs, work, notes)
        except (DrawReviewError, RenderTimeout, DBAPIError):
            raise
        except Exception:  # noqa: BLE001 - an unaudited document may trip the painter: audit, retry once
            if kind != intake.DXF or src.audited:
                raise
            await asyncio.to_thread(audit_later, src)
            done, all_notes = await _render_sheets(run, kind, src, specs, work / "audited", src.notes)
        if kind == intake.DXF and not src.audited:
            # audited after the sheets are viewable; a document the auditor changed is drawn again
            if await asyncio.to_thread(audit_later, src):
                done, all_notes = await _render_sheets(run, kind, src, specs, work / "audited", src.notes)
            else:
                all_notes += [n for n in src.notes if n not in all_notes]
    finally:
        if kind == intake.PDF:
            with MUPDF:
                src.doc.close()
    stale = [s for s in sheets.values() if s.state != "ready"]
    for s in stale:  # a spec the renderer produced nothing for
        s.state = "failed"
        session.add(s)
    f.state, f.progress, f.repairs = "ready", 1.0, all_notes[:200]
    session.add(f)
    await sheet_service.match_sheets(session, sub)
    await audit.record(session, "system", "file.ready", "drawing_file", f.id, sub.project_id,
                       {"sheets": done, "notes": len(all_notes)})
    await run.emit("file.ready", {"file": submission_service.file_dict(f), "sheets": done})
    await run.commit()
    if kind == intake.DXF:  # rule checks (jobs_findings) on each finished sheet
        from .jobs import JOBS

        if "check_sheet" in JOBS:
            for s in sheets.values():
                if s.state == "ready":
                    await enqueue(run.ctx, "check_sheet", s.id)
    return "ready"


async def _render_sheets(run: _Run, kind: str, src, specs: list, work: Path, notes: list[str]) -> tuple[int, list[str]]:
    """Render every sheet and store it (idempotent per sheet key); (sheets done, notes)."""
    f, sub, session = run.file, run.sub, run.session
    # model-space frames are rendered in one pass; each layout / PDF page on its own
    groups = [[s for s in specs if s.space == "model"]] + [[s] for s in specs if s.space != "model"]
    groups = [g for g in groups if g]
    done = 0
    all_notes = list(notes)
    for gi, group in enumerate(groups):
        results = await asyncio.to_thread(_render_group, kind, src, group, work / f"g{gi}", run.stop_at)
        by_key = {s.key: s for s in group}
        for res in results:
            spec = by_key.get(res.key)
            if spec is None:
                continue
            fields = await asyncio.to_thread(_store, run.storage, res, spec, notes)
            sheet, _ = await sheet_service.upsert_sheet(session, f, res.key, fields)
            all_notes += [n for n in res.notes if n not in all_notes]
            await audit.record(session, "system", "sheet.ready", "sheet", sheet.id, sub.project_id,
                               {"file_id": f.id, "key": sheet.key, "number": sheet.number})
            await run.emit("sheet.ready", {"sheet": sheet_service.sheet_dict(sheet)})
            done += 1
            await run.progress(0.15 + 0.83 * done / len(specs))
    return done, all_notes


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
