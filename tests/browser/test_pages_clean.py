"""Every main page, as each role sees it after `drawreview demo` (a review under way, with sheets
and comments), in zh-CN and in English: no console error, no uncaught page error, no failed
request, and no raw internal code in the visible text (`in_review`, `layout:Layout1`, `page:1`,
`model`, `unknown` …)."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.browser.conftest import DESK, PHONE, chromium_browser, demo_embedded_site, page_as

# internal codes as they would leak: snake_case words, space keys, and (on a Chinese page, where no
# English word belongs) the lowercase state / format / verdict codes
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
SPACE_KEY = re.compile(r"\b(?:layout|page|model):\S*")
CODES = {"draft", "submitted", "accepted", "returned", "concluded", "approved", "rejected", "pending", "ready",
         "failed", "processing", "uploaded", "open", "answered", "closed", "model", "unknown", "dxf", "pdf", "zip",
         "planning", "fire", "lightning", "meteorology", "designer", "reviewer", "window", "construction", "error",
         "warning", "info", "normal", "complex", "building", "municipal", "special"}
WORD = re.compile(r"(?<![.\w/-])[a-z]+\b")  # not a file extension or a path


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    yield from demo_embedded_site(tmp_path_factory, "pages")


@pytest.fixture(scope="module")
def chromium(demo_site):
    yield from chromium_browser()


def _pages(stack, base) -> dict[str, list[str]]:
    pid = stack.demo["project_id"]
    sub_id = stack.demo["review"]["submission_id"]
    sheets = httpx.get(f"{base}/api/submissions/{sub_id}/sheets", headers=stack.token_headers("window"), timeout=10)
    sheet = sheets.json()["data"][0]["id"]
    project = [f"/projects/{pid}", f"/sheets/{sheet}"]
    return {"designer": ["/", *project], "fire": ["/", *project], "planning": ["/", *project],
            "window": ["/", "/window", "/stats", *project], "builder": ["/", f"/projects/{pid}"]}


def _raw_codes(text: str, lang: str) -> list[str]:
    found = SNAKE.findall(text) + SPACE_KEY.findall(text)
    if lang == "zh-CN":
        found += [w for w in WORD.findall(text) if w in CODES]
    return found


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # a request the next navigation aborts (ERR_ABORTED) is the test's doing, not a fault
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    return problems


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_main_pages_clean(demo_site, chromium, lang, shots):
    stack, base = demo_site
    failures = {}
    for username, paths in _pages(stack, base).items():
        with page_as(chromium, base, stack, username, lang, DESK) as page:
            problems = _watch(page)
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if path.startswith("/sheets/"):
                    page.wait_for_selector("#map canvas", timeout=20000)
                page.wait_for_timeout(300)
                codes = _raw_codes(page.inner_text("body"), lang)
                if lang == "en" and path == "/stats":  # the charts' labels are the page's words, not data
                    labels = page.eval_on_selector_all("svg text", "els => els.map(e => e.textContent)")
                    if any(re.search(r"[\u4e00-\u9fff]", x) for x in labels):
                        problems.append(f"Chinese chart labels on the English page: {labels}")
                if lang == "en" and path.startswith("/projects/"):  # sheet disciplines in words (建筑 → Architecture)
                    words = page.eval_on_selector_all(
                        "#sheets tbody td:nth-child(4), select[name=sheet_discipline] option",
                        "els => els.map(e => e.textContent)")
                    if any(re.search(r"[\u4e00-\u9fff]", x) for x in words):
                        problems.append(f"Chinese sheet disciplines on the English page: {words}")
                if codes:
                    problems.append(f"raw codes: {sorted(set(codes))}")
                if problems:
                    failures[f"{username} {path}"] = list(problems)
                    page.screenshot(path=str(shots / f"unclean-{lang}-{username}-{path.strip('/').replace('/', '-') or 'home'}.png"), full_page=True)
                problems.clear()
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_public_pages_clean(demo_site, chromium, lang):
    stack, base = demo_site
    with page_as(chromium, base, stack, None, lang) as page:
        problems = _watch(page)
        for path in ("/login", "/progress", "/verify"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            codes = _raw_codes(page.inner_text("body"), lang)
            assert not codes, (path, codes)
        assert not problems, problems


# the top bar's links and buttons with a text split over two lines (a text node whose boxes stand on
# more than one line; the notification count is a badge of its own, not a second line)
BROKEN_NAV = """() => [...document.querySelectorAll('.topbar nav a, .topbar nav button')].flatMap(e => {
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    const split = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const r = document.createRange(); r.selectNodeContents(n);
        const lines = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
        if (lines.size > 1) split.push(n.textContent.trim());
    }
    return split;
})"""


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_main_pages_fit_a_phone(demo_site, chromium, shots, lang):
    """At 390 × 844 (a phone) no page is wider than the screen: a wide table scrolls in itself
    (the project page's task table made the whole page 611 px wide, the audit trail 1,317 px);
    in English too (the viewer's tool group, in longer words, ran 48 px past the screen). The top
    bar wraps between its links, never inside one (the window's 统计分析 broke as 统 / 计分析)."""
    stack, base = demo_site
    pages = _pages(stack, base)
    pages["window"] += ["/calendar", f"/projects/{stack.demo['project_id']}/audit"]
    wide = {}
    for username, paths in pages.items():
        with page_as(chromium, base, stack, username, lang, PHONE) as page:
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if path.startswith("/sheets/"):
                    page.wait_for_selector("#map canvas", timeout=20000)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 390:
                    wide[f"{username} {path}"] = width
                broken = page.evaluate(BROKEN_NAV)
                if broken:
                    wide[f"{username} {path} top bar"] = broken
                    page.screenshot(path=str(shots / f"phone-{lang}-{username}-{path.strip('/').replace('/', '-') or 'home'}.png"))
    assert not wide, wide


# each cell of the project page's file and sheet lists: how far it reaches past the table's visible
# box, and on how many lines its text stands
CELLS = """(sel) => { const table = document.querySelector(sel), box = table.getBoundingClientRect();
    return [...table.querySelectorAll('tbody tr:not(.empty) td')].map(td => {
        const r = document.createRange(); r.selectNodeContents(td);
        const lines = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
        return {text: td.innerText.trim(), past: Math.round(td.getBoundingClientRect().right - Math.min(box.right, innerWidth)),
                lines: lines.size, scrolls: table.scrollWidth > table.clientWidth + 1};
    }); }"""


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_project_lists_read_on_a_phone(demo_site, chromium, shots, lang):
    """At 390 px the project page's sheet list kept its six columns inside a scroller: titles stood
    one character a line (总 / 平 / 面 / 图) and the category was cut ("Architectur…"), the file
    names likewise. Each row is now a card: every cell inside the screen, no list scrolling
    sideways, and a number, a title or a file name of the demo's on one line. The comment filters
    wrapped wherever they fell (状态 at one line's end, its box on the next): each label now stands
    on its field's line."""
    stack, base = demo_site
    with page_as(chromium, base, stack, "window", lang, PHONE) as page:
        page.goto(f"{base}/projects/{stack.demo['project_id']}")
        page.wait_for_load_state("networkidle")
        bad = []
        for sel in ("#sheets", "#files"):
            cells = page.evaluate(CELLS, sel)
            assert cells, sel
            bad += [(sel, c) for c in cells if c["past"] > 0 or c["scrolls"]]
            short = [c for c in cells if c["text"] and len(c["text"]) <= 24 and "\n" not in c["text"]]
            bad += [(sel, c) for c in short if c["lines"] > 1]
        # the comment filters: each label's words on the line of its own field
        bad += [("filters", x) for x in page.evaluate("""() => [...document.querySelectorAll('#comments .filters label')].map(l => {
            const r = document.createRange(); r.selectNodeContents(l.firstChild); const t = r.getBoundingClientRect();
            const f = l.querySelector('select, input').getBoundingClientRect();
            return {label: l.firstChild.textContent.trim(), apart: Math.round(Math.abs((t.top + t.bottom) / 2 - (f.top + f.bottom) / 2))};
        }).filter(x => x.apart > 8)""")]
        if bad:
            page.screenshot(path=str(shots / f"phone-lists-{lang}.png"), full_page=True)
        assert not bad, bad


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_statistics_labels_stay_clear_of_their_bars(demo_site, chromium, lang):
    """Each chart label ends before its bar starts ("Lightning protection" ran under its bar)."""
    stack, base = demo_site
    with page_as(chromium, base, stack, "window", lang, DESK) as page:
        page.goto(f"{base}/stats")
        page.wait_for_load_state("networkidle")
        overlaps = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
            const texts = [...svg.querySelectorAll('text')], rects = [...svg.querySelectorAll('rect')];
            return rects.map((r, i) => [texts[2 * i].textContent, texts[2 * i].getBBox().x + texts[2 * i].getBBox().width,
                                        r.x.baseVal.value]).filter(([, end, x]) => end > x);
        })""")
        assert not overlaps, overlaps


def test_portal_dates_are_beijing_dates(demo_site, chromium):
    """The portal scripts date an API time (it carries its UTC offset) by its Beijing day, as
    the reports and deadlines do: sliced, 17:30 UTC read a day early. The browser runs in
    another zone than Beijing, so its own local day is no help either."""
    stack, base = demo_site
    with page_as(chromium, base, stack, None, viewport=DESK, timezone_id="America/New_York") as page:
        page.goto(f"{base}/login")
        days = page.evaluate("""() => ["2026-12-06T17:30:00+00:00", "2026-12-06T15:59:59Z",
            "2026-12-07T01:00:00+08:00", "2026-12-07", null].map((t) => window.drPage.day(t))""")
        assert days == ["2026-12-07", "2026-12-06", "2026-12-07", "2026-12-07", ""]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_each_sheet_link_names_its_sheet(demo_site, chromium, lang):
    """The sheet list's links all read "打开" / "Open": a screen reader listing the page's links
    heard five identical ones. Each now names its sheet (number and title), as the server draws
    the list and after the page's script draws it again (the filter)."""
    stack, base = demo_site
    pid = stack.demo["project_id"]
    sheets = httpx.get(f"{base}/api/submissions/{stack.demo['review']['submission_id']}/sheets",
                       headers=stack.token_headers("window"), timeout=10).json()["data"]
    opener = "打开" if lang == "zh-CN" else "Open"
    with page_as(chromium, base, stack, "window", lang) as page:
        page.goto(f"{base}/projects/{pid}")
        for drawn_by in ("server", "script"):
            links = page.locator("#sheets tbody a[href^='/sheets/']")
            assert links.count() == len(sheets), drawn_by
            for s in sheets:
                named = page.get_by_role("link", name=f"{opener} {s['number']}")
                assert named.count() == 1, (drawn_by, s["number"])
                assert named.get_attribute("href") == f"/sheets/{s['id']}"
            if drawn_by == "server":
                with page.expect_response(lambda r: "/sheets" in r.url and "/api/" in r.url):
                    page.click("#sheet-filters button[type=submit]")
                page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_due_dates_stay_whole_on_a_phone(demo_site, chromium, lang):
    """On a phone each review task stacks as label/value lines; the due cell's note (7 working days
    left) stood beside the date and squeezed it into 2026-12- / 16. The note now takes its own line."""
    stack, base = demo_site
    with page_as(chromium, base, stack, "builder", lang, PHONE) as page:
        page.goto(f"{base}/projects/{stack.demo['project_id']}")
        page.wait_for_selector("#review-tasks tbody td.due")
        dates = page.eval_on_selector_all("#review-tasks tbody td.due", """tds => tds.map(td => {
            const text = [...td.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
            const r = document.createRange(); r.selectNodeContents(text);
            const note = td.querySelector('div');
            return [text.textContent.trim(), new Set([...r.getClientRects()].map(b => Math.round(b.top))).size,
                    note ? note.getBoundingClientRect().top >= r.getBoundingClientRect().bottom - 1 : true];
        })""")
        assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d, _, _ in dates), dates
        assert all(lines == 1 and below for _, lines, below in dates), dates
