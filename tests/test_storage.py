import hashlib

import pytest

from drawreview.errors import PayloadTooLarge
from drawreview.storage import LocalStorage


async def chunks(parts):
    for p in parts:
        yield p


def test_put_bytes_is_content_addressed_and_deduplicated(tmp_path):
    store = LocalStorage(tmp_path)
    a = store.put_bytes(b"drawing")
    b = store.put_bytes(b"drawing")
    assert a.sha256 == hashlib.sha256(b"drawing").hexdigest() and a.created and not b.created
    assert store.path(a.sha256).read_bytes() == b"drawing"
    assert list(store.tmp.iterdir()) == []


async def test_streamed_write_over_limit_leaves_nothing(tmp_path):
    store = LocalStorage(tmp_path)
    with pytest.raises(PayloadTooLarge):
        await store.put_stream(chunks([b"x" * 1000] * 5), limit=3000)
    assert list(store.tmp.iterdir()) == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


async def test_half_finished_stream_becomes_no_blob(tmp_path):
    store = LocalStorage(tmp_path)

    async def broken():
        yield b"a" * 100
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        await store.put_stream(broken())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    blob = await store.put_stream(chunks([b"a" * 100, b"b" * 100]))
    assert store.exists(blob.sha256) and blob.size == 200


def test_path_rejects_non_digests(tmp_path):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).path("../../etc/passwd")


async def test_a_streamed_upload_is_fsynced_and_renamed_off_the_event_loop(tmp_path, monkeypatch):
    """An fsync waits on the disk for as long as writing the file takes (a gigabyte upload:
    seconds): put_stream, which runs on the event loop, does it in a worker thread, and the
    rename with it (docs/decisions/119). The real fsync and rename run; only the thread that
    called them is noted."""
    import os
    import threading

    store = LocalStorage(tmp_path)
    loop_thread = threading.get_ident()
    callers: dict[str, set[int]] = {"fsync": set(), "replace": set()}
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        callers["fsync"].add(threading.get_ident())
        return real_fsync(fd)

    def replace(src, dst):
        callers["replace"].add(threading.get_ident())
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    blob = await store.put_stream(chunks([b"plan" * 4096] * 8))
    assert store.path(blob.sha256).read_bytes() == b"plan" * 4096 * 8
    assert callers["fsync"] and callers["replace"], callers
    assert loop_thread not in callers["fsync"] | callers["replace"], "fsync/rename ran on the event loop"
