"""The same workflow step sent several times at once (a double click, two windows, a client that
retries) against real server processes (embedded: one; scaled: two behind PostgreSQL): it is done
once and the other requests are refused by the workflow, naming the state (zh-CN + en). Found by
an outside probe: three concurrent submits, accepts and report issues all answered 200 — three
submit and accept audit entries, two case numbers burnt, every notice three times, three
approvals recorded for one signed report."""

from __future__ import annotations

import threading

import httpx

from tests.services.reviews_world import new_project, new_submission, run

N = 3


def burst(urls: list[str], path: str, headers: dict, json: dict) -> list[httpx.Response]:
    """``N`` POSTs of the same request released together, spread over the app processes."""
    gate, out = threading.Barrier(N), [None] * N

    def go(i: int) -> None:
        with httpx.Client(base_url=urls[i % len(urls)], timeout=60) as c:
            gate.wait()
            out[i] = c.post(path, headers=headers, json=json)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _once(responses: list[httpx.Response]) -> None:
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * (N - 1), [r.text for r in responses]
    for r in responses:
        if r.status_code == 409:
            error = r.json()["error"]
            assert error["code"] == "invalid_transition", error
            assert error["messages"]["zh-CN"] and error["messages"]["en"]


def _counts(stack, project_id: int) -> dict[str, int]:
    from sqlmodel import func, select

    from drawreview.models import AuditEntry

    async def go(s):
        rows = (await s.exec(select(AuditEntry.action, func.count()).where(AuditEntry.project_id == project_id)
                             .group_by(AuditEntry.action))).all()
        return dict(rows)

    return run(stack, go)


def test_a_workflow_step_sent_three_times_at_once_is_done_once(stack, servers):
    from drawreview.models import Project
    from drawreview.storage import make_storage

    async def world(s):
        project = await new_project(s, stack, name="并发提交测试项目")
        sub = await new_submission(s, project, storage=make_storage(stack.settings))
        return project.id, sub.id

    pid, sid = run(stack, world)
    designer, window = stack.token_headers("designer"), stack.token_headers("window")
    _once(burst(servers, f"/api/submissions/{sid}/submit", designer, {}))
    _once(burst(servers, f"/api/submissions/{sid}/accept", window, {}))
    counts = _counts(stack, pid)
    assert counts["submission.submit"] == 1 and counts["submission.accept"] == 1
    view = httpx.get(f"{servers[0]}/api/submissions/{sid}/review", headers=window).json()["data"]
    assert sorted(t["discipline"] for t in view["tasks"]) == sorted(set(t["discipline"] for t in view["tasks"]))
    for t in view["tasks"]:
        r = httpx.post(f"{servers[0]}/api/tasks/{t['id']}/conclude", headers=stack.token_headers(t["discipline"]),
                       json={"conclusion": "revision_required" if t["discipline"] == "fire" else "approved"})
        assert r.status_code == 200, r.text
    # issuing signs first and locks last: a request that finds the round issued answers with it (200)
    # or, arriving after the commit, is refused by the workflow (409); either way it is done once
    issued = burst(servers, f"/api/submissions/{sid}/report", window, {})
    assert {r.status_code for r in issued} <= {200, 409} and 200 in {r.status_code for r in issued}
    counts = _counts(stack, pid)
    assert counts["submission.require_revision"] == 1 and counts["report.issue"] == 1
    notices = httpx.get(f"{servers[0]}/api/notifications", headers=designer).json()["data"]
    assert sum(1 for n in notices if n["project_id"] == pid and n["type"] == "report.issued") == 1

    async def case_number(s):
        return (await s.get(Project, pid)).case_number

    case = run(stack, case_number)
    assert view["case_number"] == case  # the one number the single acceptance issued
