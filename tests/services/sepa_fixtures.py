"""SEPA fixtures for the debit batch tests: the commune's creditor settings, a family's mandate
and invoices to debit, written as model rows (the mandate service comes with its own work and
will replace `give_mandate` / `debit_invoices` at merge)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date

from sqlalchemy import select

from eticket_desk.models import Invoice, SepaMandate
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation

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
    with store.write(admin) as session:
        values = {
            "family_id": family_id,
            "rum": f"RUM-NEUV-{number:06d}",
            "signed_on": date(2026, 9, 1),
            "recurrent": True,
            "debtor_name": "Jeanne Dupont",
            "street": "Rue des Écoles",
            "building_number": "12",
            "postcode": "74500",
            "town": "Neuvecelle",
            "country": "FR",
            "iban": IBANS[0],
            "bic": "",
            "first_debit_on": None,
            "last_debit_on": None,
            "amendment_pending": False,
            "original_iban": "",
            "original_debtor_name": "",
            "revoked_on": None,
            "revoked_reason": "",
            "created_at": session.info["now"],
            "by": admin.login,
            **fields,
        }
        mandate = SepaMandate(**values)
        session.add(mandate)
        session.flush()
        return mandate.id


def debit_invoices(store, admin, family_id, mandate_id, debit_date: date) -> list[uuid.UUID]:
    """The family's invoices set to be debited on `debit_date` from the mandate."""
    with store.write(admin) as session:
        invoices = session.scalars(
            select(Invoice).where(Invoice.family_id == family_id, Invoice.kind == "invoice")
        ).all()
        for invoice in invoices:
            invoice.mandate_id, invoice.debit_date = mandate_id, debit_date
        return [invoice.id for invoice in invoices]
