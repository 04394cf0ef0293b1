"""Last page of the import wizard: the import itself, with a progress bar, then its result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWizardPage

from eticket_desk.services import importing
from eticket_desk.services.importing import ImportResult
from eticket_desk.ui.admin.forms import ERROR_COLOUR, note_label
from eticket_desk.ui.import_wizard.dry_run_page import OK_COLOUR, plural
from eticket_desk.ui.messages import error_text

if TYPE_CHECKING:
    from eticket_desk.ui.import_wizard.wizard import ImportWizard


class _Relay(QObject):
    """Carries the worker thread's progress to the GUI thread."""

    progressed = Signal(int, int)


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._done = False
        self.setTitle(self.tr("L'import"))
        self.setSubTitle(
            self.tr(
                "Tout le fichier est enregistré d'un seul bloc : si une erreur survient, rien "
                "n'est enregistré."
            )
        )
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.details_label = note_label()
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_relay_progressed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.details_label)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        wizard = self._wizard
        self._done = False
        self.status_label.setText(self.tr("Import en cours…"))
        ctx = wizard.ctx
        table, mapping, decisions = wizard.table, wizard.mapping, dict(wizard.decisions)
        relay = self._relay

        ctx.write(
            importing.import_families,
            table,
            mapping,
            decisions,
            relay.progressed.emit,
            on_done=self._on_import_done,
            on_error=self._on_import_failed,
        )

    def _on_relay_progressed(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _on_import_done(self, result: ImportResult) -> None:
        self._wizard.result = result
        self._done = True
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.status_label.setText(self.tr("Import terminé : %s.") % result.sentence())
        self.status_label.setStyleSheet(f"color: {OK_COLOUR}; font-weight: bold;")
        details = []
        if result.references:
            first, last = result.references[0], result.references[-1]
            details.append(
                self.tr("Dossiers créés : %s.") % first
                if first == last
                else self.tr("Dossiers créés : %s à %s.") % (first, last)
            )
        if result.booked_days or result.waiting_days:
            text = self.tr("%s réservés") % plural(result.booked_days, "jour")
            if result.waiting_days:
                text += self.tr(", %s en liste d'attente (complet)") % plural(
                    result.waiting_days, "jour"
                )
            details.append(text + ".")
        self.details_label.setText(" ".join(details))
        self.completeChanged.emit()

    def _on_import_failed(self, exc: Exception) -> None:
        self._done = True
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText(self.tr("Rien n'a été importé.") + "\n" + error_text(exc))
        self.status_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self._done
