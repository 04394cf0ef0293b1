"""portal account per legal guardian

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 19:00:00.000000

A portal login per legal guardian of the dossier (separated parents each have their own):
`adult_id`, unique with the family. An existing family account keeps its login and password
and is attached to the dossier's billing adult (else its first non-third-party adult); a
family with no such adult loses an account nobody could be addressed for.
`password_changed_at`: the parent chose their own password on the portal (from the pull).
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_ATTACH = sa.text(
    "UPDATE portal_account SET adult_id = ("
    " SELECT a.id FROM adult a WHERE a.family_id = portal_account.family_id"
    " AND a.third_party = 0 ORDER BY a.billing DESC, a.legal_guardian DESC, a.position"
    " LIMIT 1)"
)


def upgrade() -> None:
    with op.batch_alter_table('portal_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adult_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(), nullable=True))
    op.execute(_ATTACH)
    op.execute(sa.text("DELETE FROM portal_account WHERE adult_id IS NULL"))
    with op.batch_alter_table('portal_account', schema=None) as batch_op:
        batch_op.alter_column('adult_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_constraint('uq_portal_account_family_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_portal_account_family_id'), ['family_id', 'adult_id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_portal_account_adult_id_adult'), 'adult', ['adult_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('portal_account', schema=None) as batch_op:
        batch_op.drop_constraint('fk_portal_account_adult_id_adult', type_='foreignkey')
        batch_op.drop_constraint('uq_portal_account_family_id', type_='unique')
    op.execute(
        sa.text(
            "DELETE FROM portal_account WHERE id NOT IN ("
            " SELECT MIN(id) FROM portal_account GROUP BY family_id)"
        )
    )
    with op.batch_alter_table('portal_account', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_portal_account_family_id', ['family_id'])
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('adult_id')
