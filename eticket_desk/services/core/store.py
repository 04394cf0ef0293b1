"""The open local store: engine, clock, and the read / write session scopes of services.

`Store.write(actor)` is a use case's unit of work: one transaction, audited, whose sync ops
the use case states with `sync.outbox.emit`; they are written to the outbox at its end,
before the commit (`write_outbox`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from eticket_desk.clock import Clock
from eticket_desk.models.database import make_engine, migrate
from eticket_desk.rules.permissions import Permission, Role, allows, require
from eticket_desk.services.core.audit import install_audit_hook
from eticket_desk.services.core.restored import refuse_while_restored
from eticket_desk.sync.outbox import emitted, write_outbox


@dataclass(frozen=True)
class Actor:
    """The person behind a service call (the logged-in agent, or the system itself)."""

    user_id: uuid.UUID | None
    login: str
    full_name: str
    role: Role
    civility: str = ""  # « Mme », « M. » or unknown: the gender of the role's name

    @property
    def role_label(self) -> str:
        """« Coordinatrice périscolaire », in the person's gender."""
        return Role(self.role).label_for(self.civility)

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        require(self.role, permission, self.civility)


# What the program does by itself (scheduled tasks, the command line), named so that a person
# reading « par … » on a list or in the journal understands no one clicked.
SYSTEM = Actor(None, "systeme", "eTicket Guichet (automatique)", Role.ADMIN)
# The sync's own writes (the server's changes applied here, its answers recorded).
SYNC_ACTOR = Actor(None, "synchro", "Synchronisation", Role.ADMIN)


class Store:
    """One SQLite file, migrated to the latest schema when opened."""

    def __init__(self, path: Path | str, clock: Clock | None = None, *, upgrade: bool = True):
        self.path = Path(path)
        self.clock = clock or Clock()
        self.engine = make_engine(self.path)
        if upgrade:
            migrate(self.engine)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(write=True), expire_on_commit=False
        )
        install_audit_hook(self._writer)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    @contextmanager
    def write(self, actor: Actor) -> Iterator[Session]:
        """One transaction: everything inside is committed together or not at all, with the
        sync ops the use case emitted (written last, from the rows' final state). A desk
        restored from a backup refuses every op but the sync's until it has reloaded the
        server's state (core/restored.py)."""
        with self._writer() as session:
            session.info["actor"] = actor
            session.info["now"] = self.clock.now()
            with session.begin():
                yield session
                if actor is not SYNC_ACTOR and emitted(session):
                    refuse_while_restored(session)
                write_outbox(session)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def listens(factory: sessionmaker, name: str):
    def decorator(fn):
        event.listen(factory, name, fn)
        return fn

    return decorator
