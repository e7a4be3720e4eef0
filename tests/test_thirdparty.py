"""The lock file of third-party test files: true for ../shared, and fetchable into a cache over
HTTP (a real local server) with every hash checked and a clear message when that fails."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from tests import thirdparty
from tests.conftest import SHARED


def test_every_locked_file_is_the_shared_one_and_every_shared_file_is_locked():
    entries = thirdparty.locked()
    assert len(entries) >= 30
    for entry in entries:
        assert entry["url"].startswith("https://")
        assert thirdparty.sha256(SHARED / entry["path"]) == entry["sha256"], entry["path"]
    locked = {e["path"] for e in entries}
    tested = {f"drawings/{p.relative_to(SHARED / 'drawings').as_posix()}" for p in (SHARED / "drawings").rglob("*")
              if p.is_file() and p.suffix in (".dxf", ".dwg", ".pdf")}
    assert tested <= locked


@pytest.fixture
def server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SHARED))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.RequestHandlerClass.log_message = lambda *a: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _local(base: str, names: list[str]) -> list[dict]:
    return [dict(e, url=f"{base}/{e['path']}") for e in thirdparty.locked() if e["path"] in names]


def test_fetch_fills_the_cache_and_checks_hashes(server, tmp_path):
    names = ["drawings/ezdxf__AC1003_LINE_Example.dxf", "drawings/ezdxf__bin_dxf_r2000.dxf", "specs/bcf-3.0/markup.xsd"]
    entries = _local(server, names)
    cache = thirdparty.fetch(tmp_path / "cache", entries)
    for name in names:
        assert (cache / name).read_bytes() == (SHARED / name).read_bytes()
    # a cached file with the right hash is kept; a damaged one is fetched again
    (cache / names[0]).write_bytes(b"damaged")
    thirdparty.fetch(cache, entries)
    assert (cache / names[0]).read_bytes() == (SHARED / names[0]).read_bytes()


def test_fetch_failures_say_what_and_how_to_fix(server, tmp_path):
    wrong = _local(server, ["drawings/ezdxf__bin_dxf_r2000.dxf"])
    wrong[0]["sha256"] = "0" * 64
    gone = [dict(wrong[0], path="drawings/nowhere.dxf", url=f"{server}/drawings/nowhere.dxf")]
    with pytest.raises(thirdparty.SharedFilesMissing) as err:
        thirdparty.fetch(tmp_path / "cache", wrong + gone)
    text = str(err.value)
    assert "is not the locked" in text and "HTTPError" in text and "nowhere.dxf" in text
    assert "Fix: put the shared folder" in text
    assert not (tmp_path / "cache" / "drawings" / "ezdxf__bin_dxf_r2000.dxf").exists()  # nothing unchecked kept
