"""Shared fixtures: real SQLite, real PostgreSQL and real Redis; no mocks.

``stack`` is parametrised over the two deployment modes:
- ``embedded``: SQLite file + local blobs + in-process jobs + in-memory fan-out;
- ``scaled``: a fresh PostgreSQL database on the local server + Redis (arq + pub/sub).
An unreachable PostgreSQL or Redis fails the run; it never skips.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from drawreview.db import migrate
from drawreview.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
from tests.thirdparty import SHARED  # noqa: E402  (../shared, or the locked files fetched into a cache)
PG_URL = os.environ.get("DRAWREVIEW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("DRAWREVIEW_TEST_REDIS", "redis://127.0.0.1:6379/9")
MODES = ["embedded", "scaled"]


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def new_pg_database() -> str:
    """Create a fresh, empty database next to the configured one; return its URL."""
    name = f"drtest_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(path="/" + name))


def drop_pg_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class Stack:
    mode: str
    settings: Settings
    env: dict[str, str]
    demo: dict = field(default_factory=dict)

    def account(self, username: str) -> dict:
        return next(a for a in self.demo["accounts"] if a["username"] == username)

    def token_headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account(username)['token']}"}


def build_stack(mode: str, data_dir: Path) -> Stack:
    env = {"DRAWREVIEW_DATA_DIR": str(data_dir)}
    if mode == "scaled":
        env["DATABASE_URL"] = new_pg_database()
        env["REDIS_URL"] = REDIS_URL  # isolated by settings.namespace (derived from the database URL)
    settings = load_settings(env)
    migrate(settings)
    stack = Stack(mode, settings, env)
    stack.demo = asyncio.run(_demo(settings))
    return stack


async def _demo(settings: Settings) -> dict:
    from drawreview.db import Database
    from drawreview.demo.accounts import ensure_demo

    db = Database(settings)
    try:
        async with db.session() as session:
            return await ensure_demo(session, settings.data_dir)
    finally:
        await db.close()


def teardown_stack(stack: Stack) -> None:
    if stack.mode == "scaled":
        drop_pg_database(stack.env["DATABASE_URL"])


@pytest.fixture(scope="module", params=MODES)
def stack(request, tmp_path_factory):
    s = build_stack(request.param, tmp_path_factory.mktemp(f"data-{request.param}"))
    yield s
    teardown_stack(s)


@pytest.fixture(scope="module")
def client(stack):
    from starlette.testclient import TestClient

    from drawreview.app import create_app

    with TestClient(create_app(stack.settings), base_url="http://testserver") as c:
        yield c


# --- real processes --------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A server answers /healthz in 2-5 s on a quiet machine; at a load of 20 on two cores importing
# the app alone took 22 s and starts passed 60 s, so the wait allows minutes (a server that dies
# is reported at once: its exit is checked on every poll).
def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 240.0) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            r = httpx.get(url + "/healthz", timeout=2)
            if r.status_code == 200:
                return r.json()
            last = r.text
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} not healthy in {timeout}s: {last}")


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    full_env = {**os.environ, **env}
    for key in ("DATABASE_URL", "REDIS_URL"):
        if key not in env:
            full_env.pop(key, None)
    fh = open(log, "wb")
    return subprocess.Popen(args, env=full_env, stdout=fh, stderr=subprocess.STDOUT, cwd=str(ROOT))


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


DRAWREVIEW = [sys.executable, "-m", "drawreview.cli"]


@pytest.fixture(scope="module")
def servers(stack, tmp_path_factory):
    """Real app processes for the mode: one in embedded; two app processes + an arq worker
    behind the same PostgreSQL and Redis in scaled mode (the docker-compose topology)."""
    logs = tmp_path_factory.mktemp("logs")
    procs, urls = [], []
    count = 2 if stack.mode == "scaled" else 1
    for i in range(count):
        port = free_port()
        proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"], stack.env,
                             logs / f"app{i}.log")
        procs.append(proc)
        urls.append(f"http://127.0.0.1:{port}")
    if stack.mode == "scaled":
        procs.append(start_process(DRAWREVIEW + ["worker"], stack.env, logs / "worker.log"))
    try:
        for url, proc in zip(urls, procs):
            wait_healthy(url, proc)
        yield urls
    finally:
        for proc in procs:
            stop_process(proc)
