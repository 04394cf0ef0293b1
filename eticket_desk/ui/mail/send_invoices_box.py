"""« Envoyer les factures par e-mail » at the end of an invoice run: how many can go (the
payers who accepted e-mail), then the queueing with its progress and « Arrêter », and what
was left out and why. The messages then leave with the mail worker (« Messagerie »)."""

from __future__ import annotations

import threading
import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout
from shiboken6 import isValid

from eticket_desk.services.mail.invoices import queue_run_invoices, run_mail_count
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text

NAMES_SHOWN = 5


class _Moved(QObject):
    moved = Signal(int, int)


class SendInvoicesBox(QGroupBox):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Envoi par e-mail"))
        self._ctx, self.run_id = ctx, None
        self._stop = threading.Event()
        self._moved = _Moved(self)
        self._moved.moved.connect(self._on_moved)
        self.send_button = QPushButton(self.tr("Envoyer les factures par &e-mail"))
        self.send_button.clicked.connect(self._on_send_button_clicked)
        self.stop_button = QPushButton(self.tr("Arrêter l'envoi"))
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self._stop.set)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = note_label()
        row = QHBoxLayout()
        row.addWidget(self.send_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.setVisible(False)

    def set_run(self, run_id: uuid.UUID) -> None:
        self.run_id = run_id
        store, actor = self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(lambda: run_mail_count(store, actor, run_id), self._on_counted)

    def _on_counted(self, counted: tuple[int, int]) -> None:
        if not isValid(self):  # the run's window closed before the answer
            return
        sendable, total = counted
        self.setVisible(True)
        self.send_button.setEnabled(sendable > 0)
        self.send_button.setText(
            self.tr("Envoyer %1 factures par &e-mail").replace("%1", str(sendable))
            if sendable != 1
            else self.tr("Envoyer 1 facture par &e-mail")
        )
        text = (
            self.tr("%1 famille sur %2 a accepté de recevoir ses factures par e-mail.")
            if sendable <= 1
            else self.tr("%1 familles sur %2 ont accepté de recevoir leurs factures par e-mail.")
        )
        self.status.setText(text.replace("%1", str(sendable)).replace("%2", str(total)))

    def _on_send_button_clicked(self) -> None:
        self._stop.clear()
        self.send_button.setEnabled(False)
        self.stop_button.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self._ctx.write(
            queue_run_invoices,
            self.run_id,
            self._moved.moved.emit,
            self._stop.is_set,
            on_done=self._on_queued,
            on_error=self._on_failed,
        )

    def _on_moved(self, done: int, total: int) -> None:
        if not isValid(self):  # the run's window closed before the answer
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _on_queued(self, result) -> None:
        if not isValid(self):  # the run's window closed before the answer
            return
        self.stop_button.setVisible(False)
        self.progress.setVisible(False)
        if result.stopped:
            self.send_button.setEnabled(True)
        self.status.setText(queued_summary(self, result, self.tr("facture"), self.tr("factures")))

    def _on_failed(self, exc: BaseException) -> None:
        if not isValid(self):  # the run's window closed before the answer
            return
        self.stop_button.setVisible(False)
        self.progress.setVisible(False)
        self.send_button.setEnabled(True)
        self.status.setText(error_text(exc))


def queued_summary(widget: QObject, result, one: str, many: str) -> str:
    """What a queueing of documents did (queued, already sent, stopped, who had not accepted),
    for the invoices of a run and the year's certificates alike."""
    tr = widget.tr
    if result.queued <= 1:
        queued = tr("%1 %2 mise en file d'envoi ; elle part dans la minute").replace("%2", one)
    else:
        queued = tr("%1 %2 mises en file d'envoi ; elles partent dans la minute").replace(
            "%2", many
        )
    parts = [queued.replace("%1", str(result.queued)) + tr(" (écran « Messagerie »).")]
    if result.already:
        parts.append(tr("%1 déjà envoyées.").replace("%1", str(result.already)))
    if result.stopped:
        parts.append(tr("Envoi arrêté : les autres %1 ne sont pas parties.").replace("%1", many))
    if result.skipped:
        names = ", ".join(name for name, _reason in result.skipped[:NAMES_SHOWN])
        if len(result.skipped) > NAMES_SHOWN:
            names += ", …"
        parts.append(
            tr("Sans accord pour l'e-mail (%1) : %2")
            .replace("%1", str(len(result.skipped)))
            .replace("%2", names)
        )
    return "\n".join(parts)
