"""The schools an activity concerns: one check box per school, each with its own capacity."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QSpinBox, QWidget

from eticket_desk.services.catalogue.organisation import SchoolInfo

MAX_PLACES = 9999


class SchoolCapacityList(QWidget):
    """None checked means every school; a spin at 0 means no capacity of the school's own."""

    changed = Signal()

    def __init__(self, schools: list[SchoolInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checks: dict[uuid.UUID, QCheckBox] = {}
        self.spins: dict[uuid.UUID, QSpinBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        if not schools:
            grid.addWidget(QLabel(self.tr("Aucune école n'est enregistrée (voir Paramètres).")))
        for row, school in enumerate(schools):
            check = QCheckBox(school.name)
            spin = QSpinBox()
            spin.setRange(0, MAX_PLACES)
            spin.setSpecialValueText(self.tr("sans limite propre"))
            spin.setSuffix(self.tr(" places"))
            spin.setAccessibleName(self.tr("Places par jour à {school}").format(school=school.name))
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance(spin.specialValueText()) + 40)
            spin.setEnabled(False)
            check.toggled.connect(spin.setEnabled)
            check.toggled.connect(self._on_any_changed)
            spin.valueChanged.connect(self._on_any_changed)
            grid.addWidget(check, row, 0)
            grid.addWidget(spin, row, 1)
            self.checks[school.id] = check
            self.spins[school.id] = spin
        grid.setColumnStretch(2, 1)

    def set_capacities(self, capacities: dict[uuid.UUID, int | None]) -> None:
        for school_id, check in self.checks.items():
            check.setChecked(school_id in capacities)
            self.spins[school_id].setValue(capacities.get(school_id) or 0)

    def capacities(self) -> dict[uuid.UUID, int | None]:
        """The checked schools and their own capacity (None: no limit of their own)."""
        return {
            school_id: (self.spins[school_id].value() or None)
            for school_id, check in self.checks.items()
            if check.isChecked()
        }

    def check_of(self, name: str) -> QCheckBox:
        return next(c for c in self.checks.values() if c.text() == name)

    def spin_of(self, name: str) -> QSpinBox:
        school_id = next(i for i, c in self.checks.items() if c.text() == name)
        return self.spins[school_id]

    def _on_any_changed(self, *_args: object) -> None:
        self.changed.emit()
