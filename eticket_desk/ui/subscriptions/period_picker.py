"""The form's « Période » field: a period of the current year, the whole year, or « Dates… »
with two dates typed as jj/mm/aaaa."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from eticket_desk.services.catalogue.calendar import SchoolYearInfo
from eticket_desk.ui.calendar.date_field import DateField
from eticket_desk.ui.subscriptions.periods import PeriodChoice, period_choices


class PeriodPicker(QWidget):
    """The combo, and the two date fields shown only for « Dates… »."""

    period_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices: list[PeriodChoice] = []
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(24)
        self.start_field = DateField()
        self.end_field = DateField()
        for field in (self.start_field, self.end_field):
            field.popup_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.label = QLabel(self.tr("&Période :"))
        self.label.setBuddy(self.combo)
        self.start_label = QLabel(self.tr("&Du"))
        self.start_label.setBuddy(self.start_field.line_edit)
        self.end_label = QLabel(self.tr("A&u"))
        self.end_label.setBuddy(self.end_field.line_edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo, 1)
        for widget in (self.start_label, self.start_field, self.end_label, self.end_field):
            layout.addWidget(widget)
        self._show_dates(False)
        self.combo.currentIndexChanged.connect(self._on_combo_changed)
        self.start_field.date_changed.connect(self.period_changed)
        self.end_field.date_changed.connect(self.period_changed)

    def set_years(self, years: list[SchoolYearInfo], today: date) -> None:
        """The choices of the current year; the one chosen stays chosen when still there."""
        previous = self.current_choice()
        self._choices, index = period_choices(
            years, today, self.tr("Dates…"), self.tr("Année scolaire entière (%1)")
        )
        if previous is not None:
            index = next((i for i, c in enumerate(self._choices) if c.text == previous.text), index)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems([c.text for c in self._choices])
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
        self._show_dates(self._choices[index].typed)

    def current_choice(self) -> PeriodChoice | None:
        index = self.combo.currentIndex()
        return self._choices[index] if 0 <= index < len(self._choices) else None

    def period(self) -> tuple[date, date, str] | None:
        """(start, end, label) of the chosen period, or None while the dates are not typed."""
        choice = self.current_choice()
        if choice is None:
            return None
        if not choice.typed:
            return choice.start, choice.end, choice.period_label
        start, end = self.start_field.date(), self.end_field.date()
        if start is None or end is None:
            return None
        return start, end, f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"

    def select(self, text_start: str) -> None:
        """Selects the first choice whose text starts with `text_start` (scripts, tests)."""
        for index, choice in enumerate(self._choices):
            if choice.text.startswith(text_start):
                self.combo.setCurrentIndex(index)
                return

    def tab_widgets(self) -> list[QWidget]:
        return [self.combo, self.start_field.line_edit, self.end_field.line_edit]

    def _show_dates(self, visible: bool) -> None:
        for widget in (self.start_label, self.start_field, self.end_label, self.end_field):
            widget.setVisible(visible)

    def _on_combo_changed(self, _index: int) -> None:
        choice = self.current_choice()
        self._show_dates(choice is not None and choice.typed)
        self.period_changed.emit()
