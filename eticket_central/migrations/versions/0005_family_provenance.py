"""families: the provenance of each field merged in

Who last typed each field of a dossier, when and where (a desk's label, or the portal),
keyed by its path (`adults/<id>/phone_mobile`): a conflict between two desks names both
authors. Dossiers already stored start with none (their authors are unknown).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "families",
        sa.Column(
            "provenance",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("families", "provenance")
