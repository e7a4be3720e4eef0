"""The project websocket's wire format: limits, parsing and error messages.

A client message is one JSON object of at most :data:`MAX_MESSAGE_BYTES` UTF-8 bytes. The same
constant reaches the viewer through the page config, the ``welcome`` message and the OpenAPI
document (``x-websocket``), so the viewer refuses an oversized write before sending it.

Every refusal names the ``client_id`` of the message it answers whenever the message had one,
also when the message was too large or not valid JSON: :func:`client_id_of` reads the id from
the raw text *before* the full parse, so a client can always tell which queued write was
refused and drop it instead of resending it forever.
"""

from __future__ import annotations

import json
import re

from . import jsontext
from ..errors import DrawReviewError, ValidationFailed
from ..services.client_writes import CLIENT_ID

MAX_MESSAGE_BYTES = 256 * 1024  # UTF-8 bytes of one client message
# the transport's limit (uvicorn ws_max_size): a message between the two is read and refused
# with its client_id; a larger frame closes the socket with 1009 (the viewer then drops the
# largest write it had in flight)
MAX_FRAME_BYTES = 16 * MAX_MESSAGE_BYTES

# "client_id": "<id>" anywhere in the text; an escaped quote inside a string value ("\"client_id\"")
# does not match, because the key's closing quote would be preceded by a backslash
_CLIENT_ID_RE = re.compile(r'"client_id"\s*:\s*"([A-Za-z0-9_.:\-]{1,64})"')
_TYPE_RE = re.compile(r'"type"\s*:\s*"([A-Za-z0-9_.\-]{1,64})"')


def bad(field: str, rule: str, code: str = "bad_message") -> ValidationFailed:
    return ValidationFailed("消息格式不正确", "The message has the wrong shape", code=code, details={field: rule})


def too_large(size: int) -> ValidationFailed:
    return ValidationFailed(f"消息过大（{size} 字节，上限 {MAX_MESSAGE_BYTES} 字节），未保存；请缩小该审查意见后重试",
                            f"The message is too large ({size} bytes, at most {MAX_MESSAGE_BYTES}); it was not "
                            "saved; make the markup smaller and try again",
                            code="too_large", details={"bytes": size, "max_bytes": MAX_MESSAGE_BYTES})


def client_id_of(text: str) -> str | None:
    """The ``client_id`` of a raw message, read without parsing it (the first one named)."""
    m = _CLIENT_ID_RE.search(text)
    return m.group(1) if m and CLIENT_ID.match(m.group(1)) else None


def type_of(text: str) -> str | None:
    m = _TYPE_RE.search(text[:4096])
    return m.group(1) if m else None


def parse(text: str | None, known_types) -> dict:
    """One client message, or a ValidationFailed naming what is wrong (code bad_json, too_large,
    bad_message, unknown_type)."""
    if text is None:
        raise bad("frame", "text frames only", code="bad_json")
    if len(text) * 4 > MAX_MESSAGE_BYTES:  # a cheap bound first: UTF-8 is at most 4 bytes a character
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_MESSAGE_BYTES:
            raise too_large(size)
    try:
        msg = jsontext.loads(text)  # also refuses NUL, lone surrogates, huge integers, deep nesting
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder's limit
        raise bad("frame", "JSON text", code="bad_json") from None
    if not isinstance(msg, dict):
        raise bad("frame", "a JSON object", code="bad_json")
    if not isinstance(msg.get("type"), str):
        raise bad("type", "required string")
    if msg["type"] not in known_types:
        raise bad("type", f"one of {sorted(known_types)}", code="unknown_type")
    return msg


def error_message(exc: DrawReviewError, lang: str, msg: dict | None = None, raw: str | None = None) -> dict:
    """``{"type": "error", ...}`` answering ``msg`` (or, when it did not parse, the raw text)."""
    out = {"type": "error", "code": exc.code, "message": exc.message(lang),
           "messages": {"zh-CN": exc.message_zh, "en": exc.message_en}, "details": exc.details}
    client_id = type_ = None
    if isinstance(msg, dict):
        client_id = msg.get("client_id") if isinstance(msg.get("client_id"), str) else None
        type_ = msg.get("type") if isinstance(msg.get("type"), str) else None
    elif raw:
        client_id, type_ = client_id_of(raw), type_of(raw)
    if client_id is not None:
        out["client_id"] = client_id[:64]
    if type_ is not None:
        out["in_reply_to"] = type_[:64]
    return out


def dumps(msg: dict) -> str:
    return json.dumps(msg, ensure_ascii=False, default=str)


def access_revoked() -> DrawReviewError:
    return DrawReviewError("您的登录或令牌已失效，或您已不是该项目的参与方，实时连接已断开",
                           "Your sign-in or token is no longer valid, or you are no longer on this project; "
                           "the live connection is closed", code="access_revoked", status=403)
