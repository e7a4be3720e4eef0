"""Wipeouts that pycadkit drops, read back from their records (cad/dwgwipeout.py): on every
ACadSharp sample, R14 to R2018, the converted drawing holds the WIPEOUT of the DXF ACadSharp
exported from the R2018 sample — same point, pixel vectors, size, flags and clip boundary —
named as read back, and the sheet is masked where it stands."""

from __future__ import annotations

import struct

import ezdxf
import pymupdf
import pytest

from drawreview.cad import dwgwipeout
from drawreview.cad.loader import load_drawing
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
SAMPLES = sorted(DWGS.glob("acadsharp__sample_AC*.dwg"))
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"


@pytest.fixture(scope="module")
def expected():
    (w,) = ezdxf.readfile(REFERENCE).modelspace().query("WIPEOUT")
    return w


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem.rsplit("_", 1)[-1])
def test_wipeouts_come_back_as_the_reference_has_them(path, expected):
    drawing = load_drawing(path, audit=False)
    (got,) = drawing.doc.modelspace().query("WIPEOUT")
    for key in ("insert", "u_pixel", "v_pixel", "image_size"):
        assert got.dxf.get(key).isclose(expected.dxf.get(key), abs_tol=1e-9), key
    for key in ("flags", "clipping", "brightness", "contrast", "fade", "clipping_boundary_type"):
        assert got.dxf.get(key) == expected.dxf.get(key), key
    assert got.dxf.layer == expected.dxf.layer
    assert len(got.boundary_path) == len(expected.boundary_path) == 5
    assert all(a.isclose(b, abs_tol=1e-9) for a, b in zip(got.boundary_path, expected.boundary_path))
    assert drawing.dwg["recovered"]["WIPEOUT"] == 1 and "WIPEOUT" not in drawing.dwg["lost"]
    notes = " ".join(drawing.notes)
    assert "1 个 WIPEOUT（遮罩）" in notes and "未保留 1 个 WIPEOUT" not in notes


def test_the_sheet_is_masked_where_the_wipeout_stands(tmp_path):
    """The mask is filled with the paper's colour inside its boundary: the model sheet's PDF
    paints a white polygon over the wipeout's box."""
    drawing = load_drawing(SAMPLES[-1], audit=False)
    specs = [s for s in split_sheets(drawing) if s.space == "model"]
    (res,) = render_drawing(drawing, specs, tmp_path)
    (w,) = drawing.doc.modelspace().query("WIPEOUT")
    a, e, f = res.map
    xs, ys = zip(*((v.x, v.y) for v in w.boundary_path_wcs()))
    box = pymupdf.Rect(a * min(xs) + e, f - a * max(ys), a * max(xs) + e, f - a * min(ys))
    page = pymupdf.open(res.pdf)[0]
    fills = [p for p in page.get_drawings() if p.get("fill") == (1.0, 1.0, 1.0) and p["rect"].intersects(box)]
    assert any(abs(p["rect"].width - box.width) < 1 and abs(p["rect"].height - box.height) < 1 for p in fills)


def test_a_record_that_does_not_fit_is_refused():
    with pytest.raises((ValueError, IndexError, struct.error)):
        dwgwipeout.decode(0x44D, b"\x10\x00" + bytes(14), "AC1015")
