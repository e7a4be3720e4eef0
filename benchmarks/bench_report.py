"""Benchmark: the merged review report with 300 comments and their crops.

Baseline, measured in the same run on the same sheets and clips: plain PyMuPDF rendering
of the 300 crops to PNG files (each sheet opened once, no markup, no report). Also the
signed issue (report + PAdES signature + SHA-256), the same as a third round's report with the
case's comment history (decision 132: the 300 listed comments, and as many closed in earlier
rounds with their text), and the BCF export.

    .venv/bin/python benchmarks/bench_report.py [--comments 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pymupdf

from drawreview.report.bcf import export_bcf
from drawreview.report.crop import crop_rect
from drawreview.report.issuance import issue_report
from drawreview.report.model import HistoryEntry
from drawreview.report.pdf import render_report
from drawreview.report.sample import sample_report
from drawreview.report.seal import default_seal
from drawreview.report.signing import ensure_authority_key

TARGET_S = 10.0


def baseline_png(data, out: Path, width_px: int = 900) -> tuple[float, int]:
    """Plain PyMuPDF: render each comment's clip to a PNG file; (seconds, bytes)."""
    t = time.perf_counter()
    docs: dict[Path, pymupdf.Document] = {}
    size = 0
    for i, (_, c) in enumerate(data.all_comments()):
        doc = docs.get(c.sheet_pdf_path) or docs.setdefault(c.sheet_pdf_path, pymupdf.open(c.sheet_pdf_path))
        page = doc[0]
        clip = crop_rect(page.rect, c.geometry.bbox())
        zoom = min(4.0, width_px / clip.width)
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
        path = out / f"crop-{i:04d}.png"
        pix.save(path)
        size += path.stat().st_size
    for doc in docs.values():
        doc.close()
    return time.perf_counter() - t, size


def third_round(data):
    """``data`` as round 3's report of a case whose history holds its comments (reopened in
    round 2, closed in round 3) and as many closed in round 2 (printed with their text)."""
    entries = []
    for i, (d, c) in enumerate(data.all_comments()):
        entries.append(HistoryEntry(first_id=str(10_000 + i), ids=(str(10_000 + i), c.id), discipline=d.name_zh,
                                    sheet=c.sheet_number, severity=c.severity, text=c.text, raised_round=1,
                                    closed_round=3, status="closed",
                                    course=((1, "raised"), (1, "answered"), (2, "reopened"), (3, "closed"))))
        entries.append(HistoryEntry(first_id=str(20_000 + i), ids=(str(20_000 + i),), discipline=d.name_zh,
                                    sheet=c.sheet_number, severity=c.severity, text=c.text, raised_round=1,
                                    closed_round=2, status="closed", course=((1, "raised"), (1, "answered"), (2, "closed"))))
    return replace(data, project=replace(data.project, round_no=3), history=tuple(entries))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=int, default=300)
    ap.add_argument("--keep", type=Path, help="folder to keep the generated files in")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        (work / "png").mkdir(exist_ok=True)
        t = time.perf_counter()
        data = sample_report(work / "sheets", comments=args.comments, sheets_per_discipline=5)
        setup = time.perf_counter() - t
        n = len(data.all_comments())
        sheets = len({c.sheet_pdf_path for _, c in data.all_comments()})
        key, cert = ensure_authority_key(work / "authority")

        base_s, base_bytes = baseline_png(data, work / "png")
        t = time.perf_counter()
        pdf, info = render_report(data, verify_url="https://review.example.cn/verify/bench")
        report_s = time.perf_counter() - t
        (work / "report.pdf").write_bytes(pdf)
        t = time.perf_counter()
        issued = issue_report(data, key_path=key, cert_path=cert, verify_url="https://review.example.cn/verify/bench",
                              seal=default_seal(data.project.authority))
        issue_s = time.perf_counter() - t
        t = time.perf_counter()
        final = issue_report(third_round(data), key_path=key, cert_path=cert,
                             verify_url="https://review.example.cn/verify/bench", seal=default_seal(data.project.authority))
        final_s = time.perf_counter() - t
        t = time.perf_counter()
        bcf = export_bcf(data)
        bcf_s = time.perf_counter() - t

    print(f"{n} comments on {sheets} A2 vector sheets (sample data built in {setup:.2f} s)")
    print(f"{'what':<44} {'total s':>8} {'ms/comment':>11} {'size MB':>8}")
    rows = [
        ("baseline: PyMuPDF crops -> PNG files", base_s, base_bytes),
        (f"report PDF ({info.pages} pages, {info.crops} crops)", report_s, len(pdf)),
        ("issued: report + PAdES signature + SHA-256", issue_s, len(issued.pdf)),
        (f"issued, round 3 + history ({final.info.pages} pages)", final_s, len(final.pdf)),
        ("BCF 3.0 export (with PNG snapshots)", bcf_s, len(bcf)),
    ]
    for name, secs, size in rows:
        print(f"{name:<44} {secs:>8.2f} {secs / n * 1000:>11.1f} {size / 1e6:>8.1f}")
    print(f"report / baseline: {report_s / base_s:.2f}x; issued (seal + visible signature) <= {TARGET_S:.0f} s: "
          f"{'ok' if issue_s <= TARGET_S else 'MISSED'}; round 3 with the history: "
          f"{'ok' if final_s <= TARGET_S else 'MISSED'}")


if __name__ == "__main__":
    main()
