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
        self.send_frame(json.dumps(msg).encode())

    def send_frame(self, data: bytes, compressed: bool = False) -> None:
        """One masked text frame (RSV1 set when *compressed*)."""
        mask = os.urandom(4)
        size = (bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0x80 | 126]) + struct.pack("!H", len(data))
                if len(data) < 65536 else bytes([0x80 | 127]) + struct.pack("!Q", len(data)))
        masked = (int.from_bytes(data, "big") ^ int.from_bytes((mask * (len(data) // 4 + 1))[:len(data)], "big"))
        self.sock.sendall(bytes([0xC1 if compressed else 0x81]) + size + mask + masked.to_bytes(len(data), "big"))

    def send_compressed(self, text: bytes) -> None:
        """A message deflated as RFC 7692 says (the server allows a 12-bit client window)."""
        deflate = zlib.compressobj(wbits=-12)
        data = deflate.compress(text) + deflate.flush(zlib.Z_SYNC_FLUSH)
        assert data.endswith(b"\x00\x00\xff\xff")
        self.send_frame(data[:-4], compressed=True)

    def closed_with(self) -> int | None:
        """The close code the server sends next (skipping other messages), None if it just hung up."""
        try:
            for _ in range(50):
                _, opcode, payload = self.frame()
                if opcode == 8:
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        except (AssertionError, OSError):
            return None
        raise AssertionError("no close frame")

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


def test_a_deflate_bomb_is_refused_and_the_server_keeps_serving(stack, servers, world):
    """64 MiB of JSON-ish text deflated to ~64 KB: the server stops inflating at its frame limit
    (MAX_FRAME_BYTES, 4 MiB) and closes with 1009 (message too big) instead of inflating it all;
    a message that inflates to between the message and the frame limit is refused by client_id."""
    ws = RawSocket(servers[0], f"/ws/projects/{world['project_id']}", token(stack, "fire"))
    try:
        ws.send({"type": "hello", "since": 10**9})
        ws.until(lambda m: m["type"] == "welcome")
        key = uuid.uuid4().hex
        big = json.dumps({"type": "annotation.create", "client_id": key, "sheet_id": world["sheet_id"], "kind": "pin",
                          "geometry": {"points": [[1, 1]]}, "body": "审" * 200_000}).encode()  # ~600 KB, ~2 KB sent
        ws.send_compressed(big)
        _, _, refused = ws.until(lambda m: m.get("client_id") == key)
        assert refused["type"] == "error" and refused["code"] == "too_large"
        assert refused["messages"]["zh-CN"] and refused["messages"]["en"]
    finally:
        ws.close()
    ws = RawSocket(servers[0], f"/ws/projects/{world['project_id']}", token(stack, "fire"))
    try:
        ws.send({"type": "hello", "since": 10**9})
        ws.until(lambda m: m["type"] == "welcome")
        bomb = b'{"type": "ping", "client_id": "' + b"0" * (64 * 1024 * 1024) + b'"}'
        ws.send_compressed(bomb)
        assert ws.closed_with() == 1009
    finally:
        ws.close()
    again = RawSocket(servers[-1], f"/ws/projects/{world['project_id']}", token(stack, "fire"))
    try:
        again.send({"type": "hello", "since": 10**9})
        assert again.until(lambda m: m["type"] == "welcome")[2]["type"] == "welcome"
    finally:
        again.close()
