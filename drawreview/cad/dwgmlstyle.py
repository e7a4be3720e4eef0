"""The multiline styles (MLINESTYLE objects) of a DWG, read from their raw records.

A multiline is drawn from its style: how many lines, their offsets, colours and linetypes, the
caps, the fill. Neither reader here decodes the style: pycadkit's DXF holds none (ezdxf adds
its default ``Standard``, two lines at ±0.5), ezdwg gives each MLINE the handle of its style
only. A wall style of offsets ±120 drawn as ``Standard`` would collapse to one line, a
four-line window style would lose two. ``read`` takes the records of the styles asked for
(``dwgobjects``: page by page, or ezdwg's ``raw.read_object_records_by_handle``) and decodes
them with the DWG bit codes as the Open Design Specification lays the object out, R14 (AC1014)
to R2018 (AC1032). A record is accepted only when its data ends exactly where the object says
it ends (R14–R2004: at its bit size; R2007+: where its string stream begins), so a misread is
refused, never guessed at.

Element linetypes: R2018 names them by handle (resolved with the LTYPE records' names, or
ezdwg's linetype table); before R2018 the record holds an index into the linetype table that
neither reader exposes: BYLAYER and BYBLOCK are kept, any other index is drawn BYLAYER.
"""

from __future__ import annotations

import math

from drawreview.cad.dwgbits import Bits, Object


MLINESTYLE_TYPE = 73
# DWG flag bit → DXF group 70 bit (the DWG swaps fill/joints, round/inner-arc caps)
_FLAGS = {1: 2, 2: 1, 16: 16, 32: 64, 64: 32, 256: 256, 512: 1024, 1024: 512}
_BYLAYER_INDEX, _BYBLOCK_INDEX = 32767, 32766


def read(path: str, handles, version: str, codec: str = "cp1252", linetypes=None, limit: int | None = None,
         records=None) -> dict[int, dict]:
    """{style handle: style} for the MLINESTYLE objects among *handles* (``decode``; *linetypes*:
    {LTYPE handle: name}, anything with ``get``); *records*: a ``dwgobjects.by_pages`` reader
    (ezdwg's without). Records that cannot be read are logged and left out."""
    from drawreview.cad.dwgobjects import decoded

    wanted = sorted({int(h) for h in handles if h})
    rows = decoded(path, wanted, lambda handle, record: (handle, decode(record, version, codec, linetypes or {})),
                   "multiline style", limit, records)
    return dict(rows)


def decode(record: bytes, version: str, codec: str = "cp1252", linetypes: dict[int, str] | None = None) -> dict:
    """``name``, ``description``, DXF ``flags``, ``fill_color`` (ACI), ``start_angle`` and
    ``end_angle`` (degrees) and ``elements`` [(offset, ACI colour, linetype name)] of one
    MLINESTYLE record as ezdwg gives it (modular-short size, R2010+ the handle-stream size,
    then the object's bits); *version* is the file's ``AC10xx``."""
    r2004, r2007, r2018 = (version >= v for v in ("AC1018", "AC1021", "AC1032"))
    o = Object(record, version, codec)
    if o.kind != MLINESTYLE_TYPE:
        raise ValueError(f"object type {o.kind}, not MLINESTYLE")
    r, strings, data_end, bitsize = o.r, o.strings, o.data_end, o.bitsize
    text = o.text
    name, description = text(), text()
    flags = r.bs()
    fill = _color(r, r2004, text)
    start, end = r.bd(), r.bd()
    count = r.bits(8)
    elements = []
    for _ in range(count):
        offset, color = r.bd(), _color(r, r2004, text)
        index = None if r2018 else r.bs()
        elements.append([offset, color, "BYBLOCK" if index == _BYBLOCK_INDEX else "BYLAYER"])
    if r.pos != data_end or (r2007 and strings.pos > bitsize):
        raise ValueError(f"data ends at bit {r.pos}, the object at {data_end}")
    if r2018 and count:  # the element linetypes are the last handles of the handle stream
        h = o.handles()
        for element in elements:
            lt = o.ref(h)
            element[2] = _linetype_name(linetypes.get(lt) if linetypes else None)
    if not name or not elements:
        raise ValueError("style without a name or lines")
    return {"name": name, "description": description,
            "flags": sum(dxf for dwg, dxf in _FLAGS.items() if flags & dwg), "fill_color": fill,
            "start_angle": math.degrees(start), "end_angle": math.degrees(end),
            "elements": [tuple(e) for e in elements]}


def _color(r: Bits, r2004: bool, text) -> int:
    """ACI of a CMC colour: R2004+ a method byte over an RGB (ByLayer, ByBlock, ACI, true
    colour → nearest ACI) with optional colour and book names."""
    index = r.bs()
    if not r2004:
        return index if 0 <= index <= 256 else 256
    rgb, flag = r.bl(), r.bits(8)
    if flag & 1:
        text()
    if flag & 2:
        text()
    method = rgb >> 24
    if method == 0xC0:
        return 256
    if method == 0xC1:
        return 0
    if method == 0xC3:
        return rgb & 0xFF or 256
    if method == 0xC2:
        return _nearest_aci(rgb & 0xFFFFFF)
    return index if 0 < index <= 256 else 256


def _nearest_aci(rgb: int) -> int:
    from ezdxf.colors import DXF_DEFAULT_COLORS

    r, g, b = rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF
    return min(range(1, 256), key=lambda i: (((DXF_DEFAULT_COLORS[i] >> 16) - r) ** 2
                                             + (((DXF_DEFAULT_COLORS[i] >> 8) & 0xFF) - g) ** 2
                                             + ((DXF_DEFAULT_COLORS[i] & 0xFF) - b) ** 2))


def _linetype_name(name: str | None) -> str:
    if not name or name.upper() == "BYLAYER":
        return "BYLAYER"
    return "BYBLOCK" if name.upper() == "BYBLOCK" else name
