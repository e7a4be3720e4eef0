"""Drafting habits the checks must read (issue #13): fact formats, ATTRIBs and texts in blocks,
facts written on a sheet (per frame, under explicit parameters, named as sources), outline +
hatch, closed line-class polylines, exit symbols, nearly-closed outlines, block transforms,
units, 天正 fire-door semantics, layer names, binary DXF and frames in ``drawreview check``."""

from __future__ import annotations

import json
import math

import ezdxf
import pytest
from ezdxf.math import Matrix44

from drawreview.rules import load_layer_map, run_checks
from drawreview.rules.cli import check_main
from drawreview.rules.geometry import extract
from drawreview.rules.labels import parse, project_facts
from drawreview.rules.sheetcheck import check_file


def _doc(units: int = 4):
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = units
    return doc, doc.modelspace()


def _rect(x, y, w, h, k=1000.0):
    return [(x * k, y * k), ((x + w) * k, y * k), ((x + w) * k, (y + h) * k), (x * k, (y + h) * k)]


@pytest.mark.parametrize("text, key, value", [
    ("H=54.0", "height", 54.0), ("建筑高度54.0m", "height", 54.0), ("高度：54.0米", "height", 54.0),
    ("檐口高度54.0m", "height", 54.0), ("HEIGHT: 54.0m", "height", 54.0), ("建筑高度=54", "height", 54.0),
    ("18F", "storeys", 18), ("18层", "storeys", 18), ("地上18层/地下2层", "storeys", 18), ("十八层", "storeys", 18),
    ("二十一层", "storeys", 21), ("层数=18", "storeys", 18), ("18 STOREYS", "storeys", 18),
    ("耐火等级：二级", "rating", 2), ("耐火等级=一级", "rating", 1), ("FIRE RATING 3", "rating", 3),
    ("第二类防雷建筑物", "lightning_class", 2), ("建筑物防雷类别：第三类", "lightning_class", 3),
])
def test_fact_formats(text, key, value):
    assert parse([text])[key] == value


def test_fact_formats_that_are_not_facts():
    assert "storeys" not in parse(["三层平面图"]) and "height" not in parse(["净高4.5m", "层高3.0m"])
    assert parse(["地下2层"]).get("storeys") is None and parse(["地下2层"])["underground"]


def test_project_facts_written_on_a_sheet():
    facts, src = project_facts(["本工程为高层住宅，建筑高度54.0m", "设自动喷水灭火系统", "建筑物防雷类别：第二类"])
    assert facts == {"high_rise": True, "building_height_m": 54.0, "use": "residential", "sprinklers": True,
                     "lightning_class": 2}
    assert src["sprinklers"] == "设自动喷水灭火系统"
    assert project_facts(["本楼无自动喷水灭火系统"])[0]["sprinklers"] is False
    assert project_facts(["多层办公楼"])[0]["high_rise"] is False
    assert project_facts(["结构形式：框架剪力墙结构"])[0]["structure"] == "frame"
    assert project_facts(["本工程为砖混结构"])[0]["structure"] == "masonry"


def test_building_block_with_attribs_rotated_mirrored_scaled(tmp_path):
    """Footprint inside a block on layer 0, inserted mirrored, rotated 30° and scaled 2×; facts as
    ATTRIBs (tag=value) and as a TEXT inside the block."""
    doc, msp = _doc()
    blk = doc.blocks.new("BLDG")
    blk.add_lwpolyline([(0, 0), (20000, 0), (20000, 8000), (0, 8000)], close=True)
    blk.add_text("耐火等级一级", height=500, dxfattribs={"insert": (2000, 2000)})
    ins = msp.add_blockref("BLDG", (100000, 100000), dxfattribs={"layer": "总-建筑轮廓", "rotation": 30,
                                                                  "xscale": -2, "yscale": 2})
    m = ins.matrix44()
    inside = m.transform((10000, 4000, 0))
    ins.add_attrib("建筑高度", "54.0", insert=(inside.x, inside.y))
    ins.add_attrib("层数", "18", insert=(inside.x, inside.y - 1000))
    geo = extract(doc, load_layer_map(), {})
    (b,) = geo.of("building")
    assert geo.m2(b.geom.area) == pytest.approx(40 * 16, rel=1e-6)
    expected = [tuple(m.transform((x, y, 0)))[:2] for x, y in [(0, 0), (20000, 0), (20000, 8000), (0, 8000)]]
    for x, y in expected:
        assert any(math.hypot(x - px, y - py) < 1e-6 for px, py in b.geom.exterior.coords)
    assert (b.attrs["height"], b.attrs["storeys"], b.attrs["rating"], b.attrs["high_rise"]) == (54.0, 18, 1, True)


def _two_roofs(path, note2="建筑物防雷类别：第二类", fmt="asc"):
    """Two frames in one model space, each with a 60 × 40 m roof meshed 20 × 20 m and the class
    written beside it: class 3 on 电施-05 (fits), ``note2`` on 电施-06."""
    doc, msp = _doc()
    tk = doc.blocks.new("A1图框")
    tk.add_lwpolyline([(0, 0), (841, 0), (841, 594), (0, 594)], close=True)
    for i, (number, note) in enumerate((("电施-05", "本建筑为第三类防雷建筑物"), ("电施-06", note2))):
        x0 = i * 200000.0
        ins = msp.add_blockref("A1图框", (x0, 0), dxfattribs={"layer": "TK", "xscale": 200, "yscale": 200})
        ins.add_attrib("图号", number, insert=(x0 + 150000, 4000))
        ins.add_attrib("图名", "屋顶防雷平面图", insert=(x0 + 150000, 7000))
        ox, oy = x0 / 1000 + 30, 40
        msp.add_lwpolyline(_rect(ox, oy, 60, 40), close=True, dxfattribs={"layer": "屋面轮廓"})
        msp.add_lwpolyline(_rect(ox, oy, 60, 40), close=True, dxfattribs={"layer": "接闪带"})
        for gx in (20, 40):
            msp.add_line(((ox + gx) * 1000, oy * 1000), ((ox + gx) * 1000, (oy + 40) * 1000), dxfattribs={"layer": "接闪带"})
        msp.add_line((ox * 1000, (oy + 20) * 1000), ((ox + 60) * 1000, (oy + 20) * 1000), dxfattribs={"layer": "接闪带"})
        for k in range(12):  # 200 m perimeter, one every 200/12 = 16.7 m
            d = k * 200 / 12
            px, py = (d, 0) if d < 60 else (60, d - 60) if d < 100 else (160 - d, 40) if d < 160 else (0, 200 - d)
            msp.add_circle(((ox + px) * 1000, (oy + py) * 1000), 300, dxfattribs={"layer": "引下线"})
        msp.add_text(note, height=700, dxfattribs={"layer": "说明", "insert": ((ox) * 1000, 20000)})
    doc.saveas(path, fmt=fmt)
    return path


def test_sheet_facts_apply_to_their_own_frame(tmp_path):
    per_sheet = check_file(_two_roofs(tmp_path / "roofs.dxf"))
    assert [s.number for s, _ in per_sheet] == ["电施-05", "电施-06"]
    lp02 = {s.number: [f for f in r.findings if f.rule_id == "LP-02"] for s, r in per_sheet}
    assert lp02["电施-05"] == []
    (f,) = lp02["电施-06"]
    assert f.measured == "20.0×20.0" and "10×10" in f.required and "第2类" in f.message_zh
    assert f.sources["lightning_class"] == "图面文字 text on sheet:「建筑物防雷类别：第二类」"
    x0, y0, x1, y1 = per_sheet[1][0].bbox
    assert x0 <= f.bbox[0] and f.bbox[2] <= x1  # evidence on its own sheet


def test_explicit_parameter_wins_over_the_sheet(tmp_path):
    per_sheet = check_file(_two_roofs(tmp_path / "roofs.dxf"), {"lightning_class": 3})
    assert not [f for _, r in per_sheet for f in r.findings if f.rule_id in ("LP-02", "LP-04")]
    assert per_sheet[1][1].stats["facts"]["lightning_class"] == "项目参数 project parameter"


def test_cli_reads_binary_dxf_and_splits_frames(tmp_path, capsys):
    path = _two_roofs(tmp_path / "roofs-bin.dxf", fmt="bin")
    assert path.read_bytes().startswith(b"AutoCAD Binary DXF")
    assert check_main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "LP-02" in out and "[电施-06]" in out and "[电施-05]" not in out.split("LP-02")[1].split("\n")[0]
    assert "建筑物防雷类别：第二类" in out  # the source of the class
    assert check_main([str(path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["sheet"] for f in data["findings"] if f["rule_id"] == "LP-02"} == {"电施-06"}
    assert [s["sheet"] for s in data["stats"]["sheets"]] == ["电施-05", "电施-06"]


def test_outline_and_hatch_are_one_building():
    doc, msp = _doc()
    for x in (0, 60):  # two buildings 20 m apart, each drawn as outline + hatch on one layer
        pts = _rect(x, 0, 40, 16)
        msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": "总-建筑"})
        h = msp.add_hatch(dxfattribs={"layer": "总-建筑"})
        h.paths.add_polyline_path(pts, is_closed=True)
    geo = extract(doc, load_layer_map(), {})
    assert len(geo.of("building")) == 2
    assert all(len(b.handles) == 2 for b in geo.of("building"))
    assert sum(geo.m2(b.geom.area) for b in geo.of("building")) == pytest.approx(2 * 640)
    result = run_checks(doc, {}, disciplines=["fire"])
    assert not [f for f in result.findings if f.rule_id == "FR-01"]


def test_closed_polyline_on_a_line_class_keeps_its_closing_segment():
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 40, 20), close=True, dxfattribs={"layer": "屋面轮廓"})
    msp.add_lwpolyline(_rect(0, 0, 40, 20), close=True, dxfattribs={"layer": "接闪带"})
    geo = extract(doc, load_layer_map(), {})
    (ln,) = geo.of("air_termination")
    assert geo.m(ln.geom.length) == pytest.approx(120.0)
    result = run_checks(doc, {}, disciplines=["lightning"])
    assert not [f for f in result.findings if f.rule_id == "LP-03"]


def test_exit_symbols_in_any_shape_and_unusable_features_reported(tmp_path, capsys):
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 30), close=True, dxfattribs={"layer": "建-防火分区"})
    msp.add_lwpolyline([(9400, -150), (10600, -150), (10600, 150), (9400, 150)], close=True,
                       dxfattribs={"layer": "建-安全出口"})  # a small rectangle on the wall
    msp.add_circle((40000, 30000), 300, dxfattribs={"layer": "建-安全出口"})
    b = doc.blocks.new("EXIT")
    b.add_line((-300, 0), (300, 0))
    msp.add_blockref("EXIT", (50000, 15000), dxfattribs={"layer": "建-安全出口", "rotation": 90})
    msp.add_point((0, 15000), dxfattribs={"layer": "建-安全出口"})
    msp.add_line((0, 5000), (50000, 5000), dxfattribs={"layer": "建-安全出口"})  # 50 m: not a symbol
    geo = extract(doc, load_layer_map(), {})
    assert len(geo.of("exit")) == 4 and geo.unusable == {"建-安全出口": 1}
    path = tmp_path / "exits.dxf"
    doc.saveas(path)
    check_main([str(path)])
    assert "unusable features: 建-安全出口 (1)" in capsys.readouterr().out


def test_nearly_closed_outline_is_snapped():
    doc, msp = _doc()
    pts = _rect(0, 0, 40, 16) + [(300, 300)]  # open: ends 0.42 m short of its start
    msp.add_lwpolyline(pts, close=False, dxfattribs={"layer": "建筑物"})
    geo = extract(doc, load_layer_map(), {})
    (b,) = geo.of("building")
    assert geo.m2(b.geom.area) == pytest.approx(640 - 0.3 * 16 / 2, rel=1e-3)  # closed by a slanted edge


def test_arcs_and_bulges_are_flattened():
    doc, msp = _doc()
    msp.add_lwpolyline([(0, 0, 0, 0, 1.0), (20000, 0), (20000, 10000), (0, 10000)], format="xyseb", close=True,
                       dxfattribs={"layer": "建筑物"})  # a half-circle bulge under the first edge
    geo = extract(doc, load_layer_map(), {})
    (b,) = geo.of("building")
    assert geo.m2(b.geom.area) == pytest.approx(200 + math.pi * 10 ** 2 / 2, rel=5e-3)  # 5 cm chords


@pytest.mark.parametrize("units, k", [(4, 1000.0), (5, 100.0), (6, 1.0)])
def test_units_from_insunits(units, k):
    doc, msp = _doc(units)
    msp.add_lwpolyline(_rect(0, 0, 50, 50, k), close=True, dxfattribs={"layer": "人防-防护单元"})
    result = run_checks(doc, {}, disciplines=["civil_defence"])
    (f,) = [f for f in result.findings if f.rule_id == "AD-01"]
    assert f.measured == 2500.0 and f.required == 2000.0 and f.unit == "m²"


def test_door_fire_semantics():
    """天正 DOOR_FIRE: FM丙 and doors of equipment rooms / shafts are not exits; stair doors are."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 30), close=True, dxfattribs={"layer": "防火分区"})
    for i, (x, y, code, room) in enumerate([(10, 0, "FM甲1221", "楼梯间"), (40, 30, "FM乙1221", "前室"),
                                             (25, 30, "FM丙0821", ""), (50, 10, "FM甲1021", "配电间")]):
        name = f"$DorLib2D${i:08d}"
        doc.blocks.new(name).add_line((-600, 0), (600, 0))
        msp.add_blockref(name, (x * 1000, y * 1000), dxfattribs={"layer": "DOOR_FIRE"})
        msp.add_text(code, height=300, dxfattribs={"layer": "WINDOW_TEXT", "insert": (x * 1000 + 300, y * 1000 + 400)})
        if room:
            msp.add_text(room, height=500, dxfattribs={"layer": "PUB_TEXT", "insert": (x * 1000 - 1500, y * 1000 - 1500)})
    geo = extract(doc, load_layer_map(), {})
    assert sorted(f.geom.x for f in geo.of("exit")) == [10000, 40000]
    assert sorted(f.geom.x for f in geo.of("door")) == [25000, 50000]
    assert {f.attrs.get("width_m") for f in geo.of("exit")} == {1.2}


@pytest.mark.parametrize("layer, cls", [
    ("人防-出入口", "ad_entrance"), ("人防_防护单元", "ad_unit"), ("SITE$0$A-MAST-BLDG", "building"),
    ("SITE$7$A-MAST-BLDG", "building"), ("PLAN2$12$建-防火分区", "compartment"), ("xref-a|A-AREA-FIRE", "compartment"),
    ("A-SHEL-UNIT", "ad_unit"), ("A-SHEL-ENTR", "ad_entrance"), ("E-LTNG-AIRT", "air_termination"),
    ("E-LTNG-DOWN", "down_conductor"), ("E-LTNG-ROOF", "roof_outline"), ("C-SITE-METR", "weather_station"),
    ("总图-建筑物", "building"), ("电-防雷-接闪带", "air_termination"), ("A-FLOR-EXIT", "exit"), ("屋面", "roof_outline"),
    ("FHFQ", "compartment"), ("FH-FQ", "compartment"), ("fanghuofenqu", "compartment"), ("JZWLK", "building"),
    ("XFCD", "fire_lane"), ("DGCD", "hardstanding"), ("AQCK", "exit"), ("FHDY", "ad_unit"), ("YDHX", "site_boundary"),
])
def test_layer_names(layer, cls):
    assert load_layer_map().classify(layer, "LWPOLYLINE") == cls


def test_unmapped_layers_with_geometry_are_listed():
    doc, msp = _doc()
    msp.add_line((0, 0), (1000, 0), dxfattribs={"layer": "ZZ-临时"})
    msp.add_text("note", dxfattribs={"layer": "ZZ-文字临时"})
    assert run_checks(doc, {}).unmapped_layers == {"ZZ-临时": 1}


def test_every_finding_cites_clause_measured_required_and_sources(tmp_path):
    for _, result in check_file(_two_roofs(tmp_path / "roofs.dxf")):
        for f in result.findings:
            assert f.standard and f.clause and f.message_zh and f.message_en
            if f.severity == "error":
                assert f.measured is not None and f.required is not None and f.bbox
            if f.rule_id in ("LP-02", "LP-04"):
                assert "lightning_class" in f.sources


def test_matrix_check_helper_is_independent():
    """The block test's expectations come from ezdxf's own matrix, not from drawreview."""
    m = Matrix44.chain(Matrix44.scale(-2, 2, 1), Matrix44.z_rotate(math.radians(30)))
    p = m.transform((1, 0, 0))
    assert p.x == pytest.approx(-2 * math.cos(math.radians(30)))


def test_one_lightning_layer_symbols_and_linework():
    lm = load_layer_map()
    assert lm.classify("电-防雷", "INSERT", "引下线") == "down_conductor"
    assert lm.classify("电-防雷", "CIRCLE") == "down_conductor"
    assert lm.classify("E-LTNG", "LWPOLYLINE") == "air_termination"
    assert lm.classify("电-防雷-引下线", "LWPOLYLINE") == "down_conductor"  # the specific name first


def test_attrib_tags_give_name_and_numeric_rating():
    facts = parse(["名称=3#楼", "耐火等级=2", "FLOORS=18", "HEIGHT=54.0"])
    assert (facts["name"], facts["rating"], facts["storeys"], facts["height"]) == ("3#楼", 2, 18, 54.0)


@pytest.mark.parametrize("k, expected", [(1.0, 6), (1000.0, 4)])
def test_units_guessed_from_text_heights_when_insunits_is_0(k, expected):
    doc, msp = _doc(0)
    msp.add_lwpolyline(_rect(0, 0, 50, 50, k), close=True, dxfattribs={"layer": "人防-防护单元"})
    for i in range(5):
        msp.add_text("防护单元一", height=0.5 * k, dxfattribs={"insert": (10 * k, (10 + i) * k)})
    geo = extract(doc, load_layer_map(), {})
    assert geo.m2(geo.of("ad_unit")[0].geom.area) == pytest.approx(2500.0)
    assert ("millimetres" in geo.sources["units"]) == (expected == 4)
    # an explicit parameter wins over the guess
    assert extract(doc, load_layer_map(), {"default_units": 4}).unit_m == 0.001


def test_mesh_lines_drawn_short_of_the_edge_still_close_their_cells():
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 20, 20), close=True, dxfattribs={"layer": "屋面轮廓"})
    msp.add_lwpolyline(_rect(0, 0, 20, 20), close=True, dxfattribs={"layer": "接闪带"})
    msp.add_line((10000, 150), (10000, 19850), dxfattribs={"layer": "接闪带"})  # 0.15 m short at both ends
    msp.add_line((150, 10000), (19850, 10000), dxfattribs={"layer": "接闪带"})
    result = run_checks(doc, {"lightning_class": 2}, disciplines=["lightning"])
    assert not [f for f in result.findings if f.rule_id == "LP-02"]


def test_notes_table_cells_pair_key_and_value():
    doc, msp = _doc()
    for j, (key, value) in enumerate((("自动喷水灭火系统", "无"), ("防雷类别", "二类"), ("耐火等级", "一级"))):
        msp.add_text(key, height=500, dxfattribs={"insert": (0, -j * 1200)})
        msp.add_text(value, height=500, dxfattribs={"insert": (9000, -j * 1200 + 30)})
        msp.add_lwpolyline([(-200, -j * 1200 - 300), (8800, -j * 1200 - 300), (8800, -j * 1200 + 900),
                            (-200, -j * 1200 + 900)], close=True, dxfattribs={"layer": "表格"})
    geo = extract(doc, load_layer_map(), {})
    assert (geo.params["sprinklers"], geo.params["lightning_class"], geo.params["default_fire_rating"]) == (False, 2, 1)
    assert geo.sources["sprinklers"] == "图面文字 text on sheet:「自动喷水灭火系统：无」"
    assert project_facts(["自动喷水灭火系统：有"])[0]["sprinklers"] is True
    assert project_facts(["自动喷水灭火系统"])[0] == {}  # a key with no value says nothing


def test_acad_table_cells_are_texts():
    """A real ACAD_TABLE (ACadSharp's sample): its cells reach the checks as texts."""
    from tests.conftest import SHARED

    doc = ezdxf.readfile(SHARED / "drawings" / "dwg" / "acadsharp__sample_AC1032_ascii.dxf")
    texts = {t.text for t in extract(doc, load_layer_map(), {}).texts}
    assert {"Hello this is a title", "This is my content", "A2 cell"} <= texts


def test_a_building_label_is_not_a_sheet_fact_and_defaults_are_named():
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 40, 16), close=True, dxfattribs={"layer": "建筑物"})
    msp.add_text("1#楼 高层住宅 H=54.0 耐火等级一级", height=500, dxfattribs={"insert": (2000, 8000)})
    msp.add_lwpolyline(_rect(60, 0, 30, 14), close=True, dxfattribs={"layer": "建筑物"})  # no label
    geo = extract(doc, load_layer_map(), {})
    assert "default_fire_rating" not in geo.params and "high_rise" not in geo.params
    one, two = sorted(geo.of("building"), key=lambda b: b.geom.bounds[0])
    assert (one.attrs["rating"], one.attrs["high_rise"]) == (1, True)
    assert (two.attrs["rating"], two.attrs["high_rise"]) == (2, False)
    assert two.attrs["sources"]["rating"].startswith("默认值 default")
    msp.add_lwpolyline(_rect(45, 0, 10, 10), close=True, dxfattribs={"layer": "建筑物"})  # 5 m from 1#楼
    result = run_checks(doc, {}, disciplines=["fire"])
    (f,) = [f for f in result.findings if f.rule_id == "FR-01" and "1#楼" in f.message_zh]
    assert f.measured == 5.0 and f.required == 9.0  # high-rise beside a low building rated 二级 (default)
    assert any(k.endswith(".rating") and v.startswith("默认值") for k, v in f.sources.items())
    assert f.sources["1#楼.height"] == "图面文字 text on sheet:「1#楼 高层住宅 H=54.0 耐火等级一级」"


def test_basement_title_and_area_linework_that_closes_nothing():
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 30, 20), close=True, dxfattribs={"layer": "防火分区"})  # 600 m²
    msp.add_text("地下一层平面图 1:100", height=700, dxfattribs={"insert": (0, -5000)})
    msp.add_lwpolyline([(40000, 0), (50000, 0), (50000, 8000)], dxfattribs={"layer": "防火分区"})  # open
    geo = extract(doc, load_layer_map(), {})
    assert geo.params["underground"] is True and geo.unusable == {"防火分区": 1}
    result = run_checks(doc, {}, disciplines=["fire"])
    (f,) = [f for f in result.findings if f.rule_id == "FR-07"]
    assert (f.measured, f.required) == (600.0, 500.0) and "地下一层平面图" in f.sources["underground"]
    assert result.unusable_layers == {"防火分区": 1}


def test_block_units_when_the_insert_does_not_convert():
    """A footprint block defined in millimetres, placed at scale 1 in a metre drawing, is scaled
    by its units; one placed at scale 0.001 (AutoCAD baked the factor in) is not scaled twice."""
    doc, msp = _doc(6)
    blk = doc.blocks.new("BLDG-MM")
    blk.block_record.dxf.units = 4  # the BLOCK_RECORD's insertion units: millimetres
    blk.add_lwpolyline([(0, 0), (40000, 0), (40000, 16000), (0, 16000)], close=True)
    msp.add_blockref("BLDG-MM", (0, 0), dxfattribs={"layer": "建筑物"})
    msp.add_blockref("BLDG-MM", (100, 0), dxfattribs={"layer": "建筑物", "xscale": 0.001, "yscale": 0.001})
    geo = extract(doc, load_layer_map(), {})
    assert sorted(round(geo.m2(b.geom.area), 6) for b in geo.of("building")) == [640.0, 640.0]


def test_exterior_doors_are_exits_inner_doors_are_not():
    """天正: an ordinary door ($DorLib on WINDOW) in the outer wall leads outside — an exit; the
    same door between two compartments or inside one is not."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 40, 30), close=True, dxfattribs={"layer": "防火分区"})
    msp.add_lwpolyline(_rect(40, 0, 40, 30), close=True, dxfattribs={"layer": "防火分区"})
    doc.blocks.new("$DorLib2D$00000001").add_line((-600, 0), (600, 0))
    for x, y in ((10, 0), (40, 15), (20, 15)):  # outer wall, shared wall, inside
        msp.add_blockref("$DorLib2D$00000001", (x * 1000, y * 1000), dxfattribs={"layer": "WINDOW"})
    msp.add_blockref("$DorLib2D$00000001", (60000, 30000), dxfattribs={"layer": "WINDOW"})
    msp.add_text("配电间", height=500, dxfattribs={"insert": (59000, 28500)})  # outer wall, equipment room
    geo = extract(doc, load_layer_map(), {})
    assert [(f.geom.x, f.geom.y) for f in geo.of("exit")] == [(10000.0, 0.0)]
    assert len(geo.of("door")) == 3


def test_symbols_named_for_what_they_are_count_on_any_layer():
    lm = load_layer_map()
    assert lm.classify("标注", "INSERT", "安全出口") == "exit"
    assert lm.classify("0", "INSERT", "EXIT") == "exit"
    assert lm.classify("E-LTNG", "INSERT", "引下线") == "down_conductor"
    assert lm.classify("A-DOOR", "INSERT", "M1021") == "door"
    assert lm.classify("标注", "LWPOLYLINE") == "dimension"


def test_sliding_and_rolling_doors_in_the_outer_wall_are_not_exits():
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 40, 30), close=True, dxfattribs={"layer": "防火分区"})
    for x, name in ((10, "M1521"), (20, "TLM2421"), (30, "JM3030")):
        doc.blocks.new(name).add_line((-600, 0), (600, 0))
        msp.add_blockref(name, (x * 1000, 0), dxfattribs={"layer": "A-DOOR"})
    geo = extract(doc, load_layer_map(), {})
    assert [f.block for f in geo.of("exit")] == ["M1521"]


def test_entrance_drawn_as_an_open_passage_counts_once():
    """A civil-defence entrance drawn as an open U of three LINEs against the unit wall is one
    entrance (not unusable, not three)."""
    doc, msp = _doc()
    msp.add_lwpolyline(_rect(0, 0, 50, 40), close=True, dxfattribs={"layer": "人防-防护单元"})
    msp.add_lwpolyline(_rect(-8, 5, 8, 3), close=True, dxfattribs={"layer": "人防-出入口"})  # closed
    for a, b in (((50, 30), (58, 30)), ((58, 30), (58, 33)), ((58, 33), (50, 33))):  # open U
        msp.add_line((a[0] * 1000, a[1] * 1000), (b[0] * 1000, b[1] * 1000), dxfattribs={"layer": "人防-出入口"})
    geo = extract(doc, load_layer_map(), {})
    assert len(geo.of("ad_entrance")) == 2 and geo.unusable == {}
    result = run_checks(doc, {}, disciplines=["civil_defence"])
    assert not [f for f in result.findings if f.rule_id == "AD-02"]
