"""The journal of one client write: its project event, audit entry and idempotency record.

A markup write changes its row and then journals the change: the next per-project sequence
number and the event (``events.append``), the hash-chained audit entry (``audit.record``) and
the ``client_write`` row that makes a resend a replay (``client_writes``). On PostgreSQL the
journal is **one statement** (data-modifying CTEs): the project row is locked by its
``UPDATE ... RETURNING`` first, then the project's audit-chain head ``FOR UPDATE`` (the lock order
every writer uses), and the entry's hash is computed by the database from the canonical JSON
Python prepares around the previous hash (``sha256(prefix || prev || suffix)``), so it is
byte-for-byte the hash ``audit.verify`` recomputes. On SQLite (embedded, in-process, no
round trips to save) it is the same rows written by the ordinary functions.

docs/decisions/090-one-statement-journal.md says why.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import AuditEntry, ClientWrite, ProjectEvent, utcnow
from . import audit
from . import events as events_service
from .txlocks import held


@dataclass
class Change:
    """What a write did, for its journal. ``data`` is the answer (stored for replays)."""

    data: dict
    project_id: int
    event_type: str
    event_payload: dict
    action: str
    object_type: str
    object_id: Any
    detail: dict = field(default_factory=dict)


_PG = text("""
WITH s AS (
    UPDATE project SET last_event_seq = last_event_seq + 1 WHERE id = CAST(:pid AS INTEGER)
    RETURNING last_event_seq AS seq
), ev AS (
    INSERT INTO project_event (project_id, seq, type, actor_id, payload, created_at)
    SELECT CAST(:pid AS INTEGER), s.seq, CAST(:etype AS VARCHAR), CAST(:uid AS INTEGER), CAST(:payload AS JSON),
           CAST(:at AS TIMESTAMPTZ)
    FROM s RETURNING seq
), h AS (
    SELECT audit_head.last_hash FROM audit_head, s WHERE audit_head.id = CAST(:pid AS INTEGER)
    FOR UPDATE OF audit_head
), au AS (
    INSERT INTO audit_entry (at, actor_id, actor, action, object_type, object_id, project_id, detail, prev_hash, hash)
    SELECT CAST(:at AS TIMESTAMPTZ), CAST(:uid AS INTEGER), CAST(:actor AS VARCHAR), CAST(:action AS VARCHAR),
           CAST(:otype AS VARCHAR), CAST(:oid AS VARCHAR), CAST(:pid AS INTEGER), CAST(:detail AS JSON), h.last_hash,
           encode(sha256(convert_to(CAST(:pre AS TEXT) || h.last_hash || CAST(:post AS TEXT), 'UTF8')), 'hex')
    FROM h RETURNING id, hash
), hu AS (
    UPDATE audit_head SET last_id = au.id, last_hash = au.hash FROM au
    WHERE audit_head.id = CAST(:pid AS INTEGER) RETURNING au.hash
), cw AS (
    INSERT INTO client_write (user_id, client_id, op, project_id, seq, result, created_at)
    SELECT CAST(:uid AS INTEGER), CAST(:cid AS VARCHAR), CAST(:op AS VARCHAR), CAST(:pid AS INTEGER), s.seq,
           CAST(:result AS JSON), CAST(:at AS TIMESTAMPTZ)
    FROM s WHERE CAST(:cid AS VARCHAR) IS NOT NULL RETURNING id
)
SELECT s.seq, (SELECT hash FROM hu) AS audit_hash, (SELECT count(*) FROM cw) AS recorded, (SELECT count(*) FROM ev)
FROM s
""")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _hash_frame(entry: AuditEntry) -> tuple[str, str]:
    """The canonical JSON of ``entry`` (audit.entry_hash) split around its previous hash."""
    marker = "PREV" + secrets.token_hex(30)  # 64 characters that occur nowhere else
    entry.prev_hash = marker
    body = audit.canonical_body(marker, entry)
    pre, post = body.split(marker)
    return pre, post


async def write(session: AsyncSession, principal, change: Change, op: str, client_id: str | None) -> ProjectEvent:
    """Journal ``change`` in the session's transaction; return the event (publish it after commit)."""
    at = utcnow()
    payload = dict(change.event_payload, actor=principal.display_name)
    if session.bind.dialect.name != "postgresql":
        return await _write_generic(session, principal, change, op, client_id, payload)
    detail = json.loads(_dumps(change.detail))
    entry = AuditEntry(at=at, actor_id=principal.user_id, actor=principal.username, action=change.action,
                       object_type=change.object_type, object_id=str(change.object_id), project_id=change.project_id,
                       detail=detail, prev_hash="", hash="")
    pre, post = _hash_frame(entry)
    row = (await (await session.connection()).execute(_PG, {
        "pid": change.project_id, "etype": change.event_type, "uid": principal.user_id, "payload": _dumps(payload),
        "at": at, "actor": entry.actor, "action": entry.action, "otype": entry.object_type, "oid": entry.object_id,
        "detail": _dumps(detail), "pre": pre, "post": post, "cid": client_id, "op": op,
        "result": _dumps(change.data)})).first()
    if row is None:
        raise LookupError(f"project {change.project_id} does not exist")
    seq, audit_hash = row[0], row[1]
    locks = held(session)
    locks[("project", change.project_id)] = True
    if audit_hash is None:  # the project's first audit entry: its chain head does not exist yet
        await audit.record(session, principal, change.action, change.object_type, change.object_id,
                           change.project_id, change.detail)
    else:
        locks[("audit_head", change.project_id)] = audit_hash
    return ProjectEvent(project_id=change.project_id, seq=seq, type=change.event_type, actor_id=principal.user_id,
                        payload=payload, created_at=at)


async def _write_generic(session: AsyncSession, principal, change: Change, op: str, client_id: str | None,
                         payload: dict) -> ProjectEvent:
    event = await events_service.append(session, change.project_id, change.event_type, principal,
                                        change.event_payload)
    await audit.record(session, principal, change.action, change.object_type, change.object_id, change.project_id,
                       change.detail)
    if client_id is not None:
        session.add(ClientWrite(user_id=principal.user_id, client_id=client_id, op=op, project_id=change.project_id,
                                seq=event.seq, result=change.data))
    await session.flush()
    return event
