"""The set-up wizard of an empty base: commune, schools, first administrator account."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from eticket_desk.rules.permissions import CIVILITY_LABELS, Civility
from eticket_desk.services.catalogue.setup import FirstSetup, check_setup, create_empty_town
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.ui.messages import show_error

_PAGE_FIELDS = {
    0: ("commune", "postcode", "city"),
    1: (),
    2: ("admin_login", "admin_full_name", "admin_password"),
}


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b91c1c;")
    label.setWordWrap(True)
    return label


class _CheckedPage(QWizardPage):
    def __init__(self, wizard: SetupWizard, index: int) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.index = index
        self.errors = _error_label()

    def validatePage(self) -> bool:  # noqa: N802
        errors = check_setup(self.wizard_.collect())
        messages = [errors[k] for k in _PAGE_FIELDS[self.index] if k in errors]
        if (
            self.index == 2
            and self.wizard_.password_edit.text() != self.wizard_.confirm_edit.text()
        ):
            messages.append(self.tr("Les deux mots de passe ne sont pas identiques."))
        self.errors.setText("\n".join(messages))
        return not messages


class SetupWizard(QWizard):
    """On success `actor` is the new administrator, already logged in."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Mise en service d'eTicket Guichet"))
        self.setMinimumSize(620, 460)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)

        self.commune_edit = QLineEdit()
        self.commune_edit.setPlaceholderText(self.tr("ex. Commune de Neuvecelle"))
        self.postcode_edit = QLineEdit()
        self.postcode_edit.setMaxLength(5)
        self.city_edit = QLineEdit()
        self.zone_combo = QComboBox()
        self.zone_combo.addItems(["A", "B", "C"])
        page = _CheckedPage(self, 0)
        page.setTitle(self.tr("La collectivité"))
        page.setSubTitle(self.tr("Le nom qui figurera sur les courriers, reçus et factures."))
        form = QFormLayout(page)
        form.addRow(self.tr("&Nom de la collectivité :"), self.commune_edit)
        form.addRow(self.tr("&Code postal :"), self.postcode_edit)
        form.addRow(self.tr("&Ville :"), self.city_edit)
        form.addRow(self.tr("&Zone de vacances scolaires :"), self.zone_combo)
        form.addRow(page.errors)
        self.addPage(page)

        self.schools_edit = QPlainTextEdit()
        self.schools_edit.setPlaceholderText(
            self.tr("Une école par ligne, ex.\nÉcole Jules Ferry\nÉcole du Lac")
        )
        page = _CheckedPage(self, 1)
        page.setTitle(self.tr("Les écoles"))
        page.setSubTitle(
            self.tr(
                "Les classes PS, MS, GS, CP, CE1, CE2, CM1 et CM2 sont créées pour "
                "chaque école ; vous pourrez en ajouter dans les paramètres."
            )
        )
        box = QVBoxLayout(page)
        box.addWidget(self.schools_edit)
        self.addPage(page)

        self.login_edit = QLineEdit()
        self.civility_combo = QComboBox()  # the role's name in the person's gender
        for civility in (Civility.MADAME, Civility.MONSIEUR, Civility.UNKNOWN):
            self.civility_combo.addItem(CIVILITY_LABELS[civility], civility.value)
        self.civility_combo.setCurrentIndex(self.civility_combo.findData(Civility.UNKNOWN.value))
        self.name_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        page = _CheckedPage(self, 2)
        page.setTitle(self.tr("Le premier administrateur"))
        page.setSubTitle(self.tr("Ce compte créera ensuite les comptes des agents."))
        form = QFormLayout(page)
        form.addRow(self.tr("&Identifiant :"), self.login_edit)
        form.addRow(self.tr("C&ivilité :"), self.civility_combo)
        form.addRow(self.tr("Nom &complet :"), self.name_edit)
        form.addRow(self.tr("&Mot de passe :"), self.password_edit)
        form.addRow(self.tr("C&onfirmation :"), self.confirm_edit)
        form.addRow(QLabel(self.tr("Au moins 8 caractères, lettres et chiffres.")))
        form.addRow(page.errors)
        self.addPage(page)

    def collect(self) -> FirstSetup:
        return FirstSetup(
            commune=self.commune_edit.text(),
            postcode=self.postcode_edit.text(),
            city=self.city_edit.text(),
            admin_login=self.login_edit.text(),
            admin_full_name=self.name_edit.text(),
            admin_civility=self.civility_combo.currentData(),
            admin_password=self.password_edit.text(),
            schools=self.schools_edit.toPlainText().splitlines(),
            school_zone=self.zone_combo.currentText(),
        )

    def accept(self) -> None:
        if not self.validateCurrentPage():
            return
        try:
            self.actor = create_empty_town(self.store, self.collect())
        except Exception as exc:  # noqa: BLE001 - shown to the agent
            show_error(self, exc)
            return
        super().accept()
