"""The family at a glance at the counter: reference, name, dossier alerts, wallet balances,
and the till strip (open with its expected cash, or closed with a button to open it)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.money import format_cents
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.counter.widgets import (
    ALERT_COLOUR,
    OK_COLOUR,
    WARNING_COLOUR,
    big_label,
    coloured,
    scaled,
)


class FamilyCard(QFrame):
    """Who is at the desk and how many tickets they have left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.reference_label = scaled(QLabel(), 1.2)
        self.name_label = scaled(QLabel(), 1.5)
        self.name_label.setWordWrap(True)
        self.status_label = QLabel()
        self.alerts_label = coloured(QLabel(), WARNING_COLOUR)
        self.unpaid_label = coloured(scaled(QLabel(), 1.1), ALERT_COLOUR)
        self.unpaid_label.setVisible(False)
        self.empty_label = note_label(
            self.tr("Scannez la carte famille ou tapez un nom, puis Entrée.")
        )
        self._balances = QGridLayout()
        self._balance_widgets: list[QWidget] = []
        self.balance_labels: dict[str, QLabel] = {}  # ticket code -> its big number

        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.reference_label)
        layout.addWidget(self.name_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.alerts_label)
        layout.addWidget(self.unpaid_label)
        self.balances_title = QLabel(self.tr("Tickets restants"))
        layout.addWidget(self.balances_title)
        layout.addLayout(self._balances)
        layout.addStretch(1)
        self.show_family(None, [])

    def show_family(self, family, balances) -> None:
        """`family` is a FamilyData (None: nobody at the desk); balances from wallet."""
        for widget in self._balance_widgets:
            widget.hide()
            widget.deleteLater()
        self._balance_widgets, self.balance_labels = [], {}
        present = family is not None
        self.empty_label.setVisible(not present)
        for widget in (self.reference_label, self.name_label, self.status_label):
            widget.setVisible(present)
        self.balances_title.setVisible(present)
        self.alerts_label.setVisible(False)
        self.unpaid_label.setVisible(False)
        if not present:
            return
        self.reference_label.setText(family.reference)
        self.name_label.setText(family.display_name)
        self.status_label.setText(self.tr("Dossier : %s") % family.status.label)
        alerts = []
        if family.status != FamilyStatus.VALIDATED:
            alerts.append(self.tr("Dossier non validé"))
        alerts += [self.tr("Manque : %s") % item for item in family.missing]
        self.alerts_label.setText("\n".join(f"⚠ {a}" for a in alerts))
        self.alerts_label.setVisible(bool(alerts))
        for column, balance in enumerate(balances):
            number = big_label(str(balance.tickets), factor=2.4)
            name = QLabel(balance.name)
            self._balances.addWidget(number, 0, column)
            self._balances.addWidget(name, 1, column)
            self._balance_widgets += [number, name]
            self.balance_labels[balance.code] = number

    def show_unpaid(self, invoices, today) -> None:
        """« 2 factures à régler : 64,40 € (dont 1 échue) » under the alerts."""
        if not invoices:
            self.unpaid_label.setVisible(False)
            return
        left = sum(invoice.left_cents for invoice in invoices)
        late = sum(1 for invoice in invoices if invoice.due_date < today)
        count = len(invoices)
        text = (
            self.tr("%d factures à régler : %s") % (count, format_cents(left))
            if count > 1
            else self.tr("1 facture à régler : %s") % format_cents(left)
        )
        if late:
            text += (
                self.tr(" (dont %d échue)") % late
                if late == 1
                else self.tr(" (dont %d échues)") % late
            )
        self.unpaid_label.setText(text)
        self.unpaid_label.setVisible(True)


class TillStrip(QFrame):
    """The till state under the family card."""

    open_requested = Signal()
    manage_requested = Signal()
    documents_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.state_label = scaled(QLabel(), 1.1)
        self.state_label.setWordWrap(True)
        self.alert_label = coloured(QLabel(), ALERT_COLOUR)
        self.open_button = QPushButton(self.tr("Ouvrir la caisse…"))
        self.manage_button = QPushButton(self.tr("Caisse…"))
        self.documents_button = QPushButton(self.tr("Chèques et journaux…"))
        self.documents_button.setToolTip(
            self.tr("Bordereau de remise de chèques, journaux de caisse des jours passés")
        )
        for button in (self.open_button, self.manage_button, self.documents_button):
            button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_requested)
        self.manage_button.clicked.connect(self.manage_requested)
        self.documents_button.clicked.connect(self.documents_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.manage_button)
        buttons.addWidget(self.documents_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(self.alert_label)
        layout.addLayout(buttons)
        self.show_till(None)

    def show_till(self, till) -> None:
        """`till` is a TillState, or None when the till is closed."""
        if till is None:
            self.state_label.setText(self.tr("Caisse fermée"))
            self.state_label.setStyleSheet(f"color: {ALERT_COLOUR};")
        else:
            self.state_label.setText(
                self.tr("Caisse de %s — espèces attendues : %s")
                % (till.holder, format_cents(till.expected_cash_cents))
            )
            self.state_label.setStyleSheet(f"color: {OK_COLOUR};")
        self.alert_label.setText(till.alert() if till is not None else "")
        self.alert_label.setVisible(bool(self.alert_label.text()))
        self.open_button.setVisible(till is None)
        self.manage_button.setVisible(till is not None)
