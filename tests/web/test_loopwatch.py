"""The serving process's event loop stays free while sheets are drawn (docs/decisions/119).

Measured by the app's own loop watch (``/healthz`` ``loop``): a stall's ``blocked_ms`` is the
time the loop could not run that the kernel did not spend keeping the process off a busy CPU,
i.e. the time this process held its own loop. MuPDF keeps the GIL while it draws, so a tile
drawn in a worker thread of the app held the loop for as long as it took.
"""

from __future__ import annotations

import random
import time

import pymupdf

from tests import drawing_inputs as di


def dense_pdf(lines: int = 60_000) -> bytes:
    """One A1 sheet of short strokes: hundreds of milliseconds for MuPDF to draw a tile."""
    doc = pymupdf.open()
    page = doc.new_page(width=2384, height=1684)
    shape = page.new_shape()
    rnd = random.Random(119)
    for _ in range(lines):
        x, y = rnd.uniform(0, 2384), rnd.uniform(0, 1684)
        shape.draw_line((x, y), (x + rnd.uniform(-40, 40), y + rnd.uniform(-40, 40)))
    shape.finish(width=0.3)
    shape.commit()
    page.insert_text((60, 80), "总平面图 DR-77", fontsize=18)
    return doc.tobytes()


def stalls_since(client, since: float) -> list[dict]:
    loop = client.get("/healthz").json()["loop"]
    assert loop["running"]
    return [s for s in loop["stalls"] if s["at"] >= since]


def test_tiles_of_a_dense_sheet_leave_the_loop_free(stack, client):
    headers = stack.token_headers("designer")
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("密集.pdf", dense_pdf())])
    (f,) = di.wait_files(client, stack, sid)
    assert f["state"] == "ready", f
    sheet = client.get(f"/api/submissions/{sid}/sheets", headers=headers).json()["data"][0]
    since = time.time()
    for z, hidden in ((1, ""), (2, ""), (1, "?hidden=0"), (3, "")):  # new display lists, zoomed tiles
        for x in range(2):
            r = client.get(f"/api/sheets/{sheet['id']}/tiles/{z}/{x}/0.png{hidden}", headers=headers)
            assert r.status_code == 200 and r.content.startswith(b"\x89PNG"), r.text
    blocked = max((s["blocked_ms"] for s in stalls_since(client, since)), default=0.0)
    assert blocked < 100, f"drawing tiles blocked the event loop for {blocked:.0f} ms"


def test_a_stall_is_split_into_run_queue_wait_and_blocked_time():
    from drawreview.loopwatch import LoopWatch

    watch = LoopWatch("test")
    busy = watch.record(0.3, 0.25)  # the kernel kept the thread waiting for most of it
    assert (busy["late_ms"], busy["runq_ms"], busy["blocked_ms"]) == (300.0, 250.0, 50.0)
    held = watch.record(0.2, 0.5)  # a wait counted across the tick cannot exceed the stall
    assert held["blocked_ms"] == 0.0 and held["runq_ms"] == 200.0
    report = watch.report()
    assert report["worst_late_ms"] == 300.0 and report["worst_blocked_ms"] == 50.0 and len(report["stalls"]) == 2
    assert not report["running"]


def blocked_during(client, step) -> float:
    """The longest time the app held its own loop while ``step()`` ran (its loop watch)."""
    since = time.time()
    step()
    time.sleep(0.1)  # the tick after the last stall is counted
    return max((s["blocked_ms"] for s in stalls_since(client, since)), default=0.0)


def test_snapping_on_a_dense_sheet_leaves_the_loop_free(stack, client):
    headers = stack.token_headers("designer")
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("密集-吸附.pdf", dense_pdf())])
    (f,) = di.wait_files(client, stack, sid)
    assert f["state"] == "ready", f
    sheet = client.get(f"/api/submissions/{sid}/sheets", headers=headers).json()["data"][0]

    def snap():
        for layers in ("", "&hidden=0", *(f"&hidden=x{i}" for i in range(6))):  # each layer state: a new read
            r = client.get(f"/api/sheets/{sheet['id']}/vertices?bbox=0,0,600,600&limit=50{layers}", headers=headers)
            assert r.status_code == 200, r.text
            assert r.json()["data"]["points"] and r.json()["data"]["more"]

    blocked = blocked_during(client, snap)
    assert blocked < 100, f"reading the vertices blocked the event loop for {blocked:.0f} ms"


def test_report_documents_of_dense_sheets_leave_the_loop_free(stack, client):
    from tests.web.matrix.reports import create_report_world

    world = create_report_world(stack, state="concluded", name="密集图纸意见书", lines=60_000)
    window, designer = stack.token_headers("window"), stack.token_headers("designer")
    sid = world["submission_id"]
    pages: list[str] = []

    def preview():
        r = client.get(f"/api/submissions/{sid}/report/preview", headers=window)
        assert r.status_code == 200, r.text
        pages.extend(r.json()["data"]["page_urls"])

    def preview_pages():
        for url in pages:
            r = client.get(url, headers=window)
            assert r.status_code == 200 and r.content.startswith(b"\x89PNG"), r.text

    def marked_up():
        for sheet_id in world["sheet_ids"]:
            r = client.get(f"/api/sheets/{sheet_id}/marked-up.pdf", headers=designer)
            assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text

    def issue():
        r = client.post(f"/api/submissions/{sid}/report", headers=window)
        assert r.status_code == 200, r.text

    def stamped():
        for sheet_id in world["sheet_ids"]:
            r = client.get(f"/api/sheets/{sheet_id}/stamped.pdf", headers=designer)
            assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text

    held = {name: blocked_during(client, step) for name, step in
            (("preview", preview), ("preview pages", preview_pages), ("marked-up sheets", marked_up),
             ("issuing", issue), ("stamped sheets", stamped))}
    print(held)
    assert max(held.values()) < 100, f"MuPDF work blocked the event loop (ms): {held}"
