"""Each page punctuates in the reader's language: an English page read "Stage：In review",
"Years the working-day clock knows：…（chinesecalendar …）", "Signature：…"; the colon and the
brackets between the page's words and a value now come from the message table (punct.*)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.services.reviews_world import new_project, new_submission, run

TEMPLATES = Path(__file__).resolve().parents[2] / "drawreview" / "web" / "templates"
CJK_PUNCT = re.compile(r"[：；（）、，。]")


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_progress_page_in_english(stack, client):
    async def make(s):
        project = await new_project(s, stack, name="Punctuation Plaza")
        return (await new_submission(s, project)).id

    sid = run(stack, make)
    assert client.post(f"/api/submissions/{sid}/submit", headers=stack.token_headers("designer")).status_code == 200
    data = client.post(f"/api/submissions/{sid}/accept", headers=stack.token_headers("window"), json={}).json()["data"]
    for lang, colon in (("en", "Stage: "), ("zh-CN", "当前阶段：")):
        page = client.get("/progress", params={"case": data["case_number"], "code": data["verification_code"]},
                          cookies={"lang": lang})
        assert page.status_code == 200
        text = " ".join(_text(page.text).split())
        assert colon in text, text[:400]
        if lang == "en":
            assert not CJK_PUNCT.search(text), CJK_PUNCT.findall(text)


def test_the_calendar_page_in_english(stack, client):
    page = client.get("/calendar", headers=stack.token_headers("window"), cookies={"lang": "en"})
    assert page.status_code == 200
    known = re.search(r'<p id="calendar-known">(.*?)</p>', page.text, re.S).group(1)
    known = " ".join(_text(known).split())
    assert known.startswith("Years the working-day clock knows: ") and "(chinesecalendar" in known
    assert not CJK_PUNCT.search(known), known


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_no_template_writes_chinese_punctuation_itself(name):
    """Punctuation between words goes through t('punct.*'), or the English page gets the Chinese
    one; the Chinese examples in the calendar's placeholders are data, not punctuation."""
    source = re.sub(r"\{#.*?#\}", "", (TEMPLATES / name).read_text(encoding="utf-8"), flags=re.S)
    source = re.sub(r'placeholder="[^"]*"', "", source)
    assert not CJK_PUNCT.findall(source), [line for line in source.splitlines() if CJK_PUNCT.search(line)]
