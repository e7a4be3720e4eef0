"""The window changes a project's review period (7 ↔ 10 working days) after creation: with a
reason, audited, shown on the project page; the running disciplines' due dates and lights are
recomputed from the same start, the designer's 补正 time still not counted; refused once the
round has concluded, and to everyone but the window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from drawreview.models import AuditEntry, Notification, ReviewTask
from drawreview.services import workdays
from drawreview.services.notifications import aware, utcnow
from tests.services.reviews_world import new_project, new_submission, run


@pytest.fixture(scope="module")
def h(stack):
    return {name: stack.token_headers(name) for name in
            ("window", "designer", "builder", "planning", "fire", "civil_defence", "lightning")}


def _accepted(stack, client, h, name):
    async def make(s):
        project = await new_project(s, stack, name=name)
        return project.id, (await new_submission(s, project)).id

    pid, sid = run(stack, make)
    assert client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]).status_code == 200
    data = client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={}).json()["data"]
    return pid, sid, {t["discipline"]: t for t in data["tasks"]}


def _start_red_at_seven_yellow_at_ten():
    """A start from which 7 working days are over by now and 10 are not."""
    now = utcnow()
    for back in range(1, 40):
        start = now - timedelta(days=back)
        if workdays.is_overdue(workdays.add_workdays(start, 7), now) and not workdays.is_overdue(
                workdays.add_workdays(start, 10), now):
            return start
    raise AssertionError("no such start in 40 days")


def _tasks(stack, sid):
    async def go(s):
        return {t.discipline: t for t in (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == sid)
                                                       .execution_options(populate_existing=True))).all()}
    return run(stack, go)


def _post(client, h, pid, who, **body):
    return client.post(f"/api/projects/{pid}/review-period", headers=h[who], json=body)


def test_the_window_changes_the_period_and_the_due_dates_follow(stack, client, h):
    pid, sid, tasks = _accepted(stack, client, h, "时限调整测试项目")
    start = _start_red_at_seven_yellow_at_ten()
    # fire was paused for corrections two days after the start (closed); planning is paused now (open)
    closed_at = [(start + timedelta(days=1), start + timedelta(days=4))]
    closed = [[a.isoformat(), b.isoformat()] for a, b in closed_at]
    open_ = [[(start + timedelta(days=2)).isoformat(), None]]

    async def age(s):
        await s.exec(update(ReviewTask).where(ReviewTask.submission_id == sid).values(
            started_at=start, due_at=workdays.add_workdays(start, 7), light="green"))
        await s.exec(update(ReviewTask).where(ReviewTask.id == tasks["fire"]["id"]).values(
            pauses=closed, due_at=workdays.add_workdays(start, 7, closed_at)))
        await s.exec(update(ReviewTask).where(ReviewTask.id == tasks["planning"]["id"]).values(
            pauses=open_, state="paused"))
    run(stack, age)

    r = _post(client, h, pid, "window", complexity="complex", reason="含大跨度钢结构，属技术复杂项目")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["complexity"] == "complex"
    after = _tasks(stack, sid)
    for d, task in after.items():
        # the same start, ten working days, the designer's revision time pushed back
        assert aware(task.due_at) == workdays.add_workdays(aware(task.started_at), 10,
                                                           [(a, b) for a, b in _pauses(task)]), d
        assert aware(task.started_at) == start
    assert aware(after["fire"].due_at) > workdays.add_workdays(start, 10)  # the closed pause does not count
    view = client.get(f"/api/submissions/{sid}/review", headers=h["window"]).json()["data"]
    lights = {t["discipline"]: t["light"] for t in view["tasks"]}
    assert lights["civil_defence"] == "yellow" and after["civil_defence"].light == "yellow"
    # audited, with the reason and each moved due date
    async def trail(s):
        return (await s.exec(select(AuditEntry).where(AuditEntry.project_id == pid,
                                                      AuditEntry.action == "project.review_period"))).all()
    entries = run(stack, trail)
    assert len(entries) == 1 and entries[0].detail["reason"] == "含大跨度钢结构，属技术复杂项目"
    assert entries[0].detail["from"] == "normal" and entries[0].detail["to"] == "complex"
    assert {t["discipline"] for t in entries[0].detail["tasks"]} == set(after)
    # on the project page, for everyone who sees the project
    page = client.get(f"/projects/{pid}", headers={**h["builder"], "Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "含大跨度钢结构，属技术复杂项目" in page.text
    assert "由一般项目（7 个工作日）调整为技术复杂项目（10 个工作日）" in page.text
    assert 'id="review-period-form"' not in page.text  # the form is the window's only
    assert 'id="review-period-form"' in client.get(f"/projects/{pid}", headers=h["window"]).text
    # the designer and the construction unit are told, in both languages
    notes = client.get("/api/notifications", headers=h["designer"]).json()["data"]
    note = next(n for n in notes if n["type"] == "review_period.changed" and n["project_id"] == pid)
    assert note["titles"]["zh-CN"].startswith("时限调整测试项目：审查时限由")
    assert note["titles"]["en"].startswith("时限调整测试项目: the review period was changed from normal")

    # back to 7 days: overdue again, announced and escalated once as the deadline watch does
    r = _post(client, h, pid, "window", complexity="normal", reason="专家论证后认定为一般项目")
    assert r.status_code == 200, r.text
    after = _tasks(stack, sid)
    assert after["civil_defence"].light == "red"
    assert aware(after["civil_defence"].due_at) == workdays.add_workdays(start, 7)

    async def red(s):
        return (await s.exec(select(Notification).where(Notification.project_id == pid,
                                                        Notification.type == "task.red"))).all()
    assert {n.payload["discipline"] for n in run(stack, red)} >= {"civil_defence", "lightning"}


def _pauses(task):
    from drawreview.services.tasks import pauses_of
    return pauses_of(task)


def test_refusals(stack, client, h):
    pid, sid, tasks = _accepted(stack, client, h, "时限调整拒绝测试")
    for who, status in (("designer", 403), ("builder", 403), ("fire", 403)):
        r = _post(client, h, pid, who, complexity="complex", reason="想延长")
        assert r.status_code == status, (who, r.text)
        assert r.json()["error"]["code"] == "permission_denied"
    r = _post(client, h, pid, "window", complexity="complex", reason="  ")
    assert r.status_code == 422
    r = _post(client, h, pid, "window", complexity="normal", reason="不变")
    assert r.status_code == 409 and r.json()["error"]["code"] == "review_period_unchanged"
    for d, t in tasks.items():
        assert client.post(f"/api/tasks/{t['id']}/conclude", headers=h[d], json={"conclusion": "approved"}).status_code == 200
    r = _post(client, h, pid, "window", complexity="complex", reason="太晚了")
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "review_period_closed"
    assert "审查已结束" in err["messages"]["zh-CN"] and "can no longer be changed" in err["messages"]["en"]
    page = client.get(f"/projects/{pid}", headers=h["window"]).text
    assert 'id="review-period-form"' not in page  # not offered once it would be refused


def _pdftotext(pdf: bytes, tmp_path) -> str:
    import subprocess
    import uuid

    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


def test_the_receipt_is_drawn_again_with_the_new_due_date(stack, client, h, tmp_path):
    """The receipt kept printing the due date of the acceptance after the window changed the
    period (decision 127 left it as issued): the construction unit's copy named a date the clock
    no longer kept. It is now drawn again (decision 132): the acceptance's facts as they were, the
    new due date, the change with the earlier due date and the reason, and that it was redrawn;
    the first receipt's file is kept and the audit names both. Read back with pdftotext."""
    import hashlib

    pid, sid, _tasks_ = _accepted(stack, client, h, "回执时限调整项目")
    first = client.get(f"/api/submissions/{sid}/receipt.pdf", headers=h["builder"])
    assert first.status_code == 200
    before = _pdftotext(first.content, tmp_path)

    def due(tasks):
        return max(workdays.to_local(aware(t.due_at)) for t in tasks.values()).date().isoformat()
    old_due = due(_tasks(stack, sid))
    assert f"{old_due}（7 个工作日" in before
    r = _post(client, h, pid, "window", complexity="complex", reason="超高层，技术复杂")
    assert r.status_code == 200, r.text
    new_due = due(_tasks(stack, sid))
    assert new_due > old_due
    again = client.get(f"/api/submissions/{sid}/receipt.pdf", headers=h["builder"])
    text = _pdftotext(again.content, tmp_path)
    assert f"{new_due}（10 个工作日" in text and f"{old_due}（7 个工作日" not in text
    flat = "".join(text.split())  # wrapped lines joined
    assert f"调整为10个工作日（原7个工作日，原截止日{old_due}）；理由：超高层，技术复杂" in flat
    assert "因审查时限调整重新出具，受理事项不变" in flat
    for fact in ("受理编号", "验证码", "受理窗口："):  # the acceptance as it was: same lines, same values
        line = lambda t: next(x for x in t.splitlines() if x.startswith(fact) or fact in x)  # noqa: E731
        assert line(text) == line(before)

    async def trail(s):
        return (await s.exec(select(AuditEntry).where(AuditEntry.project_id == pid,
                                                      AuditEntry.action == "submission.receipt_redrawn"))).all()
    entry, = run(stack, trail)
    assert entry.detail["from"] == hashlib.sha256(first.content).hexdigest()
    assert entry.detail["to"] == hashlib.sha256(again.content).hexdigest()
