"""The websocket shows outside readers what REST shows them, through real server processes in
both modes: a dismissed rule finding is the reviewers' working material, so the design
institute and the construction unit receive its seq but not the finding, the reviewer's reason
or the reviewer, live and when catching up from the log.

Found from outside: the construction unit's socket received ``finding.dismissed`` with the whole
finding and the reviewer's dismissal reason, while ``GET /api/projects/{id}/findings`` hid it."""

from __future__ import annotations

import asyncio
import json

import httpx

from tests.web.test_sync import Client, cid, world  # noqa: F401  (the module's review world)

REASON = "内部讨论：图面已满足要求"


async def _next_event(client: Client, seq_above: int) -> dict:
    return await client.expect(lambda m: isinstance(m.get("seq"), int) and m["seq"] > seq_above
                               and m["type"] == "finding.dismissed", timeout=10)


async def test_a_dismissed_finding_reaches_outside_readers_without_its_content(stack, servers, world):  # noqa: F811
    finding_id = world["finding_ids"][1]
    readers = {name: await Client.connect(servers[-1], world["project_id"], stack.account(name)["token"])
               for name in ("designer", "builder", "window")}
    start = readers["window"].welcome["seq"]
    try:
        r = httpx.post(f"{servers[0]}/api/findings/{finding_id}/dismiss", headers=stack.token_headers("fire"),
                       json={"reason": REASON}, timeout=30)
        assert r.status_code == 200, r.text
        seq = r.json()["data"]["seq"]
        live = {name: await _next_event(c, start) for name, c in readers.items()}
    finally:
        for c in readers.values():
            await c.close()
    # the authority sees the finding and the reason
    assert live["window"]["seq"] == seq and live["window"]["finding"]["dismiss_reason"] == REASON
    for name in ("designer", "builder"):
        got = live[name]
        assert got["seq"] == seq and got["type"] == "finding.dismissed"
        assert "finding" not in got and "actor_id" not in got and "actor" not in got, got
        assert REASON not in json.dumps(got, ensure_ascii=False)
    # the same from the log, for a reader who reconnects and catches up
    again = await Client.connect(servers[0], world["project_id"], stack.account("builder")["token"], since=start)
    try:
        replayed = await _next_event(again, start)
    finally:
        await again.close()
    assert replayed["seq"] == seq and "finding" not in replayed
    assert REASON not in json.dumps(replayed, ensure_ascii=False)
    # and REST agrees: the construction unit does not see the dismissed finding at all
    listed = httpx.get(f"{servers[0]}/api/projects/{world['project_id']}/findings",
                       headers=stack.token_headers("builder"), timeout=30).json()["data"]
    assert finding_id not in {f["id"] for f in listed}


async def _not_started(stack, world: dict) -> None:
    """The world's submission as it is before the window accepts it: submitted, no task started."""
    from sqlalchemy import update

    from drawreview.db import Database
    from drawreview.models import ReviewTask, Submission

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            await s.exec(update(Submission).where(Submission.id == world["submission_id"]).values(state="submitted"))
            await s.exec(update(ReviewTask).where(ReviewTask.submission_id == world["submission_id"])
                         .values(state="pending"))
            await s.commit()
    finally:
        await db.close()


async def test_findings_of_a_review_not_started_are_neither_decided_nor_sent(stack, servers):
    """Reviewers see a submission's findings once its review started (REST lists none before).
    Found from outside: the fire reviewer confirmed and dismissed such findings by id over the
    websocket, and their events carried the findings, with the dismissal reason, to the other
    reviewers' sockets."""
    from tests.web.matrix.annotations import create_review_world

    own = await asyncio.to_thread(create_review_world, stack)
    await _not_started(stack, own)
    h = stack.token_headers("fire")
    assert httpx.get(f"{servers[0]}/api/sheets/{own['sheet_id']}/findings", headers=h).json()["data"] == []
    reader = await Client.connect(servers[-1], own["project_id"], stack.account("planning")["token"])
    fire = await Client.connect(servers[0], own["project_id"], stack.account("fire")["token"])
    try:
        for msg in ({"type": "finding.confirm", "finding_id": own["finding_ids"][0]},
                    {"type": "finding.dismiss", "finding_id": own["finding_ids"][1], "reason": REASON}):
            reply = await fire.request({"client_id": cid(), **msg})
            assert reply["type"] == "error" and reply["code"] == "not_found", reply
            assert reply["messages"]["zh-CN"] and reply["messages"]["en"]
        r = httpx.post(f"{servers[0]}/api/findings/{own['finding_ids'][0]}/confirm", headers=h, json={}, timeout=30)
        assert r.status_code == 404, r.text
        seen = await reader.quiet(1.0)
        assert not [m for m in seen if m["type"].startswith("finding.")], seen
    finally:
        await reader.close()
        await fire.close()
