"""SEPA sample data for screenshots and benchmarks: the commune's creditor settings, a mandate
for the families of an invoice run and its invoices set to be debited. Written as model rows
(a mandate service comes with the mandates' own work; switch to it at merge)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta

from sqlalchemy import insert, select, update

from eticket_desk.ids import new_id
from eticket_desk.models import Adult, Family, Invoice, Organisation, SepaMandate
from eticket_desk.rules.sepa import MANDATE_SERIES, make_rum
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.core.numbering import take_numbers
from eticket_desk.services.core.store import Actor, Store

ICS = "FR72ZZZ123456"
COMMUNE_IBAN = "FR7630006000011234567890189"
COMMUNE_BIC = "AGRIFRPPXXX"
IBANS = ("FR1420041010050500013M02606", "FR7610107001011234567890129")


def set_creditor(store: Store, actor: Actor, version: str = "pain.008.001.02") -> None:
    data = load_organisation(store)
    save_organisation(
        store,
        actor,
        dataclasses.replace(
            data,
            sepa_ics=ICS,
            sepa_iban=COMMUNE_IBAN,
            sepa_bic=COMMUNE_BIC,
            sepa_pain_version=version,
        ),
    )


def mandates_for_run(
    store: Store, actor: Actor, run_id: uuid.UUID, debit_day: date, share: int = 1
) -> int:
    """A mandate for one family in `share` of the run (all by default), from the billing
    adult's address; their invoices of the run debited on `debit_day`. Every seventh mandate
    was already used (RCUR), every thirteenth is one-off. Returns the mandates made."""
    with store.write(actor) as session:
        now = session.info["now"]
        families = sorted(
            set(session.scalars(select(Invoice.family_id).where(Invoice.run_id == run_id)))
        )[::share]
        adults = {
            a.family_id: a
            for a in session.scalars(
                select(Adult).where(Adult.billing.is_(True), Adult.family_id.in_(families))
            )
        }
        ics = session.scalar(select(Organisation.sepa_ics)) or ""
        query = select(Family.id, Family.reference).where(Family.id.in_(families))
        references = dict(session.execute(query).tuples().all())
        # The RUMs of the mandate service's own series, so mandates signed later follow them.
        first = take_numbers(session, MANDATE_SERIES, len(families))
        rows, by_family = [], {}
        for index, family_id in enumerate(families):
            adult = adults.get(family_id)
            if adult is None:
                continue
            number, _, street = (adult.address1 or "1 place de la Mairie").partition(" ")
            if not number.isdigit():
                number, street = "", adult.address1 or "Place de la Mairie"
            used = index % 7 == 3
            mandate_id = new_id()
            by_family[family_id] = mandate_id
            rows.append(
                {
                    "id": mandate_id,
                    "family_id": family_id,
                    "rum": make_rum(ics, references[family_id], first + index),
                    "signed_on": debit_day - timedelta(days=60 + index % 300),
                    "recurrent": index % 13 != 5,
                    "debtor_name": f"{adult.first_name} {adult.last_name.upper()}"[:140],
                    "street": street[:70],
                    "building_number": number[:16],
                    "postcode": adult.postcode or "74500",
                    "town": (adult.city or "Neuvecelle")[:35],
                    "country": "FR",
                    "iban": IBANS[index % 2],
                    "bic": "",
                    "first_debit_on": debit_day - timedelta(days=30) if used else None,
                    "last_debit_on": debit_day - timedelta(days=30) if used else None,
                    "amendment_pending": False,
                    "original_iban": "",
                    "original_debtor_name": "",
                    "revoked_on": None,
                    "revoked_reason": "",
                    "created_at": now,
                    "by": actor.login,
                }
            )
        if rows:
            session.execute(insert(SepaMandate), rows)
        for family_id, mandate_id in by_family.items():
            session.execute(
                update(Invoice)
                .where(Invoice.run_id == run_id, Invoice.family_id == family_id)
                .values(mandate_id=mandate_id, debit_date=debit_day)
            )
        return len(rows)
