"""The parents' documents as the desk processes them: a family's (the « Documents » tab of
the dossier) or every one still to process (the « Portail des familles » screen). The agent
opens one (its bytes fetched from the server on a thread of their own, never the writer's),
accepts it or refuses it with a reason."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.paths import documents_folder
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.families.documents import (
    DocumentRow,
    documents_to_process,
    family_documents,
    fetch_document,
    justifiable_days,
)
from eticket_desk.services.syncing.cycle import make_client
from eticket_desk.ui.admin.forms import compact_rows, format_datetime, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error
from eticket_desk.ui.portal.review_dialog import ReviewDialog


class _Fetched(QObject):
    """Brings the network thread's outcome back to the GUI thread."""

    done = Signal(object)
    failed = Signal(object)


def open_file(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class DocumentsPanel(QWidget):
    """`family_id` given: that family's documents; None: every document to process."""

    def __init__(
        self, ctx: AppContext, family_id: uuid.UUID | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.family_id = ctx, family_id
        self.rows: list[DocumentRow] = []
        self.opener: Callable[[Path], None] = open_file  # a test looks instead of opening
        self.review_dialog: ReviewDialog | None = None
        self._fetched = _Fetched(self)
        self._fetched.done.connect(self._on_fetched_done)
        self._fetched.failed.connect(self._on_fetched_failed)
        self._build()
        ctx.bus.changed.connect(self._on_bus_changed)
        self.reload()

    def _build(self) -> None:
        self.table = QTableWidget(0, 0)
        headers = [self.tr("Reçu le"), self.tr("Type"), self.tr("Enfant"), self.tr("Fichier")]
        headers += [self.tr("Commentaire"), self.tr("État")]
        if self.family_id is None:
            headers.insert(1, self.tr("Famille"))
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setAccessibleName(self.tr("Documents envoyés par les familles"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(
            len(headers) - 2, QHeaderView.ResizeMode.Stretch
        )
        compact_rows(self.table)
        self.count_label = QLabel()
        self.open_button = QPushButton(self.tr("&Ouvrir"))
        self.accept_button = QPushButton(self.tr("&Accepter…"))
        self.refuse_button = QPushButton(self.tr("&Refuser…"))
        self.status_label = note_label()
        bar = QHBoxLayout()
        bar.addWidget(self.count_label, 1)
        for button in (self.open_button, self.accept_button, self.refuse_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.accept_button.clicked.connect(lambda: self._review(True))
        self.refuse_button.clicked.connect(lambda: self._review(False))
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self._on_table_selection_changed()

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        store, family_id = self.ctx.store, self.family_id
        if family_id is None:
            self.ctx.runner.submit(lambda: documents_to_process(store), self.show_rows)
        else:
            self.ctx.runner.submit(lambda: family_documents(store, family_id), self.show_rows)

    def show_rows(self, rows: list[DocumentRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = [
                format_datetime(row.sent_at),
                row.kind_label,
                row.child_name or "—",
                row.filename,
                row.comment,
                row.state_label,
            ]
            if self.family_id is None:
                values.insert(1, row.family_name)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        if self.family_id is None:
            text = (
                self.tr("Aucun document à traiter.")
                if not rows
                else self.tr("%1 document(s) à traiter, du plus récent au plus ancien").replace(
                    "%1", str(len(rows))
                )
            )
        else:
            text = (
                self.tr("Aucun document envoyé depuis le portail.")
                if not rows
                else self.tr("%1 document(s) envoyé(s) depuis le portail").replace(
                    "%1", str(len(rows))
                )
            )
        self.count_label.setText(text)
        self._on_table_selection_changed()

    def selected(self) -> DocumentRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _on_table_selection_changed(self) -> None:
        row = self.selected()
        can = self.ctx.actor.can(Permission.FAMILY_EDIT)
        self.open_button.setEnabled(row is not None)
        for button in (self.accept_button, self.refuse_button):
            button.setEnabled(row is not None and can and row.state == "sent")

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        mine = {Topic.FAMILIES, Topic.SYNC}
        if self.family_id is not None:
            mine.add(FamilyTopic(self.family_id))
        if topics & mine:
            self.reload()

    # ------------------------------------------------------------ actions

    def _on_open_button_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        store = self.ctx.store
        self.status_label.setText(self.tr("Téléchargement du document depuis le serveur…"))
        self.ctx.runner.submit(
            lambda: make_client(store),
            lambda client: self._fetch(client, row),
            lambda exc: show_error(self, exc, self.tr("Document indisponible")),
        )

    def _fetch(self, client, row: DocumentRow) -> None:
        """Off the writer: the network call runs on a thread of its own."""
        if client is None:
            self.status_label.setText(
                self.tr("Ce poste n'est pas relié au serveur : le document ne peut être ouvert.")
            )
            return
        folder = documents_folder(self.ctx.store.path) / "portail"

        def fetch() -> None:
            try:
                self._fetched.done.emit(fetch_document(client, row, folder))
            except Exception as exc:  # shown to the agent in French
                self._fetched.failed.emit(exc)
            finally:
                client.close()

        threading.Thread(target=fetch, name="document-fetch", daemon=True).start()

    def _on_fetched_done(self, path: Path) -> None:
        self.status_label.setText(self.tr("Document ouvert : %1").replace("%1", str(path)))
        self.opener(path)

    def _on_fetched_failed(self, exc: BaseException) -> None:
        self.status_label.setText("")
        message = getattr(exc, "message", None)
        if message:
            self.status_label.setText(message)
        else:
            show_error(self, exc, self.tr("Document indisponible"))

    def _review(self, accept_it: bool) -> None:
        row = self.selected()
        if row is None:
            return
        store = self.ctx.store
        if accept_it and row.is_certificate and row.child_id is not None:
            self.ctx.runner.submit(
                lambda: justifiable_days(store, row.child_id),
                lambda days: self._open_review(row, accept_it, days),
            )
        else:
            self._open_review(row, accept_it, [])

    def _open_review(self, row: DocumentRow, accept_it: bool, days) -> None:
        self.review_dialog = ReviewDialog(self.ctx, row, accept_it, days, self)
        self.review_dialog.finished.connect(self._on_review_dialog_finished)
        self.review_dialog.open()

    def _on_review_dialog_finished(self, _result: int) -> None:
        if self.review_dialog is not None and self.review_dialog.message:
            self.status_label.setText(self.review_dialog.message)
        self.review_dialog = None
