"""credit notes cancel invoices; one invoice number per commune; desks numbered; forms;
the commune's records (ticket types, tariffs, schools, organisation)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("cancelled_at", sa.DateTime(), nullable=True))
    op.add_column(
        "invoices",
        sa.Column("credit_note_number", sa.String(length=40), nullable=False, server_default=""),
    )
    # Several desks: an invoice number belongs to one invoice of the commune.
    op.create_unique_constraint(op.f("uq_invoices_tenant_id"), "invoices", ["tenant_id", "number"])

    # Each desk of a commune has its number (its new dossiers are numbered in its block).
    op.add_column("devices", sa.Column("number", sa.Integer(), nullable=False, server_default="1"))
    op.execute(
        "UPDATE devices SET number = ranked.n FROM (SELECT id, row_number() OVER "
        "(PARTITION BY tenant_id ORDER BY created_at, id) AS n FROM devices) AS ranked "
        "WHERE devices.id = ranked.id"
    )
    op.create_unique_constraint(op.f("uq_devices_tenant_id"), "devices", ["tenant_id", "number"])
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_subscriptions_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_subscriptions_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_subscriptions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    op.create_index(op.f("ix_subscriptions_child_id"), "subscriptions", ["child_id"])
    op.create_index(op.f("ix_subscriptions_tenant_id"), "subscriptions", ["tenant_id"])
    op.create_table(
        "commune_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_commune_records_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune_records")),
    )
    op.create_index("ix_commune_records_entity", "commune_records", ["tenant_id", "entity"])


def downgrade() -> None:
    op.drop_table("commune_records")
    op.drop_table("subscriptions")
    op.drop_constraint(op.f("uq_devices_tenant_id"), "devices", type_="unique")
    op.drop_column("devices", "number")
    op.drop_constraint(op.f("uq_invoices_tenant_id"), "invoices", type_="unique")
    op.drop_column("invoices", "credit_note_number")
    op.drop_column("invoices", "cancelled_at")
