"""The sheet list at scale (issue 18): pages by cursor in a stable order, filters by
discipline, number prefix, state and text, on both databases. The expected answers are
recomputed here from the set's definition (tests/sheet_sets.py), not read back from the code."""

from __future__ import annotations

import pytest

from tests import drawing_inputs as di
from tests import sheet_sets

N = 1234


def H(stack, who="designer"):
    return stack.token_headers(who)


@pytest.fixture(scope="module")
def big(stack, client):
    sid = di.new_submission(client, stack)
    sheet_sets.seed(stack.settings, sid, N, files=4)
    return sid


def walk(client, stack, url: str, params: dict) -> tuple[list[dict], list[dict]]:
    """Every item over every page, and the page records."""
    items, pages, cursor = [], [], None
    while True:
        r = client.get(url, headers=H(stack), params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["data"]
        pages.append(body["page"])
        cursor = body["page"]["next"]
        if cursor is None:
            return items, pages
        assert len(pages) < 100


def expected(pred) -> list[str]:
    return [f["key"] for f in map(sheet_sets.sheet_fields, range(N)) if pred(f)]


def test_pages_walk_the_whole_set_once_in_order(stack, client, big):
    items, pages = walk(client, stack, f"/api/submissions/{big}/sheets", {"limit": 100})
    assert len(pages) == 13 and all(p["total"] == N and p["limit"] == 100 for p in pages)
    assert [len(p) for p in [items[i:i + 100] for i in range(0, N, 100)]][-1] == 34
    assert [s["key"] for s in items] == expected(lambda f: True)  # each once, files in order, ids in order
    assert len({s["id"] for s in items}) == N


def test_a_page_is_bounded_without_a_limit(stack, client, big):
    body = client.get(f"/api/submissions/{big}/sheets", headers=H(stack)).json()
    assert len(body["data"]) == 500 and body["page"]["next"] and body["page"]["total"] == N


@pytest.mark.parametrize("params, pred", [
    ({"discipline": "结构"}, lambda f: f["discipline"] == "结构"),
    ({"number": "水施-01"}, lambda f: f["number"].startswith("水施-01")),
    ({"state": "failed"}, lambda f: f["state"] == "failed"),
    ({"q": "12层"}, lambda f: "12层" in f["title"] or "12层" in f["number"]),
    ({"q": "0007"}, lambda f: "0007" in f["number"] or "0007" in f["title"]),
    ({"discipline": "电气", "state": "ready", "q": "3层"},
     lambda f: f["discipline"] == "电气" and f["state"] == "ready" and ("3层" in f["title"] or "3层" in f["number"])),
    ({"number": "%"}, lambda f: f["number"].startswith("%")),  # a wildcard character is only itself
])
def test_filters(stack, client, big, params, pred):
    items, pages = walk(client, stack, f"/api/submissions/{big}/sheets", {**params, "limit": 50})
    want = expected(pred)
    assert [s["key"] for s in items] == want and pages[0]["total"] == len(want)


def test_number_prefix_ignores_case(stack, client):
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("ab.dxf", di.plan(("AB-01", "ab-02"), ("一层", "二层")))])
    di.wait_files(client, stack, sid)
    got = client.get(f"/api/submissions/{sid}/sheets", headers=H(stack), params={"number": "Ab-0"}).json()["data"]
    assert sorted(s["number"] for s in got) == ["AB-01", "ab-02"]


def test_the_project_list_spans_revisions(stack, client, big):
    pid = stack.demo["project_id"]
    items, pages = walk(client, stack, f"/api/projects/{pid}/sheets", {"number": "暖施-000", "limit": 3})
    assert [s["key"] for s in items if s["submission_id"] == big] == expected(lambda f: f["number"].startswith("暖施-000"))
    revs = [s["revision"] for s in items]
    assert revs == sorted(revs)


def _forged(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("params, code", [
    ({"cursor": "not-a-cursor"}, "invalid_cursor"),
    # forged cursors: beyond 64 bits (SQLite cannot bind it: a 500), beyond the id columns, true,
    # nested past the JSON decoder's recursion limit (a 500)
    ({"cursor": _forged("[1, 99999999999999999999, 1]")}, "invalid_cursor"),
    ({"cursor": _forged("[1, 2147483648, 1]")}, "invalid_cursor"),
    ({"cursor": _forged("[1, true, 1]")}, "invalid_cursor"),
    ({"cursor": _forged("[" * 3000)}, "invalid_cursor"),
    ({"limit": "0"}, "validation_failed"),
    ({"limit": "100000"}, "validation_failed"),
    ({"state": "burnt"}, "validation_failed"),
])
def test_bad_parameters_are_named(stack, client, big, params, code):
    r = client.get(f"/api/submissions/{big}/sheets", headers=H(stack), params=params)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == code and err["messages"]["zh-CN"] and err["messages"]["en"]


def test_the_project_page_shows_one_page_of_a_big_set(stack, client, big):
    """With 1,234 sheets the page carries 50 rows, a count, a pager and the filters; the next
    page and a filter are plain links/forms (they work without the script too)."""
    import re
    from html.parser import HTMLParser

    pid = stack.demo["project_id"]
    r = client.get(f"/projects/{pid}?submission={big}", headers=H(stack))
    assert r.status_code == 200
    rows = re.findall(r'<tr data-sheet-id="(\d+)"', r.text)
    assert len(rows) == 50 and f"共 {N} 张" in r.text
    assert len(r.content) < 200_000
    assert 'loading="lazy"' in r.text  # thumbnails load as they scroll into view

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.next = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "a" and a.get("id") == "sheets-next":
                self.next = a["href"]

    links = Links()
    links.feed(r.text)
    second = client.get(links.next, headers=H(stack))
    rows2 = re.findall(r'<tr data-sheet-id="(\d+)"', second.text)
    assert len(rows2) == 50 and not set(rows) & set(rows2) and 'id="sheets-first"' in second.text
    api = client.get(f"/api/submissions/{big}/sheets", headers=H(stack), params={"limit": 100}).json()["data"]
    assert [int(x) for x in rows + rows2] == [s["id"] for s in api]  # the same order as the API
    filtered = client.get(f"/projects/{pid}", headers=H(stack),
                          params={"submission": big, "sheet_discipline": "结构", "sheet_number": "结施-00"})
    numbers = re.findall(r'<td class="number">([^<]*)</td>', filtered.text)
    assert numbers == [f["number"] for f in map(sheet_sets.sheet_fields, range(N))
                       if f["discipline"] == "结构" and f["number"].startswith("结施-00")][:50]
