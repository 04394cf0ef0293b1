"""An invoice of a family on SEPA direct debit: the run sets its mandate and debit day (issue
date + the organisation's delay, on a TARGET2 business day), and its PDF says « Montant
prélevé le … sur le compte FR76 •••• … » with the RUM and the ICS instead of the cheque
coupon; a family without a mandate keeps its coupon; a credit note is unchanged."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from pypdf import PdfReader
from sqlalchemy import select

from eticket_desk.models import Invoice
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.invoicing.documents import print_invoice, write_run_pdfs
from eticket_desk.services.invoicing.mandates import (
    new_mandate_form,
    revoke_mandate,
    sign_mandate,
)
from eticket_desk.services.invoicing.run import credit_note, issue_run
from eticket_desk.sync.printed_invoices import printed_invoices
from tests.conftest import validated_family
from tests.services.test_invoicing import DAYS, NOVEMBER, _book, canteen  # noqa: F401

IBAN = "FR7630006000011234567890189"


def _text(path) -> str:
    """The PDF's words, one space between each (a wrapped line reads as one sentence)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def _town_on_debit(store, admin, schools, canteen, clock):  # noqa: F811
    org = load_organisation(store)
    save_organisation(
        store,
        admin,
        dataclasses.replace(
            org, name="Commune de Neuvecelle", sepa_ics="FR72ZZZ123456", sepa_debit_delay_days=12
        ),
    )
    debited = validated_family(store, admin, schools, last_name="Dupont")
    paying = validated_family(store, admin, schools, last_name="Martin")
    form = dataclasses.replace(new_mandate_form(store, admin, debited.id), iban=IBAN)
    mandate = sign_mandate(store, admin, debited.id, form)
    for family in (debited, paying):
        _book(store, admin, family.children[0], canteen, DAYS[:4])
    clock.current = datetime(2026, 12, 1, 9, 0)  # Tuesday; + 12 days = Sunday 13 December
    return debited, paying, mandate


def test_the_run_sets_the_mandate_and_the_debit_day(store, admin, schools, canteen, clock):  # noqa: F811
    debited, paying, mandate = _town_on_debit(store, admin, schools, canteen, clock)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        rows = {i.family_id: i for i in session.scalars(select(Invoice))}
    assert rows[debited.id].mandate_id == mandate.id
    assert rows[debited.id].debit_date == date(2026, 12, 14)  # Monday, the next business day
    assert (rows[paying.id].mandate_id, rows[paying.id].debit_date) == (None, None)


def test_the_debited_invoice_prints_the_notice_and_no_coupon(
    store,
    admin,
    schools,
    canteen,  # noqa: F811
    clock,
    tmp_path,
):
    debited, paying, mandate = _town_on_debit(store, admin, schools, canteen, clock)
    result = issue_run(store, admin, NOVEMBER)
    files, _merged = write_run_pdfs(store, admin, result.run_id, tmp_path / "run")
    by_family = {}
    with store.read() as session:
        for invoice in session.scalars(select(Invoice)):
            by_family[invoice.family_id] = invoice.number
    debited_text = _text(tmp_path / "run" / f"{by_family[debited.id]}.pdf")
    assert "Montant prélevé le 14/12/2026 sur le compte FR76 •••• 0189 : 18,40 €" in debited_text
    assert f"Référence unique du mandat (RUM) : {mandate.rum}" in debited_text
    assert "Identifiant créancier SEPA (ICS) : FR72ZZZ123456" in debited_text
    assert "Coupon à joindre" not in debited_text and "Comment payer" not in debited_text
    paying_text = _text(tmp_path / "run" / f"{by_family[paying.id]}.pdf")
    assert "Coupon à joindre" in paying_text and "Comment payer" in paying_text
    assert "prélevé" not in paying_text


def test_the_printed_copy_for_the_portal_carries_the_debit(store, admin, schools, canteen, clock):  # noqa: F811
    debited, paying, mandate = _town_on_debit(store, admin, schools, canteen, clock)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        invoices = list(session.scalars(select(Invoice)))
        printed = printed_invoices(session, invoices)
    by_family = {i.family_id: printed[i.id] for i in invoices}
    assert by_family[debited.id]["debit"] == {
        "debit_on": "2026-12-14",
        "account": "FR76 •••• 0189",
        "rum": mandate.rum,
        "ics": "FR72ZZZ123456",
    }
    assert by_family[paying.id].get("debit") is None


def test_a_credit_note_of_a_debited_invoice_has_no_notice(
    store,
    admin,
    schools,
    canteen,  # noqa: F811
    clock,
    tmp_path,
):
    debited, _paying, mandate = _town_on_debit(store, admin, schools, canteen, clock)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        invoice = session.scalar(select(Invoice).where(Invoice.family_id == debited.id))
    number = credit_note(store, admin, invoice.id, "Erreur de pointage")
    with store.read() as session:
        note = session.scalar(select(Invoice).where(Invoice.number == number))
    text = _text(print_invoice(store, admin, note.id, tmp_path / "avoir.pdf"))
    assert "AVOIR" in text and "prélevé" not in text


def test_a_revoked_mandate_gives_the_coupon_back(store, admin, schools, canteen, clock, tmp_path):  # noqa: F811
    debited, _paying, mandate = _town_on_debit(store, admin, schools, canteen, clock)
    revoke_mandate(store, admin, mandate.id, date(2026, 11, 30), "Courrier de la famille")
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        invoice = session.scalar(select(Invoice).where(Invoice.family_id == debited.id))
        assert invoice.mandate_id is None
    text = _text(print_invoice(store, admin, invoice.id, tmp_path / "f.pdf"))
    assert "Coupon à joindre" in text
