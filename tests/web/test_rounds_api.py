"""Three review rounds end to end through the HTTP API (issue #14): tasks and notices per round,
the verdict from the standing conclusions, carried comments keeping their state and thread,
the refusal of an approving report while a comment waits for verification (zh-CN + en), and
the issued report PDF's text read back with PyMuPDF."""

from __future__ import annotations

import uuid

import pymupdf
import pytest

from tests.services.reviews_world import new_project, new_submission, run

USERS = ("window", "designer", "builder", "planning", "fire", "civil_defence", "lightning")


@pytest.fixture(scope="module")
def h(stack):
    return {name: stack.token_headers(name) for name in USERS}


def ok(r):
    assert r.status_code == 200, r.text
    return r.json()["data"]


def new_revision(stack, project_id: int | None = None) -> tuple[int, int]:
    from drawreview.models import Project
    from drawreview.storage import make_storage

    async def go(s):
        project = await s.get(Project, project_id) if project_id else await new_project(s, stack, name="接口三轮审查项目")
        sub = await new_submission(s, project, storage=make_storage(stack.settings))
        return project.id, sub.id

    return run(stack, go)


def report_text(client, h, sid) -> str:
    r = client.get(f"/api/submissions/{sid}/report.pdf", headers=h["builder"])
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    with pymupdf.open(stream=r.content, filetype="pdf") as doc:
        return "".join("".join(p.get_text() for p in doc).split())


def test_three_rounds_through_the_api(stack, client, h):
    names = {u: "".join(stack.account(u)["display_name"].split()) for u in USERS}

    def notes(user, pid, type_):
        rows = ok(client.get("/api/notifications", headers=h[user]))
        return sum(1 for n in rows if n["project_id"] == pid and n["type"] == type_)

    def sheet(sid, number):
        return next(s["id"] for s in ok(client.get(f"/api/submissions/{sid}/sheets", headers=h["window"]))
                    if s["number"] == number)

    def comment(user, sheet_id, body):
        return ok(client.post(f"/api/sheets/{sheet_id}/annotations", headers=h[user], json={
            "client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [[200, 200]]},
            "severity": "general", "body": body}))["annotation"]["id"]

    def status(user, ann_id, value):
        version = ok(client.get(f"/api/annotations/{ann_id}", headers=h[user]))["version"]
        return client.post(f"/api/annotations/{ann_id}/status", headers=h[user], json={"status": value, "version": version})

    def answer(ann_id, body):
        ok(client.post(f"/api/annotations/{ann_id}/comments", headers=h["designer"],
                       json={"client_id": uuid.uuid4().hex, "body": body}))
        ok(status("designer", ann_id, "answered"))

    def conclude(view, discipline, conclusion, opinion):
        task = next(t for t in view["tasks"] if t["discipline"] == discipline)
        ok(client.post(f"/api/tasks/{task['id']}/conclude", headers=h[discipline],
                       json={"conclusion": conclusion, "opinion": opinion}))

    def review(sid):
        return ok(client.get(f"/api/submissions/{sid}/review", headers=h["window"]))

    def carried(pid, sid):
        anns = ok(client.get(f"/api/projects/{pid}/annotations", headers=h["designer"]))
        sheets = {s["id"] for s in ok(client.get(f"/api/submissions/{sid}/sheets", headers=h["window"]))}
        return {a["carried_from_id"]: a for a in anns if a["sheet_id"] in sheets}

    # round 1: planning approves, fire asks for revision, civil defence approves with an open comment
    pid, s1 = new_revision(stack)
    ok(client.post(f"/api/submissions/{s1}/submit", headers=h["designer"]))
    v1 = ok(client.post(f"/api/submissions/{s1}/accept", headers=h["window"], json={}))
    fire1 = comment("fire", sheet(s1, "建施-02"), "疏散距离超限")
    cd1 = comment("civil_defence", sheet(s1, "人防-01"), "口部防护待复核")
    for d, c, o in (("planning", "approved", "符合规划条件"), ("fire", "revision_required", "须修改疏散"),
                    ("civil_defence", "approved_with_comments", "口部附意见"), ("lightning", "approved", "防雷合格")):
        conclude(v1, d, c, o)
    assert review(s1)["verdict"] == "revision_required"
    assert ok(client.post(f"/api/submissions/{s1}/report", headers=h["window"]))["state"] == "revision_required"
    text = report_text(client, h, s1)
    round_one = client.get(f"/api/submissions/{s1}/report.pdf", headers=h["builder"]).content
    assert "修改后复审" in text and "审查意见处理记录" not in text and "状态：待回复" in text and "口部附意见" in text
    answer(fire1, "已缩短疏散距离")
    answer(cd1, "已按意见修改口部")

    # round 2 (revision 2, new file names): fire and civil defence re-review, the others keep theirs
    before = {u: notes(u, pid, "task.assigned") for u in ("planning", "fire", "civil_defence", "lightning")}
    _, s2 = new_revision(stack, pid)
    v2 = ok(client.post(f"/api/submissions/{s2}/submit", headers=h["designer"]))
    assert v2["round"] == 2 and {t["discipline"] for t in v2["tasks"]} == {"fire", "civil_defence"}
    after = {u: notes(u, pid, "task.assigned") for u in before}
    assert {u: after[u] - before[u] for u in before} == {"planning": 0, "fire": 1, "civil_defence": 1, "lightning": 0}
    assert notes("civil_defence", pid, "submission.resubmitted") == 1 and notes("planning", pid, "submission.resubmitted") == 0
    kept = {s["discipline"]: s for s in v2["standing"] if s["carried"]}
    assert set(kept) == {"planning", "lightning"} and kept["planning"]["opinion"] == "符合规划条件"
    assert kept["planning"]["round"] == 1 and kept["planning"]["conclusion"] == "approved"
    mine = ok(client.get("/api/tasks", headers=h["civil_defence"]))
    assert any(t["submission_id"] == s2 and t["round"] == 2 for t in mine)
    assert not any(t["submission_id"] == s2 for t in ok(client.get("/api/tasks", headers=h["planning"])))
    c2 = carried(pid, s2)
    assert c2[fire1]["status"] == c2[cd1]["status"] == "answered"  # answered, to verify
    assert [c["body"] for c in c2[cd1]["comments"]] == ["已按意见修改口部"]
    ok(status("civil_defence", c2[cd1]["id"], "closed"))
    ok(status("fire", c2[fire1]["id"], "open"))  # not accepted: reopened
    conclude(v2, "civil_defence", "approved", "口部已修改")
    conclude(v2, "fire", "revision_required", "疏散仍不满足")
    assert review(s2)["verdict"] == "revision_required"
    ok(client.post(f"/api/submissions/{s2}/report", headers=h["window"]))
    text = report_text(client, h, s2)
    round_two = client.get(f"/api/submissions/{s2}/report.pdf", headers=h["builder"]).content
    assert "审查中" not in text and "审查合格（第1轮结论）" in text and "符合规划条件" in text and names["planning"] in text

    # round 3: fire alone; it approves, but one answer is not verified yet: refused, then issued
    answer(c2[fire1]["id"], "疏散距离已满足")
    _, s3 = new_revision(stack, pid)
    v3 = ok(client.post(f"/api/submissions/{s3}/submit", headers=h["designer"]))
    assert {t["discipline"] for t in v3["tasks"]} == {"fire"}
    c3 = carried(pid, s3)
    waiting = c3[c2[fire1]["id"]]
    assert waiting["status"] == "answered" and len(waiting["comments"]) == 2
    conclude(v3, "fire", "approved", "同意")
    assert review(s3)["verdict"] == "approved"
    r = client.post(f"/api/submissions/{s3}/report", headers=h["window"])
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "report_blocked" and [c["id"] for c in err["details"]["comments"]] == [waiting["id"]]
    assert f"#{waiting['id']}" in err["messages"]["zh-CN"] and "已回复待核实" in err["messages"]["zh-CN"]
    assert f"#{waiting['id']}" in err["messages"]["en"] and "answered, to verify" in err["messages"]["en"]
    assert review(s3)["state"] == "concluded"
    ok(status("fire", waiting["id"], "closed"))
    assert ok(client.post(f"/api/submissions/{s3}/report", headers=h["window"]))["state"] == "approved"
    text = report_text(client, h, s3)
    assert "审查中" not in text and "状态：待回复" not in text and "状态：已回复待核实" not in text
    assert "综合审查结论：审查合格" in text
    for d, opinion in (("planning", "符合规划条件"), ("lightning", "防雷合格"), ("civil_defence", "口部已修改"),
                       ("fire", "同意")):
        assert opinion in text and names[d] in text
    assert "（第1轮结论）" in text and "（第2轮结论）" in text
    # the final report shows the whole case (decision 132): civil defence's comment, closed in
    # round 2 and in none of round 3's discipline sections, with its text and rounds; fire's, listed
    # in full, by its number, reopened in round 2
    history = text[text.index("审查意见处理记录Commenthistory"):text.index("审查结论Conclusions")]
    assert "全部审查意见2条：已关闭2条（其中此前各轮关闭1条）" in history
    assert "本表计本轮所列意见；此前各轮已关闭的意见见“审查意见处理记录”。" in text  # the summary's counts say whose
    assert f"#{cd1}人防人防-01一般口部防护待复核第1轮提出；第2轮回复、关闭" in history
    assert f"#{fire1}消防建施-02一般见本意见书意见" in history
    assert "第1轮提出；第2轮回复、重新打开；第3轮回复、关闭" in history
    kept = client.get(f"/api/submissions/{s3}/export.json", headers=h["builder"]).json()
    course = {e["first_id"]: [(c["round"], c["step"]) for c in e["course"]] for e in kept["history"]}
    assert course[str(cd1)] == [(1, "raised"), (2, "answered"), (2, "closed")]
    # the earlier rounds' signed reports are served as they were issued
    for sid, first in ((s1, round_one), (s2, round_two)):
        assert client.get(f"/api/submissions/{sid}/report.pdf", headers=h["builder"]).content == first
    progress = ok(client.get(f"/api/submissions/{s3}/review", headers=h["builder"]))
    assert {s["discipline"]: s["conclusion"] for s in progress["standing"]} == {
        "planning": "approved", "fire": "approved", "civil_defence": "approved", "lightning": "approved"}
