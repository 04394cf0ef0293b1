"""The import wizard's read-only tables: a QTableWidget set up like the program's grids."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from eticket_desk.ui.admin.forms import ERROR_COLOUR, compact_rows

ERROR_BACKGROUND = "#fdecea"


def make_table(headers: list[str], *, stretch: int | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    compact_rows(table)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if stretch is not None:
        header.setStretchLastSection(stretch == len(headers) - 1)
    return table


def item(text: str, *, problem: str = "", align_right: bool = False) -> QTableWidgetItem:
    """A cell; a value that will be refused is red on pink, its reason in the tooltip."""
    cell = QTableWidgetItem(text)
    if align_right:
        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if problem:
        cell.setForeground(QBrush(QColor(ERROR_COLOUR)))
        cell.setBackground(QBrush(QColor(ERROR_BACKGROUND)))
        cell.setToolTip(problem)
    elif len(text) > 25:  # the column may be too narrow for it
        cell.setToolTip(text)
    return cell


def fit_columns(table: QTableWidget, maximum: int = 320) -> None:
    """Columns as wide as their text, none wider than `maximum` pixels (tooltips say the rest)."""
    table.resizeColumnsToContents()
    last = table.columnCount() - 1
    for column in range(table.columnCount()):
        if column == last and table.horizontalHeader().stretchLastSection():
            continue
        if table.columnWidth(column) > maximum:
            table.setColumnWidth(column, maximum)
