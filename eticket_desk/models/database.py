"""Opening the local SQLite store: pragmas, Alembic migrations at start, sessions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision of migrations/versions (a test checks it against Alembic's own head).
# Knowing it lets a start-up on an up-to-date file skip importing Alembic (~0.4 s).

HEAD_REVISION = "0025"


def _on_connect(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN is ours (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # 64 MB of page cache (the default is 2 MB): a school year of bookings is ~500 MB, and
    # bulk writes (a year of paper forms, an import) touch its indexes all over.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _on_begin(connection) -> None:
    # BEGIN IMMEDIATE takes the write lock at once: two writers never deadlock mid-transaction.
    connection.exec_driver_sql(
        "BEGIN IMMEDIATE" if connection.get_execution_options().get("write") else "BEGIN"
    )


def make_engine(path: Path | str) -> Engine:
    engine = create_engine(
        f"sqlite:///{Path(path)}",
        connect_args={"check_same_thread": False, "timeout": 10},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # no table yet: a new file
            return None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the file in place to `revision` (the latest by default)."""
    if revision == "head" and current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
