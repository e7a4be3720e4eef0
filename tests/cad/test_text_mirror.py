"""cad/textmirror.py: a TEXT's backward and upside-down flags (group 71) drawn mirrored about
its alignment point, as AutoCAD plots it and ezdxf's drawing add-on draws it. Measured on the
rendered ink: where it lies around the insert."""

from __future__ import annotations

import pytest


def _ink(doc, tmp_path):
    """(x0, y0, x1, y1) of the ink in drawing units, the two rules left out."""
    import numpy as np
    import pymupdf

    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    doc.saveas(tmp_path / "t.dxf")
    d = load_dxf(tmp_path / "t.dxf")
    res = render_drawing(d, split_sheets(d), tmp_path)[0]
    zoom = 4
    pix = pymupdf.open(res.pdf)[0].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    a, e, f = res.map
    top, bottom = int((f - a * 95) * zoom), int((f - a * -95) * zoom)  # between the rules at ±100
    band = img[top:bottom] < 128
    rows, cols = np.where(band.any(axis=1))[0], np.where(band.any(axis=0))[0]
    x0, x1 = (cols.min() / zoom - e) / a, (cols.max() / zoom - e) / a
    y1, y0 = (f - (rows.min() + top) / zoom) / a, (f - (rows.max() + top) / zoom) / a
    return x0, y0, x1, y1


@pytest.mark.parametrize("flag", [0, 2, 4, 6])
def test_a_mirrored_text_lies_where_its_flags_turn_it(tmp_path, flag):
    """Left-aligned at (1000, 0): plain, it runs right of the insert and stands on the
    baseline; backward (2) it runs left; upside down (4) it hangs below; both (6): left and
    below. The flags were ignored: every one was drawn as plain text, right and above."""
    import ezdxf

    doc = ezdxf.new(units=4)
    msp = doc.modelspace()
    msp.add_text("HEH", height=40, dxfattribs={"insert": (1000, 0), "text_generation_flag": flag})
    msp.add_line((0, -100), (2000, -100))
    msp.add_line((0, 100), (2000, 100))
    x0, y0, x1, y1 = _ink(doc, tmp_path)
    backward, upside = flag & 2, flag & 4
    if backward:
        assert x1 == pytest.approx(1000, abs=6) and x0 < 900, (x0, x1)
    else:
        assert x0 == pytest.approx(1000, abs=6) and x1 > 1100, (x0, x1)
    if upside:
        assert y1 == pytest.approx(0, abs=6) and y0 == pytest.approx(-40, abs=6), (y0, y1)
    else:
        assert y0 == pytest.approx(0, abs=6) and y1 == pytest.approx(40, abs=6), (y0, y1)


def test_a_centred_backward_text_stays_centred(tmp_path):
    """Mirrored about its alignment point: a centred text keeps its centre."""
    import ezdxf
    from ezdxf.enums import TextEntityAlignment

    doc = ezdxf.new(units=4)
    msp = doc.modelspace()
    t = msp.add_text("HEHEH", height=40, dxfattribs={"text_generation_flag": 2})
    t.set_placement((1000, 0), align=TextEntityAlignment.BOTTOM_CENTER)
    msp.add_line((0, -100), (2000, -100))
    msp.add_line((0, 100), (2000, 100))
    x0, _, x1, _ = _ink(doc, tmp_path)
    assert (x0 + x1) / 2 == pytest.approx(1000, abs=0.03 * (x1 - x0)), (x0, x1)
