"""invoice lines keep the days they bill

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('days', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_column('days')
