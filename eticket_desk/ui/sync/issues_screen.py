"""The sync issues panel: the ops the server rejected, what the agent can do, and
« Marquer comme traité »; a likely duplicate dossier found after a pull, and « Pas des
doublons »."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.syncing.issues import (
    DUPLICATE_CODE,
    SyncIssue,
    list_sync_issues,
    mark_handled,
)
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import format_datetime, note_label, title_label
from eticket_desk.ui.context import AppContext


class IssueCard(QFrame):
    """One rejected op: title, subject, the server's message and what to do."""

    def __init__(self, issue: SyncIssue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issue = issue
        self.setObjectName("syncIssue")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#syncIssue { border: 1px solid #d1d5db; border-radius: 6px; background: white; }"
        )
        title = QLabel(issue.title)
        title.setStyleSheet("font-weight: bold; color: #b91c1c;")
        if issue.notice:  # found by a sync, not refused by the server
            said = self.tr("Signalé le %1")
        elif issue.merged:
            said = self.tr("Fusionnée le %1")
        else:
            said = self.tr("Refusée le %1")
        when = QLabel(said.replace("%1", format_datetime(issue.at)))
        when.setStyleSheet("color: #6b7280;")
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(when)
        subject = QLabel(issue.subject)
        subject.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        if issue.subject:
            layout.addWidget(subject)
        if issue.message:
            said = issue.message
            if not issue.notice:
                said = self.tr("Réponse du serveur : %1").replace("%1", said)
            message = QLabel(said)
            message.setWordWrap(True)
            layout.addWidget(message)
        todo = note_label(
            self.tr("À faire : %1").replace("%1", " ".join(issue.actions)) if issue.actions else ""
        )
        layout.addWidget(todo)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        if issue.handled_at is not None:
            done = QLabel(
                self.tr("Traité le %1 par %2")
                .replace("%1", format_datetime(issue.handled_at))
                .replace("%2", issue.handled_by)
            )
            done.setStyleSheet("color: #15803d;")
            bottom.addWidget(done)
            self.handle_button = None
        else:
            self.handle_button = QPushButton(
                self.tr("Pas des doublons (traité)")
                if issue.code == DUPLICATE_CODE
                else self.tr("Marquer comme traité")
            )
            bottom.addWidget(self.handle_button)
        layout.addLayout(bottom)


class SyncIssuesScreen(QWidget):
    """Lists the open sync issues (and the handled ones on demand); reloads on "sync"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.cards: list[IssueCard] = []
        self.show_handled_check = QCheckBox(self.tr("Voir aussi les problèmes traités"))
        self.show_handled_check.toggled.connect(self._on_show_handled_check_toggled)
        self.summary_label = QLabel()
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.list_widget)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.show_handled_check)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Synchronisation")))
        layout.addWidget(
            note_label(
                self.tr(
                    "Les opérations que le serveur central a refusées et ce que la "
                    "synchronisation a trouvé : le poste a déjà annulé l'effet d'un refus (un "
                    "jour refusé n'est pas réservé ; son ticket est rendu s'il était prépayé). "
                    "Faites ce qui est indiqué, puis marquez le problème comme traité."
                )
            )
        )
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.load()

    def load(self) -> None:
        store, actor = self._ctx.store, self._ctx.actor
        handled = self.show_handled_check.isChecked()
        self._ctx.runner.submit(
            lambda: list_sync_issues(store, actor, include_handled=handled),
            self._show_issues,
            self._on_load_failed,
        )

    def _show_issues(self, issues: list[SyncIssue]) -> None:
        for card in self.cards:
            self.list_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for issue in issues:
            card = IssueCard(issue)
            if card.handle_button is not None:
                card.handle_button.clicked.connect(
                    lambda _=False, ref=issue.ref: self._on_handle_button_clicked(ref)
                )
            self.list_layout.insertWidget(self.list_layout.count() - 1, card)
            self.cards.append(card)
        open_count = sum(1 for issue in issues if issue.handled_at is None)
        if open_count == 0:
            self.summary_label.setText(self.tr("Aucun problème de synchronisation à traiter."))
        elif open_count == 1:
            self.summary_label.setText(self.tr("1 problème de synchronisation à traiter."))
        else:
            self.summary_label.setText(
                self.tr("%1 problèmes de synchronisation à traiter.").replace("%1", str(open_count))
            )

    def _on_load_failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)

    def _on_handle_button_clicked(self, ref: str) -> None:
        self._ctx.write(mark_handled, ref, on_error=self._on_load_failed)

    def _on_show_handled_check_toggled(self, _checked: bool) -> None:
        self.load()

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.SYNC in topics:
            self.load()
