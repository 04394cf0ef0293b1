"""What the holiday data says of a school year, shown before it is created."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from eticket_desk.rules.calendar import PeriodMode, build_periods
from eticket_desk.services.catalogue.calendar import YearDraft
from eticket_desk.ui.calendar.days import long_date, short_date, span_text

WARNING_STYLE = (
    "background: #fef3c7; border: 1px solid #f59e0b; border-radius: 4px; padding: 6px;"
    " color: #78350f;"
)
ERROR_STYLE = (
    "background: #fee2e2; border: 1px solid #ef4444; border-radius: 4px; padding: 6px;"
    " color: #7f1d1d;"
)


def rows_html(rows: list[tuple[str, str]], empty: str) -> str:
    if not rows:
        return f"<i>{html.escape(empty)}</i>"
    cells = "".join(
        f"<tr><td style='padding-right:12px'>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
        for a, b in rows
    )
    return f"<table cellspacing='0' cellpadding='1'>{cells}</table>"


class YearPreview(QWidget):
    """The holidays, the public holidays closed on a weekday, and the periods they cut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.holidays_label, self.publics_label, self.periods_label = QLabel(), QLabel(), QLabel()
        self.holidays_box = self._boxed(self.tr("Vacances scolaires"), self.holidays_label)
        publics_box = self._boxed(self.tr("Jours fériés en semaine"), self.publics_label)
        periods_box = self._boxed(self.tr("Périodes"), self.periods_label)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.holidays_box, 0, 0)
        layout.addWidget(periods_box, 1, 0)
        layout.addWidget(publics_box, 0, 1, 2, 1)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 2)

    @staticmethod
    def _boxed(title: str, label: QLabel) -> QGroupBox:
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(label)
        return box

    def set_zone(self, zone: str) -> None:
        self.holidays_box.setTitle(self.tr("Vacances scolaires (zone {zone})").format(zone=zone))

    def show_waiting(self) -> None:
        for label in (self.holidays_label, self.publics_label, self.periods_label):
            label.setText(self.tr("<i>Lecture des données de vacances scolaires…</i>"))

    def show_draft(
        self,
        draft: YearDraft,
        first_year: int,
        start: date | None,
        end: date | None,
        mode: PeriodMode,
    ) -> None:
        self.holidays_label.setText(
            rows_html(
                [(h.label, span_text(h.start, h.end)) for h in draft.holidays],
                self.tr("Inconnues des données installées"),
            )
        )
        low = start or date(first_year, 9, 1)
        high = end or date(first_year + 1, 7, 4)
        publics = [
            (short_date(day), name)
            for day, name in draft.public_holidays
            if day.weekday() < 5
            and low <= day <= high
            and not any(h.start <= day <= h.end for h in draft.holidays)
        ]
        self.publics_label.setText(rows_html(publics, self.tr("Aucun")))
        if start is None or end is None or end <= start:
            self.periods_label.setText(
                self.tr("<i>Indiquez les dates de l'année pour voir ses périodes.</i>")
            )
            return
        periods = build_periods(mode, start, end, list(draft.holidays))
        self.periods_label.setText(
            rows_html([(p.name, span_text(p.start, p.end)) for p in periods], "")
        )

    def status_text(
        self, draft: YearDraft, *, exists: bool, last_known: int
    ) -> tuple[str, str] | None:
        """The banner above the dates (text, style): the year exists, or the data lacks it."""
        if exists:
            return self.tr("L'année scolaire {label} existe déjà.").format(
                label=draft.label
            ), ERROR_STYLE
        if not draft.unknown:
            return None
        text = self.tr(
            "Les vacances scolaires de {label} ne sont pas encore connues des données "
            "installées (elles s'arrêtent à l'année scolaire {last}) : {missing}."
        ).format(
            label=draft.label,
            last=f"{last_known}-{last_known + 1}",
            missing=", ".join(draft.unknown),
        )
        if draft.start is None:
            text += self.tr(
                "\nIndiquez vous-même la date de la rentrée et celle de la fin des cours."
            )
        elif draft.end is None:
            text += self.tr(
                "\nLa rentrée ({start}) est connue ; indiquez vous-même la date de la fin "
                "des cours."
            ).format(start=long_date(draft.start))
        text += self.tr(
            " Les vacances manquantes ne seront pas devinées : ajoutez-les comme "
            "fermetures quand elles seront publiées."
        )
        return text, WARNING_STYLE
