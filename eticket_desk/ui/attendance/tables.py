"""What the screen's report tabs share: a read-only table model of text rows, a French date
field, a « Du … au … » period bar, counted nouns, and asking where to save a CSV."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from babel.numbers import format_decimal
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from eticket_desk.ui.admin.forms import compact_rows, french_locale

_Index = QModelIndex | QPersistentModelIndex
SHADE = QColor("#eef1f5")  # a provisional day, a total


def counted(n: int, one: str, many: str) -> str:
    """« 1 famille », « 3 031 familles » (French digit groups)."""
    return f"{format_decimal(n, locale='fr_FR')} {one if n == 1 else many}"


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(day: date) -> QDateEdit:
    """A French date field with its calendar."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setLocale(french_locale())
    edit.calendarWidget().setLocale(french_locale())
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(to_qdate(day))
    return edit


class PeriodBar(QWidget):
    """« Du [date] au [date] »; `period_changed` when either date changes."""

    period_changed = Signal()

    def __init__(self, start: date, end: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start_edit = date_edit(start)
        self.end_edit = date_edit(end)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Du")))
        layout.addWidget(self.start_edit)
        layout.addWidget(QLabel(self.tr("au")))
        layout.addWidget(self.end_edit)
        self.start_edit.dateChanged.connect(self._on_start_edit_date_changed)
        self.end_edit.dateChanged.connect(self._on_end_edit_date_changed)

    @property
    def start(self) -> date:
        return to_date(self.start_edit.date())

    @property
    def end(self) -> date:
        return to_date(self.end_edit.date())

    def set_period(self, start: date, end: date) -> None:
        for edit, day in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(day))
            edit.blockSignals(False)
        self.period_changed.emit()

    def _on_start_edit_date_changed(self, _value: QDate) -> None:
        self.period_changed.emit()

    def _on_end_edit_date_changed(self, _value: QDate) -> None:
        self.period_changed.emit()


def week_of(day: date) -> tuple[date, date]:
    """Monday to Friday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=4)


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class RowsModel(QAbstractTableModel):
    """Rows of text under French headers; numbers right-aligned, some rows shaded or bold."""

    def __init__(self, headers: tuple[str, ...], numeric: tuple[int, ...] = (), parent=None):
        super().__init__(parent)
        self.headers, self.numeric = headers, set(numeric)
        self.rows: list[tuple[str, ...]] = []
        self.keys: list[object] = []  # what a row stands for (a family id…), or None
        self.shaded: set[int] = set()
        self.bold: set[int] = set()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(
        self,
        rows: list[tuple[str, ...]],
        keys: list[object] | None = None,
        shaded: set[int] | None = None,
        bold: set[int] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows = rows
        self.keys = keys if keys is not None else [None] * len(rows)
        self.shaded, self.bold = shaded or set(), bold or set()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and row in self.shaded:
            return SHADE
        if role == Qt.ItemDataRole.FontRole and row in self.bold:
            return self._bold
        return None


def rows_table(model: RowsModel) -> QTableView:
    """A read-only table of whole rows, sized to its text, the last column stretched."""
    table = QTableView()
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    compact_rows(table)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def ask_csv_path(parent: QWidget, title: str, name: str) -> Path | None:
    """Where to save a CSV (the documents folder is not assumed); None when cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / name), parent.tr("Fichier CSV (*.csv)")
    )
    if not path:
        return None
    return Path(path if path.lower().endswith(".csv") else f"{path}.csv")
