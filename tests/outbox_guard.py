"""The outbox guard: a checker, for the tests only, that fails a transaction writing a row the
server must hear of without its use case stating the op (`sync.outbox.emit`).

The product no longer infers ops from row changes; this checker does, to catch the use case
that forgot. It watches every desk write transaction the tests run (installed by an autouse
fixture in tests/conftest.py) and, when `Store.write` reaches its end, compares what the
transaction wrote with the intents it emitted:

- rows written through the ORM (seen at each flush): a booking whose state changed needs its
  `BookingChanged` (or the form's `FormsBooked`); a new wallet line, payment or invoice its id
  in `WalletLines` / `PaymentsMade` / `InvoicesIssued`; a changed family, adult, child or portal
  account its `FamilyChanged`; a changed setting of the commune its `PlanningChanged`; a
  parent's document reviewed its `DocumentReviewed`, a message of the mairie its
  `MessageWritten`;
- rows written with raw SQL or Core bulk statements (seen at the cursor): counted per table,
  and the transaction must emit at least as many (new wallet lines, payments and invoices,
  dossiers, the days of the forms' bookings, settings of each kind).

Two writers send nothing by design, and are recognised here: applying the server's changes
(the « synchro » actor: pulled rows and bookings the server refused; the tickets it gives back
are still checked), and the demo town's bulk rows (a new base that never synced: its first
upload sends everything it holds).
"""

from __future__ import annotations

import re
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
    ActivitySchool,
    Adult,
    Booking,
    Child,
    ClosedSpan,
    Family,
    Invoice,
    MairieMessage,
    Organisation,
    ParentDocument,
    Payment,
    Period,
    PortalAccount,
    School,
    SchoolClass,
    SchoolYear,
    Tariff,
    TariffBracket,
    TicketType,
    WalletEntry,
)
from eticket_desk.services.core import store as store_module
from eticket_desk.services.core.store import Actor
from eticket_desk.sync import outbox

SYNC_LOGIN = "synchro"  # the actor applying the server's changes (sync.apply.SYNC_ACTOR)
SERVER_LOGIN = "serveur"  # the author of a wallet line pulled from the server

_FAMILY_TABLES = {"family", "adult", "child", "portal_account"}
_PLANNING_TABLES = {
    "school_year": "calendar",
    "closed_span": "calendar",
    "period": "calendar",
    "activity": "activity",
    "activity_school": "activity",
    "ticket_type": "ticket_type",
    "tariff": "tariff",
    "tariff_bracket": "tariff",
    "school": "school",
    "school_class": "school",
    "organisation": "organisation",
}
_FACTS = {"wallet_entry", "payment", "invoice"}
_WATCHED = {"booking", *_FACTS, *_FAMILY_TABLES, *_PLANNING_TABLES}
_STATEMENT = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


class UnstatedWrite(AssertionError):
    """A transaction wrote rows the server must hear of without emitting their ops."""


def planning_ids(obj: object) -> tuple[str, uuid.UUID] | None:
    """(kind, id) of the commune's setting a flushed row belongs to."""
    if isinstance(obj, TicketType):
        return "ticket_type", obj.id
    if isinstance(obj, School):
        return "school", obj.id
    if isinstance(obj, SchoolClass):
        return "school", obj.school_id
    if isinstance(obj, Organisation):
        return "organisation", obj.id
    if isinstance(obj, Tariff):
        return "tariff", obj.id
    if isinstance(obj, TariffBracket):
        return "tariff", obj.tariff_id
    if isinstance(obj, Activity):
        return "activity", obj.id
    if isinstance(obj, ActivitySchool):
        return "activity", obj.activity_id
    if isinstance(obj, SchoolYear):
        return "calendar", obj.id
    if isinstance(obj, (ClosedSpan, Period)):
        return "calendar", obj.school_year_id
    return None


@dataclass
class _Written:
    """What one transaction wrote, as the checker saw it."""

    bookings: dict[tuple, str | None] = field(default_factory=dict)  # key -> state before
    wallet: list[uuid.UUID] = field(default_factory=list)
    payments: list[uuid.UUID] = field(default_factory=list)
    invoices: list[uuid.UUID] = field(default_factory=list)
    families: set[uuid.UUID] = field(default_factory=set)
    planning: set[tuple[str, uuid.UUID]] = field(default_factory=set)
    documents: set[uuid.UUID] = field(default_factory=set)  # a parent's document reviewed
    messages: set[uuid.UUID] = field(default_factory=set)  # a message of the mairie


class OutboxGuard:
    """Installed for one test; `failures` keeps what it caught (also raised at once)."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        # id(connection) -> the desk session using it, and the raw rows of its transaction
        self._raw: dict[int, tuple[Session, Counter]] = {}
        self._real_write_outbox = store_module.write_outbox

    # ------------------------------------------------------------ installing

    def install(self) -> None:
        event.listen(Session, "after_begin", self._after_begin)
        event.listen(Session, "after_flush", self._after_flush)
        event.listen(Engine, "after_cursor_execute", self._after_cursor_execute)
        store_module.write_outbox = self._write_outbox

    def remove(self) -> None:
        store_module.write_outbox = self._real_write_outbox
        event.remove(Engine, "after_cursor_execute", self._after_cursor_execute)
        event.remove(Session, "after_flush", self._after_flush)
        event.remove(Session, "after_begin", self._after_begin)

    # ------------------------------------------------------------ watching

    @staticmethod
    def _desk(session: Session) -> bool:
        return isinstance(session.info.get("actor"), Actor)

    def _written(self, session: Session) -> _Written:
        return session.info.setdefault("outbox_guard", _Written())

    def _after_begin(self, session: Session, _transaction, connection) -> None:
        if self._desk(session):
            self._raw[id(connection)] = (session, Counter())

    def _after_cursor_execute(self, conn, cursor, statement, parameters, context, many):
        match = _STATEMENT.match(statement)
        if match is None or match.group(2).lower() not in _WATCHED:
            return
        session, counts = self._raw.get(id(conn), (None, None))
        if session is None or session._flushing or _in_demo_town():
            return  # a flush: its rows are seen as objects
        table, verb = match.group(2).lower(), match.group(1).split()[0].upper()
        if table in _FACTS and verb != "INSERT":
            return  # a fact goes up once, when written (a deposit slip's cheques stay as sent)
        counts[table] += max(cursor.rowcount, 0)

    def _after_flush(self, session: Session, _context) -> None:
        if not self._desk(session):
            return
        written = self._written(session)
        added = list(session.new)
        for index, obj in enumerate((*added, *session.dirty, *session.deleted)):
            new = index < len(added)
            if not new and obj in session.dirty and not session.is_modified(obj):
                continue  # attributes set to the values they had
            if isinstance(obj, Booking):
                key = (obj.activity_id, obj.day, obj.child_id)
                if key not in written.bookings:
                    written.bookings[key] = None if new else _state_before(obj)
            elif isinstance(obj, WalletEntry) and new:
                if not (self._from_server(session) and obj.by == SERVER_LOGIN):
                    written.wallet.append(obj.id)
            elif isinstance(obj, Payment) and new:
                written.payments.append(obj.id)
            elif isinstance(obj, Invoice) and new:
                written.invoices.append(obj.id)
            elif (planned := planning_ids(obj)) is not None:
                written.planning.add(planned)
            elif isinstance(obj, ParentDocument):
                written.documents.add(obj.id)
            elif isinstance(obj, MairieMessage):
                written.messages.add(obj.id)
            elif isinstance(obj, Family):
                written.families.add(obj.id)
            elif isinstance(obj, (Adult, Child, PortalAccount)):
                written.families.add(obj.family_id)

    @staticmethod
    def _from_server(session: Session) -> bool:
        return session.info["actor"].login == SYNC_LOGIN

    # ------------------------------------------------------------ checking

    def _write_outbox(self, session: Session) -> None:
        session.flush()
        missing = self.missing(session)
        if missing:
            message = "Écriture sans son op de synchronisation : " + " ; ".join(missing)
            self.failures.append(message)
            raise UnstatedWrite(message)
        self._real_write_outbox(session)

    def missing(self, session: Session) -> list[str]:
        """What the transaction wrote without stating it (empty: all stated)."""
        written = session.info.get("outbox_guard") or _Written()
        raw = self._raw.get(id(session.connection()), (None, Counter()))[1]
        intents = outbox.emitted(session)

        def of(kind):
            return [i for i in intents if isinstance(i, kind)]

        if self._from_server(session):
            # The server's own changes (pulled, or its refusals undone) travel back to nobody:
            # only the tickets this desk gives back must reach it.
            stated = {i for w in of(outbox.WalletLines) for i in w.ids}
            return [f"ligne de porte-monnaie {i}" for i in written.wallet if i not in stated]
        problems = []
        booked = {(b.activity_id, b.day, b.child_id) for b in of(outbox.BookingChanged)}
        forms = [form for batch in of(outbox.FormsBooked) for form in batch.forms]
        in_forms = {(f.activity_id, f.child_id) for f in forms}
        for key, before in written.bookings.items():
            booking = session.get(Booking, key)
            if booking is None or booking.state == before:
                continue
            if key not in booked and (key[0], key[2]) not in in_forms:
                problems.append(f"réservation {key} ({before} -> {booking.state})")
        for name, kind, rows in (
            ("ligne de porte-monnaie", outbox.WalletLines, written.wallet),
            ("règlement", outbox.PaymentsMade, written.payments),
            ("facture", outbox.InvoicesIssued, written.invoices),
        ):
            stated = [i for intent in of(kind) for i in intent.ids]
            problems += [f"{name} {i}" for i in rows if i not in set(stated)]
            table = {"ligne de porte-monnaie": "wallet_entry", "règlement": "payment"}.get(
                name, "invoice"
            )
            if raw[table] > len(stated) - len(rows):
                problems.append(f"{raw[table]} ligne(s) {table} en SQL, {len(stated)} op(s)")
        families = {f.family_id for f in of(outbox.FamilyChanged)}
        problems += [f"dossier {i}" for i in written.families - families]
        if raw["family"] > len(families) or (any(raw[t] for t in _FAMILY_TABLES) and not families):
            problems.append(f"dossiers en SQL ({dict(raw)}), {len(families)} op(s)")
        planning = {(p.kind, p.id) for p in of(outbox.PlanningChanged)}
        problems += [f"paramètre {kind} {i}" for kind, i in written.planning - planning]
        for table, kind in _PLANNING_TABLES.items():
            if raw[table] and not any(k == kind for k, _ in planning):
                problems.append(f"{raw[table]} ligne(s) {table} en SQL sans op {kind}")
        reviewed = {d.document_id for d in of(outbox.DocumentReviewed)}
        problems += [f"document {i}" for i in written.documents - reviewed]
        written_messages = {m.message_id for m in of(outbox.MessageWritten)}
        problems += [f"message {i}" for i in written.messages - written_messages]
        days = sum(len(f.book) + len(f.wait) + len(f.cancel) for f in forms)
        if raw["booking"] > days + len(booked):
            problems.append(f"{raw['booking']} réservation(s) en SQL, {days} jour(s) en op")
        return problems


def _state_before(obj: Booking) -> str:
    history = inspect(obj).attrs.state.history
    return history.deleted[0] if history.deleted else obj.state


def _in_demo_town() -> bool:
    """The demo town's bulk rows: a new base, sent whole by its first upload."""
    frame = sys._getframe(1)
    while frame is not None:
        if "services/demo/" in frame.f_code.co_filename.replace("\\", "/"):
            return True
        frame = frame.f_back
    return False
