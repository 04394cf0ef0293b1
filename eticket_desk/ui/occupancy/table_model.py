"""The occupancy table: one row per activity, one column per day (« 212/250 (+3) »), then
the period's totals; full days in red, closed days greyed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from eticket_desk.services.bookings.occupancy import (
    ActivityOccupancy,
    DayOccupancy,
    OccupancyReport,
)
from eticket_desk.ui.occupancy.texts import cell_text, decimal, percent, short_day, tooltip

FULL_BACKGROUND = QColor("#fde3e1")
FULL_TEXT = QColor("#b3261e")
CLOSED_BACKGROUND = QColor("#f1f1f1")
CLOSED_TEXT = QColor("#8a8a8a")
_Index = QModelIndex | QPersistentModelIndex


class OccupancyTableModel(QAbstractTableModel):
    """Column 0 is the activity; then the shown days; then average, maximum, full days."""

    TOTALS = 3

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._activities: list[ActivityOccupancy] = []
        self._days: list[date] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_report(self, report: OccupancyReport | None, days: list[date]) -> None:
        self.beginResetModel()
        self._activities = list(report.activities) if report is not None else []
        self._days = list(days)
        self.endResetModel()

    def day_column(self, day: date) -> int:
        return self._days.index(day) + 1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._activities)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self._days) + self.TOTALS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return self.tr("Activité")
            if section <= len(self._days):
                return short_day(self._days[section - 1])
            return (self.tr("Moyenne / jour"), self.tr("Maximum"), self.tr("Jours complets"))[
                section - len(self._days) - 1
            ]
        if role == Qt.ItemDataRole.ToolTipRole and section > len(self._days):
            return (
                self.tr("Places réservées en moyenne par jour d'ouverture (taux de remplissage)"),
                self.tr("Le plus de places réservées un même jour"),
                self.tr("Jours où il ne restait plus de place"),
            )[section - len(self._days) - 1]
        return None

    def _day(self, index: _Index) -> tuple[ActivityOccupancy, DayOccupancy | None]:
        activity = self._activities[index.row()]
        column = index.column()
        if 1 <= column <= len(self._days):
            return activity, activity.on(self._days[column - 1])
        return activity, None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        activity, item = self._day(index)
        column = index.column()
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return activity.name
            if role == Qt.ItemDataRole.DecorationRole:
                return QColor(activity.colour)
            if role == Qt.ItemDataRole.ToolTipRole and activity.shared_capacity:
                return self.tr(
                    "Cette école n'a pas de capacité propre : les {count} places sont "
                    "communes à toutes les écoles."
                ).format(count=activity.capacity)
            return None
        if item is None:
            return self._total(activity, column - len(self._days) - 1, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(activity, item)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if not item.is_open:
                return CLOSED_BACKGROUND
            return FULL_BACKGROUND if item.full else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not item.is_open:
                return CLOSED_TEXT
            return FULL_TEXT if item.full else None
        if role == Qt.ItemDataRole.FontRole and item.is_open and item.full:
            return self._bold
        return None

    def _total(self, activity: ActivityOccupancy, which: int, role: int):
        totals = activity.totals
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and which == 2 and totals.full_days:
            return FULL_TEXT
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if not totals.open_days:
            return "—"
        if which == 0:
            rate = percent(activity.average_rate)
            return decimal(totals.average) + (f" ({rate})" if rate else "")
        if which == 1:
            return str(totals.max_booked)
        return str(totals.full_days)
