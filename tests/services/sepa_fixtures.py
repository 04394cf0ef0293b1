"""SEPA fixtures for the debit batch tests: the commune's creditor settings, a family's mandate
signed through the mandate service, and (for invoices issued before their mandate) the debit
day set on invoices already issued."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date

from sqlalchemy import select

from eticket_desk.models import Invoice, SepaMandate
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.invoicing.mandate_data import MandateInput
from eticket_desk.services.invoicing.mandates import sign_mandate

ICS = "FR72ZZZ123456"
COMMUNE_IBAN = "FR7630006000011234567890189"  # Crédit Agricole, AGRIFRPPXXX
COMMUNE_BIC = "AGRIFRPPXXX"
IBANS = ("FR1420041010050500013M02606", "FR7610107001011234567890129")  # La Poste, BRED


def set_creditor(store, admin, version: str = "pain.008.001.02", **fields) -> None:
    data = load_organisation(store)
    values = {
        "sepa_ics": ICS,
        "sepa_iban": COMMUNE_IBAN,
        "sepa_bic": COMMUNE_BIC,
        "sepa_pain_version": version,
        **fields,
    }
    save_organisation(store, admin, dataclasses.replace(data, **values))


def give_mandate(store, admin, family_id: uuid.UUID, number: int = 1, **fields) -> uuid.UUID:
    """The family's mandate, signed through the mandate service (RUM from its series, IBAN
    checked). `fields` may name the form's fields (debtor_name, iban, bic, recurrent…) and the
    state a past debit left (first_debit_on, last_debit_on), set on the row afterwards as an
    earlier batch would have."""
    past = {k: fields.pop(k) for k in ("first_debit_on", "last_debit_on") if k in fields}
    form = MandateInput(
        debtor_name="Jeanne Dupont",
        street="Rue des Écoles",
        building_number="12",
        postcode="74500",
        town="Neuvecelle",
        country="FR",
        iban=IBANS[0],
        bic="",
        signed_on=date(2026, 9, 1),
        recurrent=True,
    )
    signed = sign_mandate(store, admin, family_id, dataclasses.replace(form, **fields))
    if past:
        with store.write(admin) as session:
            mandate = session.get(SepaMandate, signed.id)
            for name, value in past.items():
                setattr(mandate, name, value)
    return signed.id


def debit_invoices(store, admin, family_id, mandate_id, debit_date: date) -> list[uuid.UUID]:
    """The family's invoices set to be debited on `debit_date` from the mandate."""
    with store.write(admin) as session:
        invoices = session.scalars(
            select(Invoice).where(Invoice.family_id == family_id, Invoice.kind == "invoice")
        ).all()
        for invoice in invoices:
            invoice.mandate_id, invoice.debit_date = mandate_id, debit_date
        return [invoice.id for invoice in invoices]
