"""credit notes cancel invoices; one invoice number per commune

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:00:00
"""

import sqlalchemy as sa
from alembic import op

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


def downgrade() -> None:
    op.drop_constraint(op.f("uq_invoices_tenant_id"), "invoices", type_="unique")
    op.drop_column("invoices", "credit_note_number")
    op.drop_column("invoices", "cancelled_at")
