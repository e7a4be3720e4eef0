"""Write a sheet PDF's objects straight to bytes.

A sheet PDF is a handful of objects around ready-deflated streams: catalog, one page, its
resources, a layer (OCG) per DXF layer, form XObjects for blocks, the font.  Building them in
MuPDF costs a parse per object (``update_object`` takes text) plus document set-up and save,
about a millisecond on every sheet before any drawing; here each object is one formatted
string and the file is their concatenation with a cross-reference table.  MuPDF reads the
result (tiles, thumbnails, text search); tests/cad/test_render.py checks that it does.
"""

from __future__ import annotations

from pathlib import Path


def text_string(s: str) -> str:
    """A PDF text string: ASCII as a literal, anything else as UTF-16BE hex with a BOM."""
    if s.isascii() and s.isprintable():
        return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + s.encode("utf-16-be", "surrogatepass").hex().upper() + ">"


class PdfWriter:
    """Objects by number (``reserve`` / ``put``, or ``add``), then ``save``."""

    def __init__(self) -> None:
        self._objs: list[bytes | None] = [None]

    def reserve(self) -> int:
        self._objs.append(None)
        return len(self._objs) - 1

    def put(self, xref: int, text: str) -> None:
        self._objs[xref] = text.encode("latin-1")

    def add(self, text: str) -> int:
        xref = self.reserve()
        self.put(xref, text)
        return xref

    def add_stream(self, head: str, deflated: bytes) -> int:
        """A stream object; *deflated* is already zlib-compressed, *head* the dictionary's
        other entries (``/Type/XObject...``)."""
        xref = self.reserve()
        self._objs[xref] = (b"<<%s/Length %d/Filter/FlateDecode>>\nstream\n" % (head.encode("latin-1"), len(deflated))
                            + deflated + b"\nendstream")
        return xref

    def tobytes(self, root: int, info: int | None = None) -> bytes:
        out = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
        pos = len(out[0])
        offsets = []
        for xref, body in enumerate(self._objs[1:], start=1):
            if body is None:
                raise ValueError(f"object {xref} was reserved but never written")
            chunk = b"%d 0 obj\n" % xref + body + b"\nendobj\n"
            offsets.append(pos)
            out.append(chunk)
            pos += len(chunk)
        n = len(self._objs)
        xref_table = [b"xref\n0 %d\n0000000000 65535 f \n" % n]
        xref_table += [b"%010d 00000 n \n" % off for off in offsets]
        info_ref = b"/Info %d 0 R" % info if info else b""
        trailer = b"trailer\n<</Size %d/Root %d 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (n, root, info_ref, pos)
        return b"".join(out + xref_table) + trailer

    def save(self, path: str | Path, root: int, info: int | None = None) -> None:
        Path(path).write_bytes(self.tobytes(root, info))
