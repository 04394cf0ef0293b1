"""A parent's payment request to PayFiP: the exact amount left on an invoice, or tickets at
the family's price (portal/ticket_prices.py), sent with the commune's client number (numcli,
6 digits), the exercise, the debt reference (refdet), the amount in cents, the paying
guardian's e-mail and an object; saisie T in test mode, X in activation, W in production
(the organisation's setting at the desk). PayFiP answers an operation id (idOp); our record
of the attempt is written then (pending), and the parent is sent to PayFiP's page. Nothing
is paid here: only PayFiP's notification pays (notifications.py)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from eticket_central.models import Family, Invoice
from eticket_central.ops.invoice_prints import debit_days
from eticket_central.payfip.soap import create_payment, service_url
from eticket_central.payfip.table import PENDING, PayfipTransaction
from eticket_central.portal.ticket_prices import (
    MAX_TICKETS,
    offer_of,
    organisation,
    ticket_offers,
)
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.payfip import saisie_of

MIN_CENTS = 100  # PayFiP takes no card payment under 1,00 €
NOTIFICATION_PATH = "/payfip/notification"
RETURN_PATH = "/portail/paiements/{id}"


@dataclass(frozen=True)
class Payer:
    """Who asks: the commune and family (checked on every id), the guardian logged in."""

    tenant_id: uuid.UUID
    family_id: uuid.UUID
    adult_id: uuid.UUID | None


@dataclass(frozen=True)
class Started:
    transaction_id: uuid.UUID
    payment_page: str  # PayFiP's page, where the parent's browser goes


def _plain(text: str, limit: int) -> str:
    """PayFiP's objet: letters, digits and spaces, no accent."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9 ]+", " ", ascii_text).strip()[:limit]


def payfip_open(session, tenant_id: uuid.UUID) -> bool:
    """Whether the commune's desk set its PayFiP client number (the pages offer to pay)."""
    numcli = (organisation(session, tenant_id).get("payfip_id") or "").strip()
    return re.fullmatch(r"\d{6}", numcli) is not None


def _setup(session, tenant_id: uuid.UUID) -> tuple[str, str]:
    org = organisation(session, tenant_id)
    numcli = (org.get("payfip_id") or "").strip()
    if not re.fullmatch(r"\d{6}", numcli):  # rules.payfip.check_numcli at the desk
        raise DomainError(
            "Le paiement en ligne n'est pas ouvert dans cette commune : réglez au guichet."
        )
    return numcli, saisie_of(org.get("payfip_mode") or "test")


def _email(session, payer: Payer) -> str:
    family = session.get(Family, payer.family_id)
    adults = family.data.get("adults", []) if family is not None else []
    chosen = next((a for a in adults if a.get("id") == str(payer.adult_id)), None)
    chosen = chosen or next((a for a in adults if a.get("billing")), None) or {}
    email = (chosen.get("email") or "").strip()
    if "@" not in email or not 6 <= len(email) <= 80:
        raise InvalidInput(
            "PayFiP envoie son reçu par e-mail : ajoutez votre adresse e-mail dans votre "
            "dossier (ou à la mairie) avant de payer en ligne."
        )
    return email


def _invoice_request(session, payer: Payer, invoice_id: uuid.UUID) -> dict:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or (invoice.tenant_id, invoice.family_id) != (
        payer.tenant_id,
        payer.family_id,
    ):
        raise NotFound("Facture introuvable.")
    due = invoice.amount_cents - invoice.paid_cents
    if invoice.cancelled_at is not None:
        raise DomainError("Cette facture a été annulée par un avoir : il n'y a rien à payer.")
    if due <= 0:
        raise DomainError("Cette facture est déjà payée.")
    debit_on = debit_days(session, [invoice.id]).get(invoice.id)
    if debit_on is not None:
        raise DomainError(
            f"Cette facture sera prélevée le {debit_on:%d/%m/%Y} sur votre compte (mandat SEPA) : "
            "il n'y a rien à payer en ligne."
        )
    return {
        "invoice_id": invoice.id,
        "amount_cents": due,
        # PayFiP's debt reference: 6 to 30 letters or digits (the invoice number's).
        "refdet": _plain(invoice.number, 30).replace(" ", "").ljust(6, "0"),
        "objet": _plain(f"Facture {invoice.number}", 100),
    }


def _tickets_request(session, payer: Payer, code: str, quantity: int, now: datetime) -> dict:
    if not 0 < quantity <= MAX_TICKETS:
        raise InvalidInput(f"Le nombre de tickets doit être compris entre 1 et {MAX_TICKETS}.")
    offer = offer_of(ticket_offers(session, payer.tenant_id, payer.family_id, now.date()), code)
    if offer.price.unit_cents <= 0:
        raise DomainError("Ces tickets sont gratuits : rien à payer en ligne.")
    return {
        "ticket_type": offer.code,
        "quantity": quantity,
        "unit_cents": offer.price.unit_cents,
        "amount_cents": offer.price.unit_cents * quantity,
        "refdet": f"TK{now:%Y%m%d%H%M%S}{uuid.uuid4().hex[:8].upper()}",
        "objet": _plain(f"Achat de {quantity} tickets {offer.name}", 100),
    }


def start_payment(
    state, payer: Payer, base_url: str, *, invoice_id=None, ticket_type="", quantity=0
) -> Started:
    """Asks PayFiP for an operation; raises DomainError (French) when nothing may be paid,
    PayfipError when PayFiP cannot be reached or refuses (nothing written then)."""
    now = state.clock.now()
    with state.sessions.begin() as session:
        # The id first: another family's invoice is unknown, whatever else is missing.
        if invoice_id is not None:
            what = _invoice_request(session, payer, invoice_id)
        else:
            what = _tickets_request(session, payer, ticket_type, quantity, now)
        numcli, saisie = _setup(session, payer.tenant_id)
        email = _email(session, payer)
    if what["amount_cents"] < MIN_CENTS:
        raise DomainError(
            f"PayFiP n'accepte pas de paiement sous {format_cents(MIN_CENTS)} : "
            "réglez ce montant au guichet (ou achetez plus de tickets)."
        )
    transaction_id = uuid.uuid4()
    base = (state.settings.public_url or base_url).rstrip("/")
    fields = {
        "exer": str(now.year),
        "mel": email,
        "montant": str(what["amount_cents"]),
        "numcli": numcli,
        "objet": what["objet"],
        "refdet": what["refdet"],
        "saisie": saisie,
        "urlnotif": base + NOTIFICATION_PATH,
        "urlredirect": base + RETURN_PATH.format(id=transaction_id),
    }
    page = state.settings.payfip_url
    idop = create_payment(service_url(page), fields)  # outside any transaction
    with state.sessions.begin() as session:
        session.add(
            PayfipTransaction(
                id=transaction_id,
                idop=idop,
                tenant_id=payer.tenant_id,
                family_id=payer.family_id,
                adult_id=payer.adult_id,
                invoice_id=what.get("invoice_id"),
                ticket_type=what.get("ticket_type"),
                quantity=what.get("quantity"),
                unit_cents=what.get("unit_cents"),
                numcli=numcli,
                exer=fields["exer"],
                refdet=what["refdet"],
                saisie=saisie,
                amount_cents=what["amount_cents"],
                email=email,
                objet=what["objet"],
                state=PENDING,
                created_at=now,
                resultrans="",
                numauto="",
            )
        )
    return Started(transaction_id, f"{page}?idop={idop}")


def transaction_of(session, payer: Payer, transaction_id: uuid.UUID) -> PayfipTransaction:
    """The parent's own attempt (another family's, or none: NotFound alike)."""
    found = session.execute(
        select(PayfipTransaction).where(PayfipTransaction.id == transaction_id)
    ).scalar_one_or_none()
    if found is None or (found.tenant_id, found.family_id) != (payer.tenant_id, payer.family_id):
        raise NotFound("Paiement introuvable.")
    return found
