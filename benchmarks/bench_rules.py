"""Rule-check speed against the baseline of reading the same file with ``ezdxf.readfile``.

Usage: python benchmarks/bench_rules.py [--quick] [--sizes 100000 1000000] [--dir DIR]

For each generated site (≥ 100,000 entities, and 10× that unless --quick) the same run
times ``ezdxf.readfile`` (the baseline), then ``run_checks`` with all rulesets on the
already loaded document (as in production, where the document is loaded once for rendering
and checks), split into geometry extraction and the checks themselves.

Targets (issue text):
  T1  all rulesets on a ≥ 100,000-entity site take ≤ 1 × readfile of that file;
  T2  10× the entities costs ≤ 15× the check time (no super-linear step).

Both are judged on CPU time of this process (``time.process_time``): the machines are
shared, and wall time there measures the neighbours. Wall-time ratios are printed too.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import ezdxf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drawreview.rules import load_rules, run_checks  # noqa: E402
from drawreview.samples import large_site, site_params  # noqa: E402


@dataclass
class Row:
    entities: int
    read_cpu: float
    read_wall: float
    check_cpu: float
    check_wall: float
    extract_cpu: float
    findings: int


def _timed(fn):
    gc.collect()
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.process_time() - c, time.perf_counter() - w


def bench(path: Path) -> Row:
    doc, read_cpu, read_wall = _timed(lambda: ezdxf.readfile(path))
    params = {**site_params(), "plot_ratio_max": 2.0}
    rules = load_rules(params=params)
    result, check_cpu, check_wall = _timed(lambda: run_checks(doc, params, rules=rules))
    assert not result.stats["errors"], result.stats["errors"]
    return Row(len(doc.modelspace()), read_cpu, read_wall, check_cpu, check_wall,
               result.stats["cpu_seconds"]["extract"], len(result.findings))


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(rows: list[Row]) -> bool:
    print(f"{'entities':>10} {'readfile s':>10} {'extract s':>9} {'checks s':>8} {'total s':>8} "
          f"{'total/read':>10} {'wall ratio':>10} {'findings':>8}  T1 (≤ 1× read)")
    ok = True
    for r in rows:
        ratio = r.check_cpu / r.read_cpu
        t1 = ratio <= 1.0
        ok = ok and t1
        print(f"{r.entities:>10} {r.read_cpu:>10.2f} {r.extract_cpu:>9.2f} {r.check_cpu - r.extract_cpu:>8.2f} "
              f"{r.check_cpu:>8.2f} {ratio:>10.2f} {r.check_wall / r.read_wall:>10.2f} {r.findings:>8}  {_mark(t1)}")
    if len(rows) >= 2:
        small, big = rows[0], rows[-1]
        scale = big.entities / small.entities
        allowed = 1.5 * scale
        growth = big.check_cpu / small.check_cpu
        t2 = growth <= allowed
        ok = ok and t2
        print(f"T2: entities × {scale:.1f} → check time × {growth:.1f} (target ≤ {allowed:.1f}×; "
              f"readfile × {big.read_cpu / small.read_cpu:.1f})  {_mark(t2)}")
    print("targets met" if ok else "TARGETS MISSED")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the 1,000,000-entity site")
    ap.add_argument("--sizes", type=int, nargs="+", default=None)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "drawreview-bench")
    args = ap.parse_args(argv)
    sizes = args.sizes or ([100_000] if args.quick else [100_000, 1_000_000])
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        path = args.dir / f"site-{n}.dxf"
        if not path.exists():
            t = time.perf_counter()
            large_site(path, n)
            print(f"generated {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        rows.append(bench(path))
        print(f"  {n}: done", file=sys.stderr)
    return 0 if report(rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
