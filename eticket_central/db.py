"""The PostgreSQL connection (SQLAlchemy 2 over psycopg 3), sessions and Alembic migrations."""

from __future__ import annotations

from pathlib import Path

from psycopg.rows import namedtuple_row
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """`postgresql://…` (libpq style) → the psycopg 3 driver SQLAlchemy must use."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError(f"« {url} » n'est pas une adresse PostgreSQL (postgresql://…).")


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    lock_timeout_s: float | None = None,
    statement_timeout_s: float | None = None,
    pool_timeout_s: float = 10.0,
) -> Engine:
    """The engine of one server process: `pool_size` connections plus as many on overflow
    (a push holds one for its whole run, the portal one per request), waiting at most
    `pool_timeout_s` for one (then 503). The server's connections give up waiting for a lock
    or a statement after the timeouts given (PostgreSQL's lock_timeout and statement_timeout;
    then 503 too), before a desk gives up (30 s); migrations and the admin commands run
    without."""
    options = []
    if lock_timeout_s is not None:
        options.append(f"-c lock_timeout={int(lock_timeout_s * 1000)}")
    if statement_timeout_s is not None:
        options.append(f"-c statement_timeout={int(statement_timeout_s * 1000)}")
    return create_engine(
        normalise_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout_s,
        pool_pre_ping=True,
        # Each chunk of ops is its own short transaction; READ COMMITTED plus explicit locks.
        isolation_level="READ COMMITTED",
        connect_args={"options": " ".join(options)} if options else {},
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Creates or upgrades the server's tables (`eticket-central migrate`)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration (the server refuses to start if not)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def planned_now(session: Session, sql: str, params: dict) -> list:
    """The rows of a statement (psycopg's `%(name)s` placeholders) planned for these
    parameters, never prepared. The server's statements are prepared once run five times
    (the load bench: 20 % faster), and PostgreSQL then keeps the plan it made: a lookup by a
    list of ids in a table a new commune's first upload is filling (the answered ops, the
    children) would keep the full scan chosen while the table was empty, 10 ms a chunk
    instead of 1."""
    driver = session.connection().connection.driver_connection
    with driver.cursor(row_factory=namedtuple_row) as cursor:
        return cursor.execute(sql, params, prepare=False).fetchall()
