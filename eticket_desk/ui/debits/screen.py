"""The « Prélèvements » screen of the régisseur: the SEPA debit batches exported (date, run,
count, total, file), « Préparer un lot… », and per batch its invoices with « Saisir un
rejet… » and « Enregistrer le fichier… » (the same file again, byte for byte)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from eticket_desk.rules.permissions import PERMISSION_LABELS, Permission
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.invoicing import debit_export, debit_queries
from eticket_desk.services.invoicing.debit_queries import BatchSummary, ItemRow
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.debits import prepare_dialog
from eticket_desk.ui.debits.models import BatchColumn, BatchesModel, ItemColumn, ItemsModel
from eticket_desk.ui.debits.prepare_dialog import PrepareDialog
from eticket_desk.ui.debits.reject_dialog import RejectDialog
from eticket_desk.ui.invoicing.common import source_rows, table_view

TOPICS = {Topic.DEBITS, Topic.INVOICES}


class DebitsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_run = ctx.actor.can(Permission.INVOICE_RUN)
        self.prepare_button = QPushButton(self.tr("&Préparer un lot…"))
        self.prepare_button.setEnabled(self.can_run)
        self.prepare_button.clicked.connect(self._on_prepare_button_clicked)
        head = QHBoxLayout()
        head.addWidget(title_label(self.tr("Prélèvements SEPA")), 1)
        head.addWidget(self.prepare_button)
        self.read_only_note = note_label(
            self.tr("Votre profil ({role}) ne permet pas de {action}.").format(
                role=ctx.actor.role.label, action=PERMISSION_LABELS[Permission.INVOICE_RUN]
            )
        )
        self.read_only_note.setVisible(not self.can_run)
        self.batches_model = BatchesModel(self)
        self.batches_view = table_view(self.batches_model, stretch=BatchColumn.FILE)
        self.batches_view.setMaximumHeight(180)
        self.save_file_button = QPushButton(self.tr("Enregistrer le &fichier…"))
        self.save_file_button.clicked.connect(self._on_save_file_button_clicked)
        batches_box = QGroupBox(self.tr("Lots exportés"))
        batches_layout = QHBoxLayout(batches_box)
        batches_layout.addWidget(self.batches_view, 1)
        side = QVBoxLayout()
        side.addWidget(self.save_file_button)
        side.addStretch(1)
        batches_layout.addLayout(side)
        self.items_model = ItemsModel(self)
        self.items_view = table_view(self.items_model, stretch=ItemColumn.STATE)
        self.reject_button = QPushButton(self.tr("Saisir un &rejet…"))
        self.reject_button.clicked.connect(self._on_reject_button_clicked)
        self.status = note_label(self.tr("Choisissez un lot pour voir ses prélèvements."))
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.reject_button)
        items_box = QGroupBox(self.tr("Prélèvements du lot"))
        items_layout = QVBoxLayout(items_box)
        items_layout.addWidget(self.items_view, 1)
        items_layout.addLayout(bottom)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.read_only_note)
        layout.addWidget(batches_box)
        layout.addWidget(items_box, 1)
        self.batches_view.selectionModel().selectionChanged.connect(
            self._on_batches_selection_changed
        )
        self.items_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.items_view.doubleClicked.connect(self._on_reject_button_clicked)
        ctx.bus.changed.connect(self._on_bus_changed)
        self._wanted_batch = None
        self._update_buttons()
        if self.can_run:
            self.refresh()

    # -- data ------------------------------------------------------------------------------

    def refresh(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: debit_queries.list_batches(store, actor), self._on_batches_loaded, self._failed
        )

    def selected_batch(self) -> BatchSummary | None:
        rows = source_rows(self.batches_view)
        return self.batches_model.row_at(rows[0]) if rows else None

    def selected_item(self) -> ItemRow | None:
        rows = source_rows(self.items_view)
        return self.items_model.row_at(rows[0]) if rows else None

    def _on_batches_loaded(self, batches: list[BatchSummary]) -> None:
        wanted = self._wanted_batch or (self.selected_batch() or batches[0] if batches else None)
        wanted_id = wanted.id if isinstance(wanted, BatchSummary) else wanted
        self.batches_model.set_rows(batches)
        for row, batch in enumerate(batches):
            if batch.id == wanted_id or batch.message_id == wanted_id:
                self.batches_view.selectRow(
                    self.batches_view.model().mapFromSource(self.batches_model.index(row, 0)).row()
                )
                break
        if not batches:
            self.items_model.set_rows([])
            self.status.setText(self.tr("Aucun lot exporté : « Préparer un lot… » pour commencer."))
        self._update_buttons()

    def load_items(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            self.items_model.set_rows([])
            return
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: debit_queries.batch_items(store, actor, batch.id),
            self._on_items_loaded,
            self._failed,
        )

    def _on_items_loaded(self, items: list[ItemRow]) -> None:
        self.items_model.set_rows(items)
        batch = self.selected_batch()
        rejected = sum(1 for item in items if item.state == "rejete")
        text = self.tr("Lot {id} : {n} prélèvement(s)").format(id=batch.message_id, n=len(items))
        if rejected:
            text += self.tr(", dont {r} rejeté(s)").format(r=rejected)
        self.status.setText(text + ".")
        self._update_buttons()

    # -- actions ---------------------------------------------------------------------------

    def open_prepare_dialog(self) -> PrepareDialog:
        dialog = PrepareDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.batch_exported.connect(self._on_prepare_dialog_batch_exported)
        dialog.open()
        return dialog

    def open_reject_dialog(self) -> RejectDialog | None:
        item = self.selected_item()
        if item is None or item.state == "rejete":
            return None
        dialog = RejectDialog(self.ctx, item, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.reject_recorded.connect(self._on_reject_dialog_reject_recorded)
        dialog.open()
        return dialog

    def _on_prepare_button_clicked(self) -> None:
        self.open_prepare_dialog()

    def _on_prepare_dialog_batch_exported(self, message_id: str) -> None:
        self._wanted_batch = message_id
        self.status.setText(self.tr("Lot {id} exporté.").format(id=message_id))

    def _on_reject_button_clicked(self, *_args) -> None:
        self.open_reject_dialog()

    def _on_reject_dialog_reject_recorded(self, message: str) -> None:
        messages.show_info(self, self.tr("Rejet enregistré"), message)

    def _on_save_file_button_clicked(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        path = prepare_dialog.choose_file(self, batch.file_name)
        if not path:
            return
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: debit_export.save_batch_file(store, actor, batch.id, Path(path)),
            lambda saved: self.status.setText(
                self.tr("Fichier du lot {id} enregistré : {path}").format(
                    id=batch.message_id, path=saved
                )
            ),
            self._failed,
        )

    # -- state -----------------------------------------------------------------------------

    def _on_batches_selection_changed(self, *_args) -> None:
        self.load_items()

    def _update_buttons(self, *_args) -> None:
        item = self.selected_item()
        self.reject_button.setEnabled(self.can_run and item is not None and item.state != "rejete")
        self.save_file_button.setEnabled(self.can_run and self.selected_batch() is not None)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if self.can_run and topics & TOPICS:
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)
