"""waiting list arrival rank

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00.000000

The waiting list is served in order of arrival: the moment a child joined it (seconds), then
`waiting_rank`, the order of arrival on that activity and day. Children already waiting get
the best order known: their moment, then the time of the row's last change.
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('booking', sa.Column('waiting_rank', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE booking SET waiting_rank = ("
        "SELECT count(*) FROM booking AS earlier "
        "WHERE earlier.activity_id = booking.activity_id AND earlier.day = booking.day "
        "AND earlier.state = 'waiting' AND (coalesce(earlier.waiting_since, '') < "
        "coalesce(booking.waiting_since, '') OR (coalesce(earlier.waiting_since, '') = "
        "coalesce(booking.waiting_since, '') AND (earlier.updated_at < booking.updated_at "
        "OR (earlier.updated_at = booking.updated_at AND earlier.child_id <= booking.child_id)))))"
        " WHERE state = 'waiting'"
    )


def downgrade() -> None:
    op.drop_column('booking', 'waiting_rank')
