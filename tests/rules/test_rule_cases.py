"""Every rule: a generated drawing that passes it and one that violates it, with the measured
value and where the evidence lies. The expected place is computed from the generators' own layout
parameters (metres; the drawings are in mm) and asserted to 0.01 m: the shortest line between the
two features at fault, the offending polygon, the strip or stretch that lacks something, the whole
site for a site ratio, the frame for a sheet-wide rule."""

from __future__ import annotations

import math

import ezdxf
import pytest
import shapely
from shapely import affinity, box

from drawreview.rules import load_rules
from drawreview.samples import basement as AD
from drawreview.samples import floor as FL
from drawreview.samples import roof as RF
from drawreview.samples import site as ST
from drawreview.samples.sheet import A1

MET = {"project_category": "flammable_explosive"}
TOL = 0.01  # m
ARC_TOL = 0.05  # m: 4#'s bulged side is flattened into chords (sagitta of a chord ≈ 0.03 m)
PARAMS = {r.id: r.params for r in load_rules()}


# --- the generators' layout as shapes (metres) ----------------------------------------------

def bldg(name: str, dy: float = 0.0):
    x0, y0, x1, y1 = ST.BUILDINGS[name]
    if name == "3#" and dy:
        return box(x0, y0 + dy, x1, y1 + dy)
    if name != "4#":
        return box(x0, y0, x1, y1)
    # 4#: the east side is an arc with bulge b over the chord c: sagitta s = b·c/2, radius (c²/4 + s²)/2s
    c = y1 - y0
    s = ST.BULGE_4 * c / 2
    rad = (c * c / 4 + s * s) / (2 * s)
    cap = shapely.Point(x1 + s - rad, (y0 + y1) / 2).buffer(rad, 2048).intersection(box(x1, y0, x1 + s, y1))
    return box(x0, y0, x1, y1).union(cap)


def frame(scale: float):
    x, y = ST.FRAME_XY
    return box(x, y, x + A1[0] * scale / 1000, y + A1[1] * scale / 1000)


def exit_door(x, y):  # the door INSERT point of a stair's exit
    return shapely.Point(x - FL.EXIT_DOOR_W / 2, y)


def room_doors(x0: float, x1: float, width: float = FL.ROOM_W):
    """Door points of the south rooms lying in x0..x1 (rooms of ``width`` from x = 0)."""
    n = round(FL.FLOOR[2] / width)
    centres = [width * k + width / 2 for k in range(n)]
    return [shapely.Point(c - FL.ROOM_DOOR_W / 2, FL.ROOM_DEPTH) for c in centres if x0 <= c <= x1]


def worst_door(doors, exits):
    """(door, nearest exit) with the longest straight distance: the evacuation distance at fault."""
    pairs = [(d, min(exits, key=d.distance)) for d in doors]
    return max(pairs, key=lambda p: p[0].distance(p[1]))


def indicator_area_text(path):
    doc = ezdxf.readfile(path)
    t = next(e for e in doc.modelspace().query("TEXT") if e.dxf.text.startswith("用地面积"))
    p = t.dxf.align_point
    return shapely.Point(p.x / 1000, p.y / 1000)


# --- expectations: f(path) -> (kind, *geometries in metres) ----------------------------------
# "exact": the evidence is this geometry (Hausdorff ≤ TOL, bbox = its bounds)
# "gap": the evidence is the shortest line between the two shapes (ends on each, length = their distance)
# "none": a file-wide finding without a place (no bbox, no evidence)

def _south_strip_of_4():
    x0, y0, _, _ = ST.BUILDINGS["4#"]
    x1 = bldg("4#").bounds[2]
    return box(x0, y0 - PARAMS["FR-04"]["reach_m"], x1, y0)


def _lp03():
    tol = PARAMS["LP-03"]["tolerance_m"]
    xs = [RF.ROOF[0], *[x for x in RF.MESH_X if x < RF.NORTH_END_LP03], RF.NORTH_END_LP03]
    y = RF.ROOF[3]
    return shapely.MultiLineString([[(a + tol, y), (b - tol, y)] for a, b in zip(xs, xs[1:])])


def _lp04():
    k = RF.DOWN_AT.index(RF.DOWN_GAP_LP04)
    a, b = RF.DOWN_AT[k - 1], RF.DOWN_AT[k + 1]
    corners = [p for p in (40, 60, 100) if a < p < b]  # the roof's corners along its perimeter
    return shapely.LineString([RF.along(p) for p in (a, *corners, b)])


def _lp05():
    d = PARAMS["LP-05"]["outside_reach_m"] + PARAMS["LP-05"]["inside_tolerance_m"]
    x0, _, x1, y1 = RF.ROOF
    return shapely.LineString([(x0 + d, y1), (x1 - d, y1)])


def _fr09():
    exits = [exit_door(*e) for e in FL.EXITS_FR09]
    door, ex = worst_door(room_doors(*FL.COMPARTMENTS[1][::2]), exits)
    return shapely.LineString([door, ex])


def _fr10():
    exits = [exit_door(*e) for e in FL.EXITS if e != (31, 18) and e[0] < FL.COMPARTMENTS[0][2]]
    door, ex = worst_door(room_doors(*FL.COMPARTMENTS[0][::2]), exits)
    return shapely.LineString([door, ex])


def _fr11():
    x0, y0, _, y1 = FL.HALL
    hall = box(x0, y0, FL.HALL_X1_FR11, y1)
    doors = [shapely.Point(x, y0) for x in FL.HALL_DOORS_FR11]
    far = max((shapely.Point(c) for c in hall.exterior.coords), key=lambda p: min(p.distance(d) for d in doors))
    return shapely.LineString([far, min(doors, key=far.distance)])


def _unit(x0, x1):
    return box(x0, AD.UNITS_Y[0], x1, AD.UNITS_Y[1])


SITE_BOX = box(*ST.SITE)
X = {
    "PL-01": lambda p: ("gap", bldg("7#"), shapely.LineString(ST.ROAD)),
    "PL-01B": lambda p: ("exact", bldg("2#").intersection(box(-1e3, ST.CONTROL_PL01B_Y1, 1e3, 1e3))),
    "PL-02": lambda p: ("arc", bldg("4#").difference(shapely.Polygon(ST.SITE_PL02))),
    "PL-03": lambda p: ("exact", SITE_BOX.boundary),
    "PL-04": lambda p: ("arc", shapely.union_all([bldg(n) for n in ("1#", "2#", "3#", "4#", "5#")])),
    "PL-05": lambda p: ("exact", SITE_BOX.boundary),
    "PL-06": lambda p: ("gap", bldg("1#"), bldg("2#")),
    "PL-07": lambda p: ("exact", indicator_area_text(p)),
    "FR-01": lambda p: ("gap", bldg("3#"), bldg("6#")),
    "FR-02": lambda p: ("exact", box(*ST.CROSS_LANE[:3], ST.CROSS_LANE_Y1_FR02)),
    "FR-02B": lambda p: ("exact", box(*ST.OVERHEAD).intersection(box(*ST.LANES[0]))),
    "FR-03": lambda p: ("gap", bldg("3#", ST.BUILDING_3_Y_FR03 - ST.BUILDINGS["3#"][1]), box(*ST.LANES[0])),
    "FR-04": lambda p: ("exact", _south_strip_of_4()),
    "FR-05": lambda p: ("exact", box(*ST.TURNING_XY, ST.TURNING_XY[0] + ST.TURNING_FR05,
                                     ST.TURNING_XY[1] + ST.TURNING_FR05).exterior),
    "FR-06A": lambda p: ("exact", bldg("1#").exterior),
    "FR-06B": lambda p: ("exact", box(*ST.PADS_FR06B["2#a"]).exterior),
    "FR-06C": lambda p: ("gap", box(*ST.PAD_4A_FR06C), bldg("4#")),
    "MT-02": lambda p: ("gap", bldg("1#"), box(ST.STATION_X_MT02 - 20, ST.STATION_Y[0], ST.STATION_X_MT02, ST.STATION_Y[1])),
    "DR-01": lambda p: ("exact", frame(ST.FRAME_SCALE_DR01).exterior),
    "DR-02": lambda p: ("exact", shapely.MultiPoint([ST.NOTE_DR02[:2]])),
    "DR-03": lambda p: ("none",),
    "DR-03B": lambda p: ("none",),
    "DR-04": lambda p: ("exact", shapely.Point((ST.DIM[0][0] + ST.DIM[1][0]) / 2, ST.DIM[2])),
    "MT-01": lambda p: ("exact", frame(500)),
    "FR-07": lambda p: ("exact", box(*FL.FLOOR).exterior),
    "FR-08": lambda p: ("exact", box(*FL.COMPARTMENTS[0]).exterior),
    "FR-08B": lambda p: ("exact", shapely.LineString([exit_door(*FL.EXITS[0]), exit_door(*FL.EXIT_FR08B)])),
    "FR-09": lambda p: ("exact", _fr09()),
    "FR-10": lambda p: ("exact", _fr10()),
    "FR-11": lambda p: ("exact", _fr11()),
    "FR-12": lambda p: ("exact", shapely.Point(FL.NARROW_DOOR_FR12[:2])),
    "FR-13": lambda p: ("exact", box(0, 0, FL.ROOM_W_FR13, FL.ROOM_DEPTH).exterior),
    "AD-01": lambda p: ("exact", _unit(AD.UNITS_X[0], AD.SPLIT_AD01).exterior),
    "AD-01B": lambda p: ("exact", box(*AD.BLAST_AD01B).exterior),
    "AD-02": lambda p: ("exact", _unit(AD.UNITS_X[1], AD.UNITS_X[2]).exterior),
    "AD-03": lambda p: ("exact", box(*AD.MAIN_ENTRANCE_AD03).union(box(*AD.ENTRANCES[0]))),
    "AD-04": lambda p: ("gap", box(*AD.MAIN_ENTRANCE).difference(_unit(*AD.UNITS_X[::2])), box(*AD.ABOVE)),
    "AD-05": lambda p: ("exact", _unit(AD.UNITS_X[0], AD.UNITS_X[1]).exterior),
    "AD-06": lambda p: ("gap", _unit(AD.UNITS_X[1], AD.UNITS_X[2]),
                        box(AD.HAZARD_X_AD06, 0, AD.HAZARD_X_AD06 + AD.HAZARD_SIZE, AD.HAZARD_SIZE)),
    "LP-01": lambda p: ("exact", box(*RF.ROOF).exterior),
    "LP-02": lambda p: ("exact", *[box(10, y, 30, y + RF.MESH_Y).exterior for y in (0, RF.MESH_Y)]),
    "LP-03": lambda p: ("exact", _lp03()),
    "LP-04": lambda p: ("exact", _lp04()),
    "LP-05": lambda p: ("exact", _lp05()),
}

# rule → (drawing kind, seeded violations, extra params, measured)
CASES = {
    "PL-01": ("site", {"PL-01"}, None, 2.0),
    "PL-01B": ("site", {"PL-01B"}, None, 180.0),
    "PL-02": ("site", {"PL-02"}, None, 71.3),
    "PL-03": ("site", {"PL-03"}, None, 1.432),
    "PL-04": ("site", {"PL-04"}, None, 0.135),
    "PL-05": ("site", {"PL-05"}, None, 0.25),
    "PL-06": ("site", {"PL-06"}, None, 67.0),
    "PL-07": ("site", {"PL-07"}, None, 40000.0),
    "FR-01": ("site", {"FR-01"}, None, 4.0),
    "FR-02": ("site", {"FR-02"}, None, 3.5),
    "FR-02B": ("site", {"FR-02B"}, None, 3.8),
    "FR-03": ("site", {"FR-03"}, None, 3.0),
    "FR-04": ("site", {"FR-04"}, None, 1),
    "FR-05": ("site", {"FR-05"}, None, 11.0),
    "FR-06A": ("site", {"FR-06A"}, None, 20.0),
    "FR-06B": ("site", {"FR-06B"}, None, "18.0×10.0"),
    "FR-06C": ("site", {"FR-06C"}, None, 11.0),
    "MT-02": ("site", {"MT-02"}, None, 432.78),
    "DR-01": ("site", {"DR-01"}, None, "673×475"),
    "DR-02": ("site", {"DR-02"}, None, 2.0),
    "DR-03": ("site", {"DR-03"}, None, 0),
    "DR-04": ("site", {"DR-04"}, None, 65000.0),
    "DR-03B": ("broken", (), None, 1),
    "FR-07": ("floor", {"FR-07"}, None, 1728.0),
    "FR-08": ("floor", {"FR-08"}, None, 1),
    "FR-08B": ("floor", {"FR-08B"}, None, 4.0),
    "FR-09": ("floor", {"FR-09"}, None, 26.09),
    "FR-10": ("floor_res", {"FR-10"}, None, 28.42),
    "FR-11": ("floor", {"FR-11"}, None, 47.52),
    "FR-12": ("floor", {"FR-12"}, None, 0.8),
    "FR-13": ("floor", {"FR-13"}, None, 144.0),
    "AD-01": ("basement", {"AD-01"}, None, 2200.0),
    "AD-01B": ("basement", {"AD-01B"}, None, 550.0),
    "AD-02": ("basement", {"AD-02"}, None, 1),
    "AD-03": ("basement", {"AD-03"}, None, 0),
    "AD-04": ("basement", {"AD-04"}, None, 10.0),
    "AD-05": ("basement", {"AD-05"}, None, 0.889),
    "AD-06": ("basement", {"AD-06"}, None, 30.0),
    "LP-01": ("roof", {"LP-01"}, None, 0.145),
    "LP-02": ("roof", {"LP-02"}, None, "20.0×10.0"),
    "LP-03": ("roof", {"LP-03"}, None, 27.0),
    "LP-04": ("roof", {"LP-04"}, None, 30.0),
    "LP-05": ("roof", {"LP-05"}, None, 38.9),
    "MT-01": ("site", (), MET, 0),
}
# drawings that pass each rule: the clean drawing of the same kind (MT-01: a roof plan)
PASS = {rid: (("roof", MET) if rid == "MT-01" else ("site" if kind == "broken" else kind, c[2]))
        for rid, c in CASES.items() for kind in [c[0]]}


def test_every_rule_has_a_case():
    ids = {r.id for r in load_rules()}
    assert ids == set(CASES) == set(X), f"missing cases: {ids - set(CASES)}; unknown: {set(CASES) - ids}"


@pytest.mark.parametrize("rid", sorted(CASES))
def test_rule_passes_clean_drawing(rid, checked):
    kind, extra = PASS[rid]
    result = checked(kind, (), extra)
    assert not result.stats["errors"], result.stats["errors"]
    assert rid in result.stats["timings"], f"{rid} did not run: {result.stats['skipped'].get(rid)}"
    assert [f.message_en for f in result.findings if f.rule_id == rid] == []


def _m(geom):
    return affinity.scale(geom, 0.001, 0.001, origin=(0, 0))


def _bbox_is(f, bounds, tol) -> str | None:
    got = [v / 1000 for v in f.bbox]
    if max(abs(a - b) for a, b in zip(got, bounds)) > tol:
        return f"bbox {[round(v, 3) for v in got]} != {[round(v, 3) for v in bounds]}"
    return None


def _misplaced(f, expect: tuple) -> str | None:
    """Why the finding's evidence is not where the expectation says (None: it is)."""
    kind, *shapes = expect
    if kind == "none":
        return None if f.bbox is None and f.evidence_wkt is None else f"expected no place, got {f.bbox}"
    if f.evidence_wkt is None or f.bbox is None:
        return "no evidence geometry"
    ev = _m(f.evidence)
    if kind == "gap":
        a, b = shapes
        ends = shapely.get_coordinates(ev)
        if ev.geom_type != "LineString" or len(ends) != 2:
            return f"evidence {ev.wkt} is not a line between two features"
        p, q = shapely.Point(ends[0]), shapely.Point(ends[1])
        if not ((p.distance(a) <= TOL and q.distance(b) <= TOL) or (p.distance(b) <= TOL and q.distance(a) <= TOL)):
            return f"evidence {ev.wkt} does not join the two features"
        if abs(ev.length - a.distance(b)) > TOL:
            return f"evidence length {ev.length:.3f} != gap {a.distance(b):.3f}"
        return _bbox_is(f, ev.bounds, TOL)
    tol = ARC_TOL if kind == "arc" else TOL
    errors = []
    for want in shapes:  # one of the candidates (LP-02: two equal cells)
        d = shapely.hausdorff_distance(ev, want, densify=0.05)
        if d <= tol and not _bbox_is(f, want.bounds, tol):
            return None
        errors.append(f"evidence {shapely.to_wkt(ev, rounding_precision=2)[:200]} is {d:.3f} m from "
                      f"{shapely.to_wkt(want, rounding_precision=2)[:200]}")
    return "; ".join(errors)


@pytest.mark.parametrize("rid", sorted(CASES))
def test_rule_catches_violation(rid, checked, drawing):
    kind, violate, extra, measured = CASES[rid]
    result = checked(kind, violate, extra)
    assert not result.stats["errors"], result.stats["errors"]
    hits = [f for f in result.findings if f.rule_id == rid]
    assert hits, f"{rid} not reported; findings: {[f.rule_id for f in result.findings]}"
    match = [f for f in hits if f.measured == measured]
    assert match, f"{rid}: measured {[f.measured for f in hits]} != {measured}"
    for f in match:
        assert f.clause and f.standard and f.message_zh and f.message_en and f.required is not None
        assert "{" not in f.message_zh + f.message_en, "unfilled message placeholder"
    expect = X[rid](drawing(kind, violate))
    why = [_misplaced(f, expect) for f in match]
    assert None in why, f"{rid}: no finding measuring {measured} lies where expected: {why}"
    if expect[0] == "gap":  # the shortest line is the measured distance itself
        f = match[why.index(None)]
        assert math.isclose(_m(f.evidence).length, float(measured), abs_tol=0.01)
