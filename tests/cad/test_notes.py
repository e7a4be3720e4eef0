"""What a sheet cannot show is said in its notes, in Chinese and English: missing external
files (images, underlays, XREF drawings) and custom objects without proxy graphics."""

from __future__ import annotations

import ezdxf

from drawreview.cad.dxf import load_dxf
from drawreview.cad.notes import Info, repairs_of
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


def _notes(path, tmp_path):
    d = load_dxf(path)
    return [n for r in render_drawing(d, split_sheets(d), tmp_path / "out") for n in r.notes]


def test_missing_image_and_xref_are_named(tmp_path):
    doc = ezdxf.new("R2018", units=4)
    msp = doc.modelspace()
    msp.add_line((0, 0), (5000, 3000))
    image_def = doc.add_image_def(filename="总图/航拍底图.jpg", size_in_pixel=(640, 480))
    msp.add_image(image_def, insert=(100, 100), size_in_units=(2000, 1500))
    doc.add_xref_def("结构/基础平面.dwg", "JC-XREF")
    msp.add_blockref("JC-XREF", (0, 0))
    doc.saveas(tmp_path / "x.dxf")
    notes = _notes(tmp_path / "x.dxf", tmp_path)
    for name in ("总图/航拍底图.jpg", "结构/基础平面.dwg"):
        note = next(n for n in notes if name in n)
        assert "未随图纸提供" in note and "not included" in note
        assert isinstance(note, Info) and not repairs_of([note])  # a note, not a repair


def test_custom_objects_without_proxy_graphics_are_counted(tmp_path):
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    msp.add_line((0, 0), (100, 100))
    doc.saveas(tmp_path / "plain.dxf")
    text = (tmp_path / "plain.dxf").read_text()
    owner = msp.layout_key
    walls = "".join(f"  0\nTCH_WALL\n  5\nAB{i}\n330\n{owner}\n100\nAcDbEntity\n  8\nWALL\n 10\n{i * 10}.0\n 20\n0.0\n 30\n0.0\n"
                    for i in range(3))
    proxy = (f"  0\nACAD_PROXY_ENTITY\n  5\nAC1\n330\n{owner}\n100\nAcDbEntity\n  8\nWALL\n100\nAcDbProxyEntity\n"
             " 90\n498\n 91\n500\n 95\n0\n 70\n0\n")
    at = text.index("  0\nENDSEC", text.index("ENTITIES"))
    (tmp_path / "tarch.dxf").write_text(text[:at] + walls + proxy + text[at:])
    notes = _notes(tmp_path / "tarch.dxf", tmp_path)
    note = next(n for n in notes if "TCH_WALL" in n)
    assert "4 个自定义对象" in note and "TCH_WALL × 3" in note and "ACAD_PROXY_ENTITY × 1" in note
    assert "T3" in note and "export plain entities" in note


def test_proxy_graphics_are_drawn(tmp_path):
    """AecObjects-like custom objects carry proxy graphics in real files; a 3DSOLID with proxy
    graphics (ezdxf__uncommon.dxf's MESH too) is drawn from them, not counted as missing."""
    from tests.cad.conftest import DRAWINGS

    notes = _notes(DRAWINGS / "ezdxf__uncommon.dxf", tmp_path)
    assert not any("自定义对象" in n for n in notes)


def test_stacked_mtext_in_drawing_and_search(tmp_path):
    import pymupdf

    from drawreview.cad import casebook

    d = load_dxf(casebook.stacks(tmp_path / "s.dxf"))
    (res,) = render_drawing(d, split_sheets(d), tmp_path / "out")
    texts = [t["text"] for t in res.texts]
    for want in ("面积 120m²", "板厚 3 1/2\"", "钢筋 1/4 in", "Ø20+0.05/-0.02"):
        assert want in texts, texts
    page = pymupdf.open(res.pdf)[0]
    assert page.search_for("120m²") and page.search_for("+0.05/-0.02")  # drawn as read
