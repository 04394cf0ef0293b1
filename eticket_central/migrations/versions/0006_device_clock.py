"""devices: the desk's clock offset measured at each push, and its last contact

A deadline is judged at the moment an op was made at the desk, corrected by the desk's clock
offset, when that clock can be trusted (eticket_central/clock_trust.py): the server keeps per
device the offset it measured last, when, and the end of the device's last sync.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("devices", sa.Column("clock_offset_s", sa.Integer(), nullable=True))
    op.add_column("devices", sa.Column("clock_measured_at", sa.DateTime(), nullable=True))
    op.add_column("devices", sa.Column("last_contact_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("devices", "last_contact_at")
    op.drop_column("devices", "clock_measured_at")
    op.drop_column("devices", "clock_offset_s")
