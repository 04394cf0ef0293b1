"""Choosing what a run bills: a month of per-day activities (the previous month by default)
or a period of the school year for the fares."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.text import first_upper
from eticket_desk.services.invoicing.drafts import RunPeriod, month_period
from eticket_desk.ui.admin.forms import error_label, note_label
from eticket_desk.ui.counter.widgets import scaled

MONTHS_BACK = 24


def months_before(today: date, back: int = MONTHS_BACK) -> list[RunPeriod]:
    """The `back` months before the current one (a month is billed once it is over),
    newest first."""
    found = []
    year, month = today.year, today.month
    for _ in range(back):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        found.append(month_period(f"{year}-{month:02d}"))
    return found


class PeriodPage(QWidget):
    """Two choices; `period()` is the one ticked. `set_fare_periods` fills the second."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.month_radio = QRadioButton(self.tr("Un mois"))
        self.month_radio.setChecked(True)
        self.month_combo = QComboBox()
        for period in months_before(today):
            self.month_combo.addItem(first_upper(period.label), period)
        self.month_combo.setCurrentIndex(0)  # the previous month
        self.fare_radio = QRadioButton(self.tr("Une période de l'année scolaire"))
        self.fare_combo = QComboBox()
        self.fare_combo.setEnabled(False)
        group = QButtonGroup(self)
        group.addButton(self.month_radio)
        group.addButton(self.fare_radio)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.month_radio, 0, 0)
        grid.addWidget(self.month_combo, 0, 1)
        grid.addWidget(
            note_label(
                self.tr(
                    "Les activités facturées à l'unité (la cantine) : chaque jour réservé du "
                    "mois au tarif de la famille (quotient familial, hors commune). Un mois se "
                    "facture une fois terminé."
                )
            ),
            1,
            1,
        )
        grid.addWidget(self.fare_radio, 2, 0)
        grid.addWidget(self.fare_combo, 2, 1)
        grid.addWidget(
            note_label(
                self.tr(
                    "Les forfaits (bus, TAP) : un forfait par enfant et par activité d'après "
                    "l'inscription (1 ou 2 allers-retours par jour, 1 ou 2 séances par semaine)."
                )
            ),
            3,
            1,
        )
        rules = note_label(
            self.tr(
                "Sont facturés les jours réservés, les absences non justifiées et les "
                "annulations faites après le délai. Ne sont pas facturées les absences "
                "justifiées par un certificat médical ni les annulations faites à temps. "
                "L'aperçu ne change rien : rien n'est émis avant « Émettre les factures »."
            )
        )
        self.status_label = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(scaled(QLabel(self.tr("Que voulez-vous facturer ?")), 1.15))
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(rules)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self.fare_radio.toggled.connect(self._on_fare_radio_toggled)

    def set_fare_periods(self, periods: list[RunPeriod]) -> None:
        self.fare_combo.clear()
        for period in periods:
            self.fare_combo.addItem(
                f"{period.label} ({period.start:%d/%m/%Y} → {period.end:%d/%m/%Y})", period
            )
        current = next(
            (i for i, p in enumerate(periods) if p.start <= self._today <= p.end),
            next((i for i, p in enumerate(periods) if p.start > self._today), len(periods) - 1),
        )
        self.fare_combo.setCurrentIndex(current)
        self.fare_radio.setEnabled(bool(periods))
        if not periods:
            self.fare_radio.setToolTip(
                self.tr("Aucune année scolaire : créez-la d'abord dans Calendrier.")
            )

    def choose_month(self, text: str) -> None:
        """Ticks « Un mois » and selects the month « 2026-10 »."""
        self.month_radio.setChecked(True)
        wanted = month_period(text)
        for index in range(self.month_combo.count()):
            if self.month_combo.itemData(index) == wanted:
                self.month_combo.setCurrentIndex(index)

    def period(self) -> RunPeriod | None:
        combo = self.fare_combo if self.fare_radio.isChecked() else self.month_combo
        return combo.currentData()

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def _on_fare_radio_toggled(self, checked: bool) -> None:
        self.fare_combo.setEnabled(checked)
        self.month_combo.setEnabled(not checked)
