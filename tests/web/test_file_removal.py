"""Removing a file from a draft through the HTTP API (both deployment modes): its sheets and
findings go with it, a zip takes its members along, the size budget is given back, the audit log
keeps it — and only while the submission is a draft and the file is not being processed."""

from __future__ import annotations


from sqlalchemy import update
from sqlmodel import select

from tests import drawing_inputs as di
from tests.services.reviews_world import run


def _sheets(client, stack, sub):
    return client.get(f"/api/submissions/{sub}/sheets", headers=stack.token_headers("designer")).json()["data"]


def test_removing_a_file_takes_its_sheets_and_members_and_is_audited(stack, client):
    from drawreview.models import AuditEntry, RuleFinding, Sheet, Submission

    sub = di.new_submission(client, stack)
    di.upload(client, stack, sub, [("保留.dxf", di.plan()),
                                   ("整套.zip", di.zip_of({"建施/一层.dxf": di.simple_dxf(("一层",)),
                                                         "建施/二层.dxf": di.simple_dxf(("二层",))}))])
    files = di.by_name(di.wait_files(client, stack, sub))
    assert {"保留.dxf", "整套.zip", "建施/一层.dxf", "建施/二层.dxf"} <= set(files), files
    before = _sheets(client, stack, sub)
    kept_ids = {s["id"] for s in before if s["file_id"] == files["保留.dxf"]["id"]}
    assert kept_ids and len(before) > len(kept_ids)
    budget = run(stack, lambda s: s.get(Submission, sub)).total_bytes

    designer = stack.token_headers("designer")
    r = client.delete(f"/api/files/{files['整套.zip']['id']}", headers=designer)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["removed_files"] == 3
    after = _sheets(client, stack, sub)
    assert {s["id"] for s in after} == kept_ids  # the members' sheets are gone, the other file's stay
    names = {f["original_name"] for f in client.get(f"/api/submissions/{sub}", headers=designer).json()["data"]["files"]}
    assert names == {"保留.dxf"}

    async def check(s):
        sub_row = await s.get(Submission, sub)
        gone = [x["id"] for x in before if x["id"] not in kept_ids]
        left = (await s.exec(select(Sheet).where(Sheet.id.in_(gone)))).all()
        findings = (await s.exec(select(RuleFinding).where(RuleFinding.sheet_id.in_(gone)))).all()
        audit = (await s.exec(select(AuditEntry).where(AuditEntry.action == "file.delete",
                                                       AuditEntry.object_id == str(files["整套.zip"]["id"])))).all()
        return sub_row.total_bytes, left, findings, audit

    total, left, findings, audit = run(stack, check)
    assert total == budget - files["整套.zip"]["size"] and not left and not findings
    assert len(audit) == 1 and audit[0].detail["name"] == "整套.zip" and audit[0].detail["members"] == 2


def test_removal_refused_outside_a_draft_or_while_processing(stack, client):
    from drawreview.models import DrawingFile, Submission

    sub = di.new_submission(client, stack)
    di.upload(client, stack, sub, [("平面.dxf", di.plan())])
    f = di.wait_files(client, stack, sub)[0]
    designer = stack.token_headers("designer")

    run(stack, lambda s: s.exec(update(DrawingFile).where(DrawingFile.id == f["id"]).values(state="processing")))
    r = client.delete(f"/api/files/{f['id']}", headers=designer)
    assert r.status_code == 409 and r.json()["error"]["code"] == "file_busy"
    assert r.json()["error"]["messages"]["zh-CN"] and r.json()["error"]["messages"]["en"]

    run(stack, lambda s: s.exec(update(DrawingFile).where(DrawingFile.id == f["id"]).values(state="ready")))
    run(stack, lambda s: s.exec(update(Submission).where(Submission.id == sub).values(state="in_review")))
    r = client.delete(f"/api/files/{f['id']}", headers=designer)
    assert r.status_code == 409, r.text
    assert len(_sheets(client, stack, sub)) == 2  # nothing touched
    assert client.delete(f"/api/files/{f['id']}", headers=stack.token_headers("window")).status_code == 403
    assert client.delete("/api/files/999999999", headers=designer).status_code == 404
