"""A case returned because its 容缺 items are overdue says why in the reader's language, over HTTP
in both modes: the review view gives the reasons in zh-CN and English, the notifications carry
each language's title, and a reason stored as Chinese text before the codes reads in English too.

Before: the reason was written as the Chinese sentence "容缺材料逾期未补齐：…", so English pages
and English notifications showed it in Chinese."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from drawreview.models import Submission
from tests.services.reviews_world import new_project, new_submission, run

EN = "The missing items (容缺) were not supplied by the deadline: 结构计算书, 人防施工图"
ZH = "容缺材料逾期未补齐：结构计算书、人防施工图"


@pytest.fixture(scope="module")
def h(stack):
    return {n: stack.token_headers(n) for n in ("window", "designer", "builder")}


@pytest.fixture(scope="module")
def returned(stack, client, h):
    def make(s):
        async def go():
            project = await new_project(s, stack, name="容缺逾期退回语言测试")
            return project.id, (await new_submission(s, project)).id
        return go()

    pid, sid = run(stack, make)
    assert client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]).status_code == 200
    r = client.post(f"/api/submissions/{sid}/accept", headers=h["window"],
                    json={"missing_items": ["结构计算书", "人防施工图"], "deficiency_deadline": "2099-01-31"})
    assert r.status_code == 200, r.text
    run(stack, lambda s: s.exec(update(Submission).where(Submission.id == sid).values(
        deficiency_deadline=datetime.now(timezone.utc) - timedelta(days=1))))
    r = client.post(f"/api/submissions/{sid}/deficiencies/return", headers=h["window"], json={"reason": "经催告仍未补齐"})
    assert r.status_code == 200, r.text
    return pid, sid


def test_the_review_view_gives_the_reasons_in_both_languages(client, h, returned):
    _, sid = returned
    for who in ("window", "designer"):
        view = client.get(f"/api/submissions/{sid}/review", headers=h[who]).json()["data"]
        assert view["state"] == "returned"
        assert view["return_reasons"] == [ZH, "经催告仍未补齐"]
        assert view["return_reasons_en"] == [EN, "经催告仍未补齐"]  # the window's own words stay as written


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_notifications_read_in_the_readers_language(client, h, returned, lang):
    pid, _ = returned
    for who in ("designer", "builder"):
        rows = client.get("/api/notifications", headers={**h[who], "Accept-Language": lang}).json()["data"]
        [note] = [n for n in rows if n["type"] == "submission.returned" and n["project_id"] == pid]
        assert note["titles"]["zh-CN"].endswith(f"退回理由：{ZH}、经催告仍未补齐")
        assert note["titles"]["en"].endswith(f"reasons for return: {EN}; 经催告仍未补齐")
        assert "逾期未补齐" not in note["titles"]["en"]
        assert note["title"] == note["titles"][lang]
        # the payload carries the reasons in words, each language its own (webhooks send the same)
        assert note["payload"]["reasons"] == [ZH, "经催告仍未补齐"]
        assert note["payload"]["reasons_en"] == [EN, "经催告仍未补齐"]


def test_a_reason_stored_as_chinese_text_before_the_codes_reads_in_english(stack, client, h, returned):
    _, sid = returned
    old = ["容缺材料逾期未补齐：结构计算书、人防施工图", "经催告仍未补齐"]
    run(stack, lambda s: s.exec(update(Submission).where(Submission.id == sid).values(return_reasons=old)))
    view = client.get(f"/api/submissions/{sid}/review", headers=h["window"]).json()["data"]
    assert view["return_reasons"] == old
    assert view["return_reasons_en"] == [
        "The missing items (容缺) were not supplied by the deadline: 结构计算书、人防施工图", "经催告仍未补齐"]
