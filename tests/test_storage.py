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
