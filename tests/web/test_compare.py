"""Revision overlay compare: two revisions of a sheet that differ (a filled square moved from
the left to the right), built by the ``compare_sheet`` job, described by
``GET /api/sheets/{id}/compare`` and tiled; removed ink is red and added ink green in the
places the drawings say."""

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


def revision(square) -> bytes:
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline(FRAME, close=True, dxfattribs={"layer": "FRAME"})
    x0, y0, x1, y1 = square
    hatch = msp.add_hatch(color=7, dxfattribs={"layer": "WALL"})
    hatch.paths.add_polyline_path([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], is_closed=True)
    msp.add_lwpolyline([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], close=True, dxfattribs={"layer": "WALL"})
    buf = io.StringIO()
    doc.write(buf)
    return buf.getvalue().encode()


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


def make_revisions(stack, client) -> dict:
    """Two rendered sheets, the second matched to the first as its previous revision (the
    workflow matches by sheet number; here the link is set directly)."""
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("rev1.dxf", revision(LEFT)), ("rev2.dxf", revision(RIGHT))])
    files = di.by_name(di.wait_files(client, stack, sid))
    assert {f["state"] for f in files.values()} == {"ready"}, files
    sheets = client.get(f"/api/submissions/{sid}/sheets", headers=stack.token_headers("designer")).json()["data"]
    by_file = {s["file_id"]: s for s in sheets}
    old, new = by_file[files["rev1.dxf"]["id"]], by_file[files["rev2.dxf"]["id"]]
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


def test_compare_is_read_like_the_sheet(stack, client, revs):
    sheet_id = revs["new"]["id"]
    wait_compare(stack, client, sheet_id)
    assert client.get(f"/api/sheets/{sheet_id}/compare").status_code == 401
    r = client.get(f"/api/sheets/{sheet_id}/compare", headers=stack.token_headers("fire"))  # no task on the demo
    assert r.status_code == 404 and r.json()["ok"] is False
    r = client.get(f"/api/sheets/{sheet_id}/compare/tiles/0/0/0.png", headers=stack.token_headers("fire"))
    assert r.status_code == 404
