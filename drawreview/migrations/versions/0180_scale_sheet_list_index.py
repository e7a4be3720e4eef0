"""sheet(submission_id, file_id, id): the sheet list's page order, so a page of a 5,000-sheet
submission is read from the index instead of sorting every row (docs/decisions/101)

Revision ID: 0180_scale
Revises: 0151_report
Create Date: 2026-12-06 06:10:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0180_scale'
down_revision: Union[str, None] = '0151_report'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_sheet_list_order', 'sheet', ['submission_id', 'file_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_sheet_list_order', table_name='sheet')
