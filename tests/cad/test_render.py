import pymupdf
import pytest

from drawreview.cad import tiles
from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .conftest import DRAWINGS, REAL_FILES


def _render(path, out):
    d = load_dxf(path)
    specs = split_sheets(d)
    return d, specs, render_drawing(d, specs, out)


@pytest.mark.parametrize("path", [p for p in REAL_FILES if p.suffix == ".dxf"], ids=lambda p: p.name)
def test_every_real_dxf_renders_with_ink(path, tmp_path):
    _, specs, results = _render(path, tmp_path)
    assert len(results) == len(specs) >= 1
    for res in results:
        doc = pymupdf.open(res.pdf)
        assert doc.page_count == 1
        assert doc[0].rect.width == pytest.approx(res.width, abs=0.01)
        pix = pymupdf.Pixmap(tiles.thumbnail(res.pdf, 256))
        dark = sum(1 for i in range(0, len(pix.samples), 3) if pix.samples[i] < 200)
        if any("empty part of model space" in n for n in res.notes):
            continue  # floorplan.dxf Layout1: its viewport looks at an empty corner (a true blank)
        assert dark > 20, f"{res.key} looks blank"
        tiles.forget(res.pdf)


def test_cjk_text_is_in_the_sheet_pdf(specimens, tmp_path):
    _, _, results = _render(specimens["gbk"], tmp_path)
    res = results[0]
    text = pymupdf.open(res.pdf)[0].get_text()
    assert "卧室1" in text and "面积" in text and "建施-01" in text
    hits = [t for t in res.texts if t["text"] == "卧室1"]
    assert hits
    # our search boxes agree with where MuPDF finds the glyphs
    found = pymupdf.open(res.pdf)[0].search_for("卧室1")[0]
    x0, y0, x1, y1 = hits[0]["bbox"]
    assert abs((x0 + x1) / 2 - (found.x0 + found.x1) / 2) < 3
    assert abs((y0 + y1) / 2 - (found.y0 + found.y1) / 2) < 3


def test_cjk_text_pixels_and_layer_hiding(specimens, tmp_path):
    _, _, results = _render(specimens["single"], tmp_path)
    res = results[0]
    x0, y0, x1, y1 = next(t["bbox"] for t in res.texts if t["text"].startswith("卧室"))
    info = tiles.tile_pyramid_info(res.width, res.height)
    z = info["max_zoom"] - 1
    s = info["s0"] * 2**z
    cx, cy = (x0 + x1) / 2 * s, (y0 + y1) / 2 * s
    tx, ty = int(cx // 256), int(cy // 256)

    def dark(png):
        pix = pymupdf.Pixmap(png)
        assert (pix.width, pix.height) == (256, 256)
        px, py = int(cx - tx * 256), int(cy - ty * 256)
        n = 0
        for yy in range(max(0, py - 12), min(256, py + 12)):
            for xx in range(max(0, px - 40), min(256, px + 40)):
                if sum(pix.pixel(xx, yy)) < 500:
                    n += 1
        return n

    shown = dark(tiles.render_tile(res.pdf, z, tx, ty))
    hidden = dark(tiles.render_tile(res.pdf, z, tx, ty, hidden_layers=("TEXT",)))
    assert shown > 30 and hidden < shown / 3
    layers = {lay["name"]: lay for lay in res.layers}
    assert layers["TEXT"]["count"] == 4 * 3 * 2 + 1 and layers["WALL"]["count"] == 4 * 3 * 4
    assert layers["AXIS"]["color"] == "#ff0000"


def test_map_places_drawing_points(specimens, tmp_path):
    d, specs, results = _render(specimens["attrib3"], tmp_path)
    for spec, res in zip(specs, results):
        a, e, f = res.map
        x0, y0, x1, y1 = spec.bbox
        px0, py0 = a * x0 + e, -a * y0 + f  # lower-left corner of the frame
        px1, py1 = a * x1 + e, -a * y1 + f
        assert 0 < px0 < px1 < res.width and 0 < py1 < py0 < res.height
        assert a == pytest.approx(72 / 25.4 / 100)  # the 1:100 title block gives real A1 paper
        assert res.units == "mm" and res.unit_m == 0.001
    numbers = ["建施-01", "结施-03", "总图-01"]
    for res, number in zip(results, numbers):
        text = pymupdf.open(res.pdf)[0].get_text()
        assert number in text
        assert not any(n in text for n in numbers if n != number)  # each frame only its own content


def test_layout_viewports_show_model_space(tmp_path):
    _, specs, results = _render(DRAWINGS / "ezdxf__xclip.dxf", tmp_path)
    layout = next(r for r in results if r.key == "layout:Layout1")
    doc = pymupdf.open(layout.pdf)
    assert "/M0 Do" in doc[0].read_contents().decode()
    assert doc[0].get_text().strip()  # model-space MTEXT seen through the viewports


def test_wipeout_and_xclip_are_written(tmp_path):
    _, _, results = _render(DRAWINGS / "ezdxf__wipeout_door.dxf", tmp_path)
    doc = pymupdf.open(results[0].pdf)
    forms = "".join(doc.xref_stream(x).decode("latin-1") for x in range(1, doc.xref_length())
                    if doc.xref_is_stream(x))
    assert "1 1 1 rg" in forms  # wipeout mask painted white
    _, _, results = _render(DRAWINGS / "ezdxf__xclip.dxf", tmp_path / "x")
    content = pymupdf.open(results[0].pdf)[0].read_contents().decode()
    assert content.count("h\nW n ") == 6 and content.count("Do Q") == 9  # 9 inserts, 6 of them XCLIPped


def test_linetypes_and_lineweights(specimens, tmp_path):
    _, _, results = _render(specimens["single"], tmp_path)
    doc = pymupdf.open(results[0].pdf)
    content = doc[0].read_contents().decode()
    assert "50.000000 w" in content  # WALL layer: 0.50 mm = 1.417 pt = 50 drawing units at 1:100
    assert "0.000000 w" in content  # default lineweight: hairline


def test_dashed_axis_lines(tmp_path):
    import ezdxf

    doc = ezdxf.new(setup=True)
    doc.header["$LTSCALE"] = 100
    doc.modelspace().add_line((0, 0), (10000, 0), dxfattribs={"linetype": "DASHDOT"})
    doc.modelspace().add_line((0, 1000), (10000, 1000), dxfattribs={"color": 0})
    doc.saveas(tmp_path / "dash.dxf")
    _, _, results = _render(tmp_path / "dash.dxf", tmp_path / "o")
    content = pymupdf.open(results[0].pdf)[0].read_contents().decode()
    assert "] 0 d" in content and "[254.000000 50.800000" in content


def test_cjk_font_is_embedded_as_a_subset(specimens, tmp_path):
    _, _, results = _render(specimens["gbk"], tmp_path)
    doc = pymupdf.open(results[0].pdf)
    (xref, ext, kind, name, res, enc), = doc.get_page_fonts(0)
    assert ext == "ttf" and enc == "Identity-H" and "+" in name  # embedded subset
    assert len(doc.tobytes()) < 200_000  # a subset, not the 3.5 MB face
    assert "卧室1" in doc[0].get_text()  # ToUnicode kept: search and copy still work


def test_a_sheet_without_lettering_carries_no_font(tmp_path):
    import ezdxf

    doc = ezdxf.new("R2010", units=4)
    doc.modelspace().add_lwpolyline([(0, 0), (42000, 0), (42000, 29700), (0, 29700)], close=True)
    doc.modelspace().add_line((1000, 1000), (20000, 15000))
    page, _ = _page(doc, tmp_path)
    assert page.parent.get_page_fonts(0) == []  # not the whole CJK face, deflated, on every such sheet
    assert len(page.parent.tobytes()) < 20_000
    assert page.get_drawings()  # the lines are there


# -- one feature per test: a small DXF, the rendered PDF's drawing operators / text ----------

def _page(doc, tmp_path):
    """Render the model space of *doc* (one sheet); the PDF page and the render record."""
    path = tmp_path / "feature.dxf"
    doc.saveas(path)
    d = load_dxf(path)
    specs = split_sheets(d)
    (res,) = render_drawing(d, specs, tmp_path / "out")
    return pymupdf.open(res.pdf)[0], res


def _near(rgb, want, tol=0.01):
    return rgb is not None and all(abs(a - b) <= tol for a, b in zip(rgb, want))


def _with(drawings, key, want):
    return [p for p in drawings if _near(p.get(key), want)]


def aci_rgb(n):
    from drawreview.cad.style import aci_rgb as paper_rgb  # light ACI colours darken on white paper

    return paper_rgb(n)


def _new():
    import ezdxf

    doc = ezdxf.new("R2018", units=4)
    doc.modelspace().add_line((0, 0), (10000, 7000), dxfattribs={"color": 7})  # extents
    return doc


def test_true_colour_wins_over_aci_and_layer(tmp_path):
    doc = _new()
    doc.layers.add("红层", color=1)
    msp = doc.modelspace()
    line = msp.add_line((1000, 1000), (5000, 1000), dxfattribs={"layer": "红层", "color": 5})
    line.rgb = (255, 128, 0)
    msp.add_line((1000, 2000), (5000, 2000), dxfattribs={"layer": "红层"})  # ByLayer: red
    page, _ = _page(doc, tmp_path)
    drawings = page.get_drawings()
    assert _with(drawings, "color", (1.0, 128 / 255, 0.0)), [p["color"] for p in drawings]
    assert _with(drawings, "color", (1.0, 0.0, 0.0))
    assert not _with(drawings, "color", (0.0, 0.0, 1.0))  # the ACI 5 behind the true colour is not used


def test_byblock_colour_takes_each_inserts_colour(tmp_path):
    doc = _new()
    blk = doc.blocks.new("BYBLOCK符号")
    blk.add_line((0, 0), (800, 0), dxfattribs={"color": 0})  # ByBlock
    blk.add_circle((400, 400), 300, dxfattribs={"color": 0})
    msp = doc.modelspace()
    msp.add_blockref("BYBLOCK符号", (1000, 1000), dxfattribs={"color": 3})  # green
    msp.add_blockref("BYBLOCK符号", (3000, 1000), dxfattribs={"color": 5})  # blue
    page, _ = _page(doc, tmp_path)
    drawings = page.get_drawings()
    green, blue = _with(drawings, "color", aci_rgb(3)), _with(drawings, "color", aci_rgb(5))
    assert green and blue, [p["color"] for p in drawings]
    assert min(p["rect"].x0 for p in blue) > max(p["rect"].x1 for p in green)  # blue is the right-hand one


def test_solid_hatch_solid_entity_and_pattern_hatch(tmp_path):
    doc = _new()
    msp = doc.modelspace()
    h = msp.add_hatch(color=1)
    h.paths.add_polyline_path([(1000, 1000), (3000, 1000), (3000, 3000), (1000, 3000)], is_closed=True)
    msp.add_solid([(4000, 1000), (6000, 1000), (4000, 3000), (6000, 3000)], dxfattribs={"color": 4})
    p = msp.add_hatch()
    p.set_pattern_fill("ANSI31", color=6, scale=20)
    p.paths.add_polyline_path([(7000, 1000), (9000, 1000), (9000, 3000), (7000, 3000)], is_closed=True)
    page, _ = _page(doc, tmp_path)
    drawings = page.get_drawings()
    red = _with(drawings, "fill", (1.0, 0.0, 0.0))
    cyan = _with(drawings, "fill", aci_rgb(4))  # cyan, darkened for white paper
    assert red and cyan, [(p["fill"], p["color"]) for p in drawings]
    assert red[0]["rect"].width == pytest.approx(red[0]["rect"].height, rel=0.01)  # the 2000 x 2000 square
    magenta = _with(drawings, "color", (1.0, 0.0, 1.0))
    lines = sum(1 for d in magenta for item in d["items"] if item[0] == "l")
    assert lines > 20  # the pattern's parallel lines, stroked, not filled
    assert not _with(drawings, "fill", (1.0, 0.0, 1.0))


def test_dimension_lines_arrows_and_measurement(tmp_path):
    doc = _new()
    msp = doc.modelspace()
    dim = msp.add_linear_dim(base=(1000, 3000), p1=(1000, 1000), p2=(4600, 1000),
                             dxfattribs={"color": 2}, override={"dimtxt": 250, "dimasz": 200})
    dim.render()
    page, _ = _page(doc, tmp_path)
    assert "3600" in page.get_text()
    yellow = _with(page.get_drawings(), "color", aci_rgb(2))
    assert yellow  # dimension + extension lines in the dimension's colour
    width = max(p["rect"].x1 for p in yellow) - min(p["rect"].x0 for p in yellow)
    xs = sorted(r.x0 for r in page.search_for("3600"))
    assert width > 0 and xs


def test_mtext_cjk_lines_stack_downwards(tmp_path):
    doc = _new()
    mt = doc.modelspace().add_mtext("第一行说明\\P第二行：防火分区", dxfattribs={"char_height": 300})
    mt.set_location((2000, 5000))
    page, res = _page(doc, tmp_path)
    text = page.get_text()
    assert "第一行说明" in text and "第二行：防火分区" in text
    first, second = page.search_for("第一行说明")[0], page.search_for("防火分区")[0]
    step = (second.y0 + second.y1 - first.y0 - first.y1) / 2 / res.map[0]
    assert 300 * 1.6 < step < 300 * 1.75  # the second row 5/3 of the text height below the first
    assert [t["text"] for t in res.texts] == ["第一行说明", "第二行：防火分区"]


def test_block_attributes_visible_and_invisible(tmp_path):
    doc = _new()
    blk = doc.blocks.new("房间标签")
    blk.add_circle((0, 0), 500)
    blk.add_attdef("名称", (-400, 0), dxfattribs={"height": 200})
    blk.add_attdef("编码", (-400, -300), dxfattribs={"height": 200, "flags": 1})  # invisible
    ref = doc.modelspace().add_blockref("房间标签", (3000, 3000))
    ref.add_auto_attribs({"名称": "会议室", "编码": "SECRET-42"})
    page, res = _page(doc, tmp_path)
    text = page.get_text()
    assert "会议室" in text and "SECRET-42" not in text
    hit = page.search_for("会议室")[0]
    circle = [p for p in page.get_drawings() if any(item[0] == "c" for item in p["items"])]
    assert circle and circle[0]["rect"].intersects(hit)  # the attribute sits inside its block's circle
    assert any(t["text"] == "会议室" for t in res.texts)


@pytest.mark.parametrize("path", [DRAWINGS / "dwg" / "acadsharp__sample_AC1032.dwg", DRAWINGS / "sky__floorplan.dxf"],
                         ids=lambda p: p.name)
def test_form_boxes_come_from_the_splitters_block_extents(path, tmp_path):
    """The painter's form boxes are the block extents the splitter measured (kept on the
    drawing): every sheet is the same file as when the painter measures them itself; a box put
    there is the one the sheet's form gets; the auditor changing the document drops them."""
    import re

    from drawreview.cad.dxf import audit_later
    from drawreview.cad.loader import load_drawing

    d = load_drawing(path, audit=False)
    specs = split_sheets(d)
    assert d.block_boxes  # the splitter's measurer, dimension and inserted blocks included
    reused = render_drawing(d, specs, tmp_path / "reused")
    d.block_boxes = None
    fresh = render_drawing(d, specs, tmp_path / "fresh")
    assert [open(r.pdf, "rb").read() for r in reused] == [open(r.pdf, "rb").read() for r in fresh]
    # a box on the drawing is the one used: the form of that block gets it (padded) as its /BBox
    split_sheets(d)
    name = next(n for n, box in d.block_boxes.items() if box and n.upper().startswith(("*D", "*U", "*T", "A", "B")))
    d.block_boxes[name] = (-1000.0, -1000.0, 1000.0, 1000.0, 0.0, 0.0)
    marked = render_drawing(d, specs, tmp_path / "marked")
    boxes = [m for r in marked for m in re.findall(rb"/BBox\[([^\]]*)\]", open(r.pdf, "rb").read())]
    assert any(b.split()[:2] == [b"-1101.000", b"-1101.000"] for b in boxes), boxes[:5]
    line = d.doc.modelspace().add_line((0, 0), (1, 1))
    line.dxf.__dict__["linetype"] = "NO_SUCH_LINETYPE"  # the auditor removes it: the document changes
    d.audited = False
    assert audit_later(d) >= 1 and d.block_boxes is None


def test_multilines_are_drawn_from_the_parts_the_splitter_measured(tmp_path, monkeypatch):
    """A multiline's lines are computed once: the splitter measures them and keeps them on the
    drawing, the painter draws those same parts; each sheet is the same file as when the
    painter computes them itself (ACadSharp's sample: its three MLINEs, one with a style of
    its own), the box is ezdxf's box of the MLINE, and the auditor changing the document drops them."""
    from ezdxf import bbox as ezbbox

    from drawreview.cad.dxf import audit_later
    from drawreview.cad.loader import load_drawing
    from drawreview.cad.painter import Painter

    d = load_drawing(DRAWINGS / "dwg" / "acadsharp__sample_AC1032.dwg", audit=False)
    specs = split_sheets(d)
    mlines = list(d.doc.modelspace().query("MLINE"))
    assert len(mlines) == 3 and set(d.exploded) == set(mlines)
    for m in mlines:
        assert ezbbox.extents(d.exploded[m], fast=True).extmin == ezbbox.extents([m], fast=True).extmin
        assert [p.dxftype() for p in d.exploded[m]] == [p.dxftype() for p in m.virtual_entities()]
    drawn = []
    paint = Painter.paint

    def spy(self, e, cv, in_block=False):
        drawn.append(e)
        return paint(self, e, cv, in_block)

    monkeypatch.setattr(Painter, "paint", spy)  # the real painter, watched
    reused = render_drawing(d, specs, tmp_path / "reused")
    monkeypatch.undo()
    ids = {id(e) for e in drawn}
    assert all(id(p) in ids for parts in d.exploded.values() for p in parts)
    d.exploded = None
    fresh = render_drawing(d, specs, tmp_path / "fresh")
    assert [open(r.pdf, "rb").read() for r in reused] == [open(r.pdf, "rb").read() for r in fresh]
    split_sheets(d)
    line = d.doc.modelspace().add_line((0, 0), (1, 1))
    line.dxf.__dict__["linetype"] = "NO_SUCH_LINETYPE"  # the auditor removes it: the document changes
    d.audited = False
    assert d.exploded and audit_later(d) >= 1 and d.exploded is None
