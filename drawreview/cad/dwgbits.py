"""DWG object records read bit by bit: the bit codes (BS, BL, BD, H, TV/TU, ...) and the
record framing (modular sizes, the object type, the R2007+ string stream, relative handle
references) as the Open Design Specification lays them out, R14 (AC1014) to R2018 (AC1032).
Shared by the decoders of single records (``dwgentity``, ``dwgmlstyle``, ``dwgsheet``), whether
ezdwg or ``dwgobjects`` gives the bytes; ``Object`` frames a non-entity record for them.
"""

from __future__ import annotations

import math
import struct


class Bits:
    """A DWG bit stream: MSB first, the bit codes BS, BL, BD, H, TV/TU and raw values."""

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data, self.pos = data, pos
        self.end = len(data) * 8 if end is None else min(end, len(data) * 8)

    def bits(self, n: int) -> int:
        """The next *n* bits as an unsigned number (the bytes they touch, shifted and masked)."""
        pos = self.pos
        if n < 0 or pos + n > self.end:
            raise ValueError("record ends early")
        stop = (pos + n + 7) >> 3
        self.pos = pos + n
        return (int.from_bytes(self.data[pos >> 3:stop], "big") >> (stop * 8 - pos - n)) & ((1 << n) - 1)

    def raw(self, n: int) -> bytes:
        return self.bits(8 * n).to_bytes(n, "big") if n else b""

    def rs(self) -> int:
        return struct.unpack("<H", self.raw(2))[0]

    def rl(self) -> int:
        return struct.unpack("<I", self.raw(4))[0]

    def bs(self) -> int:
        code = self.bits(2)
        return self.rs() if code == 0 else self.bits(8) if code == 1 else 0 if code == 2 else 256

    def bl(self) -> int:
        code = self.bits(2)
        if code == 3:
            raise ValueError("bad BL code")
        return self.rl() if code == 0 else self.bits(8) if code == 1 else 0

    def bd(self) -> float:
        code = self.bits(2)
        if code == 3:
            raise ValueError("bad BD code")
        value = struct.unpack("<d", self.raw(8))[0] if code == 0 else 1.0 if code == 1 else 0.0
        if not math.isfinite(value):
            raise ValueError("non-finite double")
        return value

    def bll(self) -> int:
        return int.from_bytes(self.raw(self.bits(3)), "little")

    def handle(self) -> tuple[int, int]:
        code, count = self.bits(4), self.bits(4)
        return code, int.from_bytes(self.raw(count), "big") if count else 0

    def text(self, codec: str) -> str:
        return self.raw(self.bs()).split(b"\0", 1)[0].decode(codec, "replace")

    def unicode(self) -> str:
        return self.raw(2 * self.bs()).decode("utf-16-le", "replace").split("\0", 1)[0]


def codec(codepage: str | None) -> str:
    """The Python codec of a DWG code page name as either reader gives it (``ANSI_936``,
    ``windows-936``, ``gbk`` → ``gbk``; none or unknown: ANSI_1252's)."""
    import codecs

    from ezdxf.tools.codepage import toencoding

    name = toencoding(codepage or "ANSI_1252")
    if name == "cp1252" and codepage and "1252" not in codepage:
        try:
            return codecs.lookup(codepage).name
        except LookupError:
            pass
    return name


def modular_short(data: bytes) -> tuple[int, int]:
    value, shift, at = 0, 0, 0
    while True:
        word = data[at] | (data[at + 1] << 8)
        at += 2
        value |= (word & 0x7FFF) << shift
        shift += 15
        if not word & 0x8000:
            return value, at
        if shift > 45:
            raise ValueError("bad object size")


def modular_char(data: bytes, at: int) -> tuple[int, int]:
    """(value, next byte) of the unsigned modular char an R2010+ record gives its handle stream
    size in bits with: 7 bits a byte, the high bit set on all but the last (its 0x40 bit is a
    value bit, not a sign: a stream of 64–127 bits is one byte 0x40–0x7F)."""
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
        if shift > 56:
            raise ValueError("bad handle stream size")


def object_type(r: Bits) -> int:
    code = r.bits(2)
    return r.bits(8) if code == 0 else r.bits(8) + 0x1F0 if code == 1 else r.rs()


def string_stream(data: bytes, bitsize: int) -> tuple[Bits, int]:
    """(reader at the start of an R2007+ object's strings, the bit where they start): a flag at
    the object's last bit, below it the strings' size in bits (RS, a second RS when large)."""
    s = Bits(data, bitsize - 1, bitsize)
    if not s.bits(1):
        return s, bitsize - 1
    start = bitsize - 17
    s.pos = start
    size = s.rs()
    if size & 0x8000:
        start -= 16
        s.pos = start
        size = (size & 0x7FFF) | (s.rs() << 15)
    begin = start - size
    if begin < 0:
        raise ValueError("string stream outside the object")
    return Bits(data, begin, start), begin


def absolute(ref: tuple[int, int], own: int) -> int:
    """The handle a reference (code, value) read in the object of handle *own* points at: codes
    6/8 are the next/previous handle, 10/12 an offset up/down, the others absolute."""
    code, value = ref
    return {6: own + 1, 8: own - 1, 10: own + value, 12: own - value}.get(code, value)


def record_data(record: bytes, r2010: bool) -> tuple[bytes, int, int]:
    """(the object's bytes, their size, R2010+ the handle stream's size in bits) of a record as
    the readers give it: a modular-short size, R2010+ a modular-char handle-stream size, the bytes."""
    size, at = modular_short(record)
    hsize = 0
    if r2010:
        hsize, at = modular_char(record, at)
    data = record[at:at + size]
    if len(data) < size:
        raise ValueError("record shorter than its size")
    return data, size, hsize


class Object:
    """A non-entity object record opened past its common data (type, handle, extended data,
    reactor count, R2004+ the missing-dictionary flag, R2013+ the binary-data flag), as the
    decoders of whole objects need it: ``r`` reads its data, ``text()`` its strings (R2007+
    from the string stream), ``data_end`` is the bit its data must end at, ``handles()`` a
    reader past the owner, reactors and dictionary in its handle stream."""

    def __init__(self, record: bytes, version: str, codec: str = "cp1252") -> None:
        r2004, r2007, r2010, r2013 = (version >= v for v in ("AC1018", "AC1021", "AC1024", "AC1027"))
        data, size, hsize = record_data(record, r2010)
        r = Bits(data)
        if r2010:
            self.kind, bitsize = object_type(r), size * 8 - hsize
        else:
            self.kind = r.bs()
            bitsize = r.rl() if version >= "AC1015" else None  # R13/R14: after the extended data
        _, self.own = r.handle()
        while (n := r.bs()):  # extended data: (size, application handle, bytes)*
            r.handle()
            r.raw(n)
        if bitsize is None:
            bitsize = r.rl()
        if not 0 < bitsize <= size * 8:
            raise ValueError("bit size outside the record")
        r.end = self.bitsize = bitsize
        self.reactors = r.bl()
        if self.reactors > 100_000:
            raise ValueError("implausible reactor count")
        self.xdict_missing = r.bits(1) if r2004 else 0
        if r2013:
            r.bits(1)  # has binary data
        self.r, self.strings, self.data_end = r, r, bitsize
        if r2007:
            self.strings, self.data_end = string_stream(data, bitsize)
            self.text = self.strings.unicode
        else:
            self.text = lambda: r.text(codec)

    def handles(self) -> Bits:
        h = Bits(self.r.data, self.bitsize, len(self.r.data) * 8)
        for _ in range(1 + self.reactors + (0 if self.xdict_missing else 1)):
            h.handle()
        return h

    def ref(self, h: Bits) -> int:
        """The absolute handle of the next reference in *h*."""
        return absolute(h.handle(), self.own)
