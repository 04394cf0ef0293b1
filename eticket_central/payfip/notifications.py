"""PayFiP's notification, server to server: the only thing that makes a payment count.

PayFiP posts the operation id (idop) to our urlnotif; the notification itself proves
nothing, so we ask PayFiP for the operation's detail (recupererDetailPaiementSecurise) and
check it against what we asked (client number, exercise, debt reference, amount). A detail
that does not match, an operation we never asked for: refused, nothing written. resultrans
P or V (card, direct debit) pays, in one transaction with our record's state: an invoice
through portal/confirmations (idempotent by the transaction, the surplus of a second payment
becoming credit), tickets as a payment for the sale (`to_sale_cents`) and the wallet's
purchase line. R or Z (refused) and A (abandoned) record nothing but our record's state;
P5 (the result is not known yet) leaves it pending. The same notification twice, or late,
pays once: the payment's id comes from the operation's."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from eticket_central.changes import flush_changes
from eticket_central.ops.payments import take_payment
from eticket_central.ops.registry import OpContext
from eticket_central.ops.wallet import wallet_entry
from eticket_central.payfip.soap import PayfipError, PaymentDetail, payment_detail, service_url
from eticket_central.payfip.table import ABANDONED, PAID, PENDING, REFUSED, PayfipTransaction
from eticket_central.portal.bookings import lock_wallet
from eticket_central.portal.confirmations import (
    ConfirmedTransaction,
    payment_id_of,
    record_confirmed_payment_in,
)
from eticket_desk.sync.protocol import WalletEntryPayload

log = logging.getLogger(__name__)
PROVIDER = "payfip"
RESULTS = {"P": PAID, "V": PAID, "R": REFUSED, "Z": REFUSED, "A": ABANDONED}


class NotificationRefused(Exception):  # noqa: N818 (a refusal, answered to PayFiP)
    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # 404: an operation we never asked for


@dataclass(frozen=True)
class Outcome:
    transaction_id: uuid.UUID
    state: str
    newly_paid: bool


def _mismatch(row: PayfipTransaction, detail: PaymentDetail) -> str:
    asked = (row.numcli, row.exer, row.refdet, row.amount_cents)
    said = (detail.numcli, detail.exer, detail.refdet, detail.montant)
    names = ("numcli", "exer", "refdet", "montant")
    return ", ".join(n for n, a, s in zip(names, asked, said, strict=True) if a != s)


def _pay_tickets(session, row: PayfipTransaction, paid_at: datetime, now: datetime) -> uuid.UUID:
    payment_id = payment_id_of(PROVIDER, row.idop)
    ctx = OpContext(row.tenant_id, None, payment_id)
    lock_wallet(session, row.tenant_id, row.family_id, row.ticket_type)
    take_payment(
        session,
        ctx,
        payment_id=payment_id,
        family_id=row.family_id,
        invoice_id=None,
        method="online",
        amount_cents=row.amount_cents,
        received_at=paid_at,
        details={"provider": PROVIDER, "transaction_id": row.idop, "refdet": row.refdet},
        now=now,
    )
    wallet_entry(
        session,
        ctx,
        WalletEntryPayload(
            entry_id=uuid.uuid5(payment_id, "tickets"),
            family_id=row.family_id,
            ticket_type=row.ticket_type,
            quantity=row.quantity,
            kind="purchase",
            reason=f"Achat en ligne PayFiP {row.refdet}",
            occurred_at=paid_at,
        ),
        now,
    )
    return payment_id


def _pay(session, row: PayfipTransaction, now: datetime) -> uuid.UUID:
    paid_at = now  # our clock's (PayFiP's dattrans/heurtrans say the same moment)
    if row.invoice_id is None:
        return _pay_tickets(session, row, paid_at, now)
    confirmed = ConfirmedTransaction(
        PROVIDER, row.idop, row.tenant_id, row.invoice_id, row.amount_cents, paid_at
    )
    answer = record_confirmed_payment_in(session, confirmed, now)
    return uuid.UUID(answer["payment_id"])


def handle_notification(state, idop: str) -> Outcome:
    """Checks the operation with PayFiP and records what it says (see the module)."""
    with state.sessions.begin() as session:
        row = session.execute(
            select(PayfipTransaction).where(PayfipTransaction.idop == idop)
        ).scalar_one_or_none()
        if row is None:
            raise NotificationRefused("Opération PayFiP inconnue : rien n'a été enregistré.", 404)
        transaction_id = row.id
    service = service_url(state.settings.payfip_url)
    try:
        detail = payment_detail(service, idop)  # outside any transaction
    except PayfipError as error:
        if error.code == "P5":  # the parent is still on PayFiP's page
            return Outcome(transaction_id, PENDING, False)
        raise
    now = state.clock.now()
    with state.sessions.begin() as session:
        row = session.execute(
            select(PayfipTransaction)
            .where(PayfipTransaction.id == transaction_id)
            .with_for_update()
        ).scalar_one()
        wrong = _mismatch(row, detail)
        if wrong or detail.idop != idop:
            log.warning("PayFiP notification %s refused: %s differ", idop, wrong or "idop")
            raise NotificationRefused(
                f"Le détail PayFiP ne correspond pas à la demande ({wrong or 'idop'}) : "
                "rien n'a été enregistré."
            )
        result = RESULTS.get(detail.resultrans)
        if result is None:
            raise NotificationRefused(f"Résultat PayFiP inconnu « {detail.resultrans} ».")
        if row.state == PAID or result == PENDING:
            return Outcome(row.id, row.state, False)  # paid once: a repeat changes nothing
        row.resultrans, row.numauto, row.notified_at = detail.resultrans, detail.numauto, now
        row.state = result
        if result == PAID:
            row.payment_id = _pay(session, row, now)
            flush_changes(session, row.tenant_id, None, now)
        return Outcome(row.id, row.state, result == PAID)
