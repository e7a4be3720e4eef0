"""Every time the JSON API answers carries its offset, and one moment reads the same wherever it
is answered: the same comment's ``created_at`` from the annotation API (UTC) and from the
round's comment list (Beijing time, as the report prints it) is one instant. Found by an
outside client: a project listed by ``GET /api/projects`` read ``22:45:16`` (no offset) where
``POST /api/projects`` had answered ``22:45:16+00:00``, and the comment list read ``06:46:44``
for a comment the annotation API dated ``22:46:44+00:00`` — 8 hours apart to any client that
reads a bare time as its own zone, and to one that reads it as UTC."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from tests.services.reviews_world import new_project, new_submission, run

USERS = ("window", "designer", "fire")


@pytest.fixture(scope="module")
def h(stack):
    return {name: stack.token_headers(name) for name in USERS}


def ok(r):
    assert r.status_code == 200, r.text
    return r.json()["data"]


def at(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, f"{text!r} has no offset"
    return value


def test_api_times_carry_their_offset_and_agree(stack, client, h):
    from drawreview.storage import make_storage

    async def go(s):
        project = await new_project(s, stack, name="时间偏移测试项目")
        sub = await new_submission(s, project, storage=make_storage(stack.settings))
        return project.id, sub.id

    pid, sid = run(stack, go)
    listed = next(p for p in ok(client.get("/api/projects", headers=h["designer"])) if p["id"] == pid)
    one = ok(client.get(f"/api/projects/{pid}", headers=h["designer"]))
    assert at(listed["created_at"]) == at(one["created_at"])
    sub = ok(client.get(f"/api/submissions/{sid}", headers=h["designer"]))
    at(sub["created_at"])
    assert sub["files"] and all(at(f["created_at"]) for f in sub["files"])
    ok(client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]))
    assert at(ok(client.get(f"/api/submissions/{sid}", headers=h["designer"]))["submitted_at"])
    ok(client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={}))
    sheet_id = ok(client.get(f"/api/submissions/{sid}/sheets", headers=h["window"]))[0]["id"]
    made = ok(client.post(f"/api/sheets/{sheet_id}/annotations", headers=h["fire"], json={
        "client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [[200, 200]]},
        "severity": "general", "body": "疏散距离超限"}))["annotation"]
    ok(client.post(f"/api/annotations/{made['id']}/comments", headers=h["designer"],
                   json={"client_id": uuid.uuid4().hex, "body": "已修改"}))
    stored = ok(client.get(f"/api/annotations/{made['id']}", headers=h["designer"]))
    [listed] = [c for c in ok(client.get(f"/api/submissions/{sid}/comments", headers=h["designer"]))
                if c["id"] == made["id"]]
    assert at(listed["created_at"]) == at(made["created_at"]) == at(stored["created_at"])
    assert at(listed["created_at"]).utcoffset() == timedelta(hours=8)  # Beijing time, as in the report
    [reply] = listed["thread"]
    assert abs(at(reply["at"]) - at(made["created_at"])) < timedelta(minutes=5)
    tokens = ok(client.get("/api/tokens", headers=h["designer"]))
    assert tokens and all(at(t["created_at"]) < at(t["expires_at"]) for t in tokens)
