"""The second outside probe (tests/rules/corpus/outside.py, labelled without drawreview): compartments
split by dividing lines, basement titles, R12 and 天正 T3 exports, ``\\U+`` escapes, ratings and
labels as drafters write them. Every seeded violation is found and no clean family is flagged."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_outside_habit_pair_is_judged_right(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_rules_habits", ROOT / "benchmarks" / "bench_rules_habits.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table, wrong = bench.score(tmp_path, "outside")
    assert len(table) >= 20
    assert wrong == []
