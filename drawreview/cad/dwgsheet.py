"""The LAYOUT objects of a DWG decoded from their own records (``dwgobjects``): what a sheet's
paper is (size and name, margins, rotation, units, plot scale), its limits and extents, its
block record and viewports.

ezdwg's ``raw.decode_layout_objects`` gives the same rows after decompressing the whole objects
section to find them by type (AecObjects.dwg: 10–17 ms for its two layouts; the R2004+
samples 2–5 ms). ``rows`` follows the layouts dictionary named in the header
(``$DICTIONARY_LAYOUTS``, which pycadkit reads) to its LAYOUT records and decodes them with
the DWG bit codes as the Open Design Specification lays out PLOTSETTINGS and LAYOUT, R2000
(AC1015) to R2018 (AC1032), giving each row in ezdwg's shape. A record is accepted only when
its data ends where the object says it ends; anything else raises ``ValueError`` and the
caller reads the layouts with ezdwg. tests/cad/test_dwg_objects.py holds ezdwg's rows as the
reference on every sample.
"""

from __future__ import annotations

from drawreview.cad.dwgbits import Object
from drawreview.cad.dwgobjects import Objects

DICTIONARY_TYPE, LAYOUT_TYPE = 42, 82


def dictionary(record: bytes, version: str, codec: str) -> dict[str, int]:
    """{entry name: object handle} of a DICTIONARY record."""
    o = Object(record, version, codec)
    if o.kind != DICTIONARY_TYPE:
        raise ValueError(f"object type {o.kind}, not DICTIONARY")
    r = o.r
    count = r.bl()
    if count > 100_000:
        raise ValueError("implausible dictionary size")
    if version >= "AC1015":
        r.bs(), r.bits(8)  # cloning flag, hard owner flag
    else:
        r.bits(8)
    names = [o.text() for _ in range(count)]
    _check_end(o)
    h = o.handles()
    return {name: o.ref(h) for name in names}


def layout(record: bytes, version: str, codec: str, handle: int) -> tuple:
    """One LAYOUT record as a row of ezdwg's ``decode_layout_objects``: (handle, name, tab
    order, flags, block record, (paper width, height, margins (left, bottom, right, top),
    paper size, paper units, rotation), (limmin, limmax), (extmin, extmax), viewports, last
    active viewport, (plot layout flags, plot origin, plot type, window min, window max,
    numerator, denominator, scale type, scale factor))."""
    r2004, r2007 = version >= "AC1018", version >= "AC1021"
    o = Object(record, version, codec)
    if o.kind != LAYOUT_TYPE and o.kind < 500:  # 82, or a class number where a file lists it as a class
        raise ValueError(f"object type {o.kind}, not LAYOUT")
    r, text = o.r, o.text
    text(), text()  # page setup name, printer / configuration
    plot_flags = r.bs()
    margins = (r.bd(), r.bd(), r.bd(), r.bd())
    width, height = r.bd(), r.bd()
    paper_size = text()
    origin = (r.bd(), r.bd())
    units, rotation, plot_type = r.bs(), r.bs(), r.bs()
    window_min, window_max = (r.bd(), r.bd()), (r.bd(), r.bd())
    if not r2004:
        text()  # plot view name
    numerator, denominator = r.bd(), r.bd()
    text()  # style sheet
    scale_type, scale_factor = r.bs(), r.bd()
    r.bd(), r.bd()  # paper image origin
    if r2004:
        r.bs(), r.bs(), r.bs()  # shade plot mode, resolution level, custom DPI
    name = text()
    tab_order, flags = r.bs(), r.bs()
    _point3(r)  # UCS origin
    limits = ((_rd(r), _rd(r)), (_rd(r), _rd(r)))
    _point3(r), _point3(r), _point3(r)  # insertion base, UCS x and y axes
    r.bd()  # elevation
    r.bs()  # orthographic view type
    extents = (_point3(r), _point3(r))
    count = r.bl() if r2004 else 0
    if count > 100_000:
        raise ValueError("implausible viewport count")
    _check_end(o)
    h = o.handles()
    if r2004:
        h.handle()  # plot view
    if r2007:
        h.handle()  # visual style
    block, last = o.ref(h), o.ref(h)
    h.handle(), h.handle()  # base UCS, named UCS
    viewports = [o.ref(h) for _ in range(count)]
    return (handle, name, tab_order, flags, block, (width, height, margins, paper_size, units, rotation), limits,
            extents, viewports, last, (plot_flags, origin, plot_type, window_min, window_max, numerator, denominator,
                                       scale_type, scale_factor))


def rows(data, dictionary_handle: int, codec: str) -> list[tuple]:
    """The rows of every LAYOUT the layouts dictionary of the DWG in *data* (its bytes, or its
    :class:`Objects` already open) names."""
    objects = data if isinstance(data, Objects) else Objects(data)
    version = objects.version
    entries = dictionary(objects.record(dictionary_handle), version, codec)
    return [layout(objects.record(h), version, codec, h) for h in sorted(set(entries.values()))]


def _check_end(o: Object) -> None:
    if o.r.pos != o.data_end or o.strings is not o.r and o.strings.pos > o.strings.end:
        raise ValueError(f"data ends at bit {o.r.pos}, the object at {o.data_end}")


def _rd(r) -> float:
    import struct

    return struct.unpack("<d", r.raw(8))[0]


def _point3(r) -> tuple[float, float, float]:
    return (r.bd(), r.bd(), r.bd())
