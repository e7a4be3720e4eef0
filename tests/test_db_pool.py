"""The PostgreSQL pool pings a connection only when it sat idle (db.py): connections in steady
use are not pinged (no extra round trips in front of a write), and a pooled connection the
server closed while it was idle is replaced at checkout instead of failing the next request.
A slow subscriber of the broadcast has messages dropped for it, never holding up the others."""

from __future__ import annotations

import asyncio
import threading

import asyncpg
import pytest
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


async def test_a_runaway_statement_is_cancelled_at_the_statement_timeout(tmp_path):
    """The app's PostgreSQL connections carry ``statement_timeout`` (settings.db_statement_timeout_s,
    sent in the connection's start-up): a statement running past it is cancelled by the server
    and stands for a 503 ``query_timeout``; a connection without a limit (the CLI's) still waits."""
    from drawreview.db import timeout_error
    from sqlalchemy.exc import DBAPIError

    url = await asyncio.to_thread(new_pg_database)
    settings = load_settings({"DATABASE_URL": url, "DRAWREVIEW_DATA_DIR": str(tmp_path),
                              "DRAWREVIEW_DB_STATEMENT_TIMEOUT_S": "0.3"})
    assert settings.db_statement_timeout_s == 0.3
    limited, unlimited = Database(settings, statement_timeout_s=0.3), Database(settings)
    try:
        async with limited.session() as s:
            assert (await s.exec(text("SHOW statement_timeout"))).scalar_one() == "300ms"
        try:
            async with limited.session() as s:
                await s.exec(text("SELECT pg_sleep(30)"))
        except DBAPIError as exc:
            err = timeout_error(exc)
        else:
            raise AssertionError("pg_sleep(30) was not cancelled")
        assert err is not None and err.status == 503 and err.code == "query_timeout"
        assert "超过时限" in err.message_zh and "time limit" in err.message_en
        async with limited.session() as s:  # the connection is fine afterwards
            assert (await s.exec(text("SELECT 1"))).scalar_one() == 1
        async with unlimited.session() as s:
            assert (await s.exec(text("SHOW statement_timeout"))).scalar_one() == "0"
            await s.exec(text("SELECT pg_sleep(0.5)"))
    finally:
        await limited.close()
        await unlimited.close()
        await asyncio.to_thread(drop_pg_database, url)


@pytest.mark.timeout(120)  # without a statement timeout the request waits on the lock for ever
def test_a_request_held_by_a_lock_gets_a_503_envelope(tmp_path):
    """A request whose statement waits past the timeout (here: on a table another session holds
    locked) is answered with the one error envelope, 503 query_timeout in both languages, and
    the app goes on answering once the lock is gone."""
    from starlette.testclient import TestClient

    from drawreview.app import create_app
    from tests.conftest import build_stack, teardown_stack

    stack = build_stack("scaled", tmp_path)
    try:
        app = create_app(stack.settings.with_(db_statement_timeout_s=0.5))
        headers = stack.token_headers("designer")
        url = f"/api/projects/{stack.demo['project_id']}"

        async def hold_lock(ready, release):
            admin = await asyncpg.connect(stack.env["DATABASE_URL"])
            try:
                async with admin.transaction():
                    await admin.execute("LOCK TABLE project IN ACCESS EXCLUSIVE MODE")
                    ready.set()
                    await release.wait()
            finally:
                await admin.close()

        with TestClient(app) as client:
            assert client.get(url, headers=headers).status_code == 200
            locked, loop = threading.Event(), asyncio.new_event_loop()
            release = asyncio.Event()  # (bound to the holder's loop at its first wait)

            async def holder():
                ready = asyncio.Event()
                task = asyncio.ensure_future(hold_lock(ready, release))
                await ready.wait()
                locked.set()
                await task

            thread = threading.Thread(target=loop.run_until_complete, args=(holder(),))
            thread.start()
            try:
                assert locked.wait(10)
                r = client.get(url, headers=headers)  # waits on the lock until the timeout cancels it
            finally:
                loop.call_soon_threadsafe(release.set)
                thread.join(10)
                loop.close()
            assert r.status_code == 503, r.text
            err = r.json()["error"]
            assert err["code"] == "query_timeout" and r.json()["ok"] is False
            assert "超过时限" in err["messages"]["zh-CN"] and "time limit" in err["messages"]["en"]
            assert client.get(url, headers=headers).status_code == 200
    finally:
        teardown_stack(stack)
