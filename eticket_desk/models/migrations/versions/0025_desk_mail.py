"""desk mail

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 23:40:00.000000

The desk's outgoing e-mail queue (outgoing_mail) and, per adult, the consent to receive the
documents by e-mail (adult.mail_consent, added in place).
"""

from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        'adult',
        sa.Column('mail_consent', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        'outgoing_mail',
        sa.Column('unique_key', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('document_id', sa.String(length=100), nullable=False),
        sa.Column('family_id', sa.Uuid(), nullable=True),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('recipient_name', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('attachment_path', sa.Text(), nullable=False),
        sa.Column('attachment_name', sa.String(length=200), nullable=False),
        sa.Column('attachment_data', sa.LargeBinary(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('queued_at', sa.DateTime(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('attempt_started_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('queued_by', sa.String(length=50), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ['family_id'], ['family.id'], name=op.f('fk_outgoing_mail_family_id_family')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
        sa.UniqueConstraint('unique_key', name=op.f('uq_outgoing_mail_unique_key')),
    )
    op.create_index('ix_outgoing_mail_family', 'outgoing_mail', ['family_id'])
    op.create_index('ix_outgoing_mail_state', 'outgoing_mail', ['state', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_outgoing_mail_state', table_name='outgoing_mail')
    op.drop_index('ix_outgoing_mail_family', table_name='outgoing_mail')
    op.drop_table('outgoing_mail')
    op.drop_column('adult', 'mail_consent')
