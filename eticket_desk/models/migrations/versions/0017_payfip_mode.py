"""payfip mode

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07 19:00:00.000000

PayFiP's mode for the commune (test, activation, production: the saisie T, X or W of each
payment request), set beside its client number in Paramètres › Organisation.
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation') as batch_op:
        batch_op.add_column(
            sa.Column('payfip_mode', sa.String(length=12), server_default='test', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('organisation') as batch_op:
        batch_op.drop_column('payfip_mode')
