"""treasury settings and mandates

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 22:40:00.000000

Money to the Trésor: the organisation's way of collecting (régie or titres) with its PES V2
identifiers and its SEPA creditor settings; each activity's product code and accounting nature;
the invoice run's number in its year (the PES bordereau); families' SEPA mandates, and the
mandate and debit day of an invoice paid by direct debit.
"""

from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ORGANISATION_COLUMNS = (
    ("collection_mode", sa.String(length=10), "regie"),
    ("siret", sa.String(length=14), ""),
    ("pes_id_post", sa.String(length=7), ""),
    ("pes_cod_col", sa.String(length=3), ""),
    ("pes_cod_bud", sa.String(length=2), ""),
    ("sepa_ics", sa.String(length=35), ""),
    ("sepa_iban", sa.String(length=34), ""),
    ("sepa_bic", sa.String(length=11), ""),
    ("sepa_pain_version", sa.String(length=20), "pain.008.001.02"),
)


def upgrade() -> None:
    op.create_table(
        "sepa_mandate",
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("rum", sa.String(length=35), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("recurrent", sa.Boolean(), nullable=False),
        sa.Column("debtor_name", sa.String(length=140), nullable=False),
        sa.Column("street", sa.String(length=70), nullable=False),
        sa.Column("building_number", sa.String(length=16), nullable=False),
        sa.Column("postcode", sa.String(length=16), nullable=False),
        sa.Column("town", sa.String(length=35), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=False),
        sa.Column("first_debit_on", sa.Date(), nullable=True),
        sa.Column("last_debit_on", sa.Date(), nullable=True),
        sa.Column("amendment_pending", sa.Boolean(), nullable=False),
        sa.Column("original_iban", sa.String(length=34), nullable=False),
        sa.Column("original_debtor_name", sa.String(length=140), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=50), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rum"),
    )
    op.create_index("ix_sepa_mandate_family", "sepa_mandate", ["family_id"])
    # Columns are added in place (ALTER TABLE), never by rebuilding a table: the invoice and
    # activity tables of a town in service are pointed at by thousands of rows, and SQLite
    # checks those references when a table is dropped and rebuilt.
    for name, kind, default in ORGANISATION_COLUMNS:
        op.add_column("organisation", sa.Column(name, kind, server_default=default, nullable=False))
    op.add_column(
        "organisation",
        sa.Column("sepa_debit_delay_days", sa.Integer(), server_default="14", nullable=False),
    )
    op.add_column(
        "activity",
        sa.Column("product_code", sa.String(length=4), server_default="", nullable=False),
    )
    op.add_column(
        "activity",
        sa.Column("accounting_nature", sa.String(length=10), server_default="", nullable=False),
    )
    op.add_column("invoice_run", sa.Column("number_in_year", sa.Integer(), nullable=True))
    op.execute("ALTER TABLE invoice ADD COLUMN mandate_id CHAR(32) REFERENCES sepa_mandate (id)")
    op.add_column("invoice", sa.Column("debit_date", sa.Date(), nullable=True))
    # The runs already issued get their number in their year, in the order they were issued.
    op.execute(
        "UPDATE invoice_run SET number_in_year = (SELECT COUNT(*) FROM invoice_run AS earlier "
        "WHERE strftime('%Y', earlier.issued_at) = strftime('%Y', invoice_run.issued_at) "
        "AND earlier.issued_at <= invoice_run.issued_at)"
    )
    op.execute(
        "INSERT OR REPLACE INTO number_series (name, next_value) SELECT 'invoice-run-' || "
        "strftime('%Y', issued_at), COUNT(*) + 1 FROM invoice_run GROUP BY strftime('%Y', issued_at)"
    )


def downgrade() -> None:
    # In place too (SQLite 3.35 and later drop a column without rebuilding its table).
    dropped = [
        ("invoice", "debit_date"),
        ("invoice", "mandate_id"),
        ("invoice_run", "number_in_year"),
    ]
    dropped += [("activity", "accounting_nature"), ("activity", "product_code")]
    dropped += [("organisation", "sepa_debit_delay_days")]
    dropped += [("organisation", name) for name, _kind, _default in reversed(ORGANISATION_COLUMNS)]
    for table, column in dropped:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index("ix_sepa_mandate_family", table_name="sepa_mandate")
    op.drop_table("sepa_mandate")
