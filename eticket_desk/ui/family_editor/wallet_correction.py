"""The régisseur's correction of a wallet: + or − N tickets of one type, with a reason."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.counter.sales import MAX_TICKETS
from eticket_desk.services.counter.wallet import Balance, correct_wallet
from eticket_desk.ui.admin.forms import error_label, grow_to_fit, note_label, save_cancel_buttons
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import big_label
from eticket_desk.ui.family_editor.wallet_figures import balance_colour, balance_text, signed
from eticket_desk.ui.messages import error_text


class WalletCorrectionDialog(QDialog):
    """Adds or takes back tickets (never 0), shows the balance after as it is typed; the
    service refuses an empty reason or a balance below zero, and its message is shown here."""

    corrected = Signal(int)  # the balance after the correction

    def __init__(
        self,
        ctx: AppContext,
        family_id: uuid.UUID,
        balances: tuple[Balance, ...],
        ticket_type_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family_id = family_id
        self._balances = {b.ticket_type_id: b for b in balances}
        self.setWindowTitle(self.tr("Corriger le porte-monnaie"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        self.ticket_combo = QComboBox()
        for balance in balances:
            self.ticket_combo.addItem(balance.name, balance.ticket_type_id)
        self.ticket_combo.setCurrentIndex(max(self.ticket_combo.findData(ticket_type_id), 0))
        self.add_radio = QRadioButton(self.tr("&Ajouter"))
        self.remove_radio = QRadioButton(self.tr("&Retirer"))
        self.add_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.add_radio)
        group.addButton(self.remove_radio)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, MAX_TICKETS)  # never 0: the direction gives the sign
        self.quantity_spin.setSuffix(self.tr(" ticket(s)"))
        self.quantity_spin.setMinimumWidth(120)
        quantity_row = QHBoxLayout()
        quantity_row.addWidget(self.add_radio)
        quantity_row.addWidget(self.remove_radio)
        quantity_row.addWidget(self.quantity_spin)
        quantity_row.addStretch(1)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            self.tr("ex. tickets papier repris, double saisie du 14/09")
        )
        self.reason_edit.setMinimumWidth(360)
        self.before_label = QLabel()
        self.after_label = big_label(factor=1.6)
        self.error = error_label(self)

        form = QFormLayout()
        form.addRow(self.tr("&Type de ticket :"), self.ticket_combo)
        form.addRow(self.tr("Correction :"), quantity_row)
        form.addRow(self.tr("&Motif (obligatoire) :"), self.reason_edit)
        form.addRow(self.tr("Solde actuel :"), self.before_label)
        form.addRow(self.tr("Solde après :"), self.after_label)
        buttons, self.save_button = save_cancel_buttons(self, self.tr("&Enregistrer la correction"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            note_label(
                self.tr(
                    "La correction est une écriture de plus dans le porte-monnaie, inscrite "
                    "au journal avec votre nom et le motif. Elle ne rembourse pas d'argent."
                )
            )
        )
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.ticket_combo.currentIndexChanged.connect(self._on_input_changed)
        self.add_radio.toggled.connect(self._on_input_changed)
        self.quantity_spin.valueChanged.connect(self._on_input_changed)
        self.reason_edit.textEdited.connect(self._on_reason_edit_edited)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self._on_input_changed()
        self.quantity_spin.setFocus()
        self.quantity_spin.selectAll()

    def quantity(self) -> int:
        """The signed number of tickets (never 0)."""
        value = self.quantity_spin.value()
        return value if self.add_radio.isChecked() else -value

    def _balance(self) -> Balance | None:
        return self._balances.get(self.ticket_combo.currentData())

    def _on_input_changed(self, *_args) -> None:
        balance = self._balance()
        before = balance.tickets if balance else 0
        after = before + self.quantity()
        self.before_label.setText(self._tickets(before))
        self.after_label.setText(f"{self._tickets(after)}  ({signed(self.quantity())})")
        self.after_label.setStyleSheet(f"color: {balance_colour(after)};")
        self.after_label.setToolTip(
            self.tr("Le solde ne peut pas devenir négatif.") if after < 0 else ""
        )

    def _tickets(self, count: int) -> str:
        unit = self.tr("ticket") if abs(count) <= 1 else self.tr("tickets")
        return f"{balance_text(count)} {unit}"

    def _on_reason_edit_edited(self, _text: str) -> None:
        self.error.setVisible(False)

    def _on_save_button_clicked(self) -> None:
        self.save_button.setEnabled(False)
        self.ctx.write(  # announces FamilyTopic: this wallet tab reloads, and the counter
            correct_wallet,
            self.family_id,
            self.ticket_combo.currentData(),
            self.quantity(),
            self.reason_edit.text(),
            on_done=self._on_correction_done,
            on_error=self._on_correction_failed,
        )

    def _on_correction_done(self, balance: int) -> None:
        self.save_button.setEnabled(True)
        self.corrected.emit(balance)
        self.accept()

    def _on_correction_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(error_text(exc))
        self.error.setVisible(True)
        grow_to_fit(self)
        self.reason_edit.setFocus()
