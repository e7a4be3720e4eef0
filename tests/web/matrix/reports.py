"""Permission rows for the reports area, and ``create_report_world``: a concluded review round
made directly through the models (no upload pipeline, no workflow calls): a project with a case
number, a submission whose five disciplines concluded, two sheets with real sheet PDFs in
storage, markups of two disciplines with comment threads (plus a deleted and an automatic
markup that must not appear), and one confirmed fire finding."""

from __future__ import annotations

import asyncio
import random
import tempfile
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import REVIEWERS, expect

A = 72 / 25.4 / 100  # 1:100, mm -> points
TRANSFORM = [A, 0.0, 1191.0]  # the sample sheet is A2 landscape, 1684 x 1191 points

MARKUPS = [
    # (discipline, sheet index, kind, geometry, severity, status, body, replies)
    ("planning", 0, "rect", {"points": [[300, 200], [520, 330]]}, "mandatory", "open",
     "建筑退让用地红线距离不足，请补充总平面尺寸标注。", []),
    ("planning", 1, "cloud", {"points": [[700, 400], [900, 400], [900, 560], [700, 560]]}, "general", "answered",
     "请核实容积率计算。", [("designer", "已补充容积率计算表。")]),
    ("fire", 0, "arrow", {"points": [[1000, 700], [1150, 820]]}, "mandatory", "closed",
     "消防车道净宽度不应小于4.0m，图中仅3.5m，请修改。",
     [("designer", "已按意见修改，详见修改后图纸。"), ("fire", "复核通过，意见关闭。")]),
    ("fire", 1, "text", {"points": [[400, 800]], "text": "此处净宽不足"}, "suggestion", "open",
     "疏散楼梯间宜靠外墙设置。", []),
    ("fire", 1, "pin", {"points": [[1200, 300]]}, "general", "open", "请补充防火分区示意图。", []),
]


NUMBERLESS_FILE = "某住宅楼-结构.dxf"  # the file of the second sheet when it has no drawing number


async def _world(stack, name: str, state: str, verdict: str | None, closed: bool = False,
                 numberless: bool = False, lines: int = 150) -> dict:
    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import (Annotation, Comment, DrawingFile, Project, ReviewTask, RuleFinding, Sheet,
                                   Submission, User)
    from drawreview.report.sample import make_sheet_pdf
    from drawreview.storage import make_storage

    storage = make_storage(stack.settings)
    db = Database(stack.settings)
    t0 = datetime(2025, 3, 3, 1, 30, tzinfo=timezone.utc)
    try:
        async with db.session() as s:
            users = {u.username: u for u in (await s.exec(select(User))).all()}
            orgs = stack.demo["organisations"]
            case = f"JS-2025-{random.randint(0, 999999999):09d}"
            project = Project(name=name, address="示范市滨江路 1 号", case_number=case, verification_code="123456",
                              construction_unit_id=orgs["示范置业有限公司"],
                              design_institute_id=orgs["示范建筑设计研究院有限公司"], stage=state)
            s.add(project)
            await s.flush()
            sub = Submission(project_id=project.id, created_by=users["designer"].id, state=state, verdict=verdict,
                             submitted_at=t0, accepted_at=t0 + timedelta(days=1),
                             concluded_at=t0 + timedelta(days=5) if verdict else None)
            s.add(sub)
            await s.flush()
            for disc in REVIEWERS:
                s.add(ReviewTask(submission_id=sub.id, discipline=disc, reviewer_id=users[disc].id,
                                 state="concluded" if verdict else "in_progress",
                                 conclusion="approved" if verdict else None, started_at=t0 + timedelta(days=1),
                                 due_at=t0 + timedelta(days=10),
                                 concluded_at=t0 + timedelta(days=4) if verdict else None))
            f = DrawingFile(submission_id=sub.id, sha256=uuid.uuid4().hex * 2, original_name=f"{name}.pdf", size=1,
                            format="pdf", state="ready")
            s.add(f)
            await s.flush()
            # numberless: the second sheet is a DXF's layout without a title block (no number, no title)
            dxf = DrawingFile(submission_id=sub.id, sha256=uuid.uuid4().hex * 2, original_name=NUMBERLESS_FILE, size=1,
                              format="dxf", state="ready") if numberless else f
            s.add(dxf)
            await s.flush()
            sheets = []
            places = [(f, "page:0", "总图-01", "总平面图"), (f, "page:1", "建施-02", "一层平面图")]
            if numberless:
                places[1] = (dxf, "layout:Layout1", "", "")
            with tempfile.TemporaryDirectory() as tmp:
                for i, (file, key, number, title) in enumerate(places):
                    pdf = make_sheet_pdf(Path(tmp) / f"{i}.pdf", number, title, seed=i, lines=lines)
                    blob = storage.put_file(pdf)
                    sheet = Sheet(file_id=file.id, submission_id=sub.id, key=key, number=number, title=title,
                                  width=1684, height=1191, transform=TRANSFORM, units="mm", state="ready",
                                  pdf_sha256=blob.sha256)
                    s.add(sheet)
                    sheets.append(sheet)
            await s.flush()
            anns = []
            for k, (disc, si, kind, geo, sev, status, body, replies) in enumerate(MARKUPS):
                a = Annotation(client_id=uuid.uuid4().hex, project_id=project.id, sheet_id=sheets[si].id,
                               author_id=users[disc].id, discipline=disc, kind=kind, geometry=geo, severity=sev,
                               clause=f"GB 50016-2014 第7.1.{k + 1}条", body=body,
                               status="closed" if closed else status,
                               created_at=t0 + timedelta(days=2, hours=k))
                s.add(a)
                await s.flush()
                anns.append(a)
                for j, (who, text) in enumerate(replies):
                    s.add(Comment(client_id=uuid.uuid4().hex, annotation_id=a.id, author_id=users[who].id, body=text,
                                  created_at=t0 + timedelta(days=3, hours=j)))
            # neither of these may appear anywhere
            s.add(Annotation(client_id=uuid.uuid4().hex, project_id=project.id, sheet_id=sheets[0].id,
                             author_id=users["fire"].id, discipline="fire", kind="pin", geometry={"points": [[50, 50]]},
                             body="已删除的意见", deleted=True))
            s.add(Annotation(client_id=uuid.uuid4().hex, project_id=project.id, sheet_id=sheets[0].id,
                             author_id=users["fire"].id, discipline="fire", kind="pin", geometry={"points": [[60, 60]]},
                             body="未确认的自动标注", automatic=True))
            s.add(RuleFinding(sheet_id=sheets[0].id, rule_id="FR-01", discipline="fire", severity="error",
                              state="confirmed",
                              data={"rule_id": "FR-01", "bbox": [3000.0, 2000.0, 4000.0, 2600.0],
                                    "standard": "GB 50016-2014", "clause": "7.1.8", "message_zh": "消防车道净宽度不足", "measured": 3.5, "required": 4.0,
                                    "unit": "m"}))
            s.add(RuleFinding(sheet_id=sheets[0].id, rule_id="FR-02", discipline="fire", severity="error", state="new",
                              data={"rule_id": "FR-02", "message_zh": "未确认的检查结果"}))
            await s.commit()
            return {"project_id": project.id, "submission_id": sub.id, "sheet_ids": [x.id for x in sheets],
                    "annotation_ids": [a.id for a in anns], "case_number": case, "name": name}
    finally:
        await db.close()


def create_report_world(stack, *, state: str = "approved", verdict: str | None = "approved",
                        name: str | None = None, closed: bool | None = None, numberless: bool = False,
                        lines: int = 150) -> dict:
    """A round in ``state`` (``approved``: the report may be issued and stamped sheets downloaded;
    ``concluded``; or ``in_review`` with ``verdict=None``: nobody has concluded yet).

    ``closed``: every markup closed (the reviewers verified them all). A concluded, approving
    round defaults to it, because the workflow issues no approving report while a comment is
    open or answered-not-verified (decision 030).

    ``numberless``: the second sheet is layout Layout1 of ``NUMBERLESS_FILE`` with no drawing
    number or title (a DXF without a title block).

    ``lines``: random detail strokes per sheet PDF (tens of thousands: a sheet MuPDF takes long
    to draw)."""
    if closed is None:
        closed = state == "concluded" and verdict in ("approved", "approved_with_comments")
    return asyncio.run(_world(stack, name or f"意见书测试项目-{uuid.uuid4().hex[:8]}", state, verdict, closed,
                              numberless, lines))


VISIBLE = expect(200, other_designer=404)  # the reports world: all five disciplines review it
DEMO_VISIBLE = expect(200, other_designer=404, **{r: 404 for r in REVIEWERS})
PUBLIC = {r: 200 for r in expect(200)}


async def _update_submission(stack, submission_id: int, **values) -> None:
    from sqlalchemy import update

    from drawreview.db import Database
    from drawreview.models import Submission

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            await s.exec(update(Submission).where(Submission.id == submission_id).values(**values))
            await s.commit()
    finally:
        await db.close()


def _demo_state(state: str, verdict: str | None):
    """``{submission_id}`` is the drawings area's submission of the demo project (shared key);
    put it in the state the row needs (other areas' rows move it too)."""
    def build(s, w):
        asyncio.run(_update_submission(s, w["submission_id"], state=state, verdict=verdict))
        return {}
    return build


async def _markup(stack, sheet_id: int) -> None:
    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import Annotation, Sheet, Submission, User

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            sheet = await s.get(Sheet, sheet_id)
            sub = await s.get(Submission, sheet.submission_id)
            fire = (await s.exec(select(User).where(User.username == "fire"))).one()
            s.add(Annotation(client_id=uuid.uuid4().hex, project_id=sub.project_id, sheet_id=sheet.id,
                             author_id=fire.id, discipline="fire", kind="rect",
                             geometry={"points": [[10, 10], [60, 40]]}, body="矩阵"))
            await s.commit()
    finally:
        await db.close()


def _pdf_upload(s, w):
    return {"files": {"file": ("report.pdf", w["rep_pdf"], "application/pdf")}}


APPROVED = _demo_state("approved", "approved")

ROWS = {
    ("GET", "/api/projects/{project_id}/reports"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/reports/{report_id}"): (lambda s, w: {}, VISIBLE),
    ("GET", "/api/reports/{report_id}/pdf"): (lambda s, w: {}, VISIBLE),
    ("GET", "/api/submissions/{submission_id}/stamped-sheets.zip"): (APPROVED, DEMO_VISIBLE),
    ("GET", "/api/sheets/{sheet_id}/stamped.pdf"): (APPROVED, DEMO_VISIBLE),
    ("GET", "/api/submissions/{submission_id}/marked-up-sheets.zip"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/sheets/{sheet_id}/marked-up.pdf"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/submissions/{submission_id}/bcf"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/submissions/{submission_id}/export.json"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/verify"): (lambda s, w: {"params": {"sha256": w["rep_sha256"]}}, PUBLIC),
    # public and changes nothing: anonymous, without a CSRF token (rate-limited per address)
    ("POST", "/api/verify"): (_pdf_upload, PUBLIC),
}


def prepare(stack, client, world):
    """Issues a report on a world of its own (``report_id``); marks up the shared demo sheet
    (``sheet_id``, set by the drawings area) so the marked-up and export rows have content."""
    assert "sheet_id" in world and "submission_id" in world, "the drawings area prepares the demo sheet first"
    ids = create_report_world(stack, name="权限矩阵-意见书", state="concluded")
    r = client.post(f"/api/submissions/{ids['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text
    report = client.get(f"/api/projects/{ids['project_id']}/reports", headers=stack.token_headers("window")).json()["data"][0]
    pdf = client.get(report["pdf_url"], headers=stack.token_headers("window")).content
    asyncio.run(_markup(stack, world["sheet_id"]))
    world.update(report_id=report["id"], rep_sha256=report["sha256"], rep_pdf=pdf)
