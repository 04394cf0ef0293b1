"""Exports for the finance software, read back as the commune's accountant would: the CSV with
the csv module (semicolons, BOM, decimal comma) and the workbook with openpyxl (amounts as
numbers in euros); totals to the cent equal the till journal's and the run's, headers are
French, a credit note is negative, a wrong extension is refused in French."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from eticket_desk.cli import main
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.till_journal import till_journal_data
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.finance_exports import export_invoices, export_receipts
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.run import credit_note, issue_run
from tests.conftest import validated_family

OCTOBER = [date(2026, 10, d) for d in (1, 2, 5, 6, 8, 9, 12, 13, 15, 16)]  # 10 × 4,60 €


@pytest.fixture
def month(store, admin, schools, activities, clock):
    """Two families invoiced for October (46,00 € and 18,40 €), paid at the counter on
    2 November: a cheque and cash; the second invoice then cancelled by a credit note."""
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    dupont = validated_family(store, admin, schools)
    martin = validated_family(store, admin, schools, last_name="Martin")
    for day in OCTOBER:
        book_day(store, admin, dupont.children[0].id, canteen.id, day)
    for day in OCTOBER[:4]:
        book_day(store, admin, martin.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 11, 2, 9, 0)
    run = issue_run(store, admin, month_period("2026-10"))
    open_till(store, admin, 0)
    cheque = PaymentInput(Method.CHEQUE, 4600, "7654321", "La Banque Postale", "Mme DUPONT")
    [first] = list_invoices(store, admin, family_id=dupont.id)
    pay_invoices(store, admin, InvoicePaymentRequest(dupont.id, (first.id,), (cheque,)))
    [second] = list_invoices(store, admin, family_id=martin.id)
    cash = PaymentInput(Method.CASH, 1840)
    pay_invoices(store, admin, InvoicePaymentRequest(martin.id, (second.id,), (cash,)))
    clock.current = datetime(2026, 11, 3, 10, 0)
    credit_note(store, admin, second.id, "Repas non servis (grève)")
    return run


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.reader(source, delimiter=";"))


def cents(text: str) -> int:
    return int(Decimal(text.replace(",", ".")) * 100)


def test_the_receipts_journal_as_csv_adds_up_to_the_till_journal(store, admin, month, tmp_path):
    done = export_receipts(store, admin, date(2026, 11, 1), date(2026, 11, 30), tmp_path / "r.csv")
    assert done.path.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the accents
    header, *rows = read_csv(done.path)
    assert header[:9] == [
        "Date", "Heure", "N° de reçu", "Factures réglées", "Objet", "Référence famille",
        "Famille", "Mode de règlement", "Montant",
    ]  # fmt: skip
    assert header[9:] == ["N° de chèque", "Banque", "Bordereau de remise", "Caisse", "Agent"]
    journal = till_journal_data(store, admin)
    assert sum(cents(row[8]) for row in rows) == sum(r.total_cents for r in journal.receipts)
    assert done.total_cents == 6440 and (done.rows, len(rows)) == (2, 2)
    cheque, cash = rows
    assert cheque[:4] == ["02/11/2026", "09:00", journal.receipts[0].number, "F-2026-000001"]
    assert cheque[7:10] == ["Chèque", "46,00", "7654321"] and cheque[10] == "La Banque Postale"
    assert cash[7:9] == ["Espèces", "18,40"] and cash[4] == "Règlement de factures"
    assert cheque[12] == "Caisse du 02/11/2026" and cheque[13] == "Anne Martin"


def test_the_receipts_journal_as_excel_has_numbers_in_euros(store, admin, month, tmp_path):
    done = export_receipts(store, admin, date(2026, 11, 2), date(2026, 11, 2), tmp_path / "r.xlsx")
    sheet = load_workbook(done.path).active
    assert sheet["A1"].value == "Date" and sheet["I1"].value == "Montant"
    amounts = [sheet.cell(row, 9) for row in range(2, sheet.max_row + 1)]
    assert [a.value for a in amounts] == [46, 18.4]  # numbers, not text
    assert all("€" in a.number_format for a in amounts)
    assert sheet["A2"].value == datetime(2026, 11, 2) and sheet["A2"].number_format == "DD/MM/YYYY"
    assert round(sum(a.value for a in amounts) * 100) == done.total_cents == 6440


def test_a_day_without_payments_gives_the_header_only(store, admin, month, tmp_path):
    done = export_receipts(store, admin, date(2026, 12, 1), date(2026, 12, 31), tmp_path / "d.csv")
    assert (done.rows, done.total_cents) == (0, 0) and len(read_csv(done.path)) == 1


def test_the_month_s_invoices_line_by_line_with_the_credit_note_negative(
    store, admin, month, tmp_path
):
    done = export_invoices(store, admin, "2026-10", tmp_path / "f.csv")
    header, *rows = read_csv(done.path)
    assert header == [
        "Type", "N° de pièce", "Date d'émission", "Date d'échéance", "Référence famille",
        "Redevable", "Enfant", "Activité", "Code produit", "Nature comptable", "Quantité",
        "Prix unitaire", "Montant", "Facture d'origine",
    ]  # fmt: skip
    invoices = [row for row in rows if row[0] == "Facture"]
    notes = [row for row in rows if row[0] == "Avoir"]
    assert sum(cents(row[12]) for row in invoices) == month.total_cents == 4600 + 1840
    assert notes == [
        [
            "Avoir", "A-2026-000001", "03/11/2026", "", notes[0][4], "Marie MARTIN",
            notes[0][6], "Cantine", "", "", "-4", "4,60", "-18,40", "F-2026-000002",
        ]
    ]  # fmt: skip
    assert invoices[0][:4] == ["Facture", "F-2026-000001", "02/11/2026", "02/12/2026"]
    assert (invoices[0][10], invoices[0][12]) == ("10", "46,00")
    assert done.total_cents == 4600


def test_the_month_s_invoices_in_excel(store, admin, month, tmp_path):
    done = export_invoices(store, admin, "2026-10", tmp_path / "f.xlsx")
    sheet = load_workbook(done.path).active
    amounts = [sheet.cell(row, 13).value for row in range(2, sheet.max_row + 1)]
    assert sorted(amounts) == [-18.4, 18.4, 46]
    assert sheet.cell(2, 13).number_format.startswith("#,##0.00")


def test_a_file_neither_csv_nor_excel_is_refused(store, admin, month, tmp_path):
    with pytest.raises(InvalidInput, match="choisissez un fichier .csv"):
        export_invoices(store, admin, "2026-10", tmp_path / "f.pdf")
    assert not (tmp_path / "f.pdf").exists()


def test_the_command_line_writes_both_exports(store, admin, month, tmp_path, capsys):
    db = str(store.path)
    out = tmp_path / "journal.xlsx"
    code = main(
        ["--db", db, "export", "receipts", "--from", "2026-11-01", "--to", "2026-11-30",
         "--out", str(out)]
    )  # fmt: skip
    assert code == 0 and out.exists()
    assert "2 lignes, total 64,40" in capsys.readouterr().out.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert main(["--db", db, "export", "invoices", "--period", "2026-13", "--out", "x.csv"]) == 1
    assert "n'est pas un mois" in capsys.readouterr().err
