"""The "Activités" screen: every activity in order, its editor, and the order of the list."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.calendar import CalendarSet
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue import activities
from eticket_desk.services.catalogue.calendar import load_calendar
from eticket_desk.services.catalogue.organisation import SchoolInfo, list_schools
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui import messages
from eticket_desk.ui.activities.activities_model import ActivitiesTableModel, ActivityColumn
from eticket_desk.ui.activities.activity_dialog import ActivityDialog
from eticket_desk.ui.admin.forms import note_label, title_label
from eticket_desk.ui.context import AppContext


def _load(store) -> tuple[list[ActivitySpec], list[SchoolInfo], CalendarSet]:
    return (
        activities.list_activities(store, include_inactive=True),
        list_schools(store),
        load_calendar(store),
    )


class ActivitiesScreen(QWidget):
    """The activities table; the régisseur and the admin change them, others only look."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._schools: list[SchoolInfo] = []
        self._calendar = CalendarSet()
        self.editable = ctx.actor.can(Permission.ACTIVITY_EDIT)
        self.model = ActivitiesTableModel(self)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setStyleSheet("QTableView::item { padding-top: 2px; padding-bottom: 2px; }")
        self.table.setIconSize(QSize(14, 14))
        self._size_columns()
        self.table.doubleClicked.connect(self._on_table_double_clicked)

        self.new_button = QPushButton(self.tr("Nouvelle activité…"))
        self.edit_button = QPushButton(
            self.tr("Modifier…") if self.editable else self.tr("Consulter…")
        )
        self.up_button = QPushButton(self.tr("Monter"))
        self.down_button = QPushButton(self.tr("Descendre"))
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.up_button.clicked.connect(self._on_up_button_clicked)
        self.down_button.clicked.connect(self._on_down_button_clicked)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.new_button, self.up_button, self.down_button):
            button.setVisible(self.editable)

        if self.editable:
            note = self.tr(
                "Les activités sont proposées dans cet ordre sur la grille de réservation et "
                "sur les listes. Une activité désactivée apparaît en gris : elle reste dans "
                "l'historique mais ne se réserve plus."
            )
        else:
            note = self.tr(
                "Votre profil ({role}) permet de consulter les activités, pas de les modifier."
            ).format(role=ctx.actor.role.label)
        self.note = note_label(note)

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Activités")))
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self._pending_selection: uuid.UUID | None = None
        self._loading = False
        self.refresh()

    def _size_columns(self) -> None:
        """Short columns fit their text; the long ones get a few words a line and wrap."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column in (ActivityColumn.NAME, ActivityColumn.LEVELS, ActivityColumn.ACTIVE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ActivityColumn.DEADLINE, QHeaderView.ResizeMode.Stretch)
        char = self.table.fontMetrics().averageCharWidth()
        widths = {  # in characters
            ActivityColumn.WEEKDAYS: 24,  # « lun., mar., jeu., ven. »
            ActivityColumn.SCHOOLS: 22,
            ActivityColumn.CAPACITY: 18,
            ActivityColumn.BILLING: 24,
        }
        for column, chars in widths.items():
            self.table.setColumnWidth(column, chars * char)
        # Rows follow their wrapped text as the columns change width.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    # -- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_activity()
        if selected is not None and self._pending_selection is None:
            self._pending_selection = selected.id
        store = self._ctx.store
        self._loading = True
        self.new_button.setEnabled(False)  # a new activity needs the schools and the calendar
        self._ctx.runner.submit(lambda: _load(store), self._on_load_done, self._on_load_failed)

    def selected_activity(self) -> ActivitySpec | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.activity_at(rows[0].row()) if rows else None

    def select_activity(self, activity_id: object) -> None:
        row = self.model.row_of(activity_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def open_activity_dialog(self, spec: ActivitySpec | None) -> ActivityDialog:
        dialog = ActivityDialog(
            self._ctx,
            spec,
            schools=self._schools,
            calendar=self._calendar,
            editable=self.editable,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.activity_saved.connect(self._on_dialog_activity_saved)
        dialog.open()
        return dialog

    def _move_selected(self, step: int) -> None:
        spec = self.selected_activity()
        if spec is None or spec.id is None:
            return
        self._pending_selection = spec.id
        self._ctx.write(activities.move_activity, spec.id, step, on_error=self._on_action_failed)

    # -- slots -------------------------------------------------------------------------------

    def _on_load_done(self, loaded: tuple[list[ActivitySpec], list[SchoolInfo], CalendarSet]):
        self._loading = False
        specs, self._schools, self._calendar = loaded
        self.new_button.setEnabled(True)
        self.model.set_activities(specs, {s.id: s.name for s in self._schools})
        if self._pending_selection is not None:
            self.select_activity(self._pending_selection)
            self._pending_selection = None
        self._on_selection_changed()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        messages.show_error(self, exc, self.tr("Lecture des activités impossible"))

    def _on_action_failed(self, exc: BaseException) -> None:
        self._pending_selection = None
        messages.show_error(self, exc)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if topics & {Topic.ACTIVITIES, Topic.SCHOOLS, Topic.CALENDAR}:
            self.refresh()

    def _on_selection_changed(self, *_args: object) -> None:
        spec = self.selected_activity()
        row = self.model.row_of(spec.id) if spec is not None else -1
        self.edit_button.setEnabled(spec is not None)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.model.rowCount() - 1)

    def _on_new_button_clicked(self) -> None:
        self.open_activity_dialog(None)

    def _on_edit_button_clicked(self) -> None:
        spec = self.selected_activity()
        if spec is not None:
            self.open_activity_dialog(spec)

    def _on_up_button_clicked(self) -> None:
        self._move_selected(-1)

    def _on_down_button_clicked(self) -> None:
        self._move_selected(+1)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_activity_dialog(self.model.activity_at(index.row()))

    def _on_dialog_activity_saved(self, spec: ActivitySpec) -> None:
        # The dialog's write announced Topic.ACTIVITIES first: the table holds the saved row, or will
        # once the reload it started is done.
        if self._loading:
            self._pending_selection = spec.id
        else:
            self.select_activity(spec.id)
