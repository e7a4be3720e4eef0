"""The drafting-habit drawings (tests/rules/corpus/habits.py, labelled without drawreview): every
seeded violation is found and no clean family is flagged."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_habit_pair_is_judged_right(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_rules_habits", ROOT / "benchmarks" / "bench_rules_habits.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table, wrong = bench.score(tmp_path)
    assert len(table) >= 25
    assert wrong == []
