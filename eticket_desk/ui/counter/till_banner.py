"""The banner across the counter while the till is closed: the agent reads it before typing
a sale, and opens the till from it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from eticket_desk.ui.counter.widgets import ALERT_COLOUR, KeyButton, scaled


class TillClosedBanner(QFrame):
    """« Caisse fermée » and « Ouvrir la caisse… » (Enter or Space when it has the focus)."""

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tillClosedBanner")
        self.setStyleSheet(
            f"#tillClosedBanner {{ background: #fdecea; border: 1px solid {ALERT_COLOUR};"
            " border-radius: 4px; }"
        )
        self.message_label = scaled(
            QLabel(
                self.tr(
                    "Caisse fermée : ouvrez la caisse avec son fonds avant de vendre des "
                    "tickets ou d'encaisser une facture."
                )
            ),
            1.1,
        )
        self.message_label.setStyleSheet(f"color: {ALERT_COLOUR};")
        self.message_label.setWordWrap(True)
        self.open_button = KeyButton(self.tr("Ouvrir la caisse…"))
        self.open_button.clicked.connect(self.open_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.open_button)
