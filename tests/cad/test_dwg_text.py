"""Texts of a DWG written by another program than AutoCAD (ezdwg's R2000 writer, with the
options tests/dwg_inputs.py leaves unused): what pycadkit reads but its DXF leaves out is put
back (cad/dwgtext.py): a TEXT's backward / upside-down flags and a style's big font."""

from __future__ import annotations

import ezdwg
import pytest

from drawreview.cad import dwgtext
from drawreview.cad.dwg import load_dwg


@pytest.fixture(scope="module")
def drawing(tmp_path_factory):
    path = tmp_path_factory.mktemp("dwgtext") / "mirrored.dwg"
    out = ezdwg.new()
    out.header["codepage"] = 39  # ANSI_936: GBK strings, as a Chinese AutoCAD 2000 stores them
    out.header["insunits"] = 4
    out.text_styles["HZ"] = {"font": "tssdeng.shx", "bigfont": "gbcbig.shx", "width": 0.7}
    msp = out.modelspace()
    msp.add_text("正常文字", (0, 0), height=100, style="HZ")
    msp.add_text("镜像文字", (0, 300), height=100, style="HZ", text_generation_flag=2)
    msp.add_text("上下颠倒", (0, 600), height=100, text_generation_flag=4)
    msp.add_text("镜像居中", (2000, 300), height=100, text_generation_flag=6, halign=1, align_point=(2000, 300))
    block = out.blocks.new("符号", base_point=(0, 0, 0))
    block.add_text("块内镜像", (0, 0), height=50, text_generation_flag=2)
    block.add_line((0, 0), (500, 0))
    msp.add_blockref("符号", (0, 1000))
    out.save(str(path))
    return load_dwg(path)


def test_a_mirrored_texts_flags_survive_the_conversion(drawing):
    """Without ``dwgtext.restore`` every TEXT came out with no group 71 (drawn plain)."""
    got = {e.dxf.text: e.dxf.get("text_generation_flag", 0) for e in drawing.doc.entitydb.values()
           if e.dxftype() == "TEXT"}
    assert got == {"正常文字": 0, "镜像文字": 2, "上下颠倒": 4, "镜像居中": 6, "块内镜像": 2}


def test_a_styles_big_font_survives_the_conversion(drawing):
    """The SHX font of the Chinese characters (``gbcbig.shx``): written empty by the converter."""
    style = drawing.doc.styles.get("HZ")
    assert (style.dxf.font, style.dxf.get("bigfont"), style.dxf.width) == ("tssdeng.shx", "gbcbig.shx", 0.7)
    assert not any("generation" in n or "big font" in n for n in drawing.notes)  # nothing lost: no note


def test_read_takes_only_texts_and_only_mirroring_bits():
    text = ('{"a":[{"id":7,"layer":"0","kind":{"type":"text","position":{"x":1.0,"y":2.0,"z":0.0},'
            '"value":"\\u955c"},"attributes":[],"props":{"dwg.generation":3,"dwg.insertion_point":[1.5,2.5,0.0]}},'
            '{"id":8,"kind":{"type":"mtext","value":"x"},"props":{"dwg.generation":2}},'
            '{"id":9,"kind":{"type":"text","position":{"x":0.0,"y":0.0},"value":"y"},"props":{"dwg.generation":1}}]}')
    assert dwgtext.read(text, [{"name": "S", "props": {}}]) == {"flags": [("镜", 1.5, 2.5, 2)]}
