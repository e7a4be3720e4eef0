"""Every SQL statement an engine sends, whichever way it goes: SQLAlchemy's (its
``before_cursor_execute`` event) and those run on a pooled connection's asyncpg driver directly
(services/journal.py's lone write calls asyncpg's ``Connection.fetchrow``: while the block runs,
that method notes the statement, in order, then runs it). BEGIN/COMMIT are not statements here,
as for SQLAlchemy's event."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


def _clean(statement: str) -> str:
    return " ".join(statement.split()).lower()


@contextmanager
def watch_statements(engine):
    """A list that fills with each statement *engine* (an AsyncEngine or its sync_engine)
    sends, in order, normalised (one line, lower case), while the block runs."""
    engine = getattr(engine, "sync_engine", engine)
    seen: list[str] = []

    def via_sqlalchemy(conn, cursor, statement, *args):
        seen.append(_clean(statement))

    event.listen(engine, "before_cursor_execute", via_sqlalchemy)
    driver = fetchrow = None
    if engine.dialect.name == "postgresql":
        import asyncpg

        driver, fetchrow = asyncpg.Connection, asyncpg.Connection.fetchrow

        async def noted(self, query, *args, **kw):
            seen.append(_clean(query))
            return await fetchrow(self, query, *args, **kw)

        driver.fetchrow = noted  # SQLAlchemy's own statements go through prepared statements, not this
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", via_sqlalchemy)
        if driver is not None:
            driver.fetchrow = fetchrow
