"""sync notices

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 13:00:00.000000

What a sync finds that no rejected op says (a family's wallet gone negative after the
tickets of two desks met): a sync issue of its own, once per occurrence.
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_notice',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_notice'))
    )
    with op.batch_alter_table('sync_notice', schema=None) as batch_op:
        batch_op.create_index('ix_sync_notice_key', ['key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_notice_key')
    op.drop_table('sync_notice')
