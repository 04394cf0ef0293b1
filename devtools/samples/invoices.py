"""Sample invoices, credit note and reminder letter of the demo town, to look at
(scripts/render_sample_pdfs.py) and to test the layout on: the self-test's invoice, reminder
and generated run (eticket_desk/selftest_data) plus a long invoice, a four-children one and a
credit note."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from eticket_desk.reports import invoice, reminder_letter
from eticket_desk.reports.invoice import InvoiceData, InvoiceLine
from eticket_desk.rules.dgfip_datamatrix import reference_for
from eticket_desk.selftest_data import (
    ISSUED,
    SCHOOL,
    TARIFFS,
    generated_invoices,
    invoice_child,
    invoice_line,
    invoice_of,
    sample_invoice,
    sample_logo,
    sample_reminder,
)

__all__ = [
    "SCHOOL",
    "generated_invoices",
    "invoice_child",
    "invoice_line",
    "invoice_of",
    "render_invoice_samples",
    "sample_credit_note",
    "sample_family_invoice",
    "sample_invoice",
    "sample_logo",
    "sample_long_invoice",
    "sample_reminder",
    "sample_titres_invoice",
]


def sample_long_invoice() -> InvoiceData:
    """Three children and 40 lines detailed week by week: it runs onto a second page."""
    weeks = ("2 novembre", "9 novembre", "16 novembre", "23 novembre", "30 novembre")
    children = []
    for index, (name, grade) in enumerate((("Léa", "CE2"), ("Tom", "GS"), ("Zoé", "CM1"))):
        lines = [
            invoice_line(
                activity,
                unit,
                1 + (week + index) % 4,
                cents[1],
                2,
                prefix=f"Semaine du {day} : ",
                start=date(2026, 11, 2 + 7 * week),
            )  # fmt: skip
            for week, day in enumerate(weeks)
            for activity, unit, cents in TARIFFS
        ]
        count = (14, 13, 13)[index]
        children.append(
            invoice_child(f"{name} DUPONT", f"{SCHOOL} — {grade}", tuple(lines[:count]))
        )
    return invoice_of(tuple(children), paid_cents=2000)


def sample_family_invoice() -> InvoiceData:
    """Four children, three to four lines each, a late cancellation among them: it takes two
    pages, the second with the last lines, the totals and the coupon."""
    grades = (("Léa", "CM2"), ("Tom", "CE1"), ("Zoé", "GS"), ("Noé", "PS"))
    children = []
    for index, (name, grade) in enumerate(grades):
        lines = [
            invoice_line("Cantine", "repas", 14 - index, 385, 2, skip=index),
            invoice_line("Garderie matin", "matins", 9 + index, 160, 2, skip=2),
            invoice_line("Garderie soir", "soirs", 6 + 2 * index, 190, 2, skip=index),
        ]
        if index % 2 == 0:
            late = (date(2026, 11, 19 + index),)
            lines.append(
                invoice_line("Cantine", "repas", 1, 385, 2, " — annulé hors délai", late=late)
            )
        children.append(invoice_child(f"{name} DUPONT", f"{SCHOOL} — {grade}", tuple(lines)))
    return invoice_of(tuple(children), number="F-2026-000124")


def sample_credit_note() -> InvoiceData:
    """Meals of a week of illness, refunded by a credit note on the November invoice."""
    line = InvoiceLine(
        "Cantine",
        "3 repas × 3,85 € (tranche 2, QF 640) — absence justifiée du 23 au 26 novembre",
        3,
        385,
        1155,
    )
    return invoice_of(
        (invoice_child("Léa DUPONT", f"{SCHOOL} — CE2", (line,)),),
        kind="credit_note",
        number="A-2026-000012",
        issued_on=date(2026, 12, 9),
        due_on=None,
        amount_due_cents=0,
        refers_to="F-2026-000123",
        refers_to_date=ISSUED,
        note=(
            "Certificat médical reçu le 8 décembre 2026 : les repas de l'absence ne sont pas "
            "dus. Le montant de cet avoir sera déduit de votre prochaine facture."
        ),
    )


def sample_titres_invoice() -> InvoiceData:
    """The self-test's invoice of a commune in titres mode: the DGFiP « paiement de proximité »
    datamatrix on its coupon (CodCol 123, IdPost 0740000, product 7067)."""
    data = sample_invoice()
    organisation = replace(
        data.organisation,
        collection_mode="titres",
        pes_cod_col="123",
        pes_id_post="0740000",
        pes_cod_bud="01",
    )
    code = reference_for("123", "0740000", "7067", data.issued_on.year, 11, data.number)
    return replace(data, organisation=organisation, datamatrix=code)


def render_invoice_samples(out_dir: Path) -> list[Path]:
    """Write invoice_a4.pdf, invoice_long.pdf, invoice_four_children.pdf,
    invoice_credit_note.pdf, invoice_titres_datamatrix.pdf, reminder_letter.pdf."""
    out_dir = Path(out_dir)
    return [
        invoice.render(sample_invoice(), out_dir / "invoice_a4.pdf"),
        invoice.render(sample_long_invoice(), out_dir / "invoice_long.pdf"),
        invoice.render(sample_family_invoice(), out_dir / "invoice_four_children.pdf"),
        invoice.render(sample_credit_note(), out_dir / "invoice_credit_note.pdf"),
        invoice.render(sample_titres_invoice(), out_dir / "invoice_titres_datamatrix.pdf"),
        reminder_letter.render(sample_reminder(), out_dir / "reminder_letter.pdf"),
    ]
