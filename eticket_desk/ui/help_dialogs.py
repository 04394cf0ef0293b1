"""The Aide menu's windows: the keyboard shortcuts and the user guide of each role."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.paths import resource
from eticket_desk.rules.permissions import Role

# Keys that act inside a screen, not through a menu (kept in step with the screens' code).
SCREEN_KEYS: tuple[tuple[str, str, str], ...] = (
    ("Familles", "Flèches haut / bas", "Choisir une famille dans la liste"),
    ("Familles", "Entrée", "Ouvrir le dossier de la famille choisie"),
    ("Guichet", "Entrée", "Choisir la famille en surbrillance (plusieurs réponses)"),
    ("Guichet", "Tab", "Quantité → montant remis → « Encaisser »"),
    ("Planning", "Flèches", "Se déplacer dans la grille"),
    ("Planning", "Espace ou Entrée", "Réserver / annuler le jour choisi"),
    ("Planning", "Page précédente / suivante", "Semaine précédente / suivante"),
    ("Planning", "Alt+Gauche / Alt+Droite", "Semaine précédente / suivante"),
    ("Dossier famille", "Ctrl+S", "Enregistrer le dossier"),
    ("Listes et présences", "Début / Fin", "Premier / dernier enfant de la liste"),
    ("Toutes les fenêtres", "Échap", "Fermer la fenêtre ou annuler"),
)

GUIDES: tuple[tuple[Role, str], ...] = (
    (Role.AGENT, "agent.md"),
    (Role.COORDINATOR, "coordinator.md"),
    (Role.REGISSEUR, "regisseur.md"),
    (Role.ADMIN, "admin.md"),
)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".… ")


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, keys, what) for every menu entry that has a shortcut, in menu order."""
    rows: list[tuple[str, str, str]] = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if isinstance(action, QAction) and not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append((_plain(menu_action.text()), keys, _plain(action.text())))
    return rows


class ShortcutsDialog(QDialog):
    """Every shortcut of the menus (read from the menus themselves) and the screens' keys."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Raccourcis clavier"))
        self.resize(680, 620)
        rows = menu_shortcuts(menu_bar) + list(SCREEN_KEYS)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Où"), self.tr("Touches"), self.tr("Action")])
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Chaque écran s'ouvre aussi par le menu « Aller à » (Alt+A)."))
        )
        layout.addWidget(self.table)
        layout.addWidget(buttons)


class GuideDialog(QDialog):
    """The short user guide of a role (the agent's own first); the others a choice away."""

    def __init__(self, role: Role, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Guide de l'utilisateur"))
        self.resize(760, 680)
        self.role_combo = QComboBox()
        for guide_role, _ in GUIDES:
            self.role_combo.addItem(guide_role.label, guide_role)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        row = QHBoxLayout()
        chooser = QLabel(self.tr("&Guide du rôle :"))
        chooser.setBuddy(self.role_combo)
        row.addWidget(chooser)
        row.addWidget(self.role_combo)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.role_combo.currentIndexChanged.connect(self._on_role_combo_current_index_changed)
        self.role_combo.setCurrentIndex([r for r, _ in GUIDES].index(role))
        self._on_role_combo_current_index_changed()
        self.browser.setFocus()

    def _on_role_combo_current_index_changed(self, _index: int = 0) -> None:
        role = self.role_combo.currentData()
        name = dict(GUIDES)[role]
        self.browser.setMarkdown(resource("help", name).read_text(encoding="utf-8"))
