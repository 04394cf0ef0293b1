"""Alembic environment: runs on the engine handed over by eticket_desk.models.database."""

from __future__ import annotations

from alembic import context

from eticket_desk.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic revision --autogenerate` from the command line
    from eticket_desk.models.database import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url", "autogen.sqlite"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
