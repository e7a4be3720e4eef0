"""The websocket shows outside readers what REST shows them, through real server processes in
both modes: a dismissed rule finding is the reviewers' working material, so the design
institute and the construction unit receive its seq but not the finding, the reviewer's reason
or the reviewer, live and when catching up from the log.

Found from outside: the construction unit's socket received ``finding.dismissed`` with the whole
finding and the reviewer's dismissal reason, while ``GET /api/projects/{id}/findings`` hid it."""

from __future__ import annotations

import json

import httpx

from tests.web.test_sync import Client, world  # noqa: F401  (the module's review world)

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
