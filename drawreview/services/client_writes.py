"""Idempotent client writes, the same for REST and the websocket.

Every write carries a client-generated ``client_id``. :func:`perform` runs the write once:
it stores the result in ``client_write`` (unique per user + client_id) in the same
transaction as the change, its event and its audit entry, then commits and publishes. The
same ``client_id`` again returns the stored result with the original ``seq`` (a replay),
also when two copies race (the loser's unique-key violation is turned into a replay).

The record keeps a digest of what the write asked for (:func:`request_digest`: its content
fields, not its client_id, version or transport keys): the same client_id with other content —
on the same object — is refused ``client_id_reused`` instead of answered with the first write's
result (decision 142). A genuine resend (the viewer's outbox sends the same message again) has
the same digest.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import Conflict, DrawReviewError, ValidationFailed
from ..models import ClientWrite, ProjectEvent
from . import events as events_service

CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")

# fn(session) -> (result data, events appended, project id), or a journal.Change
WriteFn = Callable[[AsyncSession], Awaitable[Any]]

# what a write asks for; ids (the object is checked apart), client_id, version (a precondition
# the viewer may move on for a queued write) and transport keys (type, target) are left out
CONTENT_KEYS = ("body", "clause", "geometry", "kind", "reason", "severity", "status", "template")


def _canonical(value: Any) -> Any:
    """A value as the write will store it, near enough: numbers as floats (a point sent as [120, 80]
    is stored as [120.0, 80.0]), text without surrounding blanks."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def request_digest(op: str, data: dict | None) -> str | None:
    """sha256 of the write's content fields as canonical JSON; None when there is no data. A field
    left out and the same field empty (``"clause": ""``) are the same content: a resend rebuilt
    from the stored markup is still the same write."""
    if data is None:
        return None
    content = {k: _canonical(data[k]) for k in CONTENT_KEYS if k in data}
    content = {k: v for k, v in content.items() if v not in ("", None)}
    text = json.dumps([op, content], sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class WriteResult:
    op: str
    client_id: str | None
    data: dict
    seq: int | None
    events: list[ProjectEvent | events_service.Logged] = field(default_factory=list)
    replay: bool = False

    def payload(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "seq": self.seq, **self.data}


def check_client_id(value: Any, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise ValidationFailed("client_id 无效：1–64 个字母、数字或 _ . : -",
                               "Invalid client_id: 1–64 letters, digits or _ . : -",
                               details={"client_id": "required string, 1-64 chars [A-Za-z0-9_.:-]"})
    return value


async def _lookup(session: AsyncSession, user_id: int, client_id: str) -> ClientWrite | None:
    stmt = select(ClientWrite).where(ClientWrite.user_id == user_id, ClientWrite.client_id == client_id)
    return (await session.exec(stmt)).first()


def names(result: dict, field: str, value: int) -> bool:
    """Whether a stored result is about the object ``field`` = ``value`` (``sheet_id``,
    ``annotation_id``, ``finding_id``): at its top, or in one of its objects (``{"annotation":
    {"id": …, "sheet_id": …}}``, ``{"comment": {"annotation_id": …}}``)."""
    if result.get(field) == value:
        return True
    return any(isinstance(inner, dict) and (inner.get(field) == value or (field == f"{key}_id" and inner.get("id") == value))
               for key, inner in result.items())


def _replayed(row: ClientWrite, op: str, target: tuple[str, int] | None, digest: str | None = None) -> WriteResult:
    """The stored result of a resent write; a different write under the same ``client_id`` (another
    operation, the same one on another object (decision 134), or on the same object with other
    content (decision 142)) is refused, not answered with the first one's result as if it had been
    done. A record without a digest (written before 142) is compared by operation and object."""
    other_object = target is not None and not names(row.result or {}, *target)
    other_content = digest is not None and row.request_digest is not None and row.request_digest != digest
    if row.op != op or other_object or other_content:
        details = {"client_id": row.client_id, "op": row.op}
        if target is not None:
            details["yours"] = {"op": op, target[0]: target[1]}
        if other_content and not other_object and row.op == op:
            details["other_content"] = True
        raise Conflict("该 client_id 已用于另一项操作，本次操作未执行；请为每项新操作生成新的 client_id",
                       "This client_id was already used for another operation; this one was not done. "
                       "Give every new operation a new client_id",
                       code="client_id_reused", details=details)
    return WriteResult(op, row.client_id, row.result, row.seq, replay=True)


async def perform(session: AsyncSession, broadcast, principal: Principal, op: str, client_id: str | None,
                  fn: WriteFn, target: tuple[str, int] | None = None, data: dict | None = None) -> WriteResult:
    """Run ``fn`` once per (user, client_id); commit, then publish its events (an event the
    journal wrote in a lone autocommit statement is committed already and published before the
    session is closed).

    ``fn`` returns ``(data, events, project_id)`` (it appended its events and audit entries
    itself; the idempotency record is added here) or a :class:`journal.Change`, which is
    journaled (event, audit entry and idempotency record: one statement on PostgreSQL).

    The stored result is looked up only when the write fails: a resent write fails on a unique
    key (its row, its ``client_write``) or on its version, and then is answered from the store.
    A first write, the common case, pays no look-up. ``target`` (``("annotation_id", 7)``) names
    the object the write is about: a stored result about another object is not this write's.
    ``data`` is the request (its content fields are digested and kept with the record).
    """
    from . import journal

    digest = request_digest(op, data) if client_id is not None else None
    try:
        out = await fn(session)
        published = False
        if isinstance(out, journal.Change):
            event = await journal.write(session, principal, out, op, client_id, digest)
            data, events = out.data, [event]
            if getattr(event, "committed", False):  # a lone statement, durable already: fan out first
                await events_service.publish(broadcast, event)
                published = True
        else:
            data, events, project_id = out
            if client_id is not None:
                session.add(ClientWrite(user_id=principal.user_id, client_id=client_id, op=op,
                                        project_id=project_id, seq=events[-1].seq if events else None, result=data,
                                        request_digest=digest))
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if client_id is not None:
            prior = await _lookup(session, principal.user_id, client_id)
            if prior is not None:
                return _replayed(prior, op, target, digest)
        raise Conflict("该 client_id 已被使用或数据冲突", "This client_id is already taken, or the write conflicts",
                       code="client_id_taken", details={"client_id": client_id}) from None
    except DrawReviewError:
        await session.rollback()
        if client_id is not None:  # a resend of a write that was done (its version moved on, its row is gone)
            prior = await _lookup(session, principal.user_id, client_id)
            if prior is not None:
                return _replayed(prior, op, target, digest)
        raise
    except BaseException:
        await session.rollback()
        raise
    seq = events[-1].seq if events else None
    if not published:
        await events_service.publish(broadcast, *events)
    return WriteResult(op, client_id, data, seq, events)
