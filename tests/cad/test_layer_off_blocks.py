"""A block inserted on a layer that is off: AutoCAD hides only what takes the insert's layer
(the block's layer-0 content) and still shows what the block holds on other layers, while a
frozen layer hides the whole block (AutoCAD's documentation of layer off and freeze). The
off case is checked against ezdxf's own drawing add-on (the reference of docs/decisions/041),
which draws the same lines; ezdxf draws a frozen layer's block like an off one, so that case
is checked against the documented behaviour."""

import ezdxf
import numpy as np
import pymupdf
import pytest

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


def _drawing(path, frozen_insert: bool):
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    for name in ("DOOR", "WIN", "GLASS", "ICE"):
        doc.layers.add(name)
    doc.layers.get("DOOR").off()
    doc.layers.get("ICE").freeze()
    inner = doc.blocks.new("PANE")
    inner.add_line((0, 0), (0, 1000), dxfattribs={"layer": "0"})  # takes DOOR through D1: hidden
    inner.add_line((100, 0), (100, 1000), dxfattribs={"layer": "GLASS"})  # shown
    outer = doc.blocks.new("D1")
    outer.add_line((-300, 0), (-300, 1000), dxfattribs={"layer": "0"})  # takes DOOR: hidden
    outer.add_line((600, 0), (600, 1000), dxfattribs={"layer": "WIN"})  # shown
    outer.add_blockref("PANE", (300, 0), dxfattribs={"layer": "0"})  # nested, takes DOOR
    inner.add_attdef("MARK", (50, 500), dxfattribs={"layer": "0", "height": 200})
    pane = outer.add_blockref("PANE", (300, 0), dxfattribs={"layer": "0"})  # its attribute takes DOOR too
    pane.add_attrib("MARK", "HIDDEN", (350, 500), dxfattribs={"layer": "0", "height": 200})
    msp.add_blockref("D1", (0, 0), dxfattribs={"layer": "DOOR"})  # off: its other layers show
    if frozen_insert:
        msp.add_blockref("D1", (-5000, 0), dxfattribs={"layer": "ICE"})  # frozen: nothing shows
    msp.add_line((2000, 0), (2000, 1000))
    doc.saveas(path)
    return doc


def _ezdxf_columns(doc) -> list[float]:
    """x of each vertical line ezdxf draws, as a fraction of the span from the first to the last."""
    from ezdxf.addons.drawing import Frontend, RenderContext, layout
    from ezdxf.addons.drawing.pymupdf import PyMuPdfBackend

    backend = PyMuPdfBackend()
    Frontend(RenderContext(doc), backend).draw_layout(doc.modelspace())
    page = pymupdf.open("pdf", backend.get_pdf_bytes(
        layout.Page(0, 0, layout.Units.mm, margins=layout.Margins.all(2))))[0]
    xs = sorted({round(it[1].x, 1) for d in page.get_drawings() for it in d["items"]
                 if it[0] == "l" and abs(it[1].x - it[2].x) < 0.01})
    return [(x - xs[0]) / (xs[-1] - xs[0]) for x in xs]


def _sheet_columns(pdf) -> list[float]:
    """The same for the ink of the sheet as MuPDF draws it (its layers in their default states)."""
    from drawreview.cad import tiles  # thin lines kept one pixel wide, as the viewer draws them

    pix = pymupdf.Pixmap(tiles.thumbnail(pdf, 1600))
    ink = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[..., 0] < 200
    cols = np.nonzero(ink.any(axis=0))[0]
    groups = np.split(cols, np.nonzero(np.diff(cols) > 3)[0] + 1)
    return [(g.mean() - groups[0].mean()) / (groups[-1].mean() - groups[0].mean()) for g in groups]


def _sheet(path, out):
    drawing = load_dxf(path)
    [res] = render_drawing(drawing, split_sheets(drawing), out)
    return res


def test_a_block_on_an_off_layer_shows_what_it_holds_on_other_layers(tmp_path):
    want = _ezdxf_columns(_drawing(tmp_path / "off.dxf", frozen_insert=False))
    assert len(want) == 3  # GLASS at 400, WIN at 600, the line at 2000; layer-0 content hidden
    res = _sheet(tmp_path / "off.dxf", tmp_path / "a")
    assert _sheet_columns(res.pdf) == pytest.approx(want, abs=0.01)
    assert "HIDDEN" not in pymupdf.open(res.pdf)[0].get_text()
    # a block on a frozen layer shows nothing, and the sheet does not reach out to it
    _drawing(tmp_path / "frozen.dxf", frozen_insert=True)
    res2 = _sheet(tmp_path / "frozen.dxf", tmp_path / "b")
    assert _sheet_columns(res2.pdf) == pytest.approx(want, abs=0.01)
    assert (res2.width, res2.height) == (res.width, res.height)


def test_hiding_a_layer_in_the_viewer_hides_only_what_takes_it(tmp_path):
    """The viewer's ``?hidden=`` turns a layer off, it does not freeze it: a block inserted on a
    hidden layer still shows its content on other layers, as ezdxf's add-on draws the drawing
    with that layer turned off (its layer-0 content, which takes the layer, goes with it).
    Before, the whole block was marked as the insert's layer and hiding it hid everything."""
    from ezdxf.addons.drawing import Frontend, RenderContext, layout
    from ezdxf.addons.drawing.properties import set_layers_state
    from ezdxf.addons.drawing.pymupdf import PyMuPdfBackend

    from drawreview.cad import tiles

    doc = _drawing(tmp_path / "on.dxf", frozen_insert=False)
    doc.layers.get("DOOR").on()  # the insert's layer is on in the drawing: the reviewer hides it
    doc.layers.add("EDGE")
    for x in (-1000, 3000):  # two lines on a layer never hidden: both pictures are measured between them
        doc.modelspace().add_line((x, 0), (x, 1000), dxfattribs={"layer": "EDGE"})
    doc.saveas(tmp_path / "on.dxf")
    res = _sheet(tmp_path / "on.dxf", tmp_path / "a")

    def between_edges(xs):
        return [round((x - xs[0]) / (xs[-1] - xs[0]) * 4000 - 1000) for x in xs]

    def ezdxf_lines(hidden):
        ctx = RenderContext(doc)
        # the add-on's own hook for a viewer's layer switches (its is_visible is AutoCAD's layer off)
        ctx.set_layer_properties_override(lambda layers: set_layers_state(layers, hidden, state=False))
        backend = PyMuPdfBackend()
        Frontend(ctx, backend).draw_layout(doc.modelspace())
        page = pymupdf.open("pdf", backend.get_pdf_bytes(
            layout.Page(0, 0, layout.Units.mm, margins=layout.Margins.all(2))))[0]
        lines = [it for d in page.get_drawings() for it in d["items"] if it[0] == "l" and abs(it[1].x - it[2].x) < 0.01]
        tallest = max(abs(it[1].y - it[2].y) for it in lines)  # the 1,000-unit lines, not the glyphs' strokes
        return between_edges(sorted({round(it[1].x, 2) for it in lines if abs(it[1].y - it[2].y) > 0.9 * tallest}))

    def sheet_lines(hidden):
        pix = pymupdf.Pixmap(tiles.thumbnail(res.pdf, 2000, hidden_layers=hidden))
        ink = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[..., 0] < 200
        rows = np.nonzero(ink.any(axis=1))[0]
        ink = ink[rows[-1] - (rows[-1] - rows[0]) // 4:rows[-1]]  # the lines' lowest quarter: below the attribute
        cols = np.nonzero(ink.any(axis=0))[0]
        return between_edges([g.mean() for g in np.split(cols, np.nonzero(np.diff(cols) > 3)[0] + 1)])

    assert ezdxf_lines(()) == [-1000, -300, 300, 400, 600, 2000, 3000]
    assert sheet_lines(()) == pytest.approx(ezdxf_lines(()), abs=15)
    want = ezdxf_lines(("DOOR",))
    assert want == [-1000, 400, 600, 2000, 3000]  # GLASS and WIN inside the block stay; layer 0 goes
    assert sheet_lines(("DOOR",)) == pytest.approx(want, abs=15)
    assert "HIDDEN" in pymupdf.open(res.pdf)[0].get_text()  # the attribute takes DOOR: shown by default
