"""The « Listes et présences » screen for the coordinator: a day and an activity; the lists
printed (preview, then the printer), the presence marked from the keyboard, the kitchen's
meal counts, and the mairie's checks (unconsumed bookings, bus fares)."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.permissions import Permission
from eticket_desk.services.attendance.lists import activities_of_day, print_attendance
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import make_tabs, title_label
from eticket_desk.ui.attendance.caf_dialog import CafHoursDialog
from eticket_desk.ui.attendance.checks_tab import BusFaresTab, UnconsumedTab
from eticket_desk.ui.attendance.meals_tab import MealsTab
from eticket_desk.ui.attendance.presence_tab import PresenceTab
from eticket_desk.ui.attendance.tables import date_edit, to_date, to_qdate
from eticket_desk.ui.context import AppContext

REFRESH_TOPICS = frozenset(
    {Topic.BOOKINGS, Topic.ACTIVITIES, Topic.CALENDAR, Topic.SCHOOLS, Topic.FAMILIES}
)


class AttendanceScreen(QWidget):
    """Tomorrow's lists in the afternoon, the presence of the day after; the day and the
    activity chosen at the top serve every tab."""

    family_requested = Signal(object)  # uuid.UUID: open the family's dossier

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.day = ctx.store.clock.today()
        self._choices = 0
        self._wanted = None  # the activity last chosen, kept over the days it does not run

        self.previous_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        for button, tip in (
            (self.previous_button, self.tr("Jour précédent")),
            (self.next_button, self.tr("Jour suivant")),
        ):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("▶") + 28)
            button.setToolTip(tip)
        self.date_edit = date_edit(self.day)
        self.today_button = QPushButton(self.tr("Aujourd'hui"))
        self.tomorrow_button = QPushButton(self.tr("Demain"))
        self.day_label = QLabel()
        font = self.day_label.font()
        font.setBold(True)
        self.day_label.setFont(font)
        self.previous_button.clicked.connect(self._on_previous_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.tomorrow_button.clicked.connect(self._on_tomorrow_button_clicked)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)

        self.activity_combo = QComboBox()
        self.activity_combo.setMinimumContentsLength(16)
        self.activity_combo.currentIndexChanged.connect(self._on_activity_combo_changed)
        self.health_check = QCheckBox(self.tr("Avec régimes, allergies et PAI"))
        self.health_check.setToolTip(
            self.tr("Décochez pour une liste à afficher ou à confier (sans données de santé)")
        )
        self.health_check.setChecked(True)
        self.health_check.setVisible(ctx.actor.can(Permission.HEALTH_VIEW))
        self.health_check.toggled.connect(self._on_health_check_toggled)
        self.print_one_button = QPushButton(self.tr("Imprimer cette liste…"))
        self.print_all_button = QPushButton(self.tr("Imprimer toutes les listes du jour…"))
        self.print_one_button.clicked.connect(self._on_print_one_button_clicked)
        self.caf_button = QPushButton(self.tr("Heures CAF / MSA…"))
        self.caf_button.setVisible(ctx.actor.can(Permission.REPORTS_VIEW))
        self.caf_button.clicked.connect(self._on_caf_button_clicked)
        self.print_all_button.clicked.connect(self._on_print_all_button_clicked)

        day_row = QHBoxLayout()
        day_row.addWidget(QLabel(self.tr("Jour :")))
        for widget in (
            self.previous_button,
            self.date_edit,
            self.next_button,
            self.today_button,
            self.tomorrow_button,
        ):
            day_row.addWidget(widget)
        day_row.addSpacing(12)
        day_row.addWidget(self.day_label, 1)
        list_row = QHBoxLayout()
        list_row.addWidget(QLabel(self.tr("Activité :")))
        list_row.addWidget(self.activity_combo)
        list_row.addSpacing(12)
        list_row.addWidget(self.health_check)
        list_row.addStretch(1)
        list_row.addWidget(self.print_one_button)
        list_row.addWidget(self.print_all_button)
        list_row.addWidget(self.caf_button)

        self.presence_tab = PresenceTab(ctx)
        self.presence_tab.with_health = self._health_shown()
        self.meals_tab = MealsTab(ctx)
        self.unconsumed_tab = UnconsumedTab(ctx)
        self.bus_tab = BusFaresTab(ctx)
        for tab in (self.unconsumed_tab, self.bus_tab):
            tab.family_requested.connect(self.family_requested)
        self.tabs = make_tabs()
        self.tabs.addTab(self.presence_tab, self.tr("Présences"))
        self.tabs.addTab(self.meals_tab, self.tr("Repas (cuisine)"))
        self.tabs.addTab(self.unconsumed_tab, self.tr("Réservations non consommées"))
        self.tabs.addTab(self.bus_tab, self.tr("Forfaits bus"))

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Listes et présences")))
        layout.addLayout(day_row)
        layout.addLayout(list_row)
        layout.addWidget(self.tabs, 1)

        ctx.bus.changed.connect(self._on_bus_changed)
        self._show_day()
        self.meals_tab.refresh()
        self.unconsumed_tab.refresh()
        self.bus_tab.refresh()

    # -- the day and the activity ------------------------------------------------------------

    @property
    def activity_id(self):
        return self.activity_combo.currentData()

    def go_to(self, day: date) -> None:
        """Shows another day; marks not saved yet are saved first if the coordinator wants."""
        if day == self.day:
            return
        if not self._keep_marks():
            self.date_edit.blockSignals(True)
            self.date_edit.setDate(to_qdate(self.day))
            self.date_edit.blockSignals(False)
            return
        moved_week = day - timedelta(days=day.weekday()) != self.day - timedelta(
            days=self.day.weekday()
        )
        moved_month = (day.year, day.month) != (self.day.year, self.day.month)
        self.day = day
        self._show_day()
        if moved_week:
            self.meals_tab.show_week_of(day)
            self.bus_tab.show_week_of(day)
        if moved_month:
            self.unconsumed_tab.show_month_of(day)

    def select_activity(self, name: str) -> None:
        index = self.activity_combo.findText(name)
        if index >= 0:
            self.activity_combo.setCurrentIndex(index)

    def _keep_marks(self) -> bool:
        """False when the coordinator stays (never: marks are saved or dropped, as asked)."""
        if not self.presence_tab.has_changes:
            return True
        if messages.ask_yes_no(
            self,
            self.tr("Pointage non enregistré"),
            self.tr(
                "Des pointages de cette liste ne sont pas enregistrés. Les enregistrer avant "
                "de changer de liste ?"
            ),
        ):
            self.presence_tab.save()
        return True

    def _show_day(self) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(to_qdate(self.day))
        self.date_edit.blockSignals(False)
        text = format_date(self.day, "EEEE d MMMM y", locale="fr_FR")
        self.day_label.setText(text[:1].upper() + text[1:])
        self._load_activities()

    def _load_activities(self) -> None:
        self._choices += 1
        request, store, day = self._choices, self._ctx.store, self.day
        self._ctx.runner.submit(
            lambda: activities_of_day(store, day),
            lambda activities: self._on_activities_loaded(request, activities),
            self._on_failed,
        )

    def _on_activities_loaded(self, request: int, activities) -> None:
        if request != self._choices:
            return
        self.activity_combo.blockSignals(True)
        self.activity_combo.clear()
        for activity in activities:
            self.activity_combo.addItem(activity.name, activity.id)
        if not activities:
            self.activity_combo.addItem(self.tr("Aucune activité ce jour-là"), None)
        ids = [self.activity_combo.itemData(i) for i in range(self.activity_combo.count())]
        self.activity_combo.setCurrentIndex(ids.index(self._wanted) if self._wanted in ids else 0)
        self.activity_combo.blockSignals(False)
        self.print_one_button.setEnabled(bool(activities))
        self.print_all_button.setEnabled(bool(activities))
        self.presence_tab.load(self.activity_id, self.day)

    def _health_shown(self) -> bool:
        """The diets, allergies and PAI, on screen as on paper: when asked for and allowed."""
        return self.health_check.isChecked() and self._ctx.actor.can(Permission.HEALTH_VIEW)

    # -- printing ----------------------------------------------------------------------------

    def print_lists(self, everything: bool) -> None:
        activity_id = None if everything else self.activity_id
        if not everything and activity_id is None:
            return
        store, actor, day = self._ctx.store, self._ctx.actor, self.day
        health = self.health_check.isChecked()
        if everything:
            title = self.tr("Listes de présence du {day}").format(day=f"{day:%d/%m/%Y}")
        else:
            title = self.tr("Liste de présence — {activity} du {day}").format(
                activity=self.activity_combo.currentText(), day=f"{day:%d/%m/%Y}"
            )
        self._ctx.runner.submit(
            lambda: print_attendance(store, actor, day, None, activity_id, with_health=health),
            lambda path: pdf_preview.preview(path, title, self),
            self._on_failed,
        )

    # -- slots -------------------------------------------------------------------------------

    def _on_failed(self, exc: Exception) -> None:
        messages.show_error(self, exc)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if not topics & REFRESH_TOPICS:
            return
        if topics & {Topic.ACTIVITIES, Topic.CALENDAR}:
            self._load_activities()
        elif not self.presence_tab.has_changes:
            self.presence_tab.load(self.activity_id, self.day)
        self.meals_tab.refresh()
        self.unconsumed_tab.refresh()
        self.bus_tab.refresh()

    def _on_previous_button_clicked(self) -> None:
        self.go_to(self.day - timedelta(days=1))

    def _on_next_button_clicked(self) -> None:
        self.go_to(self.day + timedelta(days=1))

    def _on_today_button_clicked(self) -> None:
        self.go_to(self._ctx.store.clock.today())

    def _on_tomorrow_button_clicked(self) -> None:
        self.go_to(self._ctx.store.clock.today() + timedelta(days=1))

    def _on_date_edit_date_changed(self, value: QDate) -> None:
        self.go_to(to_date(value))

    def _on_activity_combo_changed(self, _index: int) -> None:
        self._wanted = self.activity_id
        self._keep_marks()
        self.presence_tab.load(self.activity_id, self.day)

    def _on_health_check_toggled(self, _checked: bool) -> None:
        self.presence_tab.set_health(self._health_shown())

    def _on_print_one_button_clicked(self) -> None:
        self.print_lists(False)

    def _on_print_all_button_clicked(self) -> None:
        self.print_lists(True)

    def _on_caf_button_clicked(self) -> None:
        self.caf_dialog = CafHoursDialog(self._ctx, self.day, self)
        self.caf_dialog.open()
