"""The receipt e-mail after PayFiP confirmed a payment: to the paying guardian's e-mail (the
one sent to PayFiP), in French, with the amount, the invoice or the tickets and PayFiP's
transaction number. Sent after the payment's commit; a mail that cannot leave is logged and
never undoes the payment (PayFiP sends its own receipt too)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eticket_central.mail import MailError, send_mail
from eticket_central.models import Invoice
from eticket_central.payfip.table import PAID, PayfipTransaction
from eticket_central.portal.ticket_prices import organisation, records
from eticket_desk.rules.money import format_cents

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    to: str
    subject: str
    text: str


def what_was_paid(session: Session, row: PayfipTransaction) -> str:
    """« facture F-2026-000123 » or « 10 tickets Cantine à 4,10 € »."""
    if row.invoice_id is not None:
        invoice = session.get(Invoice, row.invoice_id)
        return f"facture {invoice.number if invoice is not None else row.refdet}"
    names = {t["code"]: t["name"] for t in records(session, row.tenant_id, "ticket_type")}
    name = names.get(row.ticket_type, row.ticket_type)
    return f"{row.quantity} tickets {name} à {format_cents(row.unit_cents or 0)}"


def compose_receipt(session: Session, transaction_id: uuid.UUID) -> Receipt | None:
    """The receipt of a paid attempt (None when it is not paid)."""
    row = session.get(PayfipTransaction, transaction_id)
    if row is None or row.state != PAID:
        return None
    commune = organisation(session, row.tenant_id).get("name") or "la mairie"
    amount = format_cents(row.amount_cents)
    what = what_was_paid(session, row)
    subject = f"Paiement reçu : {what} ({amount})"
    lines = [
        "Bonjour,",
        "",
        f"{commune} a bien reçu votre paiement en ligne de {amount} : {what}.",
        "",
        f"Montant payé : {amount}",
        f"Référence de la dette : {row.refdet}",
        f"Transaction PayFiP : {row.idop}",
    ]
    if row.numauto:
        lines.append(f"Numéro d'autorisation : {row.numauto}")
    if row.invoice_id is None:
        lines += ["", "Les tickets sont dans votre porte-monnaie : vous pouvez réserver."]
    lines += [
        "",
        "Ce message est envoyé automatiquement ; gardez-le comme justificatif.",
        f"{commune}",
    ]
    return Receipt(row.email, subject, "\n".join(lines))


def send_receipt(state, transaction_id: uuid.UUID) -> bool:
    """Composes the receipt from the committed record and sends it (True when it left)."""
    with state.sessions.begin() as session:
        receipt = compose_receipt(session, transaction_id)
    if receipt is None:
        return False
    try:
        return send_mail(state, receipt.to, receipt.subject, receipt.text)
    except MailError as error:
        log.warning("Reçu PayFiP %s non envoyé : %s", transaction_id, error)
        return False
