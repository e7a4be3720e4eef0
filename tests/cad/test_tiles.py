import statistics
import time

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


def test_tile_speed(sheet):
    tiles.render_tile(sheet.pdf, 3, 2, 2)
    times = []
    for x in range(4):
        for y in range(3):
            t = time.perf_counter()
            tiles.render_tile(sheet.pdf, 3, x, y)
            times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.05


def test_thumbnail_and_open_document(sheet):
    png = tiles.thumbnail(sheet.pdf, 300)
    assert max(pymupdf.Pixmap(png).width, pymupdf.Pixmap(png).height) == 300
    doc = pymupdf.open(sheet.pdf)
    assert pymupdf.Pixmap(tiles.render_tile(doc, 0, 0, 0)).width == 256
