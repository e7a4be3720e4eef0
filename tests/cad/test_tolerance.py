"""Feature control frames (TOLERANCE) drawn as AutoCAD draws them (cad/tolerance.py): the
content parsed into rows and compartments with the GDT symbols, sizes from the dimension style
and its overrides, and the recovered tolerances of ACadSharp's sample drawn on the model sheet:
frame lines from the insertion point and the compartments' texts in the PDF, no note calling
them undrawn. ezdxf's own renderer draws nothing for a TOLERANCE (the reason for the module);
the reference for position and content is ACadSharp's DXF of the same drawing."""

from __future__ import annotations

import ezdxf
import pymupdf
import pytest

from drawreview.cad import tolerance
from drawreview.cad.loader import load_drawing
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"


def test_content_is_rows_of_compartments_with_gdt_symbols():
    content = "{\\Fgdt;j}%%v{\\Fgdt;n}0.05{\\Fgdt;m}%%vA%%v%%vC^J{\\Fgdt;u}%%v0.1%%%\n%%v%%v"
    assert tolerance.rows(content) == [
        [[("g", "j")], [("g", "n"), ("t", "0.05"), ("g", "m")], [("t", "A")], [("t", "C")]],
        [[("g", "u")], [("t", "0.1%")]],
    ]
    assert tolerance.texts(ezdxf.new().modelspace().new_entity("TOLERANCE", {"content": content})) == \
        ["⌖", "⌀0.05Ⓜ", "A", "C", "⏤", "0.1%"]
    assert tolerance.rows("{\\Fgdt;R}%%v%%c12%%v5%%d") == [[[("g", "r")], [("t", "⌀12")], [("t", "5°")]]]
    assert tolerance.rows("") == [] and tolerance.rows("%%v%%v") == []
    # the symbols a–u the TOLERANCE dialog writes are strokes; the ringed letters a circle and a letter
    assert set("abcdefghijklmnprstu") <= set(tolerance.STROKES)
    assert tolerance.SYMBOLS["c"] == "⏥" and tolerance.SYMBOLS["u"] == "⏤" and tolerance.SYMBOLS["j"] == "⌖"


def test_sizes_from_the_style_and_the_entitys_override():
    doc = ezdxf.new("R2018")
    style = doc.dimstyles.new("Big")
    style.dxf.dimtxt, style.dxf.dimgap, style.dxf.dimscale = 3.0, 1.0, 2.0
    e = doc.modelspace().new_entity("TOLERANCE", {"content": "A", "dimstyle": "Big"})
    assert tolerance.sizes(e) == (6.0, 2.0)
    e.set_xdata("ACAD", [(1000, "DSTYLE"), (1002, "{"), (1070, 140), (1040, 0.18), (1070, 147), (1040, 0.09),
                         (1002, "}")])
    assert tolerance.sizes(e) == pytest.approx((0.36, 0.18))
    e.dxf.dimstyle = "Missing"  # its style gone: Standard's (DIMSCALE 1), the override kept
    assert tolerance.sizes(e) == pytest.approx((0.18, 0.09))


def test_frames_start_at_the_insertion_point_and_follow_the_direction():
    doc = ezdxf.new("R2018")
    e = doc.modelspace().new_entity("TOLERANCE", {"content": "{\\Fgdt;j}%%v0.1%%vA^J{\\Fgdt;u}%%v0.2",
                                                  "insert": (10, 20), "x_axis_vector": (0, 1, 0),
                                                  "layer": "GDT", "color": 3})
    h, g = tolerance.sizes(e)  # ezdxf's Standard: 2.5, 0.625
    ves = tolerance.virtual_entities(e)
    assert {v.dxf.layer for v in ves} == {"GDT"} and {v.dxf.color for v in ves} == {3}
    row = h + 2 * g  # the frame's lines are a row long or longer, the symbols' strokes shorter
    lines = [v for v in ves if v.dxftype() == "LINE" and (v.dxf.end - v.dxf.start).magnitude > row - 1e-9]
    # turned 90°: the rows run along +y, the first centred on the insert point, the second
    # "below" it (at +x, the frame's down turned with it)
    across = sorted({round(p.x, 9) for v in lines for p in (v.dxf.start, v.dxf.end)})
    assert across == pytest.approx([10 - row / 2, 10 + row / 2, 10 + row * 1.5])
    assert min(min(v.dxf.start.y, v.dxf.end.y) for v in lines) == pytest.approx(20)
    texts = {v.dxf.text: v for v in ves if v.dxftype() == "TEXT"}
    assert set(texts) == {"0.1", "A", "0.2"} and {t.dxf.height for t in texts.values()} == {h}
    assert all(t.dxf.rotation == pytest.approx(90) for t in texts.values())


def test_ezdxfs_renderer_draws_nothing_for_a_tolerance():
    from ezdxf.addons.drawing import Frontend, RenderContext
    from ezdxf.addons.drawing.recorder import Recorder

    doc = ezdxf.readfile(REFERENCE)
    msp = doc.modelspace()
    recorder = Recorder()
    Frontend(RenderContext(doc), recorder).draw_entities(msp.query("TOLERANCE"))
    assert len(list(recorder.records)) == 0 and len(msp.query("TOLERANCE")) == 3


@pytest.mark.parametrize("name", ["acadsharp__sample_AC1014.dwg", "acadsharp__sample_AC1032.dwg"])
def test_recovered_tolerances_are_drawn_on_the_sheet(name, tmp_path):
    """The model sheet of ACadSharp's sample: no note names TOLERANCE undrawn; at each insertion
    point (ACadSharp's DXF has the same ones) the PDF has the frame's left edge, a row high
    (the DWG's DIMTXT 0.18 and a gap each side), and the compartments' texts."""
    reference = ezdxf.readfile(REFERENCE)
    want = sorted((round(e.dxf.insert.x, 6), round(e.dxf.insert.y, 6)) for e in reference.query("TOLERANCE"))
    drawing = load_drawing(DWGS / name)
    tols = list(drawing.doc.modelspace().query("TOLERANCE"))
    assert sorted((round(e.dxf.insert.x, 6), round(e.dxf.insert.y, 6)) for e in tols) == want
    assert {tolerance.sizes(e) for e in tols} == {(0.18, 0.09)}
    spec = next(s for s in split_sheets(drawing) if s.key == "model")
    res = render_drawing(drawing, [spec], tmp_path)[0]
    assert not any("TOLERANCE" in n for n in res.notes), res.notes
    a, ex, f = res.map
    page = pymupdf.open(res.pdf)[0]
    segments = [(item[1], item[2]) for d in page.get_drawings() for item in d["items"] if item[0] == "l"]
    row = a * 0.36  # 0.18 + 2 × 0.09, in points
    for x, y in want:
        px, py = a * x + ex, f - a * y
        edge = [(p, q) for p, q in segments if abs(p.x - px) < 0.01 and abs(q.x - px) < 0.01
                and abs(abs(p.y - q.y) - row) < 0.01 and abs((p.y + q.y) / 2 - py) < 0.01]
        assert edge, (x, y)
    words = page.get_text("words")
    for text, (x, y) in (("99", want[1]), ("a", want[1]), (".5", want[0]), ("5", want[0])):
        px, py = a * x + ex, f - a * y
        assert any(w[4] == text and px < w[0] < px + 3 * row and py < w[3] < py + 4 * row for w in words), text


def test_frame_lines_are_the_lines_ezdxf_makes():
    """The frame's LINEs are copied from one checked template: each equals ``Line.new`` of the
    entity's properties and its points, attribute for attribute, bound to the same document."""
    from ezdxf.entities import Line

    doc = ezdxf.new("R2018", setup=["linetypes"])
    doc.layers.add("GDT")
    e = doc.modelspace().new_entity("TOLERANCE", {
        "content": "{\\Fgdt;j}%%v0.1%%vA^J{\\Fgdt;u}%%v0.2", "insert": (10, 20), "x_axis_vector": (1, 1, 0),
        "layer": "GDT", "color": 3, "linetype": "DASHED", "lineweight": 35, "true_color": 0x123456, "ltscale": 2.0})
    lines = [v for v in tolerance.virtual_entities(e) if v.dxftype() == "LINE"]
    assert len(lines) >= 10
    own = {k: e.dxf.get(k) for k in ("layer", "color", "true_color", "linetype", "lineweight", "ltscale")}
    for ln in lines:
        ref = Line.new(dxfattribs=own | {"start": ln.dxf.start, "end": ln.dxf.end}, doc=doc)
        assert ln.dxfattribs() == ref.dxfattribs() and ln.doc is doc and ln.dxf.handle is None
        assert type(ln.dxf.start) is type(ref.dxf.start) and ln.dxf.owner is None
