"""The banner across the main window while this desk, restored from a backup, waits for the
server's state: every writing screen refuses to save meanwhile (core/restored.py), the banner
says why and offers the sync that lifts it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from eticket_desk.services.core.changes import Topic
from eticket_desk.services.core.restored import RESTORED_MESSAGE, restore_pending
from eticket_desk.ui.context import AppContext

ALERT = "#b91c1c"


class RestoredBanner(QFrame):
    """« Poste restauré : rechargement des données du serveur avant toute nouvelle saisie »
    and « Synchroniser maintenant »; hidden once the server's state is reloaded."""

    sync_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("restoredBanner")
        self.setStyleSheet(
            f"#restoredBanner {{ background: #fdecea; border: 1px solid {ALERT};"
            " border-radius: 4px; }"
        )
        self.message_label = QLabel(RESTORED_MESSAGE)  # the services' own words
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(f"color: {ALERT}; font-weight: bold;")
        self.sync_button = QPushButton(self.tr("Synchroniser maintenant"))
        self.sync_button.clicked.connect(self.sync_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.sync_button)
        self.setVisible(False)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.refresh()

    def refresh(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(lambda: restore_pending(store), self.setVisible)

    def _on_bus_changed(self, topics: frozenset) -> None:
        if Topic.SYNC in topics:
            self.refresh()
