"""The sixth outside probe (tests/rules/corpus/outside6.py), written and labelled without reading the
rule engine, the rulesets or the earlier corpora's generators: ``%%u``, letter-spaced, MTEXT-coded,
two-line and ``\\M+5`` basement titles; ELLIPSE, CIRCLE, elevated and edge-path-hatch compartments;
an XCLIPped plan block, a 防火分区示意图 key plan, an area table on the compartment layer and an old
scheme on a frozen layer (none of which may raise anything); stair doors as exits; ``FMJ`` and
``甲FM`` door codes and 天正 door-library blocks; a compartment layer with a full-width suffix; the
height only in the notes in 米; sprinklers named in a compartment's label; storeys in Chinese
numerals, 楼号 ATTRIBs, heights in formatted MTEXT or in 米; MLINE and SPLINE lanes; a red line cut by
an arc, basements and balconies across it; site areas in 平米, ``m^2``, key and value texts or an
MTEXT with tabs; 避雷带 layers, class 3 as ``三类``, cell-by-cell meshes, donut and hatched
down-conductors, a conductor on the parapet; HFM entrances, a shaft exit, a 连通口 between units, a
gradient-hatched unit; dimensions with DIMLFAC or a bracketed word.

First run: 35 found, 13 missed, 9 false alarms over 48 habits (96 drawings). The cases the engine
judges right must stay right; the wrong ones are listed below, each an OPEN GAP in the engine (not a
labelling choice). The test fails if any of them changes, so a fix must move its entry out of OPEN."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each entry is an open gap, found by the probe and not fixed: file -> what the bench reports.
OPEN: dict[str, str] = {
    "o6-xclip-zone-clean.dxf": "missed [], false ['FR-07']",
    "o6-key-plan-thumbnail-clean.dxf": "missed [], false ['FR-08']",
    "o6-key-plan-own-layer-clean.dxf": "missed [], false ['FR-08']",
    "o6-frozen-old-scheme-clean.dxf": "missed [], false ['FR-07']",
    "o6-ad-hfm-doors-clean.dxf": "missed [], false ['AD-02']",
    "o6-dim-detail-dimlfac-clean.dxf": "missed [], false ['DR-04']",
    "o6-dim-metre-dimlfac-clean.dxf": "missed [], false ['DR-04']",
    "o6-title-letter-spaced-viol.dxf": "missed ['FR-07'], false []",
    "o6-title-mbcs-escapes-viol.dxf": "missed ['FR-07'], false []",
    "o6-key-plan-thumbnail-viol.dxf": "missed [], false ['FR-08']",
    "o6-key-plan-own-layer-viol.dxf": "missed [], false ['FR-08']",
    "o6-door-code-pinyin-grade-viol.dxf": "missed ['FR-12'], false []",
    "o6-door-code-grade-first-viol.dxf": "missed ['FR-12'], false []",
    "o6-tangent-doorlib-viol.dxf": "missed ['FR-12'], false []",
    "o6-lane-mline-viol.dxf": "missed ['FR-02'], false []",
    "o6-basement-outline-crosses-viol.dxf": "missed ['PL-02'], false []",
    "o6-balcony-layer-crosses-viol.dxf": "missed ['PL-02'], false []",
    "o6-site-area-pingmi-viol.dxf": "missed ['PL-07'], false []",
    "o6-site-area-caret-viol.dxf": "missed ['PL-07'], false []",
    "o6-site-area-mtext-tabs-viol.dxf": "missed ['PL-07'], false []",
    "o6-ad-shaft-exit-viol.dxf": "missed ['AD-02'], false []",
    "o6-ad-inter-unit-door-viol.dxf": "missed ['AD-02'], false []",
}


def test_outside6_right_cases_stay_right_and_open_gaps_are_known(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_rules_habits", ROOT / "benchmarks" / "bench_rules_habits.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table, wrong = bench.score(tmp_path, "outside6")
    assert len(table) == 48
    assert sum(r["found"] + r["missed"] for r in table.values()) == 48
    assert dict(wrong) == OPEN
