"""One full joint-review cycle through the UI in real Chromium against a real ``drawreview serve``
process (embedded mode; the API and services are tested in both modes elsewhere).

A municipal project (planning + fire review; sheets 总图/道施/结施/排施/电施): the designer uploads
the set on the project page and submits it → the window sees it on its worklist, checks
completeness and accepts it → the fire and planning reviewers each draw a comment in the viewer
and conclude "revision required" on the project page → the window issues the report → the
designer starts revision 2 from the review panel, uploads the revised set (other extents) and
submits → each reviewer finds his comment carried onto the new sheet, closes it and concludes
"approved" → the window issues the report → the project is approved, and the construction unit
rates the service, which the statistics page shows by role. Screenshots go to
``$DRAWREVIEW_SHOTS`` or the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .conftest import (chromium_browser, draw_box, embedded_site, open_viewer, save_markup, signed_in,
    wait_for_sheets, wait_js)

NUMBERS = ["总图-01", "道施-01", "结施-01", "排施-01", "电施-01"]
TITLES = ["总平面图", "道路平面图", "结构布置图", "排水平面图", "照明平面图"]
COMMENTS = {"fire": "消防车道宽度不足4米，请按GB 50016 7.1.8修改", "planning": "道路红线退让不足，请复核"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "review-site")


@pytest.fixture(scope="module")
def browser(site):
    yield from chromium_browser()


def _drawing(tmp: Path, name: str, rooms) -> Path:
    from drawreview.cad.specimen import floor_plan

    return floor_plan(tmp / name, frames=len(NUMBERS), rooms=rooms, numbers=NUMBERS, titles=TITLES, dimensions=0)


def _settled_findings(stack, base, project_id, sheet_ids, quiet_s=2.0, timeout_s=60.0) -> list[dict]:
    """The designer's view of the findings on *sheet_ids*, once it stopped changing."""
    import time

    deadline, last, since = time.monotonic() + timeout_s, None, time.monotonic()
    while True:
        rows = httpx.get(f"{base}/api/projects/{project_id}/findings", headers=stack.token_headers("designer"),
                         timeout=10).json()["data"]
        now = sorted(f["id"] for f in rows if f["sheet_id"] in sheet_ids and f["state"] != "dismissed")
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return [f for f in rows if f["id"] in set(now)]
        assert time.monotonic() < deadline, "the rule checks never settled"
        time.sleep(0.3)


def _wait_text(page, selector: str, text: str, timeout=15000):
    wait_js(page, "([s, t]) => (document.querySelector(s)?.textContent || '').includes(t)", arg=[selector, text],
                           timeout=timeout)


def _upload(page, stack, base, project_id, submission_id, path):
    page.goto(f"{base}/projects/{project_id}?submission={submission_id}")
    page.set_input_files("#file-input", str(path))
    page.wait_for_selector("#uploads li[data-file-id]", timeout=30000)
    sheets = wait_for_sheets(base, stack.token_headers("designer"), submission_id)
    assert sorted(s["number"] for s in sheets) == sorted(NUMBERS)
    page.reload()
    return {s["number"]: s for s in sheets}


CONCLUSION_ZH = {"approved": "审查合格", "approved_with_comments": "审查合格（附意见）", "revision_required": "修改后复审",
                 "rejected": "审查不合格"}  # the authority's words (drawreview/vocabulary.py)


def _conclude(page, base, project_id, submission_id, discipline, conclusion, opinion, shot=None):
    page.goto(f"{base}/projects/{project_id}?submission={submission_id}")
    row = page.locator(f"#review-tasks tr[data-discipline='{discipline}']")
    row.locator("select[id^=task-conclusion]").wait_for(timeout=15000)
    assert row.locator("select[id^=task-conclusion]").count() == 1
    # a reviewer is offered only his own discipline's task
    assert page.locator("#review-tasks select[id^=task-conclusion]").count() == 1
    # nothing is pre-selected: concluding without a choice is refused in the page
    assert row.locator("select[id^=task-conclusion]").input_value() == ""
    row.locator("button[id^=task-conclude]").click()
    _wait_text(page, "#review-status", "请先选择审查结论")
    row.locator("select[id^=task-conclusion]").select_option(conclusion)
    row.locator("textarea[id^=task-opinion]").fill(opinion)
    row.locator("button[id^=task-conclude]").click()
    # the confirmation shows what will be recorded; only "confirm" records it
    box = row.locator("div[id^=task-confirm-box]")
    box.wait_for(state="visible")
    assert opinion.strip() in box.inner_text() and CONCLUSION_ZH[conclusion] in box.inner_text()
    if shot:
        page.screenshot(path=str(shot), full_page=True)
    row.locator("button[id^=task-confirm-]").click()
    page.wait_for_selector(f"#review-tasks tr[data-discipline='{discipline}'][data-state='concluded']", timeout=15000)


def _issue(page, base, project_id, submission_id, expect_state_zh, checkers=None):
    checkers = checkers if checkers is not None else []
    page.goto(f"{base}/projects/{project_id}?submission={submission_id}")
    _wait_text(page, "#review-state", "审查完成")
    page.wait_for_selector("#issue-report:not([hidden])")
    issued_before = page.locator("#report-list tr[data-report-id]").count()
    page.click("#issue-report")
    # a preview of the first pages (unsigned) and an explicit confirmation before signing
    page.wait_for_selector("#issue-preview:not([hidden])", timeout=60000)
    wait_js(page, "() => [...document.querySelectorAll('#issue-preview-pages img')].length > 0 && "
                           "[...document.querySelectorAll('#issue-preview-pages img')].every(i => i.complete && i.naturalWidth > 0)",
                           timeout=60000)
    assert page.locator("#report-list tr[data-report-id]").count() == issued_before  # nothing signed yet
    # the checker (审核人) of each discipline may be named here: never the discipline's own reviewer
    fire = page.locator("#checker-fire")
    if fire.count():
        names = fire.locator("option").all_inner_texts()
        assert "消防审查 张伟" not in names and len(names) >= 2
        checker = names[1]
        fire.select_option(label=checker)
        checkers.append(checker)
    page.click("#issue-confirm")
    _wait_text(page, "#review-state", expect_state_zh, timeout=60000)


def test_full_review_cycle_through_the_ui(site, browser, shots, tmp_path):
    stack, base = site
    designer_h = stack.token_headers("designer")
    orgs = stack.demo["organisations"]
    from drawreview.demo import accounts as demo

    r = httpx.post(f"{base}/api/projects", headers=designer_h, timeout=10, json={
        "name": "滨江路市政道路改造工程", "project_type": "municipal", "address": "示范市滨江路",
        "construction_unit_id": orgs[demo.BUILDER], "design_institute_id": orgs[demo.INSTITUTE]})
    assert r.status_code == 200, r.text
    pid = r.json()["data"]["id"]
    pages, errors = {}, []
    try:
        for u in ("designer", "window", "fire", "planning", "builder"):
            pages[u] = signed_in(browser, base, stack, u, viewport={"width": 1400, "height": 1000})
            pages[u].on("pageerror", lambda e, u=u: errors.append(f"{u}: {e}"))
        designer, window = pages["designer"], pages["window"]

        # -- round 1: the designer creates the set, uploads and submits ------------------------------
        designer.goto(f"{base}/projects/{pid}")
        designer.click("#new-submission")
        designer.wait_for_url(f"**/projects/{pid}?submission=*")
        sub1 = int(designer.url.rsplit("=", 1)[1])
        sheets1 = _upload(designer, stack, base, pid, sub1, _drawing(tmp_path, "市政施工图-r1.dxf", (3, 2)))
        _wait_text(designer, "#review-state", "草稿")
        # the pre-check: once the rule checks have settled, the panel counts what they found
        found = _settled_findings(stack, base, pid, {s["id"] for s in sheets1.values()})
        designer.reload()
        wait_js(designer, 
            f"document.querySelector('#precheck-summary')?.dataset.count === '{len(found)}'", timeout=15000)
        summary = designer.inner_text("#precheck-summary")
        assert "提交前自检" in summary and (str(len(found)) in summary if found else "未发现问题" in summary)
        designer.click("#review-precheck")
        _wait_text(designer, "#review-status", f"已重新检查 {len(sheets1)} 张图纸")
        designer.click("#review-submit")
        designer.wait_for_load_state("load")
        _wait_text(designer, "#review-state", "已提交")
        assert designer.locator("#review-precheck").count() == 0  # submitted: no more pre-checks
        assert designer.locator("#dropzone").count() == 0  # no more uploads to a submitted set

        # -- the window: worklist, completeness, accept ----------------------------------------------
        window.goto(f"{base}/window")
        row = window.locator(f"#waiting tr[data-submission-id='{sub1}']")
        assert "已提交" in row.inner_text()
        assert window.locator("#nav-window").count() == 1 and window.locator("#nav-stats").count() == 1
        row.locator("a.open").click()
        window.wait_for_selector("#review-completeness[data-complete='1']", timeout=15000)
        assert "材料齐全" in window.inner_text("#review-completeness")
        # the disciplines taking part are offered, the required ones checked (a municipal road: planning, fire)
        window.wait_for_selector("#review-disciplines[data-loaded='1']")
        checked = window.eval_on_selector_all("#review-disciplines input:checked", "els => els.map(e => e.value)")
        assert sorted(checked) == ["fire", "planning"]
        window.screenshot(path=str(shots / "review-window-submitted.png"), full_page=True)
        window.click("#review-accept")
        _wait_text(window, "#review-state", "审查中")
        _wait_text(window, f".revisions a[data-submission-id='{sub1}']", "审查中")
        assert window.inner_text("#review-case").startswith("JS-")
        window.wait_for_selector("#review-tasks tr[data-discipline='fire'][data-light='green']")
        tasks_text = window.inner_text("#review-tasks")
        assert "消防" in tasks_text and "规划" in tasks_text and "消防审查 张伟" in tasks_text
        assert window.locator("#review-tasks tr").count() == 3  # header + planning + fire (municipal)
        assert window.locator("#review-receipt").count() == 1
        receipt = httpx.get(f"{base}/api/submissions/{sub1}/receipt.pdf", headers=stack.token_headers("window"), timeout=10)
        assert receipt.content.startswith(b"%PDF")
        # the window may reassign: the fire task offers the fire reviewers
        assert "消防审查 张伟" in window.inner_text("#review-tasks tr[data-discipline='fire'] select")
        assert window.locator("#review-calendar-warning").is_hidden()  # dates inside the calendar's years
        window.screenshot(path=str(shots / "review-window-accepted.png"), full_page=True)

        # -- two reviewers comment in the viewer and conclude "revision required" -----------------------
        road = sheets1["道施-01"]["id"]
        for who, (x0, y0) in (("fire", (300, 250)), ("planning", (520, 320))):
            page = pages[who]
            open_viewer(page, base, road)
            draw_box(page, "rect", x0, y0, x0 + 140, y0 + 110)
            save_markup(page, COMMENTS[who], "mandatory")
            page.wait_for_selector(f"#markup-list .vw-item:has-text('{COMMENTS[who]}')", timeout=10000)
        _conclude(pages["fire"], base, pid, sub1, "fire", "revision_required", "消防车道须修改",
                  shot=shots / "review-reviewer.png")
        _wait_text(pages["fire"], "#review-state", "审查中")  # planning has not concluded yet
        _conclude(pages["planning"], base, pid, sub1, "planning", "revision_required", "退让须修改")
        _wait_text(pages["planning"], "#review-state", "审查完成")

        # -- the window issues the round's report: revision required ------------------------------------
        _issue(window, base, pid, sub1, "待补正")
        _wait_text(window, "#review-verdict", "修改后复审")
        assert window.locator("#review-report").count() == 1

        # -- round 2: the designer starts revision 2 from the panel, uploads other extents, submits --------
        designer.goto(f"{base}/projects/{pid}?submission={sub1}")
        designer.wait_for_selector("#review-new-revision")
        assert "第 2 版" in designer.inner_text("#review-new-revision")
        designer.click("#review-new-revision")
        designer.wait_for_url(lambda url: f"submission={sub1}" not in url and "submission=" in url)
        sub2 = int(designer.url.rsplit("=", 1)[1])
        # the designer's empty draft is its own: the window lands on the revision under review, and
        # "back to project" in the viewer returns to the sheet's own revision
        window.goto(f"{base}/projects/{pid}")
        assert window.get_attribute("#review", "data-submission-id") == str(sub1)
        open_viewer(pages["fire"], base, road)
        # the viewer says the round's report is out: what is added now counts in the next round
        notice = pages["fire"].inner_text("#round-notice")
        assert "第 1 轮审查意见书已于" in notice and "计入下一轮审查" in notice, notice
        assert pages["fire"].locator("#tool-rect").count() == 1  # still marks up
        pages["fire"].click("#viewer-back")
        pages["fire"].wait_for_url(lambda url: f"submission={sub1}" in url)
        assert pages["fire"].get_attribute("#review", "data-submission-id") == str(sub1)
        sheets2 = _upload(designer, stack, base, pid, sub2, _drawing(tmp_path, "市政施工图-r2.dxf", (4, 3)))
        designer.click("#review-submit")
        designer.wait_for_load_state("load")
        _wait_text(designer, "#review-state", "审查中")
        _wait_text(designer, "#review-summary", "第 2 轮审查")

        # -- reviewers verify: the comment is on the new sheet; close it and approve ---------------------
        road2 = sheets2["道施-01"]["id"]
        open_viewer(pages["fire"], base, road)  # the old revision's sheet points to the new one
        assert "第 2 版已提交" in pages["fire"].inner_text("#round-notice")
        for who in ("fire", "planning"):
            page = pages[who]
            open_viewer(page, base, road2)
            item = page.locator("#markup-list .vw-item", has_text=COMMENTS[who])
            item.wait_for(timeout=10000)
            item.click()
            page.wait_for_selector("#thread-body")
            page.click("#status-closed")
            page.wait_for_selector(f"#markup-list .vw-item[data-status='closed']:has-text('{COMMENTS[who]}')",
                                   timeout=10000)
            _conclude(page, base, pid, sub2, who, "approved", "已按意见修改")
        anns = httpx.get(f"{base}/api/projects/{pid}/annotations", headers=stack.token_headers("window"), timeout=10)
        carried = [a for a in anns.json()["data"] if a["sheet_id"] == road2]
        assert sorted(a["body"] for a in carried) == sorted(COMMENTS.values())
        assert all(a["status"] == "closed" for a in carried)

        # -- the window issues the final report: approved ------------------------------------------------
        named: list[str] = []
        _issue(window, base, pid, sub2, "审查合格", named)
        assert named, "the preview offers a checker for the fire discipline"
        reports = httpx.get(f"{base}/api/projects/{pid}/reports", headers=stack.token_headers("window"), timeout=10).json()["data"]
        final = httpx.get(base + reports[-1]["pdf_url"], headers=stack.token_headers("window"), timeout=30).content
        import pymupdf

        assert named[0] in "".join(page.get_text() for page in pymupdf.open("pdf", final))  # on the 审核人 line
        _wait_text(window, "#review-stage", "审查合格")
        _wait_text(window, "#review-verdict", "审查合格")
        open_viewer(pages["fire"], base, road2)  # the case is closed: no markup tools, and it says why
        assert "本项目审查已完结（审查合格）" in pages["fire"].inner_text("#round-notice")
        assert pages["fire"].locator("#tool-rect").count() == 0
        pages["fire"].screenshot(path=str(shots / "viewer-case-closed.png"))
        window.screenshot(path=str(shots / "review-window-approved.png"), full_page=True)

        # -- the construction unit rates the service; the statistics show it by role ----------------------
        builder = pages["builder"]
        builder.goto(f"{base}/projects/{pid}")
        _wait_text(builder, "#review-stage", "审查合格")
        builder.wait_for_selector("#review-rating:not([hidden]) #rating-send")
        builder.select_option("#rating-score", "4")
        builder.fill("#rating-text", "审查及时，意见清楚")
        builder.click("#rating-send")
        builder.wait_for_selector("#review-rating[data-rated='1']")
        window.goto(f"{base}/stats")
        assert "建设单位" in window.inner_text("#ratings-by-role tr[data-role='construction']")
        assert "4" in window.inner_text("#ratings-by-role tr[data-role='construction']")
        assert not errors, errors
    finally:
        for page in pages.values():
            page.context.close()
