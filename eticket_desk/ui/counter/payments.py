"""The payment part of a sale: one row per règlement (cash, cheque, card), split allowed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.money import format_cents, parse_cents
from eticket_desk.rules.pricing import METHOD_LABELS, Method, PaymentInput

METHODS = (Method.CASH, Method.CHEQUE, Method.CARD)


class PaymentRow(QWidget):
    """One règlement: its method, amount and, for a cheque or a card, its references."""

    edited = Signal()
    submitted = Signal()  # Enter in one of its fields
    removal_requested = Signal(object)

    def __init__(self, removable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method_combo = QComboBox()
        for method in METHODS:
            self.method_combo.addItem(self.tr(METHOD_LABELS[method]), method)
        self.amount_edit = QLineEdit()
        self.amount_edit.setMaximumWidth(110)
        self.cheque_number_edit = QLineEdit()
        self.cheque_number_edit.setPlaceholderText(self.tr("N° du chèque"))
        self.cheque_number_edit.setMaximumWidth(110)  # 7 digits: the bank and drawer need room
        self.cheque_bank_edit = QLineEdit()
        self.cheque_bank_edit.setPlaceholderText(self.tr("Banque"))
        self.cheque_drawer_edit = QLineEdit()
        self.cheque_drawer_edit.setPlaceholderText(self.tr("Tireur"))
        self.card_reference_edit = QLineEdit()
        self.card_reference_edit.setPlaceholderText(self.tr("Référence du ticket du terminal"))
        self.remove_button = QPushButton(self.tr("Retirer"))
        self.remove_button.setVisible(removable)
        self.remove_button.setAutoDefault(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.method_combo)
        layout.addWidget(self.amount_edit)
        for edit in self.detail_edits():
            layout.addWidget(edit, 1)
        layout.addStretch(0)
        layout.addWidget(self.remove_button)

        self.method_combo.currentIndexChanged.connect(self._on_method_combo_changed)
        for edit in (self.amount_edit, *self.detail_edits()):
            edit.textChanged.connect(self.edited)
            edit.returnPressed.connect(self.submitted)
        self.remove_button.clicked.connect(lambda: self.removal_requested.emit(self))
        self._on_method_combo_changed()

    def detail_edits(self) -> tuple[QLineEdit, ...]:
        return (
            self.cheque_number_edit,
            self.cheque_bank_edit,
            self.cheque_drawer_edit,
            self.card_reference_edit,
        )

    def method(self) -> Method:
        return Method(self.method_combo.currentData())

    def set_method(self, method: Method) -> None:
        self.method_combo.setCurrentIndex(METHODS.index(method))

    def _on_method_combo_changed(self) -> None:
        method = self.method()
        for edit in (self.cheque_number_edit, self.cheque_bank_edit, self.cheque_drawer_edit):
            edit.setVisible(method == Method.CHEQUE)
        self.card_reference_edit.setVisible(method == Method.CARD)
        self.amount_edit.setPlaceholderText(
            self.tr("Montant remis") if method == Method.CASH else self.tr("Montant")
        )
        self.edited.emit()

    def payment(self) -> PaymentInput | None:
        """What was typed (None while the amount is empty); InvalidInput for a bad amount."""
        text = self.amount_edit.text().strip()
        if not text:
            return None
        return PaymentInput(
            self.method(),
            parse_cents(text),
            cheque_number=self.cheque_number_edit.text(),
            cheque_bank=self.cheque_bank_edit.text(),
            cheque_drawer=self.cheque_drawer_edit.text(),
            card_reference=self.card_reference_edit.text(),
        )


class PaymentList(QWidget):
    """The règlements of the sale being typed, with « + Ajouter un règlement »."""

    edited = Signal()
    submitted = Signal()
    rows_changed = Signal()  # a row added or removed: the screen puts its tab order back

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PaymentRow] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(self.tr("+ Ajouter un règlement"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_layout)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.reset()

    def reset(self) -> None:
        """Back to one empty cash row."""
        for row in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = []
        self.add_row()
        self.edited.emit()
        self.rows_changed.emit()

    def add_row(self, method: Method = Method.CASH, amount_cents: int = 0) -> PaymentRow:
        row = PaymentRow(removable=bool(self.rows), parent=self)
        row.set_method(method)
        if amount_cents > 0:
            row.amount_edit.setText(format_cents(amount_cents).replace("\xa0€", ""))
        row.edited.connect(self.edited)
        row.submitted.connect(self.submitted)
        row.removal_requested.connect(self._on_row_removal_requested)
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        row.show()  # now, not at the next event loop: it may take the focus at once
        self.edited.emit()
        self.rows_changed.emit()
        return row

    def tab_stops(self) -> tuple[list[QWidget], list[QWidget]]:
        """(what Tab reaches before the confirm button, what it reaches after). The money
        handed over comes first: the first row's amount (then its cheque or card fields),
        then each added row's method, amount and fields; the first row's method, the
        « Retirer » buttons and « + Ajouter un règlement » only after the confirm button."""
        before: list[QWidget] = []
        for index, row in enumerate(self.rows):
            if index:
                before.append(row.method_combo)
            before += [row.amount_edit, *row.detail_edits()]
        after: list[QWidget] = [self.rows[0].method_combo] if self.rows else []
        after += [row.remove_button for row in self.rows[1:]]
        after.append(self.add_button)
        return before, after

    def payments(self) -> list[PaymentInput]:
        """Every row with an amount; InvalidInput when an amount is not one."""
        typed = (row.payment() for row in self.rows)
        return [p for p in typed if p is not None]

    def _typed_cents(self) -> int:
        try:
            return sum(p.amount_cents for p in self.payments())
        except Exception:  # a bad amount: the screen shows why
            return 0

    def _on_add_button_clicked(self) -> None:
        total = getattr(self, "total_cents", 0)
        row = self.add_row(Method.CHEQUE, max(total - self._typed_cents(), 0))
        row.method_combo.setFocus()

    def _on_row_removal_requested(self, row: PaymentRow) -> None:
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self.edited.emit()
        self.rows_changed.emit()
