"""« Heures CAF / MSA » in the activity dialog: counted for the funders or not, the declared
slot (start, end) and the Wednesday cap (rules.caf_hours)."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTimeEdit,
    QWidget,
)

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.ui.admin.forms import FieldErrors, note_label

DEFAULT_SLOT = (time(7, 30), time(8, 30))


def _time_edit() -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    return edit


def _qtime(at: time) -> QTime:
    return QTime(at.hour, at.minute)


def _time(edit: QTimeEdit) -> time:
    value = edit.time()
    return time(value.hour(), value.minute())


class CafBox(QGroupBox):
    """The activity's CAF settings; `values()` gives them as the ActivitySpec holds them."""

    def __init__(self, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Heures CAF / MSA"))
        self.counted_check = QCheckBox(
            self.tr("Comptée pour la CAF / MSA (accueil périscolaire, ALSH)")
        )
        self.start_edit = _time_edit()
        self.end_edit = _time_edit()
        self.cap_check = QCheckBox(self.tr("Plafond le mercredi :"))
        self.cap_edit = _time_edit()
        self.cap_edit.setToolTip(self.tr("Durée comptée au plus par enfant un mercredi"))
        slot = QWidget()
        row = QHBoxLayout(slot)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_edit)
        row.addWidget(QLabel(self.tr("à")))
        row.addWidget(self.end_edit)
        row.addStretch(1)
        cap = QWidget()
        row = QHBoxLayout(cap)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.cap_check)
        row.addWidget(self.cap_edit)
        row.addWidget(QLabel(self.tr("par enfant")))
        row.addStretch(1)
        form = QFormLayout(self)
        form.addRow(self.counted_check)
        form.addRow(self.tr("Créneau déclaré :"), errors.wrap("caf_slot", slot))
        form.addRow("", errors.wrap("caf_wednesday_cap", cap))
        form.addRow(
            "",
            note_label(
                self.tr(
                    "Heures réalisées = jours de présence × créneau déclaré (plafonné le mercredi)."
                )
            ),
        )
        self.counted_check.toggled.connect(self._on_counted_check_toggled)
        self.cap_check.toggled.connect(self._on_counted_check_toggled)
        self.setTabOrder(self.counted_check, self.start_edit)
        self.setTabOrder(self.start_edit, self.end_edit)
        self.setTabOrder(self.end_edit, self.cap_check)
        self.setTabOrder(self.cap_check, self.cap_edit)

    def set_spec(self, spec: ActivitySpec) -> None:
        start, end = spec.caf_slot or DEFAULT_SLOT
        self.counted_check.setChecked(spec.caf_counted)
        self.start_edit.setTime(_qtime(start))
        self.end_edit.setTime(_qtime(end))
        cap = spec.caf_wednesday_cap
        self.cap_check.setChecked(cap is not None)
        self.cap_edit.setTime(QTime(0, 0).addSecs((cap or 240) * 60))
        self._on_counted_check_toggled()

    def values(self) -> dict:
        """caf_counted, caf_slot and caf_wednesday_cap (None when not counted)."""
        if not self.counted_check.isChecked():
            return {"caf_counted": False, "caf_slot": None, "caf_wednesday_cap": None}
        cap = self.cap_edit.time()
        return {
            "caf_counted": True,
            "caf_slot": (_time(self.start_edit), _time(self.end_edit)),
            "caf_wednesday_cap": (
                cap.hour() * 60 + cap.minute() if self.cap_check.isChecked() else None
            ),
        }

    def set_read_only(self) -> None:
        for widget in (
            self.counted_check,
            self.start_edit,
            self.end_edit,
            self.cap_check,
            self.cap_edit,
        ):
            widget.setEnabled(False)

    def _on_counted_check_toggled(self, _checked: bool = False) -> None:
        counted = self.counted_check.isChecked() and self.counted_check.isEnabled()
        for widget in (self.start_edit, self.end_edit, self.cap_check):
            widget.setEnabled(counted)
        self.cap_edit.setEnabled(counted and self.cap_check.isChecked())
