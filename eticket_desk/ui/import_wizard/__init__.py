"""« Importer des familles… »: the import wizard of families and registrations."""

from eticket_desk.ui.import_wizard.wizard import ImportWizard

__all__ = ["ImportWizard"]
