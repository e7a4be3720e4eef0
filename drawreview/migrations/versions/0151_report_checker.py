"""review_task.checker_id: the checker (审核人) of a discipline's opinion, named when the report is issued

Revision ID: 0151_report
Revises: 0150_report
Create Date: 2026-12-06 06:05:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0151_report'
down_revision: Union[str, None] = '0150_report'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('review_task') as batch:
        batch.add_column(sa.Column('checker_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_review_task_checker_id', 'user_account', ['checker_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('review_task') as batch:
        batch.drop_constraint('fk_review_task_checker_id', type_='foreignkey')
        batch.drop_column('checker_id')
