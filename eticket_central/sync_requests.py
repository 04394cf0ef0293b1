"""What the sync routes need of their HTTP request beyond FastAPI: a push's envelope read
without failing on its ops, the connection watched while the push runs, and the French 503
of a server too busy (the desk retries the same request later).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import anyio
import anyio.to_thread
from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from eticket_central.answers import is_busy
from eticket_central.push_watch import Busy, Watch
from eticket_desk.sync.protocol import PushEnvelope, french_errors


def busy(message: str = Busy.message) -> JSONResponse:
    """503: the desk retries later with the same request (nothing half-done is visible)."""
    return JSONResponse(status_code=503, content={"detail": message})


@contextmanager
def busy_as_503() -> Iterator[None]:
    """A read that waited too long for PostgreSQL (timeout, no free connection): 503."""
    try:
        yield
    except (PoolTimeout, DBAPIError) as error:
        if is_busy(error):
            raise HTTPException(503, Busy.message) from error
        raise


async def read_envelope(request: Request) -> tuple[PushEnvelope | None, list[str]]:
    """The push's device id and raw ops, or the French errors of a malformed request."""
    try:
        data = json.loads(await request.body())
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested beyond reason
        return None, ["requête : JSON illisible"]
    try:
        return PushEnvelope.model_validate(data), []
    except ValidationError as error:
        return None, french_errors(error)


def check_unique(ops: list) -> list[str]:
    """The ops (or their answers) of a push: each op_id and seq once."""
    errors = []
    if len({op.op_id for op in ops}) != len(ops):
        errors.append("ops : le même op_id apparaît deux fois")
    if len({op.seq for op in ops}) != len(ops):
        errors.append("ops : le même numéro d'ordre (seq) apparaît deux fois")
    return errors


async def watch_request(request: Request, watch: Watch) -> None:
    """Polls the connection while the push runs: a desk that hung up (its timeout, a cut)
    abandons the push, and so does the push's deadline."""
    while not watch.stopped():
        if await request.is_disconnected():
            await anyio.to_thread.run_sync(watch.abandon)
            return
        await anyio.sleep(0.2)
    await anyio.to_thread.run_sync(watch.abandon)
