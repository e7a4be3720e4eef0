"""The PostgreSQL pool pings a connection only when it sat idle (db.py): connections in steady
use are not pinged (no extra round trips in front of a write), and a pooled connection the
server closed while it was idle is replaced at checkout instead of failing the next request.
A slow subscriber of the broadcast has messages dropped for it, never holding up the others."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import Integer, bindparam, event, text

from drawreview import db as db_module
from drawreview.broadcast import SUBSCRIBER_QUEUE, MemoryBroadcast
from drawreview.db import Database, value_error
from drawreview.errors import ValueOutOfRange
from drawreview.settings import load_settings
from tests.conftest import drop_pg_database, new_pg_database


async def test_only_idle_connections_are_pinged_and_dead_ones_replaced(monkeypatch, tmp_path):
    url = await asyncio.to_thread(new_pg_database)
    monkeypatch.setattr(db_module, "IDLE_PING_S", 0.5)
    database = Database(load_settings({"DATABASE_URL": url, "DRAWREVIEW_DATA_DIR": str(tmp_path)}))
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection as Adapted

    pings = []
    real_ping = Adapted.ping
    monkeypatch.setattr(Adapted, "ping", lambda self: (pings.append(1), real_ping(self))[1])
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *a: statements.append(statement))
    try:
        async with database.session() as s:
            backend = (await s.exec(text("SELECT pg_backend_pid()"))).scalar_one()
        for _ in range(20):  # steady use: the same connection, no pings
            async with database.session() as s:
                assert (await s.exec(text("SELECT pg_backend_pid()"))).scalar_one() == backend
        assert len(statements) == 21 and not pings  # (pool_pre_ping would have pinged 21 times)
        admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", backend)
        finally:
            await admin.close()
        await asyncio.sleep(0.7)  # idle past IDLE_PING_S: the next checkout pings, finds it dead, reconnects
        async with database.session() as s:
            again = (await s.exec(text("SELECT pg_backend_pid()"))).scalar_one()
        assert again != backend and len(pings) == 1
    finally:
        await database.close()
        await asyncio.to_thread(drop_pg_database, url)


async def test_a_slow_subscriber_never_holds_up_the_others():
    b = MemoryBroadcast()
    async with b.subscribe("project:1") as slow, b.subscribe("project:1") as fast:
        got = []

        async def read_fast():
            async for msg in fast:
                got.append(msg["seq"])
                if msg["seq"] == SUBSCRIBER_QUEUE + 500:
                    return

        reader = asyncio.create_task(read_fast())
        for seq in range(1, SUBSCRIBER_QUEUE + 501):  # the slow one reads nothing
            await b.publish("project:1", {"seq": seq})
            if seq % 100 == 0:
                await asyncio.sleep(0)
        await asyncio.wait_for(reader, 5)
        assert got == list(range(1, SUBSCRIBER_QUEUE + 501))  # every message, in order
        assert slow.overflowed and slow.queue.qsize() == SUBSCRIBER_QUEUE  # dropped for the slow one only


async def test_values_postgresql_cannot_store_are_the_clients_error(tmp_path):
    """A number beyond an INTEGER column, a text beyond a VARCHAR, a NUL character: PostgreSQL
    refuses them (SQLite stores them); db.value_error names them the client's error (422), and
    leaves any other database error the server's."""
    url = await asyncio.to_thread(new_pg_database)
    database = Database(load_settings({"DATABASE_URL": url, "DRAWREVIEW_DATA_DIR": str(tmp_path)}))
    refused = []
    try:
        async with database.session() as s:
            await s.exec(text("CREATE TABLE t (n integer, v varchar(3), x text)"))
            await s.commit()
        for sql, params in [
            (text("SELECT 1 FROM t WHERE n = :n").bindparams(bindparam("n", type_=Integer)), {"n": 2**31}),
            (text("INSERT INTO t (v) VALUES (:v)"), {"v": "四个字符"}),
            (text("INSERT INTO t (x) VALUES (:x)"), {"x": "a\x00b"}),
            (text("SELECT * FROM no_such_table"), {}),
        ]:
            async with database.session() as s:
                try:
                    await s.exec(sql, params=params)
                except Exception as exc:  # noqa: BLE001 - what the driver raised is the subject
                    refused.append(value_error(exc))
    finally:
        await database.close()
        await asyncio.to_thread(drop_pg_database, url)
    assert [type(e) for e in refused] == [ValueOutOfRange, ValueOutOfRange, ValueOutOfRange, type(None)]
    assert all(e.status == 422 and e.code == "value_out_of_range" for e in refused[:3])
    assert "int32" in refused[0].details["database"] and "varying(3)" in refused[1].details["database"]
