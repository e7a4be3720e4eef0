"""What uvicorn refuses before the app runs is refused in the app's envelope (decision 142).

A URL over ~64 KiB, or a malformed request line or header, got uvicorn's plain-text 400 ("Invalid
HTTP request received."); headers had no bound at all (a 5 MB header was read and answered 200).
Now a URL over 32 KiB is 414 ``url_too_long``, a request head over 64 KiB 431
``headers_too_large`` (also when it streams in), anything else unreadable 400
``bad_http_request``: JSON, zh-CN and English; a head not complete in time (slowloris) 408
``head_timeout`` (decision 151). Raw sockets against real server processes.
"""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import pytest


def exchange(base: str, request: bytes, pieces: int = 1) -> tuple[int, str, dict | str]:
    """Send ``request`` (in ``pieces`` writes); return the status, the content type and the body."""
    host = urlsplit(base)
    with socket.create_connection((host.hostname, host.port), timeout=30) as sock:
        step = -(-len(request) // pieces)
        try:
            for i in range(0, len(request), step):
                sock.sendall(request[i:i + step])
        except OSError:
            pass  # refused while it was still sending: the answer is already there
        raw = b""
        while True:
            try:
                got = sock.recv(65536)
            except OSError:
                break
            if not got:
                break
            raw += got
            head, sep, body = raw.partition(b"\r\n\r\n")
            if sep and b"content-length:" in head.lower():
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    ctype = fields.get("content-type", "")
    return int(lines[0].split()[1]), ctype, json.loads(body) if "json" in ctype else body.decode("latin-1")


def assert_envelope(answer, code: str, zh: str, en: str) -> None:
    assert isinstance(answer, dict) and answer["ok"] is False, answer
    err = answer["error"]
    assert err["code"] == code and err["messages"]["zh-CN"].startswith(zh) and err["messages"]["en"].startswith(en), err


def test_a_long_url_is_refused_in_the_envelope(stack, servers):
    base = servers[-1]
    for size in (40 * 1024, 70 * 1024, 1024 * 1024):
        status, ctype, answer = exchange(base, b"GET /api/projects?q=" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 414 and ctype == "application/json", (size, status, answer)
        assert_envelope(answer, "url_too_long", "请求地址过长", "The request's address is too long")
        assert answer["error"]["details"] == {"limit_bytes": 32 * 1024}
    # within the limit, the app answers (here: not logged in)
    status, ctype, answer = exchange(base, b"GET /api/projects?q=" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 401 and answer["error"]["code"] == "not_authenticated", answer


def test_large_headers_are_refused_in_the_envelope(stack, servers):
    base = servers[0]
    for size, pieces in ((100 * 1024, 1), (5 * 1024 * 1024, 80)):
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\n\r\n"
        status, ctype, answer = exchange(base, request, pieces)
        assert status == 431 and ctype == "application/json", (size, status, answer)
        assert_envelope(answer, "headers_too_large", "请求头过大", "The request's headers are too large")
    status, _, answer = exchange(base, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 30000 + b"\r\n\r\n")
    assert status == 200 and answer["ok"] is True, answer


def test_an_unreadable_request_is_refused_in_the_envelope(stack, servers):
    for request in (b"GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
                    b"GET /api/projects HTTP/9.9\r\nHost: x\r\n\r\n"):
        status, ctype, answer = exchange(servers[-1], request)
        assert status == 400 and ctype == "application/json", (request, status, answer)
        assert_envelope(answer, "bad_http_request", "无法解析该 HTTP 请求", "The HTTP request could not be read")


HEAD_TIMEOUT_S = 1.5


@pytest.fixture(scope="module")
def quick_server(stack, tmp_path_factory):
    """One more app process, waiting at most HEAD_TIMEOUT_S for a request head."""
    from tests.conftest import DRAWREVIEW, free_port, start_process, stop_process, wait_healthy

    port = free_port()
    proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"],
                         {**stack.env, "DRAWREVIEW_HTTP_HEAD_TIMEOUT_S": str(HEAD_TIMEOUT_S)},
                         tmp_path_factory.mktemp("logs") / "quick.log")
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)


def _trickle(base: str, head: bytes, every_s: float = 0.3, for_s: float = 20.0) -> tuple[float, bytes]:
    """Open a connection and send ``head``, then one more header line every ``every_s`` (never the
    blank line ending the head); return when the server ended it: the seconds taken, what it sent."""
    host = urlsplit(base)
    start = time.monotonic()
    with socket.create_connection((host.hostname, host.port), timeout=5) as sock:
        raw = b""
        try:
            if head:
                sock.sendall(head)
            sock.settimeout(every_s)
            while time.monotonic() - start < for_s:
                try:
                    got = sock.recv(65536)
                except TimeoutError:
                    if head:
                        sock.sendall(b"X-Slow: 1\r\n")
                    continue
                if not got:
                    break
                raw += got
        except OSError:
            pass  # reset while still sending: what came before is in raw
    return time.monotonic() - start, raw


def test_a_head_sent_too_slowly_is_refused(stack, quick_server):
    """Found from outside: a client sending a header line every few seconds (slowloris), or
    nothing at all, held its connection open for hours (uvicorn has no timer before a request's
    head is complete); the websocket handshake was no exception."""
    for head in (b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
                 b"GET /ws/projects/1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
                 b""):  # a connection that never sends a byte
        took, raw = _trickle(quick_server, head)
        assert took < HEAD_TIMEOUT_S + 5, (head[:30], took)
        status, _, body = raw.partition(b"\r\n\r\n")
        assert status.startswith(b"HTTP/1.1 408"), raw[:200]
        assert_envelope(json.loads(body), "head_timeout", "请求头发送过慢", "The request's head came too slowly")
    # a head sent in pieces within the time is answered
    status, _, answer = exchange(quick_server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", pieces=3)
    assert status == 200 and answer["ok"] is True, answer
