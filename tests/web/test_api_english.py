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
    r = client.post(f"/api/submissions/{sid}/accept", headers=stack.token_headers("window"),
                    json={"missing_items": ["结施"], "deficiency_deadline": "2199-12-31"})
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
    assert progress["deficiencies"] == [{"item": "结施", "item_name": "结施 (structure)", "supplied": False}]
    fire = next(d for d in progress["rounds"][0]["disciplines"] if d["discipline"] == "fire")
    assert (fire["name"], fire["state_name"]) == ("Fire protection", "Concluded")
    standing = {d["discipline"]: d for d in progress["rounds"][0]["standing"]}
    assert standing["fire"]["conclusion_name"] == "Passed"
    review = answers["review"].json()["data"]
    assert review["state_name"] == "In review"
    assert {d["discipline"]: d["conclusion_name"] for d in review["standing"]}["fire"] == "Passed"
    assert [(d["item"], d["item_name"]) for d in review["deficiencies"]] == [("结施", "结施 (structure)")]

    # a Chinese caller is answered as before
    zh = client.get("/api/progress", params={"case": case, "code": code}).json()["data"]
    assert zh["stage_name"] == "审查中"
    fire = next(d for d in zh["rounds"][0]["disciplines"] if d["discipline"] == "fire")
    assert (fire["name"], fire["state_name"]) == ("消防", "已出结论")
    assert {d["discipline"]: d["conclusion_name"] for d in zh["rounds"][0]["standing"]}["fire"] == "审查合格"


def _disposition(r) -> tuple[str, str]:
    """(the ASCII ``filename``, the decoded ``filename*``) of a download (RFC 6266 / 5987)."""
    from urllib.parse import unquote

    cd = r.headers["content-disposition"]
    plain = re.search(r'filename="([^"]*)"', cd).group(1)
    star = re.search(r"filename\*=UTF-8''([^;]+)", cd)
    return plain, unquote(star.group(1)) if star else plain


def test_downloads_are_named_in_the_callers_language_with_a_readable_ascii_name(stack, client):
    """The derived downloads' names said 第1轮-审查意见 to an English caller, and their ASCII
    ``filename`` (for clients that read only that) was a row of ``_``; the BCF's own words
    (labels, stage, description headings) were Chinese whatever the caller's language."""
    import io
    import uuid
    import zipfile

    from tests.web.matrix.reports import create_report_world

    world = create_report_world(stack, state="in_review", verdict=None)  # sheets with their PDFs
    sid, sheet, project = world["submission_id"], world["sheet_ids"][0], world["name"]
    r = client.post(f"/api/sheets/{sheet}/annotations", headers=stack.token_headers("fire"),
                    json={"client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [[120.5, 80.25]]},
                          "severity": "mandatory", "body": "消防车道宽度不足", "clause": "GB 50016"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/annotations/{r.json()['data']['annotation']['id']}/comments",
                    headers=stack.token_headers("fire"), json={"client_id": uuid.uuid4().hex, "body": "请复核"})
    assert r.status_code == 200, r.text
    routes = {"bcf": f"/api/submissions/{sid}/bcf", "json": f"/api/submissions/{sid}/export.json",
              "zip": f"/api/submissions/{sid}/marked-up-sheets.zip", "sheet": f"/api/sheets/{sheet}/marked-up.pdf"}
    for what, url in routes.items():
        en = client.get(url, headers={**EN, **stack.token_headers("window")})
        zh = client.get(url, headers=stack.token_headers("window"))
        assert en.status_code == 200 and zh.status_code == 200, (what, en.text[:200])
        plain_en, name_en = _disposition(en)
        plain_zh, name_zh = _disposition(zh)
        assert plain_en == plain_zh and "__" not in plain_en and plain_en.isascii(), (what, plain_en)
        # the project's name and the sheet's number are as entered; the file's own words are not Chinese
        own_words = name_en.replace(project, "")
        if what == "sheet":
            own_words = own_words.split("-", 1)[0]
        assert not CJK.search(own_words), (what, name_en)
        assert CJK.search(name_zh.replace(project, "")), (what, name_zh)

    bcf = client.get(routes["bcf"], headers={**EN, **stack.token_headers("window")}).content
    with zipfile.ZipFile(io.BytesIO(bcf)) as zf:
        ext = zf.read("extensions.xml").decode()
        markup = next(m for m in (zf.read(n).decode() for n in zf.namelist() if n.endswith("markup.bcf"))
                      if "请复核" in m)
    assert "<TopicLabel>Fire protection</TopicLabel>" in ext and "<Stage>Round 1</Stage>" in ext, ext
    assert "依据条文" not in markup and "Clause: GB 50016" in markup and "<Stage>Round 1</Stage>" in markup, markup
    assert "(Fire protection)" in markup and "（消防）" not in markup, markup
    zh = client.get(routes["bcf"], headers=stack.token_headers("window")).content
    with zipfile.ZipFile(io.BytesIO(zh)) as zf:
        assert "<TopicLabel>消防</TopicLabel>" in zf.read("extensions.xml").decode()


def test_accept_language_is_read_by_its_weights(client):
    """``de-DE,de;q=0.9,en;q=0.8`` (a German browser that also reads English) was answered in
    Chinese and ``en;q=0.1, zh-CN;q=0.9`` in English: only the first range was read."""
    cases = {"de-DE,de;q=0.9,en;q=0.8": "en", "en-GB": "en", "fr-FR, EN-us;q=0.5": "en",
             "en;q=0.1, zh-CN;q=0.9": "zh-CN", "zh-CN,zh;q=0.9,en;q=0.8": "zh-CN", "fr": "zh-CN", "*": "zh-CN",
             "en;q=0, zh;q=0.2": "zh-CN", "zh-TW;q=0.5, en;q=0.5": "zh-CN", "en;q=bad, zh-CN;q=0.3": "zh-CN"}
    for header, lang in cases.items():
        r = client.get("/api/me", headers={"Accept-Language": header})
        error = r.json()["error"]
        assert r.status_code == 401 and error["message"] == error["messages"][lang], (header, error["message"])


def test_a_flag_the_server_does_not_read_is_refused(stack, client):
    """``?unread=yes`` or ``?unread=True`` listed every notice, read or not, as if the filter had
    not been given; the document lists the values the server reads."""
    h = stack.token_headers("window")
    for value in ("yes", "True", "on", "2"):
        r = client.get("/api/notifications", params={"unread": value}, headers=h)
        assert r.status_code == 422 and r.json()["error"]["details"]["unread"] == value, (value, r.text)
    for value in ("1", "true", "0", "false", ""):
        assert client.get("/api/notifications", params={"unread": value}, headers=h).status_code == 200, value
    schema = next(p["schema"] for p in client.get("/api/openapi.json").json()["paths"]["/api/notifications"]["get"]
                  ["parameters"] if p["name"] == "unread")
    assert set(schema["enum"]) == {"1", "true", "0", "false"}
