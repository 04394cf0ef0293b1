"""The form's activity rows as one grid: built for a child, pre-filled from the subscriptions
already recorded, and remembering the last template for the next form."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QWidget

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.services.families.registration_forms import FormChild
from eticket_desk.services.subscriptions.forms import SubscriptionDraft
from eticket_desk.ui.subscriptions.template_rows import (
    DAY_HEADERS,
    FIRST_DAY,
    NAME,
    RowState,
    TemplateRow,
    default_state,
    state_of,
)

MAX_HEIGHT = 340  # beyond, the rows scroll


class TemplateGrid(QScrollArea):
    """One row per activity concerning the child, in the activities' order."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.rows: list[TemplateRow] = []
        self.memory: dict[uuid.UUID, RowState] = {}  # the last template recorded
        self.show_activities([])

    def show_activities(self, activities: list[ActivitySpec]) -> None:
        """A new grid (Qt deletes the previous one with its rows), set to the last template."""
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        columns = tuple(sorted({d for a in activities for d in a.weekdays}))
        if activities:
            after = FIRST_DAY + len(columns)
            heads = [(NAME, self.tr("Inscrit à"), Qt.AlignmentFlag.AlignLeft)]
            heads += [
                (FIRST_DAY + i, self.tr(DAY_HEADERS[d]), Qt.AlignmentFlag.AlignCenter)
                for i, d in enumerate(columns)
            ]
            heads += [
                (after + i, text, Qt.AlignmentFlag.AlignLeft)
                for i, text in enumerate((self.tr("Semaines"), self.tr("Type"), self.tr("Forfait")))
            ]
            for column, text, align in heads:
                head = QLabel(text)
                head.setStyleSheet("color: #555; font-weight: bold;")
                grid.addWidget(head, 0, column, align)
            grid.setColumnStretch(after + 3, 1)
        self.rows = []
        for number, activity in enumerate(activities, start=1):
            row = TemplateRow(activity, number, columns, grid, number, box)
            row.set_state(self.memory.get(activity.id, default_state(activity)))
            row.changed.connect(self.changed)
            self.rows.append(row)
        grid.setRowStretch(len(activities) + 1, 1)
        self.setWidget(box)
        self.setMinimumHeight(min(box.sizeHint().height() + 4, MAX_HEIGHT))
        self.setVisible(bool(activities))

    def prefill(self, child: FormChild | None, period: tuple | None) -> None:
        """Subscriptions recorded over the period fill their rows; a row that showed another
        period's subscription goes back to the last template."""
        for row in self.rows:
            existing = None
            if child is not None and period is not None:
                found = child.subscriptions_over(row.activity.id, period[0], period[1])
                existing = found[0] if found else None
            if existing is not None:
                row.set_state(state_of(existing, row.activity), existing)
            elif row.existing is not None:
                row.set_state(self.memory.get(row.activity.id, default_state(row.activity)))

    def remember(self) -> None:
        """The rows as they are become the template of the next form."""
        self.memory.update({row.activity.id: row.state() for row in self.rows})

    def drafts(
        self, child_id: uuid.UUID, start: date, end: date, period_label: str
    ) -> list[SubscriptionDraft]:
        found = [row.draft(child_id, start, end, period_label) for row in self.rows]
        return [d for d in found if d is not None]

    def toggle(self, number: int) -> None:
        """Alt+number: ticks or unticks the row and puts the cursor on it."""
        if self.isEnabled() and 0 < number <= len(self.rows):
            self.rows[number - 1].toggle()

    def tab_widgets(self) -> list[QWidget]:
        return [w for row in self.rows for w in row.widgets()]

    def row(self, code: str) -> TemplateRow:
        return next(r for r in self.rows if r.activity.code == code)
