import pymupdf
import pytest

from drawreview.cad import tiles
from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from drawreview.errors import NotFound


@pytest.fixture(scope="module")
def sheet(specimens, tmp_path_factory):
    d = load_dxf(specimens["single"])
    return render_drawing(d, split_sheets(d), tmp_path_factory.mktemp("tiles"))[0]


def test_pyramid_info():
    info = tiles.tile_pyramid_info(2384, 1684)
    assert info["tile_size"] == 256 and info["s0"] == pytest.approx(256 / 2384)
    assert info["s0"] * 2 ** info["max_zoom"] >= 8 and info["max_zoom"] <= 8
    assert info["grid"][0] == [1, 1] and info["grid"][1] == [2, 2]
    assert tiles.max_zoom(100, 50) == 2
    assert tiles.max_zoom(1e6, 1e6) == 8


def test_tiles_have_content_and_white_edges(sheet):
    info = tiles.tile_pyramid_info(sheet.width, sheet.height)
    png = tiles.render_tile(sheet.pdf, 0, 0, 0)
    pix = pymupdf.Pixmap(png)
    assert (pix.width, pix.height) == (256, 256)
    assert pix.pixel(255, 255) == (255, 255, 255)  # beyond the page: white
    assert len(set(pix.samples)) > 2
    nx, ny = info["grid"][2]
    inked = [pymupdf.Pixmap(tiles.render_tile(sheet.pdf, 2, x, y)).color_count() > 1
             for x in range(nx) for y in range(ny)]
    assert sum(inked) >= len(inked) // 2


def test_out_of_range_tile(sheet):
    with pytest.raises(NotFound):
        tiles.render_tile(sheet.pdf, 0, 1, 0)
    with pytest.raises(NotFound):
        tiles.render_tile(sheet.pdf, 99, 0, 0)


def test_png_holds_exactly_the_rendered_pixels(sheet):
    doc = pymupdf.open(sheet.pdf)
    pix = doc[0].get_pixmap(matrix=pymupdf.Matrix(0.2, 0.2), alpha=False)
    decoded = pymupdf.Pixmap(tiles.png(pix))
    assert (decoded.width, decoded.height, decoded.n) == (pix.width, pix.height, 3)
    assert decoded.samples == pix.samples
    gray = pymupdf.Pixmap(pymupdf.csGRAY, pix)
    assert pymupdf.Pixmap(tiles.png(gray)).samples == gray.samples
    # the tile endpoint's bytes are that PNG: same pixels as MuPDF draws for the tile's clip
    tile = pymupdf.Pixmap(tiles.render_tile(sheet.pdf, 1, 0, 0))
    s = tiles.zoom0_scale(sheet.width, sheet.height) * 2
    ref = doc[0].get_pixmap(matrix=pymupdf.Matrix(s, s), clip=tiles.tile_rect(sheet.width, sheet.height, 1, 0, 0),
                            alpha=False)
    assert tile.pixel(100, 100) == ref.pixel(100, 100) and tile.color_count() > 1


def test_thumbnail_and_open_document(sheet):
    png = tiles.thumbnail(sheet.pdf, 300)
    assert max(pymupdf.Pixmap(png).width, pymupdf.Pixmap(png).height) == 300
    doc = pymupdf.open(sheet.pdf)
    assert pymupdf.Pixmap(tiles.render_tile(doc, 0, 0, 0)).width == 256


def test_layer_choices_in_any_order_draw_as_a_fresh_document_does(sheet):
    names = [lay["name"] for lay in sheet.layers][:2]
    sequence = [(), (names[0],), tuple(names), (), (names[1],), ()]
    fresh = {}
    for hidden in set(sequence):
        tiles.forget(sheet.pdf)
        fresh[hidden] = tiles.render_tile(sheet.pdf, 1, 0, 0, hidden)
    assert len(set(fresh.values())) == len(fresh)  # each choice draws differently
    tiles.forget(sheet.pdf)
    for hidden in sequence:
        tiles._lists.clear()  # the open document is reused and switched between choices
        assert tiles.render_tile(sheet.pdf, 1, 0, 0, hidden) == fresh[hidden], hidden
