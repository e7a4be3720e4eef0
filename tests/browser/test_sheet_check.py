"""The design institute checks and corrects the sheet list of a draft before submitting, by
clicking only: warnings for sheets without a number and for duplicate numbers, cells edited,
a bulk discipline, saved — checked in the page and through the API (the stored sheets)."""

from __future__ import annotations

import httpx
import pytest

from tests import drawing_inputs as di
from tests.browser.conftest import chromium_browser, embedded_site, page_as, wait_for_sheets


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    """A draft with three sheets: 建施-01 and 建施-02 in one file, 建施-01 again in another, and
    one unframed drawing without a number."""
    for stack, base in embedded_site(tmp_path_factory, "sheetcheck"):
        h = stack.token_headers("designer")
        pid = stack.demo["project_id"]
        sub = httpx.post(f"{base}/api/projects/{pid}/submissions", headers=h, json={}, timeout=10).json()["data"]["id"]
        files = [("平面.dxf", di.plan()), ("平面-副本.dxf", di.plan(numbers=("建施-01",), titles=("一层平面图",))),
                 ("无图框.dxf", di.simple_dxf(("草图",)))]
        for name, data in files:
            r = httpx.post(f"{base}/api/submissions/{sub}/files", headers=h, files={"file": (name, data, "application/dxf")},
                           timeout=60)
            assert r.status_code == 200, r.text
        sheets = wait_for_sheets(base, h, sub)
        yield stack, base, pid, sub, sheets


@pytest.fixture(scope="module")
def chromium(draft):
    yield from chromium_browser()


def test_designer_checks_and_corrects_the_sheet_list(draft, chromium, shots):
    stack, base, pid, sub, sheets = draft
    numbers = sorted(s["number"] or "" for s in sheets)
    assert numbers.count("建施-01") == 2 and "" in numbers  # the world has both problems
    with page_as(chromium, base, stack, "designer", viewport={"width": 1366, "height": 1000}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sub}")
        page.click("#sheet-check-open")
        page.wait_for_selector("#sheet-check-table tbody tr")
        assert page.locator("#sheet-check-table tbody tr").count() == len(sheets)
        assert "1 张图纸没有图号" in page.inner_text("#warn-missing")
        assert "建施-01" in page.inner_text("#warn-duplicates")
        page.screenshot(path=str(shots / "sheet-check-warnings.png"), full_page=True)
        # correct: the unnumbered sheet gets 建施-03, the copy of 建施-01 becomes 建施-04
        unnumbered = next(s for s in sheets if not s["number"])
        copy = next(s for s in sheets if s["number"] == "建施-01" and s["file_id"] != sheets[0]["file_id"]) \
            if any(s["number"] == "建施-01" and s["file_id"] != sheets[0]["file_id"] for s in sheets) \
            else [s for s in sheets if s["number"] == "建施-01"][1]
        page.fill(f"#sheet-check-table tr[data-sheet-id='{unnumbered['id']}'] input[name=number]", "建施-03")
        page.fill(f"#sheet-check-table tr[data-sheet-id='{unnumbered['id']}'] input[name=title]", "总说明草图")
        page.fill(f"#sheet-check-table tr[data-sheet-id='{copy['id']}'] input[name=number]", "建施-04")
        assert page.locator("#warn-missing").count() == 0 and page.locator("#warn-duplicates").count() == 0
        # bulk: every sheet is 建筑
        page.check("#sheet-check-all")
        page.fill("#bulk-discipline", "建筑")
        page.click("#bulk-apply")
        page.click("#sheet-check-save")
        page.wait_for_selector("#sheet-check-status:has-text('已保存')", timeout=15000)
        page.screenshot(path=str(shots / "sheet-check-saved.png"), full_page=True)
    stored = {s["id"]: s for s in httpx.get(f"{base}/api/submissions/{sub}/sheets", headers=stack.token_headers("designer"),
                                            timeout=10).json()["data"]}
    assert stored[unnumbered["id"]]["number"] == "建施-03" and stored[unnumbered["id"]]["title"] == "总说明草图"
    assert stored[copy["id"]]["number"] == "建施-04"
    assert {s["discipline"] for s in stored.values()} == {"建筑"}
    assert len({s["number"] for s in stored.values()}) == len(stored)


def test_duplicate_numbers_are_listed_with_english_punctuation(draft, chromium):
    """The duplicate-number warning joined the numbers with "、" on the English page too. (Before the
    file removal test below: it needs the draft's four sheets.)"""
    stack, base, pid, sub, sheets = draft
    with page_as(chromium, base, stack, "designer", "en", {"width": 1366, "height": 1000}, locale="en-US") as page:
        page.goto(f"{base}/projects/{pid}?submission={sub}")
        page.click("#sheet-check-open")
        page.wait_for_selector("#sheet-check-table tbody tr")
        inputs = page.locator("#sheet-check-table tbody tr input[name=number]")
        assert inputs.count() >= 4
        for i in range(inputs.count()):  # two numbers, each twice or more: two duplicates to list
            inputs.nth(i).fill("A-01" if i % 2 == 0 else "A-02")
        warning = page.inner_text("#warn-duplicates")
        assert warning == "Duplicate numbers: A-01, A-02", warning


def test_designer_removes_and_replaces_files_of_the_draft(draft, chromium, tmp_path):
    stack, base, pid, sub, _ = draft
    h = stack.token_headers("designer")

    def files():
        return {f["original_name"]: f for f in httpx.get(f"{base}/api/submissions/{sub}", headers=h, timeout=10).json()["data"]["files"]}

    before = files()
    replacement = tmp_path / "无图框-修改.dxf"
    replacement.write_bytes(di.plan(numbers=("建施-09",), titles=("修改后的平面",)))
    with page_as(chromium, base, stack, "designer", viewport={"width": 1366, "height": 1000}) as page:
        page.goto(f"{base}/projects/{pid}?submission={sub}")
        # remove 平面-副本.dxf (confirmed in the browser's dialog)
        page.once("dialog", lambda d: d.accept())
        page.locator(f"#files tr[data-file-id='{before['平面-副本.dxf']['id']}'] button.file-remove").click()
        page.wait_for_selector("#file-action-status:has-text('已删除')", timeout=15000)
        page.wait_for_selector(f"#files tr[data-file-id='{before['平面-副本.dxf']['id']}']", state="detached", timeout=15000)
        # replace 无图框.dxf by a corrected file: the new one is uploaded, then the old one removed
        with page.expect_file_chooser() as chooser:
            page.locator(f"#files tr[data-file-id='{before['无图框.dxf']['id']}'] button.file-replace").click()
        chooser.value.set_files(str(replacement))
        page.wait_for_selector(f"#files tr[data-file-id='{before['无图框.dxf']['id']}']", state="detached", timeout=30000)
    after = files()
    assert "平面-副本.dxf" not in after and "无图框.dxf" not in after and "无图框-修改.dxf" in after
    sheets = wait_for_sheets(base, h, sub)
    assert "建施-09" in {s["number"] for s in sheets} and all(s["file_id"] in {f["id"] for f in after.values()} for s in sheets)


def test_file_notes_and_repairs_in_the_readers_language(draft, chromium):
    stack, base, _, _, _ = draft
    h = stack.token_headers("designer")
    orgs = {a["username"]: a["org_id"] for a in stack.demo["accounts"]}
    project = httpx.post(f"{base}/api/projects", headers=h, timeout=10, json={
        "name": "说明语言测试", "construction_unit_id": orgs["builder"], "design_institute_id": orgs["designer"]}).json()["data"]
    sub = httpx.post(f"{base}/api/projects/{project['id']}/submissions", headers=h, json={}, timeout=10).json()["data"]["id"]
    from tests.conftest import SHARED

    damaged = (SHARED / "drawings" / "ezdxf__duplicate_handles.dxf").read_bytes()  # ezdxf's audit repairs it
    for name, data in (("无图框.dxf", di.simple_dxf(("草图",))), ("重复句柄.dxf", damaged)):
        r = httpx.post(f"{base}/api/submissions/{sub}/files", headers=h, files={"file": (name, data, "application/dxf")}, timeout=60)
        assert r.status_code == 200, r.text
    wait_for_sheets(base, h, sub)
    files = httpx.get(f"{base}/api/submissions/{sub}", headers=h, timeout=10).json()["data"]["files"]
    assert any(f["repairs"] for f in files) and any(f["notes"] for f in files)  # the world has both kinds
    for lang, own, other in (("zh-CN", "未识别到图框", "no frame found"), ("en", "no frame found", "未识别到图框")):
        with page_as(chromium, base, stack, "designer", lang) as page:
            page.goto(f"{base}/projects/{project['id']}?submission={sub}")
            text = page.inner_text("#files")
            assert own in text and other not in text, text
            if lang == "zh-CN":  # the CAD library's English repair messages: one Chinese line, originals folded
                assert "自动修复了" in text
                assert page.locator("#files .repairs details").count() >= 1


def test_window_corrects_the_sheet_list_of_a_submitted_set(draft, chromium, shots):
    """After submission only the window may correct sheet numbers (the designer's note says so, the
    API allows it with a reason): the window's project page offers the correction, asks for the
    reason, and the completeness check counts the corrected number, so the set can be accepted.
    (The window's page had no way to do it: a set with a mistyped number could only be returned
    or accepted with deficiencies.)"""
    stack, base, _, _, _ = draft
    h = stack.token_headers("designer")
    orgs = {a["username"]: a["org_id"] for a in stack.demo["accounts"]}
    project = httpx.post(f"{base}/api/projects", headers=h, timeout=10, json={
        "name": "滨江路市政道路改造工程", "project_type": "municipal", "construction_unit_id": orgs["builder"],
        "design_institute_id": orgs["designer"]}).json()["data"]
    sub = httpx.post(f"{base}/api/projects/{project['id']}/submissions", headers=h, json={}, timeout=10).json()["data"]["id"]
    # 电施-01 was typed as "01": no sheet of the electrical category
    data = di.plan(numbers=("总图-01", "道施-01", "结施-01", "排施-01", "01"),
                   titles=("总平面图", "道路平面图", "结构布置图", "排水平面图", "照明平面图"))
    r = httpx.post(f"{base}/api/submissions/{sub}/files", headers=h, files={"file": ("市政.dxf", data, "application/dxf")},
                   timeout=60)
    assert r.status_code == 200, r.text
    sheets = wait_for_sheets(base, h, sub)
    wrong = next(s for s in sheets if s["number"] == "01")
    r = httpx.post(f"{base}/api/submissions/{sub}/submit", headers=h, json={}, timeout=30)
    assert r.status_code == 200, r.text
    with page_as(chromium, base, stack, "window", viewport={"width": 1366, "height": 1000}) as page:
        page.goto(f"{base}/projects/{project['id']}?submission={sub}")
        page.wait_for_selector("#review-completeness[data-complete='0']", timeout=15000)
        assert "电施" in page.inner_text("#review-completeness")
        assert "更正图纸目录" in page.inner_text("#sheet-check")
        page.click("#sheet-check-open")
        row = f"#sheet-check-table tr[data-sheet-id='{wrong['id']}']"
        page.wait_for_selector(row)
        page.fill(f"{row} input[name=number]", "电施-01")
        page.click("#sheet-check-save")  # without a reason: refused in the page
        page.wait_for_selector("#sheet-check-status.error:has-text('请填写更正原因')")
        page.fill("#sheet-check-reason", "设计单位来电确认图号笔误")
        page.click("#sheet-check-save")
        page.wait_for_selector("#sheet-check-status:has-text('已保存 1 处更正')", timeout=15000)
        # the completeness check reads the corrected number, and the set is accepted
        page.wait_for_selector("#review-completeness[data-complete='1']", timeout=15000)
        page.screenshot(path=str(shots / "window-sheet-correction.png"), full_page=True)
        page.click("#review-accept")
        page.wait_for_selector("#review-state:has-text('审查中')", timeout=15000)
    stored = {s["id"]: s for s in httpx.get(f"{base}/api/submissions/{sub}/sheets", headers=h, timeout=10).json()["data"]}
    assert stored[wrong["id"]]["number"] == "电施-01"
    trail = httpx.get(f"{base}/api/projects/{project['id']}/audit", headers=stack.token_headers("window"), timeout=10)
    assert "设计单位来电确认图号笔误" in trail.text


def test_the_english_review_panel_uses_english_punctuation(draft, chromium):
    """The review panel joined its English labels to the users' words with Chinese punctuation:
    "Missing items (容缺)：A；B", "Completeness：Missing 总图、建施"."""
    stack, base, _, _, _ = draft
    h = stack.token_headers("designer")
    orgs = {a["username"]: a["org_id"] for a in stack.demo["accounts"]}
    project = httpx.post(f"{base}/api/projects", headers=h, timeout=10, json={
        "name": "英文标点", "construction_unit_id": orgs["builder"], "design_institute_id": orgs["designer"]}).json()["data"]
    sub = httpx.post(f"{base}/api/projects/{project['id']}/submissions", headers=h, json={}, timeout=10).json()["data"]["id"]
    r = httpx.post(f"{base}/api/submissions/{sub}/files", headers=h, timeout=60,
                   files={"file": ("平面.dxf", di.plan(), "application/dxf")})
    assert r.status_code == 200, r.text
    wait_for_sheets(base, h, sub)
    assert httpx.post(f"{base}/api/submissions/{sub}/submit", headers=h, json={}, timeout=30).status_code == 200
    with page_as(chromium, base, stack, "window", "en", locale="en-US") as page:
        page.goto(f"{base}/projects/{project['id']}?submission={sub}")
        page.wait_for_selector("#review-completeness[data-complete='0']", timeout=15000)
        check = page.inner_text("#review-completeness")
        assert check.startswith("Completeness: Missing ") and "：" not in check and "、" not in check, check
        page.fill("#review-missing-items", "消防设计专篇\n人防施工图")
        page.fill("#review-deadline", "2030-01-10")
        page.click("#review-accept-def")
        page.wait_for_selector("#review-deficiencies", timeout=15000)
        text = page.inner_text("#review-deficiencies")
        assert text.startswith("Missing items (容缺): 消防设计专篇; 人防施工图"), text

