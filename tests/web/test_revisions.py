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


def test_overdue_missing_items_through_the_api(stack, client, h):
    """容缺 past its deadline over HTTP: extend with a reason, then return the case (the window only)."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from drawreview.models import Submission

    def make(s):
        async def go():
            project = await new_project(s, stack, name="容缺逾期接口测试")
            return project.id, (await new_submission(s, project)).id
        return go()

    pid, sid = run(stack, make)
    assert client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]).status_code == 200
    # a deadline beyond the supported days (one in year 10000 in UTC was a 500): 422, nothing accepted
    beyond = ("9999-12-31T23:00:00-05:00", "9999-12-31", "2200-01-01", "1969-12-31")
    for deadline in beyond:
        r = client.post(f"/api/submissions/{sid}/accept", headers=h["window"],
                        json={"missing_items": ["结构计算书"], "deficiency_deadline": deadline})
        assert r.status_code == 422 and r.json()["error"]["details"] == {
            "deficiency_deadline": "1970-01-01 to 2199-12-31"}, (deadline, r.text)
    r = client.post(f"/api/submissions/{sid}/accept", headers=h["window"],
                    json={"missing_items": ["结构计算书"], "deficiency_deadline": "2099-01-31"})
    assert r.status_code == 200, r.text
    early = client.post(f"/api/submissions/{sid}/deficiencies/return", headers=h["window"], json={"reason": "逾期"})
    assert early.status_code == 409 and early.json()["error"]["code"] == "deficiency_not_overdue"

    def overdue(s):  # the deadline passed yesterday
        return s.exec(update(Submission).where(Submission.id == sid).values(
            deficiency_deadline=datetime.now(timezone.utc) - timedelta(days=1)))

    run(stack, overdue)
    view = client.get(f"/api/submissions/{sid}/review", headers=h["window"]).json()["data"]
    assert view["deficiency_overdue"] is True and view["outstanding_deficiencies"] == ["结构计算书"]
    assert client.post(f"/api/submissions/{sid}/deficiencies/extend", headers=h["designer"],
                       json={"deadline": "2099-02-28", "reason": "x"}).status_code == 403
    for deadline in beyond:
        r = client.post(f"/api/submissions/{sid}/deficiencies/extend", headers=h["window"],
                        json={"deadline": deadline, "reason": "结构计算书外审延误"})
        assert r.status_code == 422 and r.json()["error"]["details"] == {"deadline": "1970-01-01 to 2199-12-31"}, r.text
    r = client.post(f"/api/submissions/{sid}/deficiencies/extend", headers=h["window"],
                    json={"deadline": "2099-02-28", "reason": "结构计算书外审延误"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["deficiency_overdue"] is False and r.json()["data"]["deficiency_deadline"].startswith("2099-02-28")
    run(stack, overdue)
    r = client.post(f"/api/submissions/{sid}/deficiencies/return", headers=h["window"], json={"reason": "逾期未补齐"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["state"] == "returned" and data["return_reasons"][0] == "容缺材料逾期未补齐：结构计算书"
    assert all(t["state"] in ("paused", "concluded") for t in data["tasks"])
    trail = client.get(f"/api/projects/{pid}/audit", headers=h["window"], params={"action": "submission."}).json()["data"]
    actions = [e["action"] for e in trail["entries"]]
    assert "submission.extend_deficiencies" in actions and actions[-1] == "submission.return_overdue"
    assert trail["chain"]["ok"]


def test_the_project_page_continues_an_open_draft_instead_of_starting_another(stack, client, h):
    """A second draft after a draft could never be submitted (its predecessor was never handed
    in), so the page offers the open draft; while the authority holds the set it offers no new
    revision at all (the API would refuse it); when the round asks for one it offers it again."""
    def make(s):
        async def go():
            project = await new_project(s, stack, name="草稿续编测试")
            sub = await new_submission(s, project)
            return project.id, sub.id
        return go()

    pid, s1 = run(stack, make)
    page = lambda who="designer", **q: client.get(f"/projects/{pid}", headers=h[who], params=q).text  # noqa: E731
    html = page()  # the designer lands on its draft: nothing to start or continue
    assert 'id="new-submission"' not in html and 'id="continue-draft"' not in html
    r = client.post(f"/api/submissions/{s1}/submit", headers=h["designer"])
    assert r.status_code == 200, r.text
    assert 'id="new-submission"' not in page() and 'id="continue-draft"' not in page()  # handed in
    view = client.post(f"/api/submissions/{s1}/accept", headers=h["window"], json={}).json()["data"]
    for t in view["tasks"]:
        verdict = "revision_required" if t["discipline"] == "fire" else "approved"
        assert client.post(f"/api/tasks/{t['id']}/conclude", headers=h[t["discipline"]],
                           json={"conclusion": verdict}).status_code == 200
    assert client.post(f"/api/submissions/{s1}/report", headers=h["window"]).status_code == 200
    assert 'id="new-submission"' in page()  # the round asks for a revision
    s2 = client.post(f"/api/projects/{pid}/submissions", headers=h["designer"], json={}).json()["data"]["id"]
    on_first = page(submission=str(s1))  # looking at revision 1: the open draft is offered, not a third
    assert f'id="continue-draft" class="button" href="/projects/{pid}?submission={s2}"' in on_first
    assert "继续编辑第 2 版草稿" in on_first and 'id="new-submission"' not in on_first
