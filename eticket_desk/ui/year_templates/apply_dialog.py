"""« Appliquer les semaines types » : books every saved paper form over a period, with a
progress bar and a stop button (the forms done so far stay booked, chunk by chunk)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.calendar import SchoolYearInfo, list_school_years
from eticket_desk.services.subscriptions.forms import RunSummary, apply_saved_subscriptions
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error


class _Progress(QObject):
    moved = Signal(int, int)  # emitted from the worker thread, received on the GUI thread


class ApplyTemplatesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Appliquer les semaines types"))
        self.resize(560, 260)
        self._stop = threading.Event()
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress_moved)
        self.summary: RunSummary | None = None

        self.period_combo = QComboBox()  # filled once the school years are read
        explanation = QLabel(
            self.tr(
                "Chaque inscription enregistrée (formulaire papier, import, portail) réserve les "
                "jours de sa semaine type sur la période choisie : seulement les jours encore "
                "ouverts et pas encore réservés ; un jour complet passe en liste d'attente. "
                "Utile après un changement du calendrier ou à la rentrée."
            )
        )
        explanation.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat(self.tr("%v / %m formulaires"))
        self.progress_bar.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.run_button = QPushButton(self.tr("&Appliquer"))
        self.stop_button = QPushButton(self.tr("&Arrêter"))
        self.close_button = QPushButton(self.tr("&Fermer"))
        self.stop_button.setEnabled(False)
        for button, role in (
            (self.run_button, QDialogButtonBox.ButtonRole.AcceptRole),
            (self.stop_button, QDialogButtonBox.ButtonRole.ActionRole),
            (self.close_button, QDialogButtonBox.ButtonRole.RejectRole),
        ):
            self.buttons.addButton(button, role)
        self.run_button.clicked.connect(self._on_run_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("&Période :"), self.period_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.run_button.setEnabled(False)
        if not ctx.actor.can(Permission.BOOKING_EDIT):
            self.status.setText(self.tr("Votre profil ne permet pas de réserver des jours."))
            return
        self.status.setText(self.tr("Chargement…"))
        store = ctx.store
        ctx.runner.submit(
            lambda: list_school_years(store), self._on_years_read, self._on_years_failed
        )

    def _on_years_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Lecture des années scolaires impossible."))
        show_error(self, exc)

    def _on_years_read(self, years: list[SchoolYearInfo]) -> None:
        """The years and periods not over yet; « Appliquer » once there is one."""
        today = self.ctx.store.clock.today()
        for year in years:
            if year.end < today:
                continue
            self.period_combo.addItem(
                self.tr("Année scolaire %1 (%2 → %3)")
                .replace("%1", year.label)
                .replace("%2", f"{year.start:%d/%m/%Y}")
                .replace("%3", f"{year.end:%d/%m/%Y}"),
                (year.start, year.end),
            )
            for period in year.periods:
                if period.end >= today:
                    self.period_combo.addItem(
                        f"{period.name} {year.label} ({period.start:%d/%m} → {period.end:%d/%m})",
                        (period.start, period.end),
                    )
        if self.period_combo.count() == 0:
            self.status.setText(
                self.tr("Aucune année scolaire à venir : créez-la d'abord dans Calendrier.")
            )
            return
        self.status.clear()
        self.run_button.setEnabled(True)

    def _on_run_button_clicked(self) -> None:
        start, end = self.period_combo.currentData()
        self._stop.clear()
        self.run_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText(self.tr("Application en cours…"))
        progress, stop = self._progress, self._stop

        def moved(done: int, total: int) -> bool:
            progress.moved.emit(done, total)
            return not stop.is_set()

        self.ctx.write(
            apply_saved_subscriptions,
            start,
            end,
            progress=moved,
            on_done=self._on_done,
            on_error=self._on_failed,
        )

    def _on_progress_moved(self, done: int, total: int) -> None:
        self.progress_bar.setMaximum(max(total, 1))
        self.progress_bar.setValue(done)

    def _on_stop_button_clicked(self) -> None:
        self._stop.set()
        self.stop_button.setEnabled(False)
        self.status.setText(self.tr("Arrêt après le lot en cours…"))

    def _finish(self) -> None:
        self.stop_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.run_button.setEnabled(True)

    def _on_done(self, summary: RunSummary) -> None:
        self.summary = summary
        self._finish()
        if summary.forms == 0:
            self.status.setText(self.tr("Aucune inscription enregistrée sur cette période."))
            return
        self.progress_bar.setMaximum(summary.forms)
        text = (
            self.tr("%1 inscription(s) appliquée(s) sur %2 : %3 jour(s) réservé(s).")
            .replace("%1", str(summary.applied))
            .replace("%2", str(summary.forms))
            .replace("%3", str(summary.booked))
        )
        if summary.stopped:
            text += " " + self.tr("Arrêté à votre demande : relancez pour terminer.")
        skipped = summary.forms - summary.applied
        if skipped and not summary.stopped:
            text += " " + self.tr(
                "%1 inscription(s) ignorée(s) (dossier non validé ou enfant plus concerné)."
            ).replace("%1", str(skipped))
        self.status.setText(text)

    def _on_failed(self, exc: BaseException) -> None:
        self._finish()
        self.status.setText(self.tr("Rien n'a été enregistré pour le lot en cours."))
        show_error(self, exc)
