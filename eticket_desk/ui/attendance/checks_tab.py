"""The mairie's checks (seed 003) as tables to act on: « Non consommées » (booked, absent
without justification, per family) and « Forfaits bus » (trips beyond the fare paid);
a double click opens the family's dossier, « Exporter en CSV… » writes the table."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from eticket_desk.services.attendance.unconsumed import (
    FareExcess,
    UnconsumedReport,
    bus_fare_excesses,
    export_fare_excesses,
    export_unconsumed,
    unconsumed_bookings,
)
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.attendance.tables import (
    PeriodBar,
    RowsModel,
    ask_csv_path,
    counted,
    month_of,
    rows_table,
    week_of,
)
from eticket_desk.ui.context import AppContext


class _CheckTab(QWidget):
    """A period, a table of rows standing for families, a summary and a CSV export."""

    family_requested = Signal(object)  # uuid.UUID

    HEADERS: tuple[str, ...] = ()
    NUMBERS: tuple[int, ...] = ()
    CSV_NAME = "export.csv"

    def __init__(self, ctx: AppContext, start: date, end: date, parent=None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._request = 0
        self.result = None
        self.period = PeriodBar(start, end)
        self.period.period_changed.connect(self._on_period_period_changed)
        self.csv_button = QPushButton(self.tr("Exporter en CSV…"))
        self.csv_button.setEnabled(False)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.csv_button)
        self.model = RowsModel(tuple(self.tr(h) for h in self.HEADERS), self.NUMBERS, self)
        self.table = rows_table(self.model)
        self.table.setToolTip(self.tr("Double-cliquez une ligne pour ouvrir le dossier famille"))
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.summary_label = note_label()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary_label)

    # -- to fill in --------------------------------------------------------------------------

    def fetch(self, start: date, end: date):
        raise NotImplementedError

    def show_result(self, result) -> None:
        raise NotImplementedError

    def export(self, result, path):
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._request += 1
        request, start, end = self._request, self.period.start, self.period.end
        self._ctx.runner.submit(
            lambda: self.fetch(start, end),
            lambda result: self._on_result_loaded(request, result),
            self._on_failed,
        )

    def _on_result_loaded(self, request: int, result) -> None:
        if request != self._request:
            return
        self.result = result
        self.show_result(result)
        self.csv_button.setEnabled(self.model.rowCount() > 0)

    def _on_failed(self, exc: Exception) -> None:
        self.result = None
        self.model.set_rows([])
        self.csv_button.setEnabled(False)
        messages.show_error(self, exc)

    def _on_period_period_changed(self) -> None:
        self.refresh()

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        family = self.model.keys[index.row()] if index.isValid() else None
        if isinstance(family, uuid.UUID):
            self.family_requested.emit(family)

    def _on_csv_button_clicked(self) -> None:
        result = self.result
        if result is None:
            return
        path = ask_csv_path(self, self.tr("Exporter en CSV"), self.CSV_NAME)
        if path is None:
            return
        self._ctx.runner.submit(
            lambda: self.export(result, path),
            lambda saved: self.summary_label.setText(
                self.tr("Tableau exporté : {path}").format(path=saved)
            ),
            self._on_failed,
        )


class UnconsumedTab(_CheckTab):
    HEADERS = ("Famille", "Référence", "Enfant", "Activité", "Jours", "Dates")
    NUMBERS = (4,)
    CSV_NAME = "Réservations non consommées.csv"

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, *month_of(ctx.store.clock.today()), parent)

    def show_month_of(self, day: date) -> None:
        self.period.set_period(*month_of(day))

    def fetch(self, start: date, end: date) -> UnconsumedReport:
        return unconsumed_bookings(self._ctx.store, self._ctx.actor, start, end)

    def export(self, result: UnconsumedReport, path):
        return export_unconsumed(result, path)

    def show_result(self, report: UnconsumedReport) -> None:
        self.model.set_rows(
            [
                (
                    u.family_name,
                    u.family_reference,
                    u.child_name,
                    u.activity_name,
                    str(u.count),
                    u.days_text(),
                )
                for u in report.lines
            ],
            [u.family_id for u in report.lines],
        )
        if report.lines:
            text = self.tr("{days} (absences sans certificat) pour {families}.").format(
                days=counted(
                    report.total,
                    self.tr("jour réservé non consommé"),
                    self.tr("jours réservés non consommés"),
                ),
                families=counted(report.families, self.tr("famille"), self.tr("familles")),
            )
        else:
            text = self.tr("Aucune absence sans justificatif sur cette période.")
        if report.unmarked:
            text += " " + self.tr(
                "Attention : {days} ; une absence ces jours-là n'apparaît pas ici."
            ).format(
                days=counted(
                    report.unmarked,
                    self.tr("jour réservé passé n'est pas encore pointé"),
                    self.tr("jours réservés passés ne sont pas encore pointés"),
                )
            )
        self.summary_label.setText(text)


class BusFaresTab(_CheckTab):
    HEADERS = (
        "Semaine du",
        "Enfant",
        "École",
        "Famille",
        "Forfait payé",
        "Trajets réservés",
        "Couverts",
        "En trop",
        "Jours au-delà du forfait",
    )
    NUMBERS = (5, 6, 7)
    CSV_NAME = "Contrôle des forfaits bus.csv"

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, *week_of(ctx.store.clock.today()), parent)

    def show_week_of(self, day: date) -> None:
        self.period.set_period(*week_of(day))

    def fetch(self, start: date, end: date) -> list[FareExcess]:
        return bus_fare_excesses(self._ctx.store, self._ctx.actor, start, end)

    def export(self, result: list[FareExcess], path):
        return export_fare_excesses(result, path)

    def show_result(self, excesses: list[FareExcess]) -> None:
        self.model.set_rows(
            [
                (
                    f"{e.week:%d/%m/%Y}",
                    e.child_name,
                    e.school,
                    f"{e.family_name} ({e.family_reference})",
                    e.fare_label,
                    str(e.trips),
                    str(e.allowed),
                    str(e.excess),
                    e.days_text(),
                )
                for e in excesses
            ],
            [e.family_id for e in excesses],
        )
        if excesses:
            children = len({e.child_id for e in excesses})
            text = self.tr(
                "{children} plus de trajets que le forfait payé n'en couvre "
                "(1 aller-retour = 2 trajets par jour)."
            ).format(
                children=counted(
                    children, self.tr("enfant a réservé"), self.tr("enfants ont réservé")
                )
            )
        else:
            text = self.tr("Toutes les réservations de bus respectent les forfaits payés.")
        self.summary_label.setText(text)
