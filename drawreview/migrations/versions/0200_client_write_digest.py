"""client writes: a digest of the request, so a client_id reused with other content is refused

Revision ID: 0200_client_write_digest
Revises: 0180_scale
Create Date: 2026-12-07 13:15:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0200_client_write_digest'
down_revision: Union[str, None] = '0180_scale'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('client_write', sa.Column('request_digest', sqlmodel.sql.sqltypes.AutoString(length=64),
                                            nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('client_write') as batch:
        batch.drop_column('request_digest')
