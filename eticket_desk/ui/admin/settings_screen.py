"""The "Paramètres" screen: organisation, schools and classes, desk and security, e-mail tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from eticket_desk.rules.permissions import PERMISSION_LABELS, Permission
from eticket_desk.ui.admin.desk_page import DeskPage
from eticket_desk.ui.admin.forms import make_tabs, note_label, title_label
from eticket_desk.ui.admin.mail_page import MailPage
from eticket_desk.ui.admin.organisation_page import OrganisationPage
from eticket_desk.ui.admin.schools_page import SchoolsPage
from eticket_desk.ui.context import AppContext


class SettingsScreen(QWidget):
    """Editable with Permission.SETTINGS_EDIT; read-only (with a note) for other profiles."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable = ctx.actor.can(Permission.SETTINGS_EDIT)
        self.read_only_note = note_label(
            self.tr(
                "Consultation seule : votre profil ({role}) ne permet pas de {action}. "
                "Adressez-vous à un administrateur pour tout changement."
            ).format(role=ctx.actor.role.label, action=PERMISSION_LABELS[Permission.SETTINGS_EDIT])
        )
        self.read_only_note.setVisible(not self.editable)

        self.organisation_page = OrganisationPage(ctx, self.editable)
        self.schools_page = SchoolsPage(ctx, self.editable)
        self.desk_page = DeskPage(ctx, self.editable)
        self.tabs = make_tabs()
        self.tabs.addTab(self.organisation_page, self.tr("Organisation"))
        self.tabs.addTab(self.schools_page, self.tr("Écoles et classes"))
        self.tabs.addTab(self.desk_page, self.tr("Poste et sécurité"))
        self.mail_page = MailPage(ctx, self.editable)
        self.tabs.addTab(self.mail_page, self.tr("Messagerie"))

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Paramètres")))
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.tabs, 1)
