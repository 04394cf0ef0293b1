"""« Exporter pour la comptabilité » : the receipts journal of some days or a month's invoices
and credit notes, as CSV or Excel, for the commune's finance software (finance_exports)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.services.invoicing import finance_exports
from eticket_desk.services.invoicing.finance_exports import ExportDone
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import (
    error_label,
    french_locale,
    note_label,
    save_cancel_buttons,
)
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing.common import count, money

FORMATS = {".xlsx": "Excel (.xlsx)", ".csv": "CSV point-virgule (.csv)"}
FILTERS = {".xlsx": "Classeur Excel (*.xlsx)", ".csv": "Fichier CSV (*.csv)"}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class FinanceExportDialog(QDialog):
    """Choose what and which format, then « Exporter… » asks where to write the file."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        today = ctx.store.clock.today()
        self.done_export: ExportDone | None = None
        self.setWindowTitle(self.tr("Exporter pour la comptabilité"))
        first_of_month = today.replace(day=1)
        last_month = (first_of_month - timedelta(days=1)).replace(day=1)  # the last one billed
        self.receipts_radio = QRadioButton(self.tr("&Journal des encaissements"))
        self.invoices_radio = QRadioButton(self.tr("&Factures et avoirs d'un mois"))
        self.receipts_radio.setChecked(True)
        self.first_edit = self._date_edit(first_of_month)
        self.last_edit = self._date_edit(today)
        self.month_edit = self._date_edit(last_month, "MMMM yyyy")
        self.format_combo = QComboBox()
        for suffix, label in FORMATS.items():
            self.format_combo.addItem(self.tr(label), suffix)
        receipts = QFormLayout()
        receipts.addRow(self.tr("Du :"), self.first_edit)
        receipts.addRow(self.tr("Au :"), self.last_edit)
        invoices = QFormLayout()
        invoices.addRow(self.tr("Mois facturé :"), self.month_edit)
        kind = QFormLayout()
        kind.addRow(self.tr("F&ormat :"), self.format_combo)
        self.error = error_label()
        buttons, self.export_button = save_cancel_buttons(self, self.tr("E&xporter…"))
        self.export_button.clicked.connect(self._on_export_button_clicked)

        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.addWidget(
            note_label(
                self.tr(
                    "Un fichier pour le logiciel financier de la collectivité : chaque "
                    "règlement reçu, ou chaque ligne des factures et avoirs d'un mois (les "
                    "avoirs en négatif). Les colonnes sont décrites dans la documentation."
                )
            )
        )
        layout.addWidget(self.receipts_radio)
        layout.addLayout(receipts)
        layout.addWidget(self.invoices_radio)
        layout.addLayout(invoices)
        layout.addLayout(kind)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.receipts_radio.toggled.connect(self._show_choice)
        self._show_choice()

    def _date_edit(self, day: date, display: str = "dd/MM/yyyy") -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setLocale(french_locale())  # « novembre 2026 », not the system's language
        edit.setDisplayFormat(display)
        edit.setCalendarPopup(True)
        return edit

    def _show_choice(self, *_args: object) -> None:
        receipts = self.receipts_radio.isChecked()
        self.first_edit.setEnabled(receipts)
        self.last_edit.setEnabled(receipts)
        self.month_edit.setEnabled(not receipts)

    def default_name(self) -> str:
        suffix = self.format_combo.currentData()
        if self.receipts_radio.isChecked():
            first, last = _date(self.first_edit.date()), _date(self.last_edit.date())
            return f"Encaissements du {first:%Y-%m-%d} au {last:%Y-%m-%d}{suffix}"
        return f"Factures {_date(self.month_edit.date()):%Y-%m}{suffix}"

    def export_to(self, path: Path) -> None:
        """Writes the chosen export at `path` on the task runner."""
        self.error.setVisible(False)
        self.export_button.setEnabled(False)
        if self.receipts_radio.isChecked():
            first, last = _date(self.first_edit.date()), _date(self.last_edit.date())
            args: tuple = (finance_exports.export_receipts, first, last, path)
        else:
            period = f"{_date(self.month_edit.date()):%Y-%m}"
            args = (finance_exports.export_invoices, period, path)
        self.ctx.write(*args, on_done=self._on_exported, on_error=self._on_failed)

    def _on_export_button_clicked(self) -> None:
        suffix = self.format_combo.currentData()
        name, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Enregistrer l'export"),
            self.default_name(),
            self.tr(FILTERS[suffix]),
        )
        if name:
            path = Path(name)
            self.export_to(path if path.suffix.lower() == suffix else path.with_suffix(suffix))

    def _on_exported(self, done: ExportDone) -> None:
        self.export_button.setEnabled(True)
        self.done_export = done
        messages.show_info(
            self,
            self.tr("Export pour la comptabilité"),
            self.tr("Export écrit : {rows}, total {total}.\n{path}").format(
                rows=f"{count(done.rows)} ligne{'' if done.rows == 1 else 's'}",
                total=money(done.total_cents),
                path=done.path,
            ),
        )
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        messages.show_error(self, exc)
