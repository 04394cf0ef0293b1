"""Online payments as the payment provider confirms them, server to server.

A parent's browser never records a payment: only the provider's confirmation does (PayFiP's
notification, wired by the portal issue, calls `record_confirmed_payment`). The payment's id
comes from (provider, provider's transaction id), so the same confirmation received twice is
one payment; the same transaction id coming back for another invoice, family, commune or
amount is refused without a word of the first payment (no other family's data ever leaks).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from eticket_central.changes import flush_changes
from eticket_central.models import Invoice, Payment
from eticket_central.ops.payments import take_payment
from eticket_central.ops.registry import OpContext

_PAYMENT_IDS = uuid.UUID("6f1d2c1e-55a8-4c1b-9d0e-7b7c6a3c2f10")


@dataclass(frozen=True)
class ConfirmedTransaction:
    """What the provider confirmed: its transaction, the invoice we sent it, the amount."""

    provider: str  # "payfip"
    transaction_id: str
    tenant_id: uuid.UUID
    invoice_id: uuid.UUID
    amount_cents: int
    paid_at: datetime


class TransactionRefused(Exception):  # noqa: N818 (a refusal, told to the provider's caller)
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def payment_id_of(provider: str, transaction_id: str) -> uuid.UUID:
    """One payment per provider transaction, whatever the commune or family."""
    return uuid.uuid5(_PAYMENT_IDS, f"{provider}:{transaction_id}")


def record_confirmed_payment(
    sessions: sessionmaker[Session], confirmed: ConfirmedTransaction, now: datetime
) -> dict[str, Any]:
    """Records the confirmed payment (idempotent) in one transaction; its answer, or
    TransactionRefused when the transaction id is another payment's or the invoice unknown."""
    with sessions.begin() as session:
        answer = record_confirmed_payment_in(session, confirmed, now)
        flush_changes(session, confirmed.tenant_id, None, now)
        return answer


def record_confirmed_payment_in(
    session: Session, confirmed: ConfirmedTransaction, now: datetime
) -> dict[str, Any]:
    """The same, inside the caller's transaction (PayFiP's notification marks its own record
    of the attempt in the same commit); the caller flushes the changes."""
    if confirmed.amount_cents <= 0:
        raise TransactionRefused("Montant confirmé nul ou négatif : rien n'a été enregistré.")
    payment_id = payment_id_of(confirmed.provider, confirmed.transaction_id)
    # Two confirmations of the same transaction at once: the second waits, then sees it.
    session.execute(select(func.pg_advisory_xact_lock(payment_id.int >> 65)))
    invoice = session.execute(
        select(Invoice).where(Invoice.id == confirmed.invoice_id).with_for_update()
    ).scalar_one_or_none()
    existing = session.get(Payment, payment_id)
    if existing is not None:
        if (
            existing.tenant_id,
            existing.invoice_id,
            existing.amount_cents,
        ) != (confirmed.tenant_id, confirmed.invoice_id, confirmed.amount_cents):
            raise TransactionRefused(
                f"La transaction {confirmed.provider} {confirmed.transaction_id} a déjà "
                "été enregistrée pour un autre paiement : rien n'a été enregistré, "
                "vérifiez la notification auprès du prestataire."
            )
    elif invoice is None or invoice.tenant_id != confirmed.tenant_id:
        raise TransactionRefused(
            f"La transaction {confirmed.provider} {confirmed.transaction_id} désigne une "
            "facture inconnue de cette commune : rien n'a été enregistré."
        )
    family_id = existing.family_id if existing is not None else invoice.family_id
    ctx = OpContext(confirmed.tenant_id, None, payment_id)
    answer = take_payment(
        session,
        ctx,
        payment_id=payment_id,
        family_id=family_id,
        invoice_id=confirmed.invoice_id,
        method="online",
        amount_cents=confirmed.amount_cents,
        received_at=confirmed.paid_at,
        details={
            "provider": confirmed.provider,
            "transaction_id": confirmed.transaction_id,
        },
        now=now,
    )
    return answer
