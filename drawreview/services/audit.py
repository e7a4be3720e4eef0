"""The audit log (全程留痕): append-only, each entry hash-chained to the previous one.

There is one chain per project (entries about a project) and one global chain (chain 0:
accounts, organisations). ``record`` takes a write lock on the chain's ``audit_head`` row and
reads its last hash in one statement (``UPDATE ... RETURNING``), so concurrent writers
(threads, processes, PostgreSQL or SQLite) always extend each chain linearly, while writes to
different projects do not wait for each other. ``verify`` recomputes every hash, follows every
chain, and names the first entry that does not match.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import AuditEntry, AuditHead, Project, utcnow
from .txlocks import held

GENESIS = "0" * 64


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def canonical_body(prev_hash: str, entry: AuditEntry) -> str:
    """The text an entry's hash is taken of (``services/journal.py`` hashes it in the database)."""
    body = {
        "prev": prev_hash,
        "at": _canonical_time(entry.at),
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "project_id": entry.project_id,
        "detail": entry.detail,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256(canonical_body(prev_hash, entry).encode()).hexdigest()


async def record(
    session: AsyncSession,
    actor,
    action: str,
    object_type: str,
    object_id: Any = "",
    project_id: int | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (committed with the change it records)."""
    chain = project_id or 0
    prev_hash = await _lock_head(session, chain)
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "user_id", None),
        actor=getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        project_id=project_id,
        detail=json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
        prev_hash=prev_hash,
        hash="",
    )
    entry.hash = entry_hash(prev_hash, entry)
    session.add(entry)
    await session.flush()
    await session.exec(update(AuditHead).where(AuditHead.id == chain).values(last_id=entry.id, last_hash=entry.hash))
    held(session)[("audit_head", chain)] = entry.hash
    return entry


async def lock_project(session: AsyncSession, project_id: int) -> None:
    """Lock the project's row (once per transaction) before anything of the project is written.

    Taken without autoflush: a writer that changed a row in memory (a task's state, a light)
    and then records it must not write that row before it holds the project — the deadline
    watch, which relights many tasks of a project in one transaction, and a reviewer's
    conclusion on one of them then each held a row the other waited for (PostgreSQL: "deadlock
    detected", a 500 to the reviewer; decision 148)."""
    locks = held(session)
    if ("project", project_id) in locks:
        return
    with session.no_autoflush:
        await session.exec(update(Project).where(Project.id == project_id)
                           .values(last_event_seq=Project.last_event_seq))
    locks[("project", project_id)] = True


async def _lock_head(session: AsyncSession, chain: int) -> str:
    """Lock the chain's head row (row lock on PostgreSQL, write lock on SQLite); return its hash.

    A project's chain is locked through the project row first: every writer (events, tasks,
    audit) then takes the project row before the head, so no two orders can deadlock. Locks
    this transaction already holds are not taken again (``txlocks``).
    """
    locks = held(session)
    if ("audit_head", chain) in locks:
        return locks[("audit_head", chain)]
    if chain:
        await lock_project(session, chain)
    stmt = update(AuditHead).where(AuditHead.id == chain).values(last_id=AuditHead.last_id).returning(AuditHead.last_hash)
    row = (await session.exec(stmt)).first()
    if row is None:
        dialect = session.bind.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await session.exec(insert(AuditHead).values(id=chain, last_id=0, last_hash=GENESIS).on_conflict_do_nothing())
        row = (await session.exec(stmt)).first()
    locks = held(session)
    if chain:
        locks[("project", chain)] = True
    locks[("audit_head", chain)] = row[0]
    return row[0]


lock_head = _lock_head  # for services/anchors.py: a document's anchor is taken under the head lock


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""
    anchors_checked: int = 0


async def verify(session: AsyncSession, batch: int = 5000, anchors=()) -> VerifyResult:
    """Recompute every hash and link; with ``anchors`` (services/anchors.py), also check that
    each chain still has its anchored ``count``-th entry with the anchored hash (catches a
    truncated tail with a rewritten head row, and a chain deleted with its head)."""
    last: dict[int, tuple[int, str]] = {}  # chain -> (last entry id, last hash)
    wanted: dict[tuple[int, int], list] = {}  # (chain, count) -> anchors expecting that entry
    for a in anchors:
        if a.count > 0:
            wanted.setdefault((a.chain, a.count), []).append(a)
    counts: dict[int, int] = {}
    seen_anchors = 0
    checked = 0
    last_id = 0
    while True:
        rows = (
            await session.exec(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch))
        ).all()
        if not rows:
            break
        for row in rows:
            chain = row.project_id or 0
            prev = last.get(chain, (0, GENESIS))[1]
            if row.prev_hash != prev:
                return VerifyResult(False, checked, row.id, "prev_hash does not link to the previous entry")
            if entry_hash(prev, row) != row.hash:
                return VerifyResult(False, checked, row.id, "content does not match its hash")
            counts[chain] = counts.get(chain, 0) + 1
            for a in wanted.pop((chain, counts[chain]), ()):
                if a.head != row.hash:
                    return VerifyResult(False, checked, row.id, f"chain {chain}: entry {a.count} does not match the "
                                        f"anchor in {a.source or 'the export'} (rows replaced?)", seen_anchors)
                seen_anchors += 1
            last[chain] = (row.id, row.hash)
            checked += 1
            last_id = row.id
    for head in (await session.exec(select(AuditHead))).all():
        entry_id, entry_hash_ = last.get(head.id, (0, GENESIS))
        if head.last_hash != entry_hash_:
            return VerifyResult(False, checked, head.last_id or None,
                                f"chain {head.id}: the head does not match its last entry (rows removed?)")
    for (chain, count), missing in sorted(wanted.items()):
        return VerifyResult(False, checked, None,
                            f"chain {chain}: has {counts.get(chain, 0)} entries but {missing[0].source or 'an anchor'} "
                            f"recorded {count} (tail truncated or chain deleted)", seen_anchors)
    return VerifyResult(True, checked, anchors_checked=seen_anchors)
