"""What the recovery (``dwgrecover``) reads from a DWG: the rows of the entities pycadkit
dropped and what they refer to (their common data, layer and linetype names, dimension
styles, the layouts of paper-space owners, multiline styles).

Where pycadkit's model listed every dropped entity by handle, the file is not R2007 and the
records are few enough for paging to be the cheaper read (``reads_whole_file``), all of it
comes from the entities' and tables' own records, read through the object map and only the
pages that hold them (``dwgobjects.by_pages``), decoded here (``dwgmline``, ``dwgtolerance``,
``dwgentity``, ``dwgtable``, ``dwgwipeout``, ``dwgproxy``, ``dwgmlstyle``, ``dwgsheet``);
ezdwg's passes over the whole file (``raw.decode_mline_entities`` and the like) then run only
for a record that does not decode. Otherwise ezdwg reads it all, as before: its native
decompression of the whole file (2–4 ms of ACadSharp's 1.1 MB samples) is cheaper than ours
of the ~8 pages their 33 dropped entities, styles and layouts lie on (5.4–6.7 ms).
"""

from __future__ import annotations

import logging
import os
import struct

log = logging.getLogger("drawreview.dwg")

OWN_READERS = ("MLINE", "TOLERANCE", "ACAD_TABLE", "WIPEOUT")


# Where ezdwg's whole-file read is the cheaper one: its native decompression costs ~2–4 ms a MB
# (ACadSharp's 1.1 MB samples; 10 ms for AecObjects' 0.4 MB of AEC objects), ours 0.2–1 ms a
# page, and records spread over the file may each lie on a page of their own.
RECORDS_PER_MB, FEW_RECORDS = 3.6, 4


def reads_whole_file(lost, facts: dict, size: int | None = None) -> bool:
    """Whether recovering *lost* ({type: count} or types) has ezdwg decompress the whole file:
    an R2007 file (its pages are not read here), a type pycadkit did not list by handle, or
    more records than paging through them would save over ezdwg's whole-file decompression of
    the *size* bytes (``RECORDS_PER_MB``; ``FEW_RECORDS`` always go page by page: ACadSharp's
    samples, 33 dropped entities on 5 of their ~45 pages, are quicker with ezdwg, AecObjects'
    four on two pages of 24 page by page). Otherwise the records are read page by page
    (``dwgobjects``), and so are the layouts (``dwglayout``)."""
    kinds = {k for k, n in lost.items() if n} if isinstance(lost, dict) else set(lost)
    listed = facts.get("unknown_handles") or {}
    code = str(facts.get("version", "")).rpartition("/")[2]
    if not kinds:
        return False
    if code == "AC1021" or kinds - set(listed.values()):
        return True
    records = sum(1 for k in listed.values() if k in kinds)
    return size is not None and records > max(FEW_RECORDS, RECORDS_PER_MB * size / 1e6)


def owner(mode: int, block: int, spaces: dict) -> int | None:
    """The block record handle of an entity placed (*mode*, *block*) (ezdwg's entity
    placement: 2 model space, 1 the active paper space, 0 the block record *block*)."""
    return spaces.get("model") if mode == 2 else spaces.get("paper") if mode == 1 else block


def read(path: str, kinds: list[str], facts: dict, limit: int | None, pages=None) -> dict:
    """The recovery's source for the dropped types *kinds*: rows by type, ``common``
    ({handle: dwgentity.Common}), ``placements``, ``layer_names``, ``linetype_names`` (anything
    with ``get``), and where needed ``dimstyles``, ``layouts`` and ``mline_styles``. *pages*: the
    ``dwgobjects.Pages`` reader of the file the layout read opened, if any."""
    from ezdwg import raw

    from drawreview.cad import (dwgentity, dwgmline, dwgmlstyle, dwgobjects, dwgproxy, dwgtable, dwgtolerance,
                                dwgwipeout)
    from drawreview.cad.dwgbits import codec as codec_of

    code = str(facts.get("version", "")).rpartition("/")[2]
    codec = codec_of(facts.get("codepage"))
    whole = pages is None and reads_whole_file(kinds, facts, os.path.getsize(path))
    records = None if whole else pages or dwgobjects.by_pages(path)
    imaged = [k for k in kinds if k not in OWN_READERS]
    by_record = imaged + [k for k in OWN_READERS[2:] if k in kinds] + ([] if whole else ["MLINE", "TOLERANCE"])
    # the entities of these types, by handle: as pycadkit listed them, else by ezdwg's object headers
    found = {h: k for h, k in (facts.get("unknown_handles") or {}).items() if k in by_record}
    if set(by_record) & set(kinds) - set(found.values()):
        found = dwgproxy.handles(raw.list_object_headers_with_type(path), by_record, facts.get("classes") or {})

    if records is not None and records.objects() is not None:
        records.objects().prefetch(found)  # their pages decompressed once, not record by record

    def of(kind: str) -> list[int]:
        return [h for h, k in found.items() if k == kind] if kind in kinds else []

    if whole:
        mlines = list(raw.decode_mline_entities(path, limit)) if "MLINE" in kinds else []
        tolerances = list(raw.decode_tolerance_entities(path, limit)) if "TOLERANCE" in kinds else []
    else:  # a record that does not decode: ezdwg's pass, for it
        mlines = _or_ezdwg(dwgmline.read(path, of("MLINE"), code, limit, records), of("MLINE"),
                           lambda: raw.decode_mline_entities(path, limit))
        tolerances = _or_ezdwg(dwgtolerance.read(path, of("TOLERANCE"), code, codec, limit, records),
                               of("TOLERANCE"), lambda: raw.decode_tolerance_entities(path, limit))
    tables = dwgtable.read(path, of("ACAD_TABLE"), code, limit, records)
    wipeouts = dwgwipeout.read(path, of("WIPEOUT"), code, limit, records)
    proxies = dwgproxy.read(path, {h: k for h, k in found.items() if k in imaged}, code, limit, records)
    out = {"mlines": mlines, "tolerances": tolerances, "tables": tables, "proxies": proxies, "wipeouts": wipeouts}
    if not mlines and not tolerances and not tables and not proxies and not wipeouts:
        return out
    wanted_handles = {int(r[0]) for r in mlines} | {int(r[0]) for r in tolerances}
    # placement, layer, colour, linetype, lineweight from these entities' own records; ezdwg's
    # passes over every entity of the file only for a record the narrow decoder refuses
    common = (dwgentity.read(path, wanted_handles, code, limit, records) | {t.handle: t.common for t in tables}
              | {p.handle: p.common for p in proxies} | {w.handle: w.common for w in wipeouts})
    if wanted_handles - set(common):
        common |= dwgentity.from_passes(path, wanted_handles - set(common), limit)
    out["common"] = common
    out["placements"] = {h: (c.mode, c.owner) for h, c in common.items()}
    out["layer_names"] = dict(facts.get("layers") or {})
    if {c.layer for c in common.values()} - set(out["layer_names"]):  # a layer pycadkit did not list
        out["layer_names"] = {int(h): str(n) for h, n in raw.decode_layer_names(path, limit)}
    # linetype names only for an entity of a linetype of its own, or R2018 style elements (by handle)
    out["linetype_names"] = {}
    if any(c.linetype_flags == 3 for c in common.values()) or (mlines and code >= "AC1032"):
        out["linetype_names"] = ({int(h): str(n) for h, n, *_ in raw.decode_linetypes(path, limit)} if whole
                                 else dwgobjects.Names(path, code, codec, records, limit))
    if tolerances:
        out["dimstyles"] = _dimstyles(path, {r[7] for r in tolerances}, code, codec, limit, records)
    blocks, spaces = facts.get("blocks") or {}, facts.get("spaces") or {}
    owners = {owner(m, o, spaces) for m, o in out["placements"].values()}
    if owners - set(blocks) - {spaces.get("model")}:  # paper space: its layout by block record
        out["layouts"] = _layouts(path, spaces, codec, limit, records)
    if mlines:
        out["mline_styles"] = dwgmlstyle.read(path, {r[8] for r in mlines}, code, codec, out["linetype_names"],
                                              limit, records)
    return out


def _or_ezdwg(rows: list, wanted: list[int], whole_file) -> list:
    """*rows* decoded from the records of *wanted*, and ezdwg's rows (*whole_file*) for those
    that did not decode."""
    missing = set(wanted) - {int(r[0]) for r in rows}
    if missing:
        log.info("DWG records %s not decoded: read with ezdwg", sorted(missing))
        rows = rows + [r for r in whole_file() if int(r[0]) in missing]
    return rows


def _dimstyles(path: str, handles: set[int], code: str, codec: str, limit, records) -> dict:
    """{handle: (name, DIMSCALE, DIMTXT)} of the tolerances' dimension styles."""
    from ezdwg import raw

    from drawreview.cad import dwgtolerance

    out = {} if records is None else dwgtolerance.dimstyles(path, handles, code, codec, limit, records)
    missing = set(handles) - set(out)
    if missing:
        out |= {int(h): (str(n), float(scale), float(txt)) for h, n, scale, _asz, txt
                in raw.decode_dimstyles(path, limit) if int(h) in missing}
    return out


def _layouts(path: str, spaces: dict, codec: str, limit, records) -> dict[int, str]:
    """{block record: layout name} of the DWG's LAYOUT objects (their records through *records*'
    object map where there is one, else ezdwg's rows)."""
    from ezdwg import raw

    from drawreview.cad import dwgsheet

    objects = records.objects() if records is not None else None
    if objects is not None and isinstance(spaces.get("layouts"), int):
        try:
            return {int(row[4]): str(row[1]) for row in dwgsheet.rows(objects, spaces["layouts"], codec)}
        except (ValueError, TypeError, KeyError, IndexError, struct.error) as exc:
            log.info("DWG layouts not read from their records (%s): reading them with ezdwg", exc)
    return {int(row[4]): str(row[1]) for row in raw.decode_layout_objects(path, limit)}
