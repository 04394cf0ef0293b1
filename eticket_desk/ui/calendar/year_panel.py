"""The right-hand top of the calendar screen: the year's heading, its warning, its year view."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from eticket_desk.services.catalogue.calendar import SchoolYearInfo
from eticket_desk.ui.calendar.days import short_date
from eticket_desk.ui.calendar.year_preview import WARNING_STYLE
from eticket_desk.ui.calendar.year_view import YearView


class YearPanel(QWidget):
    """Which year, how many school days, what the data did not know, and the twelve months."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.open_days_label = QLabel()
        self.open_days_label.setToolTip(
            self.tr(
                "Jours du lundi au vendredi dans l'année, hors vacances, jours fériés et "
                "fermetures de toutes les activités."
            )
        )
        heading = QHBoxLayout()
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.open_days_label)
        self.unknown_banner = QLabel()
        self.unknown_banner.setWordWrap(True)
        self.unknown_banner.setStyleSheet(WARNING_STYLE)
        self.unknown_banner.setVisible(False)
        self.year_view = YearView()
        self.year_view.set_today(today)
        self.year_view.empty_text = self.tr(
            "Aucune année scolaire n'est enregistrée : créez-la avec « Nouvelle année "
            "scolaire… ». Sans année scolaire, aucun jour ne peut être réservé."
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.unknown_banner)
        layout.addWidget(self.year_view, 1)

    def show_year(self, year: SchoolYearInfo | None, activity_names: dict[str, str]) -> None:
        self.year_view.set_year(year, activity_names)
        if year is None:
            self.title_label.setText("")
            self.open_days_label.setText("")
            self.unknown_banner.setVisible(False)
            return
        self.title_label.setText(
            self.tr("{label} — zone {zone} — du {start} au {end}").format(
                label=year.label,
                zone=year.zone,
                start=short_date(year.start),
                end=short_date(year.end),
            )
        )
        self.open_days_label.setText(
            self.tr("{count} jours d'école").format(count=self.year_view.open_days())
        )
        if year.unknown_holidays:
            self.unknown_banner.setText(
                self.tr(
                    "Les données installées ne connaissaient pas tout le calendrier de cette "
                    "année quand elle a été créée : {missing}. Ces jours apparaissent ouverts ; "
                    "ajoutez-les comme fermetures quand les dates seront publiées."
                ).format(missing=", ".join(year.unknown_holidays))
            )
        self.unknown_banner.setVisible(bool(year.unknown_holidays))
