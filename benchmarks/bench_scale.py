"""Benchmark: a big drawing set end to end (issue 18) — ingest, long files, pages, report.

1. **Ingest**: a zip of multi-page PDFs and multi-frame DXFs (``--sizes``, sheets) uploaded to
   real processes — embedded (one ``drawreview serve``) and scaled (an app + ``--workers`` arq
   workers on PostgreSQL + Redis). Prints sheets/s, wall time, peak memory of the serving
   process / workers and of their drawing children, and the CPU seconds each worker spent (the
   workers share the set's files). Baseline, measured in the same run on the same files: the
   sum of ``ezdxf.readfile`` of every DXF and ``pymupdf.open`` + page count of every PDF.
2. **Long files**: a 2,000-page PDF and a 300-frame DXF through the embedded server.
3. **Pages** (Chromium, on the largest ingested set): the project page's size and load time
   (goal ≤ 200 KB, ≤ 2 s), one page of the sheet list API (goal ≤ 50 ms, median of 20), and
   opening a sheet in the viewer to its first tile (goal ≤ 1 s, median of 5).
4. **A real round** (benchmarks/scale_review.py; on the largest set in each mode, or with
   ``--seeded-pages N`` on N seeded rows in a project of its own): ``--comments`` (1,000) markups
   with text by the five disciplines' reviewers through the API, spread over the sheets, every
   fourth answered by the designer, all closed; the disciplines conclude; the window issues the
   signed report (``POST /api/submissions/{id}/report``, timed, with the phases its
   ``Server-Timing`` header names, the server's CPU seconds and peak memory); the stamped-sheets zip
   is downloaded through its endpoint (time, the server's memory growth). Checked from outside:
   ``pdftotext`` finds every comment once with the number ``/comments`` gives it and every sheet
   reviewed, ``pdfsig`` and pyHanko validate the signature, the zip has one PDF per sheet.
5. **Report, generated** (``--skip-report`` skips it): the merged report over 1,000 comments of a
   generated sample, and a stamped zip of that many sheets written to disk by this process.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000,5000] [--modes embedded,scaled]
        [--workers 2] [--skip-long] [--skip-pages] [--skip-report] [--skip-review] [--comments N]
        [--seeded-pages N]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

PDF_PAGES, DXF_FRAMES = 200, 50  # per file of the set
GOALS = {"html_kb": 200, "page_s": 2.0, "list_ms": 50, "tile_s": 1.0}


# -- the set -----------------------------------------------------------------------------------

def make_files(folder: Path, sheets: int) -> list[Path]:
    """Files holding *sheets* sheets: four fifths in PDFs of PDF_PAGES pages, the rest in DXFs of
    DXF_FRAMES frames in model space (one of each is generated, the others are copies under
    other names: each is still processed on its own)."""
    from drawreview.cad import specimen
    from tests.drawing_inputs import many_page_pdf

    folder.mkdir(parents=True, exist_ok=True)
    pdf, dxf = folder / "proto.pdf", folder / "proto.dxf"
    if not pdf.exists():
        pdf.write_bytes(many_page_pdf(PDF_PAGES))
    if not dxf.exists():
        specimen.floor_plan(dxf, frames=DXF_FRAMES, rooms=(2, 1))
    n_pdf = max(1, round(sheets * 0.8 / PDF_PAGES))
    n_dxf = max(1, round((sheets - n_pdf * PDF_PAGES) / DXF_FRAMES))
    return [pdf] * n_pdf + [dxf] * n_dxf


def zip_set(files: list[Path]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:  # stored, as many tools write drawings
        for i, p in enumerate(files):
            zf.write(p, f"图纸/{i + 1:03d}-{'建施' if p.suffix == '.pdf' else '结施'}{p.suffix}")
    return out.getvalue()


def baseline_s(files: list[Path]) -> float:
    """Sum of ezdxf.readfile (DXF) and pymupdf.open + page count (PDF) of the same files."""
    import ezdxf
    import pymupdf

    t = time.perf_counter()
    for p in files:
        if p.suffix == ".dxf":
            ezdxf.readfile(p)
        else:
            with pymupdf.open(p) as doc:
                doc.page_count
    return time.perf_counter() - t


# -- processes and memory --------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    return kids


def _tree(pid: int, kids: dict[int, list[int]]) -> list[int]:
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class Sampler(threading.Thread):
    """Peak resident memory of each root process and of its largest descendant; CPU seconds
    of each root's tree (the drawing children live as long as their pool)."""

    def __init__(self, roots: dict[str, int]):
        super().__init__(daemon=True)
        self.roots, self.stop = roots, threading.Event()
        self.peak = {k: 0 for k in roots}
        self.child_peak = {k: 0 for k in roots}
        self.cpu0 = self._cpu()
        self.cpu = {k: 0.0 for k in roots}

    def _cpu(self) -> dict[str, dict[int, float]]:
        kids = _children()
        return {k: {p: _cpu(p) for p in [pid] + _tree(pid, kids)} for k, pid in self.roots.items()}

    def run(self) -> None:
        while not self.stop.is_set():
            kids = _children()
            for k, pid in self.roots.items():
                self.peak[k] = max(self.peak[k], _rss(pid))
                for c in _tree(pid, kids):
                    self.child_peak[k] = max(self.child_peak[k], _rss(c))
            self._last = self._cpu()
            self.stop.wait(0.5)

    def finish(self) -> None:
        self.stop.set()
        self.join()
        last = self._cpu()
        for k in self.roots:
            self.cpu[k] = sum(v - self.cpu0[k].get(p, 0.0) for p, v in last[k].items())


def start_mode(mode: str, data_dir: Path, workers: int):
    from tests.conftest import DRAWREVIEW, build_stack, free_port, start_process, wait_healthy

    stack = build_stack(mode, data_dir)
    port = free_port()
    procs = {"app": start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"], stack.env,
                                  data_dir / "app.log")}
    if mode == "scaled":
        for i in range(workers):
            procs[f"worker{i + 1}"] = start_process(DRAWREVIEW + ["worker"], stack.env, data_dir / f"worker{i + 1}.log")
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, procs["app"])
    return stack, base, procs


def stop_mode(stack, procs) -> None:
    from tests.conftest import stop_process, teardown_stack

    for p in procs.values():
        stop_process(p)
    teardown_stack(stack)


def ingest(base: str, stack, data: bytes, name: str, procs, timeout: float = 7200) -> dict:
    headers = stack.token_headers("designer")
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers,
                     timeout=30).json()["data"]["id"]
    sampler = Sampler({k: p.pid for k, p in procs.items()})
    sampler.start()
    t0 = time.perf_counter()
    r = httpx.post(f"{base}/api/submissions/{sid}/files", headers=headers, files=[("file", (name, data))], timeout=600)
    assert r.status_code == 200, r.text
    first_ready = None
    while True:
        files = httpx.get(f"{base}/api/submissions/{sid}", headers=headers, timeout=30).json()["data"]["files"]
        if first_ready is None:
            page = httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers,
                             params={"state": "ready", "limit": 1}, timeout=30).json()
            if page["data"]:
                first_ready = time.perf_counter() - t0
        if len(files) > 1 and all(f["state"] in ("ready", "failed") for f in files):
            break
        if time.perf_counter() - t0 > timeout:
            raise SystemExit(f"not processed in {timeout} s")
        time.sleep(1.0)
    wall = time.perf_counter() - t0
    sampler.finish()
    ready = httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers, params={"state": "ready", "limit": 1},
                      timeout=30).json()["page"]["total"]
    failed = [f["original_name"] for f in files if f["state"] == "failed"]
    return {"submission_id": sid, "wall": wall, "first": first_ready, "sheets": ready, "failed": failed,
            "peak": sampler.peak, "child_peak": sampler.child_peak, "cpu": sampler.cpu}


# -- pages (Chromium) ----------------------------------------------------------------------------

def pages(base: str, stack, sid: int) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import launch, login

    headers = stack.token_headers("designer")
    pid = stack.demo["project_id"]
    html = httpx.get(f"{base}/projects/{pid}?submission={sid}", headers=headers, timeout=30)
    first = httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers, params={"limit": 50}, timeout=30).json()
    cursors, c = [None], first["page"]["next"]
    while c and len(cursors) < 20:
        cursors.append(c)
        c = httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers, params={"limit": 50, "cursor": c},
                      timeout=30).json()["page"]["next"]
    times = []
    with httpx.Client(headers=headers, timeout=30) as cl:
        for c in cursors * max(1, 20 // len(cursors)):
            t = time.perf_counter()
            cl.get(f"{base}/api/submissions/{sid}/sheets", params={"limit": 50, **({"cursor": c} if c else {})})
            times.append(time.perf_counter() - t)
    ids = [s["id"] for s in httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers,
                                      params={"state": "ready", "limit": 1000}, timeout=30).json()["data"]]
    picks = [ids[len(ids) * k // 5] for k in range(5)]
    out = {"html_kb": len(html.content) / 1024, "list_ms": statistics.median(times) * 1000}
    with sync_playwright() as p:
        b = launch(p)
        ctx = b.new_context(locale="zh-CN")
        page = login(ctx, base, stack, "designer")
        loads = []
        for _ in range(3):
            t = time.perf_counter()
            page.goto(f"{base}/projects/{pid}?submission={sid}", wait_until="load")
            page.wait_for_selector("#sheets tbody tr[data-sheet-id]")
            loads.append(time.perf_counter() - t)
        tiles = []
        for sheet_id in picks:
            t = time.perf_counter()
            with page.expect_response(lambda r: "/tiles/" in r.url and r.status == 200, timeout=30000):
                page.goto(f"{base}/sheets/{sheet_id}")
            tiles.append(time.perf_counter() - t)
        b.close()
    out.update(page_s=statistics.median(loads), tile_s=statistics.median(tiles))
    return out


# -- report and stamped zip ---------------------------------------------------------------------

def report_part(sheets: int, comments: int, work: Path) -> dict:
    import resource

    from drawreview.report.pdf import render_report
    from drawreview.report.sample import make_sheet_pdf, sample_report
    from drawreview.report.stamps import stamp_sheet
    from drawreview.services.report_files import _write_zip

    t = time.perf_counter()
    data = sample_report(work / "sheets", comments=comments, sheets_per_discipline=20, lines=300)
    setup = time.perf_counter() - t
    t = time.perf_counter()
    pdf, info = render_report(data, verify_url="https://review.example.cn/verify/bench")
    report_s = time.perf_counter() - t
    sheet = make_sheet_pdf(work / "one.pdf", "建施-01", "一层平面图", seed=1, lines=300).read_bytes()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    with open(work / "stamped.zip", "wb") as fh:
        _write_zip(fh, ((f"{i:05d}.pdf", stamp_sheet(sheet, "2026-0001", "2026年12月6日", "示范市审查中心"))
                        for i in range(sheets)), __import__("datetime").datetime(2026, 12, 6))
    zip_s = time.perf_counter() - t
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    return {"setup_s": setup, "report_s": report_s, "report_mb": len(pdf) / 1024**2,
            "zip_s": zip_s, "zip_mb": (work / "stamped.zip").stat().st_size / 1024**2, "zip_rss_grew_mb": grew,
            "sheets": sheets, "comments": comments}


def real_report(base: str, stack, procs, sid: int, comments: int, work: Path, how: str = "processed") -> dict:
    """A real round on the ingested submission *sid* (benchmarks/scale_review.py): *comments*
    markups through the API, the report issued by the window, the stamped zip downloaded; both
    checked with poppler / pyHanko / zipfile. Prints two rows."""
    import scale_review as sr

    work.mkdir(parents=True, exist_ok=True)
    app = {"app": procs["app"].pid}
    made = sr.review(base, stack, sid, comments)
    print(f"\nreview of {len(made['sheets'])} {how} sheets: {len(made['comments'])} comments by "
          f"{len(set(c['discipline'] for c in made['comments']))} disciplines on "
          f"{len(set(c['sheet_id'] for c in made['comments']))} sheets, every {sr.REPLY_EVERY}th with a reply, all closed, "
          f"in {made['markup_s']:.0f} s (submit + accept {made['setup_s']:.1f} s)  [{_uptime()}]", flush=True)
    listed = httpx.get(f"{base}/api/submissions/{sid}/comments", headers=stack.token_headers("window"), timeout=600)
    made["numbers"] = {c["id"]: c["number"] for c in listed.json()["data"]}
    made["file_hashes"] = [f["sha256"] for f in httpx.get(f"{base}/api/submissions/{sid}", timeout=60,
                                                          headers=stack.token_headers("window")).json()["data"]["files"]]
    rep = sr.issue(base, stack, sid, lambda: Sampler(app), _rss, work / "report.pdf")
    cert = httpx.get(f"{base}/verify/authority.pem", timeout=30).content
    pdf = sr.check_pdf(work / "report.pdf", made, cert, work)
    ph = rep["phases"]
    print(f"report issued over {len(made['sheets'])} sheets, {len(made['comments'])} comments: {rep['wall']:.1f} s "
          f"(server CPU {rep['cpu_s']:.0f} s) = " + ", ".join(f"{k} {v:.1f} s" for k, v in ph.items())
          + f"; {rep['pdf_mb']:.1f} MB, {pdf['pages']} pages; server peak {rep['peak_mb']:.0f} MB "
          f"(+{rep['grew_mb']:.0f} MB)  [{_uptime()}]\n"
          f"  pdftotext: {pdf['comments_listed']} comments listed ({pdf['distinct']} distinct, all present: "
          f"{pdf['all_present']}, numbers differing from the system's: {pdf['numbers_wrong']}); drawings list: "
          f"{pdf['drawing_rows']} rows (by file SHA-256), sheet numbers missing: {pdf['sheets_missing']}; "
          f"{pdf['signature']}", flush=True)
    z = sr.download_zip(base, stack, sid, lambda: Sampler(app), _rss, work / "stamped.zip")
    again = sr.download_zip(base, stack, sid, lambda: Sampler(app), _rss, work / "stamped-again.zip")
    members = sr.check_zip(work / "stamped.zip", len(made["sheets"]), work / "report.pdf")
    print(f"stamped zip of {members['expected']} sheets (GET …/stamped-sheets.zip): first download {z['wall']:.1f} s "
          f"(first byte after {z['first_byte']:.1f} s, server CPU {z['cpu_s']:.0f} s), again {again['wall']:.1f} s; "
          f"{z['zip_mb']:.0f} MB, {members['members']} members ({members['pdfs']} PDFs, CRC ok: {members['crc_ok']}, "
          f"listed in the report by SHA-256: {members['in_report']}); "
          f"server memory grew {z['grew_mb']:.0f} MB (again {again['grew_mb']:.0f} MB)  [{_uptime()}]", flush=True)
    return {"made": made, "report": rep, "pdf": pdf, "zip": z, "again": again, "members": members}


def _uptime() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


# -- main ------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000")
    ap.add_argument("--modes", default="embedded,scaled")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-long", action="store_true")
    ap.add_argument("--skip-pages", action="store_true")
    ap.add_argument("--skip-report", action="store_true", help="skip the generated-sample report and zip")
    ap.add_argument("--skip-review", action="store_true",
                    help="skip the real round (comments, issued report, stamped zip) on the largest set")
    ap.add_argument("--comments", type=int, default=1000, help="comments of the real round (default 1000)")
    ap.add_argument("--seeded-pages", type=int, default=0, metavar="N",
                    help="also measure the pages on N sheet rows written straight into the database "
                         "(sharing one really processed sheet's blobs), without processing N sheets")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    modes = [m for m in args.modes.split(",") if m]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        tmp = Path(tmp)
        rows, last = [], None
        for n in sizes:
            files = make_files(tmp / "set", n)
            data = zip_set(files)
            base_s = baseline_s(files)
            for mode in modes:
                stack, base, procs = start_mode(mode, tmp / f"{mode}-{n}", args.workers)
                try:
                    got = ingest(base, stack, data, f"set-{n}.zip", procs)
                    rows.append((n, mode, got, base_s, len(files)))
                    print_row(n, mode, got, base_s, len(files), flush=True)
                    if mode == "embedded" and n == max(sizes) and not args.skip_pages:
                        last = pages(base, stack, got["submission_id"])
                        print_pages(last, n)
                    if n == max(sizes) and not args.skip_review:  # every mode: the scaled app issues too
                        real_report(base, stack, procs, got["submission_id"], args.comments, tmp / f"review-{mode}",
                                    f"processed ({mode})")
                    if mode == "embedded" and n == max(sizes) and not args.skip_long:
                        long_files(base, stack, procs, tmp)
                finally:
                    stop_mode(stack, procs)
        if args.seeded_pages:
            seeded_pages(args.seeded_pages, tmp, None if args.skip_review else args.comments, args.skip_pages)
        if not args.skip_report:
            rep = report_part(max(sizes), 1000, tmp / "report")
            print(f"\nreport: {rep['comments']} comments in {rep['report_s']:.1f} s ({rep['report_mb']:.1f} MB; sample set up in {rep['setup_s']:.1f} s); "
                  f"stamped zip of {rep['sheets']} sheets written to disk in {rep['zip_s']:.1f} s, "
                  f"{rep['zip_mb']:.0f} MB, this process's peak memory grew {rep['zip_rss_grew_mb']:.0f} MB", flush=True)


def seeded_pages(n: int, tmp: Path, comments: int | None = None, skip_pages: bool = False) -> None:
    from drawreview.cad import specimen
    from tests import sheet_sets

    stack, base, procs = start_mode("embedded", tmp / f"seeded-{n}", 0)
    try:
        dxf = specimen.floor_plan(tmp / "one.dxf", frames=1, rooms=(6, 4))
        got = ingest_one(base, stack, dxf, procs)
        assert got["sheets"] == 1, got
        headers = stack.token_headers("designer")
        sid0 = got["submission_id"]
        real = httpx.get(f"{base}/api/submissions/{sid0}/sheets", headers=headers, timeout=30).json()["data"][0]
        blobs = {k: real[k] for k in ("width", "height", "max_zoom", "transform", "units", "unit_m", "pdf_sha256")}
        blobs.update(_hashes(stack, real["id"]))
        sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers,
                         timeout=30).json()["data"]["id"]
        sheet_sets.seed(stack.settings, sid, n, files=25, blobs=blobs)
        if not skip_pages:
            print_pages(pages(base, stack, sid), n, "seeded rows")
        if comments:  # a project of its own: the one-sheet draft above would block submitting
            orgs = stack.demo["organisations"]
            pid = httpx.post(f"{base}/api/projects", headers=headers, timeout=30, json={
                "name": "大型图纸集审查", "construction_unit_id": orgs["示范置业有限公司"],
                "design_institute_id": orgs["示范建筑设计研究院有限公司"]}).json()["data"]["id"]
            sid = httpx.post(f"{base}/api/projects/{pid}/submissions", headers=headers, timeout=30).json()["data"]["id"]
            sheet_sets.seed(stack.settings, sid, n, files=25, blobs=blobs)
            real_report(base, stack, procs, sid, comments, tmp / "seeded-review", "seeded")
    finally:
        stop_mode(stack, procs)


def _hashes(stack, sheet_id: int) -> dict:
    import asyncio

    from drawreview.db import Database
    from drawreview.models import Sheet

    async def go():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                row = await s.get(Sheet, sheet_id)
                return {"meta_sha256": row.meta_sha256, "thumb_sha256": row.thumb_sha256}
        finally:
            await db.close()

    return asyncio.run(go())


def long_files(base, stack, procs, tmp: Path) -> None:
    from drawreview.cad import specimen
    from tests.drawing_inputs import many_page_pdf

    pdf, dxf = tmp / "long-2000.pdf", tmp / "long-300.dxf"
    pdf.write_bytes(many_page_pdf(2000))
    specimen.floor_plan(dxf, frames=300, rooms=(2, 1))
    print("\nlong files (embedded):")
    for p in (pdf, dxf):
        base_s = baseline_s([p])
        got = ingest_one(base, stack, p, procs)
        print(f"  {p.name:<14} {got['sheets']:>5} sheets in {got['wall']:6.1f} s ({got['sheets'] / got['wall']:5.1f} sheets/s, "
              f"first viewable after {got['first']:.1f} s); state {got['state']}; server peak "
              f"{got['peak']['app'] / 1024**2:.0f} MB, drawing child peak {got['child_peak']['app'] / 1024**2:.0f} MB; "
              f"baseline {base_s:.2f} s", flush=True)


def ingest_one(base, stack, path: Path, procs) -> dict:
    headers = stack.token_headers("designer")
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers,
                     timeout=30).json()["data"]["id"]
    sampler = Sampler({k: p.pid for k, p in procs.items()})
    sampler.start()
    t0 = time.perf_counter()
    with open(path, "rb") as fh:
        httpx.post(f"{base}/api/submissions/{sid}/files", headers=headers, files=[("file", (path.name, fh))], timeout=600)
    first = None
    while True:
        (f,) = httpx.get(f"{base}/api/submissions/{sid}", headers=headers, timeout=30).json()["data"]["files"]
        if first is None and httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers,
                                       params={"state": "ready", "limit": 1}, timeout=30).json()["data"]:
            first = time.perf_counter() - t0
        if f["state"] in ("ready", "failed"):
            break
        time.sleep(1.0)
    wall = time.perf_counter() - t0
    sampler.finish()
    total = httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers, params={"state": "ready", "limit": 1},
                      timeout=30).json()["page"]["total"]
    state = f["state"] + (f" ({f['error']['code']})" if f.get("error") else "")
    return {"submission_id": sid, "wall": wall, "first": first or wall, "sheets": total, "state": state, "peak": sampler.peak,
            "child_peak": sampler.child_peak}


def print_row(n, mode, got, base_s, nfiles, flush=True) -> None:
    mem = ", ".join(f"{k} {v / 1024**2:.0f} MB" for k, v in got["peak"].items())
    kids = ", ".join(f"{k} {v / 1024**2:.0f} MB" for k, v in got["child_peak"].items())
    cpu = ", ".join(f"{k} {v:.0f} s" for k, v in got["cpu"].items())
    print(f"\n{n} sheets ({nfiles} files), {mode}: {got['sheets']} ready in {got['wall']:.1f} s = "
          f"{got['sheets'] / got['wall']:.1f} sheets/s ({got['sheets'] / max(0.1, sum(got['cpu'].values())):.1f} per CPU second); first viewable after {got['first']:.1f} s; "
          f"baseline (readfile/open) {base_s:.2f} s = {got['wall'] / base_s:.1f} x baseline\n"
          f"  peak memory: {mem}; largest drawing child: {kids}\n  CPU (process + children): {cpu}"
          + (f"\n  FAILED: {got['failed']}" if got["failed"] else ""), flush=flush)


def print_pages(p: dict, n: int, how: str = "processed") -> None:
    def verdict(value, goal, lower=True):
        return "met" if value <= goal else "MISSED"

    print(f"\npages with {n} sheets ({how}; Chromium):\n"
          f"  project page HTML   {p['html_kb']:7.1f} KB   goal ≤ {GOALS['html_kb']} KB   {verdict(p['html_kb'], GOALS['html_kb'])}\n"
          f"  project page load   {p['page_s']:7.2f} s    goal ≤ {GOALS['page_s']} s     {verdict(p['page_s'], GOALS['page_s'])}\n"
          f"  sheet list page     {p['list_ms']:7.1f} ms   goal ≤ {GOALS['list_ms']} ms   {verdict(p['list_ms'], GOALS['list_ms'])}\n"
          f"  sheet to first tile {p['tile_s']:7.2f} s    goal ≤ {GOALS['tile_s']} s     {verdict(p['tile_s'], GOALS['tile_s'])}",
          flush=True)


if __name__ == "__main__":
    main()
