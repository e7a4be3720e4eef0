"""Revisions and drafts (issue #14): a new draft revision only when the round asks for one, and
everyone but the designer opens the project on the revision under review, never on the
designer's empty draft."""

from __future__ import annotations

import re

import pytest

from tests.services.reviews_world import new_project, new_submission, run


@pytest.fixture(scope="module")
def h(stack):
    return {n: stack.token_headers(n) for n in ("window", "designer", "builder", "fire", "planning", "civil_defence",
                                                "lightning")}


def _landed(client, headers, pid) -> int:
    r = client.get(f"/projects/{pid}", headers=headers)
    assert r.status_code == 200, r.text
    return int(re.search(r'id="review"[^>]*data-submission-id="(\d+)"', r.text, re.S).group(1))


def test_new_revision_only_when_the_round_asks_and_others_land_on_the_one_under_review(stack, client, h):
    def make(s):
        async def go():
            project = await new_project(s, stack, name="修改版落点测试")
            sub = await new_submission(s, project)
            return project.id, sub.id
        return go()

    pid, s1 = run(stack, make)
    create = lambda: client.post(f"/api/projects/{pid}/submissions", headers=h["designer"], json={})  # noqa: E731
    assert client.post(f"/api/submissions/{s1}/submit", headers=h["designer"]).status_code == 200
    r = create()  # handed in: waiting for acceptance
    assert r.status_code == 409 and r.json()["error"]["code"] == "new_revision_not_allowed"
    view = client.post(f"/api/submissions/{s1}/accept", headers=h["window"], json={}).json()["data"]
    r = create()  # in review
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["details"]["latest_state"] == "in_review" and "审查中" in err["messages"]["zh-CN"]
    assert "revision required" in err["messages"]["en"]
    for t in view["tasks"]:
        verdict = "revision_required" if t["discipline"] == "fire" else "approved"
        assert client.post(f"/api/tasks/{t['id']}/conclude", headers=h[t["discipline"]],
                           json={"conclusion": verdict}).status_code == 200
    assert create().status_code == 409  # concluded, report not issued yet
    assert client.post(f"/api/submissions/{s1}/report", headers=h["window"]).status_code == 200
    r = create()  # the round asks for a revision
    assert r.status_code == 200, r.text
    s2 = r.json()["data"]["id"]
    # the designer works on its draft; the window, reviewers and the construction unit stay on revision 1
    assert _landed(client, h["designer"], pid) == s2
    for who in ("window", "fire", "builder"):
        assert _landed(client, h[who], pid) == s1, who
    # a chosen revision is shown as asked
    assert 'data-submission-id="%d"' % s2 in client.get(f"/projects/{pid}?submission={s2}", headers=h["window"]).text
