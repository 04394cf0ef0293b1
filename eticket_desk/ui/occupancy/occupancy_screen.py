"""The « Fréquentation » screen: a week or a month of seats booked against capacity, per
activity and day, as a chart and a table, for all schools or one."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import PermissionDenied
from eticket_desk.services.bookings.occupancy import OccupancyReport, occupancy_report
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.services.catalogue.organisation import list_schools
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui.admin.forms import compact_rows, french_locale, note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error
from eticket_desk.ui.occupancy.chart import OccupancyChart
from eticket_desk.ui.occupancy.period import Period, PeriodMode, period_of, shifted
from eticket_desk.ui.occupancy.table_model import OccupancyTableModel

REFRESH_TOPICS = frozenset({Topic.BOOKINGS, Topic.ACTIVITIES, Topic.CALENDAR, Topic.SCHOOLS})


class OccupancyScreen(QWidget):
    """For the coordinator: how full each activity is, day by day, and who waits for a seat."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._mode = PeriodMode.WEEK
        self._anchor = ctx.store.clock.today()
        self._request = 0
        self.report: OccupancyReport | None = None

        self.week_button = QPushButton(self.tr("Semaine"))
        self.month_button = QPushButton(self.tr("Mois"))
        self._modes = QButtonGroup(self)
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)
            self._modes.addButton(button)
        self.week_button.setChecked(True)
        self.week_button.clicked.connect(self._on_week_button_clicked)
        self.month_button.clicked.connect(self._on_month_button_clicked)

        self.previous_button = QPushButton("◀")
        self.today_button = QPushButton(self.tr("Aujourd'hui"))
        self.next_button = QPushButton("▶")
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("▶") + 28)
        self.previous_button.clicked.connect(self._on_previous_button_clicked)
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)

        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setLocale(french_locale())
        self.date_edit.calendarWidget().setLocale(french_locale())
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setToolTip(self.tr("Aller à la semaine ou au mois de cette date"))
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)

        self.period_label = QLabel()
        font = self.period_label.font()
        font.setBold(True)
        self.period_label.setFont(font)

        self.activity_combo = QComboBox()
        self.activity_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.school_combo = QComboBox()
        self.school_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activity_combo.addItem(self.tr("Toutes les activités"), None)
        self.school_combo.addItem(self.tr("Toutes les écoles"), None)
        self.activity_combo.currentIndexChanged.connect(self._on_activity_combo_changed)
        self.school_combo.currentIndexChanged.connect(self._on_school_combo_changed)

        period_row = QHBoxLayout()
        for widget in (self.week_button, self.month_button):
            period_row.addWidget(widget)
        period_row.addSpacing(16)
        for widget in (self.previous_button, self.today_button, self.next_button, self.date_edit):
            period_row.addWidget(widget)
        period_row.addSpacing(16)
        period_row.addWidget(self.period_label, 1)

        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("Activité :")))
        filter_row.addWidget(self.activity_combo)
        filter_row.addSpacing(16)
        filter_row.addWidget(QLabel(self.tr("École :")))
        filter_row.addWidget(self.school_combo)
        filter_row.addStretch(1)

        self.chart = OccupancyChart()
        self.model = OccupancyTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.installEventFilter(self)
        compact_rows(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        self.note = note_label()
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(period_row)
        content_layout.addLayout(filter_row)
        content_layout.addWidget(self.chart, 1)
        content_layout.addWidget(self.table)
        content_layout.addWidget(self.note)

        self.denied_label = QLabel()
        self.denied_label.setWordWrap(True)
        self.denied_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack = QStackedWidget()
        self.stack.addWidget(content)
        self.stack.addWidget(self.denied_label)

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Fréquentation")))
        layout.addWidget(self.stack, 1)

        ctx.bus.changed.connect(self._on_bus_changed)
        self._show_period()
        self.load_choices()

    # -- period ------------------------------------------------------------------------------

    @property
    def period(self) -> Period:
        return period_of(self._mode, self._anchor)

    def set_mode(self, mode: PeriodMode) -> None:
        self._mode = mode
        (self.week_button if mode == PeriodMode.WEEK else self.month_button).setChecked(True)
        self._show_period()
        self.refresh()

    def go_to(self, day: date) -> None:
        self._anchor = day
        self._show_period()
        self.refresh()

    def _show_period(self) -> None:
        period = self.period
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self._anchor.year, self._anchor.month, self._anchor.day))
        self.date_edit.blockSignals(False)
        if period.mode == PeriodMode.MONTH:
            text = format_date(period.start, "MMMM y", locale="fr_FR").capitalize()
            self.previous_button.setToolTip(self.tr("Mois précédent"))
            self.next_button.setToolTip(self.tr("Mois suivant"))
        else:
            first = "d MMMM y" if period.start.year != period.end.year else "d MMMM"
            if period.start.month == period.end.month:
                first = "d"
            text = self.tr("Semaine du {start} au {end}").format(
                start=format_date(period.start, first, locale="fr_FR"),
                end=format_date(period.end, "d MMMM y", locale="fr_FR"),
            )
            self.previous_button.setToolTip(self.tr("Semaine précédente"))
            self.next_button.setToolTip(self.tr("Semaine suivante"))
        self.period_label.setText(text)

    def shown_days(self) -> list[date]:
        """The period's days less the weekends where nothing runs."""
        if self.report is None:
            return []
        return [
            day
            for day in self.report.days
            if day.weekday() < 5
            or any((item := a.on(day)) is not None and item.is_open for a in self.report.activities)
        ]

    # -- data --------------------------------------------------------------------------------

    def load_choices(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(
            lambda: (list_activities(store), list_schools(store)),
            self._on_choices_loaded,
            self._on_load_failed,
        )

    def refresh(self) -> None:
        self._request += 1
        request, period = self._request, self.period
        activity_id = self.activity_combo.currentData()
        school_id = self.school_combo.currentData()
        store, actor = self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(
            lambda: occupancy_report(
                store,
                actor,
                period.start,
                period.end,
                [activity_id] if activity_id is not None else None,
                school_id,
            ),
            lambda report: self._on_report_loaded(request, report),
            self._on_load_failed,
        )

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[object, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for item_id, name in items:
            combo.addItem(name, item_id)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    # -- slots -------------------------------------------------------------------------------

    def _on_choices_loaded(self, choices) -> None:
        activities, schools = choices
        self._fill(self.activity_combo, [(a.id, a.name) for a in activities])
        self._fill(self.school_combo, [(s.id, s.name) for s in schools])
        self.refresh()

    def _on_report_loaded(self, request: int, report: OccupancyReport) -> None:
        if request != self._request:
            return  # an older period answered after the one now asked
        self.stack.setCurrentIndex(0)
        self.report = report
        days = self.shown_days()
        if not report.activities:
            self.chart.set_empty_text(self.tr("Aucune activité à afficher pour ce choix."))
        self.chart.set_report(report, days, self._ctx.store.clock.today())
        self.model.set_report(report, days)
        self.note.setText(self._note_text(report))
        self._fit_table()

    def _note_text(self, report: OccupancyReport) -> str:
        text = self.tr(
            "Réservés / places (+ liste d'attente). Les jours complets sont en rouge ; "
            "passez la souris sur une barre ou une case pour le détail."
        )
        shared = [a.name for a in report.activities if a.shared_capacity]
        if shared:
            text += " " + self.tr(
                "Sans capacité propre à l'école ({names}), les places sont communes à toutes "
                "les écoles (capacité en pointillé) : le jour est complet quand toutes sont "
                "prises."
            ).format(names=", ".join(shared))
        return text

    def _fit_table(self) -> None:
        """Columns widened to the screen when they fit (a week), else scrolled (a month); as
        high as its rows (up to eight), so the chart gets the rest of the screen."""
        header = self.table.horizontalHeader()
        columns = self.model.columnCount()
        widths = [
            max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(columns)
        ]
        day_columns = range(1, columns - self.model.TOTALS)
        fixed = sum(widths) - sum(widths[c] for c in day_columns)
        room = self.table.width() - 2 * self.table.frameWidth() - fixed
        fits = not day_columns or room >= len(day_columns) * max(widths[c] for c in day_columns)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if fits:  # the days share the room left equally, like the chart's day groups
            for column in day_columns:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        rows = min(max(self.model.rowCount(), 1), 8)
        height = header.sizeHint().height() + 2 * self.table.frameWidth()
        height += rows * self.table.verticalHeader().defaultSectionSize()
        if room < sum(widths[c] for c in day_columns):  # a month: the days scroll
            height += self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_table()  # whether the columns fit depends on the table's width
        return super().eventFilter(watched, event)

    def _on_load_failed(self, exc: Exception) -> None:
        if isinstance(exc, PermissionDenied):
            self.denied_label.setText(exc.message)
            self.stack.setCurrentWidget(self.denied_label)
            return
        show_error(self, exc)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if topics & {Topic.ACTIVITIES, Topic.SCHOOLS}:
            self.load_choices()
        elif topics & REFRESH_TOPICS:
            self.refresh()

    def _on_week_button_clicked(self) -> None:
        self.set_mode(PeriodMode.WEEK)

    def _on_month_button_clicked(self) -> None:
        self.set_mode(PeriodMode.MONTH)

    def _on_previous_button_clicked(self) -> None:
        self.go_to(shifted(self._mode, self._anchor, -1))

    def _on_next_button_clicked(self) -> None:
        self.go_to(shifted(self._mode, self._anchor, 1))

    def _on_today_button_clicked(self) -> None:
        self.go_to(self._ctx.store.clock.today())

    def _on_date_edit_date_changed(self, value: QDate) -> None:
        self.go_to(date(value.year(), value.month(), value.day()))

    def _on_activity_combo_changed(self, _index: int) -> None:
        self.refresh()

    def _on_school_combo_changed(self, _index: int) -> None:
        self.refresh()
