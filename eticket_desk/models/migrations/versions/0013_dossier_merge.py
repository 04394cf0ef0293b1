"""dossier merge: baselines and conflicts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 13:00:00.000000

Each dossier's baseline (the state this desk last sent or received: its next op says what
changed since) and the conflicts the server answered (the same field changed elsewhere).
Dossiers known before have no baseline: their next op is sent whole, as before.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_family_baseline',
        sa.Column('family_id', sa.Uuid(), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('family_id', name=op.f('pk_sync_family_baseline')),
    )
    op.create_table(
        'dossier_conflict',
        sa.Column('family_id', sa.Uuid(), nullable=False),
        sa.Column('op_seq', sa.Integer(), nullable=False),
        sa.Column('path', sa.String(length=120), nullable=False),
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('server_value', sa.Text(), nullable=False),
        sa.Column('server_by', sa.String(length=200), nullable=False),
        sa.Column('server_at', sa.DateTime(), nullable=True),
        sa.Column('server_where', sa.String(length=200), nullable=False),
        sa.Column('desk_value', sa.Text(), nullable=False),
        sa.Column('desk_by', sa.String(length=200), nullable=False),
        sa.Column('desk_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('resolved_by', sa.String(length=50), nullable=False),
        sa.Column('resolution', sa.String(length=10), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ['family_id'], ['family.id'], name=op.f('fk_dossier_conflict_family_id_family')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_conflict')),
    )
    op.create_index('ix_dossier_conflict_family', 'dossier_conflict', ['family_id'])


def downgrade() -> None:
    op.drop_index('ix_dossier_conflict_family', table_name='dossier_conflict')
    op.drop_table('dossier_conflict')
    op.drop_table('sync_family_baseline')
