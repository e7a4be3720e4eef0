"""cad/ltsymbols.py: the text of complex linetypes drawn in the gaps of their dashes, each cycle,
at the element's offsets, scale and rotation, as AutoCAD plots it (ezdxf draws such lines solid:
the reference is the LTYPE definition, read as AutoCAD's LIN syntax defines it)."""

from __future__ import annotations

import math

import ezdxf
import pymupdf
import pytest
from ezdxf.lldxf.types import DXFTag

from drawreview.cad import lettering, ltsymbols
from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .ink import ink_at

GAS = 'A,.5,-.2,["GAS",STANDARD,S=.1,R=0.0,X=-0.1,Y=-.05],-.25'  # acad.lin's GAS_LINE
PIPE = 'A,10,-1,["给水",HZ,S=2.5,R=0.0,X=0,Y=-1.25],-9'  # 给水 in the 10-unit gap of a 20-unit cycle


def _flags(doc, name: str, flags: int, rotation: float | None = None) -> None:
    tags = doc.linetypes.get(name).pattern_tags.tags
    for i, t in enumerate(tags):
        if t.code == 74 and t.value & 2:
            tags[i] = DXFTag(74, flags)
        elif t.code == 50 and rotation is not None:
            tags[i] = DXFTag(50, rotation)


def _render(doc, tmp_path):
    doc.saveas(tmp_path / "lt.dxf")
    d = load_dxf(tmp_path / "lt.dxf")
    return d, render_drawing(d, split_sheets(d), tmp_path)


def test_gas_line_shows_gas_in_every_gap(tmp_path):
    """$LTSCALE 10: a cycle of 9.5 (dash 5, gap 4.5), "GAS" 1 high from 1 before the end of the
    first gap element (7), 0.5 below the line: 42 times along 400 units, each inside its gap."""
    doc = ezdxf.new("R2018", units=4)
    doc.header["$LTSCALE"] = 10
    doc.linetypes.add("GAS_LINE", pattern=GAS, description="Gas line ----GAS----", length=0.95)
    doc.modelspace().add_line((0, 0), (400, 0), dxfattribs={"linetype": "GAS_LINE"})
    doc.modelspace().add_line((0, -50), (400, -50))
    d, (res,) = _render(doc, tmp_path)
    gas = [t for t in res.texts if t["text"] == "GAS"]
    assert len(gas) == 42
    a, e, f = res.map
    tol = 0.02 / a  # the boxes are kept to 0.01 pt
    for k, t in enumerate(sorted(gas, key=lambda t: t["bbox"][0])):
        px0, py0, px1, py1 = t["bbox"]  # page points, y down
        x0, x1, y0 = (px0 - e) / a, (px1 - e) / a, (f - py1) / a
        assert x0 == pytest.approx(6 + 9.5 * k, abs=tol)
        assert 5 + 9.5 * k < x0 and x1 < 9.5 * (k + 1)  # in the gap, clear of the dashes
        assert y0 == pytest.approx(-0.5 - 0.3, abs=tol)
    assert all(ink_at(res, [(6.4 + 9.5 * k, 0.0) for k in range(0, 40, 7)], reach=8, scale=8))  # "GA" on the line
    assert "GAS" in pymupdf.open(res.pdf)[0].get_text()
    assert not [n for n in d.notes if "GAS_LINE" in n]  # nothing left to name


def _pattern(flags: int, rotation: float = 0.0):
    doc = ezdxf.new("R2018")
    doc.styles.add("HZ", font="simplex.shx")
    doc.linetypes.add("P", pattern=PIPE, description="给水", length=20)
    _flags(doc, "P", flags, rotation)
    return ltsymbols.pattern_of(doc.linetypes.get("P"), doc)


def test_rotation_flags_relative_absolute_and_upright():
    rel, absolute, upright = _pattern(2, math.radians(90)), _pattern(2 | 1, math.radians(30)), _pattern(2 | 8)
    assert rel.length == 20 and rel.symbols[0].at == 11 and rel.symbols[0].height == 2.5
    uphill = [(0, 0), (60, 60)]
    leftwards = [(100, 0), (0, 0)]
    assert {round(p[4], 6) for p in ltsymbols.placed(uphill, rel, 1.0, lettering.text_width)} == {135.0}
    assert {round(p[4], 6) for p in ltsymbols.placed(uphill, absolute, 1.0, lettering.text_width)} == {30.0}
    plain = ltsymbols.placed(leftwards, _pattern(2), 1.0, lettering.text_width)
    assert {round(p[4], 6) for p in plain} == {180.0}  # upside down, as AutoCAD draws it
    kept = ltsymbols.placed(leftwards, upright, 1.0, lettering.text_width)
    assert {round(p[4] % 360, 6) for p in kept} == {0.0}  # turned to read, about its middle:
    for (_, x, y, h, _, _, w), (_, px, py, *_) in zip(kept, plain):
        assert (x + w / 2, y + h / 2) == pytest.approx((px - w / 2, py - h / 2))
    twice = ltsymbols.placed(leftwards, rel, 2.0, lettering.text_width)  # ltscale 2: half as many, twice as big
    assert len(twice) == 2 and twice[0][3] == 5.0 and len(plain) == 5


@pytest.mark.parametrize("space", ["model", "paper"])
def test_chinese_pipe_text_follows_a_polyline_with_arcs(space, tmp_path):
    """给水 along an LWPOLYLINE with bulges: each in its cycle's gap and turned with the curve;
    seen through a 1:2 viewport with $PSLTSCALE 1 the pattern and the text keep their paper size."""
    doc = ezdxf.new("R2018", units=4)
    doc.styles.add("HZ", font="simplex.shx")
    doc.linetypes.add("J_PIPE", pattern=PIPE, description="给水", length=20)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0, 0), (100, 0, 0.6), (180, 60, -0.8), (260, 30, 0)], format="xyb",
                       dxfattribs={"linetype": "J_PIPE", "color": 5})
    msp.add_line((0, -40), (260, -40))
    if space == "paper":
        psp = doc.paperspace()
        psp.add_line((0, 0), (200, 0))
        psp.add_line((0, 120), (200, 120))
        psp.add_viewport(center=(100, 60), size=(180, 100), view_center_point=(130, 20), view_height=200)
        doc.header["$PSLTSCALE"] = 1
    from ezdxf import path as ezpath

    d, results = _render(doc, tmp_path)
    (res,) = [r for r in results if ("Layout" in r.key) == (space == "paper")]
    page = pymupdf.open(res.pdf)[0]
    hits = page.search_for("给水")
    path = ezpath.make_path(doc.modelspace().query("LWPOLYLINE")[0])
    pattern = ltsymbols.pattern_of(doc.linetypes.get("J_PIPE"), doc)
    points = [(v.x, v.y) for v in path.flattening(0.05)]
    want = ltsymbols.placed(points, pattern, 1.0, lettering.text_width)
    turned = {round(p[4]) % 360 for p in want}
    assert len(want) >= 14 and len(turned) >= 8  # along the arcs, turned with them
    if space == "model":
        assert len(hits) == len(want)
        return
    # 1:2 viewport, $PSLTSCALE 1: the dash pattern and the text keep their paper size (2.5
    # high, 5 in model units), so half as many cycles fit along the polyline
    assert len(hits) == len(ltsymbols.placed(points, pattern, 2.0, lettering.text_width))
    flat = [r for r in hits if r.width > r.height * 1.5]  # drawn about level: a line of the face (1.3 em) high
    assert flat and min(r.height for r in flat) / res.map[0] == pytest.approx(1.3 * 2.5 / lettering.CAP, rel=0.1)


def test_only_shapes_are_named(tmp_path):
    """A text linetype needs no note now; a linetype with shapes (from an SHX file) is named."""
    doc = ezdxf.new("R2018", units=4)
    doc.linetypes.add("GAS_LINE", pattern=GAS, description="Gas line", length=0.95)
    doc.linetypes.add("ZIGZAG", pattern='A,.0001,-.2,[131,ltypeshp.shx,x=-.2,s=.2],-.4,[131,ltypeshp.shx,r=180,x=.2,s=.2],-.2',
                      description="zigzag", length=0.8001)
    doc.modelspace().add_line((0, 0), (100, 0), dxfattribs={"linetype": "GAS_LINE"})
    doc.modelspace().add_line((0, 10), (100, 10), dxfattribs={"linetype": "ZIGZAG"})
    doc.saveas(tmp_path / "n.dxf")
    d = load_dxf(tmp_path / "n.dxf")
    (note,) = [n for n in d.notes if "linetype" in n]
    assert "ZIGZAG (1 entity)" in note and "GAS_LINE" not in note and "SHX" in note


def test_a_sheet_sets_a_bounded_number_of_symbols(tmp_path, monkeypatch):
    """Each symbol is a text (~10 µs to set, and searchable): past the sheet's share the lines
    keep their dashes only, and a note says so (an info: the file is intact)."""
    from drawreview.cad.notes import repairs_of

    monkeypatch.setattr(ltsymbols, "MAX_PER_PAINTER", 50)
    doc = ezdxf.new("R2018", units=4)
    doc.header["$LTSCALE"] = 10
    doc.linetypes.add("GAS_LINE", pattern=GAS, description="Gas line", length=0.95)
    for i in range(5):
        doc.modelspace().add_line((0, 20 * i), (400, 20 * i), dxfattribs={"linetype": "GAS_LINE"})
    _, (res,) = _render(doc, tmp_path)
    assert len([t for t in res.texts if t["text"] == "GAS"]) == 50
    (note,) = [n for n in res.notes if "complex linetypes" in n]
    assert "first 50 occurrences" in note and not repairs_of([note])
