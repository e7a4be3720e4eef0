"""The text search of a sheet: what the sheet shows first, then lettering on layers hidden by
default, each saying so (docs/decisions/128)."""

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from drawreview.services.sheets import search_texts


def test_lettering_on_hidden_layers_comes_last_and_says_so(tmp_path):
    import ezdxf

    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    doc.layers.add("SHUT").off()
    doc.layers.add("TEMP").dxf.plot = 0
    msp.add_line((0, 0), (10000, 5000))
    for i, layer in enumerate(("SHUT", "0", "TEMP", "0")):  # the drawing's order puts hidden ones first
        msp.add_text(f"楼梯间{i}", height=300, dxfattribs={"layer": layer}).set_placement((500, 500 + 800 * i))
    doc.saveas(tmp_path / "s.dxf")
    drawing = load_dxf(tmp_path / "s.dxf")
    [res] = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    meta = {"texts": res.texts}
    found = search_texts(meta, "楼梯间")
    assert [(t["text"], t.get("hidden", False), t.get("layer")) for t in found] == [
        ("楼梯间1", False, None), ("楼梯间3", False, None), ("楼梯间0", True, "SHUT"), ("楼梯间2", True, "TEMP")]
    assert [t["text"] for t in search_texts(meta, "楼梯间", limit=3)] == ["楼梯间1", "楼梯间3", "楼梯间0"]
