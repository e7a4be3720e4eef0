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

A change that **creates** a row (:class:`NewRow`: a markup create) writes that row in the same
statement, and when the session has not begun a transaction the statement runs on its own
(autocommit): a single-statement transaction, committed (fsync) when it returns, without the
BEGIN and COMMIT round trips. The new row's id is not known before the statement, so the
answer, the event and the audit entry carry a random placeholder (``NewRow.marker``) that the
database replaces with the id (in the JSON texts and in the text the audit hash is taken of)
and Python replaces in the returned data.

docs/decisions/090-one-statement-journal.md says why.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.util import greenlet_spawn
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import ClientWrite, ProjectEvent, utcnow
from . import audit
from . import events as events_service
from .txlocks import held


@dataclass
class NewRow:
    """The row a change creates. Its id is not known before the journal writes it: ``id_at``
    puts the placeholder ``marker`` where the id goes in the change's ``data`` and
    ``event_payload`` (and the change's ``object_id`` is ``marker``; never in ``detail``); the
    journal puts the id there."""

    table: Table
    values: dict  # every column but the id
    marker: str = field(default_factory=lambda: "newrow" + secrets.token_hex(16))
    slots: list = field(default_factory=list)  # (dict, key) holding the marker

    def id_at(self, holder: dict, key: str = "id") -> None:
        holder[key] = self.marker
        self.slots.append((holder, key))


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
    new_row: NewRow | None = None


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
    INSERT INTO client_write (user_id, client_id, op, project_id, seq, result, request_digest, created_at)
    SELECT CAST(:uid AS INTEGER), CAST(:cid AS VARCHAR), CAST(:op AS VARCHAR), CAST(:pid AS INTEGER), s.seq,
           CAST(:result AS JSON), CAST(:digest AS VARCHAR), CAST(:at AS TIMESTAMPTZ)
    FROM s WHERE CAST(:cid AS VARCHAR) IS NOT NULL RETURNING id
)
SELECT s.seq, (SELECT hash FROM hu) AS audit_hash, (SELECT count(*) FROM cw) AS recorded, (SELECT count(*) FROM ev)
FROM s
""")


def _alone_sql(table: Table):
    """The journal statement with the new row's insert in front (``nr``): nothing is written when
    the project's audit chain has no head yet (its first entry is written by ``audit.record``).
    Returns (SQL with asyncpg's ``$n`` placeholders, parameter names in order, (column, is JSON))."""
    cols = [c for c in table.c if c.name != "id"]
    dialect = postgresql.dialect()
    values = ", ".join(f"CAST(:r_{c.name} AS {c.type.compile(dialect=dialect)})" for c in cols)
    sql = f"""
WITH s AS (
    UPDATE project SET last_event_seq = last_event_seq + 1
    WHERE id = CAST(:pid AS INTEGER) AND EXISTS (SELECT 1 FROM audit_head WHERE audit_head.id = CAST(:pid AS INTEGER))
    RETURNING last_event_seq AS seq
), h AS (
    SELECT audit_head.last_hash FROM audit_head, s WHERE audit_head.id = CAST(:pid AS INTEGER)
    FOR UPDATE OF audit_head
), nr AS (
    INSERT INTO {table.name} ({", ".join(c.name for c in cols)}) SELECT {values} FROM s RETURNING id
), i AS (
    SELECT CAST(nr.id AS TEXT) AS id FROM nr
), ev AS (
    INSERT INTO project_event (project_id, seq, type, actor_id, payload, created_at)
    SELECT CAST(:pid AS INTEGER), s.seq, CAST(:etype AS VARCHAR), CAST(:uid AS INTEGER),
           CAST(replace(CAST(:payload AS TEXT), CAST(:qmark AS TEXT), i.id) AS JSON), CAST(:at AS TIMESTAMPTZ)
    FROM s, i RETURNING seq
), au AS (
    INSERT INTO audit_entry (at, actor_id, actor, action, object_type, object_id, project_id, detail, prev_hash, hash)
    SELECT CAST(:at AS TIMESTAMPTZ), CAST(:uid AS INTEGER), CAST(:actor AS VARCHAR), CAST(:action AS VARCHAR),
           CAST(:otype AS VARCHAR), i.id, CAST(:pid AS INTEGER), CAST(:detail AS JSON), h.last_hash,
           encode(sha256(convert_to(replace(CAST(:pre AS TEXT), CAST(:mark AS TEXT), i.id) || h.last_hash
                                    || replace(CAST(:post AS TEXT), CAST(:mark AS TEXT), i.id), 'UTF8')), 'hex')
    FROM h, i RETURNING id, hash
), hu AS (
    UPDATE audit_head SET last_id = au.id, last_hash = au.hash FROM au
    WHERE audit_head.id = CAST(:pid AS INTEGER) RETURNING au.hash
), cw AS (
    INSERT INTO client_write (user_id, client_id, op, project_id, seq, result, request_digest, created_at)
    SELECT CAST(:uid AS INTEGER), CAST(:cid AS VARCHAR), CAST(:op AS VARCHAR), CAST(:pid AS INTEGER), s.seq,
           CAST(replace(CAST(:result AS TEXT), CAST(:qmark AS TEXT), i.id) AS JSON), CAST(:digest AS VARCHAR),
           CAST(:at AS TIMESTAMPTZ)
    FROM s, i WHERE CAST(:cid AS VARCHAR) IS NOT NULL RETURNING id
)
SELECT s.seq, (SELECT hash FROM hu) AS audit_hash, (SELECT id FROM nr) AS new_id, (SELECT count(*) FROM ev),
       (SELECT count(*) FROM cw)
FROM s
"""
    return (*_positional(sql), [(c.name, isinstance(c.type, JSON)) for c in cols])


_ALONE: dict[str, tuple] = {}
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")  # a named parameter, as sqlalchemy.text() finds them


def _positional(sql: str) -> tuple[str, list[str]]:
    """The statement's SQL with asyncpg's ``$n`` placeholders, and the parameter names in order."""
    names: list[str] = []

    def number(m: re.Match) -> str:
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    return _BIND.sub(number, sql), names


async def _fetch_alone(session: AsyncSession, sql: str, names: list[str], params: dict):
    """Run the lone statement on a pooled connection's asyncpg driver directly, outside any
    transaction (so it commits on its own), and give the connection back.

    SQLAlchemy's own path (a session connection with the AUTOCOMMIT isolation level, ``text()``
    parameter processing, the result wrappers) cost ~0.65 ms of Python per write around a
    statement that takes ~1.6 ms (benchmarks/profile_writes.py); the pool (its checkout events,
    the idle ping) is still SQLAlchemy's. A key violation is raised as SQLAlchemy's
    IntegrityError, as from any other statement (client_writes.perform turns it into a replay)."""
    import asyncpg
    from sqlalchemy.exc import DBAPIError, IntegrityError

    fairy = await session.bind.raw_connection()
    try:
        return await fairy.driver_connection.fetchrow(sql, *[params[n] for n in names])
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise IntegrityError(sql, None, exc) from exc
    except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError) as exc:
        fairy.invalidate(exc)  # a broken connection does not go back into the pool
        raise DBAPIError(sql, None, exc, connection_invalidated=True) from exc
    finally:
        await greenlet_spawn(fairy.close)  # back to the pool (nothing to roll back: no transaction)



def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _hash_frame(entry) -> tuple[str, str]:
    """The canonical JSON of ``entry`` (audit.entry_hash) split around its previous hash."""
    marker = "PREV" + secrets.token_hex(30)  # 64 characters that occur nowhere else
    entry.prev_hash = marker
    body = audit.canonical_body(marker, entry)
    pre, post = body.split(marker)
    return pre, post


def _new_id(change: Change, new_id: int) -> None:
    for holder, key in change.new_row.slots:
        holder[key] = new_id
    if change.object_id == change.new_row.marker:
        change.object_id = new_id


async def write(session: AsyncSession, principal, change: Change, op: str,
                client_id: str | None, digest: str | None = None) -> ProjectEvent | events_service.Logged:
    """Journal ``change`` in the session's transaction; return the event (publish it after commit).
    A change with a new row, on a session that has not begun a transaction (PostgreSQL): the row
    and its journal in one statement that commits on its own."""
    pg = session.bind.dialect.name == "postgresql"
    if change.new_row is not None:
        if pg and not session.in_transaction():
            event = await _write_alone(session, principal, change, op, client_id, digest)
            if event is not None:
                return event
        table = change.new_row.table
        new_id = (await (await session.connection()).execute(insert(table).returning(table.c.id),
                                                              change.new_row.values)).scalar_one()
        _new_id(change, new_id)
    at = utcnow()
    payload = dict(change.event_payload, actor=principal.display_name)
    if not pg:
        return await _write_generic(session, principal, change, op, client_id, payload, digest)
    entry, detail, pre, post = _entry(principal, change, at)
    row = (await (await session.connection()).execute(_PG, {
        "pid": change.project_id, "etype": change.event_type, "uid": principal.user_id, "payload": _dumps(payload),
        "at": at, "actor": entry.actor, "action": entry.action, "otype": entry.object_type, "oid": entry.object_id,
        "detail": _dumps(detail), "pre": pre, "post": post, "cid": client_id, "op": op,
        "result": _dumps(change.data), "digest": digest})).first()
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
    return events_service.Logged(project_id=change.project_id, seq=seq, type=change.event_type,
                                 actor_id=principal.user_id, payload=payload, created_at=at)


def _entry(principal, change: Change, at) -> tuple[SimpleNamespace, dict, str, str]:
    """The audit entry's fields (a plain namespace: building an AuditEntry model cost ~0.1 ms a
    write), its detail as stored, and its canonical text split around the previous hash."""
    detail = json.loads(_dumps(change.detail))
    entry = SimpleNamespace(at=at, actor_id=principal.user_id, actor=principal.username, action=change.action,
                            object_type=change.object_type, object_id=str(change.object_id),
                            project_id=change.project_id, detail=detail, prev_hash="", hash="")
    pre, post = _hash_frame(entry)
    return entry, detail, pre, post


async def _write_alone(session: AsyncSession, principal, change: Change, op: str,
                       client_id: str | None, digest: str | None) -> events_service.Logged | None:
    """The new row and its journal in one statement on an autocommit connection: committed when
    this returns (PostgreSQL runs a lone statement as its own transaction, and waits for its
    commit record to be flushed, as for COMMIT). None, with nothing written, when the project's
    audit chain has no head yet: the caller then writes in an ordinary transaction."""
    new = change.new_row
    sql, names, columns = _ALONE.get(new.table.name) or _ALONE.setdefault(new.table.name, _alone_sql(new.table))
    at = utcnow()
    payload = dict(change.event_payload, actor=principal.display_name)
    entry, detail, pre, post = _entry(principal, change, at)
    if new.marker in _dumps(detail):
        raise ValueError("a new row's id placeholder belongs in data, payload or object_id, not in the audit detail")
    params = {f"r_{name}": _dumps(new.values[name]) if is_json else new.values[name] for name, is_json in columns}
    params.update({
        "pid": change.project_id, "etype": change.event_type, "uid": principal.user_id, "payload": _dumps(payload),
        "at": at, "actor": entry.actor, "action": entry.action, "otype": entry.object_type, "detail": _dumps(detail),
        "pre": pre, "post": post, "mark": new.marker, "qmark": _dumps(new.marker), "cid": client_id, "op": op,
        "result": _dumps(change.data), "digest": digest})
    row = await _fetch_alone(session, sql, names, params)
    if row is None:  # no audit head yet (or no project): nothing was written; the caller begins a transaction
        return None
    seq, new_id = row[0], row[2]
    _new_id(change, new_id)
    payload = dict(change.event_payload, actor=principal.display_name)  # as stored: with the id
    return events_service.Logged(project_id=change.project_id, seq=seq, type=change.event_type,
                                 actor_id=principal.user_id, payload=payload, created_at=at, committed=True)


async def _write_generic(session: AsyncSession, principal, change: Change, op: str, client_id: str | None,
                         payload: dict, digest: str | None = None) -> ProjectEvent:
    event = await events_service.append(session, change.project_id, change.event_type, principal,
                                        change.event_payload)
    await audit.record(session, principal, change.action, change.object_type, change.object_id, change.project_id,
                       change.detail)
    if client_id is not None:
        session.add(ClientWrite(user_id=principal.user_id, client_id=client_id, op=op, project_id=change.project_id,
                                seq=event.seq, result=change.data, request_digest=digest))
    await session.flush()
    return event
