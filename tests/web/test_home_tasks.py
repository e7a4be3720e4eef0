"""A reviewer's home page lists his own open review tasks (project, round, state, due date with the
working days left and the warning light), each opening its project on the submission under
review; the window's worklist says what its number of days means. (A reviewer's home listed only
projects: which ones waited for him, and until when, was nowhere to be read.)"""

from __future__ import annotations

import re

from tests.services.reviews_world import new_project, new_submission, run


def test_reviewer_home_lists_his_open_tasks_with_due_dates(stack, client):
    def make(s):
        async def go():
            project = await new_project(s, stack, name="任务清单测试<项目>")
            sub = await new_submission(s, project)
            return project.id, sub.id
        return go()

    pid, sid = run(stack, make)
    assert client.post(f"/api/submissions/{sid}/submit", headers=stack.token_headers("designer")).status_code == 200
    r = client.post(f"/api/submissions/{sid}/accept", headers=stack.token_headers("window"), json={})
    assert r.status_code == 200, r.text
    fire = next(t for t in r.json()["data"]["tasks"] if t["discipline"] == "fire")

    html = client.get("/", headers=stack.token_headers("fire")).text
    section = re.search(r'<section class="card" id="my-tasks">(.*?)</section>', html, re.S)
    assert section, html[:3000]
    body = section.group(1)
    row = re.search(rf'<tr data-task-id="{fire["id"]}"[^>]*>(.*?)</tr>', body, re.S)
    assert row, body
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1)))
    assert "任务清单测试&lt;项目&gt;" in row.group(1)  # user text escaped
    assert f'href="/projects/{pid}?submission={sid}"' in row.group(1)
    assert fire["due_at"] and "剩余" in text and "个工作日" in text and "第 1 轮审查" in text
    # only his own discipline's tasks
    planning = next(t for t in r.json()["data"]["tasks"] if t["discipline"] == "planning")
    assert f'data-task-id="{planning["id"]}"' not in body
    # other roles have no task list
    assert 'id="my-tasks"' not in client.get("/", headers=stack.token_headers("designer")).text

    # the window's worklist: "剩余 N 个工作日", not a bare "(N)"
    window = client.get("/window", headers=stack.token_headers("window")).text
    due = re.search(rf'<tr data-task-id="{fire["id"]}".*?<td class="due">(.*?)</td>', window, re.S)
    assert due and "剩余" in due.group(1) and not re.search(r"\(\d+\)", due.group(1)), due and due.group(1)
