"""Page boxes hold the whole drawing; frames are sheets, not any rectangle on a "Frame" layer.

Each test draws a small file with ezdxf, splits and renders it, and looks at the page a
reviewer gets: ink at the world position of each entity (through the sheet's map)."""

from __future__ import annotations

import math

import ezdxf
import numpy as np
import pymupdf
import pytest

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

ZOOM = 2


def _sheets(doc, tmp_path, name="t.dxf"):
    path = tmp_path / name
    doc.saveas(path)
    d = load_dxf(path)
    specs = split_sheets(d)
    return d, specs, render_drawing(d, specs, tmp_path / "out")


def _ink(res, x, y, r_pt=3.0) -> bool:
    """Is there ink within r_pt points of world point (x, y) on the sheet page?"""
    page = pymupdf.open(res.pdf)[0]
    a, e, f = res.map
    px, py = a * x + e, f - a * y
    if not (0 <= px <= res.width and 0 <= py <= res.height):
        return False
    clip = pymupdf.Rect(px - r_pt, py - r_pt, px + r_pt, py + r_pt)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), clip=clip, colorspace=pymupdf.csGRAY)
    return bool((np.frombuffer(pix.samples, np.uint8) < 230).any())  # hairlines render grey


def test_every_kind_of_content_is_inside_the_page(tmp_path):
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    msp.add_line((0, 0), (1000, 0))
    # an LWPOLYLINE in a mirrored OCS (extrusion -Z): its numbers say x 5000, the world says -5000
    msp.add_lwpolyline([(5000, 0), (5200, 0), (5200, 200)], dxfattribs={"extrusion": (0, 0, -1)})
    door = doc.blocks.new("DOOR")
    door.add_line((0, 0), (100, 0))
    door.add_arc((0, 0), 100, 0, 90)
    ins = msp.add_blockref("DOOR", (0, 0), dxfattribs={"rotation": 90})
    ins.dxf.insert = (3000, 3000)
    m = msp.add_blockref("DOOR", (0, -3000))  # a MINSERT array reaching far to the right
    m.dxf.column_count, m.dxf.column_spacing, m.dxf.row_count, m.dxf.row_spacing = 5, 1500, 1, 0
    msp.add_text("RIGHT-ALIGNED END", height=100, dxfattribs={"halign": 2}).set_placement(
        (1000, 1500), align=ezdxf.enums.TextEntityAlignment.RIGHT)
    h = msp.add_hatch(color=3)
    h.paths.add_polyline_path([(2000, -6000), (2600, -6000), (2600, -5400)], is_closed=True)
    msp.add_ellipse((-2000, 2000), major_axis=(800, 0), ratio=0.5)
    dim = msp.add_linear_dim(base=(0, -1000), p1=(0, -800), p2=(1000, -800))
    dim.render()
    d, specs, (res,) = _sheets(doc, tmp_path)
    (spec,) = specs
    x0, y0, x1, y1 = spec.bbox
    ref = ezdxf.bbox.extents(d.doc.modelspace())  # ezdxf's full (slow) measure: the reference
    assert x0 <= ref.extmin.x + 1 and y0 <= ref.extmin.y + 1 and x1 >= ref.extmax.x - 1 and y1 >= ref.extmax.y - 1
    assert _ink(res, -5100, 0)  # the OCS polyline, on its world side
    assert _ink(res, 4 * 1500 + 50, -3000)  # the last MINSERT column
    assert _ink(res, 2300, -5800)  # the hatch
    assert _ink(res, -2800, 2000)  # the ellipse's far end
    assert _ink(res, 3000, 3050)  # the rotated door
    assert not any("lie" in n for n in res.notes)


def test_a_space_with_only_a_hatch_is_a_sheet(tmp_path):
    doc = ezdxf.new(units=4)
    h = doc.modelspace().add_hatch(color=1)
    h.paths.add_polyline_path([(0, 0), (800, 0), (800, 600), (0, 600)], is_closed=True)
    d, specs, (res,) = _sheets(doc, tmp_path)
    assert specs[0].bbox == pytest.approx((0, 0, 800, 600))
    assert _ink(res, 400, 300)


def test_hidden_layers_do_not_widen_the_page(tmp_path):
    doc = ezdxf.new(units=4)
    doc.layers.add("OFF").off()
    doc.layers.add("FROZEN").freeze()
    msp = doc.modelspace()
    msp.add_line((0, 0), (1000, 1000))
    msp.add_line((50000, 0), (51000, 0), dxfattribs={"layer": "OFF"})
    msp.add_circle((-90000, 0), 10, dxfattribs={"layer": "FROZEN"})
    _, specs, _ = _sheets(doc, tmp_path)
    assert specs[0].bbox == pytest.approx((0, 0, 1000, 1000))


def _frame(msp, x, y, w, h, layer, number=None):
    msp.add_lwpolyline([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], close=True, dxfattribs={"layer": layer})
    if number:
        msp.add_text("图号", height=h / 120).set_placement((x + w * 0.85, y + h * 0.03))
        msp.add_text(number, height=h / 100).set_placement((x + w * 0.9, y + h * 0.03))


def test_curtain_wall_framing_is_not_a_sheet_frame(tmp_path):
    doc = ezdxf.new(units=4)
    msp = doc.modelspace()
    _frame(msp, 0, 0, 84100, 59400, "图框", "建施-01")  # A1 at 1:100
    for i in range(6):  # mullion frames of a curtain wall, inside the sheet, on "A-Glaz-Frame"
        _frame(msp, 10000 + i * 1300, 20000, 1200, 3000, "A-Glaz-Frame")
    _frame(msp, 100000, 0, 7000, 4000, "Window_FRAME")  # a lone window frame beside the sheet
    _, specs, results = _sheets(doc, tmp_path)
    assert [(s.key, s.number, s.detected) for s in specs] == [("model", "建施-01", True)]
    assert specs[0].bbox == pytest.approx((0, 0, 84100, 59400))
    # the window beside the sheet is on no sheet: the notes say so
    assert any("1 visible entity lies outside every sheet frame and is on no sheet" in n for n in results[0].notes)


def test_standard_sizes_and_frame_blocks(tmp_path):
    doc = ezdxf.new(units=4)
    msp = doc.modelspace()
    _frame(msp, 0, 0, 420 * 50, 297 * 50, "TK", "结施-02")  # A3 at 1:50
    _frame(msp, 0, 0, 400 * 50, 287 * 50, "TK")  # its inner margin line: not a second sheet
    blk = doc.blocks.new("A1-横")  # a frame block named by its size, no attributes, on a frame layer
    blk.add_lwpolyline([(0, 0), (841, 0), (841, 594), (0, 594)], close=True)
    msp.add_blockref("A1-横", (30000, 0), dxfattribs={"layer": "图框", "xscale": 100, "yscale": 100})
    msp.add_text("电施-05", height=500).set_placement((30000 + 80000, 1000))
    tb = doc.blocks.new("TITLE-EN")  # an English title block: attributes DWG NO / SHEET TITLE
    tb.add_lwpolyline([(0, 0), (1189, 0), (1189, 841), (0, 841)], close=True)
    tb.add_attdef("DWG NO.", (1100, 20), dxfattribs={"height": 5})
    tb.add_attdef("SHEET TITLE", (1000, 20), dxfattribs={"height": 5})
    ref = msp.add_blockref("TITLE-EN", (0, 100000))
    ref.add_auto_attribs({"DWG NO.": "A-101", "SHEET TITLE": "GROUND FLOOR PLAN"})
    _, specs, _ = _sheets(doc, tmp_path)
    got = sorted((s.number, s.title) for s in specs)
    assert got == [("A-101", "GROUND FLOOR PLAN"), ("电施-05", None), ("结施-02", None)]
    a3 = next(s for s in specs if s.number == "结施-02")
    assert a3.bbox == pytest.approx((0, 0, 21000, 14850))


def _layout_doc(status: int, units: int = 1, name: str = "Layout1"):
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    msp.add_circle((5000, 5000), 2000)
    msp.add_line((0, 0), (10000, 10000))
    layout = doc.layouts.new(name) if name != "Layout1" else doc.paperspace("Layout1")
    layout.page_setup(size=(420, 297) if units else (17, 11), margins=(0, 0, 0, 0), units="mm" if units else "inch")
    vp = layout.add_viewport(center=(200, 140) if units else (8, 5.5), size=(300, 200) if units else (12, 8),
                             view_center_point=(5000, 5000), view_height=12000)
    vp.dxf.status = status
    layout.add_line((10, 10), (30, 10) if units else (1, 1))
    return doc


def test_viewports_of_a_layout_that_was_not_current_are_drawn(tmp_path):
    """Status 0: a layout not current at saving; AutoCAD still shows the viewport (its "off"
    flag is not set), and so do we."""
    doc = _layout_doc(status=0)
    _, specs, results = _sheets(doc, tmp_path)
    res = next(r for r in results if r.key == "layout:Layout1")
    vp = next(v for v in doc.paperspace("Layout1").viewports() if v.dxf.id != 1)
    m = vp.get_transformation_matrix()
    p = m.transform((5000 + 2000, 5000, 0))  # the circle's right end, on paper
    assert _ink(res, p.x, p.y)
    vp.dxf.flags |= 0x20000  # turned off: not drawn
    _, _, results = _sheets(doc, tmp_path, "off.dxf")
    res = next(r for r in results if r.key == "layout:Layout1")
    assert not _ink(res, p.x, p.y)


def test_paper_units_inches_give_real_paper_size(tmp_path):
    doc = _layout_doc(status=2, units=0)
    _, specs, results = _sheets(doc, tmp_path)
    res = next(r for r in results if r.key == "layout:Layout1")
    assert res.map[0] == pytest.approx(72.0)  # one paper unit (inch) is 72 pt
    spec = next(s for s in specs if s.key == "layout:Layout1")
    assert spec.bbox[2] - spec.bbox[0] >= 17 - 1e-6  # the whole 17 x 11 in sheet


def test_layout_name_numbers_the_sheet(tmp_path):
    doc = _layout_doc(status=2, name="建施-01")
    _, specs, _ = _sheets(doc, tmp_path)
    spec = next(s for s in specs if s.key == "layout:建施-01")
    assert (spec.number, spec.discipline) == ("建施-01", "建筑")
    doc = _layout_doc(status=2, name="PLAN")
    _, specs, _ = _sheets(doc, tmp_path, "plan.dxf")
    spec = next(s for s in specs if s.key == "layout:PLAN")
    assert (spec.number, spec.title) == (None, "PLAN")


def test_minsert_rotated_box():
    from drawreview.cad.extents import insert_box

    doc = ezdxf.new()
    blk = doc.blocks.new("B")
    blk.add_line((0, 0), (10, 0))
    e = doc.modelspace().add_blockref("B", (0, 0), dxfattribs={"rotation": 90})
    e.dxf.column_count, e.dxf.column_spacing = 3, 100
    box = insert_box(e, e.dxf.__dict__, (0, 0, 10, 0, 0, 0))
    # columns run along the rotated x axis: up the y axis
    assert box == pytest.approx((0, 0, 0, 210), abs=1e-9)
    assert math.isclose(box[3], 210)


def test_pdf_sheet_number_from_corner_text_or_page_label(tmp_path):
    from drawreview.cad.pdf import load_pdf, pdf_sheets

    doc = pymupdf.open()
    font = pymupdf.Font("cjk")
    for i in range(3):
        page = doc.new_page(width=1190, height=842)
        page.draw_rect(pymupdf.Rect(20, 20, 1170, 822))
        if i == 0:  # an English title block in the lower-right corner
            tw = pymupdf.TextWriter(page.rect)
            tw.append((900, 780), "DWG NO.", font=font, fontsize=10)
            tw.append((980, 780), "A-201", font=font, fontsize=12)
            tw.append((900, 800), "TITLE: SECOND FLOOR PLAN", font=font, fontsize=10)
            tw.write_text(page)
    doc.set_page_labels([{"startpage": 1, "prefix": "S-0", "style": "D", "firstpagenum": 2}])  # (PyMuPDF writes ASCII prefixes only)
    doc.save(tmp_path / "set.pdf")
    specs = pdf_sheets(load_pdf(tmp_path / "set.pdf"))
    assert [(s.number, s.title) for s in specs] == [("A-201", "SECOND FLOOR PLAN"), ("S-02", None), ("S-03", None)]
    assert [s.discipline for s in specs[1:]] == ["结构", "结构"]


def test_exploded_frames_drawn_as_lines(tmp_path):
    """Frames exploded into four LINEs on the frame layer (common in Chinese sets) split the
    model space like frame blocks do."""
    doc = ezdxf.new(units=4)
    msp = doc.modelspace()
    for i, no in enumerate(["水施-01", "水施-02"]):
        x = i * 50000
        w, h = 42000, 29700  # A3 at 1:100
        for a, b in [((x, 0), (x + w, 0)), ((x + w, 0), (x + w, h)), ((x + w, h), (x, h)), ((x, h), (x, 0))]:
            msp.add_line(a, b, dxfattribs={"layer": "TK"})
        msp.add_text("图号", height=300).set_placement((x + 36000, 800))
        msp.add_text(no, height=400).set_placement((x + 38000, 800))
        msp.add_circle((x + 20000, 15000), 5000)
    _, specs, results = _sheets(doc, tmp_path)
    assert [(s.number, s.bbox) for s in specs] == [("水施-01", (0, 0, 42000, 29700)), ("水施-02", (50000, 0, 92000, 29700))]
    assert _ink(results[1], 50000 + 25000, 15000)  # the second sheet's circle is on the second sheet


def test_text_mirrored_by_its_extrusion_is_where_ezdxf_puts_it(tmp_path):
    doc = ezdxf.new(units=4)
    msp = doc.modelspace()
    msp.add_line((-3000, -500), (3000, 500))
    msp.add_text("MIRROR 123", height=200, dxfattribs={"extrusion": (0, 0, -1)}).set_placement((1000, 0))
    d, specs, (res,) = _sheets(doc, tmp_path)
    (box,) = [t["bbox"] for t in res.texts]
    ref = ezdxf.bbox.extents([e for e in d.doc.modelspace() if e.dxftype() == "TEXT"])
    a, e, f = res.map
    x0, x1 = (box[0] - e) / a, (box[2] - e) / a  # back to drawing units
    assert x1 <= -900 and x0 >= -3500  # left of the origin: world x = -1000 and leftwards
    assert ref.extmax.x <= -900 and abs(ref.extmax.x - x1) < 150  # ezdxf: the same place
    assert _ink(res, -1300, 100)


def test_points_by_pdmode_and_construction_lines(tmp_path):
    doc = ezdxf.new(units=4)
    doc.header["$PDMODE"], doc.header["$PDSIZE"] = 3, 200  # an X 200 across
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (5000, 0), (5000, 4000), (0, 4000)], close=True)
    msp.add_point((1000, 1000))
    msp.add_xline((2500, 2000), (1, 1))  # crosses the whole page
    msp.add_ray((0, 3000), (1, 0))  # from the left edge to the right
    _, _, (res,) = _sheets(doc, tmp_path)
    assert _ink(res, 1000 + 70, 1000 + 70, 1.5) and not _ink(res, 1000 + 70, 1000 - 150, 1.5)
    assert _ink(res, 1500, 1000, 1.5) and _ink(res, 3000, 2500, 1.5)  # the xline, both sides of its point
    assert not _ink(res, 3000, 2000, 1.5)
    assert _ink(res, 4900, 3000, 1.5)  # the ray reaches the far side


def test_solids_traces_and_faces_are_measured_as_ezdxf_measures_them():
    """SOLID, TRACE and 3DFACE boxes come from their WCS vertices instead of ezdxf's path of
    them (a dimension block's arrowheads are SOLIDs: 3 × faster): the same numbers as
    ``ezdxf.bbox`` on every one of the shared drawings and DWGs, and on triangles, points
    closer than ezdxf keeps apart, collapsed ones and a SOLID under a mirrored extrusion."""
    from drawreview.cad.extents import QUADRILATERALS, ez_box, quadrilateral_box
    from drawreview.cad.loader import load_drawing

    from .conftest import DRAWINGS

    doc = ezdxf.new("R2018")
    msp = doc.modelspace()
    msp.add_solid([(0, 0), (3, 1), (3, -1)])
    msp.add_solid([(1, 1), (5, 1), (1, 4), (5, 4)], dxfattribs={"extrusion": (0, 0, -1), "elevation": 2})
    msp.add_trace([(0, 0), (1e-13, 0), (2, 2), (2, 2 + 1e-13)])
    msp.add_solid([(7, 7), (7, 7), (7, 7 + 1e-13)])  # one point: its box
    msp.add_3dface([(0, 0, 0), (4, 0, 1), (4, 5, 2), (0, 5, 3)])
    msp.add_3dface([(0, 0, 0), (4, 0, 1), (4, 5, 2)])
    docs = [doc] + [load_drawing(p, audit=False).doc for p in sorted(DRAWINGS.glob("*.dxf"))
                    + sorted((DRAWINGS / "dwg").glob("acadsharp__sample_*.dwg"))]
    measured = 0
    for d in docs:
        for e in d.entitydb.values():
            if e.dxftype() in QUADRILATERALS:
                ref = ez_box(e)
                assert quadrilateral_box(e) == ((ref.extmin.x, ref.extmin.y, ref.extmax.x, ref.extmax.y)
                                                if ref.has_data else None), (e.dxftype(), e.dxf.handle)
                measured += 1
    assert measured > 100 and quadrilateral_box(list(msp)[3]) == (7.0, 7.0, 7.0, 7.0)
    assert quadrilateral_box(list(msp)[1]) == (-5.0, 1.0, -1.0, 4.0)  # mirrored by its extrusion
