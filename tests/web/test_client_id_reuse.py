"""A client_id names one write (decision 134). Sending the same write again is answered with its
stored result (a replay); a *different* write under a client_id already used (the same operation
on another sheet, markup or finding) is refused with 409 ``client_id_reused`` in both languages
and changes nothing. Before, it was acknowledged with the first write's result and ``replay:
true``, so the client believed a write had been done that never was. Real server processes in
both modes, over the websocket and over REST.

The same client_id on the *same* object with other content (another text for the same markup,
another reply to the same thread, another dismissal reason) is refused too (decision 142): the
record keeps a digest of what the write asked for. Before, it was answered as a replay.
"""

from __future__ import annotations

import httpx
import pytest

from tests.web.test_sync import PIN, Client, cid, rest_markup, token, world  # noqa: F401

pytestmark = pytest.mark.asyncio


def markups(stack, servers, world) -> dict[int, dict]:
    rows = httpx.get(f"{servers[0]}/api/projects/{world['project_id']}/annotations",
                     headers=stack.token_headers("window")).json()["data"]
    return {a["id"]: a for a in rows}


def assert_reused(reply: dict) -> None:
    assert reply["type"] == "error" and reply["code"] == "client_id_reused", reply
    assert "client_id 已用于另一项操作" in reply["messages"]["zh-CN"]
    assert "already used for another operation" in reply["messages"]["en"]
    assert "not done" in reply["message"]  # the socket's language (Accept-Language: en)


async def test_a_client_id_reused_for_another_object_is_refused_over_the_websocket(stack, servers, world):
    c = await Client.connect(servers[-1], world["project_id"], token(stack, "fire"),
                             additional_headers={"Accept-Language": "en"})
    try:
        key = cid()
        first = await c.request({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], **PIN})
        assert first["type"] == "ack" and first["replay"] is False
        before = markups(stack, servers, world)
        # the same client_id, a markup on the other sheet
        reply = await c.request({"type": "annotation.create", "client_id": key, "sheet_id": world["other_sheet_id"],
                                 **PIN, "body": "另一张图上的意见"})
        assert_reused(reply)
        assert reply["details"]["yours"] == {"op": "annotation.create", "sheet_id": world["other_sheet_id"]}
        # a true resend still gets the stored result
        again = await c.request({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], **PIN})
        assert again["type"] == "ack" and again["replay"] is True
        assert again["annotation"]["id"] == first["annotation"]["id"]
        # two edits of two markups under one client_id: the second is refused, its markup untouched
        a, b = rest_markup(stack, servers, world), rest_markup(stack, servers, world)
        key = cid()
        done = await c.request({"type": "annotation.update", "client_id": key, "annotation_id": a["id"],
                                "version": a["version"], "body": "第一处修改"})
        assert done["type"] == "ack" and done["annotation"]["body"] == "第一处修改"
        reply = await c.request({"type": "annotation.update", "client_id": key, "annotation_id": b["id"],
                                 "version": b["version"], "body": "第二处修改"})
        assert_reused(reply)
        reply = await c.request({"type": "annotation.set_status", "client_id": key, "annotation_id": b["id"],
                                 "version": b["version"], "status": "closed"})
        assert reply["code"] == "client_id_reused", reply  # another operation, as before
        reply = await c.request({"type": "finding.dismiss", "client_id": key, "finding_id": world["finding_ids"][0],
                                 "reason": "不适用"})
        assert reply["code"] == "client_id_reused", reply
    finally:
        await c.close()
    after = markups(stack, servers, world)
    assert after[b["id"]]["body"] == b["body"] and after[b["id"]]["version"] == b["version"]
    assert after[b["id"]]["status"] == "open"
    assert not [m for m in after.values() if m["sheet_id"] == world["other_sheet_id"] and m["id"] not in before]
    findings = httpx.get(f"{servers[0]}/api/sheets/{world['sheet_id']}/findings",
                         headers=stack.token_headers("window")).json()["data"]
    assert {f["id"]: f["state"] for f in findings}[world["finding_ids"][0]] != "dismissed"


async def test_a_client_id_reused_for_another_markup_is_refused_over_rest(stack, servers, world):
    a, b = rest_markup(stack, servers, world), rest_markup(stack, servers, world)
    key = cid()
    headers = stack.token_headers("planning")
    r = httpx.post(f"{servers[0]}/api/annotations/{a['id']}/comments", headers=headers,
                   json={"client_id": key, "body": "同意"})
    assert r.status_code == 200, r.text
    first = r.json()["data"]["comment"]
    for lang, words in (("zh-CN", "client_id 已用于另一项操作"), ("en", "already used for another operation")):
        r = httpx.post(f"{servers[-1]}/api/annotations/{b['id']}/comments", json={"client_id": key, "body": "另一条"},
                       headers={**headers, "Accept-Language": lang})
        assert r.status_code == 409, r.text
        err = r.json()["error"]
        assert r.json()["ok"] is False and err["code"] == "client_id_reused" and words in err["message"], err
    thread = httpx.get(f"{servers[0]}/api/annotations/{b['id']}", headers=headers).json()["data"]
    assert thread.get("comments", []) == []
    # the same reply again is answered with the reply it made
    r = httpx.post(f"{servers[0]}/api/annotations/{a['id']}/comments", headers=headers,
                   json={"client_id": key, "body": "同意"})
    assert r.status_code == 200 and r.json()["data"]["comment"] == first, r.text
    thread = httpx.get(f"{servers[0]}/api/annotations/{a['id']}", headers=headers).json()["data"]
    assert [c["id"] for c in thread["comments"]] == [first["id"]]


async def test_a_client_id_reused_on_the_same_object_with_other_content_is_refused(stack, servers, world):
    c = await Client.connect(servers[-1], world["project_id"], token(stack, "fire"),
                             additional_headers={"Accept-Language": "en"})
    try:
        key = cid()
        first = await c.request({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], **PIN})
        assert first["type"] == "ack" and first["replay"] is False
        before = markups(stack, servers, world)
        # the same client_id, the same sheet, another markup
        reply = await c.request({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"],
                                 **PIN, "body": "另一条意见"})
        assert_reused(reply)
        assert reply["details"]["other_content"] is True
        # the resend the viewer's outbox makes (the same message) is still a replay
        again = await c.request({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], **PIN})
        assert again["type"] == "ack" and again["replay"] is True
        assert again["annotation"]["id"] == first["annotation"]["id"]
        # so is a resend rebuilt from the stored markup (an empty clause, the points as stored)
        stored = {k: first["annotation"][k] for k in ("kind", "geometry", "severity", "body", "clause")}
        rebuilt = await c.request({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], **stored})
        assert rebuilt["type"] == "ack" and rebuilt["replay"] is True, rebuilt
        # an edit of one markup, then the same client_id with another text for it
        a = rest_markup(stack, servers, world)
        key = cid()
        done = await c.request({"type": "annotation.update", "client_id": key, "annotation_id": a["id"],
                                "version": a["version"], "body": "第一处修改"})
        assert done["type"] == "ack" and done["annotation"]["body"] == "第一处修改"
        reply = await c.request({"type": "annotation.update", "client_id": key, "annotation_id": a["id"],
                                 "version": a["version"], "body": "第二处修改"})
        assert_reused(reply)
        again = await c.request({"type": "annotation.update", "client_id": key, "annotation_id": a["id"],
                                 "version": a["version"], "body": "第一处修改"})
        assert again["type"] == "ack" and again["replay"] is True
    finally:
        await c.close()
    after = markups(stack, servers, world)
    assert after[a["id"]]["body"] == "第一处修改" and after[a["id"]]["version"] == a["version"] + 1
    assert len(after) == len(before) + 1  # the markup a, nothing else
    assert after[first["annotation"]["id"]]["body"] == PIN["body"]


async def test_a_reply_with_other_words_under_a_used_client_id_is_refused_over_rest(stack, servers, world):
    a = rest_markup(stack, servers, world)
    key = cid()
    headers = {**stack.token_headers("planning"), "Accept-Language": "zh-CN"}
    r = httpx.post(f"{servers[0]}/api/annotations/{a['id']}/comments", headers=headers,
                   json={"client_id": key, "body": "同意"})
    assert r.status_code == 200, r.text
    first = r.json()["data"]["comment"]
    r = httpx.post(f"{servers[-1]}/api/annotations/{a['id']}/comments", headers=headers,
                   json={"client_id": key, "body": "不同意"})
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "client_id_reused" and "client_id 已用于另一项操作" in err["message"], err
    assert "already used for another operation" in err["messages"]["en"]
    r = httpx.post(f"{servers[-1]}/api/annotations/{a['id']}/comments", headers=headers,
                   json={"client_id": key, "body": "同意"})
    assert r.status_code == 200 and r.json()["data"]["comment"] == first, r.text
    thread = httpx.get(f"{servers[0]}/api/annotations/{a['id']}", headers=headers).json()["data"]
    assert [c["body"] for c in thread["comments"]] == ["同意"]
