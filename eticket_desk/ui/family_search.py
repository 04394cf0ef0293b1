"""The family search screen: search as you type, arrows to move, Enter to open; « Fusionner… »
(régisseur, admin) merges the selected dossier with another."""

from __future__ import annotations

import uuid
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.families.search import FamilyHit, search_families
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error

if TYPE_CHECKING:
    from eticket_desk.ui.family_editor.merge_dialog import MergeDialog

STATUS_COLOURS = {
    FamilyStatus.DRAFT: "#6b7280",
    FamilyStatus.INCOMPLETE: "#b45309",
    FamilyStatus.VALIDATED: "#15803d",
    FamilyStatus.ARCHIVED: "#9ca3af",
}


SEARCH_LIMIT = 50


class Column(IntEnum):
    REFERENCE = 0
    NAME = 1
    CHILDREN = 2
    PHONE = 3
    CITY = 4
    STATUS = 5


HEADERS = {
    Column.REFERENCE: "Référence",
    Column.NAME: "Famille",
    Column.CHILDREN: "Enfants",
    Column.PHONE: "Téléphone",
    Column.CITY: "Ville",
    Column.STATUS: "Statut",
}


COLUMN_WIDTHS = {
    Column.REFERENCE: 80,
    Column.NAME: 260,
    Column.PHONE: 120,
    Column.CITY: 170,
    Column.STATUS: 90,
}


_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_USER = Qt.ItemDataRole.UserRole


class FamilyHitsModel(QAbstractTableModel):
    """The search results, one row per family (texts computed once per search: the view
    asks for them hundreds of times per repaint)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[FamilyHit] = []
        self._rows: list[tuple[str, ...]] = []
        self._colours = {status: QColor(colour) for status, colour in STATUS_COLOURS.items()}

    def set_hits(self, hits: list[FamilyHit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self._rows = [
            (h.reference, h.display_name, h.children, h.phone, h.city, h.status_label) for h in hits
        ]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section, orientation, role=_DISPLAY):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return HEADERS[Column(section)]
        return None

    def data(self, index: QModelIndex, role=_DISPLAY):
        if role == _DISPLAY:
            return self._rows[index.row()][index.column()]
        if role == _FOREGROUND and index.column() == Column.STATUS:
            return self._colours[self.hits[index.row()].status]
        if role == _USER:
            return self.hits[index.row()].id
        return None


class FamilySearchScreen(QWidget):
    """Find a family in seconds; the main window opens the dossier."""

    family_requested = Signal(object)  # uuid of the family to open
    new_family_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._searches = 0  # the number of the latest search asked
        self.ctx = ctx
        self.model = FamilyHitsModel(self)

        title = QLabel(self.tr("Dossiers famille"))
        title.setObjectName("screenTitle")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("Rechercher : nom, prénom d'un enfant, référence, téléphone, e-mail…")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumHeight(34)
        self.search_edit.installEventFilter(self)
        self.count_label = QLabel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Fixed widths: measuring every cell at each keystroke would cost more than the search.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.CHILDREN, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.installEventFilter(self)

        self.new_button = QPushButton(self.tr("&Nouveau dossier (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_family_requested)
        self.open_button = QPushButton(self.tr("&Ouvrir le dossier (Entrée)"))
        self.open_button.clicked.connect(self.open_current)
        # Two dossiers of one family made one: the régisseur's (merge_dialog.py).
        self.merge_button = QPushButton(self.tr("&Fusionner…"))
        self.merge_button.setVisible(ctx.actor.can(Permission.FAMILY_MERGE))
        self.merge_button.clicked.connect(self._on_merge_button_clicked)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.refresh()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def refresh(self) -> None:
        """Searches through the task runner, as every database call; only the answer to the
        latest text is shown (typing faster than the answers come drops the older ones)."""
        self._searches += 1
        asked, text = self._searches, self.search_edit.text()
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: search_families(store, actor, text, limit=SEARCH_LIMIT),
            lambda hits: self._on_search_done(asked, text, hits),
            lambda exc: show_error(self, exc) if asked == self._searches else None,
        )

    def _on_search_done(self, asked: int, text: str, hits: list[FamilyHit]) -> None:
        if asked != self._searches:
            return  # a newer search is on its way
        current = self.current_family_id()
        self.model.set_hits(hits)
        self.count_label.setText(self._count_text(len(hits), text.strip()))
        row = next((i for i, h in enumerate(hits) if h.id == current), 0)
        if hits:
            self.table.selectRow(row)

    def _count_text(self, count: int, query: str) -> str:
        if count == 0:
            if query:
                return self.tr("Aucune famille ne correspond à « %1 ».").replace("%1", query)
            return self.tr("Aucune famille. Créez le premier dossier avec Ctrl+N.")
        if count >= SEARCH_LIMIT:
            return self.tr("Les %1 premières familles : précisez la recherche.").replace(
                "%1", str(SEARCH_LIMIT)
            )
        if count == 1:
            return self.tr("1 famille")
        return self.tr("%1 familles").replace("%1", str(count))

    def current_family_id(self) -> uuid.UUID | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.hits[index.row()].id

    def open_current(self) -> None:
        family_id = self.current_family_id()
        if family_id is not None:
            self.family_requested.emit(family_id)

    def _on_merge_button_clicked(self) -> MergeDialog | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        hit = self.model.hits[index.row()]
        # imported when first asked: the dossier editor's package is heavy (the counter, PDFs)
        # and the search screen is the first the agent sees
        from eticket_desk.ui.family_editor.merge_dialog import MergeDialog

        dialog = MergeDialog(self.ctx, hit.id, f"{hit.reference} {hit.display_name}", self)
        dialog.open()
        return dialog

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self.refresh()

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.open_current()

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.FAMILIES in topics:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search_edit and key in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Up,
                Qt.Key.Key_PageDown,
                Qt.Key.Key_PageUp,
            ):
                self._move_selection(key)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
        return super().eventFilter(watched, event)

    def _move_selection(self, key: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        current = self.table.currentIndex().row() if self.table.currentIndex().isValid() else -1
        step = {
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_PageDown: 10,
            Qt.Key.Key_PageUp: -10,
        }[Qt.Key(key)]
        self.table.selectRow(max(0, min(rows - 1, current + step)))
