"""The public progress query: case number + code, nothing of the drawings, rate-limited."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.services.reviews_world import new_project, new_submission, run


def _accepted(stack, client):
    async def go(s):
        project = await new_project(s, stack, name="进度查询测试项目")
        return (await new_submission(s, project)).id

    sid = run(stack, go)
    client.post(f"/api/submissions/{sid}/submit", headers=stack.token_headers("designer"))
    data = client.post(f"/api/submissions/{sid}/accept", headers=stack.token_headers("window"), json={}).json()["data"]
    return data["case_number"], data["verification_code"]


def test_progress_shows_stage_and_disciplines_but_no_drawings(stack, client):
    case, code = _accepted(stack, client)
    anon = client  # no credentials: the public query
    r = anon.get("/api/progress", params={"case": case, "code": code})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["stage"] == "in_review" and data["case_number"] == case
    discs = {d["discipline"]: d for d in data["rounds"][0]["disciplines"]}
    assert set(discs) == {"planning", "fire", "civil_defence", "lightning"}
    assert discs["fire"]["due_at"] and discs["fire"]["light"] == "green"
    text = r.text
    for leak in ("建施", "sheet", "sha256", ".dxf", "reviewer", "opinion", "verification_code"):
        assert leak not in text, leak
    page = anon.get("/progress", params={"case": case, "code": code})
    assert page.status_code == 200 and "进度查询测试项目" in page.text and "light-green" in page.text
    assert anon.get("/progress", params={"case": case}).status_code == 200  # the QR code's form
    wrong = anon.get("/api/progress", params={"case": case, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "not_found"
    unknown = anon.get("/api/progress", params={"case": "JS-1999-999999", "code": code})
    assert unknown.status_code == 404 and unknown.json()["error"]["messages"] == wrong.json()["error"]["messages"]
    assert anon.get("/api/progress", params={"case": case, "code": "12"}).status_code == 422


def test_progress_page_dates_are_beijing_dates_as_in_the_reports(stack, client):
    """A task started at 00:30 Beijing time (16:30 UTC the day before) shows the Beijing day, the
    day the receipt and the reports print, not the UTC date of the API's ISO time."""
    from sqlalchemy import update
    from sqlmodel import select

    from drawreview.models import Project, ReviewTask, Submission

    case, code = _accepted(stack, client)

    async def go(s):
        project = (await s.exec(select(Project).where(Project.case_number == case))).one()
        sub = (await s.exec(select(Submission).where(Submission.project_id == project.id))).one()
        await s.exec(update(ReviewTask).where(ReviewTask.submission_id == sub.id)
                     .values(started_at=datetime(2025, 5, 6, 16, 30, tzinfo=timezone.utc)))

    run(stack, go)
    data = client.get("/api/progress", params={"case": case, "code": code}).json()["data"]
    assert {d["started_at"][:10] for d in data["rounds"][0]["disciplines"]} == {"2025-05-06"}  # UTC in the API
    page = client.get("/progress", params={"case": case, "code": code}).text
    assert "2025-05-07" in page and "2025-05-06" not in page


def test_guessing_a_code_is_rate_limited_per_case(stack, client):
    case, code = _accepted(stack, client)
    statuses = [client.get("/api/progress", params={"case": case, "code": f"{n:08d}"}).status_code for n in range(12)]
    assert statuses == [404] * 10 + [429] * 2
    r = client.get("/api/progress", params={"case": case, "code": code})  # even the right code waits now
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert r.json()["error"]["details"]["scope"] in {"case", "ip"}
    # RFC 6585: when to come back, for clients that wait by the header (a fuzzer's --rate-limit auto)
    assert int(r.headers["retry-after"]) == r.json()["error"]["details"]["retry_after_s"] > 0


def test_one_address_walking_many_case_numbers_is_rate_limited(stack, client):
    """Guessing across cases (a different case number each time) hits the per-address limit,
    which the per-case limit alone would never stop."""
    from drawreview.services.progress import IP_LIMIT

    statuses = []
    for n in range(IP_LIMIT + 1):
        r = client.get("/api/progress", params={"case": f"JS-2099-{n:06d}", "code": "12345678"})
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert r.json()["error"]["details"]["scope"] == "ip"
            assert r.json()["error"]["messages"]["zh-CN"] and r.json()["error"]["messages"]["en"]
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) <= {404}, statuses



def test_the_login_page_leads_to_the_public_progress_query_and_verification(client):
    """A construction unit without an account, or one who lost the receipt's QR code, finds the
    query by case number + code (and the report verification) from the login page."""
    for lang, words in (("zh-CN", "审查进度查询"), ("en", "Review progress")):
        client.get(f"/lang/{lang}")
        page = client.get("/login").text
        assert 'href="/progress"' in page and 'href="/verify"' in page and words in page
