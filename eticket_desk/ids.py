"""Where new row ids come from: random UUIDs, or a seeded series while the demo town is built.

Like the clock, the source is injectable: the services and models call `new_id()`, and the
demo generator wraps its work in `seeded_ids(rng)` so that the same seed gives the same town,
row for row, ids included. The seeded source is held in a context variable: it applies to the
thread (and task) that set it, never to another writer working at the same time.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_source: ContextVar[Callable[[], uuid.UUID] | None] = ContextVar("id_source", default=None)


def new_id() -> uuid.UUID:
    """A new UUID (version 4): random, or the next of the seeded series when one is set."""
    source = _source.get()
    return uuid.uuid4() if source is None else source()


@contextmanager
def seeded_ids(rng: random.Random) -> Iterator[None]:
    """Every `new_id()` inside the block is drawn from `rng`."""
    token = _source.set(lambda: uuid.UUID(int=rng.getrandbits(128), version=4))
    try:
        yield
    finally:
        _source.reset(token)
