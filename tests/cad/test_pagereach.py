"""The beyond-page flag of layers hidden by default (docs/decisions/128, 131, 141) against ezdxf.

The sheet measures what each hidden layer draws while it draws it (``cad.pagereach``). The
reference is independent of that measure and of our PDF: ezdxf's drawing add-on drawing the
same sheet (a layout, or the model-space entities the sheet holds) with every layer that is not
frozen switched on, into its recording backend; the geometry it emits is already cut at each
viewport and XCLIP boundary, and a layer is beyond the page when what it emits passes the page
by more than a point. (MuPDF's boxes, the reference until decision 141, do not see clips: all
22 flags of the shared drawings were model space cut at a viewport.) Both must name the same
layers on every sheet of every shared drawing (DXF and DWG) and of drawings built to hold every
way content reaches a layer.
"""

from __future__ import annotations

import ezdxf
import pytest

from drawreview.cad.loader import load_drawing
from drawreview.cad.pagereach import SLACK_PT
from drawreview.cad.render import _bucket, render_drawing
from drawreview.cad.sheets import split_sheets
from drawreview.cad.viewport import model_viewports

from .conftest import DRAWINGS

FILES = sorted(DRAWINGS.glob("*.dxf")) + sorted(p for p in (DRAWINGS / "dwg").glob("*.dwg") if "geoloc" not in p.name)


def ezdxf_beyond(doc, spec, specs, res) -> set[str]:
    """The layers hidden by default that ezdxf draws beyond the page of sheet *res* (of *spec*,
    one of *specs*) when every layer that is not frozen is on."""
    from ezdxf.addons.drawing import Frontend, RenderContext, config
    from ezdxf.addons.drawing.recorder import Recorder

    optional = {lay["name"].lower(): lay["name"] for lay in res.layers
                if lay.get("on") is False or lay.get("plot") is False}
    if not optional:
        return set()
    space = doc.modelspace() if spec.layout is None else doc.paperspace(spec.layout)
    states = [(lay, lay.is_on(), lay.dxf.get("plot", 1)) for lay in doc.layers]
    viewports = [vp for vp in model_viewports(space)] if spec.layout is not None else []
    status = [(vp, vp.dxf.get("status", 0)) for vp in viewports]
    for lay, _, _ in states:
        lay.on()
        lay.dxf.plot = 1
    for n, vp in enumerate(viewports):  # ezdxf skips status-0 viewports; the sheet draws them
        if vp.dxf.get("status", 0) <= 0:
            vp.dxf.status = 100 + n
    try:
        ctx = RenderContext(doc)
        ctx.set_current_layout(space)
        recorder = Recorder()
        front = Frontend(ctx, recorder, config=config.Configuration(infinite_line_length=1e9))
        front.push_property_override_function(_dimension_layer(doc))
        if spec.layout is not None:
            front.draw_layout(space, finalize=True)
        else:
            mine = [s for s in specs if s.layout is None]
            boxes = [s.bbox for s in mine]
            k = mine.index(spec)
            front.draw_entities(e for e in space if len(mine) == 1 or _bucket(e, boxes) == k)
            recorder.finalize()
    finally:
        for lay, on, plot in states:
            lay.on() if on else lay.off()
            lay.dxf.plot = plot
        for vp, st in status:
            vp.dxf.status = st
    a, e, f = res.map
    slack = SLACK_PT / a
    x0, y0, x1, y1 = -e / a - slack, (f - res.height) / a - slack, (res.width - e) / a + slack, f / a + slack
    out = set()
    for record, props in recorder.player().recordings():
        name = optional.get((props.layer or "").lower())
        if name is None or name in out:
            continue
        bb = record.bbox()
        if bb.has_data and (bb.extmin.x < x0 or bb.extmin.y < y0 or bb.extmax.x > x1 or bb.extmax.y > y1):
            out.add(name)
    return out


def _dimension_layer(doc):
    """ezdxf labels a dimension block's layer-0 content "0"; AutoCAD draws it on the
    DIMENSION's layer, as an insert's (which ezdxf labels so): relabelled here."""
    owners: dict[str, str] = {}

    def override(entity, props):
        if entity.dxftype() == "DIMENSION":
            block = doc.blocks.get(entity.dxf.get("geometry", ""))
            if block is not None:
                owners[block.block_record_handle] = props.layer
        elif props.layer == "0":
            source = getattr(entity, "source_of_copy", None)
            layer = owners.get(source.dxf.get("owner")) if source is not None else None
            if layer is not None:
                props.layer = layer
    return override


def _sheets(path, out):
    drawing = load_drawing(path)
    specs = split_sheets(drawing)
    results = render_drawing(drawing, specs, out)
    by_key = {s.key: s for s in specs}
    for res in results:
        res.reference = ezdxf_beyond(drawing.doc, by_key[res.key], specs, res)
    return results


def _compare(results) -> tuple[int, int]:
    """(sheets with a layer hidden by default, layers flagged), asserting agreement."""
    optional = flagged = 0
    for res in results:
        ours = {lay["name"] for lay in res.layers if lay.get("beyond_page")}
        assert ours == res.reference, res.key
        optional += any(lay.get("on") is False or lay.get("plot") is False for lay in res.layers)
        flagged += len(ours)
    return optional, flagged


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_shared_sheet_flags_what_ezdxf_draws_beyond_its_page(path, tmp_path):
    _compare(_sheets(path, tmp_path))


def test_model_space_cut_at_a_viewport_is_not_beyond_the_page(tmp_path):
    # the shared samples' layouts show model space whose Defpoints reach past the paper, cut
    # at the viewport: flagged until decision 141, though nothing of it can be shown there
    results = _sheets(DRAWINGS / "dwg" / "acadsharp__sample_AC1018.dwg", tmp_path)
    by_key = {res.key: {lay["name"]: lay.get("beyond_page", False) for lay in res.layers} for res in results}
    assert by_key["layout:Layout1"]["Defpoints"] is False
    _compare(results)


def test_clips_cut_what_a_hidden_layer_reaches(tmp_path):
    """A hidden layer's far-off model content seen through a viewport (its border on a layer
    that is off, or not), and a block's hidden content cut by an XCLIP, stay on the page; the
    same block not clipped, or the layer's own line on paper past the paper's edge, is beyond it."""
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    doc.layers.add("AUX").off()
    doc.layers.add("VPBORDER").off()
    msp.add_line((0, 0), (1000, 1000))
    msp.add_line((-50000, 500), (50000, 500), dxfattribs={"layer": "AUX"})  # far past every page
    block = doc.blocks.new("FAR")
    block.add_circle((0, 0), 100)
    block.add_line((0, 0), (20000, 0), dxfattribs={"layer": "AUX"})
    doc.layers.add("图框")
    frame = [(0, 0), (8410, 0), (8410, 5940), (0, 5940)]  # A1 at 1:10
    msp.add_lwpolyline([(x + 10000, y + 10000) for x, y in frame], close=True, dxfattribs={"layer": "图框"})
    clipped = msp.add_blockref("FAR", (11000, 11000))
    from ezdxf.xclip import XClip

    XClip(clipped).set_block_clipping_path([(-200, -200), (300, 300)])
    msp.add_lwpolyline([(x + 30000, y + 10000) for x, y in frame], close=True, dxfattribs={"layer": "图框"})
    msp.add_blockref("FAR", (31000, 11000))  # not clipped: its AUX line runs off frame 2
    inside = doc.layouts.new("Inside")
    inside.add_lwpolyline([(0, 0), (420, 0), (420, 297), (0, 297)], close=True)
    inside.add_viewport(center=(210, 150), size=(300, 200), view_center_point=(500, 500), view_height=1000)
    past = doc.layouts.new("Past")
    past.add_lwpolyline([(0, 0), (420, 0), (420, 297), (0, 297)], close=True)
    past.add_viewport(center=(210, 150), size=(300, 200), view_center_point=(500, 500), view_height=1000,
                      dxfattribs={"layer": "VPBORDER"})  # off: its border is not drawn, what it shows is
    past.add_line((400, 100), (900, 100), dxfattribs={"layer": "AUX"})  # on paper, past its edge
    doc.saveas(tmp_path / "clips.dxf")
    results = _sheets(tmp_path / "clips.dxf", tmp_path / "out")
    _compare(results)
    by_key = {res.key: {lay["name"]: lay.get("beyond_page", False) for lay in res.layers} for res in results}
    model = [by_key[k] for k in by_key if k.startswith("model")]
    assert len(model) == 2 and model[0]["AUX"] is False and model[1]["AUX"] is True
    assert by_key["layout:Inside"]["AUX"] is False
    assert by_key["layout:Past"]["AUX"] is True


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
    assert by_key["layout:Sheet"]["OFF5"] is False  # the XLINE through the viewport: cut at it
