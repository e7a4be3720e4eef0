"""The audit log (全程留痕): append-only, each entry hash-chained to the previous one.

``record`` takes a write lock on the single ``audit_head`` row before reading the last hash,
so concurrent writers (threads, processes, PostgreSQL or SQLite) always extend one linear
chain. ``verify`` recomputes every hash and names the first entry that does not match.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import AuditEntry, AuditHead, utcnow

GENESIS = "0" * 64


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
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
    data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode()).hexdigest()


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
    # Take the chain's write lock first: a row lock on PostgreSQL, the database lock on SQLite.
    await session.exec(update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id))
    head = await session.get(AuditHead, 1, with_for_update=True)
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
        await session.flush()
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "user_id", None),
        actor=getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        project_id=project_id,
        detail=json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
        prev_hash=head.last_hash,
        hash="",
    )
    entry.hash = entry_hash(head.last_hash, entry)
    session.add(entry)
    await session.flush()
    head.last_id = entry.id
    head.last_hash = entry.hash
    session.add(head)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""


async def verify(session: AsyncSession, batch: int = 5000) -> VerifyResult:
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = (
            await session.exec(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch))
        ).all()
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return VerifyResult(False, checked, row.id, "prev_hash does not link to the previous entry")
            if entry_hash(prev, row) != row.hash:
                return VerifyResult(False, checked, row.id, "content does not match its hash")
            prev = row.hash
            checked += 1
            last_id = row.id
    head = await session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return VerifyResult(False, checked, head.last_id, "the chain head does not match the last entry (rows removed?)")
    return VerifyResult(True, checked)
