"""Expand uploaded zip archives safely (a file is identified by its content first:
``cad.filetype.identify``).

``expand_zip`` streams every
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

from drawreview.cad import errors as E
from drawreview.errors import DrawReviewError

from drawreview.cad.filetype import DWG, DXF, PDF, ZIP, identify

VECTOR = (DXF, DWG)  # drawings read into an ezdxf document (cad.loader.load_drawing)
ACCEPTED = (DWG, DXF, PDF, ZIP)  # what an upload may be (told on the upload page and in the API)
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
