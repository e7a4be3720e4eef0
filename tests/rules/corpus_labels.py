"""What the outside probes' label tests share (test_outside8_corpus.py, test_outside9_corpus.py):
loading a module by its path, and the checks that a generated corpus's labels agree with
themselves — one clean and one violating twin per habit, of one rule family, the same
parameters, each measured quantity on its side of the threshold and well clear of it."""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from pathlib import Path


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def wrong_side(m: dict, violating: bool, counts_on_limit: bool = False) -> list[str]:
    """Why the measured quantity is on the wrong side of its threshold (or within 5 % of it), if
    it is. ``counts_on_limit``: a count (exits, cells) may sit on its limit."""
    value, limit, sense = m["value"], m["limit"], m["sense"]
    if sense == "max":
        bad = value > limit
    elif sense == "min":
        bad = value < limit
    elif sense == "abs":
        bad = abs(value) > limit
    elif sense == "in":
        bad = value not in limit
    elif sense == "set":
        bad = not value
    else:
        return [f"unknown sense {sense}"]
    why = [] if bad == violating else [f"{value} vs {limit} ({sense})"]
    counted = counts_on_limit and isinstance(value, int) and isinstance(limit, int)
    if sense in ("max", "min") and limit and not counted:  # well clear of the threshold: at least 5 %
        if abs(value - limit) / abs(limit) < 0.05:
            why.append(f"{value} within 5 % of {limit}")
    return why


def twin_problems(labels: list[dict], out: Path, counts_on_limit: bool = False) -> tuple[dict, list[str]]:
    """The labels by habit, and what is wrong with the twins of each (files written to *out*)."""
    by_habit: dict[str, list[dict]] = defaultdict(list)
    for lab in labels:
        by_habit[lab["habit"]].append(lab)
        assert (out / lab["file"]).is_file()
    problems = []
    for habit, labs in by_habit.items():
        fams = {f for lab in labs for f in lab["families"]}
        seeded = [lab for lab in labs if lab["violation"]]
        clean = [lab for lab in labs if not lab["violation"]]
        if len(labs) != 2 or len(seeded) != 1 or len(clean) != 1 or len(fams) != 1:
            problems.append(f"{habit}: not one clean and one violating twin of one family")
            continue
        if seeded[0]["violation"] not in fams or seeded[0]["params"] != clean[0]["params"]:
            problems.append(f"{habit}: twins differ in family or parameters")
        for lab in labs:
            problems += [f"{lab['file']}: {w}"
                         for w in wrong_side(lab["measured"], bool(lab["violation"]), counts_on_limit)]
    return by_habit, problems
