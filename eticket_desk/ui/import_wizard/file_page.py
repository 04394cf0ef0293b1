"""First page of the import wizard: choosing the spreadsheet and reading it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from eticket_desk.services import importing
from eticket_desk.ui.admin.forms import error_label, note_label
from eticket_desk.ui.messages import error_text

if TYPE_CHECKING:
    from eticket_desk.ui.import_wizard.wizard import ImportWizard


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Le fichier"))
        self.setSubTitle(
            self.tr(
                "Un tableur CSV ou Excel (.xlsx) : une ligne par enfant, les titres des "
                "colonnes sur la première ligne. Les enfants d'une même famille partagent la "
                "référence famille, ou le nom et le téléphone ou l'e-mail du responsable 1."
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("Aucun fichier choisi"))
        self.browse_button = QPushButton(self.tr("&Parcourir…"))
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.info_label = note_label()
        self.error_label = error_label()
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.info_label)
        layout.addWidget(self.error_label)
        layout.addWidget(
            note_label(
                self.tr(
                    "Colonnes reconnues : référence famille ; pour chaque responsable, nom, "
                    "prénom, lien, téléphones, e-mail, adresse, code postal, ville, payeur, "
                    "responsable légal, contact d'urgence ; pour l'enfant, nom, prénom, date "
                    "de naissance, école, classe, régime ; quotient familial ; puis une "
                    "colonne par activité (son code ou son nom) avec les jours d'inscription."
                )
            )
        )
        layout.addStretch(1)

    def isComplete(self) -> bool:  # noqa: N802
        return self._wizard.table is not None

    def _on_browse_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Importer des familles"),
            str(Path(self.path_edit.text()).parent) if self.path_edit.text() else "",
            self.tr("Tableurs (*.csv *.xlsx);;Fichiers CSV (*.csv);;Classeurs Excel (*.xlsx)"),
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """Reads the file (in the background) and guesses its columns."""
        self.path_edit.setText(str(path))
        self.info_label.setText(self.tr("Lecture du fichier…"))
        self.error_label.setVisible(False)
        self._wizard.forget_file()
        self.completeChanged.emit()
        store = self._wizard.ctx.store

        def read():
            table = importing.read_import_file(path)
            mapping = importing.guess_import_mapping(store, table)
            return table, mapping, importing.known_activities(store)

        self._wizard.ctx.runner.submit(read, self._on_file_read, self._on_file_failed)

    def _on_file_read(self, result) -> None:
        table, mapping, activities = result
        self._wizard.use_file(table, mapping, activities)
        self.info_label.setText(self.tr("Fichier lu : %s.") % table.describe())
        self.completeChanged.emit()

    def _on_file_failed(self, exc: Exception) -> None:
        self.info_label.setText("")
        self.error_label.setText(error_text(exc))
        self.error_label.setVisible(True)
        self.completeChanged.emit()
