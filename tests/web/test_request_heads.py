"""What uvicorn refuses before the app runs is refused in the app's envelope (decision 142).

A URL over ~64 KiB, or a malformed request line or header, got uvicorn's plain-text 400 ("Invalid
HTTP request received."); headers had no bound at all (a 5 MB header was read and answered 200).
Now a URL over 32 KiB is 414 ``url_too_long``, a request head over 64 KiB 431
``headers_too_large`` (also when it streams in), anything else unreadable 400
``bad_http_request``: JSON, zh-CN and English. Raw sockets against real server processes.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit


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
