import ezdxf
import pytest

from drawreview.cad import titleblock
from drawreview.cad.dxf import load_dxf
from drawreview.cad.sheets import robust_extents, split_sheets

from .conftest import DRAWINGS, REAL_FILES


def test_attrib_frames_side_by_side(specimens):
    specs = split_sheets(load_dxf(specimens["attrib3"]))
    assert [s.key for s in specs] == ["model", "model#2", "model#3"]
    assert [s.number for s in specs] == ["建施-01", "结施-03", "总图-01"]
    assert [s.title for s in specs] == ["一层平面图", "基础平面图", "总平面图"]
    assert [s.discipline for s in specs] == ["建筑", "建筑", "建筑"]  # 专业 attribute wins
    assert all(s.detected and s.scale == "1:100" for s in specs)
    xs = [s.bbox[0] for s in specs]
    assert xs == sorted(xs)
    assert specs[0].bbox[2] - specs[0].bbox[0] == pytest.approx(84100)


def test_text_label_frames(specimens):
    specs = split_sheets(load_dxf(specimens["text2"]))
    assert [(s.key, s.number, s.title) for s in specs] == [
        ("model", "人防-02", "人防平面图"), ("model#2", "防雷-01", "屋面防雷平面图")]


def test_frame_rows_ordered_top_to_bottom(tmp_path):
    doc = ezdxf.new()
    msp = doc.modelspace()
    for (x, y), no in [((0, 0), "结施-02"), ((1000, 0), "结施-03"), ((0, 800), "结施-01")]:
        msp.add_lwpolyline([(x, y), (x + 840, y), (x + 840, y + 594), (x, y + 594)], close=True,
                           dxfattribs={"layer": "图框"})
        msp.add_text("图号", height=5).set_placement((x + 700, y + 20))
        msp.add_text(no, height=6).set_placement((x + 730, y + 20))
    doc.saveas(tmp_path / "rows.dxf")
    specs = split_sheets(load_dxf(tmp_path / "rows.dxf"))
    assert [s.number for s in specs] == ["结施-01", "结施-02", "结施-03"]
    assert [s.discipline for s in specs] == ["结构"] * 3


@pytest.mark.parametrize("number, discipline", [
    ("建施-01", "建筑"), ("结施-03", "结构"), ("总图-01", "总图"), ("人防-02", "人防"), ("防雷-01", "防雷"),
    ("水施-12", "给排水"), ("暖施-02", "暖通"), ("电施-05", "电气"), ("DR-01", None)])
def test_discipline_from_number(number, discipline):
    assert titleblock.looks_like_number(number)
    assert titleblock.discipline_of(number) == discipline


def test_title_reader_forms():
    got = titleblock.read([("SHEET_NO", "结施-03"), ("TITLE", "基础平面图")], [])
    assert (got["number"], got["title"], got["discipline"]) == ("结施-03", "基础平面图", "结构")
    got = titleblock.read([], [("图号：建施-07", 0, 0, 3), ("图 名", 0, 10, 3), ("三层平面图", 20, 10, 4)])
    assert (got["number"], got["title"]) == ("建施-07", "三层平面图")
    got = titleblock.read([], [("图名", 0, 10, 3), ("屋顶平面图", 0, 4, 4), ("总图-02", 50, 0, 3)])
    assert (got["number"], got["title"]) == ("总图-02", "屋顶平面图")


def test_layouts_with_content_become_sheets():
    keys = [s.key for s in split_sheets(load_dxf(DRAWINGS / "ezdxf__xclip.dxf"))]
    assert keys == ["model", "layout:Layout1", "layout:Layout2"]
    keys = [s.key for s in split_sheets(load_dxf(DRAWINGS / "ezdxf__wipeout_door.dxf"))]
    assert keys == ["model"]  # empty layouts are not sheets


@pytest.mark.parametrize("path", [p for p in REAL_FILES if p.suffix == ".dxf"], ids=lambda p: p.name)
def test_extents_match_ezdxf_reference(path):
    """Our cheap extents agree with ezdxf.bbox (the reference) for frameless drawings."""
    d = load_dxf(path)
    spec = split_sheets(d)[0]
    ref = ezdxf.bbox.extents(d.doc.modelspace(), fast=True)
    w = max(ref.size.x, ref.size.y)
    x0, y0, x1, y1 = spec.bbox
    assert x0 >= ref.extmin.x - 0.05 * w and x1 <= ref.extmax.x + 0.05 * w
    assert y0 >= ref.extmin.y - 0.05 * w and y1 <= ref.extmax.y + 0.05 * w
    assert (x1 - x0) >= 0.5 * ref.size.x and (y1 - y0) >= 0.5 * ref.size.y


def test_robust_extents_ignores_strays():
    pts = [(x, x % 7) for x in range(100)] + [(1e12, 5), (float("nan"), 1)]
    assert robust_extents(pts) == (0.0, 0.0, 99.0, 6.0)


def test_exploded_title_block_keeps_the_frame_around_it(tmp_path):
    """A sheet template whose title-block lettering is exploded into thousands of short LINE
    strokes (LibreCAD's GOST sheets: 4,053 LINEs, the frame eight of them, on layer 0, no
    TEXT) spans the whole frame: its sides are joined to the strokes, not strays."""
    doc = ezdxf.new()
    msp = doc.modelspace()
    for x0, y0, x1, y1 in ((0, 0, 420, 297), (20, 5, 415, 292)):  # sheet edge, inner border
        for a, b in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
            msp.add_line(a, b)
    for i in range(2000):  # the strokes of the letters of a 185 × 55 title block
        x, y = 230 + (i * 7.3) % 184, 5 + (i * 3.1) % 54
        msp.add_line((x, y), (x + 0.8, y + 1.6))
    path = tmp_path / "a3_gost.dxf"
    doc.saveas(path)
    [spec] = split_sheets(load_dxf(path))
    assert spec.bbox == pytest.approx((0, 0, 420, 297))
    assert not any("far away" in n for n in spec.notes)


def test_robust_extents_measures_boxes_as_what_they_cover():
    strokes = [(x / 10, 0.0, x / 10 + 1, 2.0) for x in range(2000)]
    sides = [(0.0, 0.0, 0.0, 300.0), (0.0, 300.0, 200.0, 300.0)]  # joined to the strokes
    stray = [(5e6, 5e6, 5e6 + 1, 5e6 + 1)]  # joined to nothing
    damaged = [(10.0, 1.0, 9e9, 1.0)]  # a line to a damaged far point: its near end counts
    assert robust_extents(strokes + sides + stray + damaged) == (0.0, 0.0, 200.9, 300.0)


def test_title_block_mtext_with_nonbreaking_spaces(tmp_path):
    """A title block's MTEXT written with ``\\~`` between its words (LibreCAD) titles the sheet
    with spaces, not with the code."""
    doc = ezdxf.new()
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (420, 0), (420, 297), (0, 297)], close=True, dxfattribs={"layer": "border"})
    msp.add_mtext("图名", dxfattribs={"insert": (300, 30), "char_height": 3})
    msp.add_mtext("一层\\~平面图", dxfattribs={"insert": (330, 30), "char_height": 5})
    msp.add_mtext("图号", dxfattribs={"insert": (300, 15), "char_height": 3})
    msp.add_mtext("建施-01", dxfattribs={"insert": (330, 15), "char_height": 5})
    doc.saveas(tmp_path / "nbsp_title.dxf")
    [spec] = split_sheets(load_dxf(tmp_path / "nbsp_title.dxf"))
    assert spec.detected and spec.number == "建施-01"
    assert spec.title == "一层 平面图"


def _frame_lines(msp, x0, y0, x1, y1, layer, noise=0.0):
    """A rectangle as four LINEs, each corner written a little differently at the two lines that
    meet there (LibreCAD: 10.000000000000002 on one, 9.999999999999945 on the other)."""
    e = noise
    msp.add_line((x0, y1), (x0, y0 + e), dxfattribs={"layer": layer})
    msp.add_line((x0, y0 + e), (x1, y0 - 2.5 * e), dxfattribs={"layer": layer})
    msp.add_line((x1 - e, y0 - 2.5 * e), (x1, y1 - e), dxfattribs={"layer": layer})
    msp.add_line((x1, y1 - e), (x0, y1), dxfattribs={"layer": layer})


def test_exploded_frames_with_rounding_noise_are_frames(tmp_path):
    """Exploded frames whose corners differ in the last digits at the two lines meeting there
    are frames: two of them side by side make two sheets, not one."""
    doc = ezdxf.new()
    msp = doc.modelspace()
    for x, no in ((0, "建施-01"), (700, "建施-02")):
        _frame_lines(msp, x, 10.000000000000002, x + 594, 420, "图框", noise=5.7e-14)
        msp.add_text("图号", height=5).set_placement((x + 480, 20))
        msp.add_text(no, height=6).set_placement((x + 520, 20))
        msp.add_circle((x + 300, 200), 80)
    doc.saveas(tmp_path / "noisy.dxf")
    specs = split_sheets(load_dxf(tmp_path / "noisy.dxf"))
    assert [s.number for s in specs] == ["建施-01", "建施-02"]
    assert specs[0].bbox == pytest.approx((0, 10, 594, 420))


def test_sheet_edge_drawn_as_lines_on_any_layer(tmp_path):
    """A sheet's trimmed edge drawn as four LINEs on a layer with no frame name (LibreCAD's A3
    template: layer "help-lines", the inner border on "border", zone numbers between the two)
    is the sheet, at a standard size with a title block in its corner: the zone numbers are on it."""
    doc = ezdxf.new()
    msp = doc.modelspace()
    _frame_lines(msp, 0, 0, 420, 297, "help-lines")
    _frame_lines(msp, 20, 10, 410, 287, "border", noise=5.7e-14)
    for i, x in enumerate((72, 177, 278, 363)):  # zone numbers between the edge and the border
        msp.add_text(str(i + 1), height=3).set_placement((x, 292))
        msp.add_text(str(i + 1), height=3).set_placement((x, 4))
    msp.add_text("TITLE", height=2.5).set_placement((330, 40))
    msp.add_text("SHEET", height=2.5).set_placement((380, 15))
    doc.saveas(tmp_path / "a3_iso.dxf")
    [spec] = split_sheets(load_dxf(tmp_path / "a3_iso.dxf"))
    assert spec.detected
    assert spec.bbox == pytest.approx((0, 0, 420, 297))
    assert not spec.notes


@pytest.mark.parametrize("number", [None, "S-03"])
def test_a_revision_rows_entry_is_not_the_sheet_number(number, tmp_path):
    """LibreCAD's A3 sheet: the revision table's row ``A1 | initial design | 01/01/01 | DDil``
    (A1: the zone of the change) was the only number-like lettering in the title block's
    corner, so the sheet was numbered A1. An unlabelled number-like text in a row holding a
    date is that row's entry; a number elsewhere in the corner is still read."""
    doc = ezdxf.new()
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (420, 0), (420, 297), (0, 297)], close=True, dxfattribs={"layer": "border"})
    for text, x, y in (("A1", 223, 25), ("initial design", 232, 25), ("01/01/01", 257, 25), ("DDil", 271, 25),
                       ("loc", 223, 20), ("change", 236, 20), ("date", 258, 20), ("name", 270, 20),
                       ("DD00NN", 368, 30), ("part number", 322, 25), ("scale 1 : 1", 322, 60)):
        msp.add_mtext(text, dxfattribs={"insert": (x, y), "char_height": 2.5, "attachment_point": 7})
    if number:
        msp.add_mtext(number, dxfattribs={"insert": (380, 12), "char_height": 5, "attachment_point": 7})
    doc.saveas(tmp_path / "revisions.dxf")
    [spec] = split_sheets(load_dxf(tmp_path / "revisions.dxf"))
    assert spec.detected and spec.number == number
    got = titleblock.read([], [("A-1", 0, 20, 3), ("2024-03-01", 40, 20, 3), ("A-2", 0, 10, 3)])
    assert got["number"] == "A-2"


def test_a_gost_title_block_makes_the_sheet_a_frame(tmp_path):
    """LibreCAD's GOST sheets (A1–A4 ``_1_draw``): the sheet edge as four LINEs on layer 0, and
    the title block's labels in Russian (Масштаб, Обозначение, Наименование). Unread, the edge
    was no frame, and the labels' 100-unit MTEXT columns widened the page to 524 × 350."""
    doc = ezdxf.new()
    msp = doc.modelspace()
    _frame_lines(msp, 0, 0, 420, 297, "0")
    for text, x, y in (("Масштаб", 398, 42), ("1:1", 404, 31), ("Обозначение", 300, 42), ("АБВГ.123456.001", 300, 31),
                       ("Лист", 367, 21)):
        msp.add_mtext(text, dxfattribs={"insert": (x, y), "char_height": 2.5, "width": 100, "attachment_point": 7})
    doc.saveas(tmp_path / "gost.dxf")
    [spec] = split_sheets(load_dxf(tmp_path / "gost.dxf"))
    assert spec.detected and spec.bbox == pytest.approx((0, 0, 420, 297))
    assert (spec.scale, spec.number) == ("1:1", "АБВГ.123456.001")


def test_a_label_and_its_value_in_one_lettering_are_read_only_when_the_value_fits():
    got = titleblock.read([], [("图号 建施-07", 0, 0, 3), ("图名 三层平面图", 0, 10, 3), ("比例 1:100", 0, 20, 3)])
    assert (got["number"], got["title"], got["scale"]) == ("建施-07", "三层平面图", "1:100")
    # a sheet count, a scale bar's name and a word that merely starts like a label are no fields
    got = titleblock.read([], [("SHEET 1 OF 5", 0, 0, 3), ("SCALEBAR 1:100", 0, 10, 3), ("编号说明", 0, 20, 3)])
    assert (got["number"], got["scale"]) == (None, None)
