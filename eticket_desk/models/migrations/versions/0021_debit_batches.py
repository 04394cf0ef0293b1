"""debit batches

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-07 23:00:00.000000

SEPA direct-debit batches: the pain.008 files sent to the bank and one item per invoice debited
(its payment, and the bank's reject when it comes back). An invoice is in one batch at most.
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'debit_batch',
        sa.Column('run_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('by', sa.String(length=50), nullable=False),
        sa.Column('pain_version', sa.String(length=20), nullable=False),
        sa.Column('message_id', sa.String(length=35), nullable=False),
        sa.Column('collection_date', sa.Date(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('total_cents', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ['run_id'], ['invoice_run.id'], name='fk_debit_batch_run_id_invoice_run'
        ),
        sa.PrimaryKeyConstraint('id', name='pk_debit_batch'),
        sa.UniqueConstraint('message_id', name='uq_debit_batch_message_id'),
    )
    op.create_table(
        'debit_item',
        sa.Column('batch_id', sa.Uuid(), nullable=False),
        sa.Column('invoice_id', sa.Uuid(), nullable=False),
        sa.Column('mandate_id', sa.Uuid(), nullable=False),
        sa.Column('family_id', sa.Uuid(), nullable=False),
        sa.Column('amount_cents', sa.Integer(), nullable=False),
        sa.Column('sequence_type', sa.String(length=4), nullable=False),
        sa.Column('collection_date', sa.Date(), nullable=False),
        sa.Column('end_to_end_id', sa.String(length=35), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('reject_code', sa.String(length=4), nullable=False),
        sa.Column('reject_reason', sa.Text(), nullable=False),
        sa.Column('rejected_at', sa.DateTime(), nullable=True),
        sa.Column('payment_id', sa.Uuid(), nullable=False),
        sa.Column('reversal_payment_id', sa.Uuid(), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ['batch_id'], ['debit_batch.id'], name='fk_debit_item_batch_id_debit_batch'
        ),
        sa.ForeignKeyConstraint(
            ['invoice_id'], ['invoice.id'], name='fk_debit_item_invoice_id_invoice'
        ),
        sa.ForeignKeyConstraint(
            ['mandate_id'], ['sepa_mandate.id'], name='fk_debit_item_mandate_id_sepa_mandate'
        ),
        sa.ForeignKeyConstraint(['family_id'], ['family.id'], name='fk_debit_item_family_id_family'),
        sa.ForeignKeyConstraint(
            ['payment_id'], ['payment.id'], name='fk_debit_item_payment_id_payment'
        ),
        sa.ForeignKeyConstraint(
            ['reversal_payment_id'],
            ['payment.id'],
            name='fk_debit_item_reversal_payment_id_payment',
        ),
        sa.PrimaryKeyConstraint('id', name='pk_debit_item'),
    )
    op.create_index('ix_debit_item_batch', 'debit_item', ['batch_id'])
    op.create_index('ux_debit_item_invoice', 'debit_item', ['invoice_id'], unique=True)
    op.create_index('ix_debit_item_mandate', 'debit_item', ['mandate_id'])


def downgrade() -> None:
    op.drop_index('ix_debit_item_mandate', table_name='debit_item')
    op.drop_index('ux_debit_item_invoice', table_name='debit_item')
    op.drop_index('ix_debit_item_batch', table_name='debit_item')
    op.drop_table('debit_item')
    op.drop_table('debit_batch')
