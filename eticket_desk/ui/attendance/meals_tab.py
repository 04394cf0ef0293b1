"""The « Repas » tab: the kitchen's meal counts over a period, per day and school by diet,
final or provisional; printed (preview) or exported as CSV for the kitchen."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from eticket_desk.reports.meal_counts import MealCounts, MealCountsData
from eticket_desk.rules.errors import NotFound
from eticket_desk.services.attendance.meals import (
    export_meal_counts,
    meal_counts_of,
    meals_file_name,
    print_meal_counts,
)
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.attendance.tables import (
    PeriodBar,
    RowsModel,
    ask_csv_path,
    rows_table,
    week_of,
)
from eticket_desk.ui.context import AppContext

NUMBERS = tuple(range(2, 9))


def _numbers(c: MealCounts) -> tuple[str, ...]:
    values = (c.meals, c.no_pork, c.vegetarian, c.gluten_free, c.pai, c.packed_meal, c.to_cook)
    return tuple(str(n) for n in values)


class MealsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._request = 0
        self.data: MealCountsData | None = None
        self.period = PeriodBar(*week_of(ctx.store.clock.today()))
        self.period.period_changed.connect(self._on_period_period_changed)
        self.print_button = QPushButton(self.tr("Imprimer la commande…"))
        self.csv_button = QPushButton(self.tr("Exporter en CSV…"))
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.csv_button)

        self.model = RowsModel(
            (
                self.tr("Jour"),
                self.tr("École"),
                self.tr("Repas inscrits"),
                self.tr("dont sans porc"),
                self.tr("végétarien"),
                self.tr("sans gluten"),
                self.tr("PAI"),
                self.tr("panier repas"),
                self.tr("Repas à préparer"),
                self.tr("Statut"),
            ),
            NUMBERS,
            self,
        )
        self.table = rows_table(self.model)
        self.summary_label = note_label()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary_label)
        self._enable()

    def show_week_of(self, day: date) -> None:
        self.period.set_period(*week_of(day))

    def refresh(self) -> None:
        self._request += 1
        request, start, end = self._request, self.period.start, self.period.end
        store, actor = self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(
            lambda: meal_counts_of(store, actor, start, end),
            lambda data: self._on_counts_loaded(request, data),
            self._on_failed,
        )

    def _enable(self) -> None:
        has_days = self.data is not None and bool(self.data.days)
        self.print_button.setEnabled(has_days)
        self.csv_button.setEnabled(has_days)

    def _on_counts_loaded(self, request: int, data: MealCountsData) -> None:
        if request != self._request:
            return
        self.data = data
        rows, shaded, bold = [], set(), set()
        for meal_day in data.days:
            status = self.tr("définitif") if meal_day.final else self.tr("PROVISOIRE")
            day = f"{meal_day.day:%d/%m}"
            for index, school in enumerate(meal_day.schools):
                if not meal_day.final:
                    shaded.add(len(rows))
                first = index == 0
                rows.append(
                    (_weekday(meal_day.day) + " " + day if first else "", school.school_name)
                    + _numbers(school.counts)
                    + (status if first else "",)
                )
        if data.days:
            bold.add(len(rows))
            rows.append((self.tr("Total"), "", *_numbers(data.total), ""))
        self.model.set_rows(rows, shaded=shaded, bold=bold)
        provisional = sum(1 for d in data.days if not d.final)
        if not data.days:
            text = self.tr("Aucun jour de {activity} sur cette période.")
        elif provisional:
            text = (
                self.tr("{n} jour PROVISOIRE")
                if provisional == 1
                else self.tr("{n} jours PROVISOIRES")
            )
            text += self.tr(
                ", en gris : les familles peuvent encore réserver ou annuler. Réimprimez la "
                "commande après la date limite."
            )
        else:
            text = self.tr("Tous les jours sont définitifs : leur date limite est passée.")
        self.summary_label.setText(text.format(n=provisional, activity=data.activity_name))
        self._enable()

    def _on_failed(self, exc: Exception) -> None:
        self.data = None
        self.model.set_rows([])
        self._enable()
        if isinstance(exc, NotFound):  # a town without a canteen yet: said here, no error box
            self.summary_label.setText(exc.message)
            return
        messages.show_error(self, exc)

    def _on_period_period_changed(self) -> None:
        self.refresh()

    def _on_print_button_clicked(self) -> None:
        data = self.data
        if data is None:
            return
        store = self._ctx.store
        title = self.tr("Commande de repas")
        self._ctx.runner.submit(
            lambda: print_meal_counts(store, data),
            lambda path: pdf_preview.preview(path, title, self),
            self._on_failed,
        )

    def _on_csv_button_clicked(self) -> None:
        data = self.data
        if data is None:
            return
        path = ask_csv_path(self, self.tr("Exporter les repas"), meals_file_name(data, "csv"))
        if path is None:
            return
        self._ctx.runner.submit(
            lambda: export_meal_counts(data, path),
            lambda saved: self.summary_label.setText(
                self.tr("Commande exportée : {path}").format(path=saved)
            ),
            self._on_failed,
        )


def _weekday(day: date) -> str:
    return format_date(day, "EEE", locale="fr_FR")
