"""Rule-check speed against the baseline of reading the same file with ``ezdxf.readfile``.

Usage: python benchmarks/bench_rules.py [--quick] [--sizes 100000 1000000] [--dir DIR]

For each generated site (≥ 100,000 entities, and 10× that unless --quick) prints: entities,
ezdxf.readfile seconds (baseline, same run), all-rulesets check seconds (run_checks on the
loaded document), and check/readfile. Targets: check ≤ 1 × readfile; 10× the entities costs
≤ 15× the check time.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import ezdxf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drawreview.rules import load_rules, run_checks  # noqa: E402
from drawreview.samples import large_site, site_params  # noqa: E402


def bench(path: Path) -> tuple[int, float, float, int]:
    gc.collect()
    t = time.perf_counter()
    doc = ezdxf.readfile(path)
    read_s = time.perf_counter() - t
    params = {**site_params(), "plot_ratio_max": 2.0}
    rules = load_rules(params=params)
    gc.collect()
    t = time.perf_counter()
    result = run_checks(doc, params, rules=rules)
    check_s = time.perf_counter() - t
    assert not result.stats["errors"], result.stats["errors"]
    return len(doc.modelspace()), read_s, check_s, len(result.findings)


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
    print(f"{'entities':>10} {'readfile s':>11} {'check s':>9} {'check/read':>11} {'findings':>9}")
    for ents, read_s, check_s, nf in rows:
        print(f"{ents:>10} {read_s:>11.2f} {check_s:>9.2f} {check_s / read_s:>11.2f} {nf:>9}")
    ok = all(c <= r for _, r, c, _ in rows)
    if len(rows) >= 2:
        growth = rows[-1][2] / rows[0][2]
        scale = rows[-1][0] / rows[0][0]
        print(f"check time × {growth:.1f} for entities × {scale:.1f} (target ≤ {1.5 * scale:.0f}×)")
        ok = ok and growth <= 1.5 * scale
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
