"""The holiday calendar in the web UI (issue #14): the window enters a year's State Council
arrangement (holidays + 调休 working days), checked strictly and audited, and the working-day
clock uses it at once; anything counted without holiday data says so ("按周末估算，节假日安排未录入")
on the receipt and in the notices."""

from __future__ import annotations

import warnings
from datetime import date

import pymupdf
from sqlmodel import select

from drawreview.models import AuditEntry, Notification
from drawreview.services import reviews, workdays
from tests.services.reviews_world import bj, new_project, new_submission, principal, run

YEAR = 2190  # far beyond any real arrangement: no other test counts days there


def _weekend(year: int, month: int) -> date:
    d = date(year, month, 1)
    while d.weekday() != 5:
        d = date(year, month, d.day + 1)
    return d


def test_the_window_enters_a_year_and_the_clock_uses_it(stack, client):
    h = stack.token_headers("window")
    before = client.get("/api/calendar", headers=h).json()["data"]
    assert str(YEAR) not in before["entered"]
    assert not workdays.calendar_covers(date(YEAR, 3, 2))
    sat = _weekend(YEAR, 2)
    body = {"source": f"国务院办公厅关于{YEAR}年部分节假日安排的通知",
            "holidays": f"元旦 {YEAR}-01-01\n春节 {YEAR}-02-10 ~ {YEAR}-02-16", "workdays": f"春节调休 {sat.isoformat()}"}
    # checked as strictly as the file: a weekday as adjusted working day, an unreadable line
    monday = date(YEAR, 2, 3)
    while monday.weekday() != 0:
        monday = date(YEAR, 2, monday.day + 1)
    bad = client.put(f"/api/calendar/years/{YEAR}", headers=h, json={**body, "workdays": f"调休 {monday}"})
    assert bad.status_code == 422 and "不是周末" in bad.json()["error"]["messages"]["zh-CN"]
    bad = client.put(f"/api/calendar/years/{YEAR}", headers=h, json={**body, "holidays": "春节 二月初一"})
    assert bad.status_code == 422 and "第 1 行" in bad.json()["error"]["messages"]["zh-CN"]
    for wrong in ({"holidays": body["holidays"].split("\n")}, {"workdays": {"a": 1}}, {"source": 2190}):
        bad = client.put(f"/api/calendar/years/{YEAR}", headers=h, json={**body, **wrong})  # not text: 422, not 500
        assert bad.status_code == 422 and set(bad.json()["error"]["details"]) == set(wrong), bad.text
    assert client.put(f"/api/calendar/years/{YEAR}", headers=stack.token_headers("designer"), json=body).status_code == 403
    r = client.put(f"/api/calendar/years/{YEAR}", headers=h, json=body)
    assert r.status_code == 200, r.text
    assert str(YEAR) in r.json()["data"]["calendar"]["entered"]
    # the clock knows the year at once: holidays are off, the adjusted Saturday is a working day
    assert workdays.calendar_covers(date(YEAR, 3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error", workdays.CalendarRangeWarning)
        assert not workdays.is_workday(date(YEAR, 2, 12)) and workdays.is_workday(sat)
        assert not workdays.is_workday(date(YEAR, 1, 1))
    # audited (global chain), and the page shows it
    entry = run(stack, lambda s: _last(s))
    assert entry.detail["year"] == YEAR and entry.detail["workdays"] == [{"name": "春节调休", "date": sat.isoformat()}]
    assert entry.actor == "window"
    page = client.get("/calendar", headers=h)
    assert page.status_code == 200 and f'data-year="{YEAR}"' in page.text and "春节调休" in page.text
    assert client.get("/calendar", headers=stack.token_headers("builder")).status_code == 403


async def _last(s):
    return (await s.exec(select(AuditEntry).where(AuditEntry.action == "calendar.set_year")
                         .order_by(AuditEntry.id.desc()))).first()


def test_a_receipt_and_notices_say_when_the_clock_counted_weekends_only(stack, client):
    storage = client.app.state.storage

    async def go(s):
        cfg = {**__import__("drawreview.services.tasks", fromlist=["config"]).config(stack.settings)}
        project = await new_project(s, stack, name="日历外受理测试")
        sub = await new_submission(s, project)
        t0 = bj(2180, 3, 4, 10)  # a year nobody entered
        await reviews.submit(s, await principal(s, "designer"), sub, project, t0, lambda e: None, cfg)
        await reviews.accept(s, await principal(s, "window"), sub, project, {}, t0, lambda e: None, cfg, storage, "http://x")
        notes = (await s.exec(select(Notification).where(Notification.project_id == project.id,
                                                         Notification.type == "task.assigned"))).all()
        return sub.receipt_sha256, [n.title_zh for n in notes], [n.title_en for n in notes]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", workdays.CalendarRangeWarning)
        receipt, zh, en = run(stack, go)
    with pymupdf.open(stream=storage.path(receipt).read_bytes(), filetype="pdf") as doc:
        text = "".join("".join(p.get_text() for p in doc).split())
    assert "按周末估算，节假日安排未录入" in text
    assert zh and all("按周末估算，节假日安排未录入" in t for t in zh)
    assert all("estimated by weekends" in t for t in en)


def test_the_form_examples_are_in_the_readers_language_and_can_be_entered(stack, client):
    """The calendar form's placeholders were Chinese on the English page (decision 132); each
    language's example is in its words and is a line the form accepts."""
    import html
    import re

    from drawreview.services import calendar_years

    h = stack.token_headers("window")
    found = {}
    for lang in ("zh-CN", "en"):
        page = client.get(f"/calendar?lang={lang}", headers=h)
        assert page.status_code == 200
        found[lang] = [html.unescape(p) for p in re.findall(r'placeholder="([^"]*)"', page.text)]
        assert len(found[lang]) == 3
    assert all(re.search(r"[\u4e00-\u9fff]", p) for p in found["zh-CN"])
    assert not any(re.search(r"[\u3000-\u9fff\uff00-\uffef]", p) for p in found["en"]), found["en"]
    for lang in found:
        _source, holidays, workdays_ = found[lang]
        assert [e["name"] for e in calendar_years.parse_lines(holidays, "holidays")][:1] == \
            [holidays.split("\n")[0].rsplit(" ", 1)[0]]
        assert len(calendar_years.parse_lines(workdays_, "workdays")) == 1
