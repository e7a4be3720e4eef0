"""Audit anchors: each chain's head, kept outside the rows it protects.

The hash chain (``audit.py``) shows that no row was changed in place, but not that its tail
was cut off with the head row rewritten to match, or that a project's whole chain was deleted
together with its head row. An anchor — ``(chain, count, head hash)`` — taken at some moment
and kept elsewhere catches both: later, the chain must still have at least ``count`` entries
and its ``count``-th entry must still hash to ``head``.

Anchors are kept in two places: printed into every signed document (receipt, report: use
``document_anchor`` for the data and ``anchor_line`` for the printed line, which
``parse_anchor_lines`` reads back from the PDF's text), and appended to an append-only JSON
Lines export the authority keeps (``append_export``; ``drawreview audit anchor`` adds the
current head of every chain, e.g. from cron). ``drawreview audit verify --anchors FILE
--document PDF`` checks them all (``audit.verify(session, anchors=...)``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, true
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import AuditEntry, AuditHead

LINE = re.compile(r"AUDIT-ANCHOR chain=(\d+) count=(\d+) head=([0-9a-f]{64})")


@dataclass(frozen=True)
class Anchor:
    chain: int  # project id, or 0 for the global chain
    count: int  # entries in the chain when the anchor was taken
    head: str  # hash of the chain's last entry then
    at: str = ""  # when (ISO, UTC), for people reading the export
    source: str = ""  # what carried it (a document's name, "export")

    def key(self) -> tuple[int, int, str]:
        return self.chain, self.count, self.head


def _chain_clause(chain: int):
    return AuditEntry.project_id == chain if chain else AuditEntry.project_id.is_(None)


async def document_anchor(session: AsyncSession, project_id: int | None) -> Anchor:
    """A state of the project's chain (its head and the number of entries up to it) to print
    into a signed document issued in this transaction: its own entries included when it has
    appended some, else the chain as last committed.

    Read, not locked: the document is rendered and signed after this, which takes seconds (a
    large round minutes), and the head's lock would hold every other writer of the project that
    long (on SQLite, every writer of every project: the lock is the database's write lock). A
    chain only grows, so the printed state stays a true prefix of it whatever is appended before
    the document's own entry; the anchor check (``audit verify``) asks exactly that."""
    from .audit import GENESIS, held

    chain = project_id or 0
    await session.flush()
    head = held(session).get(("audit_head", chain))
    if head is None:
        row = (await session.exec(select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == chain))).first()
        last_id, head = (row[0], row[1]) if row is not None else (0, GENESIS)
        upto = AuditEntry.id <= last_id
    else:  # this transaction appended: its entries count, and it holds the lock already
        upto = true()
    count = (await session.exec(select(func.count()).select_from(AuditEntry).where(_chain_clause(chain), upto))).one()
    return Anchor(chain, int(count), head, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def anchor_line(anchor: Anchor) -> str:
    """The printed form: readable, and found again by ``parse_anchor_lines`` in the PDF's text."""
    return f"审计锚点 AUDIT-ANCHOR chain={anchor.chain} count={anchor.count} head={anchor.head}"


def anchor_data(anchor: Anchor) -> dict:
    """For a document's metadata or JSON export."""
    return {"chain": anchor.chain, "count": anchor.count, "head": anchor.head}


def parse_anchor_lines(text: str, source: str = "") -> list[Anchor]:
    # a line may wrap in a PDF's text: join whitespace inside the hash before matching
    flat = re.sub(r"\s+", " ", text)
    flat = re.sub(r"(head=[0-9a-f]*) ([0-9a-f]+)", r"\1\2", flat)
    return [Anchor(int(c), int(n), h, source=source) for c, n, h in LINE.findall(flat)]


def anchors_in_pdf(path: Path) -> list[Anchor]:
    import pymupdf

    with pymupdf.open(path) as doc:
        text = "\n".join(page.get_text() for page in doc)
    return parse_anchor_lines(text, source=path.name)


async def current_heads(session: AsyncSession) -> list[Anchor]:
    """An anchor for every chain as committed now. Each head row gives its last entry's id and
    hash together; the entries of that chain up to that id are exactly the ones before it
    (a chain's writers are serialised by its head row), so a concurrent write cannot make
    count and hash disagree."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    out = []
    for h in (await session.exec(select(AuditHead).order_by(AuditHead.id))).all():
        count = (await session.exec(select(func.count()).select_from(AuditEntry).where(
            _chain_clause(h.id), AuditEntry.id <= h.last_id))).one()
        out.append(Anchor(h.id, int(count), h.last_hash, now, "export"))
    return out


def append_export(path: Path, anchors: list[Anchor]) -> None:
    """Append anchors to the authority's JSON Lines export (opened append-only, fsynced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, "".join(json.dumps(asdict(a), ensure_ascii=False) + "\n" for a in anchors).encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def export_path(settings) -> Path:
    """Where the authority's export lives by default (``drawreview audit anchor/verify``)."""
    return settings.data_dir / "audit-anchors.jsonl"


def keep_document_anchor(settings, anchor: Anchor, source: str) -> None:
    """After the transaction that issued a signed document committed: add its anchor to the
    export too (never before the commit: a rolled-back anchor would look like a truncation)."""
    append_export(export_path(settings), [Anchor(anchor.chain, anchor.count, anchor.head, anchor.at, source)])


def after_commit(session, anchor: Anchor, source: str) -> None:
    """Remember a printed anchor on the session; ``keep_pending`` adds it to the export once the
    caller has committed (the web layer calls it right after its commit)."""
    session.info.setdefault("document_anchors", []).append((anchor, source))


def keep_pending(session, settings) -> None:
    for anchor, source in session.info.pop("document_anchors", []):
        keep_document_anchor(settings, anchor, source)


def read_export(path: Path) -> list[Anchor]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        out.append(Anchor(int(d["chain"]), int(d["count"]), str(d["head"]), d.get("at", ""),
                          d.get("source") or f"{path.name}:{n}"))
    return out
