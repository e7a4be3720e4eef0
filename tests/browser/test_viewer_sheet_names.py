"""The viewer names a sheet without a drawing number by its file and its place in it, and keeps
the drawing wide on a phone (Chromium against a real ``drawreview serve``).

A DXF without a title block (lines in model space and in a layout named Layout1) is uploaded
beside a numbered floor plan through the real API; its two sheets have no number. The sheet
picker and the toolbar must say "无图框草图.dxf · 模型空间" / "… · 布局 Layout1", not "#6".
At 390 px wide the side panel sits below the drawing (the drawing keeps the whole width) and
folds away with one button."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from .conftest import DESK, PHONE, chromium_browser, embedded_site, make_sheet, open_viewer, page_as, wait_for_sheets

BARE = "无图框草图.dxf"


def _bare_dxf(path):
    import ezdxf

    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    for i in range(6):
        msp.add_line((0, i * 1000), (8000, i * 1000))
        msp.add_line((i * 1600, 0), (i * 1600, 5000))
    layout = doc.layouts.get("Layout1")
    layout.add_line((20, 20), (200, 150))
    layout.add_circle((120, 90), 40)
    doc.saveas(path)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "sheetnames")


@pytest.fixture(scope="module")
def world(site, tmp_path_factory):
    stack, base = site
    made = make_sheet(stack, base, tmp_path_factory.mktemp("dxf"))
    designer = stack.token_headers("designer")
    path = _bare_dxf(tmp_path_factory.mktemp("bare") / BARE)
    with open(path, "rb") as fh:
        r = httpx.post(f"{base}/api/submissions/{made['submission_id']}/files", headers=designer,
                       files={"file": (BARE, fh, "application/dxf")}, timeout=60)
    assert r.status_code == 200, r.text
    sheets = wait_for_sheets(base, designer, made["submission_id"])
    files = httpx.get(f"{base}/api/submissions/{made['submission_id']}", headers=designer, timeout=10).json()["data"]
    file_id = next(f["id"] for f in files["files"] if f["original_name"] == BARE)
    bare = {s["key"]: s for s in sheets if s["file_id"] == file_id}
    assert set(bare) == {"model", "layout:Layout1"} and not any(s["number"] for s in bare.values()), sheets
    numbered = next(s for s in sheets if s["number"])
    # under review, with a planning comment on the layout without a number (the comment list)
    asyncio.run(_set_state(stack, made["submission_id"], "in_review"))
    r = httpx.post(f"{base}/api/sheets/{bare['layout:Layout1']['id']}/annotations", headers=stack.token_headers("planning"),
                   json={"client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [[100.0, 100.0]]},
                         "severity": "general", "body": "请补充图框与图号。"}, timeout=10)
    assert r.status_code == 200, r.text
    return {"numbered": numbered, "model": bare["model"], "layout": bare["layout:Layout1"],
            "submission_id": made["submission_id"], "project_id": made["project_id"]}


async def _set_state(stack, submission_id: int, state: str) -> None:
    from sqlalchemy import update

    from drawreview.db import Database
    from drawreview.models import Submission

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            await s.exec(update(Submission).where(Submission.id == submission_id).values(state=state))
            await s.commit()
    finally:
        await db.close()


@pytest.fixture(scope="module")
def browser(world):
    yield from chromium_browser()


def test_the_sheet_picker_names_the_file_and_space(browser, site, world, shots):
    stack, base = site
    with page_as(browser, base, stack, "planning", viewport=DESK) as page:
        open_viewer(page, base, world["numbered"]["id"])
        options = dict(zip(page.eval_on_selector_all("#f-sheet option", "els => els.map(e => e.value)"),
                           page.locator("#f-sheet option").all_inner_texts()))
        assert options[str(world["model"]["id"])] == f"{BARE} · 模型空间"
        assert options[str(world["layout"]["id"])] == f"{BARE} · 布局 Layout1"
        assert not any(text.startswith("#") for text in options.values()), options
        # the search finds a sheet by its file's name
        page.fill("#f-sheet-search", "无图框")
        page.wait_for_selector("#f-sheet[data-results='2']", state="attached", timeout=10000)
        found = page.locator("#f-sheet option").all_inner_texts()[2:]
        assert sorted(found) == sorted([f"{BARE} · 模型空间", f"{BARE} · 布局 Layout1"])
        page.select_option("#f-sheet", str(world["layout"]["id"]))
        page.screenshot(path=str(shots / "sheet-names-picker.png"))

        # the numberless sheet's own viewer: the toolbar and the page title name it too
        open_viewer(page, base, world["layout"]["id"])
        assert page.locator("#sheet-title strong").inner_text() == f"{BARE} · 布局 Layout1"
        assert page.title().startswith(f"{BARE} · 布局 Layout1 · ")
        page.screenshot(path=str(shots / "sheet-names-toolbar.png"))

    with page_as(browser, base, stack, "planning", "en", DESK, locale="en-US") as page:
        open_viewer(page, base, world["numbered"]["id"])
        assert page.locator(f"#f-sheet option[value='{world['layout']['id']}']").inner_text() == \
            f"{BARE} · Layout Layout1"


def test_on_a_phone_the_drawing_keeps_the_width(browser, site, world, shots):
    stack, base = site
    with page_as(browser, base, stack, "planning", viewport=PHONE, device_scale_factor=2, is_mobile=True,
                 has_touch=True) as page:
        open_viewer(page, base, world["numbered"]["id"])
        page.screenshot(path=str(shots / "phone-viewer.png"))
        box = page.locator("#map").bounding_box()
        assert box["width"] >= 0.8 * 390, box  # the drawing keeps (nearly) the whole width
        assert box["height"] >= 0.4 * 844, box
        side = page.locator("#side-panel").bounding_box()
        assert side["y"] >= box["y"] + box["height"] - 1, (side, box)  # the panel sits below the drawing
        assert page.locator("#markup-list").is_visible()

        # folded away: the drawing takes the panel's height too; shown again on demand
        page.click("#side-toggle")
        assert page.locator("#side-toggle").get_attribute("aria-expanded") == "false"
        assert not page.locator("#side-panel").is_visible()
        folded = page.locator("#map").bounding_box()
        assert folded["height"] > box["height"] + 100 and folded["width"] >= 0.8 * 390, (folded, box)
        page.screenshot(path=str(shots / "phone-viewer-folded.png"))
        page.click("#side-toggle")
        assert page.locator("#side-panel").is_visible()
        assert page.locator("#side-toggle").get_attribute("aria-expanded") == "true"

    # on a desk the panel stays at the side, and folds away there too
    with page_as(browser, base, stack, "planning", viewport=DESK) as page:
        open_viewer(page, base, world["numbered"]["id"])
        box, side = page.locator("#map").bounding_box(), page.locator("#side-panel").bounding_box()
        assert side["x"] >= box["x"] + box["width"] - 1 and abs(side["y"] - box["y"]) < 2
        page.click("#side-toggle")
        assert page.locator("#map").bounding_box()["width"] > box["width"] + 200


def test_the_comment_list_and_sheet_table_name_the_file_and_space(browser, site, world, shots):
    stack, base = site
    for locale, lang, label in (("zh-CN", "zh-CN", f"图纸 {BARE} · 布局 Layout1"),
                                ("en-US", "en", f"Sheet {BARE} · Layout Layout1")):
        with page_as(browser, base, stack, "designer", lang, DESK, locale=locale) as page:
            page.goto(f"{base}/projects/{world['project_id']}?submission={world['submission_id']}")
            page.wait_for_selector("#comment-list li.comment")
            link = page.locator("#comment-list li.comment a.comment-sheet").first
            assert link.inner_text() == label
            options = page.locator("#comments-sheet option").all_inner_texts()
            assert label.split(" ", 1)[1] in options, options
            page.locator("#comments").screenshot(path=str(shots / f"sheet-names-comments-{locale}.png"))
            # the project page's sheet table names it the same way
            title = page.locator(f"#sheets tr[data-sheet-id='{world['layout']['id']}'] td.title").inner_text()
            assert title == label.split(" ", 1)[1], title
            page.locator("#sheets").screenshot(path=str(shots / f"sheet-names-table-{locale}.png"))
