"""The dialog that adds a local closure (a pont, a strike, works) for all or some activities."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.catalogue import calendar as calendar_service
from eticket_desk.services.catalogue.calendar import SchoolYearInfo
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import FieldErrors, french_locale, note_label, save_cancel_buttons
from eticket_desk.ui.calendar.days import YearDays, long_date
from eticket_desk.ui.context import AppContext

CODE_ROLE = Qt.ItemDataRole.UserRole


class ClosureDialog(QDialog):
    """From, to, reason, and the activities concerned (all of them unless some are ticked)."""

    closure_added = Signal(object)  # uuid of the new closure

    def __init__(
        self,
        ctx: AppContext,
        year: SchoolYearInfo,
        activities: list[ActivitySpec],
        day: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._days = YearDays(year)
        self.errors = FieldErrors()
        self.setWindowTitle(self.tr("Ajouter une fermeture – {label}").format(label=year.label))

        self.start_edit = self._date_edit(year, day)
        self.end_edit = self._date_edit(year, day)
        self.span_label = note_label()
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText(self.tr("ex. Pont de l'Ascension, grève, travaux"))
        self.label_edit.setMaxLength(100)

        self.all_radio = QRadioButton(self.tr("Toutes les activités"))
        self.some_radio = QRadioButton(self.tr("Seulement les activités cochées :"))
        self.all_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.all_radio)
        group.addButton(self.some_radio)
        self.activity_list = QListWidget()
        for spec in activities:
            item = QListWidgetItem(spec.name)
            item.setData(CODE_ROLE, spec.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.activity_list.addItem(item)
        rows = max(1, min(len(activities), 8))
        self.activity_list.setFixedHeight(self.activity_list.sizeHintForRow(0) * rows + 6)
        self.activity_list.setEnabled(False)
        if not activities:
            self.some_radio.setEnabled(False)
            self.some_radio.setToolTip(self.tr("Aucune activité n'est encore définie."))
            self.activity_list.setVisible(False)

        dates = QHBoxLayout()
        dates.addWidget(QLabel(self.tr("du")))
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel(self.tr("au")))
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        dates_box = QWidget()
        dates_layout = QVBoxLayout(dates_box)
        dates_layout.setContentsMargins(0, 0, 0, 0)
        dates_layout.addLayout(dates)
        dates_layout.addWidget(self.span_label)
        activities_box = QWidget()
        activities_layout = QVBoxLayout(activities_box)
        activities_layout.setContentsMargins(0, 0, 0, 0)
        activities_layout.addWidget(self.all_radio)
        activities_layout.addWidget(self.some_radio)
        activities_layout.addWidget(self.errors.wrap("activities", self.activity_list))

        form = QFormLayout()
        form.addRow(self.tr("Dates :"), self.errors.wrap("dates", dates_box))
        form.addRow(self.tr("Motif :"), self.errors.wrap("label", self.label_edit))
        form.addRow(self.tr("Activités :"), activities_box)

        self.buttons, self.save_button = save_cancel_buttons(self, self.tr("Ajouter la fermeture"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            note_label(
                self.tr(
                    "Les jours fermés ne peuvent plus être réservés ; les réservations déjà "
                    "faites ces jours-là restent à traiter depuis les plannings."
                )
            )
        )
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        self.start_edit.dateChanged.connect(self._on_start_edit_changed)
        self.end_edit.dateChanged.connect(self._on_end_edit_changed)
        self.some_radio.toggled.connect(self._on_some_radio_toggled)
        self._show_span()
        self.label_edit.setFocus()

    def _date_edit(self, year: SchoolYearInfo, day: date) -> QDateEdit:
        edit = QDateEdit()
        edit.setLocale(french_locale())
        edit.setDisplayFormat("dddd dd/MM/yyyy")
        edit.setCalendarPopup(True)
        edit.setDateRange(QDate(year.start), QDate(year.end))
        edit.setDate(QDate(min(max(day, year.start), year.end)))
        return edit

    # -- state -------------------------------------------------------------------------------

    def start(self) -> date:
        return self.start_edit.date().toPython()

    def end(self) -> date:
        return self.end_edit.date().toPython()

    def activity_codes(self) -> tuple[str, ...]:
        if not self.some_radio.isChecked():
            return ()
        items = (self.activity_list.item(row) for row in range(self.activity_list.count()))
        return tuple(
            item.data(CODE_ROLE) for item in items if item.checkState() == Qt.CheckState.Checked
        )

    def check_activity(self, name: str, checked: bool = True) -> None:
        """Ticks an activity by its name (and chooses « Seulement les activités cochées »)."""
        self.some_radio.setChecked(True)
        for row in range(self.activity_list.count()):
            item = self.activity_list.item(row)
            if item.text() == name:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)

    def _show_span(self) -> None:
        start, end = self.start(), self.end()
        days = self._days.open_days(start, end)
        if start == end:
            text = self.tr("{day} : {what}").format(
                day=long_date(start), what=self._days.status(start).reason
            )
        else:
            text = self.tr("{count} jour(s) d'école dans cette période").format(count=days)
        self.span_label.setText(text)

    # -- slots -------------------------------------------------------------------------------

    def _on_start_edit_changed(self, value: QDate) -> None:
        if self.end_edit.date() < value:
            self.end_edit.setDate(value)
        self._show_span()

    def _on_end_edit_changed(self, value: QDate) -> None:
        if self.start_edit.date() > value:
            self.start_edit.setDate(value)
        self._show_span()

    def _on_some_radio_toggled(self, checked: bool) -> None:
        self.activity_list.setEnabled(checked)

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        codes = self.activity_codes()
        if self.some_radio.isChecked() and not codes:
            self.errors.set("activities", self.tr("Cochez au moins une activité."))
            return
        if not self.label_edit.text().strip():
            self.errors.set(
                "label", self.tr("Indiquez le motif de la fermeture (ex. « Pont de l'Ascension »).")
            )
            self.label_edit.setFocus()
            return
        self.save_button.setEnabled(False)
        self._ctx.write(
            calendar_service.add_closure,
            self.start(),
            self.end(),
            self.label_edit.text(),
            codes,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, closure_id: object) -> None:
        self.save_button.setEnabled(True)
        self.closure_added.emit(closure_id)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            key = "label" if "motif" in exc.message else "dates"
            self.errors.set(key, exc.message)
            return
        messages.show_error(self, exc)
