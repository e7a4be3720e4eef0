"""Multilines (MLINE) that pycadkit drops, decoded from their own records.

ezdwg gives them as rows (``raw.decode_mline_entities``) after decompressing the whole file and
passing over every entity of it: on ACadSharp's R2004+ samples 2–4 ms for three multilines,
most of what the recovery cost. ``read`` takes only their records (``dwgobjects``: through
the object map, the pages that hold them) and ``decode`` reads each as the Open Design
Specification lays out MLINE: the common entity data (``dwgentity``), the scale, the
justification, the base point, the extrusion, the open/closed flag, the number of lines in
the style and of vertices, each vertex with its direction and miter direction and, per line,
its segment and area fill parameters (skipped: ezdxf computes the lines from the style), then
the style's handle; a record whose data does not end there is refused. A row has ezdwg's
shape: (handle, scale, justification, base point, extrusion, open/closed, lines, [(vertex,
direction, miter)], style handle).
tests/cad/test_dwg_mline.py compares the rows with ezdwg's and ACadSharp's DXF on every sample.
"""

from __future__ import annotations

from drawreview.cad.dwgbits import Bits, absolute
from drawreview.cad.dwgentity import decode_with_rest

MAX_VERTICES, MAX_PARAMETERS = 1_000_000, 10_000


def read(path: str, wanted, version: str, limit: int | None = None, records=None) -> list[tuple]:
    """The rows of the multilines among the handles *wanted* whose records decode."""
    from drawreview.cad.dwgobjects import decoded

    return decoded(path, wanted, lambda handle, record: decode(handle, record, version), "multiline", limit, records)


def decode(handle: int, record: bytes, version: str) -> tuple:
    """One MLINE record (as ``dwgobjects`` or ezdwg gives it) as a row of ezdwg's."""
    _, r, h = decode_with_rest(record, version)
    scale, justification = r.bd(), r.bits(8)
    base, extrusion = _point(r), _point(r)
    flags, lines, count = r.bs(), r.bits(8), r.bs()
    if count > MAX_VERTICES:
        raise ValueError(f"a multiline of {count} vertices")
    vertices = []
    for _ in range(count):
        vertices.append((_point(r), _point(r), _point(r)))
        for _ in range(lines):
            for _ in range(2):  # segment parameters, then area fill parameters
                n = r.bs()
                if n > MAX_PARAMETERS:
                    raise ValueError(f"{n} parameters on a multiline vertex")
                for _ in range(n):
                    r.bd()
    if r.pos != r.end - (version >= "AC1021"):  # R2007+: the string stream's flag (no strings) is left
        raise ValueError(f"data ends at bit {r.pos}, the object at {r.end}")
    style = absolute(h.handle(), handle)  # its own handle: relative references count from it
    values = (scale, *base, *extrusion, *(c for v in vertices for p in v for c in p))
    if not all(abs(x) < 1e12 for x in values):
        raise ValueError("implausible multiline")
    return (handle, scale, justification, base, extrusion, flags, lines, vertices, style)


def _point(r: Bits) -> tuple[float, float, float]:
    return r.bd(), r.bd(), r.bd()

