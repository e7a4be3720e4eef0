"""A multipart body is large only where an upload is streamed (decision 134).

Every route other than the drawing upload and the report verification gets the 1 MB body limit
whatever the body's type: a multipart body declared larger is answered 413 ``body_too_large``
from its Content-Length alone, before the client sends it, and one sent without a length is
refused while it streams. Before, a multipart Content-Type took any body past the limit: the
login and progress forms (anonymous) spooled its file parts to disk, a JSON route read it whole
into memory before refusing it. Run against real server processes in both modes.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from tests import drawing_inputs as di

BOUNDARY = "drawreview-134"
DECLARED = 200 * 1024 * 1024  # far beyond the 1 MB limit; never sent


def headers_alone(base: str, method: str, path: str, extra: str = "") -> tuple[int, dict | str, str]:
    """Send a request's headers declaring ``DECLARED`` multipart bytes and none of its body;
    return the status, the body (JSON when it is JSON) and the content type. A server waiting for
    the body answers nothing and the read times out (the test fails)."""
    host = urlsplit(base)
    request = (f"{method} {path} HTTP/1.1\r\nHost: {host.netloc}\r\n{extra}Accept-Language: en\r\n"
               f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
               f"Content-Length: {DECLARED}\r\n\r\n").encode()
    with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
        sock.sendall(request)
        raw = b""
        while b"\r\n\r\n" not in raw:
            got = sock.recv(65536)
            if not got:
                break
            raw += got
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(fields.get("content-length", "0"))
        while len(body) < length:
            got = sock.recv(65536)
            if not got:
                break
            body += got
    ctype = fields.get("content-type", "")
    return int(lines[0].split()[1]), (json.loads(body) if "json" in ctype else body.decode()), ctype


def streamed_multipart(size: int):
    """A multipart body with one file part of ``size`` bytes, sent without a length (chunked)."""
    yield (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
           "Content-Type: application/octet-stream\r\n\r\n").encode()
    for _ in range(size // 65536):
        yield b"\0" * 65536
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_multipart_body_is_refused_from_its_length_on_every_route_but_uploads(stack, servers):
    base = servers[-1]
    bearer = f"Authorization: {stack.token_headers('window')['Authorization']}\r\n"
    for method, path, extra in [("POST", "/login", ""), ("POST", "/progress", ""), ("POST", "/logout", ""),
                                ("POST", "/api/projects", bearer), ("POST", "/calendar", bearer),
                                ("POST", f"/api/projects/{stack.demo['project_id']}/review-period", bearer),
                                ("PATCH", "/api/sheets/1", bearer)]:
        status, body, ctype = headers_alone(base, method, path, extra)
        assert status == 413 and "json" in ctype, (method, path, status, body)
        err = body["error"]  # refused before any endpoint runs: the envelope, pages included
        assert body["ok"] is False and err["code"] == "body_too_large", err
        assert err["details"]["limit_bytes"] == 1024 * 1024 and err["message"].startswith("Request body too large")
        assert err["messages"]["zh-CN"] == "请求体过大（上传图纸请用文件上传）"
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_a_multipart_body_without_a_length_is_refused_while_it_streams(stack, servers):
    base = servers[0]
    projects_before = httpx.get(f"{base}/api/projects", headers=stack.token_headers("window")).json()["data"]
    for path, headers in [("/login", {}), ("/api/projects", stack.token_headers("window"))]:
        r = httpx.post(f"{base}{path}", content=streamed_multipart(8 * 1024 * 1024), timeout=60,
                       headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                                "Accept-Language": "zh-CN"})
        assert r.status_code == 413, (path, r.status_code, r.text[:300])
        assert "请求体过大" in r.text
    assert httpx.get(f"{base}/api/projects", headers=stack.token_headers("window")).json()["data"] == projects_before


def test_the_upload_routes_still_take_a_large_multipart_body(stack, servers):
    base = servers[0]
    headers = stack.token_headers("designer")
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers).json()["data"]["id"]
    big = di.plan() + b"999\n" + b"x" * (2 * 1024 * 1024) + b"\n"  # a DXF comment makes it 2 MB
    r = httpx.post(f"{base}/api/submissions/{sid}/files", headers=headers, files=[("file", ("大图.dxf", big))], timeout=60)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["data"]["files"][0]["size"] == len(big)
    # the public verifier reads its own (64 MB) limit: a 2 MB file that is no issued report is
    # looked up and not found, not refused for its size
    r = httpx.post(f"{base}/api/verify", files=[("file", ("报告.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)))],
                   headers={"Accept-Language": "en"}, timeout=60)
    assert r.status_code != 413, r.text[:300]
