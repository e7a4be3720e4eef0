"""Fixtures shared by the services tests."""

from __future__ import annotations

import pytest

from drawreview.app import build_context
from drawreview.db import Database
from drawreview.services import notifications, tasks
from drawreview.storage import make_storage


@pytest.fixture
async def env(stack):
    """(session, stack, storage, workflow config) on the stack's database."""
    db = Database(stack.settings)
    async with db.session() as session:
        yield session, stack, make_storage(stack.settings), tasks.config(stack.settings)
    # the notices a write queued for later are written before the loop ends: a writer cut off
    # inside its transaction when the test's loop closed kept SQLite's lock, and every later test
    # on the module's database failed "database is locked" (seen under load)
    await notifications.drain(db.engine)
    await db.close()


@pytest.fixture
async def ctx(stack):
    """A job's context (the app's collaborators) on the stack, closed after the test."""
    c = build_context(stack.settings)
    await c["broadcast"].connect()
    try:
        yield c
    finally:
        await notifications.drain(c["db"].engine)  # as ``env`` does
        await c["broadcast"].disconnect()
        await c["limiter"].close()
        await c["db"].close()
