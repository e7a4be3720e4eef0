"""sheet.compare: the overlay of a sheet against its previous revision

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 21:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('sheet', sa.Column('compare', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sheet') as batch:
        batch.drop_column('compare')
