"""care shares

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 23:30:00.000000

The part of an activity's price, and of a ticket type's, that is care (garde) for the tax
certificate of article 200 quater B of the CGI, in basis points (10000 = all of it, 0 = none,
e.g. a canteen whose price is all meal). Added in place: other rows point at both tables.
"""

from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        'activity',
        sa.Column('care_share_bp', sa.Integer(), nullable=False, server_default='0'),
    )
    op.add_column(
        'ticket_type',
        sa.Column('care_share_bp', sa.Integer(), nullable=False, server_default='0'),
    )


def downgrade() -> None:
    op.drop_column('ticket_type', 'care_share_bp')
    op.drop_column('activity', 'care_share_bp')
