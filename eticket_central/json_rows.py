"""Many JSON values in one statement parameter.

psycopg dumps a `jsonb[]` parameter element by element in Python, escaping each JSON text
again for the array's own text form: for a chunk's thousands of change records that cost
more than the statement itself. One JSON array is dumped once (json.dumps, in C) and
PostgreSQL makes the `jsonb[]` from it, in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg.types.json import Jsonb


def json_array(name: str) -> str:
    """SQL for the jsonb[] of the JSON array parameter `:name`, its elements in order."""
    return (
        f"ARRAY(SELECT e FROM jsonb_array_elements(CAST(:{name} AS jsonb)) "
        "WITH ORDINALITY AS x(e, n) ORDER BY n)"
    )


def json_values(values: Iterable[Any]) -> Jsonb:
    """The parameter json_array reads: the values as one JSON array."""
    return Jsonb(list(values))
