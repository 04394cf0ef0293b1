"""The pre-filled SEPA mandate form: one A4 page with the creditor, its ICS, the RUM, the
debtor and the account to sign for, the type of payment ticked, the debtor's rights (refund
within 8 weeks), « Fait à … le … » and the signature box; and the debit notice of an invoice
instead of its coupon."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader

from eticket_desk.reports import invoice as invoice_pdf
from eticket_desk.reports import sepa_mandate
from eticket_desk.reports.inputs import OrganisationData
from eticket_desk.reports.invoice import InvoiceData, InvoiceLine, children_of
from eticket_desk.reports.invoice_debit import DebitNotice
from eticket_desk.reports.sepa_mandate import MandateForm

ORG = OrganisationData(
    name="Commune de Neuvecelle",
    address1="1 place de la Mairie",
    postcode="74500",
    city="Neuvecelle",
    sepa_ics="FR72ZZZ123456",
)


def _words(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def _form(**changes) -> MandateForm:
    values = dict(
        organisation=ORG,
        rum="123456-F00042-000007",
        debtor_name="Camille LEFÈVRE",
        street="8 chemin des Vignes",
        postcode="74500",
        town="NEUVECELLE",
        country="FR",
        iban="FR76 3000 6000 0112 3456 7890 189",
        bic="AGRIFRPPXXX",
        recurrent=True,
        signed_on=date(2026, 9, 14),
        family_reference="F00042",
    )
    return MandateForm(**{**values, **changes})


def test_the_mandate_form_holds_what_the_bank_needs_on_one_page(tmp_path):
    path = sepa_mandate.render(_form(), tmp_path / "mandat.pdf")
    assert len(PdfReader(path).pages) == 1
    words = _words(path)
    for expected in (
        "Mandat de prélèvement SEPA",
        "Référence unique du mandat (RUM) : 123456-F00042-000007",
        "Identifiant créancier SEPA (ICS) FR72ZZZ123456",
        "Commune de Neuvecelle",
        "1 place de la Mairie, 74500 Neuvecelle",
        "Camille LEFÈVRE",
        "8 chemin des Vignes",
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPPXXX",
        "☒ Paiement récurrent / répétitif",
        "☐ Paiement ponctuel",
        "dans les 8 semaines suivant la date de débit",
        "Fait à NEUVECELLE, le 14/09/2026",
        "Signature du titulaire du compte",
    ):
        assert expected in words, expected


def test_a_one_off_mandate_ticks_the_other_box(tmp_path):
    words = _words(sepa_mandate.render(_form(recurrent=False), tmp_path / "m.pdf"))
    assert "☐ Paiement récurrent / répétitif" in words and "☒ Paiement ponctuel" in words


def test_a_debited_invoice_has_the_notice_and_a_paid_one_nothing_to_pay(tmp_path):
    line = InvoiceLine("Cantine", "12 jours × 3,85 €", 12, 385, 4620)
    common = dict(
        organisation=ORG,
        kind="invoice",
        number="F-2026-000123",
        family_reference="F00042",
        billing_name="Camille LEFÈVRE",
        address_lines=("8 chemin des Vignes", "74500 NEUVECELLE"),
        issued_on=date(2026, 12, 1),
        period_label="novembre 2026",
        due_on=date(2026, 12, 31),
        children=children_of([("Léa LEFÈVRE", "", line)]),
        total_cents=4620,
        debit=DebitNotice(
            date(2026, 12, 15), "FR76 •••• 0189", "123456-F00042-000007", "FR72ZZZ123456"
        ),
    )
    debited = _words(
        invoice_pdf.render(InvoiceData(amount_due_cents=4620, **common), tmp_path / "a.pdf")
    )
    assert "Montant prélevé le 15/12/2026 sur le compte FR76 •••• 0189 : 46,20 €" in debited
    assert "Prélèvement le 15 décembre 2026" in debited
    assert "Coupon" not in debited and "Comment payer" not in debited
    paid = InvoiceData(amount_due_cents=0, paid_cents=4620, **common)
    words = _words(invoice_pdf.render(paid, tmp_path / "b.pdf"))
    assert "Rien à payer" in words and "prélevé le" not in words
