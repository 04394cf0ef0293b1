"""« Accès portail »: the agent chooses the legal guardian whose letter to print. Each
guardian has their own login (separated parents do not share one); a third party never has
one. A guardian who already has a login gets a new one-time password: theirs only."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.families.data import AdultData, FamilyData, PortalLoginData


def guardian_line(adult: AdultData, account: PortalLoginData | None) -> tuple[str, str]:
    """The guardian's name and what they have on the portal, as the agent reads them."""
    name = f"{adult.first_name} {adult.last_name.upper()}".strip()
    if adult.relation:
        name += f" ({adult.relation})"
    if account is None:
        return name, "pas encore d'accès au portail"
    state = f"identifiant « {account.login} », courrier du {account.issued_at:%d/%m/%Y}"
    if account.password_changed_at is not None:
        state += f", mot de passe personnalisé le {account.password_changed_at:%d/%m/%Y}"
    return name, state


class PortalGuardianDialog(QDialog):
    """Whose portal letter: one radio button per legal guardian of the dossier."""

    def __init__(self, family: FamilyData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Accès portail — %s") % family.reference)
        self.setMinimumWidth(520)
        accounts = {a.adult_id: a for a in family.portal_accounts}
        guardians = [a for a in family.adults if a.legal_guardian and not a.third_party]
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Chaque responsable légal a son propre identifiant. Choisissez à qui adresser "
                "le courrier avec le mot de passe provisoire :"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.group = QButtonGroup(self)
        self.buttons: dict[uuid.UUID, QRadioButton] = {}
        self.states: dict[uuid.UUID, QLabel] = {}
        for adult in guardians:
            name, state = guardian_line(adult, accounts.get(adult.id))
            button = QRadioButton(name)
            button.setAccessibleDescription(state)
            label = QLabel(state)
            label.setWordWrap(True)
            label.setContentsMargins(26, 0, 0, 6)
            label.setStyleSheet("color: #4a4a4a;")
            label.setBuddy(button)
            self.group.addButton(button)
            self.buttons[adult.id], self.states[adult.id] = button, label
            layout.addWidget(button)
            layout.addWidget(label)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a4b00; font-weight: bold;")
        layout.addWidget(self.warning)
        note = QLabel(
            self.tr(
                "Les autres personnes du dossier (tiers, personnes autorisées) n'ont pas "
                "d'accès au portail."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f5f5f;")
        layout.addWidget(note)
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Imprimer le courrier"))
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        layout.addWidget(self.button_box)
        self._accounts = accounts
        self.group.buttonToggled.connect(self._on_group_button_toggled)
        without = next((i for i in self.buttons if i not in accounts), None)
        first = without or next(iter(self.buttons), None)
        if first is not None:
            self.buttons[first].setChecked(True)
        self._on_group_button_toggled()

    def chosen(self) -> uuid.UUID | None:
        return next((i for i, b in self.buttons.items() if b.isChecked()), None)

    def _on_group_button_toggled(self, *_args) -> None:
        chosen = self.chosen()
        self.ok_button.setEnabled(chosen is not None)
        account = self._accounts.get(chosen) if chosen else None
        self.warning.setText(
            self.tr(
                "Un nouveau mot de passe provisoire remplacera celui de « %s » : ses sessions "
                "ouvertes sur le portail seront fermées. Les autres responsables gardent le leur."
            )
            % account.login
            if account is not None
            else ""
        )
        self.warning.setVisible(account is not None)
