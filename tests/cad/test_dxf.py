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
