"""A DWG's object records by handle, read through its object map, without decoding the rest.

ezdwg answers ``raw.read_object_records_by_handle`` after decompressing the whole objects
section (R2004+: 2–17 ms on ACadSharp's samples, most of a layout read); :class:`Objects`
reads the object map (AcDb:Handles, a few KB) and then only the pages that hold the records
asked for (``dwgpages``). R14 (AC1014) and R2000 (AC1015) store both uncompressed: the map
is located by the file's section locators and gives file addresses. R2007 (AC1021) is not
read here (its pages are Reed-Solomon coded): ``ValueError``, and callers use ezdwg.

A record comes as ezdwg gives it: its modular-short size, R2010+ the handle-stream size, then
the object's bytes and its CRC, so the bit decoders (``dwgentity``, ``dwgmlstyle``,
``dwglayoutobj``) take either. tests/cad/test_dwg_objects.py holds ezdwg's map and records as
the reference.
"""

from __future__ import annotations

import bisect
import logging
import struct

from drawreview.cad.dwgbits import modular_char, modular_short
from drawreview.cad.dwgpages import FAMILY, Sections

OBJECTS, HANDLES = "AcDb:AcDbObjects", "AcDb:Handles"
log = logging.getLogger("drawreview.dwg")


def object_map(raw: bytes) -> dict[int, int]:
    """{handle: offset} of an object map: sections of at most 2032 bytes, each a big-endian size
    (its own two bytes included) then pairs (handle step: unsigned modular char, offset step:
    signed modular char) from 0, 0, and a CRC; a section of size 2 ends the map."""
    out: dict[int, int] = {}
    at = 0
    while (at := _map_section(raw, at, out)) is not None:
        pass
    return out


def _map_section(raw: bytes, at: int, out: dict[int, int]) -> int | None:
    """Add the section of the object map at *at* to *out*; where the next one starts, None
    after the last."""
    if at + 2 > len(raw):
        return None
    size = (raw[at] << 8) | raw[at + 1]
    if size <= 2:
        return None
    end = at + size
    if end > len(raw):
        raise ValueError("object map section runs past its data")
    handle = offset = 0
    p = at + 2
    while p < end:
        b = raw[p]
        if b < 0x80:  # one byte, the common case
            p += 1
            handle += b
        else:
            step, p = modular_char(raw, p)
            handle += step
        b = raw[p]
        if b < 0x80:
            p += 1
            offset += -(b & 0x3F) if b & 0x40 else b
        else:
            delta, p = _signed_char(raw, p)
            offset += delta
        out[handle] = offset
    return end + 2


def _signed_char(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        if not byte & 0x80:
            value |= (byte & 0x3F) << shift
            return (-value if byte & 0x40 else value), at
        value |= (byte & 0x7F) << shift
        shift += 7
        if shift > 56:
            raise ValueError("bad offset in the object map")


class Objects:
    """The object records of the DWG whose bytes are *data*, by handle."""

    def __init__(self, data: bytes) -> None:
        self.data, self.version = data, data[:6].decode("latin-1")
        self.r2010 = self.version >= "AC1024"
        if self.version in ("AC1014", "AC1015"):
            self.sections = None
            count = struct.unpack_from("<I", data, 0x15)[0]
            if count < 3:
                raise ValueError("no object map locator")
            _, seeker, size = struct.unpack_from("<BII", data, 0x19 + 9 * 2)
            if seeker + size > len(data):
                raise ValueError("object map past the end of the file")
            self._map_raw, self._map_at, self._map = data[seeker:seeker + size], 0, {}
        elif self.version in FAMILY:
            self.sections = Sections(data)
            self._map_raw, self._map_at, self._map = self.sections.section_bytes(HANDLES), 0, {}
        else:
            raise ValueError(f"{self.version} object records are not read here")

    @property
    def map(self) -> dict[int, int]:
        """{handle: offset} of every object (the whole map parsed)."""
        while self._more():
            pass
        return self._map

    def _more(self) -> bool:
        """Parse the next section of the map; False when it is all parsed."""
        if self._map_at is None:
            return False
        self._map_at = _map_section(self._map_raw, self._map_at, self._map)
        return self._map_at is not None

    def offset(self, handle: int) -> int:
        """Where the record of *handle* starts: the map is parsed only as far as that handle
        (sections come in handle order; a handle not met by then is looked for to the end)."""
        while handle not in self._map and self._more():
            pass
        return self._map[handle]

    def prefetch(self, handles) -> None:
        """Decompress the pages that hold the records of *handles*, each as far as the last of
        them in it (R14/R2000: nothing to do)."""
        if self.sections is None or OBJECTS not in self.sections.sections:
            return
        page_size, _, _, pages = self.sections.sections[OBJECTS]
        last: dict[int, int] = {}  # page number → the offset of its last wanted record in it
        starts = [begin for begin, _, _ in pages]
        for h in handles:
            try:
                offset = self.offset(h)
            except KeyError:
                continue
            k = bisect.bisect_right(starts, offset) - 1
            if k >= 0 and offset < starts[k] + page_size:
                number = pages[k][1]
                last[number] = max(last.get(number, 0), offset - starts[k])
        for number, at in last.items():
            try:
                self.sections.page(number, page_size, min(page_size, at + 64))
            except (ValueError, IndexError, KeyError, struct.error):
                continue  # its records are framed one by one, and refused there

    def _bytes(self, start: int, stop: int) -> bytes:
        if self.sections is None:
            return self.data[start:stop]
        return self.sections.section_bytes(OBJECTS, start, stop)

    def record(self, handle: int) -> bytes:
        """The record of *handle* (size, R2010+ handle-stream size, data, CRC); ``KeyError`` when
        the map has no such handle, ``ValueError`` when its record cannot be framed."""
        offset = self.offset(handle)
        head = self._bytes(offset, offset + 12)
        if len(head) < 3:
            raise ValueError(f"record {handle:X} outside its section")
        size, at = modular_short(head)
        if self.r2010:
            _, at = modular_char(head, at)
        blob = self._bytes(offset, offset + at + size + 2)
        if len(blob) != at + size + 2:
            raise ValueError(f"record {handle:X} runs past its section")
        return blob

    def records(self, handles) -> dict[int, bytes]:
        """{handle: record} of those *handles* the map holds and that frame. Each page that holds
        some is decompressed once, as far as the last of them (record by record, a page would be
        decompressed in part for the first and again for a later one)."""
        if len(handles) > 1:
            self.prefetch(handles)
        out = {}
        for h in handles:
            try:
                out[h] = self.record(h)
            except (KeyError, ValueError, IndexError):
                continue
        return out


def by_ezdwg(path, wanted, limit: int | None = None):
    """(handle, record) of the handles *wanted*, as ezdwg reads them (it decompresses the whole
    objects section of an R2004+ file first)."""
    from ezdwg import raw

    for handle, _offset, _size, _type, data in raw.read_object_records_by_handle(str(path), sorted(wanted), limit):
        yield int(handle), bytes(data)


class Pages:
    """A ``by_ezdwg`` that reads records through the object map and only the pages that hold
    them (:class:`Objects`, opened at the first read and kept: the layout read and the recovery
    share one); a file it does not read (R2007, or a map that does not parse) and a handle it
    does not find go to ezdwg."""

    def __init__(self, path) -> None:
        self.path = path
        self._objects: list = []

    def objects(self) -> Objects | None:
        """The file's :class:`Objects`, None when it is not read here."""
        if not self._objects:
            try:
                with open(self.path, "rb") as fh:
                    self._objects.append(Objects(fh.read()))
            except (ValueError, IndexError, struct.error, OSError):
                self._objects.append(None)
        return self._objects[0]

    def __call__(self, path, wanted, limit: int | None = None):
        objects = self.objects()
        got = objects.records(wanted) if objects is not None else {}
        yield from got.items()
        rest = [h for h in wanted if h not in got]
        if rest:
            yield from by_ezdwg(path, rest, limit)


def by_pages(path) -> Pages:
    """A :class:`Pages` reader of the DWG at *path*."""
    return Pages(path)


def decoded(path, wanted, decode, what: str, limit: int | None = None, records=None) -> list:
    """``decode(handle, record)`` of each record among the handles *wanted* (read by *records*,
    a ``by_pages`` reader, else ``by_ezdwg``); a record that does not decode is logged and left
    out, and so is a None result."""
    out = []
    if not wanted:
        return out
    for handle, data in (records or by_ezdwg)(path, wanted, limit):
        try:
            got = decode(handle, data)
        except (ValueError, IndexError, struct.error) as exc:
            log.info("DWG %s %X unreadable: %s", what, handle, exc)
            continue
        if got is not None:
            out.append(got)
    return out


class Names:
    """{handle: name} of table entries (linetypes, layers...) read as they are asked for: the
    entry's record (by *records*, a ``by_pages`` reader, else ``by_ezdwg``), its name the first
    string after the common object data. ``get`` like a dict's; a record that does not decode
    gives the default."""

    def __init__(self, path, version: str, codec: str = "cp1252", records=None, limit: int | None = None) -> None:
        self.path, self.version, self.codec, self.records, self.limit = path, version, codec, records, limit
        self._names: dict[int, str | None] = {}

    def get(self, handle, default=None):
        if handle is None:
            return default
        if handle not in self._names:
            from drawreview.cad.dwgbits import Object

            got = decoded(self.path, [handle], lambda h, record: Object(record, self.version, self.codec).text(),
                          "table entry", self.limit, self.records)
            self._names[handle] = got[0] if got and got[0] else None
        name = self._names[handle]
        return default if name is None else name

    def __bool__(self) -> bool:
        return True
