"""Tables (ACAD_TABLE) that pycadkit drops, put back as what they draw.

An AutoCAD table keeps its graphics in an anonymous block (``*T…``) that the table entity
inserts, as an INSERT does: pycadkit drops the table entity (an unknown object to it) but keeps
the block, so the converted drawing lost 门窗表 and 图纸目录 though every line and text of them
was still in the file. ``read`` decodes the table entities' own records as far as their block
reference (the Open Design Specification's TABLE: the common entity data, then an INSERT's
insertion point, scale, rotation and extrusion; the block header is the first handle after the
common ones); ``dwgrecover`` inserts the block there, with the entity's layer and colour.

The cells' contents are not decoded: the block is what AutoCAD draws for the table (it regenerates
it when the table changes), so the sheet shows the table as plotted. A table whose block the
conversion does not have, or whose record does not decode, stays named as dropped.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from drawreview.cad.dwgbits import Bits, absolute
from drawreview.cad.dwgentity import Common, decode_with_rest


TYPE_NAME = "ACAD_TABLE"


@dataclass(frozen=True)
class Table:
    handle: int
    common: Common
    insert: tuple[float, float, float]
    scale: tuple[float, float, float]
    rotation: float  # radians, as stored
    extrusion: tuple[float, float, float]
    block: int  # the block record handle of its ``*T`` block


def read(path: str, wanted: list[int], version: str, limit: int | None = None, records=None) -> list[Table]:
    """The tables among *wanted* whose records decode; *version* is the file's ``AC10xx``."""
    from drawreview.cad.dwgobjects import decoded

    return decoded(path, wanted, lambda handle, record: decode(handle, record, version), "table", limit, records)


def decode(handle: int, record: bytes, version: str) -> Table:
    common, r, h = decode_with_rest(record, version)
    insert = (r.bd(), r.bd(), r.bd())
    if version < "AC1015":  # R13/R14: three plain scales
        scale = (r.bd(), r.bd(), r.bd())
    else:
        scale = _scales(r)
    rotation = r.bd()
    extrusion = (r.bd(), r.bd(), r.bd())
    if not all(abs(v) < 1e12 for v in (*insert, *scale)) or not any(extrusion):
        raise ValueError("implausible placement")
    block = absolute(h.handle(), handle)
    return Table(handle, common, insert, scale, rotation, extrusion, block)


def _scales(r: Bits) -> tuple[float, float, float]:
    """R2000+ INSERT scales: a 2-bit flag, then what differs from 1 (or from x)."""
    flags = r.bits(2)
    if flags == 3:
        return 1.0, 1.0, 1.0
    if flags == 1:
        return 1.0, _dd(r, 1.0), _dd(r, 1.0)
    x = struct.unpack("<d", r.raw(8))[0]
    if flags == 2:
        return x, x, x
    return x, _dd(r, x), _dd(r, x)


def _dd(r: Bits, default: float) -> float:
    """A bit double with a default (DD): the default, its low 4 bytes replaced, its bytes 5–6
    and low 4 replaced, or a whole double."""
    code = r.bits(2)
    if code == 0:
        return default
    if code == 3:
        return struct.unpack("<d", r.raw(8))[0]
    b = bytearray(struct.pack("<d", default))
    if code == 2:
        b[4:6] = r.raw(2)
    b[0:4] = r.raw(4)
    return struct.unpack("<d", bytes(b))[0]
