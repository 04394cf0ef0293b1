"""payfip_transactions: each PayFiP payment attempt and what PayFiP's notification said;
invoices.period_label, the period the desk printed on an invoice (the portal lists it)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payfip_transactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("idop", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("adult_id", sa.Uuid(), nullable=True),
        sa.Column("invoice_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_type", sa.String(length=40), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("unit_cents", sa.BigInteger(), nullable=True),
        sa.Column("numcli", sa.String(length=6), nullable=False),
        sa.Column("exer", sa.String(length=4), nullable=False),
        sa.Column("refdet", sa.String(length=30), nullable=False),
        sa.Column("saisie", sa.String(length=1), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=80), nullable=False),
        sa.Column("objet", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resultrans", sa.String(length=1), nullable=False),
        sa.Column("numauto", sa.String(length=40), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_payfip_transactions_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payfip_transactions")),
        sa.UniqueConstraint("idop", name=op.f("uq_payfip_transactions_idop")),
    )
    op.add_column(
        "invoices",
        sa.Column("period_label", sa.String(length=60), server_default="", nullable=False),
    )
    op.create_index(
        "ix_payfip_transactions_family",
        "payfip_transactions",
        ["tenant_id", "family_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_payfip_transactions_family", table_name="payfip_transactions")
    op.drop_table("payfip_transactions")
    op.drop_column("invoices", "period_label")
