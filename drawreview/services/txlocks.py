"""What the session's current transaction already holds, so a writer does not lock it twice.

An annotation write appends a project event (which locks the project row to take the next
sequence number) and then an audit entry (which locks the same project row, then the chain's
head row). Within one transaction the second lock is a wasted round trip: row locks last until
the transaction ends. The registry is keyed by the transaction object, so it empties itself at
commit and rollback (the next statement begins a new transaction); it keeps only a weak
reference to that object, so an abandoned session (and on SQLite its write lock) is freed as
soon as nothing uses it, as it would be without the registry.
"""

from __future__ import annotations

import weakref
from typing import Any


def held(session) -> dict[Any, Any]:
    """Lock key -> value (e.g. ``("project", 7) -> True``, ``("audit_head", 7) -> last hash``)
    for the locks the session's current transaction holds."""
    tx = session.sync_session.get_transaction()
    got = session.info.get("held_locks")
    if got is None or got[0]() is not tx:
        got = session.info["held_locks"] = (weakref.ref(tx) if tx is not None else _none, {})
    return got[1]


def _none() -> None:
    return None
