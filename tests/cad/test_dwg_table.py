"""Tables (ACAD_TABLE) that pycadkit drops, put back as the ``*T`` block each inserts
(cad/dwgtable.py, cad/dwgrecover.py): on every ACadSharp sample, R14 to R2018, the converted
drawing inserts the same blocks at the same points on the same layers as the ACAD_TABLE
entities of the DXF ACadSharp exported from the R2018 sample (read here with a tag reader of
the test's own), and the notes call them read back instead of dropped."""

from __future__ import annotations

import struct

import pytest

from drawreview.cad import dwgtable
from drawreview.cad.dwgbits import Bits
from drawreview.cad.loader import load_drawing

from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
SAMPLES = sorted(DWGS.glob("acadsharp__sample_AC*.dwg"))
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"


def reference_tables() -> list[dict]:
    """Each ACAD_TABLE of the reference DXF: its block (2), insertion point (10/20/30), layer (8)."""
    lines = REFERENCE.read_text(encoding="utf-8", errors="replace").splitlines()
    pairs = [(lines[i].strip(), lines[i + 1].strip()) for i in range(0, len(lines) - 1, 2)]
    tables, current = [], None
    for code, value in pairs:
        if code == "0":
            current = {} if value == "ACAD_TABLE" else None
            if current is not None:
                tables.append(current)
        elif current is not None and code in ("2", "8", "10", "20", "30") and code not in current:
            current[code] = value
    return [{"block": t["2"], "layer": t["8"], "insert": (float(t["10"]), float(t["20"]), float(t["30"]))}
            for t in tables]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem.rsplit("_", 1)[-1])
def test_tables_come_back_as_their_blocks(path, tmp_path):
    expected = reference_tables()
    assert len(expected) == 2
    drawing = load_drawing(path, audit=False)
    placed = {e.dxf.name: e for e in drawing.doc.modelspace().query("INSERT") if e.dxf.name.upper().startswith("*T")}
    for table in expected:
        insert = placed[table["block"]]
        assert insert.dxf.insert.isclose(table["insert"], abs_tol=1e-9)
        assert insert.dxf.layer.upper() == table["layer"].upper()  # R14 keeps layer names upper case
        assert (insert.dxf.xscale, insert.dxf.yscale, insert.dxf.rotation) == (1.0, 1.0, 0.0)
        assert len(drawing.doc.blocks.get(table["block"])) > 10  # the table's lines and texts
    assert drawing.dwg["recovered"].get("ACAD_TABLE") == 2 and "ACAD_TABLE" not in drawing.dwg["lost"]
    notes = " ".join(drawing.notes)
    assert "2 个 ACAD_TABLE" in notes and "未保留 2 个 ACAD_TABLE" not in notes


def _bits(*fields: tuple[int, int]) -> Bits:
    """A bit stream from (value, width) fields, most significant bit first."""
    value, width = 0, 0
    for v, n in fields:
        value, width = (value << n) | (v & ((1 << n) - 1)), width + n
    pad = -width % 8
    return Bits((value << pad).to_bytes((width + pad) // 8, "big"))


def _rd(x: float) -> tuple[int, int]:
    return int.from_bytes(struct.pack("<d", x), "big"), 64


def _raw(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data, "big"), 8 * len(data)


def test_insert_scales_with_defaults():
    """R2000+ INSERT scales (the TABLE's too): flag 3 all one, 2 one value, 0 x then y and z as
    bit doubles defaulting to x — unchanged, patched in their low 4 bytes, in bytes 5–6 and the
    low 4, or whole."""
    assert dwgtable._scales(_bits((3, 2))) == (1.0, 1.0, 1.0)
    assert dwgtable._scales(_bits((2, 2), _rd(2.5))) == (2.5, 2.5, 2.5)
    assert dwgtable._scales(_bits((0, 2), _rd(2.5), (0, 2), (3, 2), _rd(-4.0))) == (2.5, 2.5, -4.0)
    other = bytearray(struct.pack("<d", 2.5))  # 2.5 with bytes 5–6 and the low four changed
    other[1], other[5] = 0x34, 0x12
    y = struct.unpack("<d", bytes(other))[0]
    assert dwgtable._scales(_bits((0, 2), _rd(2.5), (2, 2), _raw(bytes(other[4:6])), _raw(bytes(other[0:4])),
                                  (0, 2))) == (2.5, y, 2.5)
    near = struct.pack("<d", 2.5 + 2 ** -40)  # differs from 2.5 in the low four bytes only
    assert dwgtable._scales(_bits((1, 2), (1, 2), _raw(near[0:4]), (0, 2))) == (1.0, _patched(1.0, near[0:4]), 1.0)


def _patched(default: float, low: bytes) -> float:
    b = bytearray(struct.pack("<d", default))
    b[0:4] = low
    return struct.unpack("<d", bytes(b))[0]


def test_a_table_without_its_block_stays_named_as_dropped(tmp_path, monkeypatch):
    """A table whose block record the conversion did not keep is not guessed at: it stays lost."""
    real = dwgtable.read

    def elsewhere(*args, **kwargs):
        return [t.__class__(t.handle, t.common, t.insert, t.scale, t.rotation, t.extrusion, 0x7FFFFFF0)
                for t in real(*args, **kwargs)]

    monkeypatch.setattr(dwgtable, "read", elsewhere)
    drawing = load_drawing(DWGS / "acadsharp__sample_AC1032.dwg", audit=False)
    assert drawing.dwg["lost"].get("ACAD_TABLE") == 2 and "ACAD_TABLE" not in drawing.dwg["recovered"]
    assert not [e for e in drawing.doc.modelspace().query("INSERT") if e.dxf.name.upper().startswith("*T")]


def test_a_dxf_table_is_drawn_from_its_block_unless_turned(tmp_path):
    """The painter draws a DXF's ACAD_TABLE from its *T block (as ezdxf's renderer does: the
    sample's blue cell fill), and keeps the proxy graphics for a table turned away from the x
    axis (ezdxf would place its block unturned)."""
    import pymupdf

    from drawreview.cad.cli import render_file

    def blue_pixels(dxf) -> int:
        pdf = render_file(dxf, tmp_path / dxf.stem)[0]["pdf"]
        pix = pymupdf.open(pdf)[0].get_pixmap(dpi=72)
        s, n = pix.samples, pix.n
        return sum(1 for i in range(0, len(s), n) if s[i + 2] > 100 and s[i] < 100 and s[i + 1] < 120)

    drawn = blue_pixels(REFERENCE)
    # the table turned a quarter: its direction (AcDbTable 11/21/31) along y, in the DXF's own
    # text (ezdxf writes a table back with the tags it read)
    lines = REFERENCE.read_text(encoding="utf-8").split("\n")
    at = next(i for i in range(len(lines) - 2) if lines[i].strip() == "ACAD_TABLE" and lines[i + 2].strip() == "528")
    at = next(i for i in range(at, len(lines)) if lines[i].strip() == "11")
    assert (lines[at + 1].strip(), lines[at + 3].strip()) == ("1.0", "0.0")
    lines[at + 1], lines[at + 3] = "0.0", "1.0"
    turned = tmp_path / "turned.dxf"
    turned.write_text("\n".join(lines), encoding="utf-8")
    assert drawn - blue_pixels(turned) > 50  # the block's blue fill row of "Table sample"; the proxy has none
