"""A family's SEPA mandate at the régie's desk: signed with a RUM from the series, refused in
French on a wrong IBAN or without the commune's ICS (nothing written), amended with its RUM
kept, revoked, one active at a time, in the journal with the account masked."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select

from eticket_desk.models import AuditEntry, SepaMandate
from eticket_desk.rules.errors import DomainError, PermissionDenied, ValidationFailed
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.invoicing.mandate_data import MandateInput, active_mandate
from eticket_desk.services.invoicing.mandates import (
    amend_mandate,
    current_mandate,
    list_mandates,
    new_mandate_form,
    revoke_mandate,
    sign_mandate,
)

ICS = "FR72ZZZ123456"
IBAN = "FR7630006000011234567890189"
OTHER_BANK = "FR7610107001011234567890129"


def with_ics(store, admin, ics=ICS):
    org = dataclasses.replace(load_organisation(store), name="Commune de Neuvecelle", sepa_ics=ics)
    save_organisation(store, admin, org)


def signed_form(store, admin, family, **changes) -> MandateInput:
    form = new_mandate_form(store, admin, family.id)
    return dataclasses.replace(form, **{"iban": IBAN, "signed_on": date(2026, 9, 10), **changes})


def mandate_count(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(SepaMandate))


def test_a_new_mandate_is_prefilled_from_the_billing_adult(store, admin, family):
    form = new_mandate_form(store, admin, family.id)
    assert (form.debtor_name, form.building_number, form.street) == (
        "Marie DUPONT",
        "12",
        "rue des Écoles",
    )
    assert (form.postcode, form.town, form.country) == ("74500", "NEUVECELLE", "FR")
    assert form.signed_on == date(2026, 9, 14) and form.recurrent


def test_a_signed_mandate_gets_its_rum_and_shows_the_account_masked(store, admin, family):
    with_ics(store, admin)
    info = sign_mandate(
        store,
        admin,
        family.id,
        signed_form(store, admin, family, iban=" fr76 3000 6000 0112 3456 7890 189"),
    )
    assert info.rum == f"123456-{family.reference}-000001"
    assert info.account == "FR76 •••• 0189"
    assert info.iban == IBAN and info.bic == "AGRIFRPPXXX"  # the bank's, found by schwifty
    assert info.state_label == "actif" and info.next_sequence == "FRST"
    assert current_mandate(store, admin, family.id).rum == info.rum


def test_a_wrong_iban_is_refused_in_french_and_nothing_is_written(store, admin, family):
    with_ics(store, admin)
    typo = IBAN[:-1] + "8"
    with pytest.raises(ValidationFailed) as refused:
        sign_mandate(store, admin, family.id, signed_form(store, admin, family, iban=typo))
    assert refused.value.errors["iban"].startswith("Cet IBAN n'est pas valide")
    assert mandate_count(store) == 0


def test_the_structured_address_is_required(store, admin, family):
    with_ics(store, admin)
    form = signed_form(store, admin, family, street=" ", town="", postcode="")
    with pytest.raises(ValidationFailed) as refused:
        sign_mandate(store, admin, family.id, form)
    assert set(refused.value.errors) == {"street", "town", "postcode"}
    assert "adresse structurée" in refused.value.errors["street"]


def test_no_mandate_without_the_communes_ics(store, admin, family):
    with pytest.raises(DomainError, match="Paramètres › Organisation"):
        sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    assert mandate_count(store) == 0


def test_an_agent_cannot_sign_a_mandate_but_sees_it(store, admin, agent, family):
    with_ics(store, admin)
    with pytest.raises(PermissionDenied, match="mandat de prélèvement SEPA"):
        sign_mandate(store, agent, family.id, signed_form(store, admin, family))
    sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    assert [m.account for m in list_mandates(store, agent, family.id)] == ["FR76 •••• 0189"]


def test_one_active_mandate_per_family(store, admin, family):
    with_ics(store, admin)
    first = sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    with pytest.raises(DomainError, match=f"déjà un mandat actif \\({first.rum}\\)"):
        sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    revoke_mandate(store, admin, first.id, date(2026, 9, 14), "Courrier de la famille")
    second = sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    assert second.rum.endswith("-000002")
    states = [(m.rum, m.state_label) for m in list_mandates(store, admin, family.id)]
    assert states == [(second.rum, "actif"), (first.rum, "révoqué le 14/09/2026")]


def test_an_amendment_keeps_the_rum_and_remembers_the_old_account(store, admin, family):
    with_ics(store, admin)
    signed = sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    with store.write(admin) as session:  # the mandate was used once already
        session.get(SepaMandate, signed.id).first_debit_on = date(2026, 10, 15)
    form = dataclasses.replace(signed.as_input(), iban=OTHER_BANK, debtor_name="Marie MARTIN")
    amended = amend_mandate(store, admin, signed.id, form)
    assert amended.rum == signed.rum
    assert amended.account == "FR76 •••• 0129" and amended.amendment_pending
    assert amended.bic == "BREDFRPP"  # the new bank's, not the old one left in the form
    assert amended.next_sequence == "FRST"  # another bank (SMNDA)
    with store.read() as session:
        row = session.get(SepaMandate, signed.id)
        assert (row.original_iban, row.original_debtor_name) == (IBAN, "Marie DUPONT")


def test_the_journal_never_holds_the_whole_iban(store, admin, family):
    with_ics(store, admin)
    signed = sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    amend_mandate(
        store, admin, signed.id, dataclasses.replace(signed.as_input(), iban=OTHER_BANK, bic="")
    )
    revoke_mandate(store, admin, signed.id, date(2026, 9, 14), "Départ de la commune")
    with store.read() as session:
        entries = list(
            session.scalars(select(AuditEntry).where(AuditEntry.entity == "sepa_mandate"))
        )
    text = " ".join(f"{e.summary} {e.details}" for e in entries)
    assert {e.action for e in entries} >= {"mandate_signed", "mandate_amended", "mandate_revoked"}
    assert "FR76 •••• 0189" in text and "FR76 •••• 0129" in text
    assert IBAN not in text and OTHER_BANK not in text
    assert "1234567890" not in text


def test_a_revocation_needs_a_reason_and_a_date_after_the_signature(store, admin, family):
    with_ics(store, admin)
    signed = sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    with pytest.raises(ValidationFailed) as refused:
        revoke_mandate(store, admin, signed.id, date(2026, 9, 1), " ")
    assert set(refused.value.errors) == {"revoked_on", "reason"}
    assert current_mandate(store, admin, family.id).is_active


def test_a_mandate_unused_for_36_months_lapses(store, admin, family):
    with_ics(store, admin)
    signed = sign_mandate(store, admin, family.id, signed_form(store, admin, family))
    with store.write(admin) as session:
        session.get(SepaMandate, signed.id).last_debit_on = date(2026, 9, 14)
    with store.read() as session:
        assert active_mandate(session, family.id, date(2029, 9, 13)) is not None
        assert active_mandate(session, family.id, date(2029, 9, 14)) is None
    store.clock.advance(days=(date(2029, 9, 14) - date(2026, 9, 14)).days)
    assert current_mandate(store, admin, family.id).state_label == (
        "caduc depuis le 14/09/2029 (inutilisé 36 mois)"
    )
