"""Overlay compare of a sheet against its matched previous-revision sheet (``matched_sheet_id``).

The overlay is built once per pair of sheet PDFs by the ``compare_sheet`` job with
``cad.diff.diff_sheet_pdfs`` (raster level, so it works for DXF and PDF sheets alike): ink only
in the old revision is red (removed), only in the new one green (added), both grey; changed
regions are boxes in sheet points. It is stored as a blob and recorded on ``Sheet.compare``
with the key of the two PDFs, so a re-rendered sheet gets a fresh overlay. Its tiles are cut
like any sheet's (``cad.tiles``).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..cad import diff, tiles
from ..errors import Conflict
from ..models import Sheet
from . import sheets as sheet_service

JOB = "compare_sheet"
LEGEND = [  # kind, colour (as drawn by cad.diff), zh-CN, en
    {"kind": "added", "color": "#009e26", "zh-CN": "新增", "en": "Added"},
    {"kind": "removed", "color": "#db1a1a", "zh-CN": "删除", "en": "Removed"},
    {"kind": "changed", "color": "#e69500", "zh-CN": "修改（区域）", "en": "Changed (region)"},
    {"kind": "unchanged", "color": "#9e9e9e", "zh-CN": "未变", "en": "Unchanged"},
]


def pair_key(old: Sheet, new: Sheet) -> str | None:
    """Names the overlay's inputs; None while either sheet is not rendered."""
    if old.state != "ready" or new.state != "ready" or not old.pdf_sha256 or not new.pdf_sha256:
        return None
    return f"{old.pdf_sha256}:{new.pdf_sha256}"


def current(sheet: Sheet, old: Sheet | None) -> dict | None:
    """The stored overlay when it still belongs to the two sheets' current PDFs."""
    key = pair_key(old, sheet) if old is not None else None
    if key and sheet.compare and sheet.compare.get("key") == key and sheet.compare.get("pdf_sha256"):
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
    out["previous"] = {"id": old.id, "number": old.number, "title": old.title, "submission_id": old.submission_id}
    done = current(sheet, old)
    if done is not None:
        info = tiles.tile_pyramid_info(done["width"], done["height"])
        return {**out, "state": "ready", "method": done["method"], "counts": done["counts"],
                "regions": done["regions"], "notes": done["notes"], "tiles": info}
    key = pair_key(old, sheet)
    if key is None:
        return {**out, "state": "waiting"}  # a sheet is still being processed
    await queue.enqueue(JOB, sheet.id, job_id=f"{JOB}:{namespace}:{sheet.id}:{key[:12]}{key[65:77]}")
    return {**out, "state": "pending"}


async def require_overlay(session: AsyncSession, principal: Principal | None, sheet_id: int) -> dict:
    sheet, _, _ = await sheet_service.require_sheet(session, principal, sheet_id)
    old = await session.get(Sheet, sheet.matched_sheet_id) if sheet.matched_sheet_id else None
    done = current(sheet, old)
    if done is None:
        raise Conflict("对比图尚未生成，请稍后再试", "The revision overlay is not built yet; try again shortly",
                       code="compare_not_ready", details={"sheet_id": sheet_id})
    return done


def _build(storage, old_sha: str, new_sha: str, lock) -> tuple[str, dict]:
    with tempfile.TemporaryDirectory(prefix="dr-compare-") as tmp:
        out = Path(tmp) / "overlay.pdf"
        with lock:  # MuPDF is not thread-safe
            result = diff.diff_sheet_pdfs(storage.path(old_sha), storage.path(new_sha), out)
        blob = storage.put_file(out)
    return blob.sha256, result.as_dict()


async def build(session: AsyncSession, storage, sheet_id: int) -> str:
    """Build and store the overlay of *sheet_id* (idempotent: an up-to-date overlay is kept)."""
    sheet = await session.get(Sheet, sheet_id)
    old = await session.get(Sheet, sheet.matched_sheet_id) if sheet and sheet.matched_sheet_id else None
    if old is None:
        return "no previous sheet"
    key = pair_key(old, sheet)
    if key is None:
        return "not ready"
    if current(sheet, old) is not None:
        return "exists"
    sha, result = await asyncio.to_thread(_build, storage, old.pdf_sha256, sheet.pdf_sha256, tiles._lock)
    sheet.compare = {"key": key, "pdf_sha256": sha, "previous_sheet_id": old.id, "width": result["width"],
                     "height": result["height"], "method": result["method"], "counts": result["counts"],
                     "regions": result["regions"], "notes": result["notes"]}
    session.add(sheet)
    await session.commit()
    return "built"
