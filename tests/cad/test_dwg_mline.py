"""Multilines, tolerances, their dimension styles and linetype names decoded from their own
DWG records (cad/dwgmline.py, cad/dwgtolerance.py, cad/dwgobjects.Names), read page by page
(cad/dwgobjects.py), so the recovery need not have ezdwg decompress the whole file
(cad/dwgsource.py): on every shared DWG the rows equal ezdwg's whole-file passes, and the
values equal those of the DXF ACadSharp exported from the R2018 sample (an independent
reader); recovered page by page with ezdwg's passes refused, the multilines and tolerances
equal that DXF's as they do through ezdwg."""

from __future__ import annotations

import ezdxf
import pytest
from ezdwg import raw

from drawreview.cad import dwgmline, dwgobjects, dwgsource, dwgtolerance
from drawreview.cad.loader import load_drawing

from .conftest import DRAWINGS
from .test_dwg_recover import KINDS, _key, _lines, _where

DWGS = DRAWINGS / "dwg"
FILES = sorted(DWGS.glob("acadsharp__*.dwg"))
SAMPLES = sorted(DWGS.glob("acadsharp__sample_AC*.dwg"))
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"


@pytest.fixture(scope="module")
def reference():
    return ezdxf.readfile(REFERENCE)


def _version(path) -> str:
    return path.read_bytes()[:6].decode()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem.removeprefix("acadsharp__"))
def test_rows_equal_ezdwgs(path):
    p, version = str(path), _version(path)
    pages = dwgobjects.by_pages(path)
    mlines = {r[0]: r for r in raw.decode_mline_entities(p)}
    tolerances = {r[0]: r for r in raw.decode_tolerance_entities(p)}
    dimstyles = {int(h): (n, s, t) for h, n, s, _asz, t in raw.decode_dimstyles(p)}
    linetypes = {int(h): str(n) for h, n, *_ in raw.decode_linetypes(p)}
    assert {r[0]: r for r in dwgmline.read(p, list(mlines), version, records=pages)} == mlines
    assert {r[0]: r for r in dwgtolerance.read(p, list(tolerances), version, records=pages)} == tolerances
    assert dwgtolerance.dimstyles(p, list(dimstyles), version, records=pages) == dimstyles and dimstyles
    names = dwgobjects.Names(p, version, records=pages)
    assert {h: names.get(h) for h in linetypes} == linetypes and linetypes
    if "sample" in path.name:
        assert len(mlines) == len(tolerances) == 3


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem[-6:])
def test_values_equal_acadsharps_dxf(path, reference):
    """The DWG handles are the DXF's: each multiline's scale, justification, flags, vertices and
    style, each tolerance's text, point and style, the styles' DIMSCALE and DIMTXT."""
    p, version = str(path), _version(path)
    db = reference.entitydb
    for handle, scale, justification, _base, _extrusion, flags, _lines_, vertices, style in dwgmline.read(
            p, [907, 933, 934], version):
        m = db.get(f"{handle:X}")
        assert m.dxftype() == "MLINE" and int(m.dxf.style_handle, 16) == style
        assert (scale, justification, flags) == (pytest.approx(m.dxf.scale_factor), m.dxf.justification, m.dxf.flags)
        assert len(vertices) == len(m.vertices)
        for (at, direction, miter), v in zip(vertices, m.vertices):
            assert v.location.isclose(at, abs_tol=1e-9) and v.line_direction.isclose(direction, abs_tol=1e-9)
            assert v.miter_direction.isclose(miter, abs_tol=1e-9)
    rows = dwgtolerance.read(p, [2082, 2083, 2084], version)
    assert len(rows) == 3
    for handle, text, insert, direction, _extrusion, _height, _gap, style in rows:
        t = db.get(f"{handle:X}")
        assert text.replace("\n", "^J") == t.dxf.content and t.dxf.insert.isclose(insert, abs_tol=1e-9)
        assert t.dxf.x_axis_vector.isclose(direction, abs_tol=1e-9)
        assert db.get(f"{style:X}").dxf.name.casefold() == t.dxf.dimstyle.casefold()
    styles = [s for s in reference.dimstyles]
    got = dwgtolerance.dimstyles(p, [int(s.dxf.handle, 16) for s in styles], version)
    assert len(got) == len(styles)
    for s in styles:
        name, scale, txt = got[int(s.dxf.handle, 16)]
        assert name.casefold() == s.dxf.name.casefold()
        assert scale == pytest.approx(s.dxf.get("dimscale", 1.0)) and txt == pytest.approx(s.dxf.get("dimtxt", 0.18))
    names = dwgobjects.Names(p, version)
    for lt in reference.linetypes:
        assert names.get(int(lt.dxf.handle, 16)).casefold() == lt.dxf.name.casefold()


@pytest.mark.parametrize("path", [p for p in SAMPLES if "AC1021" not in p.name], ids=lambda p: p.stem[-6:])
def test_recovered_page_by_page_as_through_ezdwg(path, reference, monkeypatch):
    """Page by page (as a file with few of them is read), with ezdwg's whole-file passes refused:
    the multilines and tolerances equal ACadSharp's DXF's, and the document ezdwg's path makes."""
    through_ezdwg = load_drawing(path)

    def refuse(*_a, **_k):
        raise AssertionError("ezdwg read the whole file")

    monkeypatch.setattr(dwgsource, "RECORDS_PER_MB", 1e9)
    for name in ("decode_mline_entities", "decode_tolerance_entities", "decode_dimstyles", "decode_linetypes",
                 "read_object_records_by_handle", "list_object_headers_with_type", "decode_entity_placements"):
        monkeypatch.setattr(raw, name, refuse)
    if _version(path) >= "AC1018":  # R14/R2000 layouts: ezdwg's scan of the uncompressed file (dwglayout)
        monkeypatch.setattr(raw, "decode_layout_objects", refuse)
    drawing = load_drawing(path)
    assert drawing.dwg["recovered"] == through_ezdwg.dwg["recovered"] == {
        "MLINE": 3, "TOLERANCE": 3, "ACAD_TABLE": 2, "WIPEOUT": 1}
    got, want, before = _where(drawing.doc), _where(reference), _where(through_ezdwg.doc)
    for kind in KINDS:
        assert len(got[kind]) == len(want[kind]) == 3
        for (wa, a), (wb, b), (_, c) in zip(*(sorted(x[kind], key=_key) for x in (got, want, before))):
            assert wa == wb and a.dxf.layer.casefold() == b.dxf.layer.casefold()
            assert a.dxf.all_existing_dxf_attribs().keys() == c.dxf.all_existing_dxf_attribs().keys()
            if kind == "TOLERANCE":
                assert a.dxf.content == b.dxf.content and a.dxf.dimstyle.casefold() == b.dxf.dimstyle.casefold()
                assert a.dxf.insert.isclose(b.dxf.insert, abs_tol=1e-6) and a.get_xdata("ACAD") == c.get_xdata("ACAD")
            else:
                assert a.style.dxf.name.casefold() == b.style.dxf.name.casefold()
                assert _lines(a) == _lines(b) == _lines(c) and _lines(a)


def test_many_records_go_to_ezdwg_few_page_by_page():
    """ezdwg's native whole-file decompression is the cheaper read of records spread over a
    file (ACadSharp's samples: 33 on 5 of ~45 pages); a few records are read page by page."""
    facts = {"version": "R2018/AC1032", "unknown_handles": {1: "MLINE", 2: "TOLERANCE", 3: "MESH"}}
    assert not dwgsource.reads_whole_file({"MLINE": 1, "TOLERANCE": 1}, facts, 1_100_000)
    many = {"version": "R2018/AC1032", "unknown_handles": {h: "MLINE" for h in range(33)}}
    assert dwgsource.reads_whole_file({"MLINE": 33}, many, 1_100_000)
    assert not dwgsource.reads_whole_file({"MLINE": 33}, many, 20_000_000)  # a big file: paging is cheaper
    assert dwgsource.reads_whole_file({"MLINE": 1}, facts | {"version": "R2007/AC1021"}, 1_100_000)
    assert dwgsource.reads_whole_file({"XLINE": 1}, facts, 1_100_000)  # not listed by handle
    assert not dwgsource.reads_whole_file({}, facts, 1_100_000)


def test_a_damaged_record_is_refused():
    """A multiline or tolerance record cut short, or read as another version's, does not decode."""
    path = SAMPLES[-1]
    records = dict(dwgobjects.by_pages(path)(str(path), [907, 2082]))
    assert dwgmline.decode(907, records[907], "AC1032")[0] == 907
    assert dwgtolerance.decode(2082, records[2082], "AC1032")[0] == 2082
    for version in ("AC1018", "AC1015"):
        with pytest.raises((ValueError, IndexError)):
            dwgmline.decode(907, records[907], version)
        with pytest.raises((ValueError, IndexError)):
            dwgtolerance.decode(2082, records[2082], version)
    with pytest.raises((ValueError, IndexError)):
        dwgmline.decode(907, records[907][:40], "AC1032")
