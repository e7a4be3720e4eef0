"""Identify uploaded files by their content and expand zip archives safely.

``identify(path)`` looks at the bytes, never the name: a ``.dxf`` that is really a JPEG is
rejected, a DWG of R14–R2018 is accepted (another version is named; cad/dwg.py).  ``expand_zip`` streams every
entry to disk while counting the bytes actually produced, so a zip bomb is stopped no matter
what its headers claim; unsafe entries (``../``, absolute paths, symlinks, encrypted) are
reported one by one while the other entries are still accepted.
"""

from __future__ import annotations

import errno
import re
import shutil
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from drawreview.cad import dwg
from drawreview.cad import errors as E
from drawreview.errors import DrawReviewError

DXF, PDF, ZIP = "dxf", "pdf", "zip"
DWG = dwg.DWG
VECTOR = (DXF, DWG)  # drawings read into an ezdxf document (cad.loader.load_drawing)
ACCEPTED = (DWG, DXF, PDF, ZIP)  # what an upload may be (told on the upload page and in the API)
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


@dataclass
class Member:
    """One accepted drawing: its name inside the upload and its path on disk."""

    name: str
    path: Path
    kind: str
    size: int


@dataclass
class EntryError:
    name: str
    error: DrawReviewError

    def as_dict(self) -> dict:
        return {"name": self.name, **self.error.envelope()["error"]}


@dataclass
class Intake:
    members: list[Member] = field(default_factory=list)
    errors: list[EntryError] = field(default_factory=list)


@dataclass(frozen=True)
class ZipLimits:
    """Limits while expanding a zip; the job builds them from settings with :meth:`for_set`."""

    max_entries: int = 20000
    max_total: int = 2 * 1024**3  # bytes expanded in all (what is left of the submission's limit)
    max_member: int = 2 * 1024**3  # bytes of one expanded entry
    max_ratio: float = 200.0  # expanded / compressed, per entry and overall
    ratio_floor: int = 1024**2  # ratios are only checked beyond this many bytes
    chunk: int = 1024 * 1024

    @classmethod
    def for_set(cls, settings, used_bytes: int) -> "ZipLimits":
        """Limits for a zip of a submission whose other files already take *used_bytes*: the
        expanded bytes count against ``settings.max_submission_bytes``."""
        return cls(max_entries=settings.zip_max_entries, max_member=settings.zip_max_member_bytes,
                   max_total=max(0, settings.max_submission_bytes - used_bytes))


def decode_name(info: zipfile.ZipInfo) -> str:
    """Entry name as the author saw it: UTF-8 when flagged, else UTF-8 / GBK / CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.orig_filename.encode("cp437", errors="replace")
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return info.orig_filename


def _unsafe_reason(name: str) -> str | None:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return "absolute"
    if any(part == ".." for part in norm.split("/")):
        return "parent"
    if "\x00" in norm:
        return "nul"
    return None


def ingest(path: str | Path, work_dir: str | Path, name: str | None = None,
           limits: ZipLimits = ZipLimits()) -> Intake:
    """Accept one upload: a single drawing, or a zip expanded into *work_dir*."""
    path = Path(path)
    name = name or path.name
    kind = identify(path, name)
    if kind != ZIP:
        return Intake([Member(name, path, kind, path.stat().st_size)])
    return expand_zip(path, work_dir, name=name, limits=limits)


def expand_zip(path: str | Path, dest: str | Path, name: str | None = None,
               limits: ZipLimits = ZipLimits()) -> Intake:
    """Expand the drawings of a zip into *dest*; per-entry problems go to ``errors``.

    Raises ``ZipBomb`` / ``TooManyEntries`` / ``CorruptArchive`` for the whole archive
    (after removing what was written).
    """
    path, dest = Path(path), Path(dest)
    name = name or path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _corrupt(name, exc) from None
    dest.mkdir(parents=True, exist_ok=True)
    result = Intake()
    written: list[Path] = []
    try:
        with zf:
            infos = zf.infolist()
            if len(infos) > limits.max_entries:
                raise E._make(
                    E.TooManyEntries, name, f"压缩包内文件过多（{len(infos)} 个，上限 {limits.max_entries}）",
                    f"too many entries in the archive ({len(infos)}, limit {limits.max_entries})",
                    entries=len(infos))
            total = 0
            archive_size = max(path.stat().st_size, 1)
            for info in infos:
                entry = decode_name(info)
                if info.is_dir() or entry.startswith("__MACOSX/") or entry.endswith(".DS_Store"):
                    continue
                problem = _entry_problem(info, entry, name)
                if problem is not None:
                    result.errors.append(EntryError(entry, problem))
                    continue
                try:
                    target = _target(dest, entry)
                    written.append(target)
                    total = _stream(zf, info, target, total, archive_size, limits, f"{name}/{entry}")
                except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error) as exc:
                    if written and written[-1].exists() and written[-1].is_file():
                        written[-1].unlink(missing_ok=True)
                    result.errors.append(EntryError(entry, _entry_failed(f"{name}/{entry}", exc)))
                    continue
                try:
                    kind = identify(target, f"{name}/{entry}")
                    if kind == ZIP:
                        raise E._make(E.NestedArchive, f"{name}/{entry}", "压缩包内不能再嵌套压缩包，请解压后重新打包",
                                      "nested archives are not accepted; unpack it and zip the drawings directly")
                except DrawReviewError as exc:
                    target.unlink(missing_ok=True)
                    result.errors.append(EntryError(entry, exc))
                    continue
                result.members.append(Member(entry, target, kind, target.stat().st_size))
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        _cleanup(written)
        raise _corrupt(name, exc) from None
    except DrawReviewError:
        _cleanup(written)
        raise
    return result


NAME_MAX_BYTES = 255  # one file or folder name on common file systems (ext4, xfs, NTFS in UTF-16 units)


def _corrupt(name: str, exc: BaseException) -> DrawReviewError:
    """The whole archive is unreadable; the message names the problem, never a server path."""
    why = type(exc).__name__ if isinstance(exc, OSError) else str(exc)[:200]
    return E._make(E.CorruptArchive, name, f"压缩包已损坏（{why}）", f"the zip archive is damaged ({why})")


def _entry_failed(label: str, exc: BaseException) -> DrawReviewError:
    """One entry could not be expanded; the others are kept. No server path in the message."""
    if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
        return _name_too_long(label)
    why = type(exc).__name__ if isinstance(exc, OSError) else str(exc)[:200]
    return E._make(E.BadEntry, label, f"该文件无法解压（{why}），已跳过，其余文件照常处理",
                   f"this entry could not be expanded ({why}); skipped, the others are kept")


def _name_too_long(label: str) -> DrawReviewError:
    return E._make(E.EntryNameTooLong, label, f"文件名或目录名过长（每级不超过 {NAME_MAX_BYTES} 字节，约 84 个汉字），已跳过",
                   f"a file or folder name is too long (at most {NAME_MAX_BYTES} bytes per level); skipped")


def _entry_problem(info: zipfile.ZipInfo, entry: str, archive: str) -> DrawReviewError | None:
    full = f"{archive}/{entry}"
    if any(len(part.encode("utf-8", "surrogatepass")) > NAME_MAX_BYTES - 8  # room for a "(2)" suffix
           for part in entry.replace("\\", "/").split("/")):
        return _name_too_long(full)
    reason = _unsafe_reason(entry)
    if reason:
        return E._make(E.UnsafePath, full, "文件路径不安全（绝对路径或含 ../），已跳过",
                       "unsafe path (absolute or containing ../); skipped", reason=reason)
    if stat.S_ISLNK(info.external_attr >> 16):
        return E._make(E.SymlinkEntry, full, "压缩包内的符号链接不被接受，已跳过",
                       "symbolic links inside archives are not accepted; skipped")
    if info.flag_bits & 0x1:
        return E._make(E.EncryptedEntry, full, "文件已加密，请去除密码后重新打包",
                       "the entry is encrypted; remove the password and zip it again")
    return None


def _target(dest: Path, entry: str) -> Path:
    parts = [p for p in PurePosixPath(entry.replace("\\", "/")).parts if p not in ("", ".")]
    target = dest.joinpath(*parts)
    if not target.resolve().is_relative_to(dest.resolve()):  # defence in depth
        raise E._make(E.UnsafePath, entry, "文件路径不安全", "unsafe path")
    target.parent.mkdir(parents=True, exist_ok=True)
    stem, n = target, 1
    while target.exists():
        n += 1
        target = stem.with_name(f"{stem.stem}({n}){stem.suffix}")
    return target


def _stream(zf, info, target: Path, total: int, archive_size: int, limits: ZipLimits, label: str) -> int:
    """Write one entry, checking the limits after every chunk. The expansion ratio is measured
    against the compressed bytes really consumed so far (``_inflate``), not the entry's header,
    so a bomb is stopped a little past ``ratio_floor`` whatever its headers claim."""
    produced = 0
    chunks = _inflate(zf, info, limits.chunk) if info.compress_type == zipfile.ZIP_DEFLATED else _plain(zf, info, limits)
    with target.open("wb") as out:
        for chunk, consumed in chunks:
            produced += len(chunk)
            total += len(chunk)
            if total > limits.max_total:
                raise E._make(E.ArchiveTooLarge, label,
                              f"解压后总大小超过本次报审剩余的容量（{_mb(limits.max_total)}），已拒绝整个压缩包",
                              f"the expanded archive exceeds what is left of the submission's size limit "
                              f"({_mb(limits.max_total)}); the whole archive was rejected", limit=limits.max_total)
            if produced > limits.max_member:
                raise E._make(E.ArchiveTooLarge, label,
                              f"解压后的单个文件超过大小上限（{_mb(limits.max_member)}），已拒绝整个压缩包",
                              f"an expanded entry exceeds the file size limit ({_mb(limits.max_member)}); "
                              "the whole archive was rejected", limit=limits.max_member)
            if produced > limits.ratio_floor and produced / max(consumed, 1) > limits.max_ratio:
                raise _bomb(label, f"压缩比异常（超过 {limits.max_ratio:g} 倍）",
                            f"compression ratio above {limits.max_ratio:g}", produced)
            if total > limits.ratio_floor and total / archive_size > limits.max_ratio:
                raise _bomb(label, f"整体压缩比异常（超过 {limits.max_ratio:g} 倍）",
                            f"overall compression ratio above {limits.max_ratio:g}", produced)
            out.write(chunk)
    return total


INFLATE_IN = 16 * 1024  # compressed bytes read at a time
INFLATE_OUT = 64 * 1024  # expanded bytes produced at a time


def _inflate(zf, info, chunk: int):
    """Yield (expanded chunk, compressed bytes consumed so far) for a deflated entry, reading
    the raw stream from the archive in small pieces; the CRC is checked at the end."""
    fp = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    read = crc = 0
    pending = b""
    while not inflater.eof:
        if not pending:
            if left <= 0:
                raise zipfile.BadZipFile("the compressed data ends early")
            pending = fp.read(min(INFLATE_IN, left))
            if not pending:
                raise EOFError("the archive ends inside an entry")
            left -= len(pending)
            read += len(pending)
        out = inflater.decompress(pending, min(chunk, INFLATE_OUT))
        pending = inflater.unconsumed_tail
        if out:
            crc = zlib.crc32(out, crc)
            yield out, read - len(pending) - len(inflater.unused_data)
    if crc != info.CRC:
        raise zipfile.BadZipFile("CRC check failed")


def _plain(zf, info, limits: ZipLimits):
    """Other methods (stored, bzip2, lzma) through zipfile; the ratio uses the header's size."""
    compressed = max(info.compress_size, 1)
    with zf.open(info) as src:
        while chunk := src.read(min(limits.chunk, INFLATE_OUT)):
            yield chunk, compressed


def _mb(n: int) -> str:
    return f"{n / 1024**2:.1f} MB" if n < 10 * 1024**2 else f"{n // 1024**2} MB"


def _bomb(label: str, zh: str, en: str, expanded: int) -> E.ZipBomb:
    return E._make(E.ZipBomb, label, f"疑似压缩炸弹：{zh}，已拒绝整个压缩包",
                   f"looks like a zip bomb: {en}; the whole archive was rejected", expanded_bytes=expanded)


def _cleanup(paths: list[Path]) -> None:
    for p in paths:
        try:
            p.unlink(missing_ok=True)
        except OSError:
            shutil.rmtree(p, ignore_errors=True)
