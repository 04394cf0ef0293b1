"""The run preview's table: one row per family (excluded or not), what it would be billed,
and the live count and total of the invoices that will be issued (tested without widgets)."""

from __future__ import annotations

import uuid
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from eticket_desk.rules.text import fold
from eticket_desk.services.invoicing.drafts import DraftInvoice, RunPreview
from eticket_desk.ui.invoicing.common import RIGHT, SORT_ROLE, first_names, money

EXCLUDED_GREY = QColor("#8a8a8a")
_Index = QModelIndex | QPersistentModelIndex


class DraftColumn(IntEnum):
    EXCLUDED = 0
    REFERENCE = 1
    FAMILY = 2
    CHILDREN = 3
    TOTAL = 4


class DraftsModel(QAbstractTableModel):
    """The drafts of a preview; the « Exclure » box of a row keeps its family out of the run."""

    exclusions_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._drafts: list[DraftInvoice] = []
        self._keys: list[str] = []
        self._sort_texts: list[dict[DraftColumn, str]] = []
        self._excluded: set[uuid.UUID] = set()
        self._excluded_total = 0
        self._total = 0
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def headers(self) -> dict[DraftColumn, str]:
        return {
            DraftColumn.EXCLUDED: self.tr("Exclure"),
            DraftColumn.REFERENCE: self.tr("Référence"),
            DraftColumn.FAMILY: self.tr("Famille"),
            DraftColumn.CHILDREN: self.tr("Enfants"),
            DraftColumn.TOTAL: self.tr("Total"),
        }

    # -- data ------------------------------------------------------------------------------

    def set_preview(self, preview: RunPreview | None) -> None:
        self.beginResetModel()
        self._drafts = list(preview.drafts) if preview else []
        self._keys = [
            fold(" ".join([d.reference, d.family_name, *(c.name for c in d.children)]))
            for d in self._drafts
        ]
        self._sort_texts = [
            {
                column: fold(self._text(d, column))
                for column in (DraftColumn.REFERENCE, DraftColumn.FAMILY, DraftColumn.CHILDREN)
            }
            for d in self._drafts
        ]
        self._excluded = set()
        self._excluded_total = 0
        self._total = preview.total_cents if preview else 0
        self.endResetModel()
        self.exclusions_changed.emit()

    def draft_at(self, row: int) -> DraftInvoice:
        return self._drafts[row]

    def row_of(self, reference: str) -> int:
        return next((r for r, d in enumerate(self._drafts) if d.reference == reference), -1)

    def search_key(self, row: int) -> str:
        return self._keys[row]

    def is_excluded(self, row: int) -> bool:
        return self._drafts[row].family_id in self._excluded

    def set_excluded(self, row: int, excluded: bool) -> None:
        draft = self._drafts[row]
        if excluded == (draft.family_id in self._excluded):
            return
        if excluded:
            self._excluded.add(draft.family_id)
            self._excluded_total += draft.total_cents
        else:
            self._excluded.discard(draft.family_id)
            self._excluded_total -= draft.total_cents
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(DraftColumn) - 1))
        self.exclusions_changed.emit()

    def excluded_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(self._excluded)

    def excluded_count(self) -> int:
        return len(self._excluded)

    def kept_count(self) -> int:
        """How many invoices the run will issue."""
        return len(self._drafts) - len(self._excluded)

    def kept_total(self) -> int:
        return self._total - self._excluded_total

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._drafts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DraftColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[DraftColumn(section)]
        tooltip = role == Qt.ItemDataRole.ToolTipRole and section == DraftColumn.EXCLUDED
        if orientation == Qt.Orientation.Horizontal and tooltip:
            return self.tr("Cochez une famille pour ne pas lui émettre de facture.")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == DraftColumn.EXCLUDED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        draft = self._drafts[index.row()]
        column = DraftColumn(index.column())
        excluded = draft.family_id in self._excluded
        if role == Qt.ItemDataRole.CheckStateRole and column == DraftColumn.EXCLUDED:
            return Qt.CheckState.Checked if excluded else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(draft, column)
        if role == SORT_ROLE:
            if column == DraftColumn.EXCLUDED:
                return int(excluded)
            if column == DraftColumn.TOTAL:
                return draft.total_cents
            return self._sort_texts[index.row()][column]
        if role == Qt.ItemDataRole.ToolTipRole and column == DraftColumn.CHILDREN and not excluded:
            return "\n".join(f"{c.name} — {c.school}" for c in draft.children)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == DraftColumn.TOTAL:
            return RIGHT
        if excluded and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(EXCLUDED_GREY)
        if excluded and role == Qt.ItemDataRole.FontRole and column != DraftColumn.EXCLUDED:
            return self._struck
        if excluded and role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Exclue : cette famille ne recevra pas de facture pour cette période.")
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != DraftColumn.EXCLUDED:
            return False
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        state = value.value if hasattr(value, "value") else value
        self.set_excluded(index.row(), state == Qt.CheckState.Checked.value)
        return True

    @staticmethod
    def _text(draft: DraftInvoice, column: DraftColumn) -> str:
        if column == DraftColumn.REFERENCE:
            return draft.reference
        if column == DraftColumn.FAMILY:
            return draft.family_name
        if column == DraftColumn.CHILDREN:
            return ", ".join(first_names(c.name) for c in draft.children)
        if column == DraftColumn.TOTAL:
            return money(draft.total_cents)
        return ""


class DraftsFilter(QSortFilterProxyModel):
    """Sorts by SORT_ROLE and keeps the rows whose family or child matches the typed text."""

    def __init__(self, model: DraftsModel) -> None:
        super().__init__(model)
        self._needle = ""
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = fold(text.strip())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: _Index) -> bool:
        return not self._needle or self._needle in self.sourceModel().search_key(row)
