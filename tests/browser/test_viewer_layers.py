"""The viewer's layer list tells the layers the drawing has switched off or frozen: nothing of
them is on the sheet (the CAD program does not plot them), so their box is unticked and cannot
be ticked; it was ticked, as if they were shown, and "show all" could not show them either."""

from __future__ import annotations

import pytest

from .conftest import chromium_browser, login, make_sheet, open_viewer


def _shut_layers(doc) -> None:
    msp = doc.modelspace()
    doc.layers.add("备用-关闭").off()
    doc.layers.add("ICE").freeze()
    msp.add_line((0, 0), (5000, 5000), dxfattribs={"layer": "备用-关闭"})
    msp.add_line((0, 5000), (5000, 0), dxfattribs={"layer": "ICE"})


@pytest.fixture(scope="module")
def shut_world(stack, servers, tmp_path_factory):
    return make_sheet(stack, servers[0], tmp_path_factory.mktemp("shut"), edit=_shut_layers)


@pytest.fixture(scope="module")
def browser(shut_world):
    """Started after the upload (Playwright's sync API runs an event loop in this thread)."""
    yield from chromium_browser()


def test_layers_off_or_frozen_in_the_drawing_are_shown_unticked(browser, stack, servers, shut_world):
    world = shut_world
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        page = login(ctx, servers[0], stack, "planning")
        tiles = []
        page.on("request", lambda r: tiles.append(r.url) if "/tiles/" in r.url else None)
        open_viewer(page, servers[0], world["sheets"][0]["id"])
        page.click("#tab-layers")
        off = page.locator("#layer-list input[data-layer='备用-关闭']")
        frozen = page.locator("#layer-list input[data-layer='ICE']")
        wall = page.locator("#layer-list input[data-layer='WALL']")
        assert wall.is_checked() and wall.is_enabled()
        for name, box, said in (("备用-关闭", off, "原图中已关闭"), ("ICE", frozen, "原图中已冻结")):
            assert not box.is_checked() and box.is_disabled()
            row = page.locator("#layer-list li", has=page.locator(f"input[data-layer='{name}']"))
            assert said in row.inner_text()
        page.click("#pane-layers button:has-text('全部隐藏')")
        page.click("#pane-layers button:has-text('全部显示')")
        off = page.locator("#layer-list input[data-layer='备用-关闭']")
        assert not off.is_checked() and page.locator("#layer-list input[data-layer='WALL']").is_checked()
        assert not any("ICE" in u or "%E5%A4%87" in u for u in tiles), tiles[-3:]
    finally:
        ctx.close()
