"""The window reads a project's audit trail in words, in zh-CN and in English: the actions, the
objects and the system's own entries were shown as codes (submission.accept_with_deficiencies,
drawing_file 3, system), and the action filter listed the codes. The code stays the filter's
value and each cell's title."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESK, chromium_browser, demo_embedded_site, page_as

CODE = re.compile(r"\b[a-z]+(?:[._][a-z_]+)+\b")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    yield from demo_embedded_site(tmp_path_factory, "audit-page")


@pytest.fixture(scope="module")
def chromium(demo_site):
    yield from chromium_browser()


@pytest.mark.parametrize("lang, accepted", [("zh-CN", "容缺受理"), ("en", "Accepted with missing items")])
def test_the_trail_reads_in_words(demo_site, chromium, shots, lang, accepted):
    stack, base = demo_site
    pid = stack.demo["project_id"]
    with page_as(chromium, base, stack, "window", lang, DESK) as page:
        page.goto(f"{base}/projects/{pid}/audit")
        rows = page.locator("#audit-entries tbody tr[data-action]")
        assert rows.count() >= 20
        cells = page.eval_on_selector_all(
            "#audit-entries tbody tr[data-action]",
            "trs => trs.map(tr => [tr.dataset.action, tr.cells[2].innerText, tr.cells[3].innerText, tr.cells[4].innerText,"
            " tr.cells[3].title])")
        actions = {c[0] for c in cells}
        assert {"submission.accept_with_deficiencies", "file.upload", "findings.store", "task.start"} <= actions
        for action, actor, said, obj, title in cells:
            assert title == action  # the code stays at hand
            assert actor not in ("system", "anonymous", "cli"), (action, actor)  # a username stays as it is
            for text in (said, obj):
                assert not CODE.search(text), (action, text)
            if lang == "en":
                assert not CJK.search(said + obj), (action, said, obj)
        options = page.eval_on_selector_all("#audit-filters select[name=action] option[value]:not([value=''])",
                                            "os => os.map(o => [o.value, o.textContent])")
        assert options and all(not CODE.search(label) for _, label in options), options
        assert any(a == "submission.accept_with_deficiencies" and label == accepted for a, label in options), options
        # the filter by its words: only that action's entries remain
        page.select_option("#audit-filters select[name=action]", label=accepted)
        with page.expect_navigation():
            page.click("#audit-filters button[type=submit]")
        kept = page.eval_on_selector_all("#audit-entries tbody tr[data-action]", "trs => trs.map(tr => tr.dataset.action)")
        assert kept == ["submission.accept_with_deficiencies"], kept
        page.screenshot(path=str(shots / f"audit-words-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang, missing", [("zh-CN", "缺少的材料："), ("en", "Missing items: ")])
def test_the_details_read_in_words(demo_site, chromium, shots, lang, missing):
    """The detail column showed the entry's stored JSON ({"case_number": ..., "completeness": {...}}):
    now each key in words in the page's language, codes as the pages name them and moments in
    Beijing time; the JSON stays in the cell's title (and the CSV)."""
    import json

    stack, base = demo_site
    pid = stack.demo["project_id"]
    with page_as(chromium, base, stack, "window", lang, DESK) as page:
        page.goto(f"{base}/projects/{pid}/audit")
        cells = page.eval_on_selector_all("#audit-entries tbody tr[data-action] td.audit-detail",
                                          "tds => tds.map(td => [td.parentElement.dataset.action, td.innerText, td.title])")
        assert len(cells) >= 20
        colon, semi = (": ", "; ") if lang == "en" else ("：", "；")
        for action, said, title in cells:
            detail = json.loads(title)  # the stored JSON, whole
            assert not re.search(r'[{}"]', said), (action, said)  # no JSON
            if not detail:
                assert said == "—", (action, said)
                continue
            keys = re.findall(rf"(?:^|{semi}|[(（])([^:：;；()（）]+){colon}", said)
            assert keys and not any(re.search(r"[a-z]_[a-z]", k) for k in keys), (action, said)  # words, not codes
            if lang == "en":  # Chinese only where the data is Chinese (names, items), never in a key's word
                assert not any(CJK.search(k) for k in keys), (action, said)
            else:  # every key in Chinese words (it showed format: dxf, added: 2)
                assert all(CJK.search(k) for k in keys), (action, said)
        accepted = next(said for action, said, _ in cells if action == "submission.accept_with_deficiencies")
        assert missing in accepted, accepted
        assert ("完整性检查" if lang == "zh-CN" else "Completeness check") in accepted, accepted
        page.locator("tr[data-action='submission.accept_with_deficiencies']").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"audit-details-{lang}.png"), full_page=True)
