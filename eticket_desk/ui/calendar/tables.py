"""Table models of the calendar screen: the periods of a year and its closures."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from eticket_desk.rules.calendar import CLOSURE_KIND_LABELS, ClosureKind
from eticket_desk.services.catalogue.calendar import ClosureInfo, PeriodInfo
from eticket_desk.ui.calendar.days import DAY_COLOURS, DayKind, activities_text, span_text

_Index = QModelIndex | QPersistentModelIndex
_KIND_COLOURS = {
    ClosureKind.SCHOOL_HOLIDAY: DAY_COLOURS[DayKind.SCHOOL_HOLIDAY][0],
    ClosureKind.PUBLIC_HOLIDAY: DAY_COLOURS[DayKind.PUBLIC_HOLIDAY][0],
    ClosureKind.LOCAL: DAY_COLOURS[DayKind.LOCAL_CLOSURE][0],
}


class PeriodColumn(IntEnum):
    NAME = 0
    START = 1
    END = 2
    OPEN_DAYS = 3


class ClosureColumn(IntEnum):
    KIND = 0
    LABEL = 1
    DATES = 2
    ACTIVITIES = 3


class PeriodsTableModel(QAbstractTableModel):
    """The periods of the selected year, with their number of school days."""

    HEADERS = ("Période", "Début", "Fin", "Jours")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[PeriodInfo, int]] = []

    def set_periods(self, rows: list[tuple[PeriodInfo, int]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PeriodColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section == PeriodColumn.OPEN_DAYS:
            return self.tr("Jours d'école : du lundi au vendredi, hors vacances et fermetures")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        period, open_days = self._rows[index.row()]
        column = PeriodColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == PeriodColumn.NAME:
                return period.name
            if column == PeriodColumn.START:
                return f"{period.start:%d/%m/%Y}"
            if column == PeriodColumn.END:
                return f"{period.end:%d/%m/%Y}"
            return str(open_days)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == PeriodColumn.OPEN_DAYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ClosuresTableModel(QAbstractTableModel):
    """The closed spans of the selected year, in date order: holidays, public holidays, local."""

    HEADERS = ("Type", "Motif", "Dates", "Activités")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._closures: list[ClosureInfo] = []
        self._names: dict[str, str] = {}

    def set_closures(self, closures: list[ClosureInfo], activity_names: dict[str, str]) -> None:
        self.beginResetModel()
        self._closures = sorted(closures, key=lambda c: (c.start, c.end, c.label))
        self._names = dict(activity_names)
        self.endResetModel()

    def closure_at(self, row: int) -> ClosureInfo:
        return self._closures[row]

    def row_of(self, closure_id: object) -> int:
        for row, closure in enumerate(self._closures):
            if closure.id == closure_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._closures)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ClosureColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        closure = self._closures[index.row()]
        column = ClosureColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ClosureColumn.KIND:
                return CLOSURE_KIND_LABELS[closure.kind]
            if column == ClosureColumn.LABEL:
                return closure.label
            if column == ClosureColumn.DATES:
                return span_text(closure.start, closure.end)
            return activities_text(closure.activity_codes, self._names)
        if role == Qt.ItemDataRole.DecorationRole and column == ClosureColumn.KIND:
            return QColor(_KIND_COLOURS[closure.kind])
        if role == Qt.ItemDataRole.ToolTipRole and closure.kind != ClosureKind.LOCAL:
            return self.tr(
                "Vient du calendrier officiel : ne se supprime pas, seules les fermetures "
                "locales se suppriment."
            )
        return None
