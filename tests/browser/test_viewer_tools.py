"""The reviewer's drawing tools in Chromium: a rectangle and a cloud drawn by press-drag-release
(as in Bluebeam/Acrobat) with click-click still possible, a hint for each tool, and severity
visible on the map as a coloured badge (not only line width)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (DESK, chromium_browser, embedded_site, make_sheet, open_viewer, page_as,
    save_markup, wait_js)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "tools"):
        sheet = make_sheet(stack, base, tmp_path_factory.mktemp("dxf"))
        yield stack, base, sheet["sheets"][0]["id"]


@pytest.fixture(scope="module")
def chromium(world):
    yield from chromium_browser()


def _markups(page):
    return page.evaluate("""async (id) => {
        const r = await fetch('/api/projects/' + id + '/annotations', {credentials: 'same-origin'});
        return (await r.json()).data; }""", page.evaluate("JSON.parse(document.getElementById('viewer-config').textContent).project.id"))


def _colours_near(page, x, y, r=16):
    """The RGB colours of the map canvas within r CSS pixels of (x, y) on the map element."""
    return page.evaluate("""([x, y, r]) => {
        const c = document.querySelector('#map canvas');
        const k = c.width / c.getBoundingClientRect().width;
        const d = c.getContext('2d').getImageData(Math.round((x - r) * k), Math.round((y - r) * k),
                                                  Math.round(2 * r * k), Math.round(2 * r * k)).data;
        const out = [];
        for (let i = 0; i < d.length; i += 4) out.push([d[i], d[i + 1], d[i + 2]]);
        return out; }""", [x, y, r])


def _near(page, x, y, target, tol=40, r=16):
    return any(all(abs(a - b) <= tol for a, b in zip(px, target)) for px in _colours_near(page, x, y, r))


def test_drag_to_draw_hints_and_severity_badges(world, chromium, shots):
    stack, base, sheet_id = world
    with page_as(chromium, base, stack, "fire", viewport=DESK) as page:
        open_viewer(page, base, sheet_id)
        box = page.locator("#map").bounding_box()
        before = len(_markups(page))

        # the hint follows the tool
        page.click("#tool-rect")
        assert "拖动" in page.inner_text("#tool-hint")
        # press, drag, release: one rectangle, no pan
        page.mouse.move(box["x"] + 300, box["y"] + 200)
        page.mouse.down()
        page.mouse.move(box["x"] + 360, box["y"] + 240, steps=5)
        page.mouse.move(box["x"] + 420, box["y"] + 300, steps=5)
        page.mouse.up()
        page.wait_for_selector("#markup-form:not([hidden])", timeout=10000)
        save_markup(page, "拖动绘制的矩形：防火门开启方向错误", "mandatory", "GB 50016-2014 6.5.1")
        wait_js(page, "n => document.querySelectorAll('#markup-list .vw-item').length > n", arg=before, timeout=15000)
        rects = [m for m in _markups(page) if m["body"].startswith("拖动绘制的矩形")]
        assert len(rects) == 1 and rects[0]["kind"] == "rect"
        (x0, y0), (x1, y1) = rects[0]["geometry"]["points"]
        assert x1 > x0 and y1 > y0  # a real box, not a point

        # a cloud the same way, then a rectangle by click-click (still possible)
        page.click("#tool-cloud")
        assert "云线" in page.inner_text("#tool-hint")
        page.mouse.move(box["x"] + 600, box["y"] + 400)
        page.mouse.down()
        page.mouse.move(box["x"] + 700, box["y"] + 480, steps=8)
        page.mouse.up()
        page.wait_for_selector("#markup-form:not([hidden])", timeout=10000)
        save_markup(page, "拖动绘制的云线：补充疏散指示", "suggestion")
        page.click("#tool-rect")
        page.mouse.click(box["x"] + 150, box["y"] + 500)
        page.mouse.click(box["x"] + 230, box["y"] + 560)
        page.wait_for_selector("#markup-form:not([hidden])", timeout=10000)
        save_markup(page, "点击两角的矩形：一般意见", "general")
        wait_js(page, "() => [...document.querySelectorAll('#markup-list .vw-item')].some(e => e.textContent.includes('点击两角的矩形'))",
                               timeout=15000)
        # the list shows a markup as soon as it is drawn (pending in the outbox): wait for the
        # server to hold it before reading the API
        for _ in range(150):
            kinds = {m["body"]: m["kind"] for m in _markups(page)}
            if "点击两角的矩形：一般意见" in kinds:
                break
            page.wait_for_timeout(100)
        assert kinds["拖动绘制的云线：补充疏散指示"] == "cloud" and kinds["点击两角的矩形：一般意见"] == "rect"

        # severity badges at each box's upper right corner, in the severity's colour
        page.keyboard.press("Escape")
        page.mouse.move(box["x"] + 5, box["y"] + 5)
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / "viewer-tools-badges.png"))
        # (the badge colours: services' severity palette — mandatory red, general orange, suggestion green)
        # the red badge sits half outside the (red, fire-coloured) rectangle: look just outside its corner
        assert _near(page, 425, 195, (198, 40, 40), r=2)
        assert _near(page, 705, 395, (46, 125, 50), tol=30) and not _near(page, 420, 200, (46, 125, 50), tol=30)
        assert _near(page, 230, 500, (239, 108, 0))


def test_measuring_snaps_to_the_drawings_ends_when_wanted(world, chromium):
    stack, base, sheet_id = world
    with page_as(chromium, base, stack, "planning", viewport=DESK) as page:
        open_viewer(page, base, sheet_id)
        page.click("#tool-measure_distance")
        page.click("#snap-toggle")
        assert page.get_attribute("#snap-toggle", "aria-pressed") == "true"
        wait_js(page, "Number(document.querySelector('#map').dataset.snapPoints || 0) > 10", timeout=20000)
        # two of the drawing's own vertices in view, far apart (from the same API the viewer uses)
        pts = page.evaluate("""async (id) => {
            const v = window.drawreviewViewer.ctx;
            const [x0, y0, x1, y1] = v.view.calculateExtent(v.map.getSize());
            const r = await fetch(`/api/sheets/${id}/vertices?bbox=${x0},${-y1},${x1},${-y0}&limit=3000`);
            return (await r.json()).data.points; }""", sheet_id)
        box = page.locator("#map").bounding_box()

        def px(p):
            return page.evaluate("p => window.drawreviewViewer.ctx.map.getPixelFromCoordinate([p[0], -p[1]])", p)

        inner = [p for p in pts if 40 < px(p)[0] < box["width"] - 40 and 40 < px(p)[1] < box["height"] - 40]
        p, q = inner[0], max(inner, key=lambda v: (v[0] - inner[0][0]) ** 2 + (v[1] - inner[0][1]) ** 2)
        (ax, ay), (bx, by) = px(p), px(q)

        def measured():
            return page.evaluate("""() => {
                const f = window.drawreviewViewer.ctx.sketchSource.getFeatures()
                  .filter((f) => f.getGeometry().getType() === 'LineString');
                return f[f.length - 1].getGeometry().getCoordinates(); }""")

        page.mouse.click(box["x"] + ax + 5, box["y"] + ay + 4)  # near, not on, the vertices
        page.mouse.dblclick(box["x"] + bx - 4, box["y"] + by + 5)
        page.wait_for_timeout(300)
        line = measured()
        assert abs(line[0][0] - p[0]) < 0.01 and abs(line[0][1] + p[1]) < 0.01, (line[0], p)
        assert abs(line[-1][0] - q[0]) < 0.01 and abs(line[-1][1] + q[1]) < 0.01, (line[-1], q)
        # without snapping the same clicks land where the pointer was, beside the vertices
        page.click("#snap-toggle")
        page.click("#tool-measure_distance")
        page.mouse.click(box["x"] + ax + 5, box["y"] + ay + 4)
        page.mouse.dblclick(box["x"] + bx - 4, box["y"] + by + 5)
        page.wait_for_timeout(300)
        free = measured()
        assert abs(free[0][0] - p[0]) > 0.5 or abs(free[0][1] + p[1]) > 0.5
