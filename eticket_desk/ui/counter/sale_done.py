"""What the counter shows once a sale is recorded: the receipt number, the change to give back
in large type, the new balances; the receipt goes to the printer at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from eticket_desk.rules.money import format_cents
from eticket_desk.ui import pdf_preview
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.counter.widgets import big_label


def _tickets(name: str, count: int) -> str:
    return f"{name} {count} ticket" + ("s" if abs(count) > 1 else "")


class SaleDonePanel(QGroupBox):
    """« Vente enregistrée »: shown until the next family is scanned."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Vente enregistrée"), parent)
        self.receipt_path: Path | None = None
        self.receipt_label = big_label(factor=1.5)
        self.family_label = QLabel()
        self.change_label = big_label(factor=2.6)
        self.balances_label = QLabel()
        self.balances_label.setWordWrap(True)
        self.printed_label = note_label()
        self.open_receipt_button = QPushButton(self.tr("Aperçu et réimpression du reçu…"))
        self.open_receipt_button.setAutoDefault(False)
        self.open_receipt_button.clicked.connect(self._on_open_receipt_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.receipt_label)
        layout.addWidget(self.family_label)
        layout.addWidget(QLabel(self.tr("Monnaie à rendre")))
        layout.addWidget(self.change_label)
        layout.addWidget(self.balances_label)
        layout.addWidget(self.printed_label)
        row = QHBoxLayout()
        row.addWidget(self.open_receipt_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(note_label(self.tr("Famille suivante : scannez sa carte.")))
        layout.addStretch(1)

    def show_sale(self, family, done, receipt_path: Path) -> None:
        """Tickets sold: `done` is the services.sales result."""
        balances = ", ".join(_tickets(name, count) for name, count in done.balances_after)
        details = self.tr("Nouveau solde : %s") % balances
        self.show_receipt(family, done.receipt_number, done.change_cents, details, receipt_path)

    def show_invoice_payment(self, family, done, receipt_path: Path) -> None:
        """Invoices paid: `done` is the services.invoice_payments result."""
        parts = [
            self.tr("%s : %s réglés") % (number, format_cents(amount))
            for number, amount in done.applied
        ]
        if done.left_cents:
            parts.append(self.tr("reste à payer %s") % format_cents(done.left_cents))
        if done.credit_cents:
            parts.append(self.tr("%s gardés en avoir") % format_cents(done.credit_cents))
        details = "; ".join(parts)
        self.show_receipt(family, done.receipt_number, done.change_cents, details, receipt_path)

    def show_receipt(
        self, family, receipt_number: str, change_cents: int, details: str, receipt_path: Path
    ) -> None:
        """The receipt is printed at once."""
        self.receipt_path = receipt_path
        self.receipt_label.setText(self.tr("Reçu n° %s") % receipt_number)
        self.family_label.setText(f"{family.reference}  {family.display_name}")
        self.change_label.setText(format_cents(change_cents))
        self.balances_label.setText(details)
        printer = pdf_preview.print_now(receipt_path)
        self.printed_label.setToolTip("")
        if printer:
            self.printed_label.setText(self.tr("Reçu envoyé à l'imprimante « %s ».") % printer)
        else:  # the file's name; its folder (a long AppData path) on hover
            self.printed_label.setText(
                self.tr(
                    "Aucune imprimante sur ce poste : le reçu est enregistré (%s), "
                    "« Aperçu et réimpression du reçu… » l'ouvre."
                )
                % receipt_path.name
            )
            self.printed_label.setToolTip(str(receipt_path))

    def _on_open_receipt_button_clicked(self) -> None:
        if self.receipt_path is not None:
            pdf_preview.preview(self.receipt_path, self.tr("Reçu"), self)
