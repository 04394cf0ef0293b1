"""The activities table (Qt model, tested without widgets): one row per activity, in order."""

from __future__ import annotations

import uuid
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from eticket_desk.rules.activity import BILLING_LABELS, ActivitySpec, BillingMode

INACTIVE_GREY = QColor("#8a8a8a")

_Index = QModelIndex | QPersistentModelIndex


class ActivityColumn(IntEnum):
    NAME = 0  # the name, and the code on a second line, beside the colour swatch
    WEEKDAYS = 1
    SCHOOLS = 2
    LEVELS = 3
    CAPACITY = 4
    DEADLINE = 5
    BILLING = 6
    ACTIVE = 7


def deadline_text(spec: ActivitySpec) -> str:
    """ "Jusqu'au jour d'ouverture précédent, avant 10h00" (capitalised for a cell)."""
    text = spec.deadline.describe()
    return text[:1].upper() + text[1:]


class ActivitiesTableModel(QAbstractTableModel):
    """Every activity, active or not (greyed), in the order the screens list them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._activities: list[ActivitySpec] = []
        self._school_names: dict[uuid.UUID, str] = {}

    def headers(self) -> dict[ActivityColumn, str]:
        return {
            ActivityColumn.NAME: self.tr("Activité (code)"),
            ActivityColumn.WEEKDAYS: self.tr("Jours"),
            ActivityColumn.SCHOOLS: self.tr("Écoles"),
            ActivityColumn.LEVELS: self.tr("Niveaux"),
            ActivityColumn.CAPACITY: self.tr("Places par jour"),
            ActivityColumn.DEADLINE: self.tr("Délai de réservation"),
            ActivityColumn.BILLING: self.tr("Facturation"),
            ActivityColumn.ACTIVE: self.tr("Active"),
        }

    def set_activities(
        self, activities: list[ActivitySpec], school_names: dict[uuid.UUID, str]
    ) -> None:
        self.beginResetModel()
        self._activities = sorted(activities, key=lambda a: (a.position, a.name.casefold()))
        self._school_names = dict(school_names)
        self.endResetModel()

    def activities(self) -> list[ActivitySpec]:
        return list(self._activities)

    def activity_at(self, row: int) -> ActivitySpec:
        return self._activities[row]

    def row_of(self, activity_id: object) -> int:
        """The row of this activity id, or -1."""
        return next((r for r, a in enumerate(self._activities) if a.id == activity_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._activities)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ActivityColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[ActivityColumn(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        spec = self._activities[index.row()]
        column = ActivityColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(spec, column)
        if role == Qt.ItemDataRole.DecorationRole and column == ActivityColumn.NAME:
            return QColor(spec.colour)
        if role == Qt.ItemDataRole.ForegroundRole and not spec.active:
            return QBrush(INACTIVE_GREY)
        if role == Qt.ItemDataRole.ToolTipRole:
            if not spec.active:
                return self.tr("Activité désactivée : elle n'est plus proposée à la réservation.")
            return self.text(spec, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ActivityColumn.ACTIVE:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def text(self, spec: ActivitySpec, column: ActivityColumn) -> str:
        if column == ActivityColumn.NAME:
            return f"{spec.name}\n{spec.code}"
        if column == ActivityColumn.WEEKDAYS:
            return spec.weekdays_short_text()
        if column == ActivityColumn.SCHOOLS:
            return self.schools_text(spec)
        if column == ActivityColumn.LEVELS:
            return spec.levels_text()
        if column == ActivityColumn.CAPACITY:
            return self.capacity_text(spec)
        if column == ActivityColumn.DEADLINE:
            return deadline_text(spec)
        if column == ActivityColumn.BILLING:
            return self.billing_text(spec)
        return self.tr("Oui") if spec.active else self.tr("Non")

    def _school_name(self, school_id: uuid.UUID) -> str:
        return self._school_names.get(school_id) or self.tr("École supprimée")

    def schools_text(self, spec: ActivitySpec) -> str:
        """ "Toutes" when every school is concerned, otherwise their names."""
        if not spec.school_capacities:
            return self.tr("Toutes")
        return ", ".join(sorted(self._school_name(s) for s in spec.school_capacities))

    def capacity_text(self, spec: ActivitySpec) -> str:
        """ "illimitée", "60", or "60 (École du Lac : 20)" with the schools' own capacities."""
        text = self.tr("illimitée") if spec.capacity is None else str(spec.capacity)
        own = sorted(
            (self._school_name(s), c) for s, c in spec.school_capacities.items() if c is not None
        )
        if own:
            text += " (" + ", ".join(f"{name} : {c}" for name, c in own) + ")"
        return text

    def billing_text(self, spec: ActivitySpec) -> str:
        """The billing mode in words, with the ticket type of a prepaid activity."""
        label = BILLING_LABELS[spec.billing_mode]
        if spec.billing_mode == BillingMode.PREPAID and spec.ticket_type:
            return self.tr("{label} — ticket {ticket}").format(label=label, ticket=spec.ticket_type)
        return label
