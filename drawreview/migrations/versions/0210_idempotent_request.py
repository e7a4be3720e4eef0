"""idempotent_request: writes sent with an Idempotency-Key header, answered once

Revision ID: 0210_idempotent_request
Revises: 0200_client_write_digest
Create Date: 2026-12-07 21:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0210_idempotent_request'
down_revision: Union[str, None] = '0200_client_write_digest'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'idempotent_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'key', name='uq_idempotent_request'),
    )
    op.create_index('ix_idempotent_request_created_at', 'idempotent_request', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_idempotent_request_created_at', table_name='idempotent_request')
    op.drop_table('idempotent_request')
