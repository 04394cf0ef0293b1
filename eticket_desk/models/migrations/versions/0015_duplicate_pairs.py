"""duplicate pairs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 13:00:00.000000

Likely duplicate dossiers found after a sync (a pulled dossier that looks like one made
here): raised once per pair, then declared « pas des doublons » or merged.
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'duplicate_pair',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('family_id', sa.Uuid(), nullable=False),
        sa.Column('other_id', sa.Uuid(), nullable=False),
        sa.Column('raised_at', sa.DateTime(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.Column('handled_by', sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_duplicate_pair_family_id_family')),
        sa.ForeignKeyConstraint(['other_id'], ['family.id'], name=op.f('fk_duplicate_pair_other_id_family')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_pair')),
        sa.UniqueConstraint('family_id', 'other_id', name=op.f('uq_duplicate_pair_family_id')),
    )


def downgrade() -> None:
    op.drop_table('duplicate_pair')
