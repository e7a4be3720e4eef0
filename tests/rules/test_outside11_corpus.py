"""The eleventh outside probe (tests/rules/corpus/outside11.py), written and labelled without reading the rule
engine, the rulesets or the earlier corpora's generators. Its 50 habits are carriers that BIM exports and
hurried institute drafting leave, applied across the rule families (FR-01, FR-02, FR-07, FR-12, PL-02 … PL-05,
PL-07, LP-02, LP-04, AD-01, DR-02, DR-04): the whole drawing in one GUID-named block inserted once; content at
CGCS2000 survey coordinates (40 500 000, 3 500 000) m written in millimetres; the GUID block inserted at the
survey point; outlines, footprints, red lines, lanes and shelter units as four LINEs stopping 0.4 mm short of
each corner; a 1:200 basement sheet beside a 1:100 floor sheet in one model space. Texts: basement titles
``地下贰层平面图``, ``B1~B2层平面图``, ``-1F平面图``; ``十八层平面图``; heights ``檐口高度23.95米``, ``▽+49.950``,
``H=23.950`` / ``H=49.950``; storeys ``地上１２层`` in full-width digits; ``总用地面积：10000.00m\\U+00B2`` in MTEXT;
text heights in a lines-and-texts indicator table and in the 1:200 sheet; dimension overrides with ``\\A1;``.

First run (main at 03590cd): 46 found, 4 missed, 0 false alarms over 50 habits (100 drawings), 4 wrong
drawings. The cases the engine judges right must stay right; the wrong ones are listed in OPEN exactly as
the bench reports them, each an open gap in the engine. The test fails if any case changes, so a fix
must move its entry out of OPEN. Decision 160 read the four (a financial-numeral and a range basement
title, roof levels as heights, a sheet inside one GUID block): OPEN is empty."""

from __future__ import annotations

import math
from pathlib import Path

import ezdxf
from ezdxf import path as ezpath
from shapely.geometry import Polygon

from tests.rules.corpus_labels import load, twin_problems

ROOT = Path(__file__).resolve().parents[2]

# Each entry is an open gap, found by the probe and not fixed: file -> what the bench reports.
OPEN: dict[str, str] = {}


def test_outside11_right_cases_stay_right_and_open_gaps_are_known(tmp_path):
    bench = load("bench_rules_habits", ROOT / "benchmarks" / "bench_rules_habits.py")
    table, wrong = bench.score(tmp_path, "outside11")
    assert len(table) == 50
    assert sum(r["found"] + r["missed"] for r in table.values()) == 50
    assert dict(wrong) == OPEN


def _single_outline_area(doc, layer: str) -> float | None:
    """The area (m²) of the one polyline on *layer*, in model space or in any block."""
    polys = [e for lay in [doc.modelspace(), *doc.blocks] for e in lay
             if e.dxf.layer == layer and e.dxftype() == "LWPOLYLINE"]
    if len(polys) != 1:
        return None
    pts = [(v.x, v.y) for v in ezpath.make_path(polys[0]).flattening(1.0)]
    return Polygon(pts).area / 1000.0 ** 2


def test_outside11_labels_are_self_consistent(tmp_path):
    corpus = load("outside11", ROOT / "tests" / "rules" / "corpus" / "outside11.py")
    labels = corpus.generate(tmp_path)
    by_habit, problems = twin_problems(labels, tmp_path)
    for habit, labs in by_habit.items():
        fams = {f for lab in labs for f in lab["families"]}
        if fams & {"DR-02", "DR-04", "PL-07"} and not all(lab.get("any_severity") for lab in labs):
            problems.append(f"{habit}: an info / warning family not labelled any_severity")
    for lab in labels:
        doc = ezdxf.readfile(tmp_path / lab["file"])
        if doc.header.get("$INSUNITS") != 4:
            problems.append(f"{lab['file']}: $INSUNITS is not 4")
        fam = lab["families"][0]
        layer = {"FR-07": "防火分区", "AD-01": "人防防护单元"}.get(fam)
        area = _single_outline_area(doc, layer) if layer else None
        if area is not None and not math.isclose(area, lab["measured"]["value"], rel_tol=0.005):
            problems.append(f"{lab['file']}: the file's outline is {area:.1f} m², labelled {lab['measured']['value']}")
        if "gaps" in lab["habit"] and not doc.modelspace().query("LINE"):
            problems.append(f"{lab['file']}: a LINE-loop habit without LINEs")
        for dim in doc.query("DIMENSION"):
            if doc.dimstyles.get(dim.dxf.dimstyle).dxf.dimlfac != 1.0:
                problems.append(f"{lab['file']}: dimension style {dim.dxf.dimstyle} has DIMLFAC ≠ 1")
    assert not problems, problems
    assert len(by_habit) == 50
