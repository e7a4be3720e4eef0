"""An attribute definition (ATTDEF) outside a block is drawn as its tag, as AutoCAD shows and
plots it and as ezdxf's drawing add-on draws it; one inside a block is not (its inserts show
their ATTRIBs). Drawings made by hand or by programs that write a title block's fields as
loose ATTDEFs (the block never made) lost those words and the room they take on the sheet."""

from __future__ import annotations

import ezdxf
import pymupdf

from drawreview.cad.loader import load_drawing
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


def _doc():
    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (100, 0), (100, 60), (0, 60)], close=True)
    # loose in model space, past the rectangle: the tag shows, not the default value
    msp.add_attdef("DRAWING_NO", (130, 10), "A-101", dxfattribs={"height": 5})
    hidden = msp.add_attdef("CHECKED_BY", (130, 30), "LI", dxfattribs={"height": 5})
    hidden.is_invisible = True  # the flag hides the ATTRIB of an insert, not the definition's tag
    block = doc.blocks.new("ROOM")
    block.add_circle((0, 0), 5)
    block.add_attdef("ROOM_TAG", (0, -10), "000", dxfattribs={"height": 3})
    msp.add_blockref("ROOM", (50, 30)).add_auto_attribs({"ROOM_TAG": "101"})
    return doc


def test_a_loose_attribute_definition_draws_its_tag_and_takes_its_room(tmp_path):
    _doc().saveas(tmp_path / "attdef.dxf")
    d = load_drawing(tmp_path / "attdef.dxf")
    (spec,) = split_sheets(d)
    assert spec.bbox[2] > 150  # the tag (x 130, ten letters 5 high) is on the sheet
    (res,) = render_drawing(d, [spec], tmp_path)
    words = [t["text"] for t in res.texts]
    assert "DRAWING_NO" in words and "CHECKED_BY" in words
    assert "101" in words  # the insert's attribute
    assert "ROOM_TAG" not in words and "000" not in words and "A-101" not in words
    page_words = pymupdf.open(res.pdf)[0].get_text()
    assert "DRAWING_NO" in page_words and "ROOM_TAG" not in page_words


def test_the_words_are_those_ezdxf_draws(tmp_path):
    """The independent reference: the lines of lettering ezdxf's frontend draws for the same
    space (taken where it hands each line to its pipeline)."""
    from ezdxf.addons.drawing import Frontend, RenderContext
    from ezdxf.addons.drawing.recorder import Recorder

    doc = _doc()
    front = Frontend(RenderContext(doc), Recorder())
    drawn, draw_text = [], front.pipeline.draw_text

    def record(text, *args, **kwargs):
        drawn.append(text)
        return draw_text(text, *args, **kwargs)

    front.pipeline.draw_text = record
    front.draw_layout(doc.modelspace(), finalize=True)
    doc.saveas(tmp_path / "attdef.dxf")
    d = load_drawing(tmp_path / "attdef.dxf")
    (res,) = render_drawing(d, split_sheets(d), tmp_path)
    assert sorted(t["text"] for t in res.texts) == sorted(drawn) == ["101", "CHECKED_BY", "DRAWING_NO"]
