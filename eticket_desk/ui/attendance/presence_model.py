"""The presence table: one row per child holding a seat, its mark (saved or still to save)
and the medical certificate of an absence."""

from __future__ import annotations

import uuid
from collections import Counter
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from eticket_desk.rules.booking import BookingState
from eticket_desk.services.attendance.presence import (
    MARK_LABELS,
    PresenceChange,
    PresenceRow,
    PresenceSheet,
    absence,
)

_Index = QModelIndex | QPersistentModelIndex
PENDING = QColor("#fff4c2")  # marked, not saved yet
COLOURS = {
    BookingState.PRESENT: QColor("#1b7f3b"),
    BookingState.ABSENT_UNJUSTIFIED: QColor("#b3261e"),
    BookingState.ABSENT_JUSTIFIED: QColor("#9a5b00"),
    BookingState.BOOKED: QColor("#6b6b6b"),
}
ABSENT = (BookingState.ABSENT_UNJUSTIFIED, BookingState.ABSENT_JUSTIFIED)


class Column(IntEnum):
    NUMBER = 0  # in its class, as on the printed list
    CHILD = 1
    SCHOOL = 2
    CLASS = 3
    AGE = 4
    HEALTH = 5  # hidden unless the sheet carries diets, allergies and PAI
    MARK = 6
    CERTIFICATE = 7


class PresenceModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.sheet: PresenceSheet | None = None
        self.rows: list[PresenceRow] = []
        self.pending: dict[uuid.UUID, BookingState] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # -- the data ----------------------------------------------------------------------------

    def set_sheet(self, sheet: PresenceSheet | None, keep_marks: bool = False) -> None:
        """Shows `sheet`; `keep_marks` keeps the marks not saved yet (the same list again,
        with or without its health column)."""
        kept = self.pending if keep_marks else {}
        self.beginResetModel()
        self.sheet = sheet
        self.rows = list(sheet.rows) if sheet is not None else []
        states = {row.child_id: row.state for row in self.rows}
        self.pending = {c: s for c, s in kept.items() if c in states and states[c] != s}
        self.endResetModel()

    @property
    def shows_health(self) -> bool:
        return self.sheet is not None and self.sheet.show_health

    @property
    def editable(self) -> bool:
        return self.sheet is not None and self.sheet.editable

    def state(self, row: int) -> BookingState:
        child = self.rows[row]
        return self.pending.get(child.child_id, child.state)

    def mark(self, row: int, state: BookingState) -> None:
        """Marks a row (kept until saved); marking it back as saved forgets the change."""
        if not self.editable or not 0 <= row < len(self.rows):
            return
        child = self.rows[row]
        if state == child.state:
            self.pending.pop(child.child_id, None)
        else:
            self.pending[child.child_id] = state
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def toggle_certificate(self, row: int) -> None:
        state = self.state(row)
        if state in ABSENT:
            self.mark(row, absence(state == BookingState.ABSENT_UNJUSTIFIED))

    def mark_unmarked_present(self) -> int:
        """« Tous les autres présents »: every row not marked yet; returns how many."""
        rows = [r for r in range(len(self.rows)) if self.state(r) == BookingState.BOOKED]
        for row in rows:
            self.mark(row, BookingState.PRESENT)
        return len(rows)

    def changes(self) -> list[PresenceChange]:
        return [PresenceChange(child, state) for child, state in self.pending.items()]

    def counts(self) -> Counter:
        return Counter(self.state(row) for row in range(len(self.rows)))

    # -- Qt ----------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.NUMBER:
            return self.tr("Numéro de l'enfant dans sa classe, comme sur la liste imprimée")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("N°"),
            self.tr("Enfant"),
            self.tr("École"),
            self.tr("Classe"),
            self.tr("Âge"),
            self.tr("Régime, allergies, PAI"),
            self.tr("Présence"),
            self.tr("Certificat médical"),
        )[section]

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if (
            index.isValid()
            and index.column() == Column.CERTIFICATE
            and self.editable
            and self.state(index.row()) in ABSENT
        ):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), Column(index.column())
        child, state = self.rows[row], self.state(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column, child, state)
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.CERTIFICATE:
            if state in ABSENT:
                checked = state == BookingState.ABSENT_JUSTIFIED
                return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.MARK:
            return COLOURS[state]
        if role == Qt.ItemDataRole.FontRole and column == Column.MARK and state != child.state:
            return self._bold
        if role == Qt.ItemDataRole.FontRole and column == Column.HEALTH and child.health_alert:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.HEALTH and child.health:
            return child.health
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.SCHOOL:
            return child.school
        if role == Qt.ItemDataRole.BackgroundRole and child.child_id in self.pending:
            return PENDING
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.NUMBER, Column.AGE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and child.late and column == Column.CHILD:
            return self.tr("Inscrit après la date limite (dérogation)")
        return None

    def _text(self, row: int, column: Column, child: PresenceRow, state: BookingState) -> str:
        if column == Column.NUMBER:
            return str(child.number or row + 1)
        if column == Column.CHILD:
            return child.name + (" *" if child.late else "")
        if column == Column.SCHOOL:
            return child.school
        if column == Column.CLASS:
            return child.class_name
        if column == Column.AGE:
            if child.age is None:
                return ""
            return (self.tr("{n} an") if child.age < 2 else self.tr("{n} ans")).format(n=child.age)
        if column == Column.HEALTH:
            return child.health
        if column == Column.MARK:
            return MARK_LABELS[state] + (
                self.tr(" (à enregistrer)") if state != child.state else ""
            )
        return ""

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == Column.CERTIFICATE:
            if self.state(index.row()) not in ABSENT or not self.editable:
                return False
            self.mark(index.row(), absence(Qt.CheckState(value) == Qt.CheckState.Checked))
            return True
        return False
