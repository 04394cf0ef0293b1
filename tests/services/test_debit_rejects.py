"""Rejected debits: the invoice unpaid again with the French reason, in the overdue list so the
reminder follows; two rejects in twelve months flag the family; MD01/MD07/AC04 suggest revoking
the mandate; the reject travels to the server as the debit's cancellation."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from eticket_desk.models import DebitItem, OutboxOp
from eticket_desk.rules.billing import InvoiceStatus
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.sepa_rejects import REJECT_REASONS, reject_label
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.invoicing.debit_export import export_batch
from eticket_desk.services.invoicing.debit_queries import batch_items, list_batches
from eticket_desk.services.invoicing.debit_rejects import record_reject, reject_flag
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.reminders import overdue_by_family, reminder_data
from eticket_desk.services.invoicing.run import issue_run
from tests.services import test_debit_batches
from tests.services.sepa_fixtures import debit_invoices, set_creditor

town = test_debit_batches.town  # the three families invoiced for October


@pytest.fixture
def exported(store, admin, town, tmp_path):
    families, mandates, run = town
    set_creditor(store, admin)
    export_batch(store, admin, tmp_path / "lot.xml", run.id)
    [batch] = list_batches(store, admin)
    items = {row.family_label.split(" ")[1]: row for row in batch_items(store, admin, batch.id)}
    return families, mandates, batch, items


def test_a_reject_makes_the_invoice_unpaid_again_and_overdue(store, admin, exported, clock):
    families, _mandates, batch, items = exported
    assert batch.count == 3 and items["DUPONT"].state_label == "Envoyé"
    done = record_reject(store, admin, items["DUPONT"].id, "am04")
    assert done.message == (
        f"Rejet enregistré : la facture {items['DUPONT'].invoice_number} ({format_cents(4600)}) est de "
        "nouveau à régler (AM04 — Provision insuffisante)."
    )
    assert not done.family_flagged and not done.revoke_suggested
    [invoice] = list_invoices(store, admin, family_id=families["Dupont"].id)
    assert (invoice.status, invoice.left_cents) == (InvoiceStatus.ISSUED, 4600)
    row = {r.invoice_number: r for r in batch_items(store, admin, batch.id)}[invoice.number]
    assert (row.state_label, row.reject_reason) == ("Rejeté", "AM04 — Provision insuffisante")
    assert list_batches(store, admin)[0].rejected == 1
    clock.current = datetime(invoice.due_date.year, invoice.due_date.month, invoice.due_date.day)
    clock.advance(days=1)
    overdue = overdue_by_family(store, admin)
    assert [i.number for i in overdue[families["Dupont"].id]] == [invoice.number]
    assert families["Martin"].id not in overdue  # its debit went through
    letter = reminder_data(store, admin, families["Dupont"].id)
    assert letter.total_remaining_cents == 4600
    with pytest.raises(DomainError, match="déjà rejeté"):
        record_reject(store, admin, items["DUPONT"].id, "AM04")


def test_the_reject_code_is_chosen_from_the_list(store, admin, exported):
    _families, _mandates, _batch, items = exported
    with pytest.raises(InvalidInput, match="Choisissez le motif du rejet"):
        record_reject(store, admin, items["DUPONT"].id, "XX99")
    assert {"AC01", "AC04", "AM04", "MD01", "MD07", "RR04", "SL01"} <= set(REJECT_REASONS)
    assert reject_label("MD07") == "MD07 — Débiteur décédé"


def test_an_account_closed_suggests_revoking_the_mandate(store, admin, exported):
    _families, _mandates, _batch, items = exported
    done = record_reject(store, admin, items["MARTIN"].id, "AC04")
    assert done.revoke_suggested
    assert "révoquez-le dans le dossier" in done.message


def test_two_rejects_in_twelve_months_flag_the_family(
    store, admin, exported, clock, activities, tmp_path
):
    families, mandates, _batch, items = exported
    dupont = families["Dupont"].id
    record_reject(store, admin, items["DUPONT"].id, "AM04")
    assert reject_flag(store, admin, dupont).flagged is False
    # November's invoice, debited in December, rejected again
    canteen = activities["CANTINE"]
    for day in (16, 17, 19, 20):
        book_day(store, admin, families["Dupont"].children[0].id, canteen.id, date(2026, 11, day))
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, month_period("2026-11"))
    debit_invoices(store, admin, dupont, mandates["Dupont"], date(2026, 12, 15))
    done = export_batch(store, admin, tmp_path / "dec.xml")
    assert done.count == 1  # October's, rejected, is in its batch for good: never twice
    [december] = [b for b in list_batches(store, admin) if b.message_id.endswith("1201-0001")]
    row = next(r for r in batch_items(store, admin, december.id) if "DUPONT" in r.family_label)
    result = record_reject(store, admin, row.id, "AM04")
    assert result.family_flagged
    flag = reject_flag(store, admin, dupont)
    assert flag.flagged and flag.count == 2
    assert (
        flag.text == "⚠ 2 prélèvements rejetés en 12 mois (dernier : AM04 — Provision insuffisante)"
    )
    clock.current = datetime(2027, 12, 10, 9, 0)  # a year on, the flag is gone
    assert reject_flag(store, admin, dupont).flagged is False


def test_the_debit_and_its_reject_travel_to_the_server(store, admin, exported):
    _families, _mandates, _batch, items = exported
    record_reject(store, admin, items["DUPONT"].id, "MS02")
    with store.read() as session:
        ops = session.execute(select(OutboxOp.type, OutboxOp.payload)).all()
        item = session.get(DebitItem, items["DUPONT"].id)
    kinds = [kind for kind, _ in ops]
    assert kinds.count("payment.received") == 3
    [cancel] = [payload for kind, payload in ops if kind == "payment.cancel"]
    assert str(item.payment_id) in str(cancel)
    assert "Refus du débiteur" in str(cancel)
