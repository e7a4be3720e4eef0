"""The audit anchor is printed in every signed document the workflow issues — the acceptance
receipt and the merged report — and kept in the authority's append-only export after the commit;
`drawreview audit verify --document` finds it in the issued PDF and checks the chain against it,
and a chain cut back below the anchored count is caught."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select

from drawreview.services import anchors
from tests.services.reviews_world import new_project, new_submission, run
from tests.web.matrix.reports import create_report_world


def _verify(stack, found):
    from drawreview.db import Database
    from drawreview.services.audit import verify

    async def go():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                return await verify(s, anchors=found)
        finally:
            await db.close()

    return asyncio.run(go())


def test_receipt_and_report_carry_the_anchor_and_the_export_keeps_it(stack, client, tmp_path):
    # the receipt: accepting a submission
    async def make(s):
        project = await new_project(s, stack, name="锚点测试项目")
        return project.id, (await new_submission(s, project)).id

    project_id, sid = run(stack, make)
    assert client.post(f"/api/submissions/{sid}/submit", headers=stack.token_headers("designer")).status_code == 200
    assert client.post(f"/api/submissions/{sid}/accept", headers=stack.token_headers("window"), json={}).status_code == 200
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(client.get(f"/api/submissions/{sid}/receipt.pdf", headers=stack.token_headers("window")).content)
    in_receipt = anchors.anchors_in_pdf(receipt)
    assert len(in_receipt) == 1 and in_receipt[0].chain == project_id and in_receipt[0].count > 0

    # the report: issuing a round
    world = create_report_world(stack, state="concluded", name="锚点测试-意见书")
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text
    rep = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window")).json()["data"][0]
    report = tmp_path / "report.pdf"
    report.write_bytes(client.get(rep["pdf_url"], headers=stack.token_headers("window")).content)
    in_report = anchors.anchors_in_pdf(report)
    assert len(in_report) == 1 and in_report[0].chain == world["project_id"]

    # both went into the export once their transactions committed
    kept = {a.key() for a in anchors.read_export(anchors.export_path(stack.settings))}
    assert in_receipt[0].key() in kept and in_report[0].key() in kept
    result = _verify(stack, in_receipt + in_report)
    assert result.ok and result.anchors_checked == sum(1 for a in in_receipt + in_report if a.count > 0) >= 1

    # cut the receipt's chain back below the anchored count and rewrite its head row to match the
    # new tail: the plain hash chain is whole again, the printed anchor is not
    from drawreview.db import Database
    from drawreview.models import AuditEntry, AuditHead

    async def truncate():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                rows = (await s.exec(select(AuditEntry).where(AuditEntry.project_id == project_id)
                                     .order_by(AuditEntry.id))).scalars().all()
                keep, cut = rows[:in_receipt[0].count - 1], rows[in_receipt[0].count - 1:]
                await s.exec(delete(AuditEntry).where(AuditEntry.id.in_([r.id for r in cut])))
                head = await s.get(AuditHead, project_id)
                head.last_id, head.last_hash = keep[-1].id, keep[-1].hash
                s.add(head)
                await s.commit()
        finally:
            await db.close()

    asyncio.run(truncate())
    assert _verify(stack, []).ok  # the chain alone looks intact
    assert not _verify(stack, in_receipt).ok  # the receipt's anchor catches it
