"""What a SEPA debit batch would hold, shown before it is exported: the invoices to debit with
their mandate and sequence type, the totals per sequence type, and what is left out and why.
The export (debit_export) builds the batch from the very same selection."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from eticket_desk.models import DebitItem, Family, Invoice, InvoiceRun, SepaMandate
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.sepa import SEQUENCE_LABELS, MandateState, mandate_state, sequence_type
from eticket_desk.rules.text import first_upper
from eticket_desk.services.catalogue.organisation import organisation_data
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.run import settled_by_invoice

SEQUENCE_ORDER = ("FRST", "RCUR", "OOFF")


@dataclass(frozen=True)
class Debtor:
    """The mandate as the file carries it."""

    mandate_id: uuid.UUID
    rum: str
    signed_on: date
    name: str
    iban: str
    bic: str
    street: str
    building_number: str
    postcode: str
    town: str
    country: str
    amended_from_iban: str = ""  # the account before an amendment not yet announced


@dataclass(frozen=True)
class DebitLine:
    invoice_id: uuid.UUID
    invoice_number: str
    period_label: str
    family_id: uuid.UUID
    family_label: str  # « F00042 DUPONT Jean »
    debtor: Debtor
    amount_cents: int
    sequence_type: str  # FRST, RCUR, OOFF
    collection_date: date


@dataclass(frozen=True)
class LeftOut:
    invoice_number: str
    family_label: str
    amount_cents: int
    reason: str  # French, « mandat révoqué le 03/11/2026 (changement de banque) »


@dataclass(frozen=True)
class SequenceTotal:
    sequence_type: str
    label: str  # « Premier prélèvement (FRST) »
    count: int
    total_cents: int


@dataclass(frozen=True)
class DebitPreview:
    run_id: uuid.UUID | None
    run_label: str  # « Novembre 2026 (n° 11) » or « toutes les factures à prélever »
    pain_version: str
    lines: tuple[DebitLine, ...]
    totals: tuple[SequenceTotal, ...]
    left_out: tuple[LeftOut, ...]
    problem: str  # why nothing can be exported (no ICS, no IBAN), or ""

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


def preview_batch(store: Store, actor: Actor, run_id: uuid.UUID | None = None) -> DebitPreview:
    """The batch of `run_id` (or of every invoice due for debit not yet in a batch)."""
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        return collect(session, run_id, store.clock.today())


def collection_day(debit_date: date, today: date) -> date:
    """The day asked of the bank: the invoice's debit day, or tomorrow when it has passed."""
    return max(debit_date, today + timedelta(days=1))


def _run_label(run: InvoiceRun | None) -> str:
    if run is None:
        return "toutes les factures à prélever"
    number = f" (n° {run.number_in_year})" if run.number_in_year else ""
    return f"{first_upper(run.period_label)}{number}"


def _problem(org) -> str:
    missing = [
        what
        for what, value in (("l'ICS (identifiant créancier SEPA)", org.sepa_ics),)
        + (("l'IBAN de la commune", org.sepa_iban),)
        if not value
    ]
    if not missing:
        return ""
    return (
        f"Il manque {' et '.join(missing)} dans Paramètres › Organisation : "
        "aucun fichier de prélèvement ne peut être préparé."
    )


def _left_out_reason(invoice, mandate, left: int, cancelled: bool, today: date) -> str:
    if cancelled:
        return "facture annulée par un avoir"
    if invoice.total_cents <= 0:
        return "montant nul"
    if left <= 0:
        return "facture déjà réglée"
    if mandate.revoked_on is not None:
        why = f" ({mandate.revoked_reason})" if mandate.revoked_reason else ""
        return f"mandat révoqué le {mandate.revoked_on:%d/%m/%Y}{why}"
    state = mandate_state(mandate.signed_on, mandate.last_debit_on, None, today, mandate.recurrent)
    if state is MandateState.LAPSED:
        return "mandat caduc : inutilisé depuis 36 mois"
    if state is MandateState.USED:
        return f"mandat ponctuel déjà utilisé le {mandate.last_debit_on:%d/%m/%Y}"
    if not (mandate.town.strip() and mandate.postcode.strip() and mandate.country.strip()):
        return "adresse du débiteur incomplète dans le mandat (code postal, ville, pays)"
    return ""


def collect(session, run_id: uuid.UUID | None, today: date) -> DebitPreview:
    org = organisation_data(session)
    run = None
    where = [
        Invoice.kind == "invoice",
        Invoice.mandate_id.is_not(None),
        Invoice.debit_date.is_not(None),
        ~Invoice.id.in_(select(DebitItem.invoice_id)),
    ]
    if run_id is not None:
        run = session.get(InvoiceRun, run_id)
        if run is None:
            raise NotFound("Cette facturation n'existe pas (ou plus).")
        where.append(Invoice.run_id == run_id)
    rows = session.execute(
        select(Invoice, SepaMandate, Family.reference, Family.display_name)
        .join(SepaMandate, SepaMandate.id == Invoice.mandate_id)
        .join(Family, Family.id == Invoice.family_id)
        .where(*where)
        .order_by(Invoice.number)
    ).all()
    ids = [row[0].id for row in rows]
    settled: dict[uuid.UUID, int] = {}
    cancelled: set[uuid.UUID] = set()
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        settled.update(settled_by_invoice(session, part))
        cancelled.update(
            session.scalars(select(Invoice.corrects_id).where(Invoice.corrects_id.in_(part)))
        )
    lines, left_out = [], []
    for invoice, mandate, reference, name in rows:
        family_label = f"{reference} {name}"
        left = invoice.total_cents - settled.get(invoice.id, 0)
        reason = _left_out_reason(invoice, mandate, left, invoice.id in cancelled, today)
        if reason:
            left_out.append(LeftOut(invoice.number, family_label, max(left, 0), reason))
            continue
        debtor = Debtor(
            mandate.id,
            mandate.rum,
            mandate.signed_on,
            mandate.debtor_name,
            mandate.iban,
            mandate.bic,
            mandate.street,
            mandate.building_number,
            mandate.postcode,
            mandate.town,
            mandate.country,
            mandate.original_iban if mandate.amendment_pending else "",
        )
        lines.append(
            DebitLine(
                invoice.id,
                invoice.number,
                invoice.period_label,
                invoice.family_id,
                family_label,
                debtor,
                left,
                sequence_type(
                    mandate.recurrent,
                    mandate.first_debit_on,
                    mandate.amendment_pending,
                    mandate.original_iban,
                    mandate.iban,
                ).value,
                collection_day(invoice.debit_date, today),
            )
        )
    return DebitPreview(
        run_id,
        _run_label(run),
        org.sepa_pain_version,
        tuple(lines),
        _totals(lines),
        tuple(left_out),
        _problem(org),
    )


def _totals(lines: list[DebitLine]) -> tuple[SequenceTotal, ...]:
    count: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for line in lines:
        count[line.sequence_type] += 1
        total[line.sequence_type] += line.amount_cents
    return tuple(
        SequenceTotal(kind, f"{SEQUENCE_LABELS[kind]} ({kind})", count[kind], total[kind])
        for kind in SEQUENCE_ORDER
        if count[kind]
    )
