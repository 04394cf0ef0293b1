"""First launch: build a demo town, or start an empty base with the set-up wizard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCommandLinkButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.demo.town import DemoOptions, build_demo_town
from eticket_desk.ui.messages import show_error


class FirstLaunchDialog(QDialog):
    """Asks what to do with a new database file; `choice` is "demo" or "empty"."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.choice = ""
        self.setWindowTitle(self.tr("eTicket Guichet — Premier démarrage"))
        self.setMinimumWidth(560)
        title = QLabel(self.tr("Bienvenue dans eTicket Guichet"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        text = QLabel(
            self.tr(
                "Aucune base de données n'existe encore à cet emplacement :\n%1\n\n"
                "Que souhaitez-vous faire ?"
            ).replace("%1", str(path))
        )
        text.setWordWrap(True)
        self.families_spin = QSpinBox()
        self.families_spin.setRange(10, 10_000)
        self.families_spin.setValue(300)
        self.families_spin.setSuffix(self.tr(" familles"))
        self.demo_button = QCommandLinkButton(
            self.tr("Créer une commune de démonstration"),
            self.tr(
                "Des familles, enfants, écoles et utilisateurs fictifs pour découvrir "
                "le programme ou former les agents (mot de passe des comptes : demo2026)."
            ),
        )
        self.demo_button.clicked.connect(self._on_demo_button_clicked)
        self.empty_button = QCommandLinkButton(
            self.tr("Démarrer avec une base vide"),
            self.tr(
                "Pour la mise en service réelle : la commune, ses écoles et le premier "
                "compte administrateur."
            ),
        )
        self.empty_button.clicked.connect(self._on_empty_button_clicked)
        size_row = QHBoxLayout()
        size_row.addSpacing(40)
        size_row.addWidget(QLabel(self.tr("Taille de la commune de démonstration :")))
        size_row.addWidget(self.families_spin)
        size_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(self.demo_button)
        layout.addLayout(size_row)
        layout.addWidget(self.empty_button)

    def _on_demo_button_clicked(self) -> None:
        progress = QProgressDialog(
            self.tr("Création de la commune de démonstration…"), "", 0, 0, self
        )
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()

        def report(text: str) -> None:
            progress.setLabelText(text)
            QApplication.processEvents()

        try:
            build_demo_town(
                self.path, DemoOptions(families=self.families_spin.value()), progress=report
            )
        except Exception as exc:  # noqa: BLE001 - shown to the agent
            progress.close()
            show_error(self, exc)
            return
        progress.close()
        self.choice = "demo"
        self.accept()

    def _on_empty_button_clicked(self) -> None:
        self.choice = "empty"
        self.accept()
