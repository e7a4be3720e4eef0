"""Revision overlay compare: two revisions of a sheet that differ (a filled square moved from
the left to the right), built by the ``compare_sheet`` job, described by
``GET /api/sheets/{id}/compare`` and tiled; removed ink is red and added ink green in the
places the drawings say. DXF pairs use the vector method (sharp at the finest zoom, a room
name edited shows as changed, orange); PDF pairs the raster method."""

from __future__ import annotations

import asyncio
import io
import time

import ezdxf
import numpy as np
import pymupdf
import pytest

from tests import drawing_inputs as di

FRAME = [(0, 0), (10000, 0), (10000, 6000), (0, 6000)]
LEFT = (1000, 1000, 3000, 3000)  # only in revision 1
RIGHT = (7000, 3000, 9000, 5000)  # only in revision 2


ROOM_AT = (5000, 4500)  # the room name's insertion point (text revisions)


def revision(square, room: str | None = None, extra_line: bool = False) -> bytes:
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    if extra_line:  # drawn first: every later entity gets another handle (a re-exported file)
        msp.add_line((500, 500), (2500, 500), dxfattribs={"layer": "WALL"})
    msp.add_lwpolyline(FRAME, close=True, dxfattribs={"layer": "FRAME"})
    x0, y0, x1, y1 = square
    hatch = msp.add_hatch(color=7, dxfattribs={"layer": "WALL"})
    hatch.paths.add_polyline_path([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], is_closed=True)
    msp.add_lwpolyline([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], close=True, dxfattribs={"layer": "WALL"})
    if room is not None:
        msp.add_text(room, height=400, dxfattribs={"layer": "TEXT"}).set_placement(ROOM_AT)
    buf = io.StringIO()
    doc.write(buf)
    return buf.getvalue().encode()


def pdf_revision(rect: tuple[float, float, float, float]) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    page.draw_rect(pymupdf.Rect(20, 20, 822, 575), color=(0, 0, 0), width=1)
    page.draw_rect(pymupdf.Rect(*rect), color=(0, 0, 0), fill=(0, 0, 0), width=1)
    out = doc.tobytes()
    doc.close()
    return out


async def _link(stack, new_id: int, old_id: int | None) -> None:
    from drawreview.db import Database
    from drawreview.models import Sheet

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            sheet = await s.get(Sheet, new_id)
            sheet.matched_sheet_id = old_id
            s.add(sheet)
            await s.commit()
    finally:
        await db.close()


def make_revisions(stack, client, rev1: tuple[str, bytes] | None = None, rev2: tuple[str, bytes] | None = None
                   ) -> dict:
    """Two rendered sheets, the second matched to the first as its previous revision (the
    workflow matches by sheet number; here the link is set directly)."""
    rev1 = rev1 or ("rev1.dxf", revision(LEFT))
    rev2 = rev2 or ("rev2.dxf", revision(RIGHT))
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [rev1, rev2])
    files = di.by_name(di.wait_files(client, stack, sid))
    assert {f["state"] for f in files.values()} == {"ready"}, files
    sheets = client.get(f"/api/submissions/{sid}/sheets", headers=stack.token_headers("designer")).json()["data"]
    by_file = {s["file_id"]: s for s in sheets}
    old, new = by_file[files[rev1[0]]["id"]], by_file[files[rev2[0]]["id"]]
    asyncio.run(_link(stack, new["id"], old["id"]))
    return {"old": old, "new": new, "submission_id": sid}


def wait_compare(stack, client, sheet_id: int, who: str = "window", timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/api/sheets/{sheet_id}/compare", headers=stack.token_headers(who))
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        if data["state"] == "ready":
            return data
        assert data["state"] in {"pending", "waiting"}, data
        assert time.monotonic() < deadline, data
        if stack.mode == "scaled":
            di.run_queued_jobs(stack)
        time.sleep(0.2)


@pytest.fixture(scope="module")
def revs(stack, client):
    return make_revisions(stack, client)


def to_sheet(sheet: dict, x: float, y: float) -> tuple[float, float]:
    a, e, f = sheet["transform"]
    return a * x + e, -a * y + f


def test_overlay_shows_removed_red_and_added_green_in_place(stack, client, revs):
    new = revs["new"]
    none = client.get(f"/api/sheets/{revs['old']['id']}/compare", headers=stack.token_headers("window")).json()["data"]
    assert none["available"] is False and none["state"] == "none"  # the first revision has nothing to compare with
    before = client.get(f"/api/sheets/{new['id']}/compare/tiles/0/0/0.png", headers=stack.token_headers("window"))
    assert before.status_code == 409 and before.json()["error"]["code"] == "compare_not_ready"

    data = wait_compare(stack, client, new["id"])
    assert data["available"] is True and data["previous"]["id"] == revs["old"]["id"]
    assert {item["kind"] for item in data["legend"]} >= {"added", "removed", "changed"}
    assert data["counts"]["added"] >= 1 and data["counts"]["removed"] >= 1

    # regions: the removed one covers the left square, the added one the right square
    def covers(kind, square):
        cx, cy = to_sheet(new, (square[0] + square[2]) / 2, (square[1] + square[3]) / 2)
        return any(r["kind"] == kind and r["bbox"][0] <= cx <= r["bbox"][2] and r["bbox"][1] <= cy <= r["bbox"][3]
                   for r in data["regions"])

    assert covers("removed", LEFT) and covers("added", RIGHT)
    assert not covers("added", LEFT) and not covers("removed", RIGHT)

    # the tile: red inside the left square, green inside the right one, not the other way round
    r = client.get(f"/api/sheets/{new['id']}/compare/tiles/0/0/0.png", headers=stack.token_headers("designer"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    pix = pymupdf.Pixmap(r.content)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3].astype(int)
    s0 = data["tiles"]["s0"]

    def colour(square):
        x, y = to_sheet(new, (square[0] + square[2]) / 2, (square[1] + square[3]) / 2)
        return img[int(y * s0), int(x * s0)]

    red, green = colour(LEFT), colour(RIGHT)
    assert red[0] > 180 and red[1] < 80 and red[2] < 80, red
    assert green[1] > 120 and green[0] < 60 and green[2] < 100, green

    # stored once: asking again neither rebuilds nor changes it
    again = wait_compare(stack, client, new["id"])
    assert again["regions"] == data["regions"]


def pixels(stack, client, sheet_id: int, info: dict, z: int, box: tuple[float, float, float, float]) -> np.ndarray:
    """RGB pixels of the overlay at zoom *z* over *box* (sheet points), cut from its tiles."""
    s, size = info["s0"] * 2**z, info["tile_size"]
    x0, y0, x1, y1 = (int(v * s) for v in box)
    rows = []
    for ty in range(y0 // size, y1 // size + 1):
        row = []
        for tx in range(x0 // size, x1 // size + 1):
            r = client.get(f"/api/sheets/{sheet_id}/compare/tiles/{z}/{tx}/{ty}.png", headers=stack.token_headers("window"))
            assert r.status_code == 200, r.text
            pix = pymupdf.Pixmap(r.content)
            img = np.full((size, size, 3), 255, int)  # edge tiles may be smaller
            img[:pix.height, :pix.width] = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3]
            row.append(img)
        rows.append(np.concatenate(row, axis=1))
    whole = np.concatenate(rows, axis=0)
    ox, oy = (x0 // size) * size, (y0 // size) * size
    return whole[y0 - oy:y1 - oy + 1, x0 - ox:x1 - ox + 1]


def is_red(p) -> bool:
    return p[0] > 180 and p[1] < 80 and p[2] < 80


def is_green(p) -> bool:
    return p[1] > 120 and p[0] < 60 and p[2] < 100


def is_orange(p) -> bool:
    return p[0] > 190 and 110 < p[1] < 190 and p[2] < 70


def is_white(p) -> bool:
    return min(p) > 235


def edge_width(line, inside) -> tuple[int, int]:
    """(first pixel not white, first pixel of the ink's full colour) along *line*, outside → inside."""
    first = next(i for i, p in enumerate(line) if not is_white(p))
    full = next(i for i, p in enumerate(line) if inside(p))
    return first, full


def test_dxf_pair_is_a_vector_overlay_sharp_at_the_finest_zoom(stack, client, revs):
    new = revs["new"]
    data = wait_compare(stack, client, new["id"])
    assert data["method"] == "vector"
    assert data["method_label"] == {"zh-CN": "矢量对比", "en": "Vector compare"}
    info = data["tiles"]
    # the overlay lies on the new sheet's own page: the viewer puts its tiles on that sheet's grid
    assert (info["width"], info["height"]) == (new["width"], new["height"])
    assert info["max_zoom"] == new["max_zoom"] >= 4
    z, span = info["max_zoom"], 3.0  # points either side of the edge
    s = info["s0"] * 2**z
    for square, inside, (ex, ey), outward in ((LEFT, is_red, (LEFT[0], 2000), -1), (RIGHT, is_green, (RIGHT[2], 4000), 1)):
        x, y = to_sheet(new, ex, ey)
        strip = pixels(stack, client, new["id"], info, z, (x - span, y, x + span, y))[0]
        line = list(strip[::-1]) if outward > 0 else list(strip)  # outside first
        first, full = edge_width(line, inside)
        assert full - first <= 2, (square, line[first - 1:full + 2])  # crisp: no blurred ramp across the edge
        edge_px = span * s  # where the drawing puts the edge (the outline is a hairline on it)
        assert abs(first - edge_px) <= 1.5, (first, edge_px)  # in place to a pixel, not to a raster cell
        assert all(inside(p) for p in line[full:])  # solid ink up to the middle of the strip and beyond
    # a hairline (the unchanged frame) stays a hairline: a raster overlay (~2400 px across the
    # sheet) would show it as a block one raster cell (~13 px here) wide
    x, y = to_sheet(new, FRAME[0][0], 3000)
    strip = pixels(stack, client, new["id"], info, z, (x - span, y, x + span, y))[0]
    ink = [i for i, p in enumerate(strip) if min(p) < 250]
    assert 1 <= len(ink) <= 3 and abs(ink[0] - span * s) <= 1.5, ink
    assert all(abs(int(strip[i][0]) - int(strip[i][1])) < 6 for i in ink)  # grey: unchanged


def test_text_changed_between_revisions_shows_as_changed(stack, client):
    """Revision 2 renames a room (办公室 → 会议室) and, drawn first, adds one wall line, so every
    handle moved on (a re-exported file): the room name is one change, in orange over red."""
    pair = make_revisions(stack, client, ("t1.dxf", revision(LEFT, room="办公室")),
                          ("t2.dxf", revision(LEFT, room="会议室", extra_line=True)))
    new = pair["new"]
    data = wait_compare(stack, client, new["id"])
    assert data["method"] == "vector"
    assert {k: data["counts"][k] for k in ("added", "removed", "changed")} == {"added": 1, "removed": 0, "changed": 1}
    tx, ty = to_sheet(new, ROOM_AT[0] + 600, ROOM_AT[1] + 200)  # inside the lettering
    changed = [r["bbox"] for r in data["regions"] if r["kind"] == "changed"]
    assert len(changed) == 1 and changed[0][0] <= tx <= changed[0][2] and changed[0][1] <= ty <= changed[0][3]
    sx, sy = to_sheet(new, 2000, 2000)  # the unchanged square is in no region
    assert not any(r[0] <= sx <= r[2] and r[1] <= sy <= r[3] for r in (x["bbox"] for x in data["regions"]))
    info = data["tiles"]
    img = pixels(stack, client, new["id"], info, info["max_zoom"] - 2, tuple(changed[0]))
    flat = img.reshape(-1, 3)
    orange = sum(is_orange(p) for p in flat)
    red = sum(is_red(p) for p in flat)
    assert orange > 20 and red > 20, (orange, red)  # the new name orange, the old one red
    assert not any(is_green(p) for p in flat)  # a change, not an addition
    legend = {i["kind"]: i for i in data["legend"]}
    assert legend["changed"]["color"] == "#e69500" and legend["changed"]["zh-CN"] == "修改"
    grey = pixels(stack, client, new["id"], info, info["max_zoom"] - 2, (sx - 2, sy - 2, sx + 2, sy + 2))
    assert all(abs(int(p[0]) - int(p[1])) < 10 and 130 < p[0] < 190 for p in grey.reshape(-1, 3))  # unchanged: grey


def test_pdf_pair_is_a_raster_overlay(stack, client):
    gone, came = (100, 100, 200, 200), (600, 300, 700, 400)
    pair = make_revisions(stack, client, ("p1.pdf", pdf_revision(gone)), ("p2.pdf", pdf_revision(came)))
    new = pair["new"]
    data = wait_compare(stack, client, new["id"])
    assert data["method"] == "raster"
    assert data["method_label"] == {"zh-CN": "图像对比", "en": "Raster compare"}
    assert data["counts"]["removed"] >= 1 and data["counts"]["added"] >= 1
    info = data["tiles"]
    img = pixels(stack, client, new["id"], info, 0, (0, 0, new["width"] - 1, new["height"] - 1))
    s0 = info["s0"]
    assert is_red(img[int(150 * s0), int(150 * s0)]) and is_green(img[int(350 * s0), int(650 * s0)])


def test_compare_is_read_like_the_sheet(stack, client, revs):
    sheet_id = revs["new"]["id"]
    wait_compare(stack, client, sheet_id)
    assert client.get(f"/api/sheets/{sheet_id}/compare").status_code == 401
    r = client.get(f"/api/sheets/{sheet_id}/compare", headers=stack.token_headers("fire"))  # no task on the demo
    assert r.status_code == 404 and r.json()["ok"] is False
    r = client.get(f"/api/sheets/{sheet_id}/compare/tiles/0/0/0.png", headers=stack.token_headers("fire"))
    assert r.status_code == 404


async def _build_past_deadline(stack, sheet_id: int) -> str:
    """Forget the sheet's overlay and build it again with no time left (the job's deadline)."""
    from drawreview.db import Database
    from drawreview.services import compare
    from drawreview.storage import make_storage

    await _forget(stack, sheet_id)
    db = Database(stack.settings)
    try:
        async with db.session() as s:
            return await compare.build(s, make_storage(stack.settings), sheet_id, timeout_s=0.0)
    finally:
        await db.close()


def test_a_build_past_its_deadline_is_reported_not_waited_for(stack, client, revs):
    sheet_id = revs["new"]["id"]
    assert asyncio.run(_build_past_deadline(stack, sheet_id)) == "failed"
    data = client.get(f"/api/sheets/{sheet_id}/compare", headers=stack.token_headers("window")).json()["data"]
    assert data["state"] == "failed" and data["error"]["code"] == "compare_timeout"
    assert data["error"]["zh-CN"] == "生成对比图超时" and data["error"]["en"] == "Building the overlay timed out"
    r = client.get(f"/api/sheets/{sheet_id}/compare/tiles/0/0/0.png", headers=stack.token_headers("window"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "compare_not_ready"
    asyncio.run(_forget(stack, sheet_id))  # leave it as it was: a fresh build
    assert wait_compare(stack, client, sheet_id)["method"] == "vector"


async def _forget(stack, sheet_id: int) -> None:
    from drawreview.db import Database
    from drawreview.models import Sheet

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            sheet = await s.get(Sheet, sheet_id)
            sheet.compare = None
            s.add(sheet)
            await s.commit()
    finally:
        await db.close()


def _with_shut_line(square, x: float) -> bytes:
    """``revision(square)`` plus a line on a layer switched off in the drawing, at *x*."""
    doc = ezdxf.read(io.StringIO(revision(square).decode()))
    doc.layers.add("SHUT").off()
    doc.modelspace().add_line((x, 500), (x, 5500), dxfattribs={"layer": "SHUT"})
    buf = io.StringIO()
    doc.write(buf)
    return buf.getvalue().encode()


def test_a_change_on_a_layer_off_in_the_drawing_is_reported_apart(stack, client):
    """The overlay shows the sheets as issued: a line moved on a switched-off layer is not drawn
    on it, so it is not one of the changes to step through; it is counted apart, with its layer
    (docs/decisions/128)."""
    pair = make_revisions(stack, client, ("shut1.dxf", _with_shut_line(LEFT, 4000)),
                          ("shut2.dxf", _with_shut_line(RIGHT, 6000)))
    data = wait_compare(stack, client, pair["new"]["id"])
    assert data["method"] == "vector"
    assert data["hidden"] == {"added": 0, "removed": 0, "changed": 1, "layers": ["SHUT"]}
    assert data["counts"]["changed"] == 0 and data["counts"]["added"] >= 1 and data["counts"]["removed"] >= 1
    flagged = [r for r in data["regions"] if r.get("hidden")]
    assert len(flagged) == 1 and flagged[0]["kind"] == "changed"
