"""« Exporter pour la comptabilité… » in the invoicing screen, as the régisseur uses it: the
month's invoices chosen, Excel, a file name given: the workbook is written and its total
said; a name that is neither .csv nor .xlsx gets the chosen format's extension."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.ui import messages
from eticket_desk.ui.invoicing import InvoicingScreen
from eticket_desk.ui.invoicing.finance_export_dialog import FinanceExportDialog
from tests.conftest import validated_family


@pytest.fixture
def october(store, admin, schools, activities, clock):
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    family = validated_family(store, admin, schools)
    for day in (1, 2, 5):
        book_day(store, admin, family.children[0].id, canteen.id, date(2026, 10, day))
    clock.current = datetime(2026, 11, 2, 9, 0)
    return issue_run(store, admin, month_period("2026-10"))


def test_the_month_s_invoices_exported_to_excel(qtbot, ctx, october, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(messages, "show_info", lambda parent, title, text: shown.append(text))
    asked = []

    def save_as(parent, title, name, filters):
        asked.append((name, filters))
        return str(tmp_path / "compta"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    screen = InvoicingScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.export_button.text() == "&Exporter pour la comptabilité…"
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(FinanceExportDialog)
    dialog.invoices_radio.setChecked(True)
    assert not dialog.first_edit.isEnabled() and dialog.month_edit.isEnabled()
    dialog.month_edit.setDate(QDate(2026, 10, 1))
    assert dialog.format_combo.currentText() == "Excel (.xlsx)"
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    assert asked == [("Factures 2026-10.xlsx", "Classeur Excel (*.xlsx)")]
    sheet = load_workbook(tmp_path / "compta.xlsx").active
    assert sheet["B1"].value == "N° de pièce" and sheet["M2"].value == pytest.approx(13.8)
    assert shown and "Export écrit : 1 ligne, total 13,80 €." in shown[0]


def test_a_journal_of_no_day_is_refused_beside_the_buttons(qtbot, ctx, october, tmp_path):
    screen = InvoicingScreen(ctx)
    qtbot.addWidget(screen)
    dialog = screen.open_export_dialog()
    dialog.first_edit.setDate(QDate(2026, 11, 30))
    dialog.last_edit.setDate(QDate(2026, 11, 1))
    dialog.export_to(tmp_path / "j.csv")
    assert dialog.error.text() == "La date de fin est avant la date de début."
    assert not (tmp_path / "j.csv").exists() and dialog.isVisible()
