"""Read-back 6 (decision 156) in the suite: two rounds over HTTP in which revision 2 drops the
sheet 建施-02 that carries two fire comments, adds 建施-03 and keeps the rest. The comments on the
withdrawn sheet stay in round 2's comment list and report, marked as on a sheet no longer in
the set (zh-CN and English); the designer answers them and the reviewer closes one and reopens
the other there. The report prints each round's working days per discipline against the limit,
the 补正 days left out, and the case's total. The task clock is set in the database (the edge
of the world); the issued report is read back only with pdftotext and pdfsig."""

from __future__ import annotations

import re
import subprocess
import uuid

import pytest

from tests.services.reviews_world import BUILDING_SHEETS, bj, new_project, new_submission, run
from tests.web.test_rounds_api import USERS, ok

ROUND_2 = [n for n in BUILDING_SHEETS if n != "建施-02"] + ["建施-03"]


@pytest.fixture(scope="module")
def h(stack):
    return {name: stack.token_headers(name) for name in USERS}


def new_revision(stack, project_id: int | None = None, numbers=BUILDING_SHEETS) -> tuple[int, int]:
    from drawreview.models import Project
    from drawreview.storage import make_storage

    async def go(s):
        project = await s.get(Project, project_id) if project_id else await new_project(s, stack, name="撤图读回项目")
        sub = await new_submission(s, project, numbers=numbers, storage=make_storage(stack.settings))
        return project.id, sub.id

    return run(stack, go)


def _read(pdf: bytes, tmp) -> str:
    path = tmp / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    sig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=120).stdout
    assert "Signature is Valid." in sig and "Total document signed" in sig, sig
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=120,
                          check=True).stdout


def _set_clock(stack, submission_id: int, times: dict) -> None:
    """{discipline: (started, concluded, pauses)} on the round's tasks (Beijing times, stored in UTC
    as the app stores them)."""
    from sqlmodel import select

    from drawreview.models import ReviewTask
    from drawreview.services.tasks import utc

    async def go(s):
        for t in (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == submission_id))).all():
            started, concluded, pauses = times[t.discipline]
            t.started_at, t.concluded_at = utc(started), utc(concluded)
            t.pauses = [[utc(a).isoformat(), utc(b).isoformat()] for a, b in pauses]
            s.add(t)
    run(stack, go)


def test_a_withdrawn_sheet_keeps_its_comments_and_the_report_counts_working_days(stack, client, h, tmp_path):
    def sheets(sid):
        return {s["number"]: s["id"] for s in ok(client.get(f"/api/submissions/{sid}/sheets", headers=h["window"]))}

    def comment(sheet_id, body):
        return ok(client.post(f"/api/sheets/{sheet_id}/annotations", headers=h["fire"], json={
            "client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [[200, 200]]},
            "severity": "general", "body": body}))["annotation"]["id"]

    def status(user, ann, value):
        version = ok(client.get(f"/api/annotations/{ann}", headers=h[user]))["version"]
        ok(client.post(f"/api/annotations/{ann}/status", headers=h[user], json={"status": value, "version": version}))

    def answer(ann, body):
        ok(client.post(f"/api/annotations/{ann}/comments", headers=h["designer"],
                       json={"client_id": uuid.uuid4().hex, "body": body}))
        status("designer", ann, "answered")

    def conclude(sid, discipline, conclusion):
        task = next(t for t in ok(client.get(f"/api/submissions/{sid}/review", headers=h["window"]))["tasks"]
                    if t["discipline"] == discipline)
        ok(client.post(f"/api/tasks/{task['id']}/conclude", headers=h[discipline],
                       json={"conclusion": conclusion, "opinion": f"{discipline} 结论"}))

    def report(sid):
        ok(client.post(f"/api/submissions/{sid}/report", headers=h["window"]))
        return _read(client.get(f"/api/submissions/{sid}/report.pdf", headers=h["builder"]).content, tmp_path)

    pid, s1 = new_revision(stack)
    ok(client.post(f"/api/submissions/{s1}/submit", headers=h["designer"]))
    ok(client.post(f"/api/submissions/{s1}/accept", headers=h["window"], json={}))
    gone = sheets(s1)["建施-02"]
    a = comment(gone, "地下室防火分区面积超限")
    b = comment(gone, "地下室楼梯间应直通室外")
    for d in ("planning", "civil_defence", "lightning"):
        conclude(s1, d, "approved")
    conclude(s1, "fire", "revision_required")
    # fire stopped for 补正 from Wed 11-04 to Fri 11-06: Thu and Fri are not counted
    pause = (bj(2026, 11, 4, 10), bj(2026, 11, 6, 9))
    _set_clock(stack, s1, {"planning": (bj(2026, 11, 2, 10), bj(2026, 11, 5, 15), []),
                           "fire": (bj(2026, 11, 2, 10), bj(2026, 11, 10, 14), [pause]),
                           "civil_defence": (bj(2026, 11, 2, 10), bj(2026, 11, 3, 11), []),
                           "lightning": (bj(2026, 11, 2, 10), bj(2026, 11, 3, 11), [])})
    report(s1)
    answer(a, "建施-02 已取消，防火分区见建施-03")
    answer(b, "楼梯间已改为直通室外")

    # revision 2: 建施-02 withdrawn, 建施-03 added; only fire reviews again
    _, s2 = new_revision(stack, pid, numbers=ROUND_2)
    ok(client.post(f"/api/submissions/{s2}/submit", headers=h["designer"]))
    assert "建施-02" not in sheets(s2)
    listed = {c["id"]: c for c in ok(client.get(f"/api/submissions/{s2}/comments", headers=h["designer"]))}
    assert set(listed) >= {a, b}
    for ann in (a, b):
        assert listed[ann]["sheet_withdrawn"] and listed[ann]["sheet_round"] == 1
        assert listed[ann]["sheet_label"] == {"zh-CN": "建施-02（第 1 轮图纸，本版已撤出）",
                                              "en": "建施-02 (round 1 sheet, withdrawn)"}
    status("fire", a, "closed")
    ok(client.post(f"/api/annotations/{b}/comments", headers=h["fire"],
                   json={"client_id": uuid.uuid4().hex, "body": "建施-03 未见楼梯，请说明"}))
    status("fire", b, "open")
    comment(sheets(s2)["建施-03"], "防火分区线与建施-01 不一致")
    # a comment written now on revision 1's 建施-01, which revision 2 still has: not withdrawn
    late = comment(sheets(s1)["建施-01"], "一层疏散门宽度不足")
    conclude(s2, "fire", "revision_required")
    _set_clock(stack, s2, {"fire": (bj(2026, 11, 16, 9), bj(2026, 11, 18, 16), [])})
    text = report(s2)
    flat = re.sub(r"\s+", "", text)

    # the withdrawn sheet: in the drawings list as it was, its comments listed with their state
    drawings = text[text.index("审查图纸目录"):text.index("审查依据")]
    # a row after revision 2's: number, title (the test world's is the number), revision 1, file
    assert re.search(r"^\s*\d+\s+建施-02\s+建施-02（\S*\s+1\s+set-r1\.dxf\s", drawings, re.M), drawings
    assert "撤出withdrawn）" in re.sub(r"\s+", "", drawings)
    assert "标“本版已撤出”的图纸为此前版次所有、本版已无" in flat
    after = {c["id"]: c for c in ok(client.get(f"/api/submissions/{s2}/comments", headers=h["window"]))}
    assert (after[a]["status"], after[b]["status"]) == ("closed", "open")
    # named apart from revision 2's 建施-01 by its round, and not called withdrawn
    assert not after[late]["sheet_withdrawn"]
    assert after[late]["sheet_label"] == {"zh-CN": "建施-01（第 1 轮）", "en": "建施-01 (round 1)"}
    assert flat.count("所在图纸为第1轮送审图纸Onthesheetofround1") == 1
    assert flat.count("所在图纸为第1轮送审图纸，本轮送审图纸中已无此图Onasheetofround1thatthisround'ssetnolongerhas") == 2
    # review time: round 1 fire 4 used (2 on hold) of 7, planning 3, civil defence and lightning 1;
    # round 2 fire 2 of 5 (re-review); the case 4 + 2 = 6 of 12
    section = flat[flat.index("审查用时Reviewtime"):flat.index("审查图纸目录")]
    for row in ("1规划Planning2026-11-022026-11-0503/7", "1消防Fireprotection2026-11-022026-11-1024/7",
                "1人防Civilairdefence2026-11-022026-11-0301/7", "2消防Fireprotection2026-11-162026-11-1802/5"):
        assert row in section, section
    assert ("本案第1轮至第2轮审查用时合计6个工作日（各轮时限合计12个工作日）：第1轮4/7，第2轮2/5，"
            "各轮按该轮用时最长的专业计；设计单位补正及修改图纸的时间不计入（补正停计共2个工作日）。") in section
    assert "Reviewtimeofrounds1to2:6workingdaysinall(limits12):round14/7,round22/5" in section
    kept = client.get(f"/api/submissions/{s2}/export.json", headers=h["builder"]).json()
    assert [(r["round"], r["discipline_en"], r["used_workdays"], r["held_workdays"], r["limit_workdays"])
            for r in kept["review_time"] if r["discipline_en"] == "Fire protection"] == [
        (1, "Fire protection", 4, 2, 7), (2, "Fire protection", 2, 0, 5)]
