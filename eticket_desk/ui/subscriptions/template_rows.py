"""One row of the paper form per activity: « inscrit », weekday boxes, parity, regular or
occasional, fare option — and the draft it makes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QWidget

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.templates import PARITY_LABELS, FareOption, Parity, WeekTemplate
from eticket_desk.rules.templates import fare_labels as fare_labels_of
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, SubscriptionInfo
from eticket_desk.ui.admin.forms import NOTE_STYLE, format_date

DAY_HEADERS = ("Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# Grid columns: number, « inscrit » box with the name, the weekdays, then the combos.
NUMBER, NAME, FIRST_DAY = 0, 1, 2


def fare_labels(activity: ActivitySpec) -> dict[FareOption, str]:
    """Bus trips are sold by round trips a day, the other fares by sessions a week."""
    return fare_labels_of(activity.code)


@dataclass(frozen=True)
class RowState:
    """What the agent has set on a row (kept from one form to the next in batch entry)."""

    enrolled: bool
    weekdays: frozenset[int]
    parity: Parity = Parity.ALL
    regular: bool = True
    fare: FareOption = FareOption.NONE


def default_state(activity: ActivitySpec) -> RowState:
    fare = FareOption.ONE if activity.billing_mode == BillingMode.FARE else FareOption.NONE
    return RowState(False, frozenset(activity.weekdays), fare=fare)


def state_of(subscription: SubscriptionInfo, activity: ActivitySpec) -> RowState:
    fare = subscription.fare_option
    if activity.billing_mode == BillingMode.FARE and fare == FareOption.NONE:
        fare = FareOption.ONE
    days = subscription.template.weekdays & frozenset(activity.weekdays)
    if not subscription.regular:
        days = frozenset(activity.weekdays)
    return RowState(True, days, subscription.template.parity, subscription.regular, fare)


class TemplateRow(QObject):
    """The widgets of one activity's row, placed in the form's grid at `line`."""

    changed = Signal()

    def __init__(
        self,
        activity: ActivitySpec,
        number: int,
        day_columns: tuple[int, ...],
        grid: QGridLayout,
        line: int,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.activity = activity
        self.number = number
        self.existing: SubscriptionInfo | None = None
        self.number_label = QLabel(str(number) if number < 10 else "")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number_label.setFixedWidth(22)
        self.number_label.setStyleSheet(
            f"background: {activity.colour}; color: white; border-radius: 3px; font-weight: bold;"
        )
        self.enrolled = QCheckBox(activity.name)
        self.enrolled.setObjectName(f"enrolled_{activity.code}")
        if number < 10:
            self.enrolled.setToolTip(
                self.tr("Alt+%1 : cocher ou décocher").replace("%1", str(number))
            )
        self.day_boxes: dict[int, QCheckBox] = {}
        for day in sorted(activity.weekdays):
            box = QCheckBox()
            box.setObjectName(f"day_{activity.code}_{day}")
            box.setToolTip(f"{activity.name} le {DAY_NAMES[day]}")
            box.setAccessibleName(f"{activity.name} {DAY_NAMES[day]}")
            self.day_boxes[day] = box
        self.parity = QComboBox()
        for parity in Parity:
            self.parity.addItem(self.tr(PARITY_LABELS[parity]), parity)
        self.mode = QComboBox()
        self.mode.addItem(self.tr("Régulier"), True)
        self.mode.addItem(self.tr("Occasionnel"), False)
        self.mode.setToolTip(
            self.tr("Occasionnel : l'inscription seule, sans jours réservés d'avance.")
        )
        self.fare: QComboBox | None = None
        if activity.billing_mode == BillingMode.FARE:
            self.fare = QComboBox()
            for option, text in fare_labels(activity).items():
                self.fare.addItem(self.tr(text), option)
        self.note = QLabel()
        self.note.setStyleSheet(NOTE_STYLE)

        grid.addWidget(self.number_label, line, NUMBER)
        grid.addWidget(self.enrolled, line, NAME)
        for day, box in self.day_boxes.items():
            grid.addWidget(
                box, line, FIRST_DAY + day_columns.index(day), Qt.AlignmentFlag.AlignCenter
            )
        after = FIRST_DAY + len(day_columns)
        grid.addWidget(self.parity, line, after)
        grid.addWidget(self.mode, line, after + 1)
        if self.fare is not None:
            grid.addWidget(self.fare, line, after + 2)
        grid.addWidget(self.note, line, after + 3)

        self.enrolled.toggled.connect(self._on_any_changed)
        for box in self.day_boxes.values():
            box.toggled.connect(self._on_any_changed)
        self.parity.currentIndexChanged.connect(self._on_any_changed)
        self.mode.currentIndexChanged.connect(self._on_any_changed)
        if self.fare is not None:
            self.fare.currentIndexChanged.connect(self._on_any_changed)
        self._update_enabled()

    # ------------------------------------------------------------ state

    def widgets(self) -> list[QWidget]:
        """The row's controls in Tab order."""
        found: list[QWidget] = [self.enrolled, *self.day_boxes.values(), self.parity, self.mode]
        if self.fare is not None:
            found.append(self.fare)
        return found

    def all_widgets(self) -> list[QWidget]:
        return [self.number_label, *self.widgets(), self.note]

    def state(self) -> RowState:
        return RowState(
            self.enrolled.isChecked(),
            frozenset(d for d, box in self.day_boxes.items() if box.isChecked()),
            Parity(self.parity.currentData()),
            bool(self.mode.currentData()),
            FareOption(self.fare.currentData()) if self.fare is not None else FareOption.NONE,
        )

    def set_state(self, state: RowState, existing: SubscriptionInfo | None = None) -> None:
        self.blockSignals(True)
        self.existing = existing
        self.enrolled.setChecked(state.enrolled)
        for day, box in self.day_boxes.items():
            box.setChecked(day in state.weekdays)
        self.parity.setCurrentIndex(max(0, self.parity.findData(state.parity)))
        self.mode.setCurrentIndex(0 if state.regular else 1)
        if self.fare is not None:
            fare = state.fare if state.fare != FareOption.NONE else FareOption.ONE
            self.fare.setCurrentIndex(max(0, self.fare.findData(fare)))
        self.blockSignals(False)
        self._update_note()
        self._update_enabled()

    def toggle(self) -> None:
        """Alt+number: ticks or unticks the row and puts the cursor on it."""
        self.enrolled.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.enrolled.toggle()

    def draft(
        self, child_id: uuid.UUID, start: date, end: date, period_label: str
    ) -> SubscriptionDraft | None:
        """The subscription this row asks for, or None when « inscrit » is not ticked.

        A subscription already recorded over the period is changed over its own dates (the
        service then books and cancels only the days still open)."""
        state = self.state()
        if not state.enrolled:
            return None
        if self.existing is not None:
            start, end = self.existing.start, self.existing.end
            period_label = self.existing.period_label
        template = (
            WeekTemplate(state.weekdays, state.parity)
            if state.regular
            else WeekTemplate(frozenset())
        )
        return SubscriptionDraft(
            child_id,
            self.activity.id,
            start,
            end,
            template,
            regular=state.regular,
            fare_option=state.fare,
            period_label=period_label,
        )

    # ------------------------------------------------------------ display

    def _update_note(self) -> None:
        existing = self.existing
        if existing is None:
            self.note.setText("")
            self.note.setToolTip("")
            return
        self.note.setText(
            self.tr("inscrit du %1 au %2")
            .replace("%1", f"{existing.start:%d/%m}")
            .replace("%2", f"{existing.end:%d/%m}")
        )
        self.note.setToolTip(
            self.tr(
                "Inscription existante du %1 au %2 : l'enregistrer la modifie sur toute sa "
                "durée, seuls les jours encore modifiables changent."
            )
            .replace("%1", format_date(existing.start))
            .replace("%2", format_date(existing.end))
        )

    def _update_enabled(self) -> None:
        enrolled = self.enrolled.isChecked()
        regular = bool(self.mode.currentData())
        for box in self.day_boxes.values():
            box.setEnabled(enrolled and regular)
        self.parity.setEnabled(enrolled and regular)
        self.mode.setEnabled(enrolled)
        if self.fare is not None:
            self.fare.setEnabled(enrolled)

    def _on_any_changed(self, *_args: object) -> None:
        self._update_enabled()
        if not self.signalsBlocked():
            self.changed.emit()
