"""The viewer's layer list and the drawing's own layer states. The sheet shows the drawing as
plotted: a layer switched off, or set not to plot, is in the sheet but hidden by default; it is
listed unticked with a note, and ticking it shows it (``?shown=``). A frozen layer is not in the
sheet at all (AutoCAD does not draw it), so its box cannot be ticked. Layer names may hold a
comma: the tile cache tells hiding ``A,B`` from hiding ``A`` and ``B``. Snapping follows the
layers shown."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .conftest import VIEWER, chromium_browser, make_sheet, open_viewer, signed_in, wait_js

OFF, NOPLOT, FAR = "备用-关闭", "辅助线-不打印", "远处-关闭"


def _layers(doc) -> None:
    msp = doc.modelspace()
    doc.layers.add(OFF).off()
    doc.layers.add("ICE").freeze()
    doc.layers.add(NOPLOT).dxf.plot = 0
    msp.add_line((0, 0), (5000, 5000), dxfattribs={"layer": OFF})
    msp.add_line((0, 5000), (5000, 0), dxfattribs={"layer": "ICE"})
    msp.add_line((0, 2500), (5000, 2500), dxfattribs={"layer": NOPLOT})
    doc.layers.add(FAR).off()
    msp.add_text("备用机房", height=250, dxfattribs={"layer": OFF}).set_placement((600, 3800))
    msp.add_text("备用机房", height=250, dxfattribs={"layer": "WALL"}).set_placement((600, 4400))
    msp.add_line((900_000, 0), (900_000, 5000), dxfattribs={"layer": FAR})  # far beyond the plotted page
    for i, name in enumerate(("A", "B", "A,B")):
        doc.layers.add(name, color=[1, 3, 5][i])
        msp.add_line((1000 + 1500 * i, 500), (1000 + 1500 * i, 4500), dxfattribs={"layer": name})


@pytest.fixture(scope="module")
def layer_world(stack, servers, tmp_path_factory):
    return make_sheet(stack, servers[0], tmp_path_factory.mktemp("shut"), edit=_layers)


@pytest.fixture(scope="module")
def browser(layer_world):
    """Started after the upload (Playwright's sync API runs an event loop in this thread)."""
    yield from chromium_browser()


def _box(page, name):
    return page.locator(f"#layer-list input[data-layer='{name}']")


def _open(browser, stack, servers, world):
    page = signed_in(browser, servers[0], stack, "planning", viewport=VIEWER)
    tiles = []
    page.on("request", lambda r: tiles.append(r.url) if "/tiles/" in r.url else None)
    open_viewer(page, servers[0], world["sheets"][0]["id"])
    page.click("#tab-layers")
    return page.context, page, tiles


def _settled(page, tiles, part: str):
    """Wait until a tile with *part* in its query was asked for and the map drew again."""
    for _ in range(100):
        if any(part in u for u in tiles):
            break
        page.wait_for_timeout(100)
    assert any(part in u for u in tiles), sorted({u.split("?")[-1] for u in tiles})
    n = page.evaluate("() => Number(document.querySelector('#map').dataset.rendered || 0)")
    wait_js(page, "(n) => Number(document.querySelector('#map').dataset.rendered || 0) > n", n)


def test_layers_off_or_not_plotted_are_unticked_and_can_be_shown(browser, stack, servers, layer_world, tmp_path):
    ctx, page, tiles = _open(browser, stack, servers, layer_world)
    try:
        wall = _box(page, "WALL")
        assert wall.is_checked() and wall.is_enabled()
        for name, said in ((OFF, "原图中已关闭"), (NOPLOT, "原图中设为不打印"), ("ICE", "原图中已冻结")):
            assert not _box(page, name).is_checked(), name
            row = page.locator("#layer-list li", has=page.locator(f"input[data-layer='{name}']"))
            assert said in row.inner_text()
        assert _box(page, OFF).is_enabled() and _box(page, NOPLOT).is_enabled() and _box(page, "ICE").is_disabled()
        far = page.locator("#layer-list li", has=page.locator(f"input[data-layer='{FAR}']")).inner_text()
        assert "原图中已关闭" in far and "图幅之外" in far  # shown, it is cut at the page edge: said so
        assert not any("shown=" in u for u in tiles)  # the sheet as plotted
        page.screenshot(path=str(tmp_path / "plotted.png"))
        _box(page, NOPLOT).check()
        _settled(page, tiles, f"shown={quote(NOPLOT, safe='')}")
        _box(page, OFF).check()
        _settled(page, tiles, f"shown={','.join(sorted(quote(n, safe='') for n in (OFF, NOPLOT)))}")
        page.screenshot(path=str(tmp_path / "shown.png"))
        assert _box(page, OFF).is_checked() and _box(page, NOPLOT).is_checked()
        _box(page, OFF).uncheck()
        assert page.evaluate("() => [...window.drawreviewViewer.shown]") == [NOPLOT]
        # "hide all" then "show all": the sheet as plotted again, a frozen layer never asked for
        page.click("#pane-layers button:has-text('全部隐藏')")
        page.click("#pane-layers button:has-text('全部显示')")
        assert not _box(page, OFF).is_checked() and not _box(page, NOPLOT).is_checked() and _box(page, "WALL").is_checked()
        assert not any("ICE" in u for u in tiles), tiles[-3:]
    finally:
        ctx.close()


def test_hiding_a_layer_named_with_a_comma_is_not_hiding_two_layers(browser, stack, servers, layer_world, tmp_path):
    # the tile cache was keyed by the hidden names joined with a bare comma: once A and B had
    # been hidden, hiding the layer "A,B" found those tiles in the cache and showed them
    ctx, page, tiles = _open(browser, stack, servers, layer_world)
    try:
        _box(page, "A").uncheck()
        _box(page, "B").uncheck()
        _settled(page, tiles, "hidden=A,B")
        two = page.evaluate("() => document.querySelector('#map').dataset.layerKey")
        _box(page, "A").check()
        _box(page, "B").check()
        page.wait_for_timeout(300)
        asked = len(tiles)
        _box(page, "A,B").uncheck()
        _settled(page, tiles, "hidden=A%2CB")
        assert any("hidden=A%2CB" in u for u in tiles[asked:]), tiles[asked:]
        assert page.evaluate("() => document.querySelector('#map').dataset.layerKey") != two
        page.screenshot(path=str(tmp_path / "comma.png"))
    finally:
        ctx.close()


def test_snapping_offers_only_the_points_of_layers_shown(browser, stack, servers, layer_world):
    ctx, page, tiles = _open(browser, stack, servers, layer_world)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/vertices" in r.url else None)
    try:
        page.click("#tool-measure_distance")
        page.click("#snap-toggle")
        wait_js(page, "Number(document.querySelector('#map').dataset.snapPoints || 0) > 10", timeout=20000)
        every = page.evaluate("() => window.drawreviewViewer.tools.snapSource.getFeatures().length")
        page.click("#tab-layers")
        _box(page, "WALL").uncheck()
        wait_js(page, "(n) => window.drawreviewViewer.tools.snapSource.getFeatures().length < n", every, timeout=20000)
        assert "hidden=WALL" in asked[-1]
        fewer = page.evaluate("() => window.drawreviewViewer.tools.snapSource.getFeatures().length")
        _box(page, NOPLOT).check()  # its line's two ends come back to snap to
        wait_js(page, "(n) => window.drawreviewViewer.tools.snapSource.getFeatures().length > n", fewer, timeout=20000)
        assert f"shown={quote(NOPLOT, safe='')}" in asked[-1]
    finally:
        ctx.close()


def test_the_search_says_which_hits_are_on_a_hidden_layer(browser, stack, servers, layer_world):
    """Lettering on a layer off in the drawing is found, listed after what the sheet shows, and
    says it is on a layer hidden by default (docs/decisions/128)."""
    ctx, page, _tiles = _open(browser, stack, servers, layer_world)
    try:
        page.click("#tab-search")
        page.fill("#search-input", "备用机房")
        page.click("#search-go")
        page.wait_for_selector("#search-results li >> nth=1", timeout=10000)
        rows = page.locator("#search-results li").all_inner_texts()
        assert len(rows) == 2 and "默认隐藏" not in rows[0], rows
        assert f"位于默认隐藏的图层 {OFF}" in rows[1], rows
    finally:
        ctx.close()
