"""cad/dxfread.py: the one-pass tag reader gives ezdxf's own result, or hands the file to ezdxf."""

from __future__ import annotations

import ezdxf
import pytest
from ezdxf.filemanagement import dxf_file_info
from ezdxf.lldxf import loader
from ezdxf.lldxf.tagger import ascii_tags_loader, tag_compiler
from ezdxf.lldxf.validator import is_binary_dxf_file

from drawreview.cad import dxfread
from drawreview.cad.codepage import GBK_SNIFFED
from drawreview.cad.dxf import load_dxf
from tests.cad.conftest import REAL_FILES
from tests.cad.test_dxf import VERSIONS, _versions_drawing

ASCII_REAL = [p for p in REAL_FILES if p.suffix == ".dxf" and not is_binary_dxf_file(str(p))]


def _ezdxf_sections(path):
    info = dxf_file_info(str(path))
    with open(path, encoding=info.encoding, errors="surrogateescape") as fp:
        return loader.load_dxf_structure(tag_compiler(ascii_tags_loader(fp)))


def _ours(path):
    info = dxf_file_info(str(path))
    with open(path, encoding=info.encoding, errors="surrogateescape") as fp:
        return dxfread.sections_of(fp.read())


def _same_sections(a, b) -> None:
    assert list(a) == list(b)
    for name in a:
        assert len(a[name]) == len(b[name]), name
        for x, y in zip(a[name], b[name]):
            assert [(type(t), t.code, t.value) for t in x] == [(type(t), t.code, t.value) for t in y]


def _same_document(path) -> None:
    ref, ours = ezdxf.readfile(path), dxfread.readfile(path)
    assert ours.dxfversion == ref.dxfversion and ours.encoding == ref.encoding
    assert sorted(ref.entitydb.keys()) == sorted(ours.entitydb.keys())
    for handle, e in ref.entitydb.items():
        o = ours.entitydb[handle]
        assert o.dxftype() == e.dxftype()
        assert o.dxf.all_existing_dxf_attribs() == e.dxf.all_existing_dxf_attribs(), handle
    assert [lay.name for lay in ours.layouts] == [lay.name for lay in ref.layouts]


@pytest.mark.parametrize("path", ASCII_REAL, ids=[p.name for p in ASCII_REAL])
def test_real_files_read_as_ezdxf_reads_them(path):
    try:
        ref = _ezdxf_sections(path)
    except ezdxf.DXFStructureError:  # damaged: ezdxf refuses it, so must we (ezdxf then decides)
        with pytest.raises(dxfread.NotPlain):
            _ours(path)
        return
    _same_sections(ref, _ours(path))
    _same_document(path)


@pytest.mark.parametrize("version", [v for v, _ in VERSIONS])
def test_every_version_and_codepage(tmp_path, specimens, version):
    path = tmp_path / f"{version}.dxf"
    _versions_drawing(version).saveas(path)
    _same_sections(_ezdxf_sections(path), _ours(path))
    for key in ("gbk", "big5", "attrib3"):
        _same_sections(_ezdxf_sections(specimens[key]), _ours(specimens[key]))
        _same_document(specimens[key])


def test_unicode_escapes_are_decoded_as_the_decoding_reader_does(tmp_path):
    path = tmp_path / "r2000.dxf"
    _versions_drawing("R2000").saveas(path)
    raw = path.read_bytes()
    assert b"\\U+" in raw  # ezdxf writes the Chinese of an ANSI_1252 R2000 file as escapes
    assert "门" not in ezdxf.readfile(path).blocks  # ezdxf's strict reader leaves escapes as they are
    decoded = dxfread.readfile(path)
    assert "门" in decoded.blocks and "墙体" in decoded.layers
    texts = sorted(e.dxf.text for e in decoded.query("TEXT"))
    assert any("客厅" in t for t in texts) and not any("\\U+" in t for t in texts)


def _in_entities(old: str, new: str):
    def damage(text: str) -> str:
        at = text.index("ENTITIES")
        return text[:at] + text[at:].replace(old, new, 1)
    return damage


@pytest.mark.parametrize("damage,expect", [
    (_in_entities("\n 10\n", "\n1O\n"), "group code"),  # a letter O in a group code
    (_in_entities("\n 20\n", "\n 21\n"), "point without y"),
    (_in_entities("\n 40\n", "\n 40\nabc\n 40\n"), "value 'abc'"),
    (lambda s: s[:s.rindex("EOF")], "no EOF"),
    (lambda s: s.replace("ENDSEC", "ENDSEK", 1), "SECTION inside a section"),
])
def test_anything_unexpected_goes_back_to_ezdxf(tmp_path, specimens, damage, expect):
    text = specimens["single"].read_text(encoding="utf-8")
    path = tmp_path / "damaged.dxf"
    path.write_text(damage(text), encoding="utf-8")
    with pytest.raises(dxfread.NotPlain, match=expect):
        _ours(path)
    with pytest.raises(ezdxf.DXFStructureError):  # ezdxf's strict reader refuses it too
        ezdxf.readfile(path)
    with pytest.raises(ezdxf.DXFStructureError):  # and readfile hands it to ezdxf, not past it
        dxfread.readfile(path)


@pytest.mark.parametrize("version", ["R12", "R2000", "R2010", "R2018"])
def test_binary_files_read_as_ezdxf_reads_them(tmp_path, version):
    from ezdxf.lldxf.tagger import binary_tags_loader

    path = tmp_path / f"{version}.dxf"
    _versions_drawing(version).saveas(path, fmt="bin")
    real = [p for p in REAL_FILES if p.suffix == ".dxf" and is_binary_dxf_file(str(p))]
    assert real  # the shared drawings hold a binary file made by another program
    for p in [path] + real:
        data = p.read_bytes()
        ref = loader.load_dxf_structure(tag_compiler(binary_tags_loader(data)))
        _same_sections(ref, dxfread.binary_sections_of(data))
        doc = dxfread.readfile(p) if p in real else None
        if doc is not None:
            _same_document(p)
    # a pre-2007 binary file's escapes are decoded too
    if version in ("R12", "R2000"):
        assert "门" in dxfread.readfile(path).blocks and "门" not in ezdxf.readfile(path).blocks


def test_repeated_tags_are_one_object_and_keep_their_values():
    """A tag repeated with the same code and value is read once and shared (tags are immutable:
    ezdxf's ``clone`` returns the tag itself); values that are equal but written apart stay
    apart: 0.0 and -0.0 (in a binary file the numbers come typed, and 0.0 == -0.0), "1" and "1.0"."""
    import math
    import struct

    texts = [("0", "0.0", "1"), ("0", "-0.0", "1.0"), ("0", "0.0", "1"), ("0", "-0.0", "1")]
    ascii_text = "  0\nSECTION\n  2\nENTITIES\n" + "".join(
        f"  0\nTEXT\n  8\nWALL\n 10\n{x}\n 20\n0\n 40\n{h}\n 72\n{flag}\n  1\nA\n" for x, h, flag in texts) \
        + "  0\nENDSEC\n  0\nEOF\n"

    def tag(code, value):  # R12 binary DXF: a 1-byte group code, doubles of 8 bytes, strings ending in NUL
        if code in (10, 20, 40):
            return bytes([code]) + struct.pack("<d", float(value))
        if code == 72:
            return bytes([code]) + struct.pack("<h", int(float(value)))
        return bytes([code]) + value.encode() + b"\0"

    binary = dxfread.BINARY_SENTINEL + b"".join(
        [tag(0, "SECTION"), tag(2, "ENTITIES")]
        + [tag(0, "TEXT") + tag(8, "WALL") + tag(10, x) + tag(20, 0) + tag(40, h) + tag(72, f) + tag(1, "A")
           for x, h, f in texts] + [tag(0, "ENDSEC"), tag(0, "EOF")])
    for sections in (dxfread.sections_of(ascii_text), dxfread.binary_sections_of(binary)):
        groups = sections["ENTITIES"]
        heights = [t.value for g in groups for t in g if t.code == 40]
        assert [math.copysign(1, h) for h in heights] == [1, -1, 1, -1] and heights == [0.0] * 4
        layers = [t for g in groups for t in g if t.code == 8]
        assert [t.value for t in layers] == ["WALL"] * 4 and all(t is layers[0] for t in layers)
        aligns = [t for g in groups for t in g if t.code == 72]
        assert [t.value for t in aligns] == [1, 1, 1, 1]
    aligns = [t for g in dxfread.sections_of(ascii_text)["ENTITIES"] for t in g if t.code == 72]
    assert aligns[0] is aligns[2] is aligns[3] is not aligns[1]  # "1.0" read on its own


def test_a_binary_file_cut_short_goes_back_to_ezdxf(tmp_path):
    path = tmp_path / "bin.dxf"
    _versions_drawing("R2010").saveas(path, fmt="bin")
    data = path.read_bytes()
    with pytest.raises(dxfread.NotPlain):
        dxfread.binary_sections_of(data[:len(data) // 2])
    (tmp_path / "cut.dxf").write_bytes(data[:len(data) // 2])
    with pytest.raises(Exception) as ours:
        dxfread.readfile(tmp_path / "cut.dxf")
    with pytest.raises(Exception) as theirs:
        ezdxf.readfile(tmp_path / "cut.dxf")
    assert type(ours.value) is type(theirs.value)  # ezdxf's own error (what load_dxf then handles)


def test_lines_in_the_old_coordinate_order_are_reordered_as_recover_does():
    from ezdxf import recover

    path = next(p for p in REAL_FILES if p.name == "ezdxf__AC1003_LINE_Example.dxf")
    with pytest.raises(ezdxf.DXFStructureError):
        ezdxf.readfile(path)  # x1 x2 y1 y2: the strict reader refuses it
    doc, repairs = dxfread.read(path)
    assert repairs == [dxfread.REORDERED]
    ref, _ = recover.readfile(path)

    def lines(d):
        return sorted((tuple(e.dxf.start), tuple(e.dxf.end), e.dxf.layer, e.dxf.color) for e in d.modelspace().query("LINE"))

    assert lines(doc) == lines(ref) and len(lines(doc)) > 10
    drawing = load_dxf(path, audit=False)
    assert drawing.recovered and dxfread.REORDERED in drawing.repairs and not drawing.audited


def test_reordering_reads_cr_lf_files_too(tmp_path):
    path = next(p for p in REAL_FILES if p.name == "ezdxf__AC1003_LINE_Example.dxf")
    crlf = tmp_path / "crlf.dxf"
    crlf.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    doc, repairs = dxfread.read(crlf)
    assert repairs == [dxfread.REORDERED]
    assert {e.dxf.layer for e in doc.modelspace()} == {e.dxf.layer for e in dxfread.read(path)[0].modelspace()}
    assert not any("\r" in e.dxf.layer for e in doc.modelspace())


@pytest.mark.parametrize("block", [37, 1000])
def test_reading_a_block_at_a_time_gives_the_same_tags(tmp_path, specimens, monkeypatch, block):
    """Large files are split into lines a few MB at a time: a point, a CR LF or a multi-byte
    character across a block boundary reads as in one piece."""
    monkeypatch.setattr(dxfread, "BLOCK", block)
    crlf = tmp_path / "crlf.dxf"
    crlf.write_bytes(specimens["gbk"].read_bytes().replace(b"\n", b"\r\n"))
    no_newline = tmp_path / "tail.dxf"
    no_newline.write_bytes(specimens["single"].read_bytes().rstrip(b"\n"))
    for path in [specimens["gbk"], specimens["big5"], crlf, no_newline, ASCII_REAL[0]]:
        ref = _ezdxf_sections(path)
        data = path.read_bytes()
        info = dxf_file_info(str(path))
        got = dxfread._structure(dxfread._line_blocks(dxfread._text_blocks(data, info.encoding)), True, False)
        _same_sections(ref, got)


def _saved_in(tmp_path, name: str, texts: list[str], layer: str, codepage: str, encoding: str):
    """An R2000 file whose texts are bytes of *encoding* while its header says *codepage*, as
    an English CAD program saves a Chinese drawing (ezdxf itself would write \\U+ escapes)."""
    import re

    doc = ezdxf.new("R2000")
    doc.layers.add(layer)
    for i, t in enumerate(texts):
        doc.modelspace().add_text(t, dxfattribs={"layer": layer, "insert": (0, i * 10)})
    doc.saveas(tmp_path / "escaped.dxf")
    text = (tmp_path / "escaped.dxf").read_text("cp1252")
    text = re.sub(r"\\U\+([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    path = tmp_path / name
    path.write_bytes(text.replace("ANSI_1252", codepage).encode(encoding))
    return path


CHINESE = ["一层平面图 建筑面积 1200㎡", "防火分区面积", "疏散楼梯", "±0.000"]


@pytest.mark.parametrize("codepage", ["ANSI_1252", "ANSI_1251_IS_NOT_A_PAGE"])
def test_gbk_texts_under_an_ansi_1252_header_are_read_as_gbk(tmp_path, codepage):
    """A pre-2007 file that says ANSI_1252 (or a page ezdxf reads as ANSI_1252) but holds GBK
    bytes: its layer names and texts come back Chinese, and the notes say why."""
    drawing = load_dxf(_saved_in(tmp_path, "lied.dxf", CHINESE, "防火分区", codepage, "gbk"))
    assert "防火分区" in [layer.dxf.name for layer in drawing.doc.layers]
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == CHINESE
    assert GBK_SNIFFED in drawing.repairs
    assert drawing.doc.header["$DWGCODEPAGE"] == "ANSI_936"


def test_a_western_ansi_1252_file_stays_ansi_1252(tmp_path):
    german = ["Türen und Maße", "Größe 12 m²", "Fluchtweg Länge ≤ 35 m".replace("≤", "<"), "Höhe 3,50 m"]
    drawing = load_dxf(_saved_in(tmp_path, "west.dxf", german, "Wände", "ANSI_1252", "cp1252"))
    assert "Wände" in [layer.dxf.name for layer in drawing.doc.layers]
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == german
    assert GBK_SNIFFED not in drawing.repairs


def test_a_file_that_says_gbk_is_not_second_guessed(tmp_path):
    drawing = load_dxf(_saved_in(tmp_path, "honest.dxf", CHINESE, "防火分区", "ANSI_936", "gbk"))
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == CHINESE
    assert GBK_SNIFFED not in drawing.repairs


def test_gbk_texts_survive_the_recover_reader_too(tmp_path):
    """A damaged file of the same kind (a group code written "8.0": the strict readers refuse
    it) goes to ezdxf's recover reader, told the file's real code page."""
    raw = _saved_in(tmp_path, "lied.dxf", CHINESE, "防火分区", "ANSI_1252", "gbk").read_bytes()
    at = raw.find(b"ENTITIES")
    damaged = tmp_path / "damaged.dxf"
    damaged.write_bytes(raw[:at] + raw[at:].replace(b"\n  8\n", b"\n8.0\n", 1))
    drawing = load_dxf(damaged)
    assert drawing.recovered and GBK_SNIFFED in drawing.repairs
    assert "防火分区" in [layer.dxf.name for layer in drawing.doc.layers]
    assert [e.dxf.text for e in drawing.doc.modelspace().query("TEXT")] == CHINESE
