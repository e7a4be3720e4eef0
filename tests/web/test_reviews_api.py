"""The workflow over HTTP: every illegal step is refused with the one error envelope; the
happy path from submit to approval with receipt, report, notifications, ratings and stats."""

from __future__ import annotations

import csv
import io

import pytest

from tests.services.reviews_world import new_project, new_submission, run


def _make(stack, numbers=None):
    async def go(s):
        project = await new_project(s, stack, name="接口流程测试项目")
        sub = await new_submission(s, project, numbers) if numbers else await new_submission(s, project)
        return project.id, sub.id

    return run(stack, go)


def _refused(r, status: int, code: str):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False and body["error"]["code"] == code
    assert body["error"]["messages"]["zh-CN"] and body["error"]["messages"]["en"]
    return body["error"]


@pytest.fixture(scope="module")
def h(stack):
    return {name: stack.token_headers(name) for name in
            ("window", "designer", "builder", "planning", "fire", "civil_defence", "lightning")}


def test_illegal_transitions_are_refused_with_the_envelope(stack, client, h):
    _, sid = _make(stack)
    # not submitted yet: no acceptance, no return, no report
    err = _refused(client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={}), 409, "invalid_transition")
    assert err["details"]["state"] == "draft" and "submit" in err["details"]["allowed"]
    _refused(client.post(f"/api/submissions/{sid}/return", headers=h["window"], json={"reasons": ["x"]}), 409,
             "invalid_transition")
    _refused(client.post(f"/api/submissions/{sid}/report", headers=h["window"]), 409, "invalid_transition")
    assert client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]).status_code == 200
    _refused(client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]), 409, "invalid_transition")
    _refused(client.post(f"/api/submissions/{sid}/return", headers=h["window"], json={"reasons": []}), 422,
             "validation_failed")
    r = client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={})
    assert r.status_code == 200
    tasks = {t["discipline"]: t for t in r.json()["data"]["tasks"]}
    _refused(client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={}), 409, "invalid_transition")
    _refused(client.post(f"/api/submissions/{sid}/return", headers=h["window"], json={"reasons": ["晚了"]}), 409,
             "invalid_transition")
    _refused(client.post(f"/api/submissions/{sid}/report", headers=h["window"]), 409, "invalid_transition")
    _refused(client.post(f"/api/submissions/{sid}/deficiencies", headers=h["window"], json={"items": ["a"]}), 409,
             "no_deficiencies")
    fire = tasks["fire"]["id"]
    _refused(client.post(f"/api/tasks/{fire}/resume", headers=h["designer"]), 409, "invalid_transition")
    _refused(client.post(f"/api/tasks/{fire}/start", headers=h["fire"]), 409, "invalid_transition")
    _refused(client.post(f"/api/tasks/{fire}/conclude", headers=h["fire"], json={"conclusion": "maybe"}), 422,
             "validation_failed")
    _refused(client.post(f"/api/tasks/{fire}/conclude", headers=h["planning"], json={"conclusion": "approved"}), 403,
             "permission_denied")
    _refused(client.post(f"/api/tasks/{fire}/pause", headers=h["fire"], json={"reason": " "}), 422, "validation_failed")
    assert client.post(f"/api/tasks/{fire}/pause", headers=h["fire"], json={"reason": "补充疏散距离标注"}).status_code == 200
    _refused(client.post(f"/api/tasks/{fire}/pause", headers=h["fire"], json={"reason": "again"}), 409, "invalid_transition")
    _refused(client.post(f"/api/tasks/{fire}/conclude", headers=h["fire"], json={"conclusion": "approved"}), 409,
             "invalid_transition")
    assert client.post(f"/api/tasks/{fire}/resume", headers=h["designer"]).status_code == 200
    assert client.post(f"/api/tasks/{fire}/conclude", headers=h["fire"], json={"conclusion": "approved"}).status_code == 200
    _refused(client.post(f"/api/tasks/{fire}/conclude", headers=h["fire"], json={"conclusion": "rejected"}), 409,
             "invalid_transition")
    _refused(client.post(f"/api/tasks/{fire}/assign", headers=h["window"], json={"reviewer_id": tasks["fire"]["reviewer_id"]}),
             409, "invalid_transition")
    _refused(client.get(f"/api/submissions/{sid}/report.pdf", headers=h["builder"]), 404, "not_found")


def test_incomplete_submission_is_refused_then_returned_and_resubmitted(stack, client, h):
    _, sid = _make(stack, ["总图-01", "建施-01"])
    assert client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]).status_code == 200
    check = client.get(f"/api/submissions/{sid}/completeness", headers=h["window"]).json()["data"]
    assert not check["complete"] and "结施" in check["missing"]
    err = _refused(client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={}), 409, "incomplete_submission")
    assert "结施" in err["details"]["missing"]
    r = client.post(f"/api/submissions/{sid}/return", headers=h["window"], json={"reasons": ["缺少结构施工图"]})
    assert r.status_code == 200 and r.json()["data"]["state"] == "returned"
    titles = [n["type"] for n in client.get("/api/notifications", headers=h["builder"]).json()["data"]]
    assert "submission.returned" in titles
    assert client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]).json()["data"]["state"] == "submitted"
    r = client.post(f"/api/submissions/{sid}/accept", headers=h["window"],
                    json={"missing_items": ["结构施工图"], "deficiency_deadline": "2099-01-31"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["deficiencies"][0]["item"] == "结构施工图"
    pdf = client.get(f"/api/submissions/{sid}/receipt.pdf", headers=h["builder"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_full_round_trip_to_approval_with_report_ratings_and_stats(stack, client, h):
    pid, sid = _make(stack)
    before = client.get("/api/notifications/unread_count", headers=h["designer"]).json()["data"]["unread"]
    client.post(f"/api/submissions/{sid}/submit", headers=h["designer"])
    data = client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={}).json()["data"]
    assert data["case_number"] and len(data["verification_code"]) >= 6 and data["state"] == "in_review"
    assert client.get("/api/notifications/unread_count", headers=h["designer"]).json()["data"]["unread"] > before
    mine = client.get("/api/tasks", headers=h["fire"]).json()["data"]
    assert any(t["submission_id"] == sid and t["light"] == "green" for t in mine)
    verdicts = {"planning": "approved", "fire": "revision_required", "civil_defence": "approved", "lightning": "approved"}
    for t in data["tasks"]:
        r = client.post(f"/api/tasks/{t['id']}/conclude", headers=h[t["discipline"]],
                        json={"conclusion": verdicts[t["discipline"]], "opinion": "见审查意见"})
        assert r.status_code == 200, r.text
    view = client.get(f"/api/submissions/{sid}/review", headers=h["builder"]).json()["data"]
    assert view["state"] == "concluded" and view["verdict"] == "revision_required"
    _refused(client.post(f"/api/projects/{pid}/ratings", headers=h["builder"], json={"score": 5}), 409, "invalid_transition")
    r = client.post(f"/api/submissions/{sid}/report", headers=h["window"])
    assert r.status_code == 200 and r.json()["data"]["state"] == "revision_required"
    assert client.get(f"/api/submissions/{sid}/report.pdf", headers=h["designer"]).content.startswith(b"%PDF")
    kinds = {n["type"] for n in client.get("/api/notifications", headers=h["designer"]).json()["data"]}
    assert {"submission.accepted", "report.issued", "revision.required"} <= kinds

    # revision 2 through the uploads API's submission row, then the re-review
    async def rev2(s):
        from drawreview.models import Project
        return (await new_submission(s, await s.get(Project, pid))).id

    sid2 = run(stack, rev2)
    r = client.post(f"/api/submissions/{sid2}/submit", headers=h["designer"])
    assert r.status_code == 200, r.text
    view2 = r.json()["data"]
    assert view2["state"] == "in_review" and view2["round"] == 2 and [t["discipline"] for t in view2["tasks"]] == ["fire"]
    assert "submission.resubmitted" in {n["type"] for n in client.get("/api/notifications", headers=h["fire"]).json()["data"]}
    client.post(f"/api/tasks/{view2['tasks'][0]['id']}/conclude", headers=h["fire"], json={"conclusion": "approved"})
    assert client.post(f"/api/submissions/{sid2}/report", headers=h["window"]).json()["data"]["state"] == "approved"

    assert client.post(f"/api/projects/{pid}/ratings", headers=h["builder"], json={"score": 4, "text": "很快"}).status_code == 200
    assert client.post(f"/api/projects/{pid}/ratings", headers=h["designer"], json={"score": 5}).status_code == 200
    _refused(client.post(f"/api/projects/{pid}/ratings", headers=h["designer"], json={"score": 6}), 422, "validation_failed")
    stats = client.get("/api/stats", headers=h["window"]).json()["data"]
    assert stats["ratings"]["count"] >= 2 and stats["rounds"]["distribution"].get("2", stats["rounds"]["distribution"].get(2))
    fire = next(d for d in stats["disciplines"] if d["discipline"] == "fire")
    assert fire["concluded"] >= 2 and fire["on_time_rate"] is not None
    assert stats["first_review_days"]["count"] >= 1
    rows = list(csv.reader(io.StringIO(client.get("/api/stats.csv", headers=h["window"]).text.lstrip("\ufeff"))))
    assert rows[0] == ["section", "group", "metric", "value"] and any(r[:2] == ["discipline", "fire"] for r in rows)
    _refused(client.get("/api/stats?from=2025-13-01", headers=h["window"]), 422, "validation_failed")
    page = client.get("/stats", headers=h["window"])
    assert page.status_code == 200 and "<svg" in page.text and "cdn" not in page.text.lower()
    window = client.get("/window", headers=h["window"])
    assert window.status_code == 200


def test_review_view_offers_the_window_reassign_choices_and_the_worklist_shows_lights(stack, client, h):
    pid, sid = _make(stack)
    client.post(f"/api/submissions/{sid}/submit", headers=h["designer"])
    window_view = client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={}).json()["data"]
    fire = next(t for t in window_view["tasks"] if t["discipline"] == "fire")
    assert [c["name"] for c in fire["candidates"]] == ["消防审查 张伟"] and fire["calendar_exact"] is True
    assert window_view["project_stage"] == "in_review" and window_view["calendar_exact"] is True
    designer_view = client.get(f"/api/submissions/{sid}/review", headers=h["designer"]).json()["data"]
    assert all("candidates" not in t for t in designer_view["tasks"])  # only the window reassigns
    page = client.get("/window", headers=h["window"]).text
    assert f'data-submission-id="{sid}" data-state="in_review" data-light="green"' in page
    assert f'href="/projects/{pid}?submission={sid}"' in page
    row = page[page.index(f'data-submission-id="{sid}"'):]
    row = row[:row.index("</tr>")]
    assert "第 1 版 · 第 1 轮审查" in row  # the revision and the review round, both in words
    project_page = client.get(f"/projects/{pid}?submission={sid}", headers=h["window"]).text
    assert 'id="review"' in project_page and "/static/review.js" in project_page and 'id="nav-window"' in project_page


def test_a_report_asked_for_too_early_names_the_disciplines_still_reviewing(stack, client, h):
    """Read-back 5 (decision 148): the window asked for the report while planning and lightning
    had not concluded and fire had concluded 审查不合格; the refusal said "不能执行“通过”(approve)
    操作" — a step the window did not ask for, with a verdict the round was not heading to — and
    offered "汇总结论(conclude)", which no request does. It now names the disciplines still
    reviewing, in both languages; the preview refuses the same way; a second issue names the
    report instead of "approve"."""
    _, sid = _make(stack)
    client.post(f"/api/submissions/{sid}/submit", headers=h["designer"])
    tasks = {t["discipline"]: t for t in client.post(f"/api/submissions/{sid}/accept", headers=h["window"],
                                                     json={}).json()["data"]["tasks"]}
    for d, verdict in (("fire", "rejected"), ("civil_defence", "approved")):
        r = client.post(f"/api/tasks/{tasks[d]['id']}/conclude", headers=h[d], json={"conclusion": verdict})
        assert r.status_code == 200, r.text
    for url in (f"/api/submissions/{sid}/report", f"/api/submissions/{sid}/report/preview.pdf"):
        r = client.request("POST" if url.endswith("report") else "GET", url, headers=h["window"])
        err = _refused(r, 409, "invalid_transition")
        zh, en = err["messages"]["zh-CN"], err["messages"]["en"]
        assert "规划" in zh and "防雷" in zh and "消防" not in zh and "人防" not in zh, zh
        assert "planning" in en and "lightning protection" in en and "fire" not in en, en
        assert "approve" not in zh + en and "通过" not in zh and "(conclude)" not in zh + en
        assert err["details"]["waiting"] == ["planning", "lightning"]
    for d in ("planning", "lightning"):
        client.post(f"/api/tasks/{tasks[d]['id']}/conclude", headers=h[d], json={"conclusion": "approved"})
    assert client.post(f"/api/submissions/{sid}/report", headers=h["window"]).status_code == 200
    err = _refused(client.post(f"/api/submissions/{sid}/report", headers=h["window"]), 409, "invalid_transition")
    assert "审查意见书" in err["messages"]["zh-CN"] and "approve" not in err["messages"]["en"]


def test_a_task_answer_names_its_reviewer(stack, client, h):
    """Read-back 5 (decision 148): pause, resume, start, assign and conclude answered the task with
    ``"reviewer": null`` while the review view named the same reviewer."""
    _, sid = _make(stack)
    client.post(f"/api/submissions/{sid}/submit", headers=h["designer"])
    fire = {t["discipline"]: t for t in client.post(f"/api/submissions/{sid}/accept", headers=h["window"],
                                                    json={}).json()["data"]["tasks"]}["fire"]
    assert fire["reviewer"]
    for r in (client.post(f"/api/tasks/{fire['id']}/pause", headers=h["fire"], json={"reason": "补正消防专篇"}),
              client.post(f"/api/tasks/{fire['id']}/resume", headers=h["designer"]),
              client.post(f"/api/tasks/{fire['id']}/conclude", headers=h["fire"], json={"conclusion": "approved"})):
        assert r.status_code == 200, r.text
        assert r.json()["data"]["reviewer"] == fire["reviewer"]


def test_a_task_whose_reviewer_was_deactivated_says_so(stack, client, h):
    """Read-back 5 (decision 148): the admin deactivated the reviewer holding a task mid-round;
    the task still read in progress, green, with the reviewer's name — nothing told the window
    that nobody could work on it while its clock ran (the reassign list even showed the other
    reviewer as if chosen). The task now carries ``reviewer_active`` false, and the window's
    page warns at that task."""
    import uuid

    from drawreview.services import accounts
    from tests.web.test_credentials import bearer, make_user

    admin = make_user(stack, f"adm{uuid.uuid4().hex[:6]}", role="admin")
    name = f"lp{uuid.uuid4().hex[:6]}"

    async def make(s):
        org = await accounts.get_or_create_org(s, stack.account("window")["org"], "review_authority", actor="test")
        return (await accounts.create_user(s, name, "a-long-password-1", "reviewer", "防雷审查 临时", "lightning", org,
                                           actor="test")).id
    leaving = run(stack, make)
    _, sid = _make(stack)
    client.post(f"/api/submissions/{sid}/submit", headers=h["designer"])
    task = {t["discipline"]: t for t in client.post(f"/api/submissions/{sid}/accept", headers=h["window"],
                                                    json={}).json()["data"]["tasks"]}["lightning"]
    assert task["reviewer_active"] is True
    assert client.post(f"/api/tasks/{task['id']}/assign", headers=h["window"],
                       json={"reviewer_id": leaving}).status_code == 200
    assert client.post(f"/api/users/{leaving}/deactivate", headers=bearer(admin["token"])).status_code == 200
    view = {t["discipline"]: t for t in client.get(f"/api/submissions/{sid}/review", headers=h["window"]).json()["data"]["tasks"]}
    assert view["lightning"]["reviewer"] == "防雷审查 临时" and view["lightning"]["reviewer_active"] is False
    assert view["fire"]["reviewer_active"] is True
    mine = [t for t in client.get("/api/tasks", headers=h["window"]).json()["data"] if t["id"] == task["id"]]
    assert mine and mine[0]["reviewer_active"] is False
    page = client.get("/window", headers=h["window"]).text
    row = page.split(f'data-task-id="{task["id"]}"')[1].split("</tr>")[0]
    assert "该审查人员账号已停用，请改派" in row
