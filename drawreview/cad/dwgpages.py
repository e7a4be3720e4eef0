"""The sections of an R2004-family DWG (AC1018, AC1024, AC1027, AC1032) read page by page.

Such a file keeps each section (header, classes, object map, objects...) as pages of at most
0x7400 bytes, each compressed on its own. ezdwg and pycadkit decompress a whole section to
reach any object in it: for the objects section of a 413 KB file of AEC objects that is 690 KB,
10–17 ms, where the layout read needs two records in its last page. :class:`Sections` reads the
file's page map and section map (both small system pages) and decompresses only the pages a
caller asks for, ``section_bytes(name, start, stop)`` giving the section's bytes over a range.

The layout is the Open Design Specification's: a file header encrypted with a fixed
pseudo-random sequence at 0x80, the page map and section map as system pages (type
0x41630E3B, 0x4163003B), data pages with a 32-byte header masked with their own address, and
the LZ77 variant of its section 4.7 (``decompress``). Anything that does not fit raises
``ValueError``; callers fall back to a whole-file reader. R2007 (AC1021) lays its pages out
differently (Reed-Solomon coded) and is not read here.
"""

from __future__ import annotations

import struct

FAMILY = ("AC1018", "AC1024", "AC1027", "AC1032")
PAGE_MAP, SECTION_MAP, DATA_PAGE = 0x41630E3B, 0x4163003B, 0x4163043B
SYSTEM_MAX = 16 << 20  # a page map of 8 bytes a page: 16 MB would map a 60 GB file


def decompress(src: bytes, size: int, at: int = 0, end: int | None = None, stop: int | None = None) -> bytes:
    """The *size* bytes an R2004 LZ77 stream at *src[at:end]* expands to (section 4.7 of the
    specification): literal runs and back references (an offset and a length into what was
    written), opcode 0x11 ending the stream. With *stop*, only (at least) the first *stop*
    bytes: a record early in a page does not pay for the rest of it."""
    end = len(src) if end is None else end
    stop = size if stop is None else min(stop, size)
    out = bytearray()
    i = at

    def long_count(i: int) -> tuple[int, int]:
        """(count, next position) of a count that runs on while its bytes are 0 (+0xFF each)."""
        total = 0
        while src[i] == 0:
            total += 0xFF
            i += 1
        return total + src[i], i + 1

    op = src[i]
    i += 1
    if op < 0x10:  # the stream opens with literals
        if op == 0:
            n, i = long_count(i)
            n += 0x12
        else:
            n = op + 3
        out += src[i:i + n]
        i += n
        op = 0
    n = len(out)  # kept by hand: len() on every step costs
    while i < end and n < stop:
        if op == 0:
            op = src[i]
            i += 1
        if op >= 0x40:
            count = (op >> 4) - 1
            start = n - ((src[i] << 2) | ((op >> 2) & 3)) - 1
            lit = op & 3
            i += 1
        else:
            if op >= 0x21:
                count = op - 0x1E
            elif op == 0x20:
                count, i = long_count(i)
                count += 0x21
            elif op >= 0x12:
                count = (op & 0x0F) + 2
            elif op == 0x10:
                count, i = long_count(i)
                count += 9
            elif op == 0x11:
                break
            else:
                raise ValueError(f"bad compression opcode {op:#x}")
            b = src[i]
            offset, lit = (b >> 2) | (src[i + 1] << 6), b & 3
            if op < 0x20:
                offset += 0x3FFF
            start = n - offset - 1
            i += 2
        if start < 0 or n + count > size:
            raise ValueError("back reference before the start, or past the page's size")
        if n - start >= count:
            out += out[start:start + count]
        else:  # the copy overlaps what it writes: the run repeats
            run = out[start:]
            out += (run * (count // len(run) + 1))[:count]
        n += count
        if lit:
            op = 0
        else:  # a literal run follows, or the next opcode
            op = src[i]
            i += 1
            if op < 0x10:
                if op == 0:
                    lit, i = long_count(i)
                    lit += 0x12
                else:
                    lit = op + 3
                op = 0
        if lit:
            out += src[i:i + lit]
            i += lit
            n += lit
    if len(out) < stop or len(out) > size:  # a literal run past the size, or input cut short
        raise ValueError(f"page expands to {len(out)} bytes, not {size}")
    return bytes(out)


def _header(data: bytes) -> bytes:
    """The 0x6C bytes at 0x80, unmasked (the specification's sequence seeded with 1)."""
    seed, out = 1, bytearray(data[0x80:0x80 + 0x6C])
    if len(out) < 0x6C:
        raise ValueError("file header cut short")
    for k in range(0x6C):
        seed = (seed * 0x343FD + 0x269EC3) & 0xFFFFFFFF
        out[k] ^= (seed >> 16) & 0xFF
    if not out.startswith(b"AcFssFcAJMB\0"):
        raise ValueError("not an R2004-family file header")
    return bytes(out)


class Sections:
    """The page and section maps of an R2004-family DWG held in *data* (the file's bytes)."""

    def __init__(self, data: bytes) -> None:
        if data[:6].decode("latin-1") not in FAMILY:
            raise ValueError("not an R2004-family DWG")
        self.data = data
        head = _header(data)
        map_id, map_at = struct.unpack_from("<IQ", head, 0x50)
        section_map_id = struct.unpack_from("<I", head, 0x5C)[0]
        pages = self._system(0x100 + map_at, PAGE_MAP)
        self.pages: dict[int, int] = {}  # page number → file address
        address, at = 0x100, 0
        while at + 8 <= len(pages):
            number, size = struct.unpack_from("<ii", pages, at)
            at += 8
            if number < 0:
                at += 16  # a gap: parent, left, right, 0
            else:
                self.pages[number] = address
            address += size
        if section_map_id not in self.pages:
            raise ValueError("section map page missing")
        self.sections = self._section_map(self._system(self.pages[section_map_id], SECTION_MAP))
        self._decoded: dict[int, bytes] = {}  # page number → its bytes, for records read one by one
        del map_id

    def _system(self, address: int, kind: int) -> bytes:
        if address + 20 > len(self.data):
            raise ValueError(f"system page at {address:#x} past the end of the file")
        typ, size, packed, method = struct.unpack_from("<IIII", self.data, address)
        if typ != kind or method != 2 or address + 20 + packed > len(self.data):
            raise ValueError(f"system page at {address:#x} is not of type {kind:#x}")
        if size > SYSTEM_MAX:
            raise ValueError(f"system page at {address:#x} claims {size} bytes")
        return decompress(self.data, size, address + 20, address + 20 + packed)

    def _section_map(self, raw: bytes) -> dict[str, tuple]:
        count = struct.unpack_from("<I", raw, 0)[0]
        at, out = 20, {}
        for _ in range(count):
            _size, npages, page_size, _, compressed, _number, encrypted = struct.unpack_from("<QIIIIII", raw, at)
            name = raw[at + 32:at + 96].split(b"\0", 1)[0].decode("latin-1")
            at += 96
            pages = []
            for _ in range(npages):
                number, data_size, start = struct.unpack_from("<iIQ", raw, at)
                at += 16
                pages.append((start, number, data_size))
            if page_size > 1 << 20:  # 0x7400 in every file seen; a larger one is not a page size
                raise ValueError(f"section {name} has pages of {page_size} bytes")
            out[name] = (page_size, compressed == 2, encrypted, sorted(pages))
        return out

    def page(self, number: int, page_size: int, need: int | None = None) -> bytes:
        """The decompressed bytes of data page *number*, at least its first *need* (all of it
        without); kept, as records sit close together: a first read goes 4 KB past *need*, a
        second one that needs more decompresses the whole page."""
        have = self._decoded.get(number)
        if have is not None and len(have) >= (page_size if need is None else need):
            return have
        if have is not None or need is None or need + 4096 >= page_size:
            need = None
        else:
            need += 4096
        address = self.pages[number]
        if address + 32 > len(self.data):
            raise ValueError(f"data page {number} past the end of the file")
        mask = 0x4164536B ^ address
        head = [v ^ mask for v in struct.unpack_from("<8I", self.data, address)]
        if head[0] != DATA_PAGE:
            raise ValueError(f"data page {number} has no page header")
        packed = head[2]
        if address + 32 + packed > len(self.data):
            raise ValueError(f"data page {number} runs past the end of the file")
        page = self._decoded[number] = decompress(self.data, page_size, address + 32, address + 32 + packed, need)
        return page

    def section_bytes(self, name: str, start: int = 0, stop: int | None = None) -> bytes:
        """The bytes of section *name* over [start, stop) (the whole section without a range),
        decompressing only the pages that hold them."""
        try:
            page_size, compressed, encrypted, pages = self.sections[name]
        except KeyError:
            raise ValueError(f"no section {name}") from None
        if not compressed or encrypted == 1:
            raise ValueError(f"section {name} is stored in a way not read here")
        parts, first = [], None
        for begin, number, _ in pages:
            end = begin + page_size
            if end <= start or (stop is not None and begin >= stop):
                continue
            first = begin if first is None else first
            parts.append(self.page(number, page_size, None if stop is None else min(page_size, stop - begin)))
        if first is None:
            return b""
        blob = b"".join(p[:page_size] for p in parts[:-1]) + parts[-1]
        return blob[start - first:None if stop is None else stop - first]
