"""A big sheet set written straight into the database (for the list tests and bench_scale):
*n* sheet rows over a few files, with varied numbers, titles, disciplines and states. Ready
rows can share one real rendered sheet's blobs, so thumbnails, tiles and the viewer work on
every one of them."""

from __future__ import annotations

import asyncio

from drawreview.db import Database
from drawreview.models import DrawingFile, Sheet

DISCIPLINES = ("建筑", "结构", "给排水", "暖通", "电气")
PREFIXES = {"建筑": "建施", "结构": "结施", "给排水": "水施", "暖通": "暖施", "电气": "电施"}


def sheet_fields(i: int) -> dict:
    """The fields of the *i*-th sheet of a set (deterministic, so tests can recompute them)."""
    d = DISCIPLINES[i % len(DISCIPLINES)]
    state = "failed" if i % 97 == 0 else ("processing" if i % 89 == 0 else "ready")
    return {"key": f"page:{i + 1}", "number": f"{PREFIXES[d]}-{i + 1:04d}", "title": f"{i % 40 + 1}层平面图 {i}",
            "discipline": d, "state": state}


async def _seed(settings, submission_id: int, n: int, files: int, blobs: dict | None) -> list[int]:
    db = Database(settings)
    try:
        async with db.session() as s:
            fids = []
            for k in range(files):
                f = DrawingFile(submission_id=submission_id, sha256=f"{k:064x}", original_name=f"set-{k + 1}.pdf",
                                size=1, format="pdf", state="ready", progress=1.0)
                s.add(f)
                await s.flush()
                fids.append(f.id)
            per = -(-n // files)
            for i in range(n):
                fields = sheet_fields(i)
                extra = {}
                if blobs and fields["state"] == "ready":
                    extra = dict(blobs)
                s.add(Sheet(file_id=fids[i // per], submission_id=submission_id, **fields, **extra))
                if i % 1000 == 999:
                    await s.flush()
            await s.commit()
            return fids
    finally:
        await db.close()


def seed(settings, submission_id: int, n: int, files: int = 5, blobs: dict | None = None) -> list[int]:
    """Write the set; *blobs*: sheet fields (pdf/meta/thumb hashes, size, transform...) that the
    ready rows copy from a really rendered sheet. Returns the file ids."""
    return asyncio.run(_seed(settings, submission_id, n, files, blobs))
