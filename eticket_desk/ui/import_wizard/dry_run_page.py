"""Third page of the import wizard: the dry run (counts, bad rows, duplicates to decide)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from eticket_desk.services import importing
from eticket_desk.services.importing import Decision, DryRunReport
from eticket_desk.ui.admin.forms import ERROR_COLOUR, error_label, make_tabs, note_label
from eticket_desk.ui.import_wizard.tables import fit_columns, item, make_table
from eticket_desk.ui.messages import error_text, show_error

if TYPE_CHECKING:
    from eticket_desk.ui.import_wizard.wizard import ImportWizard

OK_COLOUR = "#166534"


def plural(count: int, word: str) -> str:
    """ "1 ligne", "3 lignes", "1 234 lignes"."""
    number = f"{count:,}".replace(",", "\u202f")
    return f"{number} {word}{'s' if count > 1 else ''}"


class DryRunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("L'essai"))
        self.setSubTitle(self.tr("Rien n'est encore enregistré : voici ce que l'import ferait."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Importer"))

        self.counts_label = QLabel()
        font = self.counts_label.font()
        font.setBold(True)
        self.counts_label.setFont(font)
        self.counts_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.notes_label = note_label()
        self.general_label = error_label()

        self.problems_table = make_table(
            [self.tr("Ligne"), self.tr("Colonne"), self.tr("Valeur"), self.tr("Motif")], stretch=3
        )

        self.save_button = QPushButton(self.tr("&Enregistrer la liste (CSV)…"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.rerun_button = QPushButton(self.tr("&Relancer l'essai"))
        self.rerun_button.setToolTip(
            self.tr("Relit le fichier (corrigé entre-temps dans le tableur) et refait l'essai.")
        )
        self.rerun_button.clicked.connect(self._on_rerun_button_clicked)
        problems = QWidget()
        box = QVBoxLayout(problems)
        box.addWidget(self.problems_table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rerun_button)
        box.addLayout(buttons)

        self.duplicates_table = make_table(
            [
                self.tr("Ligne"),
                self.tr("Enfant"),
                self.tr("Né(e) le"),
                self.tr("Dossier existant"),
                self.tr("Inscriptions"),
                self.tr("Décision"),
            ]
        )

        duplicates = QWidget()
        box = QVBoxLayout(duplicates)
        box.addWidget(
            note_label(
                self.tr(
                    "Ces enfants sont déjà dans la base (mêmes nom, prénom et date de "
                    "naissance). « Fusionner » ajoute les inscriptions de la ligne à l'enfant "
                    "existant et complète les coordonnées vides de son dossier ; « Ignorer la "
                    "ligne » ne l'importe pas."
                )
            )
        )
        box.addWidget(self.duplicates_table, 1)

        self.tabs = make_tabs()
        self.tabs.addTab(problems, self.tr("Lignes en erreur"))
        self.tabs.addTab(duplicates, self.tr("Doublons"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.general_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.tabs, 1)

    # ------------------------------------------------------------ running

    def initializePage(self) -> None:  # noqa: N802
        self.run_dry_run()

    def run_dry_run(self, *, reread: bool = False) -> None:
        wizard = self._wizard
        wizard.report = None
        self.counts_label.setText(self.tr("Essai en cours…"))
        self.status_label.setText("")
        self.completeChanged.emit()
        ctx, mapping, path = wizard.ctx, wizard.mapping, wizard.path

        def dry_run():
            table = importing.read_import_file(path) if reread else wizard.table
            return table, importing.dry_run_import(ctx.store, ctx.actor, table, mapping)

        ctx.runner.submit(dry_run, self._on_dry_run_done, self._on_dry_run_failed)

    def _on_dry_run_done(self, result) -> None:
        table, report = result
        wizard = self._wizard
        wizard.table, wizard.report = table, report
        wizard.decisions = {
            d.line: wizard.decisions.get(d.line, Decision.MERGE) for d in report.duplicates
        }
        self._fill_duplicates(report)
        self.show_report()

    def _on_dry_run_failed(self, exc: Exception) -> None:
        self.counts_label.setText(self.tr("L'essai n'a pas pu être fait."))
        self.status_label.setText(error_text(exc))
        self.status_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.completeChanged.emit()

    # ------------------------------------------------------------ showing

    def show_report(self) -> None:
        """Counts, status and bad rows for the current decisions on the duplicates."""
        report, decisions = self._wizard.report, self._wizard.decisions
        counts = report.counts(decisions)
        problems = report.problems_for(decisions)
        bad = len(report.bad_lines(decisions))
        self.counts_label.setText(
            self.tr("%s, %s, %s à importer ; %s en erreur ; %s.")
            % (
                plural(counts.families, "famille"),
                plural(counts.children, "enfant"),
                plural(counts.registrations, "inscription"),
                plural(bad, "ligne"),
                plural(len(report.duplicates), "doublon"),
            )
        )
        if report.can_import(decisions):
            self.status_label.setText(
                self.tr("Aucune erreur : le fichier peut être importé (tout ou rien).")
            )
            self.status_label.setStyleSheet(f"color: {OK_COLOUR};")
        else:
            self.status_label.setText(
                self.tr(
                    "Import impossible tant qu'une ligne est en erreur : corrigez le fichier "
                    "dans le tableur, enregistrez-le, puis « Relancer l'essai »."
                )
            )
            self.status_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.general_label.setText("\n".join(report.general))
        self.general_label.setVisible(bool(report.general))
        notes = []
        if report.year_label and counts.registrations:
            notes.append(self.tr("Inscriptions sur l'année scolaire %s.") % report.year_label)
        if report.incomplete:
            notes.append(
                self.tr("%s sans inscription resteront incomplets, à compléter ensuite.")
                % plural(report.incomplete, "dossier")
            )
        notes += [f"\n• {line}" for line in report.likely]  # like the base or the file
        self.notes_label.setText(" ".join(notes))
        self.notes_label.setVisible(bool(notes))
        table = self.problems_table
        table.setRowCount(len(problems))
        for r, problem in enumerate(problems):
            table.setItem(r, 0, item(str(problem.line), align_right=True))
            table.setItem(r, 1, item(problem.column))
            table.setItem(r, 2, item(problem.value))
            table.setItem(r, 3, item(problem.reason))
            table.item(r, 3).setToolTip(problem.message)
        fit_columns(table, 260)
        self.save_button.setEnabled(bool(problems))
        self.tabs.setTabText(0, self.tr("Lignes en erreur (%d)") % len(problems))
        self.tabs.setTabText(1, self.tr("Doublons (%d)") % len(report.duplicates))
        if not problems and report.duplicates:
            self.tabs.setCurrentIndex(1)
        self.completeChanged.emit()

    def _fill_duplicates(self, report: DryRunReport) -> None:
        table = self.duplicates_table
        table.setRowCount(len(report.duplicates))
        for r, dup in enumerate(report.duplicates):
            table.setItem(r, 0, item(str(dup.line), align_right=True))
            table.setItem(r, 1, item(dup.child_name))
            table.setItem(r, 2, item(dup.birth_date.strftime("%d/%m/%Y")))
            table.setItem(r, 3, item(f"{dup.family_reference} — {dup.family_name}"))
            table.setItem(r, 4, item(plural(dup.registrations, "activité")))
            combo = QComboBox()
            combo.setObjectName(f"decision_{dup.line}")
            for decision in Decision:
                combo.addItem(self.tr(decision.label), decision)
            combo.setCurrentIndex(list(Decision).index(self._wizard.decisions[dup.line]))
            combo.currentIndexChanged.connect(
                lambda _i, line=dup.line, box=combo: self._on_decision_changed(line, box)
            )
            table.setCellWidget(r, 5, combo)
            table.setRowHeight(r, combo.sizeHint().height() + 4)
        fit_columns(table, 320)
        table.setColumnWidth(5, max(table.columnWidth(5), 170))

    def decision_combo(self, line: int) -> QComboBox:
        return self.findChild(QComboBox, f"decision_{line}")

    def _on_decision_changed(self, line: int, combo: QComboBox) -> None:
        self._wizard.decisions[line] = combo.currentData()
        self.show_report()

    def _on_save_button_clicked(self) -> None:
        report = self._wizard.report
        default = Path(self._wizard.path).with_name(Path(self._wizard.path).stem + "_erreurs.csv")
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Enregistrer les lignes en erreur"), str(default), "CSV (*.csv)"
        )
        if not path:
            return
        problems = report.problems_for(self._wizard.decisions)
        self._wizard.ctx.runner.submit(
            lambda: importing.save_problems_csv(problems, path),
            None,
            lambda exc: show_error(self, exc),
        )

    def _on_rerun_button_clicked(self) -> None:
        self.run_dry_run(reread=True)

    def isComplete(self) -> bool:  # noqa: N802
        report = self._wizard.report
        return report is not None and report.can_import(self._wizard.decisions)
