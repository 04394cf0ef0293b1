"""outbox made by

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:30:00.000000

Each op says who made it at the desk (its `created_at` already says when): the server names
the author of a value when two desks typed the same field.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        'sync_outbox',
        sa.Column('made_by', sa.String(length=100), nullable=False, server_default=''),
    )


def downgrade() -> None:
    op.drop_column('sync_outbox', 'made_by')
