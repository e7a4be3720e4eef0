import ezdxf
import pytest

from drawreview.cad import errors as E
from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .conftest import DRAWINGS, REAL_FILES

DXF_FILES = [p for p in REAL_FILES if p.suffix == ".dxf"]


@pytest.mark.parametrize("path", DXF_FILES, ids=lambda p: p.name)
def test_real_dxf_loads(path):
    d = load_dxf(path)
    recover_only = path.name in ("ezdxf__AC1003_LINE_Example.dxf", "ezdxf__recover01.dxf")
    assert d.recovered == recover_only
    if recover_only:
        assert any("recovered" in r for r in d.repairs)


def test_audit_fixes_are_listed():
    d = load_dxf(DRAWINGS / "ezdxf__duplicate_handles.dxf")
    assert len(d.repairs) >= 40 and all(isinstance(r, str) and r for r in d.repairs)


def test_units():
    assert (load_dxf(DRAWINGS / "ezdxf__bin_dxf_r2000.dxf").units, load_dxf(DRAWINGS / "ezdxf__bin_dxf_r2000.dxf").unit_m) == ("m", 1.0)
    assert load_dxf(DRAWINGS / "ezdxf__uncommon.dxf").units == "in"
    d = load_dxf(DRAWINGS / "ezdxf__3_us_main.dxf")  # $INSUNITS unset
    assert d.units == "mm" and d.unit_m == 0.001 and d.units_assumed
    assert any("INSUNITS" in n for n in d.notes)


def test_binary_dxf():
    d = load_dxf(DRAWINGS / "ezdxf__bin_dxf_r2000.dxf")
    assert d.doc.modelspace().query("TEXT")


@pytest.mark.parametrize("key, words", [("gbk", "卧室1"), ("big5", "臥室 廚房 樓梯間")])
def test_codepages(specimens, key, words):
    raw = specimens[key].read_bytes()
    enc = "gbk" if key == "gbk" else "big5"
    assert words.encode(enc) in raw and words.encode("utf-8") not in raw  # really that codepage
    d = load_dxf(specimens[key])
    texts = [t.dxf.text for t in d.doc.modelspace().query("TEXT")]
    assert words in texts


def test_truncated_file_is_specific(tmp_path, specimens):
    raw = specimens["gbk"].read_bytes()
    head = tmp_path / "head.dxf"
    head.write_bytes(raw[:400])
    with pytest.raises(E.TruncatedDrawing) as info:
        load_dxf(head)
    assert "head.dxf" in info.value.message_zh and info.value.code == "truncated_drawing"
    tail = tmp_path / "tail.dxf"
    tail.write_bytes(raw[: int(len(raw) * 0.97)])  # cut inside the entities / objects
    d = load_dxf(tail)
    assert any("truncated" in r for r in d.repairs)


def test_garbage_dxf_is_unreadable(tmp_path):
    p = tmp_path / "junk.dxf"
    p.write_bytes(b"  0\nSECTION\n  2\nENTITIES\n" + bytes(range(256)) * 50)
    with pytest.raises((E.BrokenDrawing, E.NoDrawableContent, E.TruncatedDrawing)) as info:
        load_dxf(p)
    assert "junk.dxf" in info.value.message_en


def test_damaged_coordinates_and_self_inserting_block(tmp_path):
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    blk = doc.blocks.new("SELF")
    blk.add_line((0, 0), (1, 1))
    blk.add_blockref("SELF", (2, 0))
    msp.add_blockref("SELF", (0, 0))
    msp.add_line((0, 0), (float("nan"), 5))
    msp.add_line((0, 0), (1e300, 5))
    msp.add_circle((1e300, 0), 5)
    msp.add_line((0, 0), (10, 10))
    doc.saveas(tmp_path / "bad.dxf")
    d = load_dxf(tmp_path / "bad.dxf")
    specs = split_sheets(d)
    assert specs[0].bbox == (0.0, 0.0, 10.0, 10.0)  # strays and NaN do not blow up the extents
    res = render_drawing(d, specs, tmp_path / "out")[0]
    notes = " ".join(res.notes)
    assert "3 entities with damaged coordinates" in notes
    assert "block SELF inserts itself" in notes
    content = open(res.pdf, "rb").read()
    assert b"nan" not in content.lower()


def test_truncation_anywhere_is_reported_as_truncation(tmp_path, specimens):
    """Wherever an interrupted upload cuts the file (mid-line, mid-group-code), the user is told
    the file is incomplete, never that it is merely 'damaged'."""
    raw = specimens["gbk"].read_bytes()
    outcomes = set()
    for i, frac in enumerate((0.2, 0.35, 0.5, 0.55, 0.7, 0.85)):
        for shift in range(0, 7):  # land on group codes, values and line breaks alike
            cut = tmp_path / f"cut-{i}-{shift}.dxf"
            cut.write_bytes(raw[: int(len(raw) * frac) + shift])
            try:
                d = load_dxf(cut)
            except E.TruncatedDrawing as exc:
                assert exc.code == "truncated_drawing" and cut.name in exc.message_zh
                outcomes.add("rejected")
            else:
                assert any("truncated" in r for r in d.repairs), d.repairs
                outcomes.add("accepted")
    assert outcomes  # both kinds are fine; a BrokenDrawing would have escaped the loop


VERSIONS = [("R12", "AC1009"), ("R2000", "AC1015"), ("R2004", "AC1018"), ("R2007", "AC1021"),
            ("R2010", "AC1024"), ("R2013", "AC1027"), ("R2018", "AC1032")]


def _versions_drawing(version: str):
    """Two A3 frames side by side (closed 2D POLYLINEs, as R12 drawings have them) with a
    Chinese title block each, a Chinese layer, a door block with an attribute and a room
    name: only entities every DXF version has."""
    doc = ezdxf.new(version)
    doc.layers.add("TK")
    doc.layers.add("墙体", color=1)
    door = doc.blocks.new("门")
    door.add_line((0, 0), (900, 0))
    door.add_arc((0, 0), 900, 0, 90)
    door.add_attdef("编号", (0, -300), dxfattribs={"height": 250})
    msp = doc.modelspace()
    for i, (number, title) in enumerate([("建施-01", "一层平面图"), ("建施-02", "二层平面图")]):
        ox = i * 50000.0
        msp.add_polyline2d([(ox, 0), (ox + 42000, 0), (ox + 42000, 29700), (ox, 29700)], close=True,
                           dxfattribs={"layer": "TK"})
        x0, y0 = ox + 24000, 1000
        msp.add_polyline2d([(x0, y0), (x0 + 17000, y0), (x0 + 17000, y0 + 6000), (x0, y0 + 6000)], close=True,
                           dxfattribs={"layer": "TK"})
        for tag, value, dy in [("图名", title, 4500), ("图号", number, 3000), ("专业", "建筑", 1500),
                               ("比例", "1:100", 300)]:
            msp.add_text(tag, height=350, dxfattribs={"layer": "TK"}).set_placement((x0 + 300, y0 + dy))
            msp.add_text(value, height=450, dxfattribs={"layer": "TK"}).set_placement((x0 + 3000, y0 + dy))
        for a, b in [((2000, 8000), (30000, 8000)), ((30000, 8000), (30000, 25000)), ((2000, 25000), (30000, 25000))]:
            msp.add_line((ox + a[0], a[1]), (ox + b[0], b[1]), dxfattribs={"layer": "墙体"})
        msp.add_text("客厅", height=500, dxfattribs={"layer": "墙体"}).set_placement((ox + 10000, 15000))
        msp.add_blockref("门", (ox + 5000, 8000), dxfattribs={"layer": "墙体"}).add_auto_attribs({"编号": f"M{i + 1}"})
    return doc


@pytest.mark.parametrize("fmt", ["asc", "bin"])
@pytest.mark.parametrize("version,acad", VERSIONS, ids=[v for v, _ in VERSIONS])
def test_every_dxf_version_ascii_and_binary_loads_splits_and_renders(tmp_path, version, acad, fmt):
    import pymupdf

    path = tmp_path / f"{version}-{fmt}.dxf"
    _versions_drawing(version).saveas(path, fmt=fmt)
    assert path.read_bytes().startswith(b"AutoCAD Binary DXF") == (fmt == "bin")
    d = load_dxf(path)
    assert d.version == acad and not d.recovered
    assert "门" in d.doc.blocks and "墙体" in d.doc.layers  # pre-2007 "\U+xxxx" escapes decoded
    specs = split_sheets(d)
    assert [(s.number, s.title, s.detected) for s in specs] == [("建施-01", "一层平面图", True),
                                                                 ("建施-02", "二层平面图", True)]
    results = render_drawing(d, specs, tmp_path / "out")
    assert len(results) == 2
    for res, (title, door) in zip(results, [("一层平面图", "M1"), ("二层平面图", "M2")]):
        text = pymupdf.open(res.pdf)[0].get_text()
        assert title in text and "客厅" in text and door in text, text
        assert {lay["name"] for lay in res.layers} >= {"TK", "墙体"}
        assert any(t["text"] == "客厅" for t in res.texts)


COMMA_DXF = "\n".join([
    "999", "written by an exporter in a comma locale (as OpenSCAD's test file for its issue 593)",
    "0", "SECTION", "2", "HEADER", "9", "$EXTMIN", "10", "0,1", "20", "-0,0244140625", "0", "ENDSEC",
    "0", "SECTION", "2", "ENTITIES",
    "0", "LINE", "8", "0", "10", "0,1", "20", "0,1", "11", "2,5", "21", "0",
    "0", "LINE", "8", "0", "10", "2,5", "20", "0", "11", "-1,75e1", "21", "12,5",
    "0", "TEXT", "8", "0", "10", "0", "20", "0", "40", "2,5", "1", "1,5 m",
    "0", "ENDSEC", "0", "EOF", ""])


def test_decimal_commas_keep_their_fractions(tmp_path):
    """Numbers written "2,5" (an exporter in a comma locale) are read as 2.5, not cut to 2.0 as
    ezdxf's recover reader would; a text that says "1,5 m" stays as written."""
    path = tmp_path / "comma.dxf"
    path.write_text(COMMA_DXF)
    d = load_dxf(path)
    a, b, t = d.doc.modelspace()
    assert (a.dxf.start.x, a.dxf.start.y, a.dxf.end.x) == (0.1, 0.1, 2.5)
    assert (b.dxf.start.x, b.dxf.end.x, b.dxf.end.y) == (2.5, -17.5, 12.5)
    assert t.dxf.height == 2.5 and t.dxf.text == "1,5 m"
    assert any("decimal comma" in r for r in d.repairs)


def _r10_dxf(damaged: bool) -> str:
    """An AutoCAD R10 file (AC1006) whose model space and a block hold a 3DLINE, as LibreDWG's
    test data r10/entities.dxf does; *damaged*: a stray ENDSEC first, so only ezdxf's recover
    reader takes it (its auditor runs inside it)."""
    line3d = ["0", "3DLINE", "8", "WALLS", "62", "1", "10", "5.0", "20", "9.0", "30", "0.0",
              "11", "6.0", "21", "10.0", "31", "1.0"]
    return "\n".join((["0", "ENDSEC"] if damaged else []) + [
        "0", "SECTION", "2", "HEADER", "9", "$ACADVER", "1", "AC1006", "0", "ENDSEC",
        "0", "SECTION", "2", "TABLES", "0", "TABLE", "2", "LAYER", "70", "1",
        "0", "LAYER", "2", "WALLS", "70", "0", "62", "7", "6", "CONTINUOUS", "0", "ENDTAB", "0", "ENDSEC",
        "0", "SECTION", "2", "BLOCKS", "0", "BLOCK", "8", "0", "2", "B3D", "70", "0", "10", "0.0", "20", "0.0",
        *line3d, "0", "ENDBLK", "8", "0", "0", "ENDSEC",
        "0", "SECTION", "2", "ENTITIES", "0", "LINE", "8", "0", "10", "2.0", "20", "3.0", "11", "3.0", "21", "4.0",
        *line3d, "0", "INSERT", "8", "0", "2", "B3D", "10", "20.0", "20", "0.0", "0", "ENDSEC", "0", "EOF", ""])


@pytest.mark.parametrize("damaged", [False, True], ids=["strict", "recovered"])
def test_3dlines_of_old_autocad_are_lines(tmp_path, damaged):
    """A 3DLINE (AutoCAD 2.6 to R10) is drawn as the LINE it is, in model space and in blocks,
    not dropped as an unknown entity by ezdxf's auditor."""
    path = tmp_path / "r10.dxf"
    path.write_text(_r10_dxf(damaged))
    for audit in (True, False):
        d = load_dxf(path, audit=audit)
        assert d.recovered == damaged
        lines = [e for e in d.doc.modelspace() if e.dxftype() == "LINE"]
        assert [(tuple(e.dxf.start), tuple(e.dxf.end)) for e in lines] == [
            ((2, 3, 0), (3, 4, 0)), ((5, 9, 0), (6, 10, 1))]
        assert (lines[1].dxf.layer, lines[1].dxf.color) == ("WALLS", 1)
        assert [e.dxftype() for e in d.doc.blocks["B3D"]] == ["LINE"]
        assert any("3DLINE" in r for r in d.repairs)
    [spec] = split_sheets(d)
    assert spec.bbox == pytest.approx((2, 3, 26, 10))  # the block's 3DLINE at x 25-26
