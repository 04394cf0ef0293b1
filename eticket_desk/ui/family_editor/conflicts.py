"""Dossier conflicts on screen: the banner above the tabs (« 1 conflit de modification à
régler ») and the dialog listing each field with both values, who typed them and when, where
the agent keeps the server's value or takes this desk's back (services/families/conflicts.py).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.families.conflicts import (
    DossierConflictView,
    list_conflicts,
    resolve_conflict,
)
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text

_BANNER_STYLE = (
    "QFrame#conflictBanner { background: #fdecea; border: 1px solid #c62828; border-radius: 4px; }"
    "QLabel { color: #8e1c1c; background: transparent; border: none; font-weight: bold; }"
)


class ConflictBanner(QFrame):
    """Shown while the dossier has conflicts to settle; « Régler… » opens the dialog."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family_id: uuid.UUID | None = None
        self.conflicts: list[DossierConflictView] = []
        self.dialog: ConflictDialog | None = None
        self.setObjectName("conflictBanner")
        self.setStyleSheet(_BANNER_STYLE)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.open_button = QPushButton(self.tr("&Régler les conflits…"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.hide()

    def show_for(self, family_id: uuid.UUID | None) -> None:
        """Reads the dossier's conflicts (none for a new dossier)."""
        self.family_id = family_id
        if family_id is None:
            self._on_read([])
            return
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(lambda: list_conflicts(store, actor, family_id), self._on_read)

    def _on_read(self, conflicts: list[DossierConflictView]) -> None:
        self.conflicts = conflicts
        count = len(conflicts)
        self.text.setText(
            self.tr("⚠ %d conflit de modification à régler") % count
            if count == 1
            else self.tr("⚠ %d conflits de modification à régler") % count
        )
        self.setVisible(count > 0)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if self.family_id is not None and (
            Topic.SYNC in topics or FamilyTopic(self.family_id) in topics
        ):
            self.show_for(self.family_id)

    def _on_open_button_clicked(self) -> None:
        self.dialog = ConflictDialog(self.ctx, self.conflicts, self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.open()  # window-modal over the dossier


class ConflictDialog(QDialog):
    """Each conflict: the field, the server's value and this desk's, who typed them and when;
    « Garder la valeur du serveur » or « Reprendre la valeur de ce poste »."""

    resolved = Signal(object)  # the conflict's id

    def __init__(
        self,
        ctx: AppContext,
        conflicts: list[DossierConflictView],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Conflits de modification du dossier"))
        self.rows: dict[uuid.UUID, tuple[QPushButton, QPushButton, QLabel]] = {}
        intro = QLabel(
            self.tr(
                "Ces champs ont été modifiés sur ce poste et, avant lui, ailleurs (un autre "
                "poste ou le portail des familles). Le serveur a gardé la première valeur "
                "reçue ; rien n'est perdu. Choisissez pour chaque champ la valeur à garder."
            )
        )
        intro.setWordWrap(True)
        body = QWidget()
        grid = QVBoxLayout(body)
        for conflict in conflicts:
            grid.addWidget(self._conflict_box(conflict))
        grid.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        close = QDialogButtonBox()
        self.close_button = close.addButton(
            self.tr("Fer&mer"), QDialogButtonBox.ButtonRole.RejectRole
        )
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(close)
        scroll.setMinimumHeight(130 * min(max(len(conflicts), 1), 3))
        self.setMinimumWidth(780)

    def _conflict_box(self, conflict: DossierConflictView) -> QFrame:
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(conflict.label)
        title.setStyleSheet("font-weight: bold;")
        grid = QGridLayout(box)
        grid.addWidget(title, 0, 0, 1, 3)
        keep = QPushButton(self.tr("Garder la valeur du &serveur"))
        take = QPushButton(self.tr("Reprendre la valeur de ce &poste"))
        for row, (heading, value, origin, button) in enumerate(
            (
                (self.tr("Serveur :"), conflict.server_value, conflict.server_origin, keep),
                (self.tr("Ce poste :"), conflict.desk_value, conflict.desk_origin, take),
            ),
            start=1,
        ):
            grid.addWidget(QLabel(heading), row, 0)
            shown = QLabel(f"« {value} »\n{origin}")
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(shown, row, 1)
            grid.addWidget(button, row, 2)
        done = QLabel()
        done.setStyleSheet("color: #1b5e20;")
        done.hide()
        grid.addWidget(done, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        keep.clicked.connect(lambda: self._choose(conflict.id, "server"))
        take.clicked.connect(lambda: self._choose(conflict.id, "desk"))
        self.rows[conflict.id] = (keep, take, done)
        return box

    def _choose(self, conflict_id: uuid.UUID, choice: str) -> None:
        keep, take, _ = self.rows[conflict_id]
        keep.setEnabled(False)
        take.setEnabled(False)
        self.error.hide()
        self.ctx.write(
            resolve_conflict,
            conflict_id,
            choice,
            on_done=lambda _view: self._on_resolved(conflict_id, choice),
            on_error=lambda exc: self._on_failed(conflict_id, exc),
        )

    def _on_resolved(self, conflict_id: uuid.UUID, choice: str) -> None:
        keep, take, done = self.rows[conflict_id]
        done.setText(
            self.tr("✔ Valeur de ce poste reprise : elle partira à la prochaine synchronisation.")
            if choice == "desk"
            else self.tr("✔ Valeur du serveur gardée.")
        )
        done.show()
        keep.hide()
        take.hide()
        self.resolved.emit(conflict_id)

    def _on_failed(self, conflict_id: uuid.UUID, exc: BaseException) -> None:
        keep, take, _ = self.rows[conflict_id]
        keep.setEnabled(True)
        take.setEnabled(True)
        self.error.setText(error_text(exc))
        self.error.show()
