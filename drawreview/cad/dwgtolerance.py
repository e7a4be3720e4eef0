"""Geometric tolerances (TOLERANCE) that pycadkit drops, added back from ezdwg's rows.

A TOLERANCE keeps its text, insertion point, direction and dimension style, and the DWG
style's text height as a style override (pycadkit writes no dimension styles); the painter
draws its frames (``cad.tolerance``). ``dwgrecover`` places it and gives its properties.
"""

from __future__ import annotations

import logging

log = logging.getLogger("drawreview.dwg")


def add(layout, row, attribs: dict, dimstyles: dict) -> None:
    """A TOLERANCE in *layout* from ezdwg's row, with the entity's *attribs* (layer, colour...);
    *dimstyles*: ezdwg's {handle: (name, DIMSCALE, DIMTXT)} of the DWG's dimension styles."""
    doc = layout.doc
    handle, text, insert, direction, extrusion, height, _gap, dimstyle_handle = row
    attribs = attribs | {
        "insert": tuple(insert), "content": str(text).replace("\r\n", "^J").replace("\n", "^J"),
        "x_axis_vector": tuple(direction), "extrusion": tuple(extrusion),
        "dimstyle": _dimstyle(doc, dimstyles.get(dimstyle_handle))}
    entity = layout.new_entity("TOLERANCE", attribs)
    try:
        _sizes(doc, entity, float(height), dimstyles.get(dimstyle_handle))
    except Exception as exc:  # noqa: BLE001 - the entity stands, drawn at its style's height
        log.info("TOLERANCE %X height not kept: %r", int(handle), exc)


def _dimstyle(doc, dimstyle) -> str:
    if dimstyle and dimstyle[0] in doc.dimstyles:
        return doc.dimstyles.get(dimstyle[0]).dxf.name
    return "Standard"


def _sizes(doc, entity, height: float, dwg_style) -> None:
    """The frame's size as the DWG gives it, on the entity as the style override AutoCAD writes
    (ACAD DSTYLE: DIMTXT, DIMSCALE, DIMGAP) where the document's style differs: pycadkit writes
    no dimension styles, so the document's ``Standard`` is ezdxf's (2.5, metric) whatever the
    DWG's is. DIMTXT and DIMSCALE are the DWG style's (ezdwg's ``decode_dimstyles``), R13/R14
    an entity height of its own first; DIMGAP is not decoded by either reader: half the text
    height, the ratio of AutoCAD's default style (0.09 for 0.18)."""
    name, scale, txt = dwg_style if dwg_style else (None, 0.0, 0.0)
    scale = scale if scale > 0 else 1.0  # 0: scaled by the viewport (annotative)
    txt = height / scale if height > 0 else txt
    if txt <= 0 or entity.dxf.dimstyle not in doc.dimstyles:
        return
    style = doc.dimstyles.get(entity.dxf.dimstyle).dxf
    if abs(style.dimtxt * (style.dimscale or 1.0) - txt * scale) > 1e-9:
        entity.set_xdata("ACAD", [(1000, "DSTYLE"), (1002, "{"), (1070, 140), (1040, txt), (1070, 40), (1040, scale),
                                  (1070, 147), (1040, txt / 2), (1002, "}")])


def read(path: str, wanted, version: str, codec: str = "cp1252", limit: int | None = None, records=None) -> list[tuple]:
    """The rows of the tolerances among the handles *wanted* whose records decode (``decode``)."""
    from drawreview.cad.dwgobjects import decoded

    return decoded(path, wanted, lambda handle, record: decode(handle, record, version, codec), "tolerance",
                   limit, records)


def decode(handle: int, record: bytes, version: str, codec: str = "cp1252") -> tuple:
    """One TOLERANCE record as a row of ezdwg's ``decode_tolerance_entities`` (handle, text,
    insertion point, direction, extrusion, height, gap, dimension style handle), read as the
    Open Design Specification lays it out: the common entity data (``dwgentity``), R13/R14 a
    short, the height and the gap, then the point, the direction, the extrusion (three doubles,
    not the bit-coded extrusion: the text would start a few bits early) and the text (R2007+ in
    the string stream), and the dimension style's handle; a record whose data does not end there is
    refused."""
    from drawreview.cad.dwgbits import absolute, string_stream
    from drawreview.cad.dwgentity import decode_with_rest

    _, r, h = decode_with_rest(record, version)
    height = gap = 0.0
    if version < "AC1015":
        r.bs()
        height, gap = r.bd(), r.bd()
    insert, direction = _point(r), _point(r)
    extrusion = _point(r)
    if version >= "AC1021":
        strings, end = string_stream(r.data, r.end)
        text = strings.unicode()
    else:
        text, end = r.text(codec), r.end
    if r.pos != end:
        raise ValueError(f"data ends at bit {r.pos}, the object at {end}")
    if not all(abs(x) < 1e12 for x in (*insert, *direction, *extrusion, height, gap)):
        raise ValueError("implausible tolerance")
    return (handle, text, insert, direction, extrusion, height, gap, absolute(h.handle(), handle))


def _point(r) -> tuple[float, float, float]:
    return r.bd(), r.bd(), r.bd()


DIMSTYLE_TYPE = 69


def dimstyles(path: str, wanted, version: str, codec: str = "cp1252", limit: int | None = None,
              records=None) -> dict[int, tuple[str, float, float]]:
    """{handle: (name, DIMSCALE, DIMTXT)} of the dimension styles among *wanted*, as ezdwg's
    ``raw.decode_dimstyles`` gives them, decoded from their own records (``dimstyle``)."""
    from drawreview.cad.dwgobjects import decoded

    rows = decoded(path, wanted, lambda handle, record: (handle, *dimstyle(record, version, codec)), "dimstyle",
                   limit, records)
    return {h: (name, scale, txt) for h, name, scale, txt in rows}


def dimstyle(record: bytes, version: str, codec: str = "cp1252") -> tuple[str, float, float]:
    """(name, DIMSCALE, DIMTXT) of a DIMSTYLE record, read as the Open Design Specification
    lays it out: the table entry (name, flags, before R2007 the xref index), then R13/R14 eleven flags, two
    bytes, two flags, three bytes, a flag, four bytes and six shorts before DIMSCALE, and
    DIMTXT nine doubles on; R2000+ DIMPOST and DIMAPOST, DIMSCALE, eight doubles, R2007+ two
    more doubles, a short and a colour, then six flags and three (R2007+ four) shorts before
    DIMTXT."""
    from drawreview.cad.dwgbits import Object
    from drawreview.cad.dwgmlstyle import _color

    o = Object(record, version, codec)
    if o.kind != DIMSTYLE_TYPE:
        raise ValueError(f"object type {o.kind}, not DIMSTYLE")
    r, text = o.r, o.text
    name = text()
    if version >= "AC1021":
        r.bits(2)  # 64-flag, xref dependent (no xref index: ezdwg's values agree only without it)
    else:
        r.bits(1), r.bs(), r.bits(1)  # 64-flag, xref index + 1, xref dependent
    if version < "AC1015":
        r.bits(11), r.bits(16), r.bits(2), r.bits(24), r.bits(1), r.bits(32)
        for _ in range(6):
            r.bs()
        scale = r.bd()
        for _ in range(8):
            r.bd()
    else:
        text(), text()  # DIMPOST, DIMAPOST
        scale = r.bd()
        for _ in range(8):
            r.bd()
        if version >= "AC1021":
            r.bd(), r.bd(), r.bs()  # DIMFXL, DIMJOGANG, DIMTFILL
            _color(r, True, text)  # DIMTFILLCLR
        r.bits(6)
        for _ in range(4 if version >= "AC1021" else 3):
            r.bs()
    txt = r.bd()
    if not name or not 0 <= scale < 1e12 or not 0 <= txt < 1e12:
        raise ValueError("implausible dimension style")
    return name, scale, txt
