"""Rule-check accuracy on the labelled corpus (tests/rules/corpus/, made by its own generator).

Usage: python benchmarks/bench_rules_accuracy.py [--corpus DIR] [--show-misses]

Each drawing is checked as ``drawreview check`` checks it (``rules.sheetcheck.check_file``:
the pipeline's loader and sheet splitter, one run per title-block frame). A prediction is an
error-severity finding of a rule family the drawing is labelled for (``FR-08B`` belongs to
family ``FR-08``), placed on the sheet whose frame holds the finding's evidence. A seeded
violation is found when its family is predicted on its sheet; any other prediction is false.

Recall = found / seeded; precision = true predictions / all predictions; per discipline (of
the family), per drafting convention and overall. Goal (issue #13): recall ≥ 0.95 and
precision ≥ 0.90 on every convention.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drawreview.rules.sheetcheck import check_file  # noqa: E402

CORPUS = ROOT / "tests" / "rules" / "corpus"
DISCIPLINE = {"PL": "planning", "FR": "fire", "AD": "civil_defence", "LP": "lightning", "MT": "meteorology"}
GOAL = {"recall": 0.95, "precision": 0.90}


def family(rule_id: str) -> str:
    m = re.match(r"[A-Z]+-\d+", rule_id)
    return m.group(0) if m else rule_id


def _sheet_of(bbox, sheets: list[dict]) -> str | None:
    if len(sheets) == 1:
        return sheets[0]["number"]
    if not bbox:
        return None
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    for s in sheets:
        x0, y0, x1, y1 = s["bbox"]
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            return s["number"]
    return None


def predictions(label: dict, corpus: Path) -> tuple[set, list]:
    """{(family, sheet)} predicted for one labelled drawing, and the findings behind them."""
    wanted = set(label["families"])
    got, why = set(), []
    for spec, result in check_file(corpus / label["file"], label.get("params") or {}):
        for f in result.findings:
            fam = family(f.rule_id)
            if f.severity != "error" or fam not in wanted:
                continue
            sheet = _sheet_of(f.bbox, label["sheets"])
            if spec is not None and spec.bbox and f.bbox and len(label["sheets"]) > 1:
                # the finding's evidence must lie on the sheet it was checked for
                own = _sheet_of(spec.bbox, label["sheets"])
                sheet = sheet if sheet == own else f"{sheet} (checked on {own})"
            got.add((fam, sheet))
            why.append((fam, sheet, f.rule_id, f.message_en))
    return got, why


def evaluate(corpus: Path = CORPUS) -> dict:
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    tally = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    misses = []
    for label in labels:
        seeded = {(label["violation"]["family"], label["violation"]["sheet"])} if label["violation"] else set()
        got, why = predictions(label, corpus)
        for fam, sheet in got | seeded:
            kind = "tp" if (fam, sheet) in got and (fam, sheet) in seeded else "fp" if (fam, sheet) in got else "fn"
            for key in ("overall", f"convention:{label['convention']}", f"discipline:{DISCIPLINE[fam[:2]]}"):
                tally[key][kind] += 1
            if kind != "tp":
                misses.append({"file": label["file"], "kind": kind, "family": fam, "sheet": sheet,
                               "findings": [w for w in why if w[0] == fam]})
    rows = {}
    for key, t in tally.items():
        rec = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0
        pre = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0
        rows[key] = {**t, "recall": rec, "precision": pre}
    return {"drawings": len(labels), "clean": sum(1 for lab in labels if lab["clean"]),
            "rows": rows, "misses": misses}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    t0 = time.process_time()
    res = evaluate(args.corpus)
    print(f"{res['drawings']} drawings ({res['clean']} clean), {time.process_time() - t0:.1f} s CPU")
    print(f"{'group':34} {'TP':>4} {'FP':>4} {'FN':>4} {'recall':>7} {'precision':>9}  goal")
    ok = True
    for key in sorted(res["rows"], key=lambda k: (k != "overall", k)):
        r = res["rows"][key]
        good = r["recall"] >= GOAL["recall"] and r["precision"] >= GOAL["precision"]
        ok &= good
        print(f"{key:34} {r['tp']:4} {r['fp']:4} {r['fn']:4} {r['recall']:7.3f} {r['precision']:9.3f}  "
              f"{'met' if good else 'MISSED'}")
    if args.show_misses:
        for m in res["misses"]:
            print(m)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
