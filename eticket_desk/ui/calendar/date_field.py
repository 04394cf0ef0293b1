"""A date typed as jj/mm/aaaa or picked on a calendar, which may stay empty (« à saisir »)."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from eticket_desk.ui.admin.forms import french_locale

_DATE = re.compile(r"^\s*(\d{1,2})[/.\- ]?(\d{1,2})[/.\- ]?(\d{4})\s*$")


def parse_french_date(text: str) -> date | None:
    """'03/09/2029', '3/9/2029', '03092029' -> date(2029, 9, 3); anything else -> None."""
    match = _DATE.match(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


class DateField(QWidget):
    """Unlike QDateEdit, it can be empty: a date the data does not know is typed, not guessed."""

    date_changed = Signal(object)  # date | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._low: date | None = None
        self._high: date | None = None
        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText(self.tr("jj/mm/aaaa"))
        self.line_edit.setMaxLength(10)
        width = self.line_edit.fontMetrics().horizontalAdvance("00/00/00000") + 16
        self.line_edit.setFixedWidth(width)
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(french_locale())
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._on_calendar_clicked)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.popup_button = QToolButton()
        self.popup_button.setArrowType(Qt.ArrowType.DownArrow)
        self.popup_button.setToolTip(self.tr("Choisir sur le calendrier"))
        self.popup_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.popup_button.setMenu(menu)
        self.popup_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self._menu = menu
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.popup_button)
        self.line_edit.textChanged.connect(self._on_line_edit_changed)

    def set_range(self, low: date, high: date) -> None:
        self._low, self._high = low, high
        self.calendar.setDateRange(QDate(low), QDate(high))

    def date(self) -> date | None:
        """The typed date, or None when empty, not a date, or out of range."""
        value = parse_french_date(self.line_edit.text())
        if value is None or not self.in_range(value):
            return None
        return value

    def is_empty(self) -> bool:
        return not self.line_edit.text().strip()

    def in_range(self, value: date) -> bool:
        return (self._low is None or value >= self._low) and (
            self._high is None or value <= self._high
        )

    def range_text(self) -> str:
        if self._low is None or self._high is None:
            return ""
        return f"du {self._low:%d/%m/%Y} au {self._high:%d/%m/%Y}"

    def set_date(self, value: date | None) -> None:
        self.line_edit.setText(f"{value:%d/%m/%Y}" if value else "")
        if value is not None:
            self.calendar.setSelectedDate(QDate(value))
        elif self._low is not None:
            self.calendar.setCurrentPage(self._low.year, self._low.month)

    def _on_line_edit_changed(self, _text: str) -> None:
        self.date_changed.emit(self.date())

    def _on_calendar_clicked(self, value: QDate) -> None:
        self._menu.hide()
        self.set_date(value.toPython())
