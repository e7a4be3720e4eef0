"""The fourth outside probe (tests/rules/corpus/outside4.py, labelled without drawreview, decision
126): bulged, spline and hatch outlines, MINSERT grids, turned and metre blocks, 天正 wall pairs,
a whole T20 floor, FP- layers, basement titles in ATTRIBs, formatted MTEXT and English, 喷淋 notes,
leaders in blocks or drawn as lines, door codes, site labels in MTEXT paragraphs and stacks, lanes
by edges meeting at a T or turning with arcs and as one wide polyline, areas in 亩 and ATTRIBs.
Every pair is judged right. The probe was written before the fixes it drove (decision 126), so
this score is an upper bound on how the engine reads these habits in drawings it has not seen."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_outside4_habit_pair_is_judged_right(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_rules_habits", ROOT / "benchmarks" / "bench_rules_habits.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table, wrong = bench.score(tmp_path, "outside4")
    assert len(table) >= 30
    assert wrong == []
