"""Streaming multipart bodies: python-multipart's push parser over ``request.stream()``.

Each file part goes chunk by chunk to its consumer (``storage.put_stream`` for drawings), so no
file is ever held in memory or spooled twice. A body that stops half-way (client gone, or the
closing boundary never arrives) raises inside the chunk iterator, so the temporary file is
removed and no blob and no row is created.

A body is over only when the request's body ends, not when the closing boundary is read: a
client that declares a ``Content-Length`` larger than it sends, after a complete multipart body,
waits for an answer while the server waits for the rest. The rest of a body after its closing
boundary (an epilogue, normally none or a line end) must arrive within ``END_OF_BODY_S``;
otherwise the request is refused ``body_shorter_than_declared`` (decision 142), and the caller,
which registers its files only once the iterator is exhausted, has stored nothing.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import AsyncIterator

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..errors import BadRequest, UnsupportedFile

MAX_PARTS = 200
END_OF_BODY_S = 5.0  # after the closing boundary, the wait for the end of the body


class IncompleteUpload(BadRequest):
    code = "upload_incomplete"
    message_zh = "上传未完成（连接中断或请求体不完整），请重试"
    message_en = "The upload did not complete (connection lost or body cut off); please retry"


class BodyShorterThanDeclared(BadRequest):
    code = "body_shorter_than_declared"
    message_zh = "请求体比声明的长度（Content-Length）短：未保存任何文件，请重新上传"
    message_en = "The request body is shorter than its declared Content-Length: nothing was stored; please upload again"


class Part:
    def __init__(self, headers: dict[bytes, bytes]) -> None:
        disposition, params = parse_options_header(headers.get(b"content-disposition", b""))
        self.name = params.get(b"name", b"").decode("utf-8", "replace")
        raw = params.get(b"filename")
        self.filename = None if raw is None else _decode(raw)
        self.content_type = headers.get(b"content-type", b"").decode("latin-1")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk", "replace")


async def multipart_parts(request: Request) -> AsyncIterator[tuple[Part, AsyncIterator[bytes]]]:
    """Yield ``(part, chunks)`` in order; *chunks* must be consumed before the next part."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UnsupportedFile("请以 multipart/form-data 上传文件（字段名 file）",
                              "Upload files as multipart/form-data (field name 'file')", code="not_multipart")
    queue: deque = deque()
    header: dict = {"field": b"", "value": b"", "headers": {}}

    def on_header_field(data, start, end):
        header["field"] += data[start:end]

    def on_header_value(data, start, end):
        header["value"] += data[start:end]

    def on_header_end():
        header["headers"][header["field"].lower()] = header["value"]
        header["field"], header["value"] = b"", b""

    def on_headers_finished():
        queue.append(("part", Part(header["headers"])))
        header["headers"] = {}

    parser = MultipartParser(boundary, {
        "on_header_field": on_header_field, "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
        "on_part_data": lambda data, start, end: queue.append(("data", bytes(data[start:end]))),
        "on_part_end": lambda: queue.append(("end", None)),
        "on_end": lambda: queue.append(("done", None)),
    })

    async def events():
        finished = False
        body = request.stream().__aiter__()
        while True:
            try:
                if finished:  # only an epilogue may follow; the end of the body must come soon
                    async with asyncio.timeout(END_OF_BODY_S):
                        chunk = await anext(body)
                else:
                    chunk = await anext(body)
            except StopAsyncIteration:
                break
            except TimeoutError:
                raise BodyShorterThanDeclared(details={"declared": request.headers.get("content-length"),
                                                       "waited_s": END_OF_BODY_S}) from None
            if chunk:
                try:
                    parser.write(chunk)
                except Exception as exc:  # noqa: BLE001 - python-multipart's own parse errors
                    raise BadRequest("上传内容格式错误", "Malformed multipart body", code="bad_multipart",
                                     details={"error": str(exc)[:200]}) from None
            while queue:
                ev = queue.popleft()
                finished = finished or ev[0] == "done"
                yield ev
        if not finished:
            raise IncompleteUpload()

    stream = events()
    parts = 0

    async def chunks() -> AsyncIterator[bytes]:
        async for kind, value in stream:
            if kind == "data":
                if value:
                    yield value
            elif kind == "end":
                return
        raise IncompleteUpload()

    async for kind, value in stream:
        if kind == "part":
            parts += 1
            if parts > MAX_PARTS:
                raise BadRequest(f"一次最多上传 {MAX_PARTS} 个文件", f"At most {MAX_PARTS} files per request",
                                 code="too_many_parts")
            body = chunks()
            yield value, body
            async for _ in body:  # the caller skipped this part: read past it
                pass
