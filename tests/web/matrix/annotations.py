"""Permission rows for the annotations area, and ``create_review_world``: a project on which all
five disciplines review (one ReviewTask each), with a submission, a drawing file, a sheet and
two fire-discipline rule findings, made directly through the models (no upload pipeline)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path

from . import REVIEWERS, expect

SHEET_TRANSFORM = [72 / 25.4 / 500, 60000 * 72 / 25.4 / 500, 237000 * 72 / 25.4 / 500]  # 1:500, mm


async def _world(stack, name: str, dxf: Path | None, project_id: int | None = None) -> dict:
    from drawreview.db import Database
    from drawreview.models import DrawingFile, Project, ReviewTask, RuleFinding, Sheet, Submission, User
    from drawreview.storage import make_storage
    from sqlmodel import select

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            designer = (await s.exec(select(User).where(User.username == "designer"))).one()
            orgs = stack.demo["organisations"]
            if project_id is None:  # a new project all five disciplines review
                project = Project(name=name, construction_unit_id=orgs["示范置业有限公司"],
                                  design_institute_id=orgs["示范建筑设计研究院有限公司"],
                                  params={"plot_ratio_max": 1.4, "density_max": 0.13, "green_ratio_min": 0.30})
                s.add(project)
                await s.flush()
            else:  # an existing project, left as it is (no review tasks added)
                project = await s.get(Project, project_id)
            sub = Submission(project_id=project.id, created_by=designer.id, state="submitted",
                             revision=1000 + uuid.uuid4().int % 10**6)
            s.add(sub)
            await s.flush()
            for disc in REVIEWERS if project_id is None else ():
                s.add(ReviewTask(submission_id=sub.id, discipline=disc, state="reviewing"))
            if dxf is not None:
                blob = make_storage(stack.settings).put_file(dxf)
                sha, size, fmt = blob.sha256, blob.size, "dxf"
            else:
                sha, size, fmt = hashlib.sha256(name.encode()).hexdigest(), 1, "pdf"
            f = DrawingFile(submission_id=sub.id, sha256=sha, original_name=f"{name}.dxf", size=size, format=fmt,
                            state="ready")
            s.add(f)
            await s.flush()
            a = SHEET_TRANSFORM[0]
            sheet = Sheet(file_id=f.id, submission_id=sub.id, key="model", number="总图-01", title="总平面图",
                          width=420500 * a, height=297000 * a, transform=SHEET_TRANSFORM, units="mm", unit_m=0.001,
                          state="ready")
            other_sheet = Sheet(file_id=f.id, submission_id=sub.id, key="model#2", number="总图-02",
                                width=420500 * a, height=297000 * a, transform=SHEET_TRANSFORM, state="ready")
            s.add(sheet)
            s.add(other_sheet)
            await s.flush()
            found = []
            for i in range(2):
                r = RuleFinding(sheet_id=sheet.id, rule_id=f"FR-0{i + 1}", discipline="fire", severity="error",
                                data={"rule_id": f"FR-0{i + 1}", "bbox": [130000.0, 70000.0, 130000.0 + i, 74000.0],
                                      "mandatory": True, "standard": "GB 50016-2014", "clause": "5.2.2",
                                      "message_zh": "防火间距不足", "message_en": "Fire separation too small"})
                s.add(r)
                found.append(r)
            await s.commit()
            return {"project_id": project.id, "submission_id": sub.id, "file_id": f.id, "sheet_id": sheet.id,
                    "other_sheet_id": other_sheet.id, "finding_ids": [r.id for r in found]}
    finally:
        await db.close()


def create_review_world(stack, name: str | None = None, dxf: Path | None = None, project_id: int | None = None) -> dict:
    return asyncio.run(_world(stack, name or f"联审测试项目-{uuid.uuid4().hex[:8]}", dxf, project_id))


async def _revive(stack, annotation_id: int) -> None:
    from drawreview.db import Database
    from drawreview.models import Annotation

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            ann = await s.get(Annotation, annotation_id)
            ann.deleted = False
            s.add(ann)
            await s.commit()
    finally:
        await db.close()


def _cid() -> str:
    return uuid.uuid4().hex


async def _reset(stack, annotation_id: int | None = None, finding_id: int | None = None) -> None:
    """Put the shared object back (undelete a markup, undecide a finding) so every role's
    request meets the same state."""
    from drawreview.db import Database
    from drawreview.models import Annotation, RuleFinding

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            if annotation_id:
                ann = await s.get(Annotation, annotation_id)
                ann.deleted = False
                s.add(ann)
            if finding_id:
                row = await s.get(RuleFinding, finding_id)
                row.state, row.dismiss_reason = "new", ""
                s.add(row)
            await s.commit()
    finally:
        await db.close()


def _current(w: dict) -> dict:
    r = w["client"].get(f"/api/annotations/{w['annotation_id']}", headers=w["window_headers"])
    return r.json()["data"]


def _edit(s, w):
    return {"json": {"version": _current(w)["version"], "body": "改 " + _cid()}}


def _delete(s, w):
    asyncio.run(_reset(s, annotation_id=w["annotation_id"]))  # each role meets the same live markup
    return {"params": {"version": _current(w)["version"]}}


def _status(s, w):
    cur = _current(w)
    nxt = {"open": "answered", "answered": "closed", "closed": "open"}[cur["status"]]
    return {"json": {"version": cur["version"], "status": nxt}}


def _confirm(s, w):
    asyncio.run(_reset(s, finding_id=w["finding_id"]))
    return {"json": {}}


def _dismiss(s, w):
    asyncio.run(_reset(s, finding_id=w["finding_id"]))
    return {"json": {"reason": "误报"}}


PIN = {"kind": "pin", "geometry": {"points": [[100, 100]]}, "severity": "general", "body": "矩阵"}
VISIBLE = expect(200, other_designer=404)
ONLY_FIRE = expect(403, other_designer=404, fire=200)
# ``project_id`` / ``sheet_id`` are shared with other areas: they name the demo project (and a
# sheet in it), which no reviewer has a task on, so reviewers get 404 there. The annotation and
# finding rows use a project all five disciplines review.
DEMO_VISIBLE = expect(200, other_designer=404, **{r: 404 for r in REVIEWERS})

ROWS = {
    ("GET", "/api/annotation-library"): (lambda s, w: {}, expect(200)),
    ("GET", "/api/projects/{project_id}/annotations"): (lambda s, w: {}, DEMO_VISIBLE),
    ("POST", "/api/sheets/{sheet_id}/annotations"): (
        lambda s, w: {"json": {"client_id": _cid(), **PIN}},
        expect(403, other_designer=404, **{r: 404 for r in REVIEWERS})),
    ("GET", "/api/sheets/{sheet_id}/findings"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/projects/{project_id}/findings"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/annotations/{annotation_id}"): (lambda s, w: {}, VISIBLE),
    ("PATCH", "/api/annotations/{annotation_id}"): (_edit, ONLY_FIRE),
    ("DELETE", "/api/annotations/{annotation_id}"): (_delete, ONLY_FIRE),
    ("POST", "/api/annotations/{annotation_id}/comments"): (
        lambda s, w: {"json": {"client_id": _cid(), "body": "回复"}},
        expect(403, other_designer=404, designer=200, **{r: 200 for r in REVIEWERS})),
    # fire: open -> answered; the designer then tries answered -> closed, which only a reviewer may do
    ("POST", "/api/annotations/{annotation_id}/status"): (_status, ONLY_FIRE),
    ("POST", "/api/findings/{finding_id}/confirm"): (_confirm, ONLY_FIRE),
    ("POST", "/api/findings/{finding_id}/dismiss"): (_dismiss, ONLY_FIRE),
}


def prepare(stack, client, world):
    ids = create_review_world(stack, "权限矩阵-标注")
    demo = create_review_world(stack, project_id=stack.demo["project_id"])
    r = client.post(f"/api/sheets/{ids['sheet_id']}/annotations", headers=stack.token_headers("fire"),
                    json={"client_id": _cid(), **PIN})
    assert r.status_code == 200, r.text
    world.update(client=client, window_headers=stack.token_headers("window"),
                 annotation_id=r.json()["data"]["annotation"]["id"], finding_id=ids["finding_ids"][0])
    world.setdefault("project_id", stack.demo["project_id"])
    world.setdefault("sheet_id", demo["sheet_id"])
