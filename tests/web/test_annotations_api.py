"""The annotations REST API in both modes: markups, threads, status, filters, idempotency,
version conflicts (409), findings, the comment library; every error is the one envelope."""

from __future__ import annotations

import time
import uuid

import pytest

from drawreview.services.comment_library import PALETTE
from tests.web.matrix.annotations import create_review_world


def cid() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def world(stack, client):
    return create_review_world(stack)


def markup(stack, client, world, who="fire", **extra):
    body = {"client_id": cid(), "kind": "rect", "geometry": {"points": [[10, 10], [200, 120]]},
            "severity": "general", "clause": "GB 50016-2014 5.2.2", "body": "防火间距不足", **extra}
    r = client.post(f"/api/sheets/{world['sheet_id']}/annotations", json=body, headers=stack.token_headers(who))
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_create_list_thread_and_filters(stack, client, world):
    made = markup(stack, client, world, severity="mandatory")
    ann = made["annotation"]
    assert made["seq"] and made["client_id"]
    assert ann["color"] == PALETTE["fire"] and ann["kind"] == "rect" and ann["version"] == 1
    aid = ann["id"]
    for who in ("designer", "planning"):
        r = client.post(f"/api/annotations/{aid}/comments", json={"client_id": cid(), "body": f"{who} 的回复"},
                        headers=stack.token_headers(who))
        assert r.status_code == 200, r.text
    got = client.get(f"/api/annotations/{aid}", headers=stack.token_headers("builder")).json()["data"]
    assert [c["author_role"] for c in got["comments"]] == ["designer", "reviewer"]
    url = f"/api/projects/{world['project_id']}/annotations"
    h = stack.token_headers("builder")
    assert aid in [a["id"] for a in client.get(url, params={"severity": "mandatory", "discipline": "fire"},
                                               headers=h).json()["data"]]
    assert aid not in [a["id"] for a in client.get(url, params={"status": "closed"}, headers=h).json()["data"]]
    assert aid not in [a["id"] for a in client.get(url, params={"sheet_id": world["other_sheet_id"]},
                                                   headers=h).json()["data"]]
    r = client.get(url, params={"status": "maybe"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"] == {"status": "one of ('open', 'answered', 'closed')"}


def test_same_client_id_twice_gives_the_same_result(stack, client, world):
    body = {"client_id": cid(), "kind": "pin", "geometry": {"points": [[5, 5]]}, "body": "重复提交"}
    url = f"/api/sheets/{world['sheet_id']}/annotations"
    r1 = client.post(url, json=body, headers=stack.token_headers("fire")).json()["data"]
    r2 = client.post(url, json=body, headers=stack.token_headers("fire")).json()["data"]
    assert r1 == r2
    listed = client.get(f"/api/projects/{world['project_id']}/annotations", headers=stack.token_headers("fire"))
    assert [a["client_id"] for a in listed.json()["data"]].count(body["client_id"]) == 1


def test_stale_version_answers_409(stack, client, world):
    aid = markup(stack, client, world)["annotation"]["id"]
    h = stack.token_headers("fire")
    assert client.patch(f"/api/annotations/{aid}", json={"version": 1, "body": "甲"}, headers=h).status_code == 200
    r = client.patch(f"/api/annotations/{aid}", json={"version": 1, "body": "乙"}, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert r.json()["error"]["details"]["annotation"]["body"] == "甲"
    assert client.delete(f"/api/annotations/{aid}", params={"version": 1}, headers=h).status_code == 409
    assert client.delete(f"/api/annotations/{aid}", params={"version": 2}, headers=h).status_code == 200
    assert client.get(f"/api/annotations/{aid}", headers=h).status_code == 404


def test_status_flow_and_reopen(stack, client, world):
    aid = markup(stack, client, world)["annotation"]["id"]

    def status(who, version, value):
        return client.post(f"/api/annotations/{aid}/status", json={"version": version, "status": value},
                           headers=stack.token_headers(who))

    assert status("designer", 1, "answered").json()["data"]["annotation"]["status"] == "answered"
    assert status("designer", 2, "closed").status_code == 403
    assert status("fire", 2, "closed").status_code == 200
    r = status("fire", 3, "answered")
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    assert status("fire", 3, "open").json()["data"]["annotation"]["status"] == "open"


def test_library_and_template(stack, client, world):
    lib = client.get("/api/annotation-library", headers=stack.token_headers("fire")).json()["data"]
    assert lib["palette"] == PALETTE and set(lib["comments"]) == set(PALETTE)
    entry = lib["comments"]["fire"][0]
    assert entry["text"]["zh-CN"] and entry["text"]["en"]
    only = client.get("/api/annotation-library?discipline=fire", headers=stack.token_headers("fire")).json()["data"]
    assert list(only["comments"]) == ["fire"]
    body = {"client_id": cid(), "kind": "pin", "geometry": {"points": [[1, 1]]}, "template": entry["id"]}
    r = client.post(f"/api/sheets/{world['sheet_id']}/annotations", json=body, headers=stack.token_headers("fire"))
    ann = r.json()["data"]["annotation"]
    assert ann["body"] == entry["text"]["zh-CN"] and ann["severity"] == entry["severity"]
    assert ann["clause"] == entry["clause"]


def test_findings_confirm_and_dismiss(stack, client, world):
    h = stack.token_headers("fire")
    # the reviewer's working material (the design institute sees only confirmed findings: test_precheck)
    listed = client.get(f"/api/sheets/{world['sheet_id']}/findings", headers=h)
    ids = {f["id"]: f for f in listed.json()["data"]}
    first, second = world["finding_ids"]
    assert ids[first]["rect"] and ids[first]["color"] == PALETTE["fire"]
    r = client.post(f"/api/findings/{first}/confirm", headers=h)  # no body at all is fine
    assert r.status_code == 200, r.text
    ann = r.json()["data"]["annotation"]
    assert ann["finding_id"] == first and ann["automatic"] is False
    again = client.post(f"/api/findings/{first}/confirm", json={}, headers=h).json()["data"]["annotation"]
    assert again["id"] == ann["id"]
    assert client.post(f"/api/findings/{second}/dismiss", json={}, headers=h).status_code == 422
    r = client.post(f"/api/findings/{second}/dismiss", json={"reason": "图面已标注，误报"}, headers=h)
    assert r.json()["data"]["finding"]["state"] == "dismissed"
    assert client.post(f"/api/findings/{second}/confirm", headers=h).status_code == 409
    states = {f["id"]: f["state"] for f in client.get(f"/api/sheets/{world['sheet_id']}/findings",
                                                        headers=h).json()["data"]}
    assert states[first] == "confirmed" and states[second] == "dismissed"


@pytest.mark.parametrize("body,field", [
    ({"kind": "star", "geometry": {"points": [[1, 1]]}}, "kind"),
    ({"kind": "pin", "geometry": {"points": [[1, 1]]}, "severity": "urgent"}, "severity"),
    ({"kind": "pin", "geometry": {"points": [[1, 1]]}, "clause": 5}, "clause"),
    ({"kind": "pin", "geometry": [[1, 1]]}, "geometry"),
    ({"kind": "pin", "geometry": {"points": [[1, 1]]}, "template": "nope"}, "template"),
])
def test_validation_names_the_field(stack, client, world, body, field):
    r = client.post(f"/api/sheets/{world['sheet_id']}/annotations", json={"client_id": cid(), **body},
                    headers=stack.token_headers("fire"))
    assert r.status_code == 422 and field in r.json()["error"]["details"], r.text


def test_project_findings_list_every_sheets_findings(stack, client):
    own = create_review_world(stack, "全部图纸检查结果")
    other = create_review_world(stack)  # another project: its findings never show
    import asyncio

    from drawreview.db import Database
    from drawreview.models import RuleFinding

    async def add_on_other_sheet():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                row = RuleFinding(sheet_id=own["other_sheet_id"], rule_id="FR-09", discipline="fire", severity="warning",
                                  data={"bbox": [100000.0, 60000.0, 110000.0, 65000.0], "message_zh": "另一张图",
                                        "message_en": "other sheet"})
                s.add(row)
                await s.commit()
                return row.id
        finally:
            await db.close()

    extra = asyncio.run(add_on_other_sheet())
    r = client.get(f"/api/projects/{own['project_id']}/findings", headers=stack.token_headers("planning"))
    assert r.status_code == 200, r.text
    rows = r.json()["data"]
    assert [f["id"] for f in rows] == own["finding_ids"] + [extra]
    assert {f["sheet_id"] for f in rows} == {own["sheet_id"], own["other_sheet_id"]}
    assert all(f["rect"] and f["rect"][0][1] < f["rect"][1][1] for f in rows)  # sheet rectangles
    assert not {f["id"] for f in rows} & set(other["finding_ids"])
    # one submission's findings (the designer's pre-check summary counts these, however many sheets)
    later = create_review_world(stack, project_id=own["project_id"])

    async def in_review(sid):  # planning reviews the later submission too: its findings are visible
        from drawreview.models import ReviewTask
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                s.add(ReviewTask(submission_id=sid, discipline="planning", state="reviewing"))
                await s.commit()
        finally:
            await db.close()

    asyncio.run(in_review(later["submission_id"]))
    everything = client.get(f"/api/projects/{own['project_id']}/findings", headers=stack.token_headers("planning"))
    later_sheets = {later["sheet_id"], later["other_sheet_id"]}
    assert set(later["finding_ids"]) <= {f["id"] for f in everything.json()["data"]}
    first = client.get(f"/api/projects/{own['project_id']}/findings", params={"submission": own["submission_id"]},
                       headers=stack.token_headers("planning"))
    assert [f["id"] for f in first.json()["data"]] == own["finding_ids"] + [extra]
    second = client.get(f"/api/projects/{own['project_id']}/findings", params={"submission": later["submission_id"]},
                        headers=stack.token_headers("planning"))
    assert [f["id"] for f in second.json()["data"]] == [f["id"] for f in everything.json()["data"]
                                                        if f["sheet_id"] in later_sheets]
    foreign = client.get(f"/api/projects/{own['project_id']}/findings", params={"submission": other["submission_id"]},
                         headers=stack.token_headers("planning"))
    assert foreign.status_code == 200 and foreign.json()["data"] == []  # another project's submission: nothing
    bad = client.get(f"/api/projects/{own['project_id']}/findings", params={"submission": "x"},
                     headers=stack.token_headers("planning"))
    assert bad.status_code == 422 and "submission" in bad.json()["error"]["details"]


def test_a_new_comment_notifies_the_design_institute(stack, client, world):
    def mine(who):
        rows = client.get("/api/notifications", headers=stack.token_headers(who)).json()["data"]
        return [n for n in rows if n["type"] == "comment.added" and n["project_id"] == world["project_id"]]

    before = len(mine("designer"))
    made = markup(stack, client, world, severity="general")["annotation"]
    deadline = time.monotonic() + 5  # written just after the commit, off the write path
    while len(after := mine("designer")) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(after) == before + 1
    newest = max(after, key=lambda n: n["id"])
    assert "消防" in newest["titles"]["zh-CN"] and "fire" in newest["titles"]["en"].lower()
    assert newest["payload"].get("link", f"/sheets/{made['sheet_id']}") == f"/sheets/{made['sheet_id']}"
    assert not mine("planning")  # reviewers are not told of each other's comments by notification


def test_times_carry_their_utc_offset_in_both_modes(stack, client, world):
    """A markup's and a reply's times read back with their offset: on SQLite the stored time is
    naive UTC, and an ISO time without an offset is read as local time by a browser (8 h off)."""
    from datetime import datetime, timedelta

    aid = markup(stack, client, world)["annotation"]["id"]
    r = client.post(f"/api/annotations/{aid}/comments", json={"client_id": cid(), "body": "已修改"},
                    headers=stack.token_headers("designer"))
    assert r.status_code == 200, r.text
    got = client.get(f"/api/annotations/{aid}", headers=stack.token_headers("builder")).json()["data"]
    listed = next(a for a in client.get(f"/api/projects/{world['project_id']}/annotations",
                                        headers=stack.token_headers("builder")).json()["data"] if a["id"] == aid)
    for at in (got["created_at"], got["updated_at"], got["comments"][0]["created_at"], listed["created_at"]):
        assert datetime.fromisoformat(at).utcoffset() == timedelta(0), at
