"""`drawreview migrate` from an empty database on SQLite and PostgreSQL; models == migrations."""

import asyncio
import subprocess

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from drawreview import models  # noqa: F401
from drawreview.settings import normalise_db_url
from tests.conftest import DRAWREVIEW, ROOT, drop_pg_database, new_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
    else:
        url = new_pg_database()
        yield url
        drop_pg_database(url)


def _diff(url: str):
    async def run():
        engine = create_async_engine(normalise_db_url(url))
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), SQLModel.metadata)
            )
            tables = await conn.run_sync(lambda c: sorted(c.dialect.get_table_names(c)))
        await engine.dispose()
        return diff, tables

    return asyncio.run(run())


def test_migrate_from_empty_and_models_agree(empty_db, tmp_path):
    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": empty_db, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(DRAWREVIEW + ["migrate"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    diff, tables = _diff(empty_db)
    assert diff == [], diff
    assert {"project", "submission", "drawing_file", "sheet", "review_task", "annotation", "comment",
            "rule_finding", "project_event", "audit_entry", "user_account", "organisation"} <= set(tables)
    # running it again is a no-op
    again = subprocess.run(DRAWREVIEW + ["migrate"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
