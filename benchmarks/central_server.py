"""What the benchmarks that start `eticket-central` in its own process share."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from eticket_central.db import make_engine, migrate, session_factory
from eticket_central.tenants import add_tenant
from eticket_central.throwaway import ThrowawayCluster, free_port


def wait_for_server(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Returns once the server answers /health; stops the benchmark if it died or never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
        if server.poll() is not None:
            raise SystemExit("le serveur s'est arrêté au démarrage")
    raise SystemExit("le serveur ne répond pas")


@dataclass
class CommuneDatabase:
    """A new database of the throwaway cluster, migrated, with the reference commune."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    tenant: uuid.UUID


@contextmanager
def commune_database(
    cluster: ThrowawayCluster, name: str, pool_size: int = 1
) -> Iterator[CommuneDatabase]:
    """The database `name`, migrated, holding « Commune de référence »; its engine is
    disposed of on leaving."""
    url = cluster.create_database(name)
    engine = make_engine(url, pool_size=pool_size)
    try:
        migrate(engine)
        sessions = session_factory(engine)
        yield CommuneDatabase(
            url, engine, sessions, add_tenant(sessions, "Commune de référence", datetime.now())
        )
    finally:
        engine.dispose()


@contextmanager
def central_server(database: str, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`eticket-central` over `database` in its own process on a free loopback port, once it
    answers /health: (its URL, the process); stopped on leaving."""
    port = free_port()
    command = [sys.executable, "-m", "eticket_central.cli", "--database", database]
    server = subprocess.Popen(
        [*command, "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, server)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=30)
