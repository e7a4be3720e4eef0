"""The beyond-page flag of layers hidden by default (docs/decisions/128, 131) against MuPDF.

The sheet measures what each hidden layer draws while it draws it (``cad.pagereach``). The
reference is independent of that measure: MuPDF reading the finished sheet PDF with every layer
switched on and listing the box of everything it draws, with the optional content each box is in
(``get_bboxlog``, nested forms included), a layer being beyond the page when one of its boxes
passes the page by more than a point. Both must name the same layers on every sheet of every
shared drawing (DXF and DWG) and of a drawing built to hold every way content reaches a layer.
"""

from __future__ import annotations

import ezdxf
import pymupdf
import pytest

from drawreview.cad.loader import load_drawing
from drawreview.cad.pagereach import SLACK_PT
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .conftest import DRAWINGS

FILES = sorted(DRAWINGS.glob("*.dxf")) + sorted(p for p in (DRAWINGS / "dwg").glob("*.dwg") if "geoloc" not in p.name)


def mupdf_beyond(pdf: str, layers: list[dict]) -> set[str]:
    """The layers hidden by default that MuPDF finds drawn beyond the page of sheet *pdf*."""
    optional = {lay["name"] for lay in layers if lay.get("on") is False or lay.get("plot") is False}
    if not optional:
        return set()
    with pymupdf.open(pdf) as doc:
        for ui in doc.layer_ui_configs():
            if not ui["on"]:
                doc.set_layer_ui_config(ui["number"], 0)
        page = doc[0]
        r = page.rect
        return {layer for _kind, (x0, y0, x1, y1), layer in page.get_bboxlog(layers=True)
                if layer in optional and (x0 < r.x0 - SLACK_PT or y0 < r.y0 - SLACK_PT
                                          or x1 > r.x1 + SLACK_PT or y1 > r.y1 + SLACK_PT)}


def _sheets(path, out):
    drawing = load_drawing(path)
    return render_drawing(drawing, split_sheets(drawing), out)


def _compare(results) -> tuple[int, int]:
    """(sheets with a layer hidden by default, layers flagged), asserting agreement."""
    optional = flagged = 0
    for res in results:
        ours = {lay["name"] for lay in res.layers if lay.get("beyond_page")}
        assert ours == mupdf_beyond(res.pdf, res.layers), res.key
        optional += any(lay.get("on") is False or lay.get("plot") is False for lay in res.layers)
        flagged += len(ours)
    return optional, flagged


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_shared_sheet_flags_what_mupdf_finds_beyond_its_page(path, tmp_path):
    _compare(_sheets(path, tmp_path))


def test_the_shared_drawings_hold_both_answers(tmp_path):
    # the comparison above means something: the samples have sheets with a hidden layer inside
    # the page (their model space's Defpoints) and beyond it (seen through a layout's viewport)
    results = _sheets(DRAWINGS / "dwg" / "acadsharp__sample_AC1018.dwg", tmp_path)
    by_key = {res.key: {lay["name"]: lay.get("beyond_page", False) for lay in res.layers} for res in results}
    assert by_key["model"]["Defpoints"] is False
    assert by_key["layout:Layout1"]["Defpoints"] is True


def test_every_way_a_hidden_layer_is_reached(tmp_path):
    """Content reaches a hidden layer by its own entities, through a block's content on that
    layer (nested, rotated, scaled, arrayed), as a block's layer-0 content inserted on it, as an
    attribute, a dimension, a text, an XLINE, and through a layout's viewport; two frames of
    one model space are two sheets, each with only its own entities."""
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    for name in ("OFF1", "OFF2", "OFF3", "OFF4", "OFF5", "OFF6", "OFF7", "INSIDE"):
        doc.layers.add(name).off()
    doc.layers.add("NOPLOT").dxf.plot = 0
    doc.layers.add("ICE").freeze()
    inner = doc.blocks.new("INNER")
    inner.add_line((0, 0), (900, 0), dxfattribs={"layer": "OFF1"})
    inner.add_circle((0, 0), 50, dxfattribs={"layer": "0"})
    outer = doc.blocks.new("OUTER", base_point=(100, 100))
    outer.add_blockref("INNER", (100, 100), dxfattribs={"layer": "0", "rotation": 90, "xscale": 3, "yscale": 3})
    outer.add_line((100, 100), (150, 150), dxfattribs={"layer": "0"})
    zero = doc.blocks.new("ZERO")
    zero.add_line((0, 0), (2500, 0), dxfattribs={"layer": "0"})  # takes the insert's layer
    zero.add_attdef("TAG", (0, 0), dxfattribs={"height": 40})
    doc.layers.add("图框")
    for x in (0, 20000):  # two A1 frames at 1:10: two sheets
        msp.add_lwpolyline([(x, 0), (x + 8410, 0), (x + 8410, 5940), (x, 5940)], close=True,
                           dxfattribs={"layer": "图框"})
        msp.add_line((x + 100, 100), (x + 8000, 5000))
    msp.add_blockref("OUTER", (7900, 4500))  # INNER's OFF1 line turned up, 3 x: past frame 1's top
    msp.add_blockref("ZERO", (7000, 1000), dxfattribs={"layer": "OFF2"})  # layer-0 line past the right
    ref = msp.add_blockref("ZERO", (1000, 500), dxfattribs={"layer": "INSIDE"})  # stays inside
    ref.add_auto_attribs({"TAG": "x"})
    tagged = msp.add_blockref("ZERO", (21000, 500), dxfattribs={"layer": "NOPLOT"})  # frame 2: inside
    tagged.add_attrib("TAG", "far attribute text", (21000, -9000), dxfattribs={"layer": "OFF3", "height": 300})
    msp.add_text("far text on a hidden layer", height=250, dxfattribs={"layer": "OFF4"}).set_placement((8000, 200))
    msp.add_xline((25000, 3000), (1, 1), dxfattribs={"layer": "OFF5"})  # frame 2: everywhere
    dim = msp.add_linear_dim(base=(500, 5800), p1=(500, 7000), p2=(3000, 7000), dxfattribs={"layer": "OFF6"})
    dim.render()
    msp.add_line((0, 0), (-9000, -9000), dxfattribs={"layer": "ICE"})  # frozen: not drawn at all
    msp.add_line((12000, 3000), (12500, 3000), dxfattribs={"layer": "OFF7"})  # between the frames
    layout = doc.layouts.new("Sheet")
    layout.add_line((0, 0), (400, 0))
    layout.add_line((0, 0), (0, 280))
    layout.add_viewport(center=(200, 140), size=(300, 200), view_center_point=(4205, 2970), view_height=5940)
    doc.saveas(tmp_path / "reach.dxf")
    results = _sheets(tmp_path / "reach.dxf", tmp_path / "out")
    assert _compare(results)[1] >= 6
    by_key = {res.key: {lay["name"]: lay.get("beyond_page", False) for lay in res.layers} for res in results}
    model = [k for k in by_key if k.startswith("model")]
    assert len(model) == 2
    first, second = (by_key[k] for k in model)
    assert first["OFF1"] and first["OFF2"] and first["OFF4"] and first["OFF6"]
    assert not first["INSIDE"] and "OFF7" not in first and not first.get("ICE")
    assert second["OFF3"] and second["OFF5"] and not second["NOPLOT"]
    assert by_key["layout:Sheet"]["OFF5"]  # the XLINE through the viewport
