"""MLINE and TOLERANCE recovered from a DWG by the second reader (cad/dwgrecover.py, the
multiline styles by cad/dwgmlstyle.py), checked against the DXF ACadSharp exported from the
same DWG, read with ezdxf: same layouts and blocks, layers, vertices, insertion points and
styles; the notes stop naming them as lost; a second reader that fails costs only the
recovery; the recovered multilines are drawn on the sheet."""

from __future__ import annotations

import collections
import logging
import os
import shutil

import ezdxf
import pymupdf
import pytest

from drawreview.cad import dwg, dwgmlstyle, dwgrecover
from drawreview.cad.loader import load_drawing
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
SAMPLES = sorted(DWGS.glob("acadsharp__sample_AC*.dwg"))
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"
KINDS = ("MLINE", "TOLERANCE")


@pytest.fixture(scope="module")
def reference():
    return ezdxf.readfile(REFERENCE)


def _where(doc) -> dict[str, list]:
    """{"MLINE" / "TOLERANCE": [(container, entity)]}, container ("layout", name) for model and
    paper space, ("block", name) for a block definition."""
    out = collections.defaultdict(list)
    for layout in doc.layouts:
        for e in layout.query(" ".join(KINDS)):
            out[e.dxftype()].append((("layout", layout.name), e))
    for block in doc.blocks:
        if not block.is_any_layout:
            for e in block.query(" ".join(KINDS)):
                out[e.dxftype()].append((("block", block.name), e))
    return out


def _key(item):
    where, e = item
    p = e.vertices[0].location if e.dxftype() == "MLINE" else e.dxf.insert
    return where, round(p.x, 3), round(p.y, 3)


def _lines(e) -> list[tuple]:
    return sorted((round(v.dxf.start.x, 6), round(v.dxf.start.y, 6), round(v.dxf.end.x, 6), round(v.dxf.end.y, 6))
                  for v in e.virtual_entities() if v.dxftype() == "LINE")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem[-6:])
def test_recovered_entities_equal_acadsharps_dxf(path, reference):
    drawing = load_drawing(path)
    assert drawing.dwg["recovered"] == {"MLINE": 3, "TOLERANCE": 3, "ACAD_TABLE": 2, "WIPEOUT": 1}  # tables:
    # test_dwg_table.py, wipeouts: test_dwg_wipeout.py
    got, want = _where(drawing.doc), _where(reference)
    for kind in KINDS:
        assert len(want[kind]) == 3
        # per layout / block counts
        assert collections.Counter(w for w, _ in got[kind]) == collections.Counter(w for w, _ in want[kind]), kind
        for (wa, a), (wb, b) in zip(sorted(got[kind], key=_key), sorted(want[kind], key=_key)):
            assert wa == wb and a.dxf.layer.casefold() == b.dxf.layer.casefold()  # R14 names are upper case
            if kind == "TOLERANCE":
                assert a.dxf.insert.isclose(b.dxf.insert, abs_tol=1e-6)
                assert a.dxf.content == b.dxf.content and a.dxf.dimstyle.casefold() == b.dxf.dimstyle.casefold()
                assert a.dxf.x_axis_vector.isclose(b.dxf.get("x_axis_vector", (1, 0, 0)), abs_tol=1e-9)
                continue
            assert len(a.vertices) == len(b.vertices)
            for va, vb in zip(a.vertices, b.vertices):
                assert va.location.isclose(vb.location, abs_tol=1e-6)
                assert va.miter_direction.isclose(vb.miter_direction, abs_tol=1e-9)
            assert (a.dxf.flags, a.dxf.justification) == (b.dxf.flags, b.dxf.justification)
            assert a.dxf.scale_factor == pytest.approx(b.dxf.scale_factor, abs=1e-9)
            # the style the DWG names, with its lines: ezdxf draws the same lines from both
            sa, sb = a.style, b.style
            assert sa.dxf.name.casefold() == sb.dxf.name.casefold()
            assert [tuple(x) for x in sa.elements] == [tuple(x) for x in sb.elements]
            assert (sa.dxf.flags, sa.dxf.fill_color, sa.dxf.start_angle, sa.dxf.end_angle) == \
                (sb.dxf.flags, sb.dxf.fill_color, sb.dxf.start_angle, sb.dxf.end_angle)
            assert _lines(a) == _lines(b) and _lines(a)


def test_notes_name_what_was_read_back_not_as_lost():
    drawing = load_drawing(SAMPLES[-1])
    lost = drawing.dwg["lost"]
    assert "MLINE" not in lost and "TOLERANCE" not in lost and "MULTILEADER" not in lost and lost["3DSOLID"] == 2
    notes = "\n".join(drawing.notes)
    assert "个 MLINE" in notes and "MLINE (multiline)" in notes  # named once, as read back
    assert "未保留 3 个 MLINE" not in notes and "dropped 3 MLINE" not in notes
    assert "未保留 3 个 TOLERANCE" not in notes and "dropped 3 TOLERANCE" not in notes
    recovered = [n for n in drawing.notes if "second reader" in n]
    assert len(recovered) == 1
    assert "3 个 MLINE（多线）、3 个 TOLERANCE（形位公差）" in recovered[0]
    assert "3 MLINE (multiline), 3 TOLERANCE (geometric tolerance)" in recovered[0]
    # what was not read back is still named as lost, in the same words as before
    assert "DWG 转换未保留 2 个 3DSOLID（三维实体）" in notes and "dropped 2 3DSOLID" in notes
    # multileaders are drawn from their images: named so, not as dropped
    assert "未保留 15 个 MULTILEADER" not in notes and "dropped 15 MULTILEADER" not in notes
    imaged = [n for n in drawing.notes if "proxy graphics saved with them" in n]
    assert any("15 个 MULTILEADER（多重引线）" in n and "15 MULTILEADER (multileader)" in n for n in imaged)
    assert "Standard style" not in notes  # the DWG's own style was read


def test_a_file_without_recoverable_types_does_not_read_it_again(generated):
    """Nothing dropped (the GBK plan ezdwg writes): nothing read back, nothing named as such."""
    drawing = load_drawing(generated)
    assert drawing.dwg["lost"] == {}  # (its ATTDEFs are carried)
    assert drawing.dwg["recovered"] == {} and drawing.dwg["images"] == {}
    assert not any("second reader" in n or "proxy graphics" in n for n in drawing.notes)


def test_a_failing_second_reader_keeps_the_upload(tmp_path, caplog):
    """A path ezdwg cannot open (not UTF-8: pycadkit gets the file's bytes, ezdwg the path):
    the drawing loads as before the recovery existed, and names MLINE and TOLERANCE as lost."""
    odd = tmp_path / os.fsdecode(b"\xb9\xa4\xb3\xcc-AC1032.dwg")
    shutil.copyfile(SAMPLES[-1], odd)
    with caplog.at_level(logging.WARNING, logger="drawreview.dwg"):
        drawing = load_drawing(odd)
    assert drawing.dwg["recovered"] == {}
    assert drawing.dwg["lost"]["MLINE"] == 3 and drawing.dwg["lost"]["TOLERANCE"] == 3
    notes = "\n".join(drawing.notes)
    assert "DWG 转换未保留 3 个 MLINE（多线）" in notes and "dropped 3 TOLERANCE" in notes
    assert not any("second reader" in n for n in drawing.notes)
    assert "second reader failed" in caplog.text
    assert not drawing.doc.modelspace().query("MLINE TOLERANCE")
    assert len(drawing.doc.modelspace()) > 100 and split_sheets(drawing)

    # called on its own with a file that is not there: nothing added, nothing raised
    _, facts = dwg.convert(SAMPLES[-1])
    doc = load_drawing(odd).doc
    before = len(doc.modelspace())
    got = dwgrecover.recover(doc, tmp_path / "missing.dwg", {"MLINE": 3, "TOLERANCE": 3}, facts)
    assert got.counts == {} and got.notes == [] and len(doc.modelspace()) == before


def test_placements_land_where_acadsharp_put_them(reference):
    """Every entity of the sample placed by the DWG's own placement (model space, active paper
    space, owner block record), resolved into the converted document, lands in the layout or
    block where ACadSharp's DXF (which keeps the DWG handles) has it — paper space and block
    definitions included, which the sample's MLINE/TOLERANCE do not exercise."""
    import ezdwg
    from ezdwg import raw

    path = SAMPLES[-1]
    drawing = load_drawing(path)
    _, facts = dwg.convert(path)
    assert len(facts["blocks"]) > 10  # kept: the file has MLINE / TOLERANCE to place
    try:
        placements = raw.decode_entity_placements(str(path))
        layouts = {int(r[4]): str(r[1]) for r in raw.decode_layout_objects(str(path))}
    finally:
        ezdwg.clear_decode_caches()
    seen = collections.Counter()
    for handle, mode, owner in placements:
        e = reference.entitydb.get(f"{handle:X}")
        record = reference.entitydb.get(e.dxf.owner) if e is not None else None
        if record is None or record.dxftype() != "BLOCK_RECORD" or e.dxftype() in ("VERTEX", "SEQEND", "ATTRIB"):
            continue  # owned by their polyline or INSERT
        theirs = reference.blocks.get(record.dxf.name)
        target = dwgrecover.container_of(drawing.doc, dwgrecover.owner(mode, owner, facts["spaces"]), facts, layouts)
        if theirs.is_any_layout:
            seen["layout"] += 1
            assert target is not None and target.name == reference.layouts.get_layout_for_entity(e).name, handle
        elif target is not None:  # a block the converted document holds
            seen["block"] += 1
            assert target.name == theirs.name, handle
    assert seen["layout"] > 150 and seen["block"] > 100
    assert sum(1 for _, m, _ in placements if m == 1) > 0  # the active paper space is exercised


def test_recovered_multilines_are_drawn_on_the_sheet(tmp_path):
    """The model sheet draws every line of every recovered multiline (ezdxf's lines from the
    style, matched to the PDF's path segments); without them those segments are not there."""
    drawing = load_drawing(SAMPLES[-1])
    msp = drawing.doc.modelspace()
    spec = next(s for s in split_sheets(drawing) if s.key == "model")
    wanted = [line for e in msp.query("MLINE") for line in _lines(e)]
    assert len(wanted) == 18

    def drawn(out) -> int:
        res = render_drawing(drawing, [spec], tmp_path / out)[0]
        a, e, f = res.map
        page = pymupdf.open(res.pdf)[0]
        segments = [(item[1], item[2]) for d in page.get_drawings() for item in d["items"] if item[0] == "l"]

        def near(p, q) -> bool:
            return abs(p.x - q[0]) < 0.5 and abs(p.y - q[1]) < 0.5

        found = 0
        for x0, y0, x1, y1 in wanted:
            s, t = (a * x0 + e, f - a * y0), (a * x1 + e, f - a * y1)
            found += any((near(p, s) and near(q, t)) or (near(p, t) and near(q, s)) for p, q in segments)
        return found

    assert drawn("with") == len(wanted)
    for e in list(msp.query("MLINE")):
        msp.delete_entity(e)
    assert drawn("without") == 0


def test_style_decoder_refuses_a_damaged_record():
    """The MLINESTYLE record of every sample decodes to ACadSharp's STANDARD; cut short, or with
    a line count that does not fit the record, it is refused rather than misread."""
    import ezdwg
    from ezdwg import raw

    for path in SAMPLES:
        version = path.read_bytes()[:6].decode()
        try:
            [(_, _, _, kind, record)] = raw.read_object_records_by_handle(str(path), [24])
        finally:
            ezdwg.clear_decode_caches()
        record = bytes(record)
        style = dwgmlstyle.decode(record, version)
        assert kind == dwgmlstyle.MLINESTYLE_TYPE and style["name"] == "STANDARD"
        assert style["elements"] == [(0.5, 256, "BYLAYER"), (-0.5, 256, "BYLAYER")]
        with pytest.raises((ValueError, IndexError)):
            dwgmlstyle.decode(record[:-12], version)
        with pytest.raises((ValueError, IndexError)):
            dwgmlstyle.decode(record, "AC1015" if version >= "AC1018" else "AC1018")


def test_a_style_that_cannot_be_read_leaves_its_multilines_on_standard(tmp_path):
    """The multilines are added all the same, drawn with ezdxf's Standard, and a note says so
    (here the style record is read with the wrong version's layout: the decoder refuses it)."""
    from drawreview.cad.dxf import load_dxf

    data, facts = dwg.convert(SAMPLES[-1])
    (tmp_path / "c.dxf").write_bytes(data)
    doc = load_dxf(tmp_path / "c.dxf").doc
    got = dwgrecover.recover(doc, SAMPLES[-1], {"MLINE": 3}, facts | {"version": "R2000/AC1015"})
    assert got.counts == {"MLINE": 3} and len(got.notes) == 1
    assert "3 multilines' styles could not be read" in got.notes[0] and "Standard" in got.notes[0]
    assert all(m.style.dxf.name == "Standard" and len(m.vertices) >= 2 for m in doc.modelspace().query("MLINE"))
    assert not doc.modelspace().query("TOLERANCE")  # only what was asked for
