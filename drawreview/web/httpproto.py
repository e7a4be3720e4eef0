"""The HTTP/1.1 protocol ``drawreview serve`` runs: uvicorn's httptools protocol, with bounds on a
request's head and the app's bilingual JSON envelope for what uvicorn refuses before the app runs.

uvicorn answered a request it could not parse with a plain-text 400 ("Invalid HTTP request
received."): a URL over ~64 KiB (the parser's limit, measured 65,519-65,534 bytes), or a malformed
request line or header. It put no bound on headers: a 5 MB header was read into memory and the
request answered 200. Now (decision 142):
- a URL (path and query) over ``MAX_URL_BYTES`` is refused 414 ``url_too_long``;
- a request head (request line and headers) over ``MAX_HEAD_BYTES`` is refused 431
  ``headers_too_large`` while it streams, so no more than the limit and one read is held;
- anything else the parser refuses is 400 ``bad_http_request``;
- a request head not complete ``head_timeout_s`` (settings ``http_head_timeout_s``) after the
  connection opened or the request began is refused 408 ``head_timeout`` (decision 151): uvicorn
  had no timer there, and a client that sent a header line every few seconds (slowloris), or
  nothing at all, held its connection for hours — the websocket handshake included;
each as the app's error envelope (errors.py), zh-CN and English, the connection then closed. The
headers are not read at that point, so ``message`` is in Chinese (the app's default) and
``messages`` carries both. A proxy in front (deploy/nginx.conf) has its own, smaller limits.
"""

from __future__ import annotations

import json

from ..errors import envelope

MAX_URL_BYTES = 32 * 1024
MAX_HEAD_BYTES = 64 * 1024

REFUSALS = {
    "url_too_long": (414, "URI Too Long", f"请求地址过长（上限 {MAX_URL_BYTES // 1024} KB）",
                     f"The request's address is too long (at most {MAX_URL_BYTES // 1024} KB)",
                     {"limit_bytes": MAX_URL_BYTES}),
    "headers_too_large": (431, "Request Header Fields Too Large",
                          f"请求头过大（请求行与请求头合计上限 {MAX_HEAD_BYTES // 1024} KB）",
                          f"The request's headers are too large (request line and headers at most "
                          f"{MAX_HEAD_BYTES // 1024} KB)", {"limit_bytes": MAX_HEAD_BYTES}),
    "head_timeout": (408, "Request Timeout", "请求头发送过慢，连接已关闭", "The request's head came too slowly; the "
                     "connection is closed", None),
    "bad_http_request": (400, "Bad Request", "无法解析该 HTTP 请求（请求行或请求头格式错误）",
                         "The HTTP request could not be read (a malformed request line or header)", None),
}


class _TooLong(Exception):
    pass


def refusal_bytes(code: str, default_headers=()) -> bytes:
    """The whole HTTP response refusing a request with ``code`` (a key of ``REFUSALS``)."""
    status, reason, zh, en, details = REFUSALS[code]
    body = json.dumps(envelope(code, zh, en, details), ensure_ascii=False).encode("utf-8")
    head = [f"HTTP/1.1 {status} {reason}\r\n".encode()]
    for name, value in default_headers:
        head += [name, b": ", value, b"\r\n"]
    head += [b"content-type: application/json\r\n", b"content-length: " + str(len(body)).encode() + b"\r\n",
             b"connection: close\r\n", b"\r\n"]
    return b"".join(head) + body


def protocol_class(head_timeout_s: float = 20.0):
    """uvicorn's httptools protocol with the bounds and envelopes above (``http=`` of uvicorn.run)."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class EnvelopedHttpProtocol(HttpToolsProtocol):
        _refusal: str | None = None
        _head_open = False  # a request began and its headers are not complete yet
        _head_bytes = 0  # reads while the head is open (a head that streams in)
        _parsed = 0  # the headers parsed so far
        _head_timer = None  # while a head is awaited: from the connection's start or the request's

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._await_head()

        def connection_lost(self, exc) -> None:
            self._head_received()
            super().connection_lost(exc)

        def _await_head(self) -> None:
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(head_timeout_s, self._head_too_slow)

        def _head_received(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self._refusal is None and not self.transport.is_closing():
                self._refusal = "head_timeout"
                self.send_400_response("")

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_open, self._head_bytes, self._parsed = True, 0, 0
            self._await_head()

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            if len(self.url) > MAX_URL_BYTES:
                self._refusal = "url_too_long"
                raise _TooLong()  # httptools stops and raises a parser error: send_400_response

        def on_header(self, name: bytes, value: bytes) -> None:
            super().on_header(name, value)
            self._parsed += len(name) + len(value) + 4
            if self._parsed + len(self.url) > MAX_HEAD_BYTES:  # a head that came in one read
                self._refusal = "headers_too_large"
                raise _TooLong()

        def on_headers_complete(self) -> None:
            self._head_open = False
            self._head_received()
            super().on_headers_complete()

        def data_received(self, data: bytes) -> None:
            if self._refusal is not None:
                return  # refused: the connection is closing
            super().data_received(data)
            if self._head_open and self._refusal is None and not self.transport.is_closing():
                self._head_bytes += len(data)  # the whole read belongs to the unfinished head
                if self._head_bytes > MAX_HEAD_BYTES:
                    self._refusal = "url_too_long" if not self.headers else "headers_too_large"
                    self.send_400_response("")

        def send_400_response(self, msg: str) -> None:
            code = self._refusal or "bad_http_request"
            self._refusal = code
            self.transport.write(refusal_bytes(code, self.server_state.default_headers))
            self.transport.close()

    return EnvelopedHttpProtocol
