"""The « Prélèvements » screen driven like a person: a batch prepared (totals and what is left
out shown before export), exported to the file chosen, listed with its invoices; a reject
entered with its code chosen from the French list."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.invoicing.debit_export import export_batch
from eticket_desk.services.invoicing.debit_queries import batch_items, list_batches
from eticket_desk.services.invoicing.debit_rejects import record_reject
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.ui import messages
from eticket_desk.ui.debits import DebitsScreen, prepare_dialog
from eticket_desk.ui.debits.models import ItemColumn
from eticket_desk.ui.family_editor import FamilyEditorDialog
from tests.services import test_debit_batches
from tests.services.sepa_fixtures import debit_invoices, set_creditor

town = test_debit_batches.town  # the three families invoiced for October


@pytest.fixture
def shown(monkeypatch) -> dict:
    said: dict[str, list] = {"infos": [], "errors": []}
    monkeypatch.setattr(
        messages, "show_info", lambda parent, title, text: said["infos"].append(text)
    )
    monkeypatch.setattr(
        messages,
        "show_error",
        lambda parent, exc, title="": said["errors"].append(messages.error_text(exc)),
    )
    return said


def test_prepare_export_and_enter_a_reject(
    qtbot, ctx, store, admin, town, tmp_path, shown, monkeypatch
):
    set_creditor(store, admin)
    out = tmp_path / "lot-novembre.xml"
    monkeypatch.setattr(prepare_dialog, "choose_file", lambda parent, suggested: str(out))
    screen = DebitsScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.batches_model.rowCount() == 0
    assert "Aucun lot exporté" in screen.status.text()
    dialog = screen.open_prepare_dialog()
    assert "Octobre 2026" in dialog.run_combo.currentText()
    assert dialog.summary.text() == "3 factures à prélever pour 82,80 € (pain.008.001.02)."
    totals = [
        [dialog.totals_model.index(r, c).data() for c in range(3)]
        for r in range(dialog.totals_model.rowCount())
    ]
    assert totals == [
        ["Premier (FRST)", "1", "46,00 €"],
        ["Récurrent (RCUR)", "1", "23,00 €"],
        ["Ponctuel (OOFF)", "1", "13,80 €"],
    ]
    assert dialog.left_out_model.rowCount() == 0
    assert dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert out.exists() and shown["errors"] == []
    screen.refresh()
    assert screen.batches_model.rowCount() == 1
    batch = screen.batches_model.row_at(0)
    assert (batch.count, batch.total_cents, batch.file_name) == (3, 8280, "lot-novembre.xml")
    assert screen.items_model.rowCount() == 3
    families = [screen.items_model.index(r, ItemColumn.FAMILY).data() for r in range(3)]
    row = next(r for r, f in enumerate(families) if "DUPONT" in f)
    screen.items_view.selectRow(
        screen.items_view.model().mapFromSource(screen.items_model.index(row, 0)).row()
    )
    assert screen.reject_button.isEnabled()
    reject = screen.open_reject_dialog()
    reject.code_combo.setCurrentIndex(reject.code_combo.findData("AM04"))
    assert reject.code_combo.currentText() == "AM04 — Provision insuffisante"
    qtbot.mouseClick(reject.save_button, Qt.MouseButton.LeftButton)
    assert "est de nouveau à régler (AM04 — Provision insuffisante)" in shown["infos"][0]
    screen.refresh()
    texts = [screen.items_model.index(r, ItemColumn.STATE).data() for r in range(3)]
    assert "Rejeté : AM04 — Provision insuffisante" in texts
    assert "dont 1 rejeté(s)" in screen.status.text()


def test_a_reject_without_a_code_is_refused_beside_the_field(
    qtbot, ctx, store, admin, town, tmp_path, monkeypatch
):
    set_creditor(store, admin)
    monkeypatch.setattr(prepare_dialog, "choose_file", lambda p, s: str(tmp_path / "l.xml"))
    screen = DebitsScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.mouseClick(screen.open_prepare_dialog().export_button, Qt.MouseButton.LeftButton)
    screen.refresh()
    screen.items_view.selectRow(0)
    reject = screen.open_reject_dialog()
    qtbot.mouseClick(reject.save_button, Qt.MouseButton.LeftButton)
    assert reject.error.text().startswith("Choisissez le motif du rejet")
    assert reject.isVisible()


def test_a_commune_without_ics_sees_why_before_export(qtbot, ctx, store, admin, town):
    set_creditor(store, admin, sepa_ics="")  # the identifier erased since the mandates
    screen = DebitsScreen(ctx)
    qtbot.addWidget(screen)
    dialog = screen.open_prepare_dialog()
    assert "Il manque l'ICS" in dialog.error.text()
    assert not dialog.export_button.isEnabled()


def test_the_dossier_header_flags_two_rejects_in_twelve_months(
    qtbot, ctx, store, admin, town, activities, clock, tmp_path
):
    families, mandates, _run = town
    dupont = families["Dupont"]
    set_creditor(store, admin)
    export_batch(store, admin, tmp_path / "oct.xml")
    canteen = activities["CANTINE"]
    for day in (16, 17, 19):
        book_day(store, admin, dupont.children[0].id, canteen.id, date(2026, 11, day))
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, month_period("2026-11"))
    debit_invoices(store, admin, dupont.id, mandates["Dupont"], date(2026, 12, 15))
    export_batch(store, admin, tmp_path / "nov.xml")
    dossier = FamilyEditorDialog(ctx, dupont.id)
    qtbot.addWidget(dossier)
    assert dossier.header.debit_flag.isHidden()
    for batch in list_batches(store, admin):
        item = next(i for i in batch_items(store, admin, batch.id) if "DUPONT" in i.family_label)
        ctx.write(record_reject, item.id, "AM04")
    assert dossier.header.debit_flag.text() == (
        "⚠ 2 prélèvements rejetés en 12 mois (dernier : AM04 — Provision insuffisante)"
    )
    assert not dossier.header.debit_flag.isHidden()
