"""A backup's schema against the one this program makes: every table, index, view and trigger
of the file must be one a fresh base at the same revision has, with the same SQL.

A file can be made to look like a backup and carry more: a trigger that rewrites every
payment, a view shadowing a report, a table nobody knows. Such objects would run or live on
in the restored base, so the restore refuses them (and objects of the known schema that are
missing or changed), before the file is ever opened by the program or migrated.
"""

from __future__ import annotations

import sqlite3
import tempfile
from functools import lru_cache
from pathlib import Path

from eticket_desk.models.database import make_engine, migrate

KINDS = {"table": "table", "index": "index", "view": "vue", "trigger": "déclencheur"}

# (type, name, table, canonical SQL) of one schema object
SchemaObject = tuple[str, str, str, str]


def _parts(body: str) -> list[str]:
    """The comma-separated parts of a table's definition, outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(body):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`[":
            quote = "]" if char == "[" else char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(body[start:index].strip())
            start = index + 1
    parts.append(body[start:].strip())
    return parts


def canonical_sql(kind: str, sql: str | None) -> str:
    """The SQL with its blanks folded; a table's columns and constraints sorted, since
    Alembic's batch migrations rewrite a table with its constraints in no fixed order."""
    text = " ".join((sql or "").split())
    if kind != "table" or "(" not in text:
        return text
    head, body = text.split("(", 1)
    body, _, tail = body.rpartition(")")
    return f"{head}({', '.join(sorted(_parts(body)))}){tail}"


def schema_of(connection: sqlite3.Connection) -> frozenset[SchemaObject]:
    """The file's own objects (SQLite's internal ones, « sqlite_… », left out)."""
    rows = connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE substr(name, 1, 7) != 'sqlite_'"
    )
    return frozenset(
        (kind, name, table, canonical_sql(kind, sql)) for kind, name, table, sql in rows
    )


@lru_cache(maxsize=4)
def known_schema(revision: str) -> frozenset[SchemaObject]:
    """The schema of a new base brought to `revision` by the migrations (once per run)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reference.sqlite"
        engine = make_engine(path)
        try:
            migrate(engine, revision)
        finally:
            engine.dispose()
        connection = sqlite3.connect(path)
        try:
            return schema_of(connection)
        finally:
            connection.close()


def _names(objects: set[SchemaObject]) -> str:
    shown = sorted(f"{KINDS.get(kind, kind)} « {name} »" for kind, name, _t, _s in objects)
    more = f" et {len(shown) - 6} autre(s)" if len(shown) > 6 else ""
    return ", ".join(shown[:6]) + more


def schema_faults(connection: sqlite3.Connection, revision: str) -> list[str]:
    """What differs from the known schema of `revision`, in French (empty when nothing)."""
    found = schema_of(connection)
    known = known_schema(revision)
    known_names = {(kind, name) for kind, name, _t, _s in known}
    found_names = {(kind, name) for kind, name, _t, _s in found}
    unknown = {o for o in found - known if (o[0], o[1]) not in known_names}
    changed = {o for o in found - known if (o[0], o[1]) in known_names}
    missing = {o for o in known if (o[0], o[1]) not in found_names}
    faults = []
    if unknown:
        faults.append(f"éléments que ce programme ne crée pas : {_names(unknown)}")
    if changed:
        faults.append(f"éléments modifiés : {_names(changed)}")
    if missing:
        faults.append(f"éléments manquants : {_names(missing)}")
    return faults
