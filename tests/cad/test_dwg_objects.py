"""DWG records read page by page (cad/dwgpages.py, dwgobjects.py) and LAYOUT objects decoded
from them (cad/dwgsheet.py), checked against the library they replace in the layout read:
ezdwg's whole sections, object map, records and layout rows, on every shared DWG and on a GBK
DWG ezdwg itself wrote."""

from __future__ import annotations

import pytest

from drawreview.cad import dwg, dwgobjects, dwgpages, dwgsheet
from drawreview.cad.dwgbits import codec

from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
SAMPLES = sorted(DWGS.glob("*.dwg"))
READ_HERE = ("AC1014", "AC1015") + dwgpages.FAMILY  # R2007 (AC1021) goes to ezdwg


def _all(generated):
    return SAMPLES + [generated]


@pytest.mark.parametrize("source", [p for p in SAMPLES if p.read_bytes()[:6].decode() in dwgpages.FAMILY],
                         ids=lambda p: p.name)
def test_sections_decompress_to_ezdwgs_bytes(source):
    """Every compressed section, whole and over ranges that start and stop inside pages (a
    page decompressed only as far as a record needs, then the rest of it)."""
    from ezdwg import raw

    sections = dwgpages.Sections(source.read_bytes())
    names = [row[0] for row in raw.list_section_locators(str(source))]
    checked = 0
    for i, name in enumerate(names):
        if name not in sections.sections or not sections.sections[name][1] or sections.sections[name][2] == 1:
            continue
        want = bytes(raw.read_section_bytes(str(source), i))
        fresh = dwgpages.Sections(source.read_bytes())
        for start, stop in ((100, 140), (29_000, 30_100), (len(want) - 50, len(want))):
            if 0 <= start < stop <= len(want):
                assert fresh.section_bytes(name, start, stop) == want[start:stop], (name, start, stop)
        assert fresh.section_bytes(name) == want, name
        assert sections.section_bytes(name) == want, name
        checked += 1
    assert checked >= 8  # objects, handles, classes, header... all of them


def test_object_map_and_records_equal_ezdwgs(generated):
    from ezdwg import raw

    for source in _all(generated):
        data = source.read_bytes()
        if data[:6].decode() not in READ_HERE:
            with pytest.raises(ValueError):
                dwgobjects.Objects(data)
            continue
        objects = dwgobjects.Objects(data)
        want = {int(h): int(o) for h, o in raw.list_object_map_entries(str(source))}
        assert objects.map == want and len(want) > 100, source.name
        records = {int(h): bytes(d) for h, _o, _s, _t, d in raw.read_object_records_by_handle(str(source), sorted(want))}
        assert objects.records(sorted(want)) == records, source.name


def test_layout_rows_equal_ezdwgs(generated):
    """Each LAYOUT the header's layouts dictionary names, decoded from its record, is ezdwg's
    row for it: paper, margins, limits, extents, block, viewports and plot settings."""
    import cadkit
    from ezdwg import raw

    decoded = 0
    for source in _all(generated):
        data = source.read_bytes()
        props = cadkit.read(data).to_dict()["props"]
        dictionary = props.get("dwg.header.DICTIONARY_LAYOUTS")
        want = sorted((tuple(r) for r in raw.decode_layout_objects(str(source))), key=lambda r: r[0])
        if data[:6].decode() not in READ_HERE or dictionary is None:
            assert data[:6].decode() in ("AC1021", "AC1014"), source.name  # R2007; R14 has no layouts dictionary
            continue
        _, facts = dwg.convert(source)
        assert dwgsheet.rows(data, dictionary, codec(facts["codepage"])) == want, source.name
        decoded += 1
    assert decoded == len(SAMPLES) - 1  # every shared file but the R2007 and R14 ones, and the generated one


def test_what_does_not_decode_is_refused():
    """A handle the map does not hold, a record of another type, a file cut short: errors,
    never rows."""
    source = DWGS / "acadsharp__sample_AC1032.dwg"
    data = source.read_bytes()
    with pytest.raises(KeyError):
        dwgsheet.rows(data, 0xFFFFFF, "cp1252")
    with pytest.raises(ValueError):
        dwgsheet.rows(data, 31, "cp1252")  # the model space block record, not a dictionary
    objects = dwgobjects.Objects(data)
    with pytest.raises(ValueError, match="not LAYOUT"):
        dwgsheet.layout(objects.record(26), "AC1032", "cp1252", 26)  # the dictionary itself
    with pytest.raises((ValueError, IndexError)):
        dwgsheet.rows(data[:len(data) // 2], 26, "cp1252")
    with pytest.raises(ValueError):
        dwgpages.decompress(bytes([0x05]) + b"x" * 8 + bytes([0x07]), 100)  # an opcode the format has not
    # a page map that claims to expand to 2 GB is refused before it is expanded
    import struct

    head = dwgpages._header(data)
    at = 0x100 + struct.unpack_from("<Q", head, 0x54)[0]
    assert struct.unpack_from("<I", data, at)[0] == dwgpages.PAGE_MAP
    crafted = bytearray(data)
    struct.pack_into("<I", crafted, at + 4, 0x7FFFFFFF)
    with pytest.raises(ValueError, match="claims"):
        dwgpages.Sections(bytes(crafted))


def test_a_stream_that_claims_more_than_its_page_is_refused_before_it_is_written():
    """A back reference whose length runs past the page size (a long count made of zero bytes,
    255 each) raises before the bytes are made, so a crafted page cannot allocate far past it."""
    stream = bytes([0x01]) + b"abcd" + bytes([0x20]) + bytes(4000) + bytes([0xFF, 0x04, 0x00, 0x11])
    with pytest.raises(ValueError):
        dwgpages.decompress(stream, 0x7400)
    ok = bytes([0x01]) + b"abcd" + bytes([0x22, 0x0C, 0x00, 0x11])  # "abcd" then 4 bytes from 4 back
    assert dwgpages.decompress(ok, 8) == b"abcdabcd"
