"""The till journal: a till session's receipts by payment method and its cash count, as the
printed journal needs them, naming the receipt series of this desk (« Série Q2 — poste
Annexe école ») and the receipts a restored desk got back from the server (a line of their
own); the list of past sessions to print one again."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Family, Payment, Sale, TillHandover, TillSession
from eticket_desk.reports import till_journal
from eticket_desk.reports.till_journal import JournalReceipt, TillJournalData
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.numbering import receipt_series_name
from eticket_desk.services.core.restored import RECOVERED_SALE
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.counter.till import TillState, clock_time, state_of


@dataclass(frozen=True)
class TillSummary:
    id: uuid.UUID
    opened_at: datetime
    opened_by: str  # the person's name, « Marie Durand »
    closed_at: datetime | None
    receipts: int
    total_cents: int


def _handovers(session: Session, till_id: uuid.UUID, people: People) -> tuple[str, ...]:
    """« À 12 h 10, caisse reprise par Paul Guichet (agent d'accueil), tenue jusque-là par
    Marie Durand (agente d'accueil). »"""
    lines = []
    for handover in session.scalars(
        select(TillHandover).where(TillHandover.till_id == till_id).order_by(TillHandover.at)
    ):
        taken = people.label(handover.taken_by, with_role=True)
        given = people.label(handover.given_by, with_role=True)
        at = clock_time(handover.at)
        if handover.reason == "close":
            lines.append(
                f"À {at}, caisse reprise par {taken} pour la clôturer à la place de {given}."
            )
        else:
            lines.append(f"À {at}, caisse reprise par {taken}, tenue jusque-là par {given}.")
    return tuple(lines)


def _recovered(session: Session, till_id: uuid.UUID) -> tuple[str, ...]:
    """« 1 quittance reprise du serveur après restauration (Q1-2026-000002) … »: the
    receipts a restored desk got back from the server (syncing/recovered_money.py)."""
    numbers = list(
        session.scalars(
            select(Sale.receipt_number)
            .where(Sale.till_id == till_id, Sale.pricing_note == RECOVERED_SALE)
            .order_by(Sale.receipt_number)
        )
    )
    if not numbers:
        return ()
    s = "s" if len(numbers) > 1 else ""
    return (
        f"{len(numbers)} quittance{s} reprise{s} du serveur après restauration "
        f"({', '.join(numbers)}) : données après la sauvegarde de ce poste, comptées dans "
        "cette caisse.",
    )


def journal_title(opened_at: datetime) -> str:
    """« Journal de caisse du lundi 23 novembre 2026 »."""
    return f"Journal de caisse du {format_date(opened_at.date(), 'EEEE d MMMM y', locale='fr_FR')}"


def _receipts(session: Session, till_id: uuid.UUID):
    by_sale: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sale_id, method, amount in session.execute(
        select(Payment.sale_id, Payment.method, Payment.amount_cents).where(
            Payment.till_id == till_id,
            Payment.amount_cents > 0,  # not a cancellation's reversal
        )
    ):
        by_sale[sale_id][method] += amount
    rows = session.execute(
        select(Sale, Family.reference, Family.display_name)
        .join(Family, Family.id == Sale.family_id)
        .where(Sale.till_id == till_id)
        .order_by(Sale.at, Sale.receipt_number)
    ).all()
    return tuple(
        JournalReceipt(
            number=sale.receipt_number,
            issued_at=sale.at,
            family_reference=reference,
            family_name=name,
            cash_cents=by_sale[sale.id]["cash"],
            cheque_cents=by_sale[sale.id]["cheque"],
            card_cents=by_sale[sale.id]["card"],
            total_cents=sale.total_cents,
            cancelled=sale.cancelled_at is not None,
        )
        for sale, reference, name in rows
    )


def till_journal_data(store: Store, actor: Actor, till_id: uuid.UUID | None = None):
    """The journal of a session (the open one when `till_id` is None): provisional while the
    till is open, with the count, the difference and its explanation once closed."""

    actor.require(Permission.TILL_CLOSE)
    organisation = load_organisation(store)
    with store.read() as session:
        if till_id is None:
            till = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
        else:
            till = session.get(TillSession, till_id)
        if till is None:
            raise NotFound("Aucune caisse ouverte : choisissez une session dans l'historique.")
        state: TillState = state_of(session, till)
        counted = till.counted_cash_cents
        closed = till.closed_at is not None
        expected = till.expected_cash_cents if closed else state.expected_cash_cents
        signer = till.closed_by if closed else (till.held_by or till.opened_by)
        people = People(session)
        return TillJournalData(
            organisation=organisation,
            title=journal_title(till.opened_at),
            till_label=f"{organisation.regie_name or 'Régie'} — {receipt_series_name(session)}",
            agent_name=people.label(till.opened_by, with_role=True),
            opened_at=till.opened_at,
            closed_at=till.closed_at,
            float_cents=till.float_cents,
            receipts=_receipts(session, till.id),
            expected_cash_cents=expected,
            counted_cash_cents=counted,
            difference_cents=None if counted is None else counted - expected,
            difference_note=till.difference_note,
            signed_by=people.label(signer),
            handovers=_handovers(session, till.id, people),
            notes=_recovered(session, till.id),
        )


def list_till_sessions(store: Store, actor: Actor, limit: int = 200) -> list[TillSummary]:
    """The latest sessions first, with their number of receipts and total received."""
    actor.require(Permission.TILL_CLOSE)
    with store.read() as session:
        tills = session.scalars(
            select(TillSession).order_by(TillSession.opened_at.desc()).limit(limit)
        ).all()
        counts: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0])
        if tills:
            for till_id, total in session.execute(
                select(Sale.till_id, Sale.total_cents).where(
                    Sale.till_id.in_([t.id for t in tills]), Sale.cancelled_at.is_(None)
                )
            ):
                counts[till_id][0] += 1
                counts[till_id][1] += total
        people = People(session)
        return [
            TillSummary(t.id, t.opened_at, people.label(t.opened_by), t.closed_at, *counts[t.id])
            for t in tills
        ]


def print_till_journal(store: Store, actor: Actor, till_id: uuid.UUID | None, out: Path) -> Path:
    return till_journal.render(till_journal_data(store, actor, till_id), out)
