"""The dialog that creates a school year from the installed holiday data (or typed dates)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from eticket_desk.rules.calendar import PERIOD_MODE_LABELS, PeriodMode
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.catalogue import calendar as calendar_service
from eticket_desk.services.catalogue.calendar import SchoolYearInfo, YearDraft
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import (
    FieldErrors,
    grow_to_fit,
    note_label,
    save_cancel_buttons,
)
from eticket_desk.ui.calendar.date_field import DateField
from eticket_desk.ui.calendar.days import long_date
from eticket_desk.ui.calendar.year_preview import YearPreview
from eticket_desk.ui.context import AppContext


def default_first_year(today: date, existing: set[int]) -> int:
    """The year of the next rentrée, or the year in progress when it is not recorded yet
    (nothing can be booked without it); never a year that already exists."""
    in_progress = today.year if today.month >= 9 else today.year - 1 if today.month <= 6 else None
    if in_progress is not None and in_progress not in existing:
        return in_progress
    year = today.year + 1 if today.month >= 9 else today.year
    while year in existing:
        year += 1
    return year


class YearDialog(QDialog):
    """Shows what the data says of a year (rentrée, holidays, public holidays, periods) and
    creates it; when the data does not know the year, says so and asks for the dates."""

    year_created = Signal(object)  # uuid of the new year

    def __init__(
        self, ctx: AppContext, years: list[SchoolYearInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._existing = {y.label for y in years}
        self._zone = ""
        self._data_years = (0, 0)
        self._last_known = 0
        self.draft: YearDraft | None = None
        self.errors = FieldErrors()
        self.setWindowTitle(self.tr("Nouvelle année scolaire"))

        today = ctx.store.clock.now().date()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2099)
        self.year_spin.setValue(default_first_year(today, {y.start.year for y in years}))
        self.year_label = QLabel()
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_spin)
        year_row.addWidget(self.year_label, 1)
        self.zone_label = QLabel()
        self.mode_combo = QComboBox()
        for mode, label in PERIOD_MODE_LABELS.items():
            self.mode_combo.addItem(self.tr(label), mode.value)
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(PeriodMode.BETWEEN_HOLIDAYS.value))
        form = QFormLayout()
        form.addRow(self.tr("Année scolaire :"), year_row)
        form.addRow(self.tr("Zone de vacances :"), self.zone_label)
        form.addRow(self.tr("Découpage :"), self.mode_combo)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setVisible(False)

        self.start_value, self.end_value = QLabel(), QLabel()
        self.start_edit, self.end_edit = DateField(), DateField()
        dates = QFormLayout()
        dates.addRow(
            self.tr("Rentrée :"), self._date_row(self.start_value, "start", self.start_edit)
        )
        dates.addRow(
            self.tr("Fin des cours :"), self._date_row(self.end_value, "end", self.end_edit)
        )
        self.dates_box = QGroupBox(self.tr("Dates de l'année"))
        self.dates_box.setLayout(dates)

        self.preview = YearPreview()

        self.buttons, self.create_button = save_cancel_buttons(
            self, self.tr("Créer l'année scolaire")
        )
        self.create_button.clicked.connect(self._on_create_button_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.dates_box)
        layout.addWidget(self.preview)
        layout.addWidget(
            note_label(
                self.tr(
                    "Les vacances et les jours fériés viennent des données officielles "
                    "installées avec le programme ; ils ne sont jamais devinés. Les ponts et "
                    "autres fermetures de la commune s'ajoutent ensuite sur l'écran Calendrier."
                )
            )
        )
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(720)

        self.year_spin.valueChanged.connect(self._on_year_spin_changed)
        self.mode_combo.currentIndexChanged.connect(self._on_preview_input_changed)
        self.start_edit.date_changed.connect(self._on_preview_input_changed)
        self.end_edit.date_changed.connect(self._on_preview_input_changed)
        self._show_waiting()
        store = ctx.store
        ctx.runner.submit(
            lambda: (load_organisation(store).school_zone, calendar_service.holiday_data_years()),
            self._on_zone_loaded,
            self._on_load_failed,
        )

    def _date_row(self, value: QLabel, key: str, edit: DateField) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(value)
        layout.addWidget(self.errors.wrap(key, edit))
        layout.addStretch(1)
        return row

    # -- state -------------------------------------------------------------------------------

    def first_year(self) -> int:
        return self.year_spin.value()

    def label(self) -> str:
        return f"{self.first_year()}-{self.first_year() + 1}"

    def period_mode(self) -> PeriodMode:
        return PeriodMode(self.mode_combo.currentData())

    def needs_dates(self) -> bool:
        """True when the data does not know the rentrée or the end: the person types them."""
        return self.draft is not None and (self.draft.start is None or self.draft.end is None)

    def typed_dates(self) -> tuple[date | None, date | None]:
        return self.start_edit.date(), self.end_edit.date()

    def year_dates(self) -> tuple[date | None, date | None]:
        if self.draft is None:
            return None, None
        if self.needs_dates():
            return self.typed_dates()
        return self.draft.start, self.draft.end

    # -- preview -----------------------------------------------------------------------------

    def _show_waiting(self) -> None:
        self.draft = None
        self.year_label.setText(self.tr("année scolaire {label}").format(label=self.label()))
        self.preview.show_waiting()
        self.create_button.setEnabled(False)

    def _request_draft(self) -> None:
        self._show_waiting()
        if not self._zone:
            return
        zone, first_year = self._zone, self.first_year()
        self._ctx.runner.submit(
            lambda: calendar_service.draft_school_year(zone, first_year),
            self._on_draft_done,
            self._on_load_failed,
        )

    def _show_draft(self) -> None:
        draft = self.draft
        if draft is None:
            return
        manual = self.needs_dates()
        self.start_value.setVisible(not manual)
        self.end_value.setVisible(not manual)
        self.start_edit.parentWidget().setVisible(manual)
        self.end_edit.parentWidget().setVisible(manual)
        self.start_value.setText(long_date(draft.start) if draft.start else "")
        self.end_value.setText(long_date(draft.end) if draft.end else "")
        self.dates_box.setTitle(
            self.tr("Dates de l'année (à saisir)") if manual else self.tr("Dates de l'année")
        )
        exists = draft.label in self._existing
        status = self.preview.status_text(draft, exists=exists, last_known=self._last_known)
        self.status_label.setVisible(status is not None)
        if status is not None:
            self.status_label.setText(status[0])
            self.status_label.setStyleSheet(status[1])
        start, end = self.year_dates()
        self.preview.show_draft(draft, self.first_year(), start, end, self.period_mode())
        self.create_button.setEnabled(draft.label not in self._existing)
        grow_to_fit(self)

    # -- slots -------------------------------------------------------------------------------

    def _on_zone_loaded(self, loaded: tuple[str, tuple[int, int]]) -> None:
        if not isValid(self):  # closed while the data was read
            return
        self._zone, self._data_years = loaded
        self.zone_label.setText(
            self.tr("Zone {zone} (réglée dans Paramètres, onglet Commune)").format(zone=self._zone)
        )
        self.preview.set_zone(self._zone)
        zone, (low, high) = self._zone, self._data_years
        self._ctx.runner.submit(
            lambda: next(
                (
                    y
                    for y in range(high, low, -1)
                    if not calendar_service.draft_school_year(zone, y).unknown
                ),
                low,
            ),
            self._on_last_known_loaded,
            self._on_load_failed,
        )

    def _on_last_known_loaded(self, last_known: int) -> None:
        if not isValid(self):
            return
        self._last_known = last_known
        self._request_draft()

    def _on_year_spin_changed(self, _value: int) -> None:
        self._request_draft()

    def _on_draft_done(self, draft: YearDraft) -> None:
        if not isValid(self) or draft.label != self.label():
            return  # the year was changed while the data was read
        self.draft = draft
        first = self.first_year()
        for edit, low, high, known in (
            (self.start_edit, date(first, 8, 1), date(first, 10, 31), draft.start),
            (self.end_edit, date(first + 1, 6, 1), date(first + 1, 7, 31), draft.end),
        ):
            edit.blockSignals(True)
            edit.set_range(low, high)
            edit.set_date(known)  # what the data knows; nothing when it does not
            edit.blockSignals(False)
        self.errors.clear()
        self._show_draft()

    def _on_preview_input_changed(self, *_args: object) -> None:
        if self.draft is not None:
            self._show_draft()

    def _on_load_failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)

    def _on_create_button_clicked(self) -> None:
        if self.draft is None:
            return
        self.errors.clear()
        start = end = None
        if self.needs_dates():
            start, end = self.typed_dates()
            for key, edit, value, what in (
                ("start", self.start_edit, start, self.tr("la date de la rentrée")),
                ("end", self.end_edit, end, self.tr("la date de la fin des cours")),
            ):
                if value is not None:
                    continue
                if edit.is_empty():
                    self.errors.set(key, self.tr("Indiquez {what}.").format(what=what))
                else:
                    self.errors.set(
                        key,
                        self.tr("Indiquez {what} en jj/mm/aaaa, {range}.").format(
                            what=what, range=edit.range_text()
                        ),
                    )
            if start is None or end is None:
                return
        self.create_button.setEnabled(False)
        self._ctx.write(
            calendar_service.create_school_year,
            self.first_year(),
            period_mode=self.period_mode(),
            start=start,
            end=end,
            on_done=self._on_create_done,
            on_error=self._on_create_failed,
        )

    def _on_create_done(self, year_id: object) -> None:
        self.create_button.setEnabled(True)
        self.year_created.emit(year_id)
        self.accept()

    def _on_create_failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        if isinstance(exc, InvalidInput) and self.needs_dates():
            self.errors.set("end", exc.message)
            return
        messages.show_error(self, exc)
