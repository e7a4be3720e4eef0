"""drawing_file.notes: information about an intact file, apart from the repairs of a damaged one

Revision ID: 0110_drawings
Revises: 0190_security
Create Date: 2026-12-06 05:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0110_drawings'
down_revision: Union[str, None] = '0190_security'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('drawing_file', sa.Column('notes', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('drawing_file') as batch:
        batch.drop_column('notes')
