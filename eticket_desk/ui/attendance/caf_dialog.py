"""« Heures CAF / MSA… » from the attendance screen: a period, the hours forecast and actual
per activity and month by age band × regime, the PDF and the CSV for the partner's site."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.reports.caf_hours_data import CafReport, hour_rows
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.attendance.caf_exports import caf_file_name, export_caf_hours
from eticket_desk.services.attendance.caf_hours import caf_hours
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import error_label, note_label
from eticket_desk.ui.attendance.tables import (
    RowsModel,
    ask_csv_path,
    date_edit,
    month_of,
    rows_table,
    to_date,
)
from eticket_desk.ui.context import AppContext

HEADERS = (
    "Mois",
    "Heures",
    "< 6 ans\nCAF",
    "< 6 ans\nMSA",
    "< 6 ans\nautre",
    "6 ans et +\nCAF",
    "6 ans et +\nMSA",
    "6 ans et +\nautre",
    "Total",
)


class CafHoursDialog(QDialog):
    """Opens on the month of `day`; « Calculer » (Enter) shows the table."""

    def __init__(self, ctx: AppContext, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Heures CAF / MSA"))
        self.ctx = ctx
        self.report: CafReport | None = None
        first, last = month_of(day)
        self.from_edit = date_edit(first)
        self.to_edit = date_edit(last)
        self.compute_button = QPushButton(self.tr("&Calculer"))
        self.compute_button.setDefault(True)
        self.range_error = error_label(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = RowsModel(HEADERS, numeric=tuple(range(2, 9)), parent=self)
        self.table = rows_table(self.model)
        self.pdf_button = QPushButton(self.tr("Imprimer le &PDF…"))
        self.csv_button = QPushButton(self.tr("Exporter le C&SV…"))
        self.close_button = QPushButton(self.tr("Fermer"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)

        period = QHBoxLayout()
        period.addWidget(QLabel(self.tr("Du")))
        period.addWidget(self.from_edit)
        period.addWidget(QLabel(self.tr("au")))
        period.addWidget(self.to_edit)
        period.addWidget(self.compute_button)
        period.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.range_error)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            note_label(
                self.tr(
                    "Prévues : jours réservés ; réalisées : jours pointés présents. Chaque jour "
                    "compte le créneau déclaré de l'activité (plafonné le mercredi)."
                )
            )
        )
        layout.addWidget(buttons)
        self.setTabOrder(self.from_edit, self.to_edit)
        self.setTabOrder(self.to_edit, self.compute_button)
        self.compute_button.clicked.connect(self._on_compute_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.resize(1040, 560)
        self._set_exports_enabled(False)
        self._on_compute_button_clicked()

    def period(self) -> tuple[date, date]:
        return to_date(self.from_edit.date()), to_date(self.to_edit.date())

    def _set_exports_enabled(self, enabled: bool) -> None:
        self.pdf_button.setEnabled(enabled)
        self.csv_button.setEnabled(enabled)

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, DomainError):
            self.range_error.setText(exc.message)
            self.range_error.show()
            self.model.set_rows([])
            self.summary.clear()
            self._set_exports_enabled(False)
            return
        messages.show_error(self, exc)

    def _on_compute_button_clicked(self) -> None:
        self.range_error.hide()
        ctx, (first, last) = self.ctx, self.period()
        ctx.runner.submit(
            lambda: caf_hours(ctx.store, ctx.actor, first, last), self.show_report, self._refused
        )

    def show_report(self, report: CafReport) -> None:
        self.report = report
        rows: list[tuple[str, ...]] = []
        shaded: set[int] = set()
        bold: set[int] = set()
        titles: list[int] = []
        for activity in report.activities:
            titles.append(len(rows))
            bold.add(len(rows))
            shaded.add(len(rows))
            rows.append((f"{activity.name} — {activity.slot_label}", *[""] * 8))
            body, starts = hour_rows(activity)
            offset = len(rows)
            rows += [tuple(row) for row in body]
            bold.update({offset + starts[-1], offset + starts[-1] + 1})
        self.model.set_rows(rows, shaded=shaded, bold=bold)
        self.table.clearSpans()
        for row in titles:  # the activity's name and slot across the whole row
            self.table.setSpan(row, 0, 1, len(HEADERS))
        self.table.resizeColumnsToContents()
        text = self.tr("Du {first} au {last} : {count} activité(s) comptée(s).").format(
            first=f"{report.first:%d/%m/%Y}",
            last=f"{report.last:%d/%m/%Y}",
            count=len(report.activities),
        )
        if not report.activities:
            text = self.tr(
                "Aucune activité n'est comptée pour la CAF / MSA : cochez-la et indiquez son "
                "créneau dans Activités."
            )
        if report.uncounted:
            text += " " + self.tr("Sans créneau, non comptée(s) : {names}.").format(
                names=", ".join(report.uncounted)
            )
        self.summary.setText(text)
        self._set_exports_enabled(bool(report.activities))

    def _on_pdf_button_clicked(self) -> None:
        ctx, (first, last) = self.ctx, self.period()
        title = self.tr("Heures CAF / MSA du {first} au {last}").format(
            first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}"
        )
        ctx.write(
            export_caf_hours,
            first,
            last,
            on_done=lambda done: pdf_preview.preview(done.pdf, title, self),
            on_error=self._refused,
        )

    def _on_csv_button_clicked(self) -> None:
        first, last = self.period()
        path = ask_csv_path(
            self, self.tr("Exporter les heures CAF / MSA"), caf_file_name(first, last, "csv")
        )
        if path is None:
            return
        self.ctx.write(
            export_caf_hours,
            first,
            last,
            csv=path,
            with_pdf=False,
            on_done=lambda done: self.summary.setText(
                self.tr("CSV enregistré : {path}").format(path=done.csv)
            ),
            on_error=self._refused,
        )
