"""Layers the drawing does not plot: a layer whose plot flag is 0 is left out of a plot by AutoCAD
and by ezdxf's drawing add-on in its export mode (``RenderContext(export_mode=True)``, the
reference here), and AutoCAD never plots the Defpoints layer. The sheet shows the drawing as
plotted, and keeps what it leaves out as optional content that is off by default, so a reviewer
can show it (``tiles.render_tile(shown_layers=...)``), like a layer switched off in the drawing."""

import ezdxf
import numpy as np
import pymupdf
import pytest

from drawreview.cad import tiles
from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from drawreview.services.sheet_vertices import vertices


def _drawing(path, defpoints_plot: int = 0):
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    doc.layers.add("WALL")
    doc.layers.add("TEMP").dxf.plot = 0  # a construction layer set not to plot
    doc.layers.get("Defpoints").dxf.plot = defpoints_plot  # AutoCAD (and ezdxf.new) make it with flag 0
    doc.layers.add("SHUT").off()
    mark = doc.blocks.new("MARK")
    mark.add_line((0, 0), (0, 1000), dxfattribs={"layer": "0"})  # takes TEMP through the insert
    mark.add_line((200, 0), (200, 1000), dxfattribs={"layer": "WALL"})  # plotted
    msp.add_line((0, 0), (0, 1000), dxfattribs={"layer": "WALL"})
    msp.add_line((1000, 0), (1000, 1000), dxfattribs={"layer": "TEMP"})
    msp.add_line((2000, 0), (2000, 1000), dxfattribs={"layer": "Defpoints"})
    msp.add_blockref("MARK", (3000, 0), dxfattribs={"layer": "TEMP"})
    msp.add_line((4000, 0), (4000, 1000), dxfattribs={"layer": "SHUT"})
    msp.add_line((5000, 0), (5000, 1000), dxfattribs={"layer": "WALL"})
    doc.saveas(path)
    return doc


def _ezdxf_columns(doc) -> list[float]:
    """x of each vertical line ezdxf's add-on draws in export (plot) mode, as a fraction of the
    span from the first to the last."""
    from ezdxf.addons.drawing import Frontend, RenderContext, layout
    from ezdxf.addons.drawing.pymupdf import PyMuPdfBackend

    backend = PyMuPdfBackend()
    Frontend(RenderContext(doc, export_mode=True), backend).draw_layout(doc.modelspace())
    page = pymupdf.open("pdf", backend.get_pdf_bytes(
        layout.Page(0, 0, layout.Units.mm, margins=layout.Margins.all(2))))[0]
    xs = sorted({round(it[1].x, 1) for d in page.get_drawings() for it in d["items"]
                 if it[0] == "l" and abs(it[1].x - it[2].x) < 0.01})
    return [(x - xs[0]) / (xs[-1] - xs[0]) for x in xs]


def _columns(png: bytes) -> list[float]:
    pix = pymupdf.Pixmap(png)
    ink = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[..., 0] < 200
    cols = np.nonzero(ink.any(axis=0))[0]
    groups = np.split(cols, np.nonzero(np.diff(cols) > 3)[0] + 1)
    return [(g.mean() - groups[0].mean()) / (groups[-1].mean() - groups[0].mean()) for g in groups]


def _sheet(path, out):
    drawing = load_dxf(path)
    [res] = render_drawing(drawing, split_sheets(drawing), out)
    return res


def test_the_sheet_shows_what_a_plot_shows(tmp_path):
    doc = _drawing(tmp_path / "plot.dxf")
    want = _ezdxf_columns(doc)
    # WALL at 0, the block's WALL line at 3200, WALL at 5000: TEMP, Defpoints, the block's
    # layer-0 line (it takes TEMP) and the off layer are not plotted
    assert want == pytest.approx([0, 0.64, 1], abs=0.01)
    res = _sheet(tmp_path / "plot.dxf", tmp_path / "a")
    assert _columns(tiles.thumbnail(res.pdf, 1600)) == pytest.approx(want, abs=0.01)
    by_name = {lay["name"]: lay for lay in res.layers}
    assert by_name["TEMP"]["plot"] is False and by_name["TEMP"]["on"] is True
    assert by_name["Defpoints"]["plot"] is False and by_name["WALL"]["plot"] is True
    off = {v["name"] for v in pymupdf.open(res.pdf).get_ocgs().values() if not v["on"]}
    assert off == {"TEMP", "Defpoints", "SHUT"}


def test_what_a_plot_leaves_out_is_kept_and_can_be_shown(tmp_path):
    _drawing(tmp_path / "plot.dxf")
    res = _sheet(tmp_path / "plot.dxf", tmp_path / "a")
    shown = tiles.thumbnail(res.pdf, 1600, shown_layers=("TEMP",))
    # TEMP's line at 1000 and the block's layer-0 line at 3000 (inside TEMP through the insert)
    assert _columns(shown) == pytest.approx([0, 0.2, 0.6, 0.64, 1], abs=0.01)
    every = tiles.thumbnail(res.pdf, 1600, shown_layers=("TEMP", "Defpoints", "SHUT"))
    assert _columns(every) == pytest.approx([0, 0.2, 0.4, 0.6, 0.64, 0.8, 1], abs=0.01)
    # hidden wins over shown; the tile draws the same as the thumbnail
    assert _columns(tiles.thumbnail(res.pdf, 1600, hidden_layers=("TEMP",), shown_layers=("TEMP",))) \
        == pytest.approx([0, 0.64, 1], abs=0.01)
    assert tiles.render_tile(res.pdf, 0, 0, 0, shown_layers=("TEMP",)) != tiles.render_tile(res.pdf, 0, 0, 0)


def test_defpoints_is_never_plotted_whatever_its_flag(tmp_path):
    # AutoCAD: objects on Defpoints do not plot; ezdxf's export mode reads only the flag, so a
    # Defpoints layer written with flag 1 is the one case judged by AutoCAD's rule alone
    _drawing(tmp_path / "dp.dxf", defpoints_plot=1)
    res = _sheet(tmp_path / "dp.dxf", tmp_path / "a")
    assert {lay["name"]: lay["plot"] for lay in res.layers}["Defpoints"] is False
    assert _columns(tiles.thumbnail(res.pdf, 1600)) == pytest.approx([0, 0.64, 1], abs=0.01)


def test_snapping_vertices_follow_the_layers_drawn(tmp_path):
    _drawing(tmp_path / "plot.dxf")
    res = _sheet(tmp_path / "plot.dxf", tmp_path / "a")
    xs = lambda arr: sorted({round(float(x)) for x in arr[:, 0]})  # noqa: E731
    plotted = xs(vertices(res.pdf, "plot")[0])
    assert len(plotted) == 3  # the ends of the three plotted lines
    assert len(xs(vertices(res.pdf, "plot", shown=("TEMP",))[0])) == 5
    assert len(xs(vertices(res.pdf, "plot", hidden=("WALL",), shown=("TEMP",))[0])) == 2


def test_the_stamped_sheet_and_its_crops_show_the_plot(tmp_path):
    # the issued (stamped) sheet keeps the layers and their default states: what the drawing
    # does not plot stays off there too, and a crop drawn from it (report, BCF) leaves it out
    from drawreview.report.stamps import stamp_sheet

    _drawing(tmp_path / "plot.dxf")
    res = _sheet(tmp_path / "plot.dxf", tmp_path / "a")
    stamped = pymupdf.open("pdf", stamp_sheet(open(res.pdf, "rb").read(), "TZ-2026-0001", "2026-12-07", "泰州市"))
    assert {v["name"] for v in stamped.get_ocgs().values() if not v["on"]} == {"TEMP", "Defpoints", "SHUT"}
    page = stamped[0]
    a, e, _ = res.map
    xs = sorted({round((it[1].x - e) / a) for d in page.get_drawings() for it in d["items"]
                 if it[0] == "l" and abs(it[1].x - it[2].x) < 0.01 and it[1].y != it[2].y})
    assert [x for x in xs if -10 < x < 5010] == [0, 3200, 5000]


def test_a_hidden_layer_beyond_the_page_is_said_to_be_cut(tmp_path):
    """The page is the plot's; a layer hidden by default that reaches beyond it is cut at the
    page edge when shown, and its entry in the layer list says so (``beyond_page``)."""
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    doc.layers.add("FAR").off()  # off in the drawing, 4 m right of what is plotted
    doc.layers.add("NEAR").off()  # off, inside the plotted extents
    doc.layers.add("SCRAP").off()  # off, reached only through a block (nested optional content)
    far = doc.blocks.new("FARAWAY")
    far.add_line((0, 0), (0, 500), dxfattribs={"layer": "SCRAP"})
    msp.add_line((0, 0), (1000, 1000))
    msp.add_line((5000, 0), (5000, 800), dxfattribs={"layer": "FAR"})
    msp.add_line((200, 200), (800, 200), dxfattribs={"layer": "NEAR"})
    msp.add_blockref("FARAWAY", (500, -3000))
    doc.saveas(tmp_path / "far.dxf")
    res = _sheet(tmp_path / "far.dxf", tmp_path / "a")
    by_name = {lay["name"]: lay for lay in res.layers}
    assert by_name["FAR"].get("beyond_page") is True and by_name["SCRAP"].get("beyond_page") is True
    assert "beyond_page" not in by_name["NEAR"] and "beyond_page" not in by_name["0"]
    # the page is the plot's (the square of the diagonal), not grown to the far layers
    page = pymupdf.open(res.pdf)[0].rect
    assert page.width == pytest.approx(page.height, rel=0.05)


def test_lettering_on_layers_hidden_by_default_is_marked(tmp_path):
    """The sheet's texts (what the search reads) mark lettering on a layer off or not plotted
    (``hidden`` and its ``layer``), also layer-0 lettering of a block inserted on such a layer
    (it takes that layer), and not a block's lettering on a layer of its own, which shows. The
    texts not marked are what poppler's ``pdftotext`` reads from the sheet PDF as issued."""
    import subprocess

    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    doc.layers.add("SHUT").off()
    doc.layers.add("TEMP").dxf.plot = 0
    doc.layers.add("NOTE")
    msp.add_line((0, 0), (10000, 5000))
    for text, layer, y in (("SHOWNTEXT", "NOTE", 500), ("OFFTEXT", "SHUT", 1500), ("TEMPTEXT", "TEMP", 2500)):
        msp.add_text(text, height=300, dxfattribs={"layer": layer}).set_placement((500, y))
    tag = doc.blocks.new("TAG")
    tag.add_text("ZEROTEXT", height=300, dxfattribs={"layer": "0"}).set_placement((0, 0))
    tag.add_text("NOTETEXT", height=300, dxfattribs={"layer": "NOTE"}).set_placement((0, -600))
    msp.add_blockref("TAG", (5000, 3000), dxfattribs={"layer": "SHUT"})
    doc.saveas(tmp_path / "t.dxf")
    res = _sheet(tmp_path / "t.dxf", tmp_path / "a")
    marked = {t["text"]: t.get("layer") for t in res.texts if t.get("hidden")}
    assert marked == {"OFFTEXT": "SHUT", "TEMPTEXT": "TEMP", "ZEROTEXT": "SHUT"}
    issued = subprocess.run(["pdftotext", res.pdf, "-"], capture_output=True, text=True, check=True).stdout.split()
    assert sorted(issued) == sorted(t["text"] for t in res.texts if not t.get("hidden")) == ["NOTETEXT", "SHOWNTEXT"]
