"""The table model of the week grid: a header row per child, then one row per activity."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from babel.dates import format_date
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from eticket_desk.services.bookings.planning import ActivityRow, Cell, ChildWeek, WeekPlan

Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    CELL = Qt.ItemDataRole.UserRole + 1  # the Cell of a day of an activity row
    KIND = Qt.ItemDataRole.UserRole + 2  # RowKind
    COLOUR = Qt.ItemDataRole.UserRole + 3  # the activity's colour


class RowKind(IntEnum):
    CHILD = 0  # the child's name; its day cells are the "toutes les activités" links
    ACTIVITY = 1  # one activity; its last cell is the "toute la semaine" link


@dataclass(frozen=True)
class GridRow:
    kind: RowKind
    child: ChildWeek
    activity: ActivityRow | None = None


WEEK_LINK = "toute la semaine"
TEMPLATE_LINK = "semaine type"
DAY_LINK = "toutes les activités"


class WeekModel(QAbstractTableModel):
    """Column 0: names; columns 1…n: the days; the last column: "toute la semaine"."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan: WeekPlan | None = None
        self.rows: list[GridRow] = []
        self._headers: list[str] = []
        self._short_headers: list[str] = []
        self.short = False  # « lun. 14/12 » when the columns are too narrow for « lundi 14/12 »

    def set_plan(self, plan: WeekPlan | None) -> None:
        self.beginResetModel()
        self.plan = plan
        self.rows = []
        days = plan.days if plan else ()
        self._headers = [format_date(day, "EEEE d/MM", locale="fr_FR") for day in days]
        self._short_headers = [format_date(day, "EEE d/MM", locale="fr_FR") for day in days]
        for child in plan.children if plan else ():
            self.rows.append(GridRow(RowKind.CHILD, child))
            self.rows += [GridRow(RowKind.ACTIVITY, child, row) for row in child.rows]
        self.endResetModel()

    # ------------------------------------------------------------ shape

    @property
    def day_count(self) -> int:
        return len(self.plan.days) if self.plan else 5

    @property
    def week_column(self) -> int:
        return self.day_count + 1

    @property
    def template_column(self) -> int:
        return self.day_count + 2

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.day_count + 3

    def day_of(self, column: int):
        if self.plan and 1 <= column <= self.day_count:
            return self.plan.days[column - 1]
        return None

    def cell_at(self, row: int, column: int) -> Cell | None:
        if not (0 <= row < len(self.rows)) or self.day_of(column) is None:
            return None
        grid_row = self.rows[row]
        if grid_row.kind != RowKind.ACTIVITY:
            return None
        return grid_row.activity.cells[column - 1]

    def is_day_link(self, row: int, column: int) -> bool:
        return (
            0 <= row < len(self.rows)
            and self.rows[row].kind == RowKind.CHILD
            and self.day_of(column) is not None
        )

    def is_template_link(self, row: int, column: int) -> bool:
        return (
            0 <= row < len(self.rows)
            and self.rows[row].kind == RowKind.ACTIVITY
            and column == self.template_column
        )

    def is_week_link(self, row: int, column: int) -> bool:
        return (
            0 <= row < len(self.rows)
            and self.rows[row].kind == RowKind.ACTIVITY
            and column == self.week_column
        )

    # ------------------------------------------------------------ data

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return self.tr("Enfant / activité")
        if section in (self.week_column, self.template_column):
            return ""
        if not self.day_of(section):
            return None
        return (self._short_headers if self.short else self._headers)[section - 1]

    def day_headers(self, short: bool) -> list[str]:
        return list(self._short_headers if short else self._headers)

    def set_short_headers(self, short: bool) -> None:
        if short != self.short:
            self.short = short
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, self.day_count)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        grid_row, column = self.rows[index.row()], index.column()
        if role == Role.KIND:
            return grid_row.kind
        if role == Role.COLOUR and grid_row.activity is not None:
            return grid_row.activity.colour
        if grid_row.kind == RowKind.CHILD:
            return self._child_data(grid_row.child, column, role)
        cell = self.cell_at(index.row(), column)
        if role == Role.CELL:
            return cell
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return grid_row.activity.name
            if column == self.week_column:
                return self.tr(WEEK_LINK)
            if column == self.template_column:
                return self.tr(TEMPLATE_LINK)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if cell is not None:
                return cell.tooltip
            if column == self.week_column:
                return self.tr(
                    "Réserver (ou annuler) %1 tous les jours ouverts de la semaine"
                ).replace("%1", grid_row.activity.name)
            if column == self.template_column:
                return self.tr(
                    "Mettre à jour la semaine type : reporter les jours de cette semaine sur "
                    "les semaines suivantes de la période"
                )
        if role == Qt.ItemDataRole.AccessibleTextRole and cell is not None:
            return cell.tooltip.replace("\n", ", ")
        return None

    def _child_data(self, child: ChildWeek, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{child.name} — {child.class_name}"
            if self.day_of(column) is not None and child.rows:
                return self.tr(DAY_LINK)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            day = self.day_of(column)
            if column == 0:
                return f"{child.name}\n{child.class_name} · {child.school_name}"
            if day is not None:
                return (
                    self.tr("Réserver (ou annuler) toutes les activités de %1 le %2")
                    .replace("%1", child.name)
                    .replace("%2", format_date(day, "EEEE d MMMM", locale="fr_FR"))
                )
        return None
