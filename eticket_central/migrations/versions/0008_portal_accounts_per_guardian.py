"""portal accounts per legal guardian, tenant slugs, password reset links

A portal login per legal guardian: `portal_accounts` keyed by their own id, with the adult,
must_change_password, issued_at and password_changed_at (an older desk's family account
keeps working, attached to the dossier's billing adult when the snapshot names one). Portal
sessions say which guardian opened them. Each commune gets a `slug` for its portal addresses
(/portail/<slug>/connexion), derived from its name. « Mot de passe oublié » links are kept
as hashes in `password_resets`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 19:00:00
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BILLING_ADULT = sa.text(
    "UPDATE portal_accounts p SET adult_id = ("
    " SELECT CAST(a->>'id' AS uuid) FROM families f, jsonb_array_elements(f.data->'adults') a"
    " WHERE f.id = p.family_id AND COALESCE(a->>'third_party', 'false') = 'false'"
    " ORDER BY COALESCE(a->>'billing', 'false') DESC LIMIT 1)"
)


def _slug(name: str, taken: set[str]) -> str:
    """The same as eticket_central.tenants.slug_for, frozen here as it was."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"^(commune|mairie|ville|syndicat)\s+(de\s+|d'|du\s+|des\s+)?", "", plain)
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:70] or "commune"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def upgrade() -> None:
    op.add_column("tenants", sa.Column("slug", sa.String(length=80), nullable=True))
    connection = op.get_bind()
    taken: set[str] = set()
    for tenant_id, name in connection.execute(
        sa.text("SELECT id, name FROM tenants ORDER BY created_at, id")
    ):
        slug = _slug(name, taken)
        taken.add(slug)
        connection.execute(
            sa.text("UPDATE tenants SET slug = :slug WHERE id = :id"),
            {"slug": slug, "id": tenant_id},
        )
    op.alter_column("tenants", "slug", nullable=False)
    op.create_unique_constraint(op.f("uq_tenants_slug"), "tenants", ["slug"])

    op.add_column(
        "portal_accounts",
        sa.Column("id", sa.Uuid(), nullable=False, server_default=sa.text("gen_random_uuid()")),
    )
    op.alter_column("portal_accounts", "id", server_default=None)
    op.add_column("portal_accounts", sa.Column("adult_id", sa.Uuid(), nullable=True))
    op.add_column(
        "portal_accounts",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.add_column("portal_accounts", sa.Column("issued_at", sa.DateTime(), nullable=True))
    op.add_column("portal_accounts", sa.Column("password_changed_at", sa.DateTime(), nullable=True))
    op.execute(_BILLING_ADULT)
    op.drop_constraint("pk_portal_accounts", "portal_accounts", type_="primary")
    op.create_primary_key("pk_portal_accounts", "portal_accounts", ["id"])
    op.create_unique_constraint(
        op.f("uq_portal_accounts_family_id"), "portal_accounts", ["family_id", "adult_id"]
    )
    op.create_index(
        op.f("ix_portal_accounts_family_id"), "portal_accounts", ["family_id"], unique=False
    )

    op.add_column("portal_sessions", sa.Column("adult_id", sa.Uuid(), nullable=True))

    op.create_table(
        "password_resets",
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portal_accounts.id"],
            name=op.f("fk_password_resets_account_id_portal_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_password_resets_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_password_resets")),
    )
    op.create_index(
        op.f("ix_password_resets_tenant_id"), "password_resets", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_password_resets_account_id"), "password_resets", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("password_resets")
    op.drop_column("portal_sessions", "adult_id")
    op.execute(
        sa.text(
            "DELETE FROM portal_accounts p USING portal_accounts q"
            " WHERE p.family_id = q.family_id AND p.id > q.id"
        )
    )
    op.drop_index(op.f("ix_portal_accounts_family_id"), table_name="portal_accounts")
    op.drop_constraint(op.f("uq_portal_accounts_family_id"), "portal_accounts", type_="unique")
    op.drop_constraint("pk_portal_accounts", "portal_accounts", type_="primary")
    op.create_primary_key("pk_portal_accounts", "portal_accounts", ["family_id"])
    for column in ("password_changed_at", "issued_at", "must_change_password", "adult_id", "id"):
        op.drop_column("portal_accounts", column)
    op.drop_constraint(op.f("uq_tenants_slug"), "tenants", type_="unique")
    op.drop_column("tenants", "slug")
