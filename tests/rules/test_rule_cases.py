"""Every rule: a generated drawing that passes it and one that violates it, with the measured
value and where the evidence lies (metres, drawing is in mm)."""

from __future__ import annotations

import pytest
import shapely

from drawreview.rules import load_rules

MET = {"project_category": "flammable_explosive"}

# rule → (drawing kind, seeded violations, extra params, measured, evidence point (m), tolerance (m))
CASES = {
    "PL-01": ("site", {"PL-01"}, None, 2.0, (183, 1), 4),
    "PL-01B": ("site", {"PL-01B"}, None, 180.0, (60, 131.5), 2),
    "PL-02": ("site", {"PL-02"}, None, 71.3, (188, 128), 5),
    "PL-03": ("site", {"PL-03"}, None, 1.432, (120, 80), 125),
    "PL-04": ("site", {"PL-04"}, None, 0.135, (60, 43), 1),
    "PL-05": ("site", {"PL-05"}, None, 0.25, (120, 80), 125),
    "PL-06": ("site", {"PL-06"}, None, 67.0, (60, 84.5), 31),
    "PL-07": ("site", {"PL-07"}, None, 40000.0, (300, 200), 10),
    "FR-01": ("site", {"FR-01"}, None, 4.0, (140, 72), 11),
    "FR-02": ("site", {"FR-02"}, None, 3.5, (120, 105.75), 0.1),
    "FR-02B": ("site", {"FR-02B"}, None, 3.8, (155, 28), 0.1),
    "FR-03": ("site", {"FR-03"}, None, 3.0, (160, 31.5), 31),
    "FR-04": ("site", {"FR-04"}, None, 1, (160, 128), 20),
    "FR-05": ("site", {"FR-05"}, None, 11.0, (196, 84), 0.1),
    "FR-06A": ("site", {"FR-06A"}, None, 20.0, (30, 36), 0.1),
    "FR-06B": ("site", {"FR-06B"}, None, "18.0×10.0", (32, 138), 0.1),
    "FR-06C": ("site", {"FR-06C"}, None, 11.0, (145, 141.5), 11),
    "MT-02": ("site", {"MT-02"}, None, 432.78, (-185, 75), 220),
    "DR-01": ("site", {"DR-01"}, None, "673×475", (-60, -60), 0.1),
    "DR-02": ("site", {"DR-02"}, None, 2.0, (100, -30), 5),
    "DR-03": ("site", {"DR-03"}, None, 0, None, None),
    "DR-04": ("site", {"DR-04"}, None, 65000.0, (60, 60), 10),
    "DR-03B": ("broken", (), None, 1, None, None),
    "FR-07": ("floor", {"FR-07"}, None, 1728.0, (0, 0), 0.1),
    "FR-08": ("floor", {"FR-08"}, None, 1, (18, 0), 0.1),
    "FR-08B": ("floor", {"FR-08B"}, None, 4.0, (6.4, 18), 2.5),
    "FR-09": ("floor", {"FR-09"}, None, 26.09, (55, 13), 13),
    "FR-10": ("floor_res", {"FR-10"}, None, 28.42, (18, 12), 20),
    "FR-11": ("floor", {"FR-11"}, None, 47.52, (62, 17), 0.1),
    "FR-12": ("floor", {"FR-12"}, None, 0.8, (20, 24), 0.1),
    "FR-13": ("floor", {"FR-13"}, None, 144.0, (9, 0), 0.1),
    "AD-01": ("basement", {"AD-01"}, None, 2200.0, (0, 0), 0.1),
    "AD-01B": ("basement", {"AD-01B"}, None, 550.0, (0, 0), 0.1),
    "AD-02": ("basement", {"AD-02"}, None, 1, (80, 0), 0.1),
    "AD-03": ("basement", {"AD-03"}, None, 0, (4, 0), 0.1),
    "AD-04": ("basement", {"AD-04"}, None, 10.0, (6, 35), 0.1),
    "AD-05": ("basement", {"AD-05"}, None, 0.889, (0, 0), 0.1),
    "AD-06": ("basement", {"AD-06"}, None, 30.0, (95, 5), 15),
    "LP-01": ("roof", {"LP-01"}, None, 0.145, (0, 0), 0.1),
    "LP-02": ("roof", {"LP-02"}, None, "20.0×10.0", (20, 10), 0.1),
    "LP-03": ("roof", {"LP-03"}, None, 27.0, (15, 20), 0.1),
    "LP-04": ("roof", {"LP-04"}, None, 30.0, (40, 5), 0.1),
    "LP-05": ("roof", {"LP-05"}, None, 38.9, (20, 20), 0.1),
    "MT-01": ("site", (), MET, 0, (-60, -60), 0.1),
}
# drawings that pass each rule: the clean drawing of the same kind (MT-01: a roof plan)
PASS = {rid: (("roof", MET) if rid == "MT-01" else ("site" if kind == "broken" else kind, c[2]))
        for rid, c in CASES.items() for kind in [c[0]]}


def test_every_rule_has_a_case():
    ids = {r.id for r in load_rules()}
    assert ids == set(CASES), f"missing cases: {ids - set(CASES)}; unknown: {set(CASES) - ids}"


@pytest.mark.parametrize("rid", sorted(CASES))
def test_rule_passes_clean_drawing(rid, checked):
    kind, extra = PASS[rid]
    result = checked(kind, (), extra)
    assert not result.stats["errors"], result.stats["errors"]
    assert rid in result.stats["timings"], f"{rid} did not run: {result.stats['skipped'].get(rid)}"
    assert [f.message_en for f in result.findings if f.rule_id == rid] == []


@pytest.mark.parametrize("rid", sorted(CASES))
def test_rule_catches_violation(rid, checked):
    kind, violate, extra, measured, point, tol = CASES[rid]
    result = checked(kind, violate, extra)
    assert not result.stats["errors"], result.stats["errors"]
    hits = [f for f in result.findings if f.rule_id == rid]
    assert hits, f"{rid} not reported; findings: {[f.rule_id for f in result.findings]}"
    match = [f for f in hits if f.measured == measured]
    assert match, f"{rid}: measured {[f.measured for f in hits]} != {measured}"
    f = match[0]
    assert f.clause and f.standard and f.message_zh and f.message_en and f.required is not None
    assert "{" not in f.message_zh + f.message_en, "unfilled message placeholder"
    if point is not None:
        ev = f.evidence if f.evidence is not None else shapely.box(*f.bbox)
        d_mm = ev.distance(shapely.Point(point[0] * 1000, point[1] * 1000))
        assert d_mm <= tol * 1000, f"{rid}: evidence {f.evidence_wkt} is {d_mm / 1000:.2f} m from {point}"
        assert f.bbox is not None
