"""The deadline rule of an activity: its kind, weekday and time, in words and by example."""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date
from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.calendar import WEEKDAY_NAMES, CalendarSet
from eticket_desk.rules.deadlines import (
    DEADLINE_KIND_LABELS,
    DeadlineKind,
    DeadlineRule,
    format_deadline,
)
from eticket_desk.ui.admin.forms import note_label


def long_date(day: date) -> str:
    """date(2026, 9, 17) -> 'jeudi 17 septembre 2026'."""
    return format_date(day, "EEEE d MMMM y", locale="fr_FR")


class DeadlineEditor(QWidget):
    """Kind combo, the weekday (previous-week rule only) and the time; the rule said in words."""

    rule_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_combo = QComboBox()
        for kind, label in DEADLINE_KIND_LABELS.items():
            self.kind_combo.addItem(label, kind.value)
        self.weekday_combo = QComboBox()
        for number, name in enumerate(WEEKDAY_NAMES):
            self.weekday_combo.addItem(name, number)
        self.time_edit = QTimeEdit()
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setTime(QTime(10, 0))
        self.time_edit.setMinimumWidth(self.time_edit.fontMetrics().horizontalAdvance("00:00") + 48)
        self.sentence_label = QLabel()
        self.sentence_label.setWordWrap(True)
        self.example_label = note_label()

        self._form = QFormLayout()
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.addRow(self.tr("Règle :"), self.kind_combo)
        self._form.addRow(self.tr("Jour limite :"), self.weekday_combo)
        self._form.addRow(self.tr("Heure limite :"), self.time_edit)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for small in (self.weekday_combo, self.time_edit):
            small.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._form)
        layout.addWidget(self.sentence_label)
        layout.addWidget(self.example_label)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.weekday_combo.currentIndexChanged.connect(self._on_any_changed)
        self.time_edit.timeChanged.connect(self._on_any_changed)
        self._on_kind_combo_changed()

    # -- value -------------------------------------------------------------------------------

    def kind(self) -> DeadlineKind:
        return DeadlineKind(self.kind_combo.currentData())

    def rule(self) -> DeadlineRule:
        at = self.time_edit.time()
        return DeadlineRule(
            self.kind(), time(at.hour(), at.minute()), int(self.weekday_combo.currentData())
        )

    def set_rule(self, rule: DeadlineRule) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(rule.kind.value))
        self.weekday_combo.setCurrentIndex(self.weekday_combo.findData(rule.weekday))
        self.time_edit.setTime(QTime(rule.at.hour, rule.at.minute))

    def is_shown(self, widget: QWidget) -> bool:
        """Whether the row of this editor is shown for the chosen kind."""
        return self._form.isRowVisible(widget)

    # -- words -------------------------------------------------------------------------------

    def explain(self, spec: ActivitySpec, calendar: CalendarSet, now: datetime) -> None:
        """The rule in one sentence, and what it means for a day the activity runs."""
        sentence = spec.deadline.describe()
        if spec.subscription_only:
            self.sentence_label.setText(sentence[:1].upper() + sentence[1:] + ".")
        else:
            self.sentence_label.setText(
                self.tr("Les familles réservent et annulent {rule}.").format(rule=sentence)
            )
        self.example_label.setText(self.example_text(spec, calendar, now))

    def example_text(self, spec: ActivitySpec, calendar: CalendarSet, now: datetime) -> str:
        if not spec.weekdays:
            return self.tr("Cochez les jours de l'activité pour voir un exemple.")
        example = spec.deadline_example(now, calendar)
        if example is None:
            return self.tr(
                "Pas d'exemple : l'activité n'a lieu aucun jour des années scolaires "
                "enregistrées (voir Calendrier)."
            )
        day, deadline = example
        if deadline is None:
            return self.tr(
                "Exemple : le {day} n'est ni réservé ni annulé à l'unité : il suit l'inscription."
            ).format(day=long_date(day))
        return self.tr("Exemple : le {day} se réserve jusqu'au {deadline}").format(
            day=long_date(day), deadline=format_deadline(deadline)
        )

    # -- slots -------------------------------------------------------------------------------

    def _on_kind_combo_changed(self, _index: int = 0) -> None:
        kind = self.kind()
        self._form.setRowVisible(self.weekday_combo, kind == DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK)
        self._form.setRowVisible(self.time_edit, kind != DeadlineKind.SUBSCRIPTION_ONLY)
        self.rule_changed.emit()

    def _on_any_changed(self, *_args: object) -> None:
        self.rule_changed.emit()
