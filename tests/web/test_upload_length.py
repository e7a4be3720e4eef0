"""An upload whose body is shorter than its declared Content-Length (decision 142).

A client that declares more bytes than it sends, after a complete multipart body, used to have
its file stored (the closing boundary was read, the row committed) and then waited for an answer
that never came: the server was still reading the body's missing bytes. The rest of a body after
its closing boundary must now arrive within ``END_OF_BODY_S``: otherwise the request is refused
``body_shorter_than_declared`` in both languages and nothing is stored. Run against real server
processes in both modes, with a raw socket (no HTTP client would send a wrong length).
"""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import httpx

from tests import drawing_inputs as di

BOUNDARY = "drawreview-142"


def multipart(name: str, data: bytes) -> bytes:
    return (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def send_raw(base: str, path: str, token: str | None, body: bytes, declared: int, timeout: float = 30) -> tuple[int, dict, float]:
    """POST ``body`` with ``Content-Length: declared``; return the status, the JSON answer and the
    seconds it took. A server that never answers makes the read time out (the test fails)."""
    host = urlsplit(base)
    auth = f"Authorization: {token}\r\n" if token else ""
    head = (f"POST {path} HTTP/1.1\r\nHost: {host.netloc}\r\n{auth}Accept-Language: en\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {declared}\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection((host.hostname, host.port), timeout=timeout) as sock:
        sock.sendall(head + body)
        raw = b""
        while b"\r\n\r\n" not in raw:
            raw += sock.recv(65536) or b"!"
            assert not raw.endswith(b"!"), raw
        head_bytes, _, answer = raw.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin-1").split("\r\n")
        fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        while len(answer) < int(fields.get("content-length", "0")):
            got = sock.recv(65536)
            if not got:
                break
            answer += got
    return int(lines[0].split()[1]), json.loads(answer), time.monotonic() - started


def test_a_body_shorter_than_declared_is_refused_and_nothing_is_stored(stack, servers):
    base = servers[-1]
    headers = stack.token_headers("designer")
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers).json()["data"]["id"]
    body = multipart("短.dxf", di.plan())
    status, answer, took = send_raw(base, f"/api/submissions/{sid}/files", headers["Authorization"], body, len(body) + 100)
    assert status == 400, answer
    err = answer["error"]
    assert err["code"] == "body_shorter_than_declared", err
    assert err["messages"]["zh-CN"].startswith("请求体比声明的长度") and err["message"].startswith("The request body is shorter")
    assert took < 20, took
    files = httpx.get(f"{base}/api/submissions/{sid}", headers=headers).json()["data"]["files"]
    assert files == [], files  # nothing half-stored
    # the same body with its true length is stored and answered
    status, answer, _ = send_raw(base, f"/api/submissions/{sid}/files", headers["Authorization"], body, len(body))
    assert status == 200 and [f["original_name"] for f in answer["data"]["files"]] == ["短.dxf"], answer


def test_the_verifier_answers_a_body_shorter_than_declared(stack, servers):
    base = servers[0]
    body = multipart("报告.pdf", b"%PDF-1.7\n" + b"0" * 1000)
    status, answer, took = send_raw(base, "/api/verify", None, body, len(body) + 10)
    assert status == 400 and answer["error"]["code"] == "body_shorter_than_declared", answer
    assert took < 20, took
