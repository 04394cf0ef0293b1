"""parent documents and mairie messages

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-07 19:00:00.000000

The documents parents send from the portal (described here, their bytes fetched from the
server when an agent opens one) and the mairie's messages written here for the portal.
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'parent_document',
        sa.Column('family_id', sa.Uuid(), nullable=False),
        sa.Column('child_id', sa.Uuid(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('sent_by', sa.String(length=200), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reviewed_by', sa.String(length=200), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['family_id'], ['family.id'], name=op.f('fk_parent_document_family_id_family')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_document')),
    )
    op.create_index('ix_parent_document_family', 'parent_document', ['family_id'], unique=False)
    op.create_index('ix_parent_document_state', 'parent_document', ['state'], unique=False)
    op.create_table(
        'mairie_message',
        sa.Column('family_id', sa.Uuid(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('withdrawn', sa.Boolean(), nullable=False),
        sa.Column('written_by', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mairie_message')),
    )


def downgrade() -> None:
    op.drop_table('mairie_message')
    op.drop_index('ix_parent_document_state', table_name='parent_document')
    op.drop_index('ix_parent_document_family', table_name='parent_document')
    op.drop_table('parent_document')
