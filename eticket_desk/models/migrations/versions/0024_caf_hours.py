"""caf hours

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 23:30:00.000000

CAF / MSA hours (heures réalisées): per activity whether it counts for the funders, its
declared time slot and the Wednesday cap (minutes per child per day); per family its regime
(caf, msa, autre; empty: not given) and the allocataire number. Columns added in place.
"""

from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        'activity',
        sa.Column('caf_counted', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column('activity', sa.Column('caf_slot_start', sa.Time(), nullable=True))
    op.add_column('activity', sa.Column('caf_slot_end', sa.Time(), nullable=True))
    op.add_column('activity', sa.Column('caf_wednesday_cap', sa.Integer(), nullable=True))
    op.add_column(
        'family',
        sa.Column('funder_regime', sa.String(length=10), nullable=False, server_default=''),
    )
    op.add_column(
        'family',
        sa.Column('funder_number', sa.String(length=20), nullable=False, server_default=''),
    )


def downgrade() -> None:
    op.drop_column('family', 'funder_number')
    op.drop_column('family', 'funder_regime')
    op.drop_column('activity', 'caf_wednesday_cap')
    op.drop_column('activity', 'caf_slot_end')
    op.drop_column('activity', 'caf_slot_start')
    op.drop_column('activity', 'caf_counted')
