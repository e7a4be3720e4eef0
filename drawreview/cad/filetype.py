"""What an uploaded file is, by its content, never its name: ``identify(path)`` gives ``dxf``,
``dwg``, ``pdf`` or ``zip``, else raises an error naming what it is instead (a JPEG named ``.dxf``,
a DXF saved as UTF-16, an empty file); a DWG of R14–R2018 is accepted, another version is named
(cad/dwg.py). A container is recognised by its own structure before anything inside it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from drawreview.cad import dwg
from drawreview.cad import errors as E

DXF, PDF, ZIP = "dxf", "pdf", "zip"
DWG = dwg.DWG
BINARY_DXF_SENTINEL = b"AutoCAD Binary DXF"
_MAGIC = [
    (b"\xff\xd8\xff", "JPEG image"), (b"\x89PNG", "PNG image"), (b"GIF8", "GIF image"),
    (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"), (b"BM", "BMP image"),
    (b"Rar!", "RAR archive"), (b"7z\xbc\xaf", "7-Zip archive"), (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0", "Office document"), (b"{\\rtf", "RTF document"),
]


def sniff(head: bytes, name: str = "file") -> str:
    """Return ``dxf``, ``dwg``, ``pdf`` or ``zip`` for the first bytes of a file, else raise."""
    if not head:
        raise E.empty_file(name)
    if head.startswith(BINARY_DXF_SENTINEL):
        return DXF
    if b"%PDF-" in head[:1024]:
        return PDF
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return ZIP
    if dwg.is_dwg(head):
        return dwg.check_header(head, name)  # R14–R2018, else an error naming the version
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise E.not_a_drawing(name, kind)
    if _looks_like_ascii_dxf(head):
        return DXF
    if head[:2] in _UTF16_BOMS and _looks_like_ascii_dxf(_from_utf16(head)):
        raise E.utf16_dxf(name)
    raise E.not_a_drawing(name, "unknown data" if b"\x00" in head[:512] else "text")


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # a DXF "saved as Unicode" by a text editor


def _from_utf16(head: bytes) -> bytes:
    return head[: len(head) // 2 * 2].decode("utf-16", "replace").encode("utf-8", "replace")


def _looks_like_ascii_dxf(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").decode("latin-1")
    lines = [ln.strip() for ln in text.splitlines()]
    # Pairs of (group code, value); the first structural tag after any 999 comments must be
    # 0/SECTION (a head of nothing but comments: identify reads on, _after_comments).
    for i in range(0, len(lines) - 1, 2):
        code, value = lines[i], lines[i + 1]
        if not code.lstrip("-").isdigit():
            return False
        if code == "999":
            continue
        return code == "0" and value.upper() == "SECTION"
    return False


def _only_comments(head: bytes) -> bool:
    """True when *head* holds nothing but 999 comment pairs (and perhaps a cut last line)."""
    lines = head.lstrip(b"\xef\xbb\xbf").split(b"\n")[:-1]  # the last line may be cut
    lines = lines[: len(lines) // 2 * 2]
    return bool(lines) and all(c.strip() == b"999" for c in lines[0::2])


def _after_comments(fh, head: bytes) -> bytes:
    """The first bytes after a DXF's leading 999 comments, however many there are: an exporter
    may write a long notice there, and ezdxf skips them. Read a megabyte at a time, so memory
    stays flat; the upload's size limit bounds the time (200 MB of comments: about a second)."""
    fh.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
    carry = b""
    while True:
        block = fh.read(1 << 20)
        lines = (carry + block).split(b"\n")
        whole = len(lines) - 1 if block else len(lines)  # the last line may go on in the next block
        pairs = whole // 2 * 2
        codes = lines[0:pairs:2]
        if codes.count(b"999") + codes.count(b"999\r") != len(codes):  # a tag that is no comment?
            first = next((i for i, c in enumerate(codes) if c.strip() != b"999"), None)
            if first is not None:
                return b"\n".join(lines[2 * first:])[:4096]
        if not block:
            return b""
        carry = b"\n".join(lines[pairs:])



def identify(path: str | Path, name: str | None = None) -> str:
    """Kind of the file at *path* by content: ``dxf``, ``dwg``, ``pdf`` or ``zip`` (else raises).

    A container is recognised by its own structure before anything inside it is looked at: a
    zip whose members are stored uncompressed shows a member's ``%PDF-`` a few bytes in, yet it
    is a zip (a local file header at offset 0, or an end-of-central-directory record whose
    central directory is where it says). Only then is the content sniffed."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
        if head[:4] in _ZIP_HEADS or (head and _has_central_directory(fh)):
            return ZIP
        if len(head) == 4096 and _only_comments(head):
            rest = _after_comments(fh, head)
            if rest and _looks_like_ascii_dxf(rest):
                return DXF
    return sniff(head, name or path.name)


_ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # local header, empty archive, spanned marker
_EOCD = b"PK\x05\x06"
_EOCD_LEN = 22
_CDH = b"PK\x01\x02"


def _has_central_directory(fh) -> bool:
    """True when the file ends with an end-of-central-directory record (within the 64 KiB a
    comment may take) whose central directory starts with a central-directory header where
    the record says: a zip with bytes in front (a self-extractor, a damaged upload) is still a
    zip, while a PDF that merely contains the signature somewhere is not."""
    size = fh.seek(0, 2)
    if size < _EOCD_LEN:
        return False
    start = max(0, size - _EOCD_LEN - 0xFFFF)
    fh.seek(start)
    tail = fh.read()
    at = tail.rfind(_EOCD)
    while at >= 0:
        rec = tail[at:at + _EOCD_LEN]
        if len(rec) == _EOCD_LEN:
            entries = int.from_bytes(rec[10:12], "little")
            cd_size = int.from_bytes(rec[12:16], "little")
            cd_offset = int.from_bytes(rec[16:20], "little")
            comment = int.from_bytes(rec[20:22], "little")
            eocd_pos = start + at
            if eocd_pos + _EOCD_LEN + comment == size:  # the record really ends the file
                if entries == 0 and cd_size == 0:
                    return True
                # the directory sits right before the record; bytes in front shift every offset
                cd_start = eocd_pos - cd_size
                if cd_start >= 0 and cd_offset <= cd_start and entries > 0:
                    fh.seek(cd_start)
                    if fh.read(4) == _CDH:
                        return True
                if cd_offset == 0xFFFFFFFF or entries == 0xFFFF or (
                        eocd_pos >= 20 and _read_at(fh, eocd_pos - 20, 4) == b"PK\x06\x07"):  # zip64: zipfile decides
                    fh.seek(0)
                    return zipfile.is_zipfile(fh)
        at = tail.rfind(_EOCD, 0, at)
    return False


def _read_at(fh, offset: int, n: int) -> bytes:
    fh.seek(offset)
    return fh.read(n)
