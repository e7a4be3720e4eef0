"""The common data of a few DWG entities, decoded from their own records: where each lives
(entity mode and owner), its layer, colour, linetype, lineweight and visibility.

ezdwg gives these for every entity of the file at once (``raw.decode_entity_placements``,
``decode_entity_styles``, ``decode_entity_linetypes``, ``decode_entity_lineweights``): four
passes over every record, 5–9 ms on ACadSharp's 1 MB samples, for the handful of multilines
and tolerances ``dwgrecover`` adds. ``read`` takes only the records asked for (``dwgobjects``:
page by page, or ``raw.read_object_records_by_handle``, ~0.1 ms) and decodes the common entity
data and its handle references with the DWG bit codes as the Open Design Specification lays
them out, R14 (AC1014) to R2018 (AC1032): R13/R14 with the layer and linetype first in the handle stream and
no lineweight; R13–R2000 the links to the previous and next entity; R2004+ the encoded colour
(index, true colour, transparency); R2007+ material and shadow, R2010+ visual styles.

A record is refused (and left out: the caller reads those with ezdwg's passes) when it does not
decode inside its own bounds, names a colour-book colour (its handle's place in the stream is
not settled between the references), or is not an entity. tests/cad/test_dwg_entity.py checks
every entity of every sample against ezdwg's four passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from drawreview.cad.dwgbits import Bits, absolute, object_type, record_data


# DWG lineweight index (RC) → DXF group 370 (1/100 mm); 29/30/31: BYLAYER/BYBLOCK/default
LINEWEIGHTS = (0, 5, 9, 13, 15, 18, 20, 25, 30, 35, 40, 50, 53, 60, 70, 80, 90, 100, 106, 120, 140, 158, 200, 211)
_SPECIAL_LINEWEIGHTS = {29: -1, 30: -2, 31: -3}


@dataclass(frozen=True)
class Common:
    """What ezdwg's four passes give for one entity, in their terms: ``mode`` (0: ``owner``
    stored, 1 paper space, 2 model space), ``color`` (ACI, 256 BYLAYER), ``true_color`` (the
    stored 0xC2RRGGBB, None without one), ``layer`` (LAYER handle), ``linetype_flags`` (0
    BYLAYER, 1 BYBLOCK, 2 CONTINUOUS, 3 ``linetype`` handle), ``linetype_scale``,
    ``lineweight`` (DXF 370; None for R13/R14 or an index that is not one), ``invisible``."""

    mode: int
    owner: int
    color: int
    true_color: int | None
    layer: int
    linetype_flags: int
    linetype: int | None
    linetype_scale: float
    lineweight: int | None
    invisible: bool


def read(path: str, handles, version: str, limit: int | None = None, records=None) -> dict[int, Common]:
    """{handle: common data} of the entities among *handles* whose records decode; *version*
    is the file's ``AC10xx``; *records*: a ``dwgobjects.by_pages`` reader (ezdwg's without)."""
    from drawreview.cad.dwgobjects import decoded

    wanted = sorted({int(h) for h in handles if h})
    rows = decoded(path, wanted, lambda handle, record: (handle, decode(record, version)), "entity common data",
                   limit, records)
    return dict(rows)


def decode(record: bytes, version: str) -> Common:
    """The common data of one entity record as ezdwg gives it (modular-short size, R2010+ the
    handle-stream size, then the object's bits)."""
    return decode_with_rest(record, version)[0]


def decode_with_rest(record: bytes, version: str) -> tuple[Common, Bits, Bits]:
    """``decode``, and two readers placed where the entity's own part begins: its data (after
    the lineweight) and its handle references (after the common ones: owner, reactors,
    extension dictionary, links, colour book, layer, linetype, material, plot style and visual
    styles, each present as the common data's flags say)."""
    return decode_with_graphic(record, version)[:3]


def decode_with_graphic(record: bytes, version: str) -> tuple[Common, Bits, Bits, bytes | None]:
    """``decode_with_rest`` and the entity's graphic image (its proxy graphics: what AutoCAD
    draws for it without the application that made it), None when it has none."""
    r14 = version < "AC1015"
    r2004, r2007, r2010, r2013 = (version >= v for v in ("AC1018", "AC1021", "AC1024", "AC1027"))
    data, size, hsize = record_data(record, r2010)
    r = Bits(data)
    if r2010:
        object_type(r)
        handles_at = size * 8 - hsize
    else:
        r.bs()
        handles_at = None if r14 else r.rl()
    _, own = r.handle()
    while (n := r.bs()):  # extended data: (size, application handle, bytes)*
        r.handle()
        r.raw(n)
    graphic = None
    if r.bits(1):  # a graphic (proxy) image
        graphic = r.raw(r.bll() if r2010 else r.rl())  # bounded by the record (Bits)
    if r14:
        handles_at = r.rl()
    if not 0 < handles_at <= size * 8:
        raise ValueError("handle stream outside the record")
    r.end = handles_at
    mode, reactors = r.bits(2), r.bl()
    bylayer_linetype = r.bits(1) if r14 else 0
    xdict_missing = r.bits(1) if r2004 else 0
    links = not r.bits(1) if not r2004 else False  # R13–R2000: "no links" flag
    if r2013:
        r.bits(1)  # has binary data
    true_color, book_color = None, False
    if r2004:
        raw = r.bs()
        color, flags = raw & 0x1FF, raw >> 8
        book_color = bool(flags & 0x40)  # a DBCOLOR by handle; else 0x80: the RGB follows
        if not book_color and flags & 0x80:
            true_color = r.bl()
        if flags & 0x20:
            r.bl()  # transparency
    else:
        color = r.bs()
    scale = r.bd()
    linetype_flags = (0 if bylayer_linetype else 3) if r14 else r.bits(2)
    # what follows the linetype in the handle stream: R2000+ plot style (BB), R2007+ material
    # (BB) and shadow (RC), R2010+ full, face and edge visual styles (B each)
    plotstyle_flags = 0 if r14 else r.bits(2)
    material_flags = r.bits(2) if r2007 else 0
    if r2007:
        r.bits(8)  # shadow
    visual_styles = (r.bits(1) + r.bits(1) + r.bits(1)) if r2010 else 0
    invisible = bool(r.bs() & 1)
    lineweight = None if r14 else _lineweight(r.bits(8))
    if reactors > 100_000:
        raise ValueError("implausible reactor count")
    h = Bits(data, handles_at, len(data) * 8)
    owner = absolute(h.handle(), own) if mode == 0 else 0
    for _ in range(reactors + (0 if xdict_missing else 1)):
        h.handle()
    linetype = None
    if r14:  # R13/R14: layer and linetype first
        layer = absolute(h.handle(), own)
        linetype = None if bylayer_linetype else absolute(h.handle(), own)
    if links:  # previous and next entity
        h.handle(), h.handle()
    if book_color:
        h.handle()
    if not r14:
        layer = absolute(h.handle(), own)
        linetype = absolute(h.handle(), own) if linetype_flags == 3 else None
    for _ in range((material_flags == 3) + (plotstyle_flags == 3) + visual_styles):
        h.handle()  # material (R2007+) before plot style, then the visual styles
    common = Common(mode, owner, color, true_color, layer, linetype_flags, linetype, scale, lineweight, invisible)
    return common, r, h, graphic


def _lineweight(index: int) -> int | None:
    if index < len(LINEWEIGHTS):
        return LINEWEIGHTS[index]
    return _SPECIAL_LINEWEIGHTS.get(index)


def from_passes(path: str, handles: set[int], limit: int | None) -> dict:
    """The common data of *handles* from ezdwg's whole-file passes (a colour by the styles
    pass's layer where that names one, else the linetype pass's: R14 LWPOLYLINE)."""
    from ezdwg import raw

    placements = {int(h): (int(m), int(o)) for h, m, o in raw.decode_entity_placements(path, limit) if int(h) in handles}
    styles = {int(h): (ci, tc, lh) for h, ci, tc, lh in raw.decode_entity_styles(path, limit) if int(h) in handles}
    linetypes = {int(h): (lh, flags, lt, scale) for h, lh, flags, lt, scale
                 in raw.decode_entity_linetypes(path, limit) if int(h) in handles}
    weights = {int(h): (lw, inv) for h, lw, inv in raw.decode_entity_lineweights(path, limit) if int(h) in handles}
    names = {int(h) for h, _ in raw.decode_layer_names(path, limit)}
    out = {}
    for h in handles & set(placements):
        ci, tc, layer = styles.get(h, (None, None, None))
        lt_layer, lt_flags, lt_handle, lt_scale = linetypes.get(h, (None, 0, None, 1.0))
        lw, invisible = weights.get(h, (None, False))
        out[h] = Common(*placements[h], ci if isinstance(ci, int) else 256, tc, layer if layer in names else lt_layer,
                        lt_flags, lt_handle, lt_scale, lw, bool(invisible))
    return out
