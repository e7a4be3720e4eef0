"""A write sent again with its ``Idempotency-Key`` is done once (web/idempotency.py, decision 161).

Decision 157's outside client found that a retried ``POST /api/projects`` (an answer lost to a
timeout) made a second project, and a retried transition got a 409 that did not say whether it
was done. Over HTTP, both modes: the same key and request again give the first answer and no
second row, across the app processes of the scaled topology too; the key with another body is a
422, a malformed key a 400, a refused request frees its key, a key whose request is running is a
409 and one whose request died is free again after a while."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlmodel import select

from drawreview.models import IdempotentRequest, Project, utcnow
from tests.services.reviews_world import run


def _body(name: str) -> dict:
    return {"name": name, "construction_unit_id": 3, "design_institute_id": 2, "project_type": "building"}


def _projects_named(client, headers, name: str) -> list[dict]:
    return [p for p in client.get("/api/projects", headers=headers).json()["data"] if p["name"] == name]


def test_a_write_sent_again_with_its_key_is_done_once(stack, client):
    h = stack.token_headers("designer")
    name = f"幂等项目 {uuid.uuid4().hex[:6]}"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/api/projects", json=_body(name), headers={**h, **key})
    assert first.status_code == 200, first.text
    again = client.post("/api/projects", json=_body(name), headers={**h, **key})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(_projects_named(client, h, name)) == 1
    # without a key, or with another, the same request is a new one
    other = client.post("/api/projects", json=_body(name), headers={**h, "Idempotency-Key": f'"{uuid.uuid4()}"'})
    assert other.status_code == 200 and "Idempotent-Replayed" not in other.headers
    assert len(_projects_named(client, h, name)) == 2
    # the key is the caller's own: another user's same key is another request
    w = stack.token_headers("window")
    theirs = client.post("/api/projects", json=_body(name + " 窗口"), headers={**w, **key})
    assert "Idempotent-Replayed" not in theirs.headers


def test_a_key_used_for_another_request_or_malformed_is_refused(stack, client):
    h = stack.token_headers("designer")
    name = f"键复用 {uuid.uuid4().hex[:6]}"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert client.post("/api/projects", json=_body(name), headers={**h, **key}).status_code == 200
    reused = client.post("/api/projects", json=_body(name + "2"), headers={**h, **key})
    assert reused.status_code == 422, reused.text
    err = reused.json()["error"]
    assert err["code"] == "idempotency_key_reused" and err["messages"]["zh-CN"] and err["messages"]["en"]
    assert _projects_named(client, h, name + "2") == []
    for bad in ("", "键".encode(), "x" * 256, "a b"):
        r = client.post("/api/projects", json=_body(name + "3"), headers={**h, "Idempotency-Key": bad})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_idempotency_key", (bad, r.text)
    assert _projects_named(client, h, name + "3") == []


def test_a_refused_request_frees_its_key(stack, client):
    """Only answers that did something are kept: after a 422 the same key carries the corrected
    request (the draft lets a server keep errors; keeping them would make the client invent a
    new key for every retry after a refusal)."""
    h = stack.token_headers("designer")
    name = f"先错后对 {uuid.uuid4().hex[:6]}"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    bad = client.post("/api/projects", json={**_body(name), "project_type": "castle"}, headers={**h, **key})
    assert bad.status_code == 422
    good = client.post("/api/projects", json=_body(name), headers={**h, **key})
    assert good.status_code == 200 and "Idempotent-Replayed" not in good.headers
    assert len(_projects_named(client, h, name)) == 1


def test_a_key_in_use_is_a_conflict_and_a_dead_claim_expires(stack, client):
    h = stack.token_headers("designer")
    user_id = client.get("/api/me", headers=h).json()["data"]["id"]
    name = f"处理中 {uuid.uuid4().hex[:6]}"
    key = str(uuid.uuid4())
    # a first request with this key running (claimed, no answer yet); its fingerprint is this body's
    first = client.post("/api/projects", json=_body(name), headers={**h, "Idempotency-Key": key})
    assert first.status_code == 200

    async def unanswer(session, minutes: float):
        row = (await session.exec(select(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                                  IdempotentRequest.key == key))).one()
        row.status, row.body = None, None
        row.created_at = utcnow() - timedelta(minutes=minutes)
        session.add(row)
        await session.commit()

    run(stack, lambda s: unanswer(s, 0))
    busy = client.post("/api/projects", json=_body(name), headers={**h, "Idempotency-Key": key})
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "idempotency_key_in_use"
    run(stack, lambda s: unanswer(s, 10))  # its request died ten minutes ago: the key is free again
    again = client.post("/api/projects", json=_body(name), headers={**h, "Idempotency-Key": key})
    assert again.status_code == 200 and "Idempotent-Replayed" not in again.headers

    async def count(session):
        return len((await session.exec(select(Project).where(Project.name == name))).all())

    assert run(stack, count) == 2


def test_the_answer_is_replayed_by_every_app_process(stack, servers):
    """In the scaled topology the retry may reach the other replica: the record is in the shared
    database, not in a process."""
    urls = servers
    h = stack.token_headers("designer")
    name = f"跨进程 {uuid.uuid4().hex[:6]}"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = httpx.post(f"{urls[0]}/api/projects", json=_body(name), headers={**h, **key}, timeout=30)
    assert first.status_code == 200, first.text
    again = httpx.post(f"{urls[-1]}/api/projects", json=_body(name), headers={**h, **key}, timeout=30)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    listed = httpx.get(f"{urls[-1]}/api/projects", headers=h, timeout=30).json()["data"]
    assert [p["name"] for p in listed].count(name) == 1
