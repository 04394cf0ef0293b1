"""« Saisir un rejet… »: the bank's reason chosen from the French list of ISO 20022 codes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.sepa_rejects import REJECT_REASONS, reject_label
from eticket_desk.services.invoicing import debit_rejects
from eticket_desk.services.invoicing.debit_queries import ItemRow
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import error_label, note_label, save_cancel_buttons
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing.common import money


class RejectDialog(QDialog):
    """Emits `reject_recorded` with the message to show."""

    reject_recorded = Signal(str)

    def __init__(self, ctx: AppContext, item: ItemRow, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.item = item
        self.setWindowTitle(self.tr("Rejet du prélèvement {n}").format(n=item.invoice_number))
        self.code_combo = QComboBox()
        self.code_combo.addItem(self.tr("— Choisissez le motif indiqué par la banque —"), "")
        for code in sorted(REJECT_REASONS):
            self.code_combo.addItem(reject_label(code), code)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("ex. avis de rejet du 20/11/2026"))
        form = QFormLayout()
        form.addRow(self.tr("Facture :"), QLabel(item.invoice_number))
        form.addRow(self.tr("Famille :"), QLabel(item.family_label))
        form.addRow(self.tr("Montant :"), QLabel(money(item.amount_cents)))
        form.addRow(self.tr("&Motif :"), self.code_combo)
        form.addRow(self.tr("&Remarque :"), self.note_edit)
        self.error = error_label()
        buttons, self.save_button = save_cancel_buttons(self, self.tr("Enregistrer le rejet"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(
            note_label(
                self.tr(
                    "Le règlement par prélèvement est annulé : la facture redevient à régler et "
                    "suit les relances."
                )
            )
        )
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _on_save_button_clicked(self) -> None:
        self.error.setVisible(False)
        self.save_button.setEnabled(False)
        self.ctx.write(
            debit_rejects.record_reject,
            self.item.id,
            self.code_combo.currentData(),
            self.note_edit.text(),
            on_done=self._on_saved,
            on_error=self._on_save_failed,
        )

    def _on_saved(self, done) -> None:
        self.save_button.setEnabled(True)
        self.reject_recorded.emit(done.message)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        messages.show_error(self, exc)
