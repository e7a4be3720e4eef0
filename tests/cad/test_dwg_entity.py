"""The common entity data decoded from single DWG records (cad/dwgentity.py), checked against
the library it replaces in the recovery: ezdwg's four whole-file passes (placements, styles,
linetypes, lineweights), on every entity of every shared DWG and of a DWG ezdwg itself wrote;
where ezdwg's styles pass gives no colour (R14 LWPOLYLINE), against ACadSharp's DXF export.
A record the decoder refuses is left out, and the recovery then takes ezdwg's passes."""

from __future__ import annotations

import random
import shutil

import ezdxf
import pytest

from drawreview.cad import dwg, dwgentity, dwgrecover, specimen
from drawreview.cad.dwgbits import Bits
from drawreview.cad.loader import load_drawing

from ..dwg_inputs import dxf_to_dwg
from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
SAMPLES = sorted(DWGS.glob("*.dwg"))
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"


@pytest.fixture(scope="module")
def reference():
    return ezdxf.readfile(REFERENCE)


def _passes(path) -> dict:
    import ezdwg
    from ezdwg import raw

    try:
        return {"placements": {r[0]: r[1:] for r in raw.decode_entity_placements(str(path))},
                "styles": {r[0]: r[1:] for r in raw.decode_entity_styles(str(path))},
                "linetypes": {r[0]: r[1:] for r in raw.decode_entity_linetypes(str(path))},
                "lineweights": {r[0]: r[1:] for r in raw.decode_entity_lineweights(str(path))}}
    finally:
        ezdwg.clear_decode_caches()


def _compare(path, reference=None) -> int:
    """Check every entity of *path*; how many colours were checked against *reference*."""
    import ezdwg

    version = path.read_bytes()[:6].decode()
    theirs = _passes(path)
    try:
        mine = dwgentity.read(str(path), list(theirs["placements"]), version)
    finally:
        ezdwg.clear_decode_caches()
    assert set(mine) == set(theirs["placements"]), "a record was refused"
    by_reference = 0
    for handle, c in mine.items():
        mode, owner = theirs["placements"][handle]
        assert (c.mode, c.owner if mode == 0 else 0) == (mode, owner if mode == 0 else 0), handle
        assert (c.layer, c.linetype_flags, c.linetype, c.linetype_scale) == theirs["linetypes"][handle], handle
        assert (c.lineweight, c.invisible) == theirs["lineweights"][handle], handle
        if handle not in theirs["styles"]:
            continue
        color, true_color, _layer = theirs["styles"][handle]
        if color is not None:
            assert (c.color, c.true_color) == (color, true_color), handle
        else:  # ezdwg cannot say: ACadSharp's export of the same drawing can
            e = reference.entitydb.get(f"{handle:X}")
            assert e is not None and c.color == e.dxf.get("color", 256), handle
            by_reference += 1
    return by_reference


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_common_data_equals_ezdwgs_passes(path, reference, tmp_path):
    # each read on its own copy: ezdwg caches by path
    checked = _compare(shutil.copyfile(path, tmp_path / path.name), reference)
    assert checked == (23 if path.name.endswith("AC1014.dwg") else 0)


def test_common_data_of_a_dwg_ezdwg_wrote(tmp_path):
    dxf = specimen.floor_plan(tmp_path / "plan.dxf", frames=1, rooms=(3, 2), dimensions=0)
    assert _compare(dxf_to_dwg(dxf, tmp_path / "plan.dwg")) == 0


def test_a_colour_book_colour_is_read_past():
    """The AC1018+ samples hold one entity whose colour is a DBCOLOR by handle (RAL 1006): its
    handle sits between the extension dictionary and the layer; the layer is still found."""
    path = DWGS / "acadsharp__sample_AC1032.dwg"
    [c] = dwgentity.read(str(path), [0x99F], "AC1032").values()
    assert (c.color, c.true_color, c.layer) == (42, None, 16)


def test_damaged_records_are_refused():
    from ezdwg import raw

    path = DWGS / "acadsharp__sample_AC1032.dwg"
    [(_, _, _, _, record)] = raw.read_object_records_by_handle(str(path), [907])
    record = bytes(record)
    assert dwgentity.decode(record, "AC1032").layer == 16
    for bad in (record[:6], record[:2] + b"\xff" * 4):
        with pytest.raises((ValueError, IndexError)):
            dwgentity.decode(bad, "AC1032")
    with pytest.raises((ValueError, IndexError)):
        dwgentity.decode(record, "AC1015")  # read with another version's layout


def test_a_refused_record_falls_back_to_ezdwgs_passes(monkeypatch):
    """With every record refused, the recovery reads ezdwg's passes and adds the same entities
    with the same layers and colours."""
    path = DWGS / "acadsharp__sample_AC1032.dwg"

    def props(drawing):
        return sorted((e.dxftype(), e.dxf.layer, e.dxf.get("color", 256), e.dxf.get("linetype", "BYLAYER"))
                      for e in drawing.doc.modelspace().query("MLINE TOLERANCE"))

    def refuse(record, version):
        raise ValueError("refused")

    want = props(load_drawing(path))
    monkeypatch.setattr(dwgentity, "decode", refuse)
    drawing = load_drawing(path)
    # (tables and wipeouts decode their records whole: not through the refused common-data decoder)
    assert drawing.dwg["recovered"] == {"MLINE": 3, "TOLERANCE": 3, "ACAD_TABLE": 2, "WIPEOUT": 1}
    assert props(drawing) == want and want


def test_layer_names_come_from_the_conversion():
    """pycadkit's layers carry the DWG handles: the same table as ezdwg's layer names."""
    import ezdwg
    from ezdwg import raw

    for path in SAMPLES:
        _, facts = dwg.convert(path)
        if not facts["layers"]:
            continue
        try:
            assert facts["layers"] == dict(raw.decode_layer_names(str(path)))
        finally:
            ezdwg.clear_decode_caches()
    assert dwgrecover.layer_names([{"id": 16, "name": "0"}, {"name": "no id"}]) == {16: "0"}


def test_bit_reader_equals_reading_bit_by_bit():
    rng = random.Random(7)
    for _ in range(3000):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 24)))
        pos = rng.randrange(len(data) * 8)
        n = rng.randrange(len(data) * 8 - pos + 1)
        want = 0
        for i in range(pos, pos + n):
            want = (want << 1) | ((data[i >> 3] >> (7 - (i & 7))) & 1)
        r = Bits(data, pos)
        assert r.bits(n) == want and r.pos == pos + n
    with pytest.raises(ValueError):
        Bits(b"\x00", 4).bits(5)
