"""Cheque deposit slips (bordereaux de remise de chèques): the cheques not yet handed to the
trésorerie, a slip that takes them — each cheque on exactly one slip — and its PDF."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from eticket_desk.models import DepositSlip, Family, Payment, Sale
from eticket_desk.reports import deposit_slip
from eticket_desk.reports.deposit_slip import DepositSlipData, SlipCheque
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People, regie_title
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.numbering import next_number
from eticket_desk.services.core.store import Actor, Store


@dataclass(frozen=True)
class ChequeRow:
    payment_id: uuid.UUID
    received_at: datetime
    receipt_number: str
    family_reference: str
    family_name: str
    number: str
    bank: str
    drawer: str
    amount_cents: int


@dataclass(frozen=True)
class SlipSummary:
    id: uuid.UUID
    number: str
    made_at: datetime
    by: str
    cheques: int
    total_cents: int


def _cheques(session: Session, *where) -> list[ChequeRow]:
    rows = session.execute(
        select(Payment, Sale.receipt_number, Family.reference, Family.display_name)
        .outerjoin(Sale, Sale.id == Payment.sale_id)
        .outerjoin(Family, Family.id == Sale.family_id)
        .where(Payment.method == "cheque", *where)
        .order_by(Payment.at, Sale.receipt_number)
    ).all()
    return [
        ChequeRow(
            p.id,
            p.at,
            receipt or "",
            reference or "",
            name or "",
            p.cheque_number,
            p.cheque_bank,
            p.cheque_drawer,
            p.amount_cents,
        )
        for p, receipt, reference, name in rows
    ]


def undeposited_cheques(store: Store, actor: Actor) -> list[ChequeRow]:
    """Every cheque received and not yet on a slip, oldest first."""
    actor.require(Permission.TILL_CLOSE)
    with store.read() as session:
        return _cheques(
            session,
            Payment.deposit_slip_id.is_(None),
            Payment.amount_cents > 0,
            Sale.cancelled_at.is_(None),  # handed back to the family
        )


@changes(Topic.TILL)
def make_deposit_slip(store: Store, actor: Actor, payment_ids: list[uuid.UUID]) -> SlipSummary:
    """One transaction: the slip with its gapless number « B-YYYY-NNNN », and the cheques
    marked as deposited. A cheque already on another slip (made meanwhile on another desk)
    stops everything: nothing is written."""
    actor.require(Permission.TILL_CLOSE)
    ids = list(dict.fromkeys(payment_ids))
    if not ids:
        raise InvalidInput("Cochez au moins un chèque à remettre.")
    with store.write(actor) as session:
        now = session.info["now"]
        cheques = session.scalars(select(Payment).where(Payment.id.in_(ids))).all()
        cancelled = set(
            session.scalars(
                select(Sale.id).where(
                    Sale.id.in_({p.sale_id for p in cheques if p.sale_id}),
                    Sale.cancelled_at.is_not(None),
                )
            )
        )
        if (
            len(cheques) != len(ids)
            or any(p.method != "cheque" or p.amount_cents <= 0 for p in cheques)
            or any(p.sale_id in cancelled for p in cheques)
        ):
            raise NotFound("Un des chèques choisis n'existe plus : rouvrez la liste.")
        if any(p.deposit_slip_id is not None for p in cheques):
            raise DomainError(
                "Un des chèques choisis est déjà sur un autre bordereau : rouvrez la liste."
            )
        total = sum(p.amount_cents for p in cheques)
        number = f"B-{now.year}-{next_number(session, f'deposit-slip-{now.year}'):04d}"
        slip = DepositSlip(number=number, made_at=now, by=actor.login, total_cents=total)
        session.add(slip)
        session.flush()
        taken = session.execute(
            update(Payment)
            .where(Payment.id.in_(ids), Payment.deposit_slip_id.is_(None))
            .values(deposit_slip_id=slip.id)
        ).rowcount
        if taken != len(ids):  # another writer got there first: roll everything back
            raise DomainError(
                "Un des chèques choisis est déjà sur un autre bordereau : rouvrez la liste."
            )
        record(
            session,
            "create",
            "deposit_slip",
            slip.id,
            f"Bordereau {number} : {len(ids)} chèque(s), {format_cents(total)}",
            cheques=len(ids),
            total_cents=total,
        )
        return SlipSummary(slip.id, number, now, actor.login, len(ids), total)


def list_deposit_slips(store: Store, actor: Actor, limit: int = 200) -> list[SlipSummary]:
    """The latest slips first, to print one again."""
    actor.require(Permission.TILL_CLOSE)
    with store.read() as session:
        counts = (
            select(Payment.deposit_slip_id, func.count().label("n"))
            .where(Payment.deposit_slip_id.is_not(None))
            .group_by(Payment.deposit_slip_id)
            .subquery()
        )
        rows = session.execute(
            select(DepositSlip, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.deposit_slip_id == DepositSlip.id)
            .order_by(DepositSlip.made_at.desc(), DepositSlip.number.desc())
            .limit(limit)
        ).all()
        people = People(session)
        return [
            SlipSummary(s.id, s.number, s.made_at, people.label(s.by), n, s.total_cents)
            for s, n in rows
        ]


def deposit_slip_data(store: Store, actor: Actor, slip_id: uuid.UUID):
    """What the printed slip shows."""

    actor.require(Permission.TILL_CLOSE)
    organisation = load_organisation(store)
    with store.read() as session:
        slip = session.get(DepositSlip, slip_id)
        if slip is None:
            raise NotFound("Ce bordereau n'existe pas.")
        people = People(session)
        agent = people.label(slip.by)
        person = people.person(slip.by)
        cheques = _cheques(session, Payment.deposit_slip_id == slip.id)
        return DepositSlipData(
            organisation=organisation,
            slip_number=slip.number,
            made_at=slip.made_at,
            agent_name=agent,
            signer_title=regie_title(person.civility if person else ""),
            cheques=tuple(
                SlipCheque(c.number, c.bank, c.drawer, c.amount_cents, c.receipt_number)
                for c in cheques
            ),
            total_cents=slip.total_cents,
        )


def print_deposit_slip(store: Store, actor: Actor, slip_id: uuid.UUID, out: Path) -> Path:
    return deposit_slip.render(deposit_slip_data(store, actor, slip_id), out)
