"""A family's « Courriels » tab: what was sent to the family, when, its state and, for a
refusal, the French reason the relay gave (« Adresse refusée… »)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget
from shiboken6 import isValid

from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.mail.queue import family_mails
from eticket_desk.ui.admin.forms import compact_rows, error_label, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.mail.mails_model import MailColumn, MailsModel


class FamilyMailsTab(QWidget):
    def __init__(self, ctx: AppContext, family_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self.family_id = ctx, family_id
        self.model = MailsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MailColumn.SUBJECT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(MailColumn.SUBJECT, 300)
        header.setSectionResizeMode(MailColumn.ERROR, QHeaderView.ResizeMode.Stretch)
        compact_rows(self.table)
        self.empty_note = note_label(
            self.tr(
                "Aucun courriel pour cette famille. Les documents partent par e-mail à l'adulte "
                "payeur qui l'a accepté (case sous son adresse e-mail)."
            )
        )
        self.failure_label = error_label()  # the last refusal, whole (the column is narrow)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.failure_label)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.reload()

    def reload(self) -> None:
        store, actor, family_id = self._ctx.store, self._ctx.actor, self.family_id
        self._ctx.runner.submit(lambda: family_mails(store, actor, family_id), self._on_loaded)

    def _on_loaded(self, lines) -> None:
        if not isValid(self):  # closed before the answer came
            return
        self.model.set_lines(lines)
        self.empty_note.setVisible(not lines)
        failed = next((line for line in lines if line.can_retry), None)
        self.failure_label.setText(
            self.tr("Non envoyé le %1 — %2 : %3")
            .replace("%1", f"{failed.queued_at:%d/%m/%Y}")
            .replace("%2", failed.subject)
            .replace("%3", failed.last_error)
            if failed
            else ""
        )
        self.failure_label.setVisible(failed is not None)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.MAIL in topics or FamilyTopic(self.family_id) in topics:
            self.reload()
