"""Websocket compression that skips small messages.

uvicorn negotiates permessage-deflate (RFC 7692) and then compresses every message it sends,
once per connection: a live event that goes to 100 reviewers is deflated 100 times, and each
browser inflates it again. For the small messages that make up almost all of the live traffic
(acks, presence, a markup's event: a few hundred bytes) that costs more than it saves — on a
loopback it was 0.5 ms of the presence fan-out's p95 at 50 messages/s (benchmarks/bench_sync.py)
— while a catch-up batch or a long comment still shrinks by 70–90 %.

RFC 7692 decides per message: a compressed message has the RSV1 bit set, any other is sent as
is, and an uncompressed message does not touch the compression context. So the extension
negotiated here is websockets' own, and ``encode`` passes a message shorter than
``THRESHOLD`` bytes through unchanged (1024, the threshold okhttp, Node's ``ws`` and Meteor use
by default). Decoding is untouched: the client decides for its own messages.

``ThresholdDeflateProtocol`` is uvicorn's websockets-sansio protocol with this extension in
place of the plain one (``drawreview serve`` passes it as ``ws=``); tests/web/test_wsdeflate.py
reads the frames off the wire with a raw socket. It also fails a connection whose text message
is not UTF-8 (close 1007, as RFC 6455 requires, with a reason in both languages) with one log
line: uvicorn logged a traceback at ERROR level for each such message (decision 134).

And it drops a peer that takes nothing of what is sent to it for ``send_stall_s`` (settings
``sync_send_stall_s``): uvicorn's ``send`` waits, without limit, until the transport's buffer
drains, and its close (the app's, or the keepalive's) waits for the same buffer; a client that
stopped reading kept its socket, its kernel buffers (megabytes) and every task waiting to send to it
forever (decision 151). The transport is aborted and the waiting send raises
``ClientDisconnected``, which the app reads as the client having gone.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct

from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
from websockets.frames import CONT, CTRL_OPCODES, Frame

THRESHOLD = 1024  # bytes of a message's payload below which it is sent uncompressed
NOT_UTF8 = "text frame is not UTF-8 / 文本帧不是有效的 UTF-8"  # a close reason: at most 123 bytes
log = logging.getLogger("drawreview.web.sync")


class SmallUncompressed(Extension):
    """Wraps a negotiated ``PerMessageDeflate``: messages under *threshold* bytes go out as they are."""

    def __init__(self, deflate: Extension, threshold: int = THRESHOLD) -> None:
        self.deflate = deflate
        self.name = deflate.name
        self.threshold = threshold
        self._compressing = False  # the message whose continuation frames follow was compressed

    def decode(self, frame: Frame, *, max_size: int | None = None) -> Frame:
        return self.deflate.decode(frame, max_size=max_size)

    def encode(self, frame: Frame) -> Frame:
        if frame.opcode in CTRL_OPCODES:
            return frame
        if frame.opcode is not CONT:  # a new message: a fragmented one is always compressed
            self._compressing = not frame.fin or len(frame.data) >= self.threshold
        return self.deflate.encode(frame) if self._compressing else frame

    def __repr__(self) -> str:
        return f"SmallUncompressed({self.deflate!r}, threshold={self.threshold})"


class ThresholdDeflateFactory(ServerPerMessageDeflateFactory):
    def __init__(self, *args, threshold: int = THRESHOLD, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.threshold = threshold

    def process_request_params(self, params, accepted_extensions):
        response, deflate = super().process_request_params(params, accepted_extensions)
        return response, SmallUncompressed(deflate, self.threshold)


def reset(transport) -> None:
    """End a connection at once with a TCP reset: a close (asyncio's, even its ``abort``) leaves
    the kernel holding the unsent megabytes until the peer reads them, which it does not."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:  # already closed
            pass
    transport.abort()


def protocol_class(send_stall_s: float = 30.0):
    """uvicorn's sansio websocket protocol, negotiating ``ThresholdDeflateFactory`` (with
    uvicorn's own window and memory settings) when ``ws_per_message_deflate`` is on, and
    dropping a peer that took nothing sent to it for ``send_stall_s`` seconds."""
    from uvicorn.protocols.utils import ClientDisconnected
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    class ThresholdDeflateProtocol(WebSocketsSansIOProtocol):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            if self.config.ws_per_message_deflate:
                self.conn.available_extensions = [ThresholdDeflateFactory(
                    server_max_window_bits=12, client_max_window_bits=12, compress_settings={"memLevel": 5})]

        def send_receive_event_to_app(self) -> None:
            if self.curr_msg_data_type == "text" and not self.close_sent:
                try:
                    b"".join(self.frames).decode()
                except UnicodeDecodeError:
                    self.frames = []
                    log.warning("websocket from %s closed (1007): a text message that is not UTF-8",
                                (self.client or ("?",))[0])
                    self.conn.send_close(1007, NOT_UTF8)
                    self.handle_parser_exception()
                    return
            super().send_receive_event_to_app()

        async def send(self, message) -> None:
            if not self.writable.is_set() and not self.disconnected:
                try:
                    async with asyncio.timeout(send_stall_s):
                        await self.writable.wait()
                except TimeoutError:
                    if not getattr(self, "stalled", False):  # once, however many sends were waiting
                        self.stalled = True
                        log.warning("websocket to %s dropped: it took nothing sent to it for %.0f s",
                                    (self.client or ("?",))[0], send_stall_s)
                        reset(self.transport)
                    raise ClientDisconnected() from None
            await super().send(message)

    return ThresholdDeflateProtocol
