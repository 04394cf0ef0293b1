"""invoice_prints: what each invoice and credit note printed at the desk

The portal serves the PDF the desk issued, rendered by the same report from the lines, names
and note the desk sent with the invoice.issue or invoice.cancel op.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-07 19:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoice_prints",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_prints_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_invoice_prints_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("invoice_id", "kind", name=op.f("pk_invoice_prints")),
    )


def downgrade() -> None:
    op.drop_table("invoice_prints")
