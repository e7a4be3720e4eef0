"""Embed the CJK face in a sheet PDF as a TrueType subset, without MuPDF's subsetter.

``page.insert_font`` + ``Document.subset_fonts`` cost ~15 ms per lettered sheet (the 3.5 MB
face is parsed, stored, then subset), which on a small drawing is more than reading the DXF.
The face is parsed once per process here; a sheet's font program is then built from slices:
only the glyphs the sheet uses, numbered anew, with a ``cmap`` for their characters. The
content stream shows the face's glyph ids (``Identity-H``); the CIDFont's ``/CIDToGIDMap``
takes them to the new numbers.  (Keeping every glyph id instead would leave 370 kB of empty
``loca``/``hmtx`` entries in each sheet's font to deflate when the sheet is written and to
inflate and parse each time it is opened: ~0.7 ms of a small sheet's first tile.)  The PDF
objects are what MuPDF's own subsetter writes (Type0 / CIDFontType2, ``/W`` widths,
``/ToUnicode`` for search and copy) plus the map, so any PDF viewer shows and finds the text;
a test checks both against MuPDF's result.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

import numpy as np

KEEP = (b"OS/2", b"cmap", b"gasp", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp",
        b"name", b"post")  # kern/vhea/vmtx are not needed for horizontal PDF text
_ARGS_WORDS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO = 0x1, 0x8, 0x20, 0x40, 0x80


def _checksum(data: bytes) -> int:
    pad = data + b"\0" * (-len(data) % 4)
    return int(np.frombuffer(pad, ">u4").sum(dtype=np.uint64)) & 0xFFFFFFFF


class Face:
    """A TrueType face parsed once: tables, glyph offsets and metrics as arrays."""

    def __init__(self, data: bytes, name: str):
        self.name = "".join(ch for ch in name if ch.isalnum()) or "Font"
        ntables = struct.unpack_from(">H", data, 4)[0]
        self.tables: dict[bytes, bytes] = {}
        for i in range(ntables):
            tag, _, off, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            self.tables[tag] = data[off:off + length]
        head, hhea, maxp = self.tables[b"head"], self.tables[b"hhea"], self.tables[b"maxp"]
        self.upem = struct.unpack_from(">H", head, 18)[0]
        self.bbox = struct.unpack_from(">hhhh", head, 36)
        long_loca = struct.unpack_from(">h", head, 50)[0] == 1
        self.glyphs = struct.unpack_from(">H", maxp, 4)[0]
        self.ascent, self.descent = struct.unpack_from(">hh", hhea, 4)
        nhm = struct.unpack_from(">H", hhea, 34)[0]
        loca = np.frombuffer(self.tables[b"loca"], ">u4" if long_loca else ">u2").astype(np.int64)
        self.loca = loca if long_loca else loca * 2
        hmtx = self.tables[b"hmtx"]
        metrics = np.frombuffer(hmtx[:4 * nhm], ">u2").reshape(-1, 2).astype(np.int64)
        adv = np.full(self.glyphs, metrics[-1, 0], np.int64)
        adv[:nhm] = metrics[:, 0]
        lsb = np.zeros(self.glyphs, np.int64)
        lsb[:nhm] = metrics[:, 1].astype(np.int16)
        rest = np.frombuffer(hmtx[4 * nhm:4 * nhm + 2 * (self.glyphs - nhm)], ">i2")
        lsb[nhm:nhm + len(rest)] = rest
        self.adv, self.lsb = adv, lsb
        self.glyf = self.tables[b"glyf"]

    def _closure(self, gids: set[int]) -> list[int]:
        """*gids* plus .notdef and every component of a composite glyph, sorted."""
        todo, seen = list(gids | {0}), set()
        while todo:
            g = todo.pop()
            if g in seen or not 0 <= g < self.glyphs:
                continue
            seen.add(g)
            start, end = int(self.loca[g]), int(self.loca[g + 1])
            if end - start >= 10 and struct.unpack_from(">h", self.glyf, start)[0] < 0:
                pos = start + 10
                while True:
                    flags, comp = struct.unpack_from(">HH", self.glyf, pos)
                    todo.append(comp)
                    pos += 4 + (4 if flags & _ARGS_WORDS else 2)
                    pos += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0
                    if not flags & _MORE:
                        break
        return sorted(seen)

    def subset(self, glyphs: dict[str, int]) -> tuple[bytes, bytes]:
        """(TrueType program, CIDToGIDMap) for *glyphs* (character -> glyph id of the face).

        The program holds only the glyphs used (and the components of composite ones),
        numbered 0, 1, 2 … in the face's order, with a ``cmap`` for their characters; the map
        (2 bytes per CID) takes the face's glyph ids, which the content streams show, to
        those numbers."""
        keep = self._closure({g for g in glyphs.values() if g})
        new = {g: i for i, g in enumerate(keep)}
        parts, sizes = [], []
        for g in keep:
            start, end = int(self.loca[g]), int(self.loca[g + 1])
            piece = bytearray(self.glyf[start:end])
            if len(piece) >= 10 and struct.unpack_from(">h", piece, 0)[0] < 0:
                self._renumber(piece, new)
            piece += b"\0" * (-len(piece) % 4)
            parts.append(bytes(piece))
            sizes.append(len(piece))
        n = len(keep)
        loca = np.zeros(n + 1, np.int64)
        loca[1:] = np.cumsum(sizes)
        idx = np.array(keep)
        hm = np.zeros((n, 2), ">u2")
        hm[:, 0] = self.adv[idx]
        hm[:, 1] = self.lsb[idx] & 0xFFFF
        t = dict(self.tables)
        t[b"glyf"] = b"".join(parts)
        t[b"loca"] = loca.astype(">u4").tobytes()
        t[b"hmtx"] = hm.tobytes()
        t[b"cmap"] = _cmap(sorted((ord(ch), new[g]) for ch, g in glyphs.items() if g in new))
        head = bytearray(t[b"head"])
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set below
        struct.pack_into(">h", head, 50, 1)  # long offsets
        t[b"head"] = bytes(head)
        hhea = bytearray(t[b"hhea"])
        struct.pack_into(">H", hhea, 34, n)
        t[b"hhea"] = bytes(hhea)
        maxp = bytearray(t[b"maxp"])
        struct.pack_into(">H", maxp, 4, n)
        t[b"maxp"] = bytes(maxp)
        cid_map = np.zeros(keep[-1] + 1, ">u2")
        cid_map[idx] = np.arange(n)
        return _assemble({tag: t[tag] for tag in KEEP if tag in t}), cid_map.tobytes()

    @staticmethod
    def _renumber(piece: bytearray, new: dict[int, int]) -> None:
        """Point the components of a composite glyph at their new numbers."""
        pos = 10
        while True:
            flags, comp = struct.unpack_from(">HH", piece, pos)
            struct.pack_into(">H", piece, pos + 2, new[comp])
            pos += 4 + (4 if flags & _ARGS_WORDS else 2)
            pos += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0
            if not flags & _MORE:
                break

    def widths(self, gids: list[int]) -> str:
        """``/W`` array of *gids* (sorted) in PDF glyph units (1/1000 em)."""
        out = []
        for g in gids:
            out.append("%d [%d]" % (g, round(int(self.adv[g]) * 1000 / self.upem)))
        return "[" + " ".join(out) + "]"


def _assemble(tables: dict[bytes, bytes]) -> bytes:
    n = len(tables)
    es = n.bit_length() - 1
    header = struct.pack(">IHHHH", 0x00010000, n, 16 << es, es, 16 * n - (16 << es))
    offset = 12 + 16 * n
    entries, body = [], []
    for tag in sorted(tables):
        data = tables[tag]
        entries.append(struct.pack(">4sIII", tag, _checksum(data), offset, len(data)))
        data += b"\0" * (-len(data) % 4)
        body.append(data)
        offset += len(data)
    font = bytearray(header + b"".join(entries) + b"".join(body))
    head_at = struct.unpack_from(">I", font, 12 + 16 * sorted(tables).index(b"head") + 8)[0]
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def _cmap(pairs: list[tuple[int, int]]) -> bytes:
    """A ``cmap`` table (Windows, UCS-4, format 12) mapping each code point to its glyph."""
    groups = b"".join(struct.pack(">III", cp, cp, g) for cp, g in pairs)
    sub = struct.pack(">HHIII", 12, 0, 16 + len(groups), 0, len(pairs)) + groups
    return struct.pack(">HHHHI", 0, 1, 3, 10, 12) + sub


def _to_unicode(pairs: list[tuple[int, str]]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for i in range(0, len(pairs), 100):
        chunk = pairs[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += ["<%04x> <%s>" % (g, ch.encode("utf-16-be").hex()) for g, ch in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def embed(pdf, face: Face, glyphs: dict[str, int]) -> int:
    """Write the font objects for *glyphs* (character -> glyph id) into *pdf* (a
    :class:`~drawreview.cad.pdfwrite.PdfWriter`); return the Type0 font's object number for
    a ``/Font`` resource."""
    gids = {g for g in glyphs.values() if g}
    program, cid_map = face.subset(glyphs)
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha1(program).digest()[:6])
    base = f"/{tag}+{face.name}"
    em = 1000 / face.upem
    fontfile = pdf.add_stream(f"/Length1 {len(program)}", zlib.compress(program, 6))
    x0, y0, x1, y1 = (round(v * em) for v in face.bbox)
    desc = pdf.add(f"<</Type/FontDescriptor/FontName{base}/Flags 4/FontBBox[{x0} {y0} {x1} {y1}]/ItalicAngle 0"
                   f"/Ascent {round(face.ascent * em)}/Descent {round(face.descent * em)}"
                   f"/CapHeight {round(face.ascent * em)}/StemV 80/FontFile2 {fontfile} 0 R>>")
    cid_to_gid = pdf.add_stream("", zlib.compress(cid_map, 6))
    cid = pdf.add(f"<</Type/Font/Subtype/CIDFontType2/BaseFont{base}/CIDSystemInfo<</Registry(Adobe)"
                  f"/Ordering(Identity)/Supplement 0>>/FontDescriptor {desc} 0 R/CIDToGIDMap {cid_to_gid} 0 R"
                  f"/DW 1000/W {face.widths(sorted(gids | {0}))}>>")
    pairs = sorted({g: ch for ch, g in glyphs.items() if g}.items())
    cmap = pdf.add_stream("", zlib.compress(_to_unicode(pairs), 6))
    return pdf.add(f"<</Type/Font/Subtype/Type0/BaseFont{base}/Encoding/Identity-H/DescendantFonts[{cid} 0 R]"
                   f"/ToUnicode {cmap} 0 R>>")
