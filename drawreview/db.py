"""Database engine and sessions (async SQLAlchemy; SQLite via aiosqlite, PostgreSQL via asyncpg)."""

from __future__ import annotations

from contextlib import asynccontextmanager
import time
from pathlib import Path
from typing import AsyncIterator

from sqlalchemy import event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from .errors import ServiceUnavailable, ValueOutOfRange
from .settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(settings: Settings, statement_timeout_s: float | None = None) -> AsyncEngine:
    """The engine; on PostgreSQL each connection gets ``statement_timeout`` (seconds, None or 0:
    none) in its start-up packet, so the limit costs no round trip (docs/decisions/119)."""
    url = settings.database_url
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - runs inside the driver
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    server_settings = {"statement_timeout": str(int(statement_timeout_s * 1000))} if statement_timeout_s else {}
    engine = create_async_engine(url, pool_size=10, max_overflow=10,
                                 connect_args={"server_settings": server_settings} if server_settings else {})
    _ping_when_idle(engine)
    return engine


IDLE_PING_S = 5.0


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a pooled connection at checkout only when it sat idle for IDLE_PING_S or more
    (SQLAlchemy's ``pool_pre_ping`` pings at every checkout: on asyncpg that is BEGIN, ``;``,
    ROLLBACK, three round trips in front of every write). A connection in steady use is known
    good; one that waited may have been closed by a server restart or a firewall, and a failed
    ping makes the pool open a new one (``DisconnectionError``), as pre-ping would."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(dbapi_conn, record):  # pragma: no cover - runs inside the pool
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(dbapi_conn, record, proxy):  # pragma: no cover - runs inside the pool
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since >= IDLE_PING_S:
            try:
                dbapi_conn.ping()
            except Exception as exc:  # noqa: BLE001 - any failure: this connection is gone
                raise DisconnectionError(f"idle connection failed its ping: {exc!r}") from exc


# PostgreSQL "data exception" states that a client's value causes: asyncpg refusing to bind a
# number beyond its column's type (22000, "value out of int32 range"), a number out of range
# (22003), a text longer than its column (22001), a character the database cannot store (NUL:
# 22021, 22P05). SQLite stores all of these (its integers are 64-bit; web/jsontext bounds them).
CLIENT_DATA_STATES = frozenset({"22000", "22001", "22003", "22021", "22P05"})


def value_error(exc: BaseException) -> ValueOutOfRange | None:
    """The client error a database error stands for (422 ``value_out_of_range``), or None when
    it is the server's. Used by the HTTP error handler and the websocket, so that a value that
    slipped past an endpoint's own checks is still answered as the client's mistake."""
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if state in CLIENT_DATA_STATES:
        cause = exc.orig.__cause__ or exc.orig
        return ValueOutOfRange(details={"database": str(cause).split("\n")[0][:200]})
    return None


QUERY_CANCELED = "57014"  # PostgreSQL: statement_timeout reached (or an administrator's cancel)


def timeout_error(exc: BaseException) -> ServiceUnavailable | None:
    """The 503 a statement cancelled by ``statement_timeout`` stands for, else None."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == QUERY_CANCELED:
        return ServiceUnavailable("数据库查询超过时限被取消，请稍后重试", "A database query ran past its time limit and "
                                  "was cancelled; try again later", code="query_timeout",
                                  details={"sqlstate": QUERY_CANCELED})
    return None


def known_error(exc: BaseException):
    """The readable error a database error stands for (the client's value, or a timeout), else None."""
    return value_error(exc) or timeout_error(exc)


class Database:
    """Owns the engine; hands out sessions. Opened once in the app's lifespan (the app's and the
    worker's connections each with their statement timeout; the CLI's without)."""

    def __init__(self, settings: Settings, statement_timeout_s: float | None = None) -> None:
        self.settings = settings
        self.statement_timeout_s = statement_timeout_s
        self.engine = make_engine(settings, statement_timeout_s)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    async def ping(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def close(self) -> None:
        await self.engine.dispose()


def alembic_config(settings: Settings):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return cfg


def migrate(settings: Settings, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (sync; call from the CLI or a thread)."""
    from alembic import command

    command.upgrade(alembic_config(settings), revision)
