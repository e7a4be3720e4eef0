"""Overlay compare of a sheet against its matched previous-revision sheet (``matched_sheet_id``).

The overlay is built once per pair of sheets by the ``compare_sheet`` job, in a warm child
process (``cad.isolate``, docs/decisions/022) with ``cad.compare_job.build_overlay``:

- **vector** when both sheets come from DXF files (model space, or a layout's paper-space
  entities): ``cad.diff.diff_drawings`` on the new sheet's own page, so it stays sharp at every
  zoom and lines up with the new sheet's tiles;
- **raster** otherwise (PDF uploads, layouts with viewports): ``cad.rasterdiff.diff_sheet_pdfs``.

Removed ink is red, added green, changed orange (vector: the new version; its old version
red), unchanged grey; changed regions are boxes in sheet points. The overlay is stored as a
blob and recorded on ``Sheet.compare`` with the key of the two sheet PDFs, so a re-rendered
sheet gets a fresh overlay; a build that fails (deadline, crashed child) is recorded too, so
viewers are told instead of waiting. Its tiles are cut like any sheet's (``cad.tiles``).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..cad import isolate, tiles
from ..cad.compare_job import build_overlay
from ..cad.painter import RenderTimeout
from ..errors import Conflict
from ..models import DrawingFile, Sheet
from . import sheets as sheet_service

JOB = "compare_sheet"
VERSION = 3  # overlays recorded by an older builder (raster only; 2: changes on hidden layers counted in) are built again
_CHANGED = {
    "vector": {"zh-CN": "修改", "en": "Changed"},  # drawn orange (new version) over red (old)
    "raster": {"zh-CN": "修改（区域）", "en": "Changed (region)"},  # a region with both red and green ink
}
METHODS = {"vector": {"zh-CN": "矢量对比", "en": "Vector compare"},
           "raster": {"zh-CN": "图像对比", "en": "Raster compare"}}


def legend(method: str = "raster") -> list[dict]:
    """kind, colour (as drawn by cad.diff), zh-CN, en."""
    return [
        {"kind": "added", "color": "#009e26", "zh-CN": "新增", "en": "Added"},
        {"kind": "removed", "color": "#db1a1a", "zh-CN": "删除", "en": "Removed"},
        {"kind": "changed", "color": "#e69500", **_CHANGED.get(method, _CHANGED["raster"])},
        {"kind": "unchanged", "color": "#9e9e9e", "zh-CN": "未变", "en": "Unchanged"},
    ]


LEGEND = legend()


def pair_key(old: Sheet, new: Sheet) -> str | None:
    """Names the overlay's inputs; None while either sheet is not rendered."""
    if old.state != "ready" or new.state != "ready" or not old.pdf_sha256 or not new.pdf_sha256:
        return None
    return f"{old.pdf_sha256}:{new.pdf_sha256}"


def current(sheet: Sheet, old: Sheet | None) -> dict | None:
    """The stored overlay when it still belongs to the two sheets' current PDFs."""
    key = pair_key(old, sheet) if old is not None else None
    if (key and sheet.compare and sheet.compare.get("key") == key and sheet.compare.get("version") == VERSION
            and (sheet.compare.get("pdf_sha256") or sheet.compare.get("failed"))):
        return sheet.compare
    return None


async def describe(session: AsyncSession, queue, namespace: str, principal: Principal | None,
                   sheet_id: int) -> dict:
    """What the viewer needs: whether there is a previous revision, and the overlay once built
    (queued on first request)."""
    sheet, _, _ = await sheet_service.require_sheet(session, principal, sheet_id)
    old = await session.get(Sheet, sheet.matched_sheet_id) if sheet.matched_sheet_id else None
    out = {"sheet_id": sheet.id, "available": old is not None, "legend": LEGEND}
    if old is None:
        return {**out, "state": "none"}
    files = await sheet_service.file_names(session, [old.file_id])
    out["previous"] = {"id": old.id, "number": old.number, "title": old.title, "submission_id": old.submission_id,
                       "key_label": sheet_service.key_labels(old.key), "file_name": files.get(old.file_id)}
    done = current(sheet, old)
    if done is not None and done.get("failed"):
        return {**out, "state": "failed", "error": done["failed"]}
    if done is not None:
        info = tiles.tile_pyramid_info(done["width"], done["height"])
        method = done["method"]
        return {**out, "state": "ready", "method": method, "method_label": METHODS[method],
                "legend": legend(method), "counts": done["counts"], "regions": done["regions"],
                "hidden": done.get("hidden") or {}, "notes": done["notes"], "tiles": info}
    key = pair_key(old, sheet)
    if key is None:
        return {**out, "state": "waiting"}  # a sheet is still being processed
    await queue.enqueue(JOB, sheet.id, job_id=f"{JOB}:{namespace}:{sheet.id}:v{VERSION}:{key[:12]}{key[65:77]}")
    return {**out, "state": "pending"}


async def require_overlay(session: AsyncSession, principal: Principal | None, sheet_id: int) -> dict:
    sheet, _, _ = await sheet_service.require_sheet(session, principal, sheet_id)
    old = await session.get(Sheet, sheet.matched_sheet_id) if sheet.matched_sheet_id else None
    done = current(sheet, old)
    if done is None or not done.get("pdf_sha256"):
        raise Conflict("对比图尚未生成，请稍后再试", "The revision overlay is not built yet; try again shortly",
                       code="compare_not_ready", details={"sheet_id": sheet_id})
    return done


def _side(sheet: Sheet, file: DrawingFile | None, storage) -> dict:
    """What the child needs of one sheet: its PDF, its DXF/DWG source (if any), key and page."""
    dxf = file is not None and file.format in ("dxf", "dwg") and storage.exists(file.sha256)
    return {"pdf": str(storage.path(sheet.pdf_sha256)), "source": str(storage.path(file.sha256)) if dxf else None,
            "key": sheet.key, "width": sheet.width, "height": sheet.height, "transform": list(sheet.transform or [])}


async def build(session: AsyncSession, storage, sheet_id: int, timeout_s: float = 600) -> str:
    """Build and store the overlay of *sheet_id* (idempotent: an up-to-date overlay is kept).

    Runs in a drawing child process with a deadline *timeout_s* from now; a build past it, or
    whose child died, is recorded as failed for this pair of PDFs."""
    sheet = await session.get(Sheet, sheet_id)
    old = await session.get(Sheet, sheet.matched_sheet_id) if sheet and sheet.matched_sheet_id else None
    if old is None:
        return "no previous sheet"
    key = pair_key(old, sheet)
    if key is None:
        return "not ready"
    if current(sheet, old) is not None:
        return "exists"
    sides = [_side(s, await session.get(DrawingFile, s.file_id), storage) for s in (old, sheet)]
    record: dict = {"key": key, "version": VERSION, "previous_sheet_id": old.id}
    await session.commit()  # end the read transaction: the build may take a while
    stop_at = time.monotonic() + timeout_s * 0.9
    with tempfile.TemporaryDirectory(prefix="dr-compare-") as tmp:
        out = Path(tmp) / "overlay.pdf"
        try:
            result = await isolate.pool().run(build_overlay, (*sides, str(out), stop_at), deadline=stop_at)
        except (RenderTimeout, isolate.Timeout):
            result = None
            record["failed"] = {"code": "compare_timeout", "zh-CN": "生成对比图超时", "en": "Building the overlay timed out"}
        except (isolate.ChildDied, MemoryError):
            result = None
            record["failed"] = {"code": "compare_crashed", "zh-CN": "生成对比图的进程意外终止",
                                "en": "The process building the overlay stopped unexpectedly"}
        if result is not None:
            blob = storage.put_file(out)
            record.update({"pdf_sha256": blob.sha256, "width": result["width"], "height": result["height"],
                           "method": result["method"], "counts": result["counts"], "regions": result["regions"],
                           "hidden": result.get("hidden") or {}, "notes": result["notes"]})
    sheet = await session.get(Sheet, sheet_id)
    sheet.compare = record
    session.add(sheet)
    await session.commit()
    return "failed" if "failed" in record else "built"
