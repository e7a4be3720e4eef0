"""What sdxf (PyPI "dxf"; its sdxf.py is copied into many scripts) writes, read and drawn as
AutoCAD does (docs/decisions/141): an LWPOLYLINE in its R12-style file, a polyline's width given
after its last vertex only, and Chinese written in the locale's GBK with no code page declared."""

import re

import ezdxf

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from tests.cad.ink import ink_at


def _sdxf_file(path, gbk: bool = False):
    """An R12 drawing (ezdxf writes it) with an LWPOLYLINE spliced in as sdxf writes one: no
    subclass markers, its width (40/41) after the last vertex; with *gbk*, its texts and layer
    names in GBK and no $DWGCODEPAGE, as sdxf run on a Chinese Windows saves it."""
    layer, title = ("墙体", "图名 一层平面图") if gbk else ("WALL", "PLAN")
    doc = ezdxf.new("R12")
    doc.layers.add(layer)
    msp = doc.modelspace()
    msp.add_line((0, 0), (10000, 0))
    msp.add_line((0, 0), (0, 7000))
    msp.add_text(title, height=300, dxfattribs={"layer": layer}).set_placement((500, 500))
    doc.saveas(path, encoding="gbk")
    data = path.read_bytes()
    if gbk:
        data = re.sub(rb"  9\n\$DWGCODEPAGE\n  3\n[^\n]*\n", b"", data)
        assert b"DWGCODEPAGE" not in data
    lw = ["0", "LWPOLYLINE", "8", layer, "70", "1", "90", "4"]
    for x, y in ((1000, 1000), (9000, 1000), (9000, 6000), (1000, 6000)):
        lw += ["10", str(x), "20", str(y)]
    lw += ["40", "200", "41", "200"]
    at = data.index(b"ENTITIES")
    end = data.index(b"ENDSEC", at)
    end = data.rindex(b"0", at, end)
    data = data[:end] + "\n".join(lw).encode("gbk") + b"\n" + data[end:]
    path.write_bytes(data)
    return path


def test_an_lwpolyline_in_an_r12_file_is_read_as_a_polyline(tmp_path):
    drawing = load_dxf(_sdxf_file(tmp_path / "sdxf.dxf"))  # ezdxf alone refuses the whole file
    (pline,) = drawing.doc.modelspace().query("POLYLINE")
    assert pline.is_closed and [tuple(v.dxf.location)[:2] for v in pline.vertices] == [
        (1000, 1000), (9000, 1000), (9000, 6000), (1000, 6000)]
    assert pline.vertices[3].dxf.start_width == 200 and pline.dxf.layer == "WALL"
    assert any("LWPOLYLINE" in note for note in drawing.repairs)


def test_a_polylines_segments_without_width_are_drawn_beside_its_wide_one(tmp_path):
    # sdxf puts the width after the last vertex: only the closing side is wide. AutoCAD draws
    # the other three as lines; the sheet drew the filled outline alone (ezdxf's drawing too)
    doc = ezdxf.new("R2000")
    msp = doc.modelspace()
    msp.add_line((0, 0), (10000, 0))
    msp.add_line((0, 0), (0, 7000))
    msp.add_lwpolyline([(1000, 1000, 0, 0), (9000, 1000, 0, 0), (9000, 6000, 0, 0), (1000, 6000, 200, 200)],
                       format="xyse", close=True)
    doc.saveas(tmp_path / "wide.dxf")
    drawing = load_dxf(tmp_path / "wide.dxf")
    (res,) = render_drawing(drawing, split_sheets(drawing), tmp_path / "out")
    assert ink_at(res, reach=3, points=[(1000, 3500), (5000, 1000), (9000, 3500), (5000, 6000)]) == [True] * 4
    assert ink_at(res, reach=3, points=[(5000, 3500)]) == [False]


def test_gbk_texts_without_a_code_page_are_read_as_gbk_when_recovering(tmp_path):
    drawing = load_dxf(_sdxf_file(tmp_path / "gbk.dxf", gbk=True))
    assert "墙体" in [layer.dxf.name for layer in drawing.doc.layers]
    texts = [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")]
    assert texts == ["图名 一层平面图"]
    assert drawing.doc.modelspace().query("POLYLINE")[0].dxf.layer == "墙体"
