"""A debit the bank returned (R-transaction): entered per item with its ISO 20022 reason code.
The debit payment is reversed by a new, negative payment (payments are never edited), so the
invoice is unpaid again, with the reject noted on the item; past its due date it is in the
overdue list and the reminder follows. Two rejects in twelve months flag the family; an
MD01, MD07 or AC04 reject suggests revoking the mandate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from eticket_desk.ids import new_id
from eticket_desk.models import DebitItem, Family, Invoice, Payment, PaymentAllocation
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.sepa_rejects import (
    FLAG_WINDOW_DAYS,
    check_reject_code,
    reject_label,
    repeated_rejects,
    suggests_revocation,
)
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import PaymentsMade, emit


@dataclass(frozen=True)
class RejectRecorded:
    family_id: uuid.UUID
    invoice_number: str
    amount_cents: int
    reason: str  # « AM04 — Provision insuffisante »
    family_flagged: bool  # two rejects or more in twelve months
    revoke_suggested: bool  # no mandate, debtor deceased, account closed

    @property
    def message(self) -> str:
        text = (
            f"Rejet enregistré : la facture {self.invoice_number} "
            f"({format_cents(self.amount_cents)}) est de nouveau à régler ({self.reason})."
        )
        if self.family_flagged:
            text += " Cette famille a au moins deux rejets en douze mois."
        if self.revoke_suggested:
            text += " Ce motif rend le mandat inutilisable : révoquez-le dans le dossier."
        return text


@changes(Topic.DEBITS, Topic.INVOICES, lambda call: FamilyTopic(call.result.family_id))
def record_reject(
    store: Store, actor: Actor, item_id: uuid.UUID, code: str, note: str = ""
) -> RejectRecorded:
    actor.require(Permission.INVOICE_RUN)
    code = check_reject_code(code)
    with store.write(actor) as session:
        now = session.info["now"]
        item = session.get(DebitItem, item_id)
        if item is None:
            raise NotFound("Ce prélèvement n'existe pas (ou plus).")
        invoice = session.get(Invoice, item.invoice_id)
        if item.state == "rejete":
            raise DomainError(
                f"Le prélèvement de la facture {invoice.number} est déjà rejeté "
                f"({reject_label(item.reject_code)})."
            )
        original = session.get(Payment, item.payment_id)
        reversal = Payment(
            id=new_id(),
            sale_id=None,
            till_id=None,
            at=now,
            method=original.method,
            amount_cents=-original.amount_cents,
            given_cents=None,
            change_cents=None,
        )
        session.add(reversal)
        session.add(
            PaymentAllocation(
                id=new_id(),
                invoice_id=invoice.id,
                payment_id=reversal.id,
                credit_entry_id=None,
                amount_cents=-item.amount_cents,
                at=now,
                by=actor.login,
            )
        )
        reason = reject_label(code)
        item.state, item.reject_code = "rejete", code
        item.reject_reason = f"{reason} — {note.strip()}" if note.strip() else reason
        item.rejected_at, item.reversal_payment_id = now, reversal.id
        emit(session, PaymentsMade((reversal.id,)))
        family = session.get(Family, item.family_id)
        record(
            session,
            "debit_reject",
            "debit_item",
            item.id,
            f"Rejet du prélèvement de la facture {invoice.number} ({family.reference}, "
            f"{format_cents(item.amount_cents)}) : {reason}",
            code=code,
            amount_cents=item.amount_cents,
        )
        session.flush()
        flagged = repeated_rejects(_reject_days(session, family.id, now), now.date())
        return RejectRecorded(
            family.id,
            invoice.number,
            item.amount_cents,
            reason,
            flagged,
            suggests_revocation(code),
        )


def _reject_days(session, family_id: uuid.UUID, now) -> list:
    since = now - timedelta(days=FLAG_WINDOW_DAYS + 1)
    return [
        at.date()
        for at in session.scalars(
            select(DebitItem.rejected_at).where(
                DebitItem.family_id == family_id, DebitItem.rejected_at > since
            )
        )
    ]


@dataclass(frozen=True)
class RejectFlag:
    """A family's rejects of the last twelve months, for its dossier's header."""

    count: int
    flagged: bool
    last_reason: str

    @property
    def text(self) -> str:
        return (
            f"⚠ {self.count} prélèvements rejetés en 12 mois (dernier : {self.last_reason})"
            if self.flagged
            else ""
        )


def reject_flag(store: Store, actor: Actor, family_id: uuid.UUID) -> RejectFlag:
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        now = store.clock.now()
        days = _reject_days(session, family_id, now)
        last = session.scalar(
            select(DebitItem.reject_code)
            .where(DebitItem.family_id == family_id, DebitItem.rejected_at.is_not(None))
            .order_by(DebitItem.rejected_at.desc())
        )
    return RejectFlag(
        len(days), repeated_rejects(days, now.date()), reject_label(last) if last else ""
    )
