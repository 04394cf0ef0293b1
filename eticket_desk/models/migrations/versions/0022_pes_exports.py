"""pes exports

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 23:00:00.000000

The PES V2 exports of the invoice runs (when, by whom, how many pièces and what total), so the
invoicing screen can say a run was already exported on … by ….
"""

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pes_export',
        sa.Column('run_id', sa.Uuid(), nullable=False),
        sa.Column('exported_at', sa.DateTime(), nullable=False),
        sa.Column('by', sa.String(length=50), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('pieces', sa.Integer(), nullable=False),
        sa.Column('total_cents', sa.Integer(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ['run_id'], ['invoice_run.id'], name=op.f('fk_pes_export_run_id_invoice_run')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pes_export')),
    )
    op.create_index('ix_pes_export_run', 'pes_export', ['run_id'])


def downgrade() -> None:
    op.drop_index('ix_pes_export_run', table_name='pes_export')
    op.drop_table('pes_export')
