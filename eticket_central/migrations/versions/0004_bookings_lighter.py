"""bookings: no tenant foreign key, no tenant or school index

A town's first upload writes a million booking rows, and each row paid three foreign-key
checks (a trigger and a query each) and three indexes. The tenant's key is redundant (a
booking's commune is its activity's, which keeps its own key), and neither index was read:
every query goes by activity and day (the primary key's prefix), the seats of a school
included (a day's rows of an activity are a few hundred at most), and the snapshot walks
the tenant's activities in key order. The keys to the activity and the child stay.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 10:00:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_bookings_tenant_id", table_name="bookings")
    op.drop_index("ix_bookings_day_school", table_name="bookings")
    op.drop_constraint("fk_bookings_tenant_id_tenants", "bookings", type_="foreignkey")


def downgrade() -> None:
    op.create_foreign_key(
        "fk_bookings_tenant_id_tenants", "bookings", "tenants", ["tenant_id"], ["id"]
    )
    op.create_index(
        "ix_bookings_day_school", "bookings", ["activity_id", "day", "school_id"], unique=False
    )
    op.create_index("ix_bookings_tenant_id", "bookings", ["tenant_id"], unique=False)
