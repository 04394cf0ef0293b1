"""applied_ops and payments indexed by device: what the server holds from a desk

GET /sync/device, read at every sync, gives the desk's highest op seq and its last receipt
numbers, so that a desk restored from a backup sees it is behind its own past.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 13:00:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_applied_ops_device_seq", "applied_ops", ["tenant_id", "device_id", "seq"], unique=False
    )
    op.create_index("ix_payments_device", "payments", ["tenant_id", "device_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_payments_device", table_name="payments")
    op.drop_index("ix_applied_ops_device_seq", table_name="applied_ops")
