#!/usr/bin/env bash
# Until the first release the schema lives in one migration, regenerated from models.py.
# After the first release: never edit 0001 again; add a new revision with alembic autogenerate.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f drawreview/migrations/versions/0001_initial_schema.py
DRAWREVIEW_DATA_DIR="$tmp" DATABASE_URL= REDIS_URL= .venv/bin/python -c "
from alembic import command
from drawreview.db import alembic_config
from drawreview.settings import load_settings
command.revision(alembic_config(load_settings()), message='initial schema', autogenerate=True, rev_id='0001')
"
rm -rf "$tmp"
