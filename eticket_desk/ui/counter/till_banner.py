"""The banner across the counter while the agent has no till to take money into (closed, or a
colleague's): the agent reads it before typing a sale, and opens or takes over the till from it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from eticket_desk.ui.counter.widgets import ALERT_COLOUR, KeyButton, scaled


class TillClosedBanner(QFrame):
    """« Caisse fermée » and « Ouvrir la caisse… », or whose till it is and « Reprendre la
    caisse… » (Enter or Space when the button has the focus)."""

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tillClosedBanner")
        self.setStyleSheet(
            f"#tillClosedBanner {{ background: #fdecea; border: 1px solid {ALERT_COLOUR};"
            " border-radius: 4px; }"
        )
        self.message_label = scaled(QLabel(), 1.1)
        self.message_label.setStyleSheet(f"color: {ALERT_COLOUR};")
        self.message_label.setWordWrap(True)
        self.open_button = KeyButton(self.tr("Ouvrir la caisse…"))
        self.open_button.clicked.connect(self.open_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.open_button)
        self.show_closed()

    def show_closed(self) -> None:
        self.message_label.setText(
            self.tr(
                "Caisse fermée : ouvrez la caisse avec son fonds avant de vendre des "
                "tickets ou d'encaisser une facture."
            )
        )
        self.open_button.setText(self.tr("Ouvrir la caisse…"))

    def show_colleagues(self, holder_text: str) -> None:
        """« La caisse est ouverte par Marie Durand (agente d'accueil) depuis 8 h 05 »."""
        self.message_label.setText(
            self.tr("%1 : reprenez-la pour encaisser à votre nom.").replace("%1", holder_text)
        )
        self.open_button.setText(self.tr("Reprendre la caisse…"))
