"""A project's audit trail for people: its entries filtered by actor, action and date, as rows
or CSV, and the verification of that project's hash chain (``services/audit.py`` writes it).

The chain of a project links each entry to the previous entry *of that project*, so it can be
checked on its own: every ``prev_hash`` must be the previous entry's hash (the first one's the
genesis hash), every hash must match its content, and the chain's head row must point at the
last entry. The first entry that fails is named.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import AuditEntry, AuditHead
from . import stats, workdays
from .audit import GENESIS, entry_hash
from .notifications import aware

MAX_ROWS = 5000
CSV_COLUMNS = ["id", "at", "actor", "action", "object_type", "object_id", "detail", "hash", "prev_hash"]


@dataclass
class ChainCheck:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "bad_id": self.bad_id, "reason": self.reason}


async def verify_project(session: AsyncSession, project_id: int, batch: int = 5000) -> ChainCheck:
    prev, checked, last_id = GENESIS, 0, 0
    while True:
        rows = (await session.exec(select(AuditEntry).where(AuditEntry.project_id == project_id,
                                                            AuditEntry.id > last_id)
                                   .order_by(AuditEntry.id).limit(batch))).all()
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return ChainCheck(False, checked, row.id, "prev_hash does not link to the previous entry")
            if entry_hash(prev, row) != row.hash:
                return ChainCheck(False, checked, row.id, "content does not match its hash")
            prev, last_id, checked = row.hash, row.id, checked + 1
    if checked:
        head = await session.get(AuditHead, project_id)
        if head is None or head.last_id != last_id or head.last_hash != prev:
            return ChainCheck(False, checked, last_id, "the chain's head does not point at its last entry")
    return ChainCheck(True, checked)


def parse_filters(params) -> dict:
    """actor (user name, or part of it), action (exact, or a prefix ending in '.'), from/to
    (Beijing days, inclusive; as UTC bounds)."""
    lo, hi = stats.parse_range(params.get("from"), params.get("to"))
    return {"actor": (params.get("actor") or "").strip()[:100], "action": (params.get("action") or "").strip()[:64],
            "from": lo, "to": hi}


async def entries(session: AsyncSession, project_id: int, filters: dict) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.project_id == project_id)
    if filters.get("actor"):
        stmt = stmt.where(AuditEntry.actor.contains(filters["actor"]))
    if filters.get("action"):
        a = filters["action"]
        stmt = stmt.where(AuditEntry.action.startswith(a) if a.endswith(".") else AuditEntry.action == a)
    if filters.get("from"):
        stmt = stmt.where(AuditEntry.at >= filters["from"])
    if filters.get("to"):
        stmt = stmt.where(AuditEntry.at < filters["to"])
    return list((await session.exec(stmt.order_by(AuditEntry.id).limit(MAX_ROWS))).all())


async def actions(session: AsyncSession, project_id: int) -> list[str]:
    """The actions that occur in the project's trail (the filter's choices)."""
    return sorted(set((await session.exec(select(AuditEntry.action).where(AuditEntry.project_id == project_id))).all()))


def entry_dict(e: AuditEntry) -> dict:
    return {"id": e.id, "at": aware(e.at).isoformat(), "at_local": f"{workdays.to_local(aware(e.at)):%Y-%m-%d %H:%M:%S}",
            "actor": e.actor, "actor_id": e.actor_id, "action": e.action, "object_type": e.object_type,
            "object_id": e.object_id, "detail": e.detail, "hash": e.hash, "prev_hash": e.prev_hash}


def to_csv(rows: list[AuditEntry]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for e in rows:
        d = entry_dict(e)
        # Beijing time with its offset: "2026-12-08 03:58:33" alone left the reader to guess the zone
        at = aware(e.at).astimezone(workdays.BEIJING).isoformat(sep=" ", timespec="seconds")
        w.writerow([d["id"], at, d["actor"], d["action"], d["object_type"], d["object_id"],
                    json.dumps(d["detail"], ensure_ascii=False, sort_keys=True), d["hash"], d["prev_hash"]])
    return "\ufeff" + buf.getvalue()  # a BOM so spreadsheet programs read the Chinese text as UTF-8
