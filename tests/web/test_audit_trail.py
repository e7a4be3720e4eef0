"""A project's audit trail in the browser and as CSV (issue #14): the window and the authority's
administrators read it, filter by actor, action and date, and see its hash chain verified; an
altered entry is named. Nobody else reads it."""

from __future__ import annotations

import csv
import io

import pytest

from tests.services.reviews_world import new_project, new_submission, run


@pytest.fixture(scope="module")
def case(stack, client):
    async def go(s):
        project = await new_project(s, stack, name="审计记录测试项目")
        return project.id, (await new_submission(s, project)).id

    pid, sid = run(stack, go)
    assert client.post(f"/api/submissions/{sid}/submit", headers=stack.token_headers("designer")).status_code == 200
    r = client.post(f"/api/submissions/{sid}/accept", headers=stack.token_headers("window"), json={})
    assert r.status_code == 200, r.text
    return pid, sid


def test_the_window_reads_filters_and_exports_the_trail_with_the_chain_verified(stack, client, case):
    pid, sid = case
    h = stack.token_headers("window")
    data = client.get(f"/api/projects/{pid}/audit", headers=h).json()["data"]
    assert data["chain"] == {"ok": True, "checked": len(data["entries"]), "bad_id": None, "reason": ""}
    actions = [e["action"] for e in data["entries"]]
    assert {"submission.submit", "submission.accept", "task.start"} <= set(actions)
    only = client.get(f"/api/projects/{pid}/audit", headers=h, params={"action": "task.start"}).json()["data"]["entries"]
    assert only and {e["action"] for e in only} == {"task.start"} and len(only) == actions.count("task.start")
    prefix = client.get(f"/api/projects/{pid}/audit", headers=h, params={"action": "submission."}).json()["data"]
    assert {e["action"] for e in prefix["entries"]} == {a for a in actions if a.startswith("submission.")}
    by_designer = client.get(f"/api/projects/{pid}/audit", headers=h, params={"actor": "designer"}).json()["data"]
    assert [e["action"] for e in by_designer["entries"]] == ["submission.submit"]
    today = data["entries"][-1]["at_local"][:10]
    dated = client.get(f"/api/projects/{pid}/audit", headers=h, params={"from": today, "to": today}).json()["data"]
    assert len(dated["entries"]) == len(actions)
    assert client.get(f"/api/projects/{pid}/audit", headers=h, params={"to": "2000-01-01"}).json()["data"]["entries"] == []
    r = client.get(f"/api/projects/{pid}/audit", headers=h, params={"from": "2024-13-01"})
    assert r.status_code == 422 and r.json()["ok"] is False
    # CSV: the same rows, readable by a plain csv reader
    r = client.get(f"/api/projects/{pid}/audit.csv", headers=h, params={"action": "task.start"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv") and r.headers["x-audit-chain"] == "verified"
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["id"] for row in rows] == [str(e["id"]) for e in only] and rows[0]["action"] == "task.start"
    assert '"discipline"' in rows[0]["detail"]
    # the page: entries, the filters and the verified chain
    page = client.get(f"/projects/{pid}/audit", headers=h, params={"action": "submission.accept"})
    assert page.status_code == 200 and 'id="audit-chain" data-ok="yes"' in page.text
    assert 'data-action="submission.accept"' in page.text and 'data-action="task.start"' not in page.text
    assert f'/projects/{pid}/audit' in client.get(f"/projects/{pid}", headers=h).text  # linked from the project page


def test_only_the_window_and_admins_read_it_and_an_altered_entry_is_named(stack, client, case):
    pid, _ = case
    for who in ("designer", "builder", "fire"):
        r = client.get(f"/api/projects/{pid}/audit", headers=stack.token_headers(who))
        assert r.status_code in (403, 404) and r.json()["ok"] is False, who
        assert client.get(f"/api/projects/{pid}/audit.csv", headers=stack.token_headers(who)).status_code in (403, 404)
    assert client.get(f"/api/projects/{pid}/audit").status_code == 401

    from sqlalchemy import update
    from sqlmodel import select

    from drawreview.models import AuditEntry

    async def tamper(s):
        row = (await s.exec(select(AuditEntry).where(AuditEntry.project_id == pid,
                                                     AuditEntry.action == "submission.accept"))).one()
        await s.exec(update(AuditEntry).where(AuditEntry.id == row.id).values(actor="someone-else"))
        return row.id

    bad = run(stack, tamper)
    data = client.get(f"/api/projects/{pid}/audit", headers=stack.token_headers("window")).json()["data"]
    assert data["chain"]["ok"] is False and data["chain"]["bad_id"] == bad
    page = client.get(f"/projects/{pid}/audit", headers=stack.token_headers("window"))
    assert 'data-ok="no"' in page.text and str(bad) in page.text
