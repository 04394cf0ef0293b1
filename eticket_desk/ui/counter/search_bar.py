"""Finding the family at the counter: a name typed (the matching families in a list under the
field, arrows and Enter), a family card scanned (« F00042 » and Enter) or an invoice coupon
scanned (« F-2026-000123 »).

Enter never picks a family the agent did not see: one match opens it, several open the list
(↓ ↑ then Enter takes the highlighted one), and Enter pressed before the results of the last
keystroke arrived waits for them."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.billing import is_invoice_code
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.families.search import search_families
from eticket_desk.services.invoicing.queries import find_by_coupon
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import ALERT_COLOUR, coloured
from eticket_desk.ui.messages import show_error

REFERENCE = re.compile(r"^[A-Za-z]\d{3,}$")  # what the barcode scanner types: F00042
SEARCH_LIMIT = 20
VISIBLE_ROWS = 8
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class FamilySearchBar(QWidget):
    """Emits `family_chosen(family id, invoice id or None)`. The list of matches floats over
    `host` (the screen) under the field, so nothing below it moves."""

    family_chosen = Signal(object, object)

    def __init__(self, ctx: AppContext, host: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._host = host
        self._hits = []
        self._asked: str | None = None  # the last text searched
        self._shown_for: str | None = None  # the text whose results are in the list
        self._enter_waiting = False  # Enter pressed before the results of the text came
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr(
                "Scanner la carte famille ou le coupon d'une facture, ou taper un nom, le prénom "
                "d'un enfant ou une référence (F00042)"
            )
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_message = coloured(QLabel(), ALERT_COLOUR)
        self.search_message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.search_message)

        self.popup = QFrame(host)
        self.popup.setFrameShape(QFrame.Shape.StyledPanel)
        self.popup.setAutoFillBackground(True)
        self.hint_label = QLabel()  # one line: a wrapped label would not size the popup
        self.results_list = QListWidget()
        self.results_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the field
        self.results_list.setUniformItemSizes(True)
        palette = self.results_list.palette()  # the highlight as bright without the focus
        for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
            palette.setColor(
                QPalette.ColorGroup.Inactive, role, palette.color(QPalette.ColorGroup.Active, role)
            )
        self.results_list.setPalette(palette)
        popup_layout = QVBoxLayout(self.popup)
        popup_layout.setContentsMargins(6, 4, 6, 6)
        popup_layout.addWidget(self.hint_label)
        popup_layout.addWidget(self.results_list)
        self.popup.hide()

        self.search_edit.installEventFilter(self)
        self.search_edit.textEdited.connect(self._on_search_edit_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.results_list.itemClicked.connect(self._on_results_list_item_clicked)

    # ------------------------------------------------------------ keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        kind = event.type()
        if watched is self.search_edit and kind == QEvent.Type.FocusOut:
            self.popup.hide()
        elif watched is self.search_edit and kind == QEvent.Type.KeyPress:
            return self._on_search_edit_key(event.key())
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)  # the screen resized: the list keeps under the field
        if self.popup.isVisible():
            self._place_popup()

    def _on_search_edit_key(self, key: int) -> bool:
        """True when the key was for the list of matches."""
        if key == Qt.Key.Key_Escape and self.popup.isVisible():
            self.popup.hide()
            self._enter_waiting = False
            return True
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(key)
        if step is None or not self._hits:
            return False
        if not self.popup.isVisible():
            self._open_popup()
            return True
        row = max(0, min(self.results_list.currentRow() + step, len(self._hits) - 1))
        self.results_list.setCurrentRow(row)
        return True

    # ------------------------------------------------------------ searching

    def _on_search_edit_edited(self, text: str) -> None:
        self.search_message.setVisible(False)
        self._enter_waiting = False
        if len(text.strip()) < 2 or REFERENCE.match(text.strip()) or is_invoice_code(text):
            self._asked = self._shown_for = text
            self.show_hits([])
            return
        self._search(text)

    def _search(self, text: str) -> None:
        self._asked = text
        ctx = self.ctx
        self.ctx.runner.submit(
            lambda: (text, search_families(ctx.store, ctx.actor, text, limit=SEARCH_LIMIT)),
            self._on_search_done,
            self._on_failed,
        )

    def _on_search_done(self, result) -> None:
        text, hits = result
        if text != self.search_edit.text():
            return  # an earlier keystroke's results: the last one's are coming
        self._shown_for = text
        self.show_hits(hits)
        if self._enter_waiting:
            self._enter_waiting = False
            self._take_match()

    def show_hits(self, hits) -> None:
        """The matches in the list, none highlighted (Enter must not take one unseen)."""
        self._hits = list(hits)
        self.results_list.clear()
        for hit in self._hits:
            item = QListWidgetItem(
                f"{hit.reference}  {hit.display_name}  —  {hit.children}  {hit.city}".rstrip()
            )
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.results_list.addItem(item)
        self.results_list.setCurrentRow(-1)
        if self._hits and self.search_edit.hasFocus():
            self._open_popup()
        else:
            self.popup.hide()

    def _open_popup(self, choose: bool = False) -> None:
        count = len(self._hits)
        keys = self.tr("↓ ↑ pour choisir, Entrée pour ouvrir, Échap pour fermer")
        if choose:
            hint = self.tr("%d familles correspondent : choisissez-en une (%s).") % (count, keys)
        elif count >= SEARCH_LIMIT:
            hint = self.tr("Les %d premières familles, précisez la recherche — %s") % (
                count,
                keys,
            )
        elif count == 1:
            hint = self.tr("1 famille — Entrée pour l'ouvrir")
        else:
            hint = self.tr("%d familles — %s") % (count, keys)
        self.hint_label.setText(hint)
        self.hint_label.setStyleSheet(f"color: {ALERT_COLOUR};" if choose else "color: #555;")
        self._place_popup()
        self.popup.raise_()
        self.popup.show()

    def _place_popup(self) -> None:
        edit = self.search_edit
        rows = max(1, min(len(self._hits), VISIBLE_ROWS))
        frame = 2 * self.results_list.frameWidth()
        self.results_list.setFixedHeight(rows * self.results_list.sizeHintForRow(0) + frame)
        top_left = edit.mapTo(self._host, QPoint(0, edit.height()))
        self.popup.setFixedWidth(edit.width())
        self.popup.adjustSize()
        self.popup.move(top_left)

    # ------------------------------------------------------------ Enter

    def _on_search_edit_return_pressed(self) -> None:
        raw = self.search_edit.text()
        text = raw.strip()
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
        elif len(text) >= 2 and self._shown_for != raw:
            self._enter_waiting = True  # acted on when the results of this text come
            if self._asked != raw:
                self._search(raw)
        elif len(text) >= 2:
            self._take_match()

    def _take_match(self) -> None:
        """Enter on the results of the text typed: the highlighted family, the only one, or
        the list to choose from."""
        row = self.results_list.currentRow()
        if self.popup.isVisible() and 0 <= row < len(self._hits):
            self.family_chosen.emit(self._hits[row].id, None)
        elif len(self._hits) == 1:
            self.family_chosen.emit(self._hits[0].id, None)
        elif not self._hits:
            self._say(
                DomainError(
                    self.tr("Aucune famille ne correspond à « %s ».")
                    % self.search_edit.text().strip()
                )
            )
        else:
            self._open_popup(choose=True)

    def _on_reference_found(self, reference: str, hits) -> None:
        if hits and hits[0].reference == reference:
            self.family_chosen.emit(hits[0].id, None)
            return
        self._say(DomainError(self.tr("Aucune famille n'a la référence %s.") % reference))

    def _on_results_list_item_clicked(self, item: QListWidgetItem) -> None:
        self.family_chosen.emit(item.data(Qt.ItemDataRole.UserRole), None)

    def _say(self, exc: Exception) -> None:
        self.popup.hide()
        self.search_message.setText(exc.message if isinstance(exc, DomainError) else str(exc))
        self.search_message.setVisible(True)
        self.search_edit.selectAll()

    def _on_failed(self, exc: Exception) -> None:
        show_error(self, exc)
