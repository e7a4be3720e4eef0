"""Content-addressed blob storage.

Blobs are addressed by their SHA-256. Writes stream to a temporary file in chunks (never a
whole file in memory), are fsynced and renamed into place, so a half-finished upload never
becomes a blob and an identical blob is stored once. ``LocalStorage`` is the embedded
default and, on a shared volume, serves several app processes; an S3-compatible store only
has to implement the same :class:`BlobStore` protocol.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterable, BinaryIO, Iterable, Protocol

from .errors import PayloadTooLarge

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False when an identical blob was already stored


class BlobStore(Protocol):
    def path(self, sha256: str) -> Path: ...
    def exists(self, sha256: str) -> bool: ...
    def put_file(self, src: Path) -> StoredBlob: ...
    def put_bytes(self, data: bytes) -> StoredBlob: ...
    async def put_stream(self, chunks: AsyncIterable[bytes], limit: int | None = None) -> StoredBlob: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def derived(self, sha256: str, name: str) -> Path: ...
    def put_derived(self, sha256: str, name: str, data: bytes) -> Path: ...
    def ping(self) -> bool: ...


def _check_sha(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        sha256 = _check_sha(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def ping(self) -> bool:
        probe = self.tmp / f".ping-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
        return True

    def _new_tmp(self):
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix="up-")
        return os.fdopen(fd, "wb"), Path(name)

    def _commit(self, tmp_path: Path, sha256: str, size: int) -> StoredBlob:
        dest = self.path(sha256)
        if dest.exists():
            tmp_path.unlink(missing_ok=True)
            return StoredBlob(sha256, size, created=False)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_path, dest)
        dir_fd = os.open(dest.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return StoredBlob(sha256, size, created=True)

    def _open_writer(self, limit: int | None) -> "_BlobWriter":
        fh, tmp_path = self._new_tmp()
        return _BlobWriter(self, fh, tmp_path, limit)

    def _write_chunks(self, chunks: Iterable[bytes], limit: int | None) -> StoredBlob:
        writer = self._open_writer(limit)
        with writer:
            for chunk in chunks:
                writer.write(chunk)
        return writer.result

    def put_bytes(self, data: bytes) -> StoredBlob:
        return self._write_chunks([data], None)

    def put_file(self, src: Path) -> StoredBlob:
        def chunks():
            with open(src, "rb") as fh:
                while block := fh.read(CHUNK):
                    yield block

        return self._write_chunks(chunks(), None)

    async def put_stream(self, chunks: AsyncIterable[bytes], limit: int | None = None) -> StoredBlob:
        """Called on the event loop (uploads): each chunk is hashed and written there (a chunk
        is at most what one socket read gave, microseconds of work), while opening the
        temporary file, the fsync and the rename run in a worker thread — an fsync of a large
        upload waits on the disk for as long as it takes to write it (docs/decisions/119)."""
        writer = await asyncio.to_thread(self._open_writer, limit)
        try:
            async for chunk in chunks:
                writer.write(chunk)
        except BaseException:
            writer.discard()  # closing and unlinking: no fsync, quick
            raise
        return await asyncio.to_thread(writer.finish)

    def derived(self, sha256: str, name: str) -> Path:
        """Where a file made from blob *sha256* is kept (e.g. a sheet PDF's zoom-0 tile): not
        content-addressed itself, found through the blob it was made from."""
        sha256 = _check_sha(sha256)
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"not a derived file name: {name!r}")
        return self.root / "derived" / sha256[:2] / f"{sha256}.{name}"

    def put_derived(self, sha256: str, name: str, data: bytes) -> Path:
        """Write a derived file atomically (readers see the old one or the whole new one)."""
        dest = self.derived(sha256, name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fh, tmp_path = self._new_tmp()
        with fh:
            fh.write(data)
        os.replace(tmp_path, dest)
        return dest

    def copy_to(self, sha256: str, dest: Path) -> Path:
        shutil.copyfile(self.path(sha256), dest)
        return dest


class _BlobWriter:
    """Hashes and writes chunks to a temporary file; on a clean exit fsyncs and renames it into
    place, on any error removes it (a half-finished upload never becomes a blob)."""

    def __init__(self, store: LocalStorage, fh, tmp_path: Path, limit: int | None) -> None:
        self.store, self.fh, self.tmp_path, self.limit = store, fh, tmp_path, limit
        self.digest = hashlib.sha256()
        self.size = 0
        self.result: StoredBlob | None = None

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise PayloadTooLarge(details={"limit": self.limit})
        self.digest.update(chunk)
        self.fh.write(chunk)

    def __enter__(self) -> "_BlobWriter":
        return self

    def finish(self) -> StoredBlob:
        """fsync the temporary file and rename it into place (or drop it: an identical blob)."""
        try:
            try:
                self.fh.flush()
                os.fsync(self.fh.fileno())
            finally:
                self.fh.close()
        except BaseException:
            self.tmp_path.unlink(missing_ok=True)
            raise
        self.result = self.store._commit(self.tmp_path, self.digest.hexdigest(), self.size)
        return self.result

    def discard(self) -> None:
        self.fh.close()
        self.tmp_path.unlink(missing_ok=True)

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            self.discard()
        else:
            self.finish()
        return False


def make_storage(settings) -> LocalStorage:
    return LocalStorage(settings.blob_dir)
