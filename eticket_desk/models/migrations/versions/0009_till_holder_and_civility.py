"""till holder and handovers, users' civility, month names in lower case

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 08:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

MONTHS = (
    'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
    'octobre', 'novembre', 'décembre',
)


def upgrade() -> None:
    op.create_table('till_handover',
    sa.Column('till_id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('given_by', sa.String(length=50), nullable=False),
    sa.Column('taken_by', sa.String(length=50), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['till_id'], ['till_session.id'], name=op.f('fk_till_handover_till_id_till_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_till_handover'))
    )
    with op.batch_alter_table('till_handover', schema=None) as batch_op:
        batch_op.create_index('ix_till_handover_till', ['till_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('civility', sa.String(length=4), server_default='', nullable=False))

    with op.batch_alter_table('till_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_by', sa.String(length=50), server_default='', nullable=False))
    # A till open before this version belongs to the agent who opened it.
    op.execute("UPDATE till_session SET held_by = opened_by")
    # « Novembre 2026 » was stored capitalised; a month is written in lower case in French
    # (« les factures de novembre 2026 ») and capitalised only where a sentence starts.
    for table in ('invoice_run', 'invoice'):
        for month in MONTHS:
            capital = month[0].upper() + month[1:]
            op.execute(
                sa.text(
                    f"UPDATE {table} SET period_label = :month || substr(period_label, :n) "
                    "WHERE period_label LIKE :capital"
                ).bindparams(month=month, n=len(month) + 1, capital=capital + ' %')
            )


def downgrade() -> None:
    with op.batch_alter_table('till_session', schema=None) as batch_op:
        batch_op.drop_column('held_by')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('civility')

    with op.batch_alter_table('till_handover', schema=None) as batch_op:
        batch_op.drop_index('ix_till_handover_till')

    op.drop_table('till_handover')
