"""« Attestation de frais de garde » in the dossier: a year and « Imprimer l'attestation »,
the family's tax certificate for that year in the preview (or why there is none)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from eticket_desk.services.invoicing.certificates import FIRST_YEAR, print_family_certificate
from eticket_desk.ui import pdf_preview
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error


class CertificateBox(QGroupBox):
    """The year (last year by default) and the print button; nothing before a first save."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Attestation de frais de garde (crédit d’impôt)"))
        self.ctx = ctx
        self.family_id: uuid.UUID | None = None
        today = ctx.store.clock.today()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(FIRST_YEAR, today.year)
        self.year_spin.setValue(today.year - 1 if today.month < 12 else today.year)
        self.year_spin.setPrefix(self.tr("Année "))
        self.year_spin.setAccessibleName(self.tr("Année de l’attestation"))
        self.print_button = QPushButton(self.tr("Imprimer l’a&ttestation"))
        self.print_button.clicked.connect(self._on_print_button_clicked)
        row = QHBoxLayout(self)
        row.addWidget(self.year_spin)
        row.addWidget(self.print_button)
        row.addStretch(1)
        self.set_family(None)

    def buttons(self) -> list[QWidget]:
        return [self.year_spin, self.print_button]

    def set_family(self, family_id: uuid.UUID | None) -> None:
        self.family_id = family_id
        self.print_button.setEnabled(family_id is not None)

    def _on_print_button_clicked(self) -> None:
        if self.family_id is None:
            return
        ctx, family_id, year = self.ctx, self.family_id, self.year_spin.value()
        title = self.tr("Attestation de frais de garde {year}").format(year=year)
        ctx.runner.submit(
            lambda: print_family_certificate(ctx.store, ctx.actor, family_id, year),
            lambda path: pdf_preview.preview(path, title, self),
            lambda exc: show_error(self, exc),
        )


class BoxesColumn(QWidget):
    """Several boxes one under the other as the family tab's `extra`, their buttons in order."""

    def __init__(self, *boxes: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes = boxes
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in boxes:
            layout.addWidget(box)

    def buttons(self) -> list[QWidget]:
        return [b for box in self.boxes if hasattr(box, "buttons") for b in box.buttons()]
