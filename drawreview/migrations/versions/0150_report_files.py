"""report_file: signed stamped sheets and stored exports of an issued report

Revision ID: 0150_report
Revises: 0110_drawings
Create Date: 2026-12-06 05:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0150_report'
down_revision: Union[str, None] = '0110_drawings'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'report_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('sheet_id', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['report.id']),
        sa.ForeignKeyConstraint(['sheet_id'], ['sheet.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('report_id', 'kind', 'name', name='uq_report_file'),
    )
    op.create_index('ix_report_file_report_id', 'report_file', ['report_id'])
    op.create_index('ix_report_file_sha256', 'report_file', ['sha256'])


def downgrade() -> None:
    op.drop_index('ix_report_file_sha256', table_name='report_file')
    op.drop_index('ix_report_file_report_id', table_name='report_file')
    op.drop_table('report_file')
