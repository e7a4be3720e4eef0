"""Geometry extraction, unmapped layers, units, merges (city overrides, project parameters), demo."""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.rules import load_layer_map, load_rules, run_checks
from drawreview.rules.geometry import extract
from drawreview.demo.drawings import DEMO_PARAMS, generate_demo_set
from drawreview.samples import site_params


def test_unmapped_layers_are_reported(checked):
    result = checked("site")
    assert result.unmapped_layers == {"临时辅助线": 1}


def test_geometry_from_site_plan(drawing):
    doc = ezdxf.readfile(drawing("site"))
    geo = extract(doc, load_layer_map(), site_params())
    assert geo.unit_m == pytest.approx(0.001)
    bs = {b.attrs["name"]: b for b in geo.of("building")}
    assert set(bs) == {"1#住宅楼", "2#住宅楼", "3#商业", "4#办公楼"}
    one = bs["1#住宅楼"].attrs
    assert (one["height"], one["storeys"], one["rating"], one["high_rise"], one["residential"]) == (54.0, 18, 1, True, True)
    assert bs["3#商业"].attrs["use"] == "commercial" and bs["3#商业"].attrs["rating"] == 2
    # nearly-closed polyline snapped into a polygon; the bulged edge is flattened (area grows)
    assert geo.m2(bs["3#商业"].geom.area) == pytest.approx(1800, rel=1e-3)
    assert geo.m2(bs["4#办公楼"].geom.area) > 60 * 16 + 20
    assert len(geo.frames) == 1 and geo.frames[0].attrs["图号"] == "总图-01"


def test_block_children_on_layer_0_take_the_insert_layer(tmp_path):
    doc = ezdxf.new()
    doc.header["$INSUNITS"] = 6  # metres
    blk = doc.blocks.new("BLDG")
    blk.add_lwpolyline([(0, 0), (20, 0), (20, 10), (0, 10)], close=True)  # layer 0
    blk.add_lwpolyline([(0, 0), (5, 0), (5, 5), (0, 5)], close=True, dxfattribs={"layer": "绿化"})
    doc.modelspace().add_blockref("BLDG", (100, 0), dxfattribs={"layer": "A-MAST-ROOF"})
    doc.modelspace().add_blockref("BLDG", (200, 0), dxfattribs={"layer": "A-MAST-ROOF", "xscale": 2, "yscale": 2})
    geo = extract(doc, load_layer_map(), {})
    areas = sorted(round(geo.m2(b.geom.area)) for b in geo.of("building"))
    assert areas == [200, 800]
    assert len(geo.of("green")) == 2
    assert geo.unit_m == 1.0


def test_city_override_merges_by_rule_id():
    base = {r.id: r for r in load_rules()}
    tz = {r.id: r for r in load_rules(params={"city": "taizhou"})}
    assert base["PL-01"].params["table"][0] == [24.0, 5.0]
    assert tz["PL-01"].params["table"][0] == [24.0, 8.0]
    assert tz["LP-01"].params["thunderstorm_days"] == 45.0
    assert tz["FR-01"].params == base["FR-01"].params


def test_project_parameters_merge_and_missing_ones_skip(checked, drawing):
    rules = {r.id: r for r in load_rules(params={"plot_ratio_max": 2.0, "rules": {"FR-03": {"severity": "error"}}})}
    assert rules["PL-03"].params["max"] == 2.0 and rules["FR-03"].severity == "error"
    result = checked("site", (), {"plot_ratio_max": 1.0})
    assert [f.measured for f in result.findings if f.rule_id == "PL-03"] == [pytest.approx(1.285, abs=0.01)]
    bare = run_checks(drawing("site"), {})
    assert "missing project parameter" in bare.stats["skipped"]["PL-03"]


def test_sprinklers_double_the_compartment_area(checked):
    assert [f.rule_id for f in checked("floor", {"FR-07"}, {"sprinklers": True}).findings if f.rule_id == "FR-07"] == []


def test_city_setback_table_changes_findings(checked):
    # 7# guard house at 2 m: Taizhou (8 m for low buildings) reports the same building
    f = [f for f in checked("site", {"PL-01"}, {"city": "taizhou"}).findings if f.rule_id == "PL-01"]
    assert [x.required for x in f] == [8.0]


def test_demo_set_shows_findings(tmp_path):
    paths = generate_demo_set(tmp_path)
    names = [p.name for p in paths]
    assert names[0].startswith("总图-01") and any(n.startswith("建施-01") for n in names)
    assert any(n.startswith("防雷-01") for n in names) and any(n.startswith("人防-01") for n in names)
    found = set()
    for p in paths:
        result = run_checks(p, DEMO_PARAMS)
        assert not result.stats["errors"]
        found |= {f.rule_id for f in result.findings}
    assert {"FR-01", "FR-02", "FR-13", "LP-04", "AD-03"} <= found


def test_hatch_fast_path_matches_ezdxf_path(tmp_path):
    """Straight polyline boundaries are read directly; ezdxf.path.from_hatch stays the reference."""
    import numpy as np
    import shapely
    from ezdxf import path as ezpath

    from drawreview.rules.primitives import hatch_rings

    doc = ezdxf.new()
    msp = doc.modelspace()
    plain = msp.add_hatch()
    plain.paths.add_polyline_path([(0, 0), (10, 0), (10, 5), (0, 5)], is_closed=True)
    plain.paths.add_polyline_path([(2, 2), (3, 2), (3, 3), (2, 3)], is_closed=True)
    bulged = msp.add_hatch()
    bulged.paths.add_polyline_path([(0, 0, 0), (10, 0, 0.5), (10, 5, 0), (0, 5, 0)], is_closed=True)
    edged = msp.add_hatch()
    ep = edged.paths.add_edge_path()
    ep.add_line((0, 0), (4, 0))
    ep.add_arc((4, 2), 2, -90, 90)
    ep.add_line((4, 4), (0, 4))
    ep.add_line((0, 4), (0, 0))
    mirrored = msp.add_hatch(dxfattribs={"extrusion": (0, 0, -1)})
    mirrored.paths.add_polyline_path([(0, 0), (10, 0), (10, 5), (0, 5)], is_closed=True)
    for h in (plain, bulged, edged, mirrored):
        fast = [shapely.Polygon(c) for c in hatch_rings(h, 0.01)]
        ref = [shapely.Polygon(np.array([(v.x, v.y) for v in p.flattening(0.01)])) for p in ezpath.from_hatch(h)]
        assert len(fast) == len(ref)
        for a, b in zip(fast, ref):
            assert a.symmetric_difference(b).area < 1e-6 * max(b.area, 1.0)


def test_ratios_are_computed_per_site(tmp_path):
    """Two plots in one drawing: each site gets its own density / green ratio (local unions)."""
    from drawreview.samples.large import large_site

    path = large_site(tmp_path / "plots.dxf", 150)  # 4 plots
    result = run_checks(path, {**site_params(), "plot_ratio_max": 2.0})
    dens = [f for f in result.findings if f.rule_id == "PL-04"]
    green = [f for f in result.findings if f.rule_id == "PL-05"]
    assert result.stats["features"]["site_boundary"] == 4
    # 4 buildings of 45 × 14 m on a 150 × 120 m plot: 0.14 each; green (140×15 + 15×30) / 18000
    assert [f.measured for f in dens] == [0.14] * 4
    assert [f.measured for f in green] == [0.142] * 4
    assert len({f.bbox for f in dens}) == 4 and len({tuple(f.handles) for f in green}) == 4


def test_overlapping_site_polygons_merge_and_touching_ones_do_not():
    import shapely

    from drawreview.rules.checks.measure import overlap_groups

    geoms = [shapely.box(0, 0, 10, 10), shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10),
             shapely.box(15, 5, 30, 20), shapely.box(50, 50, 60, 60)]
    assert overlap_groups(geoms, shapely.STRtree(geoms)) == [[0, 1], [2, 3], [4]]


def test_garbage_collector_state_is_restored(drawing):
    import gc

    assert gc.isenabled()
    run_checks(drawing("roof"), {})
    assert gc.isenabled()
    gc.disable()
    try:
        run_checks(drawing("roof"), {})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_farthest_point_from_doors_is_exact():
    """FR-11's measure: the Voronoi-vertex answer equals a dense brute-force search."""
    import numpy as np
    import shapely

    from drawreview.rules.checks.fire_plan import farthest_point

    hall = shapely.Polygon([(0, 0), (40, 0), (40, 10), (20, 10), (20, 30), (0, 30)])  # an L
    doors = [shapely.Point(0, 5), shapely.Point(40, 5), shapely.Point(40, 5), shapely.Point(10, 30)]
    d, far, k = farthest_point(hall, doors)
    xs, ys = np.meshgrid(np.linspace(0, 40, 401), np.linspace(0, 30, 301))
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.covers(hall, grid)]
    nearest = np.min([shapely.distance(grid, p) for p in doors], axis=0)
    assert d == pytest.approx(nearest.max(), abs=0.11)
    assert far.distance(doors[k]) == pytest.approx(d) and d >= nearest.max() - 1e-9


def test_texts_with_cad_control_codes_are_read_as_they_are_drawn():
    # %%u / %%o toggle under- and overlining, %%c is ⌀: a reviewer sees "KITCHEN", so the
    # findings must name "KITCHEN", not "%%uKITCHEN" (as on sky__floorplan.dxf)
    doc = ezdxf.new()
    doc.header["$INSUNITS"] = 6  # metres
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (20, 0), (20, 10), (0, 10)], close=True, dxfattribs={"layer": "A-MAST-ROOF"})
    msp.add_text("%%u1#住宅楼%%u", dxfattribs={"insert": (5, 5), "height": 1})
    msp.add_text("%%c50 %%oH=24.0", dxfattribs={"insert": (5, 3), "height": 1})
    geo = extract(doc, load_layer_map(), {})
    texts = {t.text for t in geo.texts}
    assert {"1#住宅楼", "Ø50 H=24.0"} <= texts, texts
    (b,) = geo.of("building")
    assert b.attrs["name"] == "1#住宅楼" and b.attrs["height"] == 24.0


def test_real_plan_words_carry_no_control_codes_and_its_parts_are_one_house():
    """sky__floorplan.dxf underlines its room names with %%u: the checks read the rooms as
    drawn (findings had named '%%uKITCHEN'). Its house is drawn in parts that share walls; they
    were taken for buildings 0 m apart, six false violations of GB 50016 5.2.2 (a mandatory
    clause): parts wall to wall are one building."""
    from drawreview.rules import load_layer_map
    from drawreview.rules.geometry import extract
    from tests.conftest import SHARED

    doc = ezdxf.readfile(SHARED / "drawings" / "sky__floorplan.dxf")
    words = [t.text for t in extract(doc, load_layer_map(), {}).texts]
    assert "KITCHEN" in words and not [w for w in words if "%%" in w], [w for w in words if "%%" in w][:3]
    result = run_checks(doc, {}, disciplines=["fire"])
    assert not [f for f in result.findings if f.rule_id == "FR-01"], [f.message_zh for f in result.findings][:3]