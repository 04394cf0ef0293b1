"""The « Messagerie » screen: the messages waiting, in progress, failed or interrupted (and
the sent ones when asked), « Réessayer » on a failed or interrupted one, « Envoyer
maintenant » (the mail worker's round, with its progress and « Arrêter »)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.mail.queue import mail_queue, retry_mail
from eticket_desk.ui.admin.forms import compact_rows, note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.mail.mails_model import MailColumn, MailsModel
from eticket_desk.ui.messages import show_error


class MailQueueScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self.worker = ctx, None
        self.model = MailsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MailColumn.SUBJECT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(MailColumn.SUBJECT, 300)
        header.setSectionResizeMode(MailColumn.ERROR, QHeaderView.ResizeMode.Stretch)
        compact_rows(self.table)
        self.show_sent = QCheckBox(self.tr("Montrer aussi les messages envoyés"))
        self.show_sent.toggled.connect(self._on_show_sent_toggled)
        self.retry_button = QPushButton(self.tr("&Réessayer"))
        self.retry_button.setEnabled(False)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.send_button = QPushButton(self.tr("&Envoyer maintenant"))
        self.send_button.clicked.connect(self._on_send_button_clicked)
        self.stop_button = QPushButton(self.tr("Arrê&ter"))
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.summary = note_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_sent)
        buttons.addStretch(1)
        buttons.addWidget(self.progress)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Messagerie")))
        layout.addWidget(
            note_label(
                self.tr(
                    "Les courriels partent d'eux-mêmes quand le poste est en ligne (toutes les "
                    "minutes). Un message « interrompu, à vérifier » est peut-être parti : "
                    "vérifiez auprès du destinataire avant de cliquer « Réessayer »."
                )
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.reload()

    def attach_worker(self, worker) -> None:
        """The window's MailWorker: « Envoyer maintenant » starts its round, shown here."""
        self.worker = worker
        worker.progressed.connect(self._on_worker_progressed)
        worker.round_finished.connect(self._on_round_over)
        worker.round_failed.connect(self._on_round_over)

    def reload(self) -> None:
        store, actor, sent = self._ctx.store, self._ctx.actor, self.show_sent.isChecked()
        self._ctx.runner.submit(
            lambda: mail_queue(store, actor, include_sent=sent), self._on_loaded, self._failed
        )

    def _on_loaded(self, lines) -> None:
        if not isValid(self):  # closed before the answer came
            return
        self.model.set_lines(lines)
        waiting = sum(line.state == "pending" for line in lines)
        failed = sum(line.can_retry for line in lines)
        self.summary.setText(
            self.tr("%1 en attente · %2 en échec ou à vérifier")
            .replace("%1", str(waiting))
            .replace("%2", str(failed))
        )
        self._on_selection_changed()

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.lines[rows[0].row()] if rows else None

    def _on_selection_changed(self, *_args) -> None:
        line = self._selected()
        self.retry_button.setEnabled(line is not None and line.can_retry)

    def _on_show_sent_toggled(self, _checked: bool) -> None:
        self.reload()

    def _on_retry_button_clicked(self) -> None:
        line = self._selected()
        if line is None:
            return
        self._ctx.write(retry_mail, line.id, on_error=self._failed)

    def _on_send_button_clicked(self) -> None:
        if self.worker is None or not self.worker.send_now():
            return
        self.send_button.setEnabled(False)
        self.stop_button.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)

    def _on_stop_button_clicked(self) -> None:
        if self.worker is not None:
            self.worker.stop_round()

    def _on_worker_progressed(self, done: int, total: int) -> None:
        self.progress.setVisible(True)
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _on_round_over(self, *_args) -> None:
        self.send_button.setEnabled(True)
        self.stop_button.setVisible(False)
        self.progress.setVisible(False)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.MAIL in topics:
            self.reload()
