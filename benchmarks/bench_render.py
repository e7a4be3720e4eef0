"""Benchmark the CAD pipeline against ``ezdxf.readfile`` measured in the same run.

    .venv/bin/python benchmarks/bench_render.py [--big] [--only NAME]

Generates a floor plan (>= 40,000 entities, >= 2,000 CJK texts) in a temp dir and runs every
file in /work/shared/drawings.  Each file is measured in its own subprocess so peak memory
(ru_maxrss) belongs to that file alone.  Targets: load+split+render <= 0.5 x readfile,
upload -> first tile <= 1.5 x readfile, tile median <= 50 ms, peak memory <= 15 x file size
(``--big``: a ~50 MB DXF).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DRAWINGS = Path(__file__).resolve().parents[1].parent / "shared" / "drawings"


def measure(path: Path, out: Path) -> dict:
    import ezdxf

    from drawreview.cad import tiles
    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.pdf import load_pdf, pdf_sheets, render_page
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    row = {"file": path.name, "mb": path.stat().st_size / 1e6}
    if path.suffix == ".pdf":
        t = time.perf_counter()
        src = load_pdf(path)
        row["readfile"] = time.perf_counter() - t
        row["entities"] = src.doc.page_count
        t = time.perf_counter()
        results = [render_page(src, s, out / f"{i}.pdf") for i, s in enumerate(pdf_sheets(src))]
        row["render"] = time.perf_counter() - t
        load = row["readfile"]
    else:
        t = time.perf_counter()
        try:
            doc = ezdxf.readfile(path)
        except Exception:  # noqa: BLE001 - recover-only files: the baseline is recover.readfile
            from ezdxf import recover

            doc, _ = recover.readfile(path)
        row["readfile"] = time.perf_counter() - t
        row["entities"] = len(doc.entitydb)
        del doc
        t = time.perf_counter()
        drawing = load_dxf(path)
        load = time.perf_counter() - t
        t = time.perf_counter()
        results = render_drawing(drawing, split_sheets(drawing), out)
        row["render"] = time.perf_counter() - t
    row["load"] = load
    row["sheets"] = len(results)
    first = results[0]
    t = time.perf_counter()
    tiles.render_tile(first.pdf, 0, 0, 0)
    row["first_tile"] = time.perf_counter() - t
    row["upload_to_tile"] = load + row["render"] + row["first_tile"]
    info = tiles.tile_pyramid_info(first.width, first.height)
    z = min(3, info["max_zoom"])
    nx, ny = info["grid"][z]
    times = []
    for x in range(nx):
        for y in range(ny):
            t = time.perf_counter()
            tiles.render_tile(first.pdf, z, x, y)
            times.append(time.perf_counter() - t)
    row["tile_ms"] = statistics.median(times) * 1000
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def child(path: str, out: str) -> None:
    print(json.dumps(measure(Path(path), Path(out))))


def run(path: Path, tmp: Path) -> dict:
    out = tmp / f"out-{path.stem}"
    out.mkdir(exist_ok=True)
    proc = subprocess.run([sys.executable, __file__, "--child", str(path), str(out)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        return {"file": path.name, "error": proc.stderr.strip().splitlines()[-1][:80]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", action="store_true", help="also a ~50 MB DXF (slow)")
    ap.add_argument("--only", default="")
    ap.add_argument("--child", nargs=2)
    args = ap.parse_args()
    if args.child:
        return child(*args.child)
    from drawreview.cad import specimen

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        files = [specimen.floor_plan(tmp / "floorplan_40k.dxf", rooms=(44, 30), dimensions=40)]
        files += sorted(p for p in DRAWINGS.iterdir() if p.suffix in (".dxf", ".pdf"))
        if args.big:
            files.append(specimen.floor_plan(tmp / "big_50mb.dxf", frames=9, rooms=(44, 30), dimensions=40))
        files = [f for f in files if args.only in f.name]
        head = (f"{'file':40} {'MB':>6} {'entities':>8} {'readfile s':>10} {'split+render s':>14} {'ratio':>6} "
                f"{'upload→tile':>11} {'ratio':>6} {'1st tile s':>10} {'tile ms':>8} {'peak MB':>8} {'×size':>6}")
        print(head)
        print("-" * len(head))
        for f in files:
            r = run(f, tmp)
            if "error" in r:
                print(f"{r['file']:40} ERROR {r['error']}")
                continue
            base = max(r["readfile"], 1e-9)
            print(f"{r['file'][:40]:40} {r['mb']:6.2f} {r['entities']:8d} {r['readfile']:10.3f} {r['render']:14.3f} "
                  f"{r['render'] / base:6.2f} {r['upload_to_tile']:11.3f} {r['upload_to_tile'] / base:6.2f} "
                  f"{r['first_tile']:10.3f} {r['tile_ms']:8.1f} {r['peak_mb']:8.0f} {r['peak_mb'] / max(r['mb'], 1e-9):6.1f}")
        print("targets: split+render ratio <= 0.5, upload→tile ratio <= 1.5, tile median <= 50 ms, "
              "peak <= 15 × file size (big file)")


if __name__ == "__main__":
    main()
