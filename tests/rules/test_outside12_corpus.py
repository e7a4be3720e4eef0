"""The twelfth outside probe (tests/rules/corpus/outside12.py), written and labelled without reading the rule
engine, the rulesets or the earlier corpora's generators. Its 34 habits are what designers trained abroad, mixed
Chinese / English notes, surveyors' CASS layers and schedule-style tables leave, across the rule families
(FR-01, FR-02, FR-07, FR-12, PL-02, PL-03, PL-04, PL-05, PL-07, LP-02, LP-04, AD-01, DR-02, DR-04): English-only
titles and notes (``B1 FLOOR PLAN``, ``LEVEL -1 PLAN``, ``SPRINKLERED THROUGHOUT``, ``FIRE COMPARTMENT 1 — 480 m²``,
``HEIGHT: 53.85 M``, ``18 STOREYS``, ``SITE AREA: 1.00 ha``, a ``FIRE ACCESS ROAD`` layer); a font-coded
MTEXT basement title; ``地上18层/地下2层`` and ``建筑高度(m): 53.85`` on footprints; a site boundary on CASS ``JZX`` /
``JZD`` layers with ``X=`` / ``Y=`` survey texts, surveyed roads on ``DLSS``; two-cell indicator tables (m², 亩);
a stated 绿地率 beside the green hatch; door codes as texts and door widths only in a 门窗表; ``防雷等级：第三类`` / ``二类防雷``
(also in font-coded MTEXT) with no class parameter, a mesh note beside the drawn mesh, a drum roof of bulged
arcs; a shelter unit round its 口部, with a stated area; ``%%c`` / ``%%p`` / ``%%d`` and ``\\U+`` TEXT and
font-coded ``\\P`` MTEXT heights; ``6000mm`` and ``6.00m`` overrides.

First run (main at 8a14d59): 29 found, 5 missed, 2 false alarms over 34 habits (68 drawings), 7 wrong
drawings. The cases the engine judges right must stay right; the wrong ones are listed in OPEN exactly as
the bench reports them, each an open gap in the engine. The test fails if any case changes, so a fix
must move its entry out of OPEN."""

from __future__ import annotations

import math
from pathlib import Path

import ezdxf
from ezdxf import path as ezpath
from shapely.geometry import Polygon

from tests.rules.corpus_labels import load, twin_problems

ROOT = Path(__file__).resolve().parents[2]

# Each entry is an open gap, found by the probe and not fixed: file -> what the bench reports.
OPEN: dict[str, str] = {
    "fr07-sprinklered-throughout-ok.dxf": "missed [], false ['FR-07']",
}


def test_outside12_right_cases_stay_right_and_open_gaps_are_known(tmp_path):
    bench = load("bench_rules_habits", ROOT / "benchmarks" / "bench_rules_habits.py")
    table, wrong = bench.score(tmp_path, "outside12")
    assert len(table) == 34
    assert sum(r["found"] + r["missed"] for r in table.values()) == 34
    assert dict(wrong) == OPEN


def _single_outline_area(doc, layer: str) -> float | None:
    """The area (m²) of the one polyline on *layer* in model space."""
    polys = [e for e in doc.modelspace() if e.dxf.layer == layer and e.dxftype() == "LWPOLYLINE"]
    if len(polys) != 1:
        return None
    pts = [(v.x, v.y) for v in ezpath.make_path(polys[0]).flattening(1.0)]
    return Polygon(pts).area / 1000.0 ** 2


def test_outside12_labels_are_self_consistent(tmp_path):
    corpus = load("outside12", ROOT / "tests" / "rules" / "corpus" / "outside12.py")
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
        if layer and (area is None or not math.isclose(area, lab["measured"]["value"], rel_tol=0.005)):
            problems.append(f"{lab['file']}: the file's outline is {area} m², labelled {lab['measured']['value']}")
        for dim in doc.query("DIMENSION"):
            if doc.dimstyles.get(dim.dxf.dimstyle).dxf.dimlfac != 1.0:
                problems.append(f"{lab['file']}: dimension style {dim.dxf.dimstyle} has DIMLFAC ≠ 1")
    assert not problems, problems
    assert len(by_habit) == 34
