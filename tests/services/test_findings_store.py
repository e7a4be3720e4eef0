"""Storing a sheet's findings leaves the event loop free (docs/decisions/119): the rule-check
job stores them in the serving process (embedded mode), and a drawing can give thousands."""

from __future__ import annotations

import asyncio
import gc

from sqlmodel import select

from drawreview.db import Database
from drawreview.loopwatch import LoopWatch
from drawreview.models import DrawingFile, RuleFinding, Sheet, Submission, User
from drawreview.services import findings


def many(n: int) -> list[dict]:
    return [{"rule_id": f"FR-{i % 40:02d}", "discipline": "fire", "severity": "warning", "handles": [f"{i:X}"],
             "bbox": [i * 10.0, 0.0, i * 10.0 + 5, 5.0], "title_zh": "疏散距离", "message_zh": f"第 {i} 处"}
            for i in range(n)]


async def test_thousands_of_findings_are_stored_without_holding_the_loop(stack):
    """As in the app, whose start-up moves its heap out of the collector's passes
    (``gcpause.settle``): the test process's own heap (every test module's imports) would
    otherwise be walked by a full collection in the middle of the measurement."""
    db = Database(stack.settings)
    watch = LoopWatch("test")
    gc.collect()
    gc.freeze()
    try:
        async with db.session() as s:  # a sheet of its own, in a draft of the demo project
            user_id = (await s.exec(select(User.id).order_by(User.id))).first()
            sub = Submission(project_id=stack.demo["project_id"], revision=119, created_by=user_id)
            s.add(sub)
            await s.flush()
            f = DrawingFile(submission_id=sub.id, sha256="f" * 64, original_name="防火.dxf", size=1, format="dxf",
                            state="ready")
            s.add(f)
            await s.flush()
            sheet = Sheet(file_id=f.id, submission_id=sub.id, key="model", state="ready")
            s.add(sheet)
            await s.commit()
            sheet_id = sheet.id
        watch.start()
        await asyncio.sleep(0.1)
        async with db.session() as s:
            counts = await findings.store_findings(s, await s.get(Sheet, sheet_id), many(5000))
            await s.commit()
        async with db.session() as s:  # and replacing them all again
            again = await findings.store_findings(s, await s.get(Sheet, sheet_id), many(5000)[::-1][:10])
            await s.commit()
        await asyncio.sleep(0.1)
        report = watch.report()
        async with db.session() as s:
            stored = len((await s.exec(select(RuleFinding.id).where(RuleFinding.sheet_id == sheet_id))).all())
            await findings.store_findings(s, await s.get(Sheet, sheet_id), [])
            await s.commit()
    finally:
        gc.unfreeze()
        await watch.stop()
        await db.close()
    assert counts["total"] == 5000 and counts["added"] == 5000
    assert again == {"total": 10, "added": 0, "removed": 4990} and stored == 10
    assert report["worst_blocked_ms"] < 100, f"storing findings held the loop: {report['stalls']}"
