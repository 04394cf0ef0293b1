"""The status bar's sync line: en ligne / hors ligne, ops waiting, the last sync, and the
open sync issues as a link to the issues panel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from eticket_desk.services.syncing.status import SyncStatus, sync_status
from eticket_desk.ui.context import AppContext


class SyncStatusWidget(QWidget):
    """Reads `sync_status` on start and after every announced change (a write may leave an
    op waiting; "sync" follows each run)."""

    issues_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.state_label = QLabel()
        self.issues_label = QLabel()
        self.issues_label.setTextFormat(Qt.TextFormat.RichText)
        self.issues_label.linkActivated.connect(self._on_issues_label_link_activated)
        self.issues_label.setVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.state_label)
        row.addWidget(self.issues_label)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.refresh()

    def refresh(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(lambda: sync_status(store), self.show_status)

    def show_status(self, status: SyncStatus) -> None:
        self.state_label.setText(self.status_line(status))
        colour = "#15803d" if status.configured and status.online else "#6b7280"
        self.state_label.setStyleSheet(f"color: {colour};")
        self.state_label.setToolTip(
            status.problem
            or (
                self.tr("Dernière erreur : %1").replace("%1", status.last_error)
                if status.last_error
                else ""
            )
        )
        count = status.open_issues
        if count:
            text = (
                self.tr("1 problème de synchronisation")
                if count == 1
                else self.tr("%1 problèmes de synchronisation").replace("%1", str(count))
            )
            self.issues_label.setText(
                f'<a href="issues" style="color: #b91c1c; font-weight: bold;">{text}</a>'
            )
        self.issues_label.setVisible(bool(count))

    def status_line(self, status: SyncStatus) -> str:
        """« En ligne · dernière synchro 14:32 », « Hors ligne · 12 opérations en attente »."""
        if status.problem:
            return self.tr("Synchronisation impossible sur ce poste (pas de trousseau)")
        if not status.configured:
            return self.tr("Synchronisation non configurée")
        parts = [self.tr("En ligne") if status.online else self.tr("Hors ligne")]
        if status.waiting_ops:
            parts.append(
                self.tr("1 opération en attente")
                if status.waiting_ops == 1
                else self.tr("%1 opérations en attente").replace("%1", str(status.waiting_ops))
            )
        if status.last_sync is not None:
            when = status.last_sync
            today = self._ctx.store.clock.today()
            stamp = f"{when:%H:%M}" if when.date() == today else f"{when:%d/%m à %H:%M}"
            parts.append(self.tr("dernière synchro %1").replace("%1", stamp))
        return " · ".join(parts)

    def _on_issues_label_link_activated(self, _link: str) -> None:
        self.issues_requested.emit()

    def _on_bus_changed(self, _topics: frozenset[str]) -> None:
        self.refresh()
