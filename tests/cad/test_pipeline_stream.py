"""Any page count: a drawing child streams a long set sheet by sheet, under the server's event
loop (uvloop, as uvicorn runs it), with no message that grows with the file and with flat
memory. 260 pages / 60 frames here (past the 200–250 pages that used to kill the child); the
2,000-page PDF and the 300-frame DXF run through the same path in benchmarks/bench_scale.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import uvloop

from drawreview.cad import isolate, pipeline, specimen
from tests import drawing_inputs as di

MESSAGE_CAP = 64 * 1024  # no single message beyond this, whatever the page count


def _peak_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _run(path: Path, work: Path, on_sheet=None) -> tuple[list, dict, isolate.Pool]:
    """process_drawing in a fresh one-child pool under uvloop; (items, result, pool)."""
    pool = isolate.Pool(size=1)
    items: list = []

    async def on_item(item):
        items.append(item)
        if item[0] == "sheet" and on_sheet is not None:
            on_sheet(item[1])

    result = uvloop.run(pool.run(pipeline.process_drawing, (str(path), "", path.name, str(work), None),
                                 on_item=on_item))
    return items, result, pool


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    d = tmp_path_factory.mktemp("pdfs")
    out = {}
    for n in (50, 260):
        out[n] = d / f"set{n}.pdf"
        out[n].write_bytes(di.many_page_pdf(n))
    return out


def test_a_260_page_pdf_streams_to_the_end_with_bounded_messages_and_memory(pdfs):
    peaks, largest = {}, {}
    for n in (50, 260):
        items, result, pool = _run(pdfs[n], Path(tempfile.mkdtemp()))
        try:
            sheets = [v for k, v in items if k == "sheet"]
            assert [s["key"] for s in sheets] == [f"page:{i + 1}" for i in range(n)]  # every page, in order
            assert ("total", n) in items and result["kind"] == "pdf"
            specs = [s for k, v in items if k == "specs" for s in v]
            assert [s["number"] for s in specs] == [f"建施-{i + 1:03d}" for i in range(n)]  # title blocks read
            # specs come batch by batch, each batch before its sheets: the first sheet is on its
            # way long before the last page has been read
            first_sheet = next(i for i, (k, _) in enumerate(items) if k == "sheet")
            assert sum(len(v) for k, v in items[:first_sheet] if k == "specs") <= pipeline.SPEC_BATCH
            assert all(Path(s["pdf"]).is_file() for s in sheets[-3:])
            peaks[n], largest[n] = _peak_mb(pool.pids()["idle"][0]), pool.largest_message
        finally:
            pool.close()
    assert largest[260] <= MESSAGE_CAP and largest[260] <= 1.5 * largest[50], largest
    assert peaks[260] - peaks[50] < 40, peaks  # five times the pages, about the same memory


def test_a_60_frame_dxf_gives_its_first_sheets_before_the_last_frames_are_drawn(tmp_path):
    n = 60
    path = specimen.floor_plan(tmp_path / "frames.dxf", frames=n, rooms=(2, 1))
    work = tmp_path / "work"
    seen_early = []

    def on_sheet(sheet):  # the parent has a sheet while the child still draws later chunks
        if not seen_early:
            seen_early.append(not (work / "g2").exists())

    items, result, pool = _run(path, work, on_sheet)
    try:
        sheets = [v for k, v in items if k == "sheet" and "/audited/" not in v["pdf"]]
        assert len(sheets) == n and len({s["key"] for s in sheets}) == n
        assert seen_early == [True]
        assert n > 2 * pipeline.MODEL_CHUNK
        assert pool.largest_message <= MESSAGE_CAP
        assert all(len(v) <= pipeline.SPEC_BATCH for k, v in items if k == "specs")
        assert sum(len(v) for k, v in items if k == "specs") == n
    finally:
        pool.close()
