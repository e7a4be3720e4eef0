"""Writes made once whatever the network does: the ``Idempotency-Key`` request header (IETF
draft-ietf-httpapi-idempotency-key-header), for every API write a signed-in caller sends.

An integrator's client that loses an answer (a timeout, a dropped connection) cannot know whether
its ``POST /api/projects`` was done; sent again it made a second project. With a key of his
choosing on the request, the same key from the same user again:
- with the same method, path, query and body: gets the first answer again (``Idempotent-Replayed:
  true``), nothing is done twice;
- while the first is still running: 409 ``idempotency_key_in_use``;
- with anything else: 422 ``idempotency_key_reused``.
Only answers that did something are kept (2xx); after a refusal the key is free, so the same
request can be sent again once its cause is gone. Keys are kept for a day. Markup and finding
writes have their own ``client_id`` (services/client_writes) and take a key too. An upload
(multipart, streamed) takes none: its body is not read up front.

The record is written before the write and completed after it, in transactions of their own: a
process that dies between the write's commit and the record's leaves the key pending, and after
``PENDING_S`` it is free again; the write is then not known to the record (the window is the
time of one commit)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..errors import BadRequest, Conflict, ValidationFailed
from ..models import IdempotentRequest, utcnow
from ..services.notifications import aware

HEADER = "Idempotency-Key"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as the draft's sf-string allows
PENDING_S = 120  # a pending record older than this: its request died
KEEP = timedelta(days=1)
REPLAYED = "Idempotent-Replayed"


def key_of(request: Request) -> str | None:
    """The request's key (the draft quotes it as a structured-field string; bare is taken too);
    None: none given. A key that is empty, too long or not visible ASCII is a 400."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not KEY.fullmatch(key):
        raise BadRequest("Idempotency-Key 须为 1–255 个可见 ASCII 字符", "Idempotency-Key must be 1 to 255 visible "
                         "ASCII characters", code="bad_idempotency_key", details={"header": HEADER, "max_length": 255})
    return key


async def _fingerprint(request: Request) -> str:
    h = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    h.update(await request.body())
    return h.hexdigest()


def _replay(row: IdempotentRequest) -> Response:
    return Response(row.body or "", status_code=row.status or 200, media_type="application/json",
                    headers={REPLAYED: "true"})


async def claim(db, user_id: int, key: str, request: Request) -> Response | int:
    """The first answer to this key, or the key claimed for this request (its record's id)."""
    fingerprint = await _fingerprint(request)
    now = utcnow()
    async with db.session() as s:
        row = (await s.exec(select(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                            IdempotentRequest.key == key))).first()
        if row is not None and aware(row.created_at) < now - KEEP:
            await s.delete(row)
            row = None
        if row is not None:
            if row.fingerprint != fingerprint:
                raise ValidationFailed("该 Idempotency-Key 已用于另一个请求", "This Idempotency-Key was used for "
                                       "another request", code="idempotency_key_reused", details={"header": HEADER})
            if row.status is not None:
                return _replay(row)
            if aware(row.created_at) > now - timedelta(seconds=PENDING_S):
                raise _in_use()
            await s.delete(row)  # its request died: the key is free again
        await s.exec(delete(IdempotentRequest).where(IdempotentRequest.created_at < now - KEEP))
        record = IdempotentRequest(user_id=user_id, key=key, fingerprint=fingerprint, created_at=now)
        s.add(record)
        try:
            await s.commit()
        except IntegrityError:  # the same key claimed a moment ago by a request running beside
            raise _in_use() from None
        return record.id


def _in_use() -> Conflict:
    return Conflict("同一 Idempotency-Key 的请求仍在处理中，请稍后重试", "A request with this Idempotency-Key is "
                    "still being processed; try again shortly", code="idempotency_key_in_use",
                    details={"header": HEADER})


async def settle(db, record_id: int, response: Response | None) -> None:
    """Keep a 2xx JSON answer for the key; anything else frees the key."""
    keep = (response is not None and 200 <= response.status_code < 300 and not isinstance(response, StreamingResponse)
            and (response.media_type or "").startswith("application/json"))
    async with db.session() as s:
        row = await s.get(IdempotentRequest, record_id)
        if row is None:
            return
        if keep:
            row.status, row.body = response.status_code, bytes(response.body).decode("utf-8")
            s.add(row)
        else:
            await s.delete(row)
        await s.commit()
