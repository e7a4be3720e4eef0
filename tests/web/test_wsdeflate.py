"""Websocket compression read off the wire: a raw socket client (RFC 6455 framing and RFC 7692
inflation written here, nothing from drawreview or the websockets library) negotiates
permessage-deflate with a real ``drawreview serve`` process and looks at each frame's RSV1 bit.
Small messages (welcome, pong, presence) come uncompressed, a large one compressed, and
compressed messages still inflate after uncompressed ones came between them (the compression
context is shared across messages)."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import uuid
import zlib
from urllib.parse import urlsplit

import pytest

from tests.web.test_sync import token, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("world")


class RawSocket:
    def __init__(self, base: str, path: str, bearer: str, deflate: bool = True) -> None:
        u = urlsplit(base)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        ext = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if deflate else ""
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"{ext}Authorization: Bearer {bearer}\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        self.response = head.decode("latin-1")
        self.inflate = zlib.decompressobj(wbits=-15)  # the server's window is at most 15 bits

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            assert chunk, "connection closed"
            data += chunk
        return data

    def frame(self) -> tuple[bool, int, bytes]:
        """(RSV1, opcode, payload as sent) of the next frame; the server never masks."""
        b0, b1 = self._read(2)
        size = b1 & 0x7F
        if size == 126:
            size = struct.unpack("!H", self._read(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", self._read(8))[0]
        assert b0 & 0x80, "the server sends whole messages"
        return bool(b0 & 0x40), b0 & 0x0F, self._read(size)

    def message(self) -> tuple[bool, int, dict]:
        """The next text message: (was compressed, bytes on the wire, JSON)."""
        rsv1, opcode, payload = self.frame()
        assert opcode == 1
        text = self.inflate.decompress(payload + b"\x00\x00\xff\xff") if rsv1 else payload
        return rsv1, len(payload), json.loads(text)

    def until(self, pred) -> tuple[bool, int, dict]:
        for _ in range(50):
            got = self.message()
            if pred(got[2]):
                return got
        raise AssertionError("no such message")

    def send(self, msg: dict) -> None:
        data = json.dumps(msg).encode()
        mask = os.urandom(4)
        head = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126 else
                                bytes([0x80 | 126]) + struct.pack("!H", len(data)))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def close(self) -> None:
        self.sock.close()


def test_small_messages_go_uncompressed_large_ones_compressed(stack, servers, world):
    ws = RawSocket(servers[0], f"/ws/projects/{world['project_id']}", token(stack, "fire"))
    try:
        assert " 101 " in ws.response.split("\r\n")[0]
        assert "permessage-deflate" in ws.response.lower()  # negotiated
        ws.send({"type": "hello", "since": 10**9})  # ahead of the log: a resync, no catch-up
        rsv1, size, welcome = ws.until(lambda m: m["type"] == "welcome")
        assert welcome["type"] == "welcome" and not rsv1 and size < 1024
        body = "消防车道净宽不应小于4米，转弯半径应满足消防车转弯的要求。" * 40  # ~1.6 KB of UTF-8 and more
        key = uuid.uuid4().hex
        ws.send({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], "kind": "pin",
                 "geometry": {"points": [[10, 10]]}, "body": body})
        rsv1, size, ack = ws.until(lambda m: m.get("client_id") == key and m["type"] == "ack")
        assert rsv1 and ack["annotation"]["body"] == body
        assert size < len(json.dumps(ack, ensure_ascii=False).encode()) / 3  # repetitive text shrinks
        ws.send({"type": "ping", "client_id": "p1"})
        rsv1, size, pong = ws.until(lambda m: m["type"] == "pong")
        assert not rsv1 and pong["client_id"] == "p1"
        key2 = uuid.uuid4().hex  # compressed again after an uncompressed message: the context holds
        ws.send({"type": "annotation.create", "client_id": key2, "sheet_id": world["sheet_id"], "kind": "pin",
                 "geometry": {"points": [[20, 20]]}, "body": body + "（复核）"})
        rsv1, _, ack2 = ws.until(lambda m: m.get("client_id") == key2 and m["type"] == "ack")
        assert rsv1 and ack2["annotation"]["body"].endswith("（复核）")
    finally:
        ws.close()


def test_a_client_without_compression_gets_plain_frames(stack, servers, world):
    ws = RawSocket(servers[-1], f"/ws/projects/{world['project_id']}", token(stack, "fire"), deflate=False)
    try:
        assert "permessage-deflate" not in ws.response.lower()
        ws.send({"type": "hello", "since": 10**9})
        rsv1, _, welcome = ws.until(lambda m: m["type"] == "welcome")
        assert not rsv1 and welcome["seq"] >= 0
        key = uuid.uuid4().hex
        ws.send({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], "kind": "pin",
                 "geometry": {"points": [[10, 10]]}, "body": "审" * 2000})
        rsv1, size, ack = ws.until(lambda m: m.get("client_id") == key and m["type"] == "ack")
        assert not rsv1 and size > 6000 and ack["annotation"]["body"] == "审" * 2000
    finally:
        ws.close()
