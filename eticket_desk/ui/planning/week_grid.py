"""The week grid widget: navigate weeks, click or press Space to book and cancel at once."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from babel.dates import format_date
from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.booking import SEAT_STATES, BookingRefused, BookingState, RefusalCode
from eticket_desk.rules.cells import CELL_LABELS, CellState
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.bookings.planning import Cell, WeekPlan, load_week
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.counter.wallet import NoTicketLeft
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import ask_yes_no, error_text, show_error
from eticket_desk.ui.planning.actions import PlanningActions
from eticket_desk.ui.planning.cell_painter import CellDelegate, legend_pixmap
from eticket_desk.ui.planning.week_model import RowKind, WeekModel

_CLOSED_ROW_HEIGHT = 30


class WeekGrid(PlanningActions, QWidget):
    """Every child × activity × day of one week; changes are saved at once, like the portal."""

    week_changed = Signal(object)  # the Monday shown
    bookings_changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        family_id: uuid.UUID,
        parent: QWidget | None = None,
        day: date | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.family_id = family_id
        self.plan: WeekPlan | None = None
        self.day = day or ctx.store.clock.today()
        self.model = WeekModel(self)
        self._build()
        ctx.bus.changed.connect(self._on_bus_changed)
        self.reload()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        self.previous_button = QPushButton(self.tr("◀ Semaine précédente"))
        self.previous_button.setToolTip(self.tr("Semaine précédente (Page précédente)"))
        self.next_button = QPushButton(self.tr("Semaine suivante ▶"))
        self.next_button.setToolTip(self.tr("Semaine suivante (Page suivante)"))
        self.today_button = QPushButton(self.tr("Aujourd'hui"))
        self.forms_button = QPushButton(self.tr("&Inscriptions…"))
        self.forms_button.setToolTip(
            self.tr("Formulaire d'inscription : semaines types de chaque activité sur une période")
        )
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setToolTip(self.tr("Aller à la semaine d'une date"))
        self.title = QLabel()  # on a line of its own: the longest week's title is never cut
        self.title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.date_edit)
        bar.addWidget(self.today_button)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.forms_button)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "background: #fff7ed; border: 1px solid #fdba74; color: #9a3412; padding: 6px;"
        )
        self.notice.hide()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.delegate = CellDelegate(self.table)  # kept: the view does not own its delegate
        self.table.setItemDelegate(self.delegate)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(_CLOSED_ROW_HEIGHT)
        self.table.setMouseTracking(True)
        self.table.installEventFilter(self)
        self.table.clicked.connect(self._on_table_clicked)
        self.table.setAccessibleName(self.tr("Planning de la semaine"))

        legend = QGridLayout()  # two lines of three: never cut in a narrow window
        legend.setHorizontalSpacing(6)
        legend.setVerticalSpacing(2)
        for number, (state, booking) in enumerate(
            (
                (CellState.OPEN_FREE, None),
                (CellState.OPEN_BOOKED, BookingState.BOOKED),
                (CellState.LOCKED_FREE, None),
                (CellState.LOCKED_BOOKED, BookingState.BOOKED),
                (CellState.CLOSED, None),
                (CellState.OPEN_BOOKED, BookingState.WAITING),
            )
        ):
            swatch = QLabel()
            swatch.setPixmap(legend_pixmap(state, booking))
            text = (
                self.tr("Liste d'attente")
                if booking == BookingState.WAITING
                else self.tr(CELL_LABELS[state])
            )
            row, column = divmod(number, 3)
            legend.addWidget(swatch, row, 2 * column)
            legend.addWidget(QLabel(text), row, 2 * column + 1)
        legend.setColumnStretch(6, 1)

        self.status = QLabel(
            self.tr(
                "Clic ou Espace : réserver / annuler. Flèches : se déplacer. "
                "Page précédente / suivante : changer de semaine."
            )
        )
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #374151;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        layout.addLayout(legend)
        layout.addWidget(self.status)

        self.previous_button.clicked.connect(self._on_previous_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.forms_button.clicked.connect(self._on_forms_button_clicked)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        for keys, slot in (
            ("Alt+Left", self._on_previous_button_clicked),
            ("Alt+Right", self._on_next_button_clicked),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 230)
        for column in range(1, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for column in (self.model.week_column, self.model.template_column):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, 112)
        self._fit_day_headers()

    def _fit_day_headers(self) -> None:
        """« lundi 14/12 » when every day column can show it, else « lun. 14/12 »."""
        if self.model.plan is None:
            return  # shown before its first week is read: no day headers yet
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        room = min(header.sectionSize(c) for c in range(1, self.model.day_count + 1)) - 12
        widest = max(metrics.horizontalAdvance(t) for t in self.model.day_headers(False))
        self.model.set_short_headers(widest > room)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_day_headers()

    # ------------------------------------------------------------ loading

    def go_to(self, day: date) -> None:
        self.day = day
        self.reload()

    def reload(self, keep: tuple[int, int] | None = None) -> None:
        # read on the worker: it captures plain values, never the widget (Qt objects belong
        # to the GUI thread)
        store, actor, family_id, day = self.ctx.store, self.ctx.actor, self.family_id, self.day
        self.ctx.runner.submit(
            lambda: load_week(store, actor, family_id, day),
            lambda plan: self._show_plan(plan, keep),
            lambda exc: show_error(self, exc, self.tr("Planning indisponible")),
        )

    def _show_plan(self, plan: WeekPlan, keep: tuple[int, int] | None) -> None:
        self.plan = plan
        current = keep or (self.table.currentIndex().row(), self.table.currentIndex().column())
        self.model.set_plan(plan)
        self._size_columns()
        first, last = plan.days[0], plan.days[-1]
        if first.month == last.month:
            span = f"{format_date(first, 'EEEE d', locale='fr_FR')} au {format_date(last, 'EEEE d MMMM y', locale='fr_FR')}"
        else:
            span = f"{format_date(first, 'EEEE d MMMM', locale='fr_FR')} au {format_date(last, 'EEEE d MMMM y', locale='fr_FR')}"
        self.title.setText(self.tr("Semaine du %1").replace("%1", span))
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self.day.year, self.day.month, self.day.day))
        self.date_edit.blockSignals(False)
        self.notice.setText(plan.notice)
        self.notice.setVisible(bool(plan.notice))
        if not plan.children:
            self.status.setText(
                self.tr("Aucun enfant dans ce dossier : ajoutez-en un dans l'onglet Enfants.")
            )
        row, column = current
        if row < 0 or row >= self.model.rowCount():
            row, column = (1, 1) if self.model.rowCount() > 1 else (0, 0)
        self.table.setCurrentIndex(self.model.index(row, max(column, 0)))
        self.week_changed.emit(plan.monday)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if topics & {Topic.BOOKINGS, Topic.ACTIVITIES, Topic.CALENDAR, FamilyTopic(self.family_id)}:
            if Topic.BOOKINGS in topics and self.sender_is_self:
                return
            self.reload()

    sender_is_self = False

    # ------------------------------------------------------------ navigation

    def _on_previous_button_clicked(self) -> None:
        self.go_to(self.day - timedelta(days=7))

    def _on_next_button_clicked(self) -> None:
        self.go_to(self.day + timedelta(days=7))

    def _on_today_button_clicked(self) -> None:
        self.go_to(self.ctx.store.clock.today())

    def _on_forms_button_clicked(self) -> None:
        from eticket_desk.ui.subscriptions import SubscriptionDialog

        child_id = None
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.model.rows):
            child_id = self.model.rows[row].child.child_id
        dialog = SubscriptionDialog(self.ctx, self.family_id, child_id, self)
        dialog.exec()

    def _on_date_edit_date_changed(self, value: QDate) -> None:
        self.go_to(date(value.year(), value.month(), value.day()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.activate(self.table.currentIndex())
                return True
            if key == Qt.Key.Key_PageUp:  # the table would move its cursor instead
                self._on_previous_button_clicked()
                return True
            if key == Qt.Key.Key_PageDown:
                self._on_next_button_clicked()
                return True
        return super().eventFilter(watched, event)

    def focus_grid(self) -> None:
        """The keyboard in the grid, on the current cell (arrows, Space, Page Down at once)."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_table_clicked(self, index: QModelIndex) -> None:
        self.activate(index)

    def activate(self, index: QModelIndex) -> None:
        """What a click or Space does on the cell, link or name under the cursor."""
        if not index.isValid() or self.plan is None:
            return
        row, column = index.row(), index.column()
        cell = self.model.cell_at(row, column)
        if cell is not None:
            self.toggle(row, column, cell)
        elif self.model.is_week_link(row, column):
            self.whole_week(row)
        elif self.model.is_template_link(row, column):
            self.week_template(row)
        elif self.model.is_day_link(row, column):
            self.whole_day(row, column)

    def say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b91c1c;" if error else "color: #166534;")
        self.status.setText(text)

    # ------------------------------------------------------------ helpers for PlanningActions

    def ask_override_reason(self, what: str) -> str | None:
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Dérogation au délai"),
            self.tr(
                "%1\n\nVous pouvez passer outre à titre exceptionnel. "
                "Motif de la dérogation (obligatoire, inscrit au journal) :"
            ).replace("%1", what),
        )
        if not ok:
            return None
        if not reason.strip():
            show_error(
                self,
                BookingRefused(
                    RefusalCode.OVERRIDE_REASON_MISSING,
                    self.tr("Le motif de la dérogation est obligatoire."),
                ),
            )
            return None
        return reason.strip()

    def ask_confirm(self, title: str, text: str) -> bool:
        return ask_yes_no(self, title, text)

    def ask_waiting_list(self, message: str) -> bool:
        return ask_yes_no(
            self,
            self.tr("Activité complète"),
            message.replace(" L'enfant peut être inscrit sur la liste d'attente.", "")
            + "\n\n"
            + self.tr(
                "Inscrire l'enfant sur la liste d'attente ? Il aura la première place libérée."
            ),
        )

    def failed(self, exc: BaseException) -> None:
        self.say(error_text(exc), error=True)
        if isinstance(exc, NoTicketLeft):
            if self.ctx.actor.can(Permission.SALE) and self.ask_confirm(
                self.tr("Porte-monnaie vide"),
                exc.message + "\n\n" + self.tr("Ouvrir le guichet pour vendre des tickets ?"),
            ):
                self.sell_tickets()
            return
        if not isinstance(exc, BookingRefused):
            show_error(self, exc)

    def sell_tickets(self) -> None:
        """« Vendre des tickets »: the counter in a window, on this family; the grid shows
        the new balance when it closes."""
        from eticket_desk.ui.counter.counter_window import open_counter

        self.counter_dialog = open_counter(self.ctx, self.family_id, self)
        self.counter_dialog.finished.connect(self._on_counter_dialog_finished)

    def _on_counter_dialog_finished(self, _result: int) -> None:
        self.counter_dialog = None
        self.reload()

    def cell_is_booked(self, cell: Cell) -> bool:
        return cell.booking in SEAT_STATES or cell.booking == BookingState.WAITING

    def child_row_kind(self, row: int) -> RowKind:
        return self.model.rows[row].kind
