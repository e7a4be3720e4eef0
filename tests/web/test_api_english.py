"""A caller who asks in English (``Accept-Language: en`` or ``?lang=en``) gets the workflow's
names in English: stages, states, disciplines and conclusions in the public progress query, the
review view, the task list and the statistics (decision 157). Checked over HTTP only; the names
a Chinese caller gets are unchanged."""

from __future__ import annotations

import re

from tests.services.reviews_world import new_project, new_submission, run

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
EN = {"Accept-Language": "en"}


def _names(data, keys=("name", "state_name", "stage_name", "discipline_name", "conclusion_name")):
    """Every (key, value) of a name field anywhere in the answer (not the people's names of the
    reviewers a task may be reassigned to: those are as the accounts were made)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "candidates":
                continue
            if k in keys and isinstance(v, str):
                yield k, v
            else:
                yield from _names(v, keys)
    elif isinstance(data, list):
        for v in data:
            yield from _names(v, keys)


def _case(stack, client):
    async def go(s):
        project = await new_project(s, stack, name="英文调用方测试项目")
        return (await new_submission(s, project)).id

    sid = run(stack, go)
    assert client.post(f"/api/submissions/{sid}/submit", headers=stack.token_headers("designer")).status_code == 200
    r = client.post(f"/api/submissions/{sid}/accept", headers=stack.token_headers("window"), json={})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    fire = next(t["id"] for t in data["tasks"] if t["discipline"] == "fire")
    r = client.post(f"/api/tasks/{fire}/conclude", headers=stack.token_headers("fire"), json={"conclusion": "approved"})
    assert r.status_code == 200, r.text
    return sid, data["case_number"], data["verification_code"]


def test_an_english_caller_gets_the_workflow_names_in_english(stack, client):
    sid, case, code = _case(stack, client)
    answers = {
        "progress": client.get("/api/progress", params={"case": case, "code": code}, headers=EN),
        "progress ?lang=en": client.get("/api/progress", params={"case": case, "code": code, "lang": "en"}),
        "review": client.get(f"/api/submissions/{sid}/review", headers={**EN, **stack.token_headers("window")}),
        "tasks": client.get("/api/tasks", headers={**EN, **stack.token_headers("window")}),
        "stats": client.get("/api/stats", headers={**EN, **stack.token_headers("window")}),
    }
    for what, r in answers.items():
        assert r.status_code == 200, (what, r.text)
        names = list(_names(r.json()["data"]))
        assert names, what
        chinese = [(k, v) for k, v in names if CJK.search(v)]
        assert not chinese, (what, chinese)
    progress = answers["progress"].json()["data"]
    assert progress["stage_name"] == "In review"
    fire = next(d for d in progress["rounds"][0]["disciplines"] if d["discipline"] == "fire")
    assert (fire["name"], fire["state_name"]) == ("Fire protection", "Concluded")
    standing = {d["discipline"]: d for d in progress["rounds"][0]["standing"]}
    assert standing["fire"]["conclusion_name"] == "Passed"
    review = answers["review"].json()["data"]
    assert review["state_name"] == "In review"
    assert {d["discipline"]: d["conclusion_name"] for d in review["standing"]}["fire"] == "Passed"

    # a Chinese caller is answered as before
    zh = client.get("/api/progress", params={"case": case, "code": code}).json()["data"]
    assert zh["stage_name"] == "审查中"
    fire = next(d for d in zh["rounds"][0]["disciplines"] if d["discipline"] == "fire")
    assert (fire["name"], fire["state_name"]) == ("消防", "已出结论")
    assert {d["discipline"]: d["conclusion_name"] for d in zh["rounds"][0]["standing"]}["fire"] == "审查合格"
