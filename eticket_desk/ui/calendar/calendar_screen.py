"""The « Calendrier » screen: school years, the year view, periods and closures."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.calendar import PERIOD_MODE_LABELS, ClosureKind
from eticket_desk.rules.errors import PermissionDenied
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue import calendar as calendar_service
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.services.catalogue.calendar import ClosureInfo, SchoolYearInfo
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import compact_rows, note_label, title_label
from eticket_desk.ui.calendar.closure_dialog import ClosureDialog
from eticket_desk.ui.calendar.days import span_text
from eticket_desk.ui.calendar.tables import (
    ClosureColumn,
    ClosuresTableModel,
    PeriodColumn,
    PeriodsTableModel,
)
from eticket_desk.ui.calendar.year_dialog import YearDialog
from eticket_desk.ui.calendar.year_panel import YearPanel
from eticket_desk.ui.calendar.year_view import Legend
from eticket_desk.ui.context import AppContext

YEAR_ROLE = Qt.ItemDataRole.UserRole
REFRESH_TOPICS = frozenset({Topic.CALENDAR, Topic.ACTIVITIES, Topic.ORGANISATION})


def _table(model) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    compact_rows(table)
    return table


class CalendarScreen(QWidget):
    """Everyone may look at the calendar; only profiles with CALENDAR_EDIT may change it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._years: list[SchoolYearInfo] = []
        self._activities: list[ActivitySpec] = []
        self._names: dict[str, str] = {}
        self.can_edit = ctx.actor.can(Permission.CALENDAR_EDIT)
        self.denied_reason = ""
        if not self.can_edit:
            try:
                ctx.actor.require(Permission.CALENDAR_EDIT)
            except PermissionDenied as exc:
                self.denied_reason = exc.message

        # left: the years, the periods of the selected one, the colour key
        self.legend = Legend(columns=2)
        self.new_year_button = QPushButton(self.tr("Nouvelle année scolaire…"))
        self.new_year_button.clicked.connect(self._on_new_year_button_clicked)
        self.years_list = QListWidget()
        self.years_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.years_list.setWordWrap(True)
        self.years_list.setSpacing(2)
        self.years_list.currentItemChanged.connect(self._on_years_list_changed)
        years_box = QGroupBox(self.tr("Années scolaires"))
        years_layout = QVBoxLayout(years_box)
        years_layout.addWidget(self.new_year_button)
        years_layout.addWidget(self.years_list)

        self.periods_model = PeriodsTableModel(self)
        self.periods_table = _table(self.periods_model)
        self.periods_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.periods_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PeriodColumn.OPEN_DAYS, QHeaderView.ResizeMode.Stretch)
        self.periods_box = QGroupBox(self.tr("Périodes"))
        periods_layout = QVBoxLayout(self.periods_box)
        periods_layout.addWidget(self.periods_table)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(years_box, 1)
        left_layout.addWidget(self.periods_box)
        legend_box = QGroupBox(self.tr("Légende"))
        QVBoxLayout(legend_box).addWidget(self.legend)
        left_layout.addWidget(legend_box)
        left.setFixedWidth(330)

        # right: the year view above the closures
        self.year_panel = YearPanel(ctx.store.clock.now().date())
        self.year_view = self.year_panel.year_view
        self.year_view.day_clicked.connect(self._on_year_view_day_clicked)
        self.year_view.day_double_clicked.connect(self._on_year_view_day_double_clicked)

        self.closures_model = ClosuresTableModel(self)
        self.closures_table = _table(self.closures_model)
        header = self.closures_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ClosureColumn.ACTIVITIES, QHeaderView.ResizeMode.Stretch)
        self.closures_table.selectionModel().selectionChanged.connect(
            self._on_closures_selection_changed
        )
        self.add_closure_button = QPushButton(self.tr("Ajouter une fermeture…"))
        self.remove_closure_button = QPushButton(self.tr("Supprimer la fermeture"))
        self.add_closure_button.clicked.connect(self._on_add_closure_button_clicked)
        self.remove_closure_button.clicked.connect(self._on_remove_closure_button_clicked)
        closures_bar = QHBoxLayout()
        closures_bar.addWidget(QLabel(self.tr("<b>Fermetures</b>")))
        closures_bar.addStretch(1)
        closures_bar.addWidget(self.add_closure_button)
        closures_bar.addWidget(self.remove_closure_button)
        closures_box = QWidget()
        closures_layout = QVBoxLayout(closures_box)
        closures_layout.setContentsMargins(0, 0, 0, 0)
        closures_layout.addLayout(closures_bar)
        closures_layout.addWidget(self.closures_table)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.year_panel)
        self.splitter.addWidget(closures_box)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([460, 170])

        body = QHBoxLayout()
        body.addWidget(left)
        body.addWidget(self.splitter, 1)
        layout = QVBoxLayout(self)
        title_row = QHBoxLayout()
        title_row.addWidget(title_label(self.tr("Calendrier")))
        self.read_only_label = note_label(
            self.tr("Consultation seulement : {reason}").format(reason=self.denied_reason)
        )
        self.read_only_label.setVisible(not self.can_edit)
        title_row.addWidget(self.read_only_label, 1)
        layout.addLayout(title_row)
        layout.addLayout(body, 1)

        ctx.bus.changed.connect(self._on_bus_changed)
        self._update_buttons()
        self.refresh()

    # -- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(
            lambda: (
                calendar_service.list_school_years(store),
                list_activities(store, include_inactive=True),
            ),
            self._on_loaded,
            self._on_load_failed,
        )

    def years(self) -> list[SchoolYearInfo]:
        return list(self._years)

    def selected_year(self) -> SchoolYearInfo | None:
        item = self.years_list.currentItem()
        if item is None:
            return None
        year_id = item.data(YEAR_ROLE)
        return next((y for y in self._years if y.id == year_id), None)

    def select_year(self, year_id: uuid.UUID) -> None:
        for row in range(self.years_list.count()):
            if self.years_list.item(row).data(YEAR_ROLE) == year_id:
                self.years_list.setCurrentRow(row)
                return

    def selected_closure(self) -> ClosureInfo | None:
        rows = self.closures_table.selectionModel().selectedRows()
        return self.closures_model.closure_at(rows[0].row()) if rows else None

    def select_closure(self, closure_id: uuid.UUID) -> None:
        row = self.closures_model.row_of(closure_id)
        if row >= 0:
            self.closures_table.selectRow(row)
            self.closures_table.scrollTo(self.closures_model.index(row, 0))

    def _year_text(self, year: SchoolYearInfo, today: date) -> str:
        current = self.tr(" (en cours)") if year.start <= today <= year.end else ""
        return self.tr(
            "{label}{current}\ndu {start:%d/%m/%Y} au {end:%d/%m/%Y}\nZone {zone} · {mode}"
        ).format(
            label=year.label,
            current=current,
            start=year.start,
            end=year.end,
            zone=year.zone,
            mode=PERIOD_MODE_LABELS[year.period_mode],
        )

    def _show_year(self, year: SchoolYearInfo | None) -> None:
        closure = self.selected_closure()
        self.year_panel.show_year(year, self._names)
        if year is None:
            self.periods_model.set_periods([])
            self.closures_model.set_closures([], self._names)
            self._update_buttons()
            return
        self.periods_model.set_periods(
            [(p, self.year_view.open_days(p.start, p.end)) for p in year.periods]
        )
        self.periods_box.setTitle(
            self.tr("Périodes ({mode})").format(mode=PERIOD_MODE_LABELS[year.period_mode].lower())
        )
        self.closures_model.set_closures(list(year.closures), self._names)
        if closure is not None:
            self.select_closure(closure.id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        year = self.selected_year()
        closure = self.selected_closure()
        for button in (self.new_year_button, self.add_closure_button, self.remove_closure_button):
            button.setEnabled(self.can_edit)
            button.setToolTip(self.denied_reason)
        if not self.can_edit:
            return
        self.new_year_button.setToolTip(
            self.tr("Crée l'année à partir des vacances scolaires officielles de la zone.")
        )
        self.add_closure_button.setEnabled(year is not None)
        self.add_closure_button.setToolTip(
            self.tr("Un pont, une grève, des travaux… (double-clic sur un jour pour le préremplir)")
            if year is not None
            else self.tr("Créez d'abord une année scolaire.")
        )
        if closure is None:
            self.remove_closure_button.setEnabled(False)
            self.remove_closure_button.setToolTip(self.tr("Choisissez une fermeture locale."))
        elif closure.kind != ClosureKind.LOCAL:
            self.remove_closure_button.setEnabled(False)
            self.remove_closure_button.setToolTip(
                self.tr(
                    "Les vacances scolaires et les jours fériés viennent du calendrier officiel : "
                    "seules les fermetures locales peuvent être supprimées."
                )
            )
        else:
            self.remove_closure_button.setToolTip(
                self.tr("Rouvre les jours de « {label} ».").format(label=closure.label)
            )

    # -- dialogs -----------------------------------------------------------------------------

    def open_year_dialog(self) -> YearDialog:
        dialog = YearDialog(self._ctx, self._years, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.year_created.connect(self._on_dialog_year_created)
        dialog.open()
        return dialog

    def open_closure_dialog(self, day: date | None = None) -> ClosureDialog | None:
        year = self.selected_year()
        if year is None or not self.can_edit:
            return None
        day = day or self._ctx.store.clock.now().date()
        dialog = ClosureDialog(self._ctx, year, self._activities, day, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.closure_added.connect(self._on_dialog_closure_added)
        dialog.open()
        return dialog

    # -- slots -------------------------------------------------------------------------------

    def _on_loaded(self, loaded: tuple[list[SchoolYearInfo], list[ActivitySpec]]) -> None:
        years, activities = loaded
        previous = self.selected_year()
        self._years = years
        self._activities = [a for a in activities if a.active]
        self._names = {a.code: a.name for a in activities}
        today = self._ctx.store.clock.now().date()
        self.years_list.blockSignals(True)
        self.years_list.clear()
        for year in years:
            item = QListWidgetItem(self._year_text(year, today))
            item.setData(YEAR_ROLE, year.id)
            self.years_list.addItem(item)
        self.years_list.blockSignals(False)
        wanted = previous.id if previous is not None else None
        if wanted is None or all(y.id != wanted for y in years):
            current = next((y for y in years if y.start <= today <= y.end), None)
            upcoming = next((y for y in years if y.start > today), None)
            chosen = current or upcoming or (years[-1] if years else None)
            wanted = chosen.id if chosen is not None else None
        if wanted is not None:
            self.select_year(wanted)
        self._show_year(self.selected_year())

    def _on_load_failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if topics & REFRESH_TOPICS:
            self.refresh()

    def _on_years_list_changed(self, *_args: object) -> None:
        self.closures_table.clearSelection()
        self._show_year(self.selected_year())

    def _on_closures_selection_changed(self, *_args: QItemSelection) -> None:
        closure = self.selected_closure()
        if closure is None:
            self.year_view.set_highlight(None)
        else:
            self.year_view.set_highlight(closure.start, closure.end)
        self._update_buttons()

    def _on_year_view_day_clicked(self, day: date) -> None:
        status = self.year_view.status_of(day)
        closure = status.closure if status is not None else None
        if closure is None and status is not None and status.partial:
            closure = status.partial[0]
        if closure is not None:
            self.select_closure(closure.id)
        else:
            self.closures_table.clearSelection()

    def _on_year_view_day_double_clicked(self, day: date) -> None:
        year = self.selected_year()
        if year is not None and year.start <= day <= year.end:
            self.open_closure_dialog(day)

    def _on_new_year_button_clicked(self) -> None:
        self.open_year_dialog()

    def _on_add_closure_button_clicked(self) -> None:
        self.open_closure_dialog()

    def _on_remove_closure_button_clicked(self) -> None:
        closure = self.selected_closure()
        if closure is None or closure.kind != ClosureKind.LOCAL:
            return
        question = self.tr(
            "Supprimer la fermeture « {label} » ({dates}) ? Les activités concernées "
            "rouvriront ces jours-là."
        ).format(label=closure.label, dates=span_text(closure.start, closure.end))
        if not messages.ask_yes_no(self, self.tr("Supprimer la fermeture"), question):
            return
        self._ctx.write(
            calendar_service.remove_closure,
            closure.id,
            on_done=self._on_remove_done,
            on_error=self._on_load_failed,
        )

    def _on_remove_done(self, _result: object) -> None:
        self.closures_table.clearSelection()

    def _on_dialog_year_created(self, year_id: uuid.UUID) -> None:
        # The dialog's write announced Topic.CALENDAR first, so the list already holds the new year.
        self.select_year(year_id)

    def _on_dialog_closure_added(self, closure_id: uuid.UUID) -> None:
        self.select_closure(closure_id)
