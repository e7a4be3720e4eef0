"""A reviewer of the discipline who is not the task's assigned reviewer reads the project and
replies, but writes nothing in the assigned reviewer's name (decision 125), over HTTP and the
websocket of real server processes, in both modes.

Found from outside: a second fire reviewer, never assigned, created fire markups, changed the
assigned reviewer's markup and confirmed a fire finding on the project (only concluding the
task was refused to him)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlmodel import select

from tests.web.matrix.annotations import create_review_world
from tests.web.test_sync import PIN, Client, cid



async def _setup(stack, world) -> str:
    """Assign the world's fire task to the demo fire reviewer; make a second fire reviewer."""
    from drawreview.auth import new_api_token
    from drawreview.db import Database
    from drawreview.models import Organisation, ReviewTask, User
    from drawreview.services import accounts

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            fire = (await s.exec(select(User).where(User.username == "fire"))).one()
            task = (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == world["submission_id"],
                                                          ReviewTask.discipline == "fire"))).one()
            task.reviewer_id = fire.id
            s.add(task)
            other = await accounts.create_user(s, f"fire_{uuid.uuid4().hex[:8]}", "a-long-password-1", "reviewer",
                                               discipline="fire", org=await s.get(Organisation, fire.org_id))
            token = await new_api_token(s, other)
            await s.commit()
            return token
    finally:
        await db.close()


@pytest.fixture(scope="module")
def assigned(stack, servers):
    world = create_review_world(stack)
    world["other_token"] = asyncio.run(_setup(stack, world))
    return world


def _as(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_unassigned_reviewer_reads_and_replies_but_does_not_write(stack, servers, assigned):
    other = _as(assigned["other_token"])
    base = servers[0]
    with httpx.Client(base_url=base, timeout=30) as http:
        # he sees the project, its markups and findings (a checker of the discipline reads them)
        assert http.get(f"/api/projects/{assigned['project_id']}/annotations", headers=other).status_code == 200
        # the assigned reviewer writes
        mine = http.post(f"/api/sheets/{assigned['sheet_id']}/annotations", headers=stack.token_headers("fire"),
                         json={"client_id": cid(), **PIN})
        assert mine.status_code == 200, mine.text
        ann = mine.json()["data"]["annotation"]
        # the other one creates nothing
        made = http.post(f"/api/sheets/{assigned['sheet_id']}/annotations", headers=other,
                         json={"client_id": cid(), **PIN})
        assert made.status_code == 403 and made.json()["error"]["code"] == "not_assigned", made.text
        assert made.json()["error"]["messages"]["zh-CN"] and made.json()["error"]["messages"]["en"]
        # changes, closes or deletes nothing of the assigned reviewer's
        edit = http.patch(f"/api/annotations/{ann['id']}", headers=other,
                          json={"version": ann["version"], "body": "改写"})
        assert edit.status_code == 403 and edit.json()["error"]["code"] == "not_assigned", edit.text
        close = http.post(f"/api/annotations/{ann['id']}/status", headers=other,
                          json={"version": ann["version"], "status": "closed"})
        assert close.status_code == 403 and close.json()["error"]["code"] == "not_assigned", close.text
        gone = http.delete(f"/api/annotations/{ann['id']}", headers=other, params={"version": ann["version"]})
        assert gone.status_code == 403 and gone.json()["error"]["code"] == "not_assigned", gone.text
        # decides no finding
        decided = http.post(f"/api/findings/{assigned['finding_ids'][0]}/confirm", headers=other, json={})
        assert decided.status_code == 403 and decided.json()["error"]["code"] == "not_assigned", decided.text
        # but replies in the thread, as any reviewer may
        reply = http.post(f"/api/annotations/{ann['id']}/comments", headers=other,
                          json={"client_id": cid(), "body": "同意"})
        assert reply.status_code == 200, reply.text
        # nothing changed: the markup is as the assigned reviewer left it, the finding undecided
        now = http.get(f"/api/annotations/{ann['id']}", headers=stack.token_headers("fire")).json()["data"]
        assert (now["version"], now["body"], now["status"]) == (ann["version"], ann["body"], ann["status"])
        findings = http.get(f"/api/sheets/{assigned['sheet_id']}/findings", headers=stack.token_headers("fire"))
        assert {f["id"]: f["state"] for f in findings.json()["data"]}[assigned["finding_ids"][0]] == "new"
        # the assigned reviewer still changes his own markup
        ok = http.patch(f"/api/annotations/{ann['id']}", headers=stack.token_headers("fire"),
                        json={"version": ann["version"], "body": "请补充防火间距标注"})
        assert ok.status_code == 200, ok.text


async def test_the_unassigned_reviewer_writes_nothing_over_the_websocket(stack, servers, assigned):
    other = await Client.connect(servers[-1], assigned["project_id"], assigned["other_token"])
    try:
        await other.send({"type": "annotation.create", "client_id": "c-" + cid(), "sheet_id": assigned["sheet_id"], **PIN})
        err = await other.expect(lambda m: m["type"] in ("ack", "error"))
        assert err["type"] == "error" and err["code"] == "not_assigned", err
        await other.send({"type": "finding.dismiss", "client_id": "d-" + cid(), "finding_id": assigned["finding_ids"][1],
                          "reason": "不成立"})
        err = await other.expect(lambda m: m["type"] in ("ack", "error"))
        assert err["type"] == "error" and err["code"] == "not_assigned", err
    finally:
        await other.close()
    fire = await Client.connect(servers[-1], assigned["project_id"], stack.account("fire")["token"])
    try:
        await fire.send({"type": "annotation.create", "client_id": "f-" + cid(), "sheet_id": assigned["sheet_id"], **PIN})
        ack = await fire.expect(lambda m: m["type"] in ("ack", "error"))
        assert ack["type"] == "ack", ack
    finally:
        await fire.close()


async def _give_fire_task_to(stack, world, username: str | None) -> None:
    from drawreview.db import Database
    from drawreview.models import ReviewTask, User

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            task = (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == world["submission_id"],
                                                          ReviewTask.discipline == "fire"))).one()
            user = (await s.exec(select(User).where(User.username == username))).one() if username else None
            task.reviewer_id = user.id if user else None
            s.add(task)
            await s.commit()
    finally:
        await db.close()


async def test_a_task_reassigned_away_stops_an_open_socket_writing(stack, servers, assigned):
    """The socket checked the assignment at connect; the periodic re-check sees the task go to
    another reviewer, and from then the socket only reads and replies."""
    fire = await Client.connect(servers[-1], assigned["project_id"], stack.account("fire")["token"])
    try:
        await fire.send({"type": "annotation.create", "client_id": "g-" + cid(), "sheet_id": assigned["sheet_id"], **PIN})
        ack = await fire.expect(lambda m: m["type"] in ("ack", "error"))
        assert ack["type"] == "ack", ack
        await _give_fire_task_to(stack, assigned, "planning")  # any other reviewer's id will do
        await asyncio.sleep(stack.settings.sync_recheck_s + 1.0)  # past the next re-check
        await fire.send({"type": "annotation.update", "client_id": "h-" + cid(),
                         "annotation_id": ack["annotation"]["id"], "version": 1, "body": "改"})
        err = await fire.expect(lambda m: m["type"] in ("ack", "error"))
        assert err["type"] == "error" and err["code"] == "not_assigned", err
        await fire.send({"type": "comment.create", "client_id": "i-" + cid(),
                         "annotation_id": ack["annotation"]["id"], "body": "回复"})
        reply = await fire.expect(lambda m: m["type"] in ("ack", "error"))
        assert reply["type"] == "ack", reply
    finally:
        await fire.close()
        await _give_fire_task_to(stack, assigned, "fire")
