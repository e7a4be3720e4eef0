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
    # (with thin lines kept one pixel wide, as tiles draw them)
    tile = pymupdf.Pixmap(tiles.render_tile(sheet.pdf, 1, 0, 0))
    s = tiles.zoom0_scale(sheet.width, sheet.height) * 2
    pymupdf.TOOLS.set_graphics_min_line_width(tiles.MIN_LINE_PX)
    try:
        ref = doc[0].get_pixmap(matrix=pymupdf.Matrix(s, s), clip=tiles.tile_rect(sheet.width, sheet.height, 1, 0, 0),
                                alpha=False)
    finally:
        pymupdf.TOOLS.set_graphics_min_line_width(0.0)
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


def test_thin_lines_stay_visible_at_every_zoom(tmp_path):
    """A 0.1 pt line (a wall of a zoomed-out A1 sheet is far thinner than a pixel) is drawn at
    least one pixel dark, as CAD viewers draw it — not anti-aliased to a faint grey — in tiles and
    thumbnails; other PyMuPDF drawing in the process is left as it was."""
    doc = pymupdf.open()
    page = doc.new_page(width=2384, height=1684)
    shape = page.new_shape()
    for y in (400.3, 800.7, 1200.5):
        shape.draw_line((100, y), (2200, y))
    shape.finish(width=0.1, color=(0, 0, 0))
    shape.commit()
    path = tmp_path / "thin.pdf"
    doc.save(path)

    def darkest_column(pix, x):
        return [pix.pixel(x, y)[0] for y in range(pix.height)]

    tile = pymupdf.Pixmap(tiles.render_tile(path, 0, 0, 0))
    col = darkest_column(tile, 128)
    assert sum(v < 140 for v in col) >= 3, sorted(col)[:6]  # the three lines, each dark
    thumb = pymupdf.Pixmap(tiles.thumbnail(path, 512))
    assert sum(v < 140 for v in darkest_column(thumb, 256)) >= 3
    deep = pymupdf.Pixmap(tiles.render_tile(path, 3, 2, 1))  # zoomed in: still a line, not a band
    dark_rows = [y for y in range(deep.height) if deep.pixel(100, y)[0] < 140]
    assert 1 <= len(dark_rows) <= 3
    plain = pymupdf.open(path)[0].get_pixmap(matrix=pymupdf.Matrix(256 / 2384, 256 / 2384), alpha=False)
    assert min(darkest_column(plain, 128)) > 180  # outside tiles MuPDF's default drawing is unchanged
