"""« Importer des familles… »: file → columns → dry run → import, the wizard holding the state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget, QWizard

from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.store import Actor
from eticket_desk.services.importing import (
    Decision,
    DryRunReport,
    ImportMapping,
    ImportResult,
    Table,
)
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.import_wizard.dry_run_page import DryRunPage
from eticket_desk.ui.import_wizard.file_page import FilePage
from eticket_desk.ui.import_wizard.import_page import ImportPage
from eticket_desk.ui.import_wizard.mapping_page import MappingPage


class ImportWizard(QWizard):
    """Families and registrations from a spreadsheet, checked by a dry run, then imported
    all or nothing."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table: Table | None = None
        self.path: str = ""
        self.mapping: ImportMapping | None = None
        self.activities: list[tuple[str, str]] = []
        self.report: DryRunReport | None = None
        self.decisions: dict[int, Decision] = {}
        self.result: ImportResult | None = None
        self.setWindowTitle(self.tr("Importer des familles"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(900, 620)
        for button, text in (
            (QWizard.WizardButton.BackButton, self.tr("< &Précédent")),
            (QWizard.WizardButton.NextButton, self.tr("&Suivant >")),
            (QWizard.WizardButton.CancelButton, self.tr("Annuler")),
            (QWizard.WizardButton.FinishButton, self.tr("&Terminer")),
            (QWizard.WizardButton.CommitButton, self.tr("&Importer")),
        ):
            self.setButtonText(button, text)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.dry_run_page = DryRunPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.mapping_page, self.dry_run_page, self.import_page):
            self.addPage(page)

    @staticmethod
    def allowed(actor: Actor) -> bool:
        """Whether the menu entry is offered (the services check again)."""
        return actor.can(Permission.FAMILY_EDIT) and actor.can(Permission.BOOKING_EDIT)

    def forget_file(self) -> None:
        self.table = self.mapping = self.report = None
        self.decisions = {}

    def use_file(
        self, table: Table, mapping: ImportMapping, activities: list[tuple[str, str]]
    ) -> None:
        self.table, self.mapping, self.activities = table, mapping, activities
        self.path = self.file_page.path_edit.text()

    def open_file(self, path: Path | str) -> None:
        """Starts on `path` as if the agent had chosen it (the main window's drop, tests)."""
        self.file_page.open_file(Path(path))
