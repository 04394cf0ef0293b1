"""Alembic environment: runs on the engine handed over by eticket_central.db.migrate."""

from __future__ import annotations

from alembic import context

from eticket_central.models import Base
from eticket_central.payfip import table as _payfip_table  # noqa: F401  (its table)

engine = context.config.attributes.get("engine")
if engine is None:  # `alembic revision --autogenerate` from the command line
    from eticket_central.db import make_engine

    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
