"""Finding the family at the counter: a name typed (results as you type, arrows, Enter), a
family card scanned (« F00042 » and Enter) or an invoice coupon scanned (« F-2026-000123 »)."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from eticket_desk.rules.billing import is_invoice_code
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.invoice_queries import find_by_coupon
from eticket_desk.services.search import search_families
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import ALERT_COLOUR, coloured
from eticket_desk.ui.messages import show_error

REFERENCE = re.compile(r"^[A-Za-z]\d{3,}$")  # what the barcode scanner types: F00042


class FamilySearchBar(QWidget):
    """Emits `family_chosen(family id, invoice id or None)`."""

    family_chosen = Signal(object, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._hits = []
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr(
                "Scanner la carte famille ou le coupon d'une facture, ou taper un nom ou une "
                "référence (F00042)"
            )
        )
        self.search_edit.setClearButtonEnabled(True)
        self.results_list = QListWidget()
        self.results_list.setMaximumHeight(150)
        self.results_list.setVisible(False)
        self.search_message = coloured(QLabel(), ALERT_COLOUR)
        self.search_message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.search_message)
        layout.addWidget(self.results_list)
        self.search_edit.installEventFilter(self)
        self.search_edit.textEdited.connect(self._on_search_edit_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.results_list.itemActivated.connect(self._on_results_list_item_activated)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(event.key())
            if step and self.results_list.count():
                row = self.results_list.currentRow() + step
                self.results_list.setCurrentRow(max(0, min(row, self.results_list.count() - 1)))
                return True
        return super().eventFilter(watched, event)

    def _on_search_edit_edited(self, text: str) -> None:
        self.search_message.setVisible(False)
        if len(text.strip()) < 2 or REFERENCE.match(text.strip()) or is_invoice_code(text):
            self.show_hits([])
            return
        ctx = self.ctx
        self.ctx.runner.submit(
            lambda: (text, search_families(ctx.store, ctx.actor, text, limit=20)),
            self._on_search_done,
            self._on_failed,
        )

    def _on_search_done(self, result) -> None:
        text, hits = result
        if text == self.search_edit.text():
            self.show_hits(hits)

    def show_hits(self, hits) -> None:
        self._hits = hits
        self.results_list.clear()
        for hit in hits:
            item = QListWidgetItem(
                f"{hit.reference}  {hit.display_name}  —  {hit.children}  {hit.city}".rstrip()
            )
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.results_list.addItem(item)
        if hits:
            self.results_list.setCurrentRow(0)
        self.results_list.setVisible(bool(hits))

    def _on_search_edit_return_pressed(self) -> None:
        text = self.search_edit.text().strip()
        ctx = self.ctx
        if is_invoice_code(text):  # a coupon scanned: its family, the invoice ticked
            ctx.runner.submit(
                lambda: find_by_coupon(ctx.store, ctx.actor, text),
                lambda found: self.family_chosen.emit(found.family_id, found.id),
                self._say,
            )
        elif REFERENCE.match(text):
            ctx.runner.submit(
                lambda: search_families(ctx.store, ctx.actor, text, limit=1),
                lambda hits: self._on_reference_found(text.upper(), hits),
                self._on_failed,
            )
        elif self.results_list.currentItem() is not None:
            self._on_results_list_item_activated(self.results_list.currentItem())

    def _on_reference_found(self, reference: str, hits) -> None:
        if hits and hits[0].reference == reference:
            self.family_chosen.emit(hits[0].id, None)
            return
        self._say(DomainError(self.tr("Aucune famille n'a la référence %s.") % reference))

    def _on_results_list_item_activated(self, item: QListWidgetItem) -> None:
        self.family_chosen.emit(item.data(Qt.ItemDataRole.UserRole), None)

    def _say(self, exc: Exception) -> None:
        self.search_message.setText(exc.message if isinstance(exc, DomainError) else str(exc))
        self.search_message.setVisible(True)
        self.search_edit.selectAll()

    def _on_failed(self, exc: Exception) -> None:
        show_error(self, exc)
