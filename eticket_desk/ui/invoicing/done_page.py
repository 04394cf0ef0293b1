"""The last page of a run: what was issued (count, total, numbers, due date, the families
left out), where the PDFs are, and the buttons to print them or open their folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from eticket_desk.rules.text import first_upper
from eticket_desk.services.invoicing.drafts import DraftInvoice
from eticket_desk.services.invoicing.run import RunResult
from eticket_desk.ui.admin.forms import format_date, note_label
from eticket_desk.ui.counter.widgets import OK_COLOUR, WARNING_COLOUR, coloured, scaled
from eticket_desk.ui.invoicing.common import count, invoices_word, money

NAMES_SHOWN = 10


class DonePage(QWidget):
    """Filled by `show_issued`, then `show_files` or `show_pdf_error`; the dialog wires the
    buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = coloured(scaled(QLabel(), 1.6), OK_COLOUR)
        self.numbers_label = scaled(QLabel(), 1.25)
        self.numbers_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.due_label = QLabel()
        self.excluded_label = note_label()
        self.count_warning = coloured(QLabel(), WARNING_COLOUR)
        self.count_warning.setVisible(False)
        self.files_label = note_label()
        self.files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pdf_error = coloured(QLabel(), WARNING_COLOUR)
        self.pdf_error.setVisible(False)
        self.print_button = QPushButton(self.tr("Ouvrir le fichier à &imprimer"))
        self.folder_button = QPushButton(self.tr("Ouvrir le &dossier"))
        self.retry_button = QPushButton(self.tr("&Réessayer l'écriture des PDF"))
        row = QHBoxLayout()
        for button in (self.print_button, self.folder_button, self.retry_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (
            self.title,
            self.numbers_label,
            self.due_label,
            self.excluded_label,
            self.count_warning,
        ):
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addWidget(self.files_label)
        layout.addWidget(self.pdf_error)
        layout.addLayout(row)
        layout.addWidget(
            note_label(
                self.tr(
                    "Une facture émise ne change plus : pour la corriger, établissez un avoir "
                    "dans la liste des factures, puis facturez de nouveau la famille."
                )
            )
        )
        layout.addStretch(3)

    def show_issued(
        self,
        period_label: str,
        result: RunResult,
        due: date | None,
        excluded: list[DraftInvoice],
        expected: int,
    ) -> None:
        issued = self.tr("émise") if result.invoices == 1 else self.tr("émises")
        self.title.setText(
            self.tr("{period} : {invoices} {issued} — {total}").format(
                period=first_upper(period_label),
                invoices=invoices_word(result.invoices),
                issued=issued,
                total=money(result.total_cents),
            )
        )
        self.numbers_label.setText(
            self.tr("Numéros {first} à {last}").format(
                first=result.first_number, last=result.last_number
            )
        )
        self.due_label.setText(
            self.tr("À payer au plus tard le {day}.").format(day=format_date(due)) if due else ""
        )
        names = ", ".join(f"{d.reference} {d.family_name}" for d in excluded[:NAMES_SHOWN])
        if len(excluded) > NAMES_SHOWN:
            names += ", …"
        self.excluded_label.setText(
            self.tr("Familles exclues, sans facture pour cette période ({n}) : {names}").format(
                n=count(len(excluded)), names=names
            )
            if excluded
            else self.tr("Aucune famille exclue.")
        )
        differs = result.invoices != expected
        self.count_warning.setVisible(differs)
        if differs:
            self.count_warning.setText(
                self.tr(
                    "L'aperçu en comptait {n} : les réservations ont changé entre l'aperçu et "
                    "l'émission, qui facture ce qu'elles disent à cet instant."
                ).format(n=count(expected))
            )

    def show_files(self, folder: Path) -> None:
        self.files_label.setText(
            self.tr(
                "Une facture par fichier et le fichier à imprimer (toutes les factures à la "
                "suite) sont dans le dossier « {name} » des factures."
            ).format(name=folder.name)
        )
        self.files_label.setToolTip(str(folder))
        self.pdf_error.setVisible(False)
        self._buttons(pdfs=True)

    def show_pdf_error(self, error: str) -> None:
        self.pdf_error.setText(
            self.tr(
                "Les factures sont émises, mais leurs PDF n'ont pas pu être écrits : {error}"
            ).format(error=error)
        )
        self.pdf_error.setVisible(True)
        self.files_label.setText("")
        self._buttons(pdfs=False)

    def _buttons(self, pdfs: bool) -> None:
        self.print_button.setVisible(pdfs)
        self.folder_button.setVisible(pdfs)
        self.retry_button.setVisible(not pdfs)
