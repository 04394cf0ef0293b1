"""What a receipt (quittance) prints, whatever its layout: its lines, payments and totals,
and the wording both layouts share (reports/receipt.py on A4, receipt_ticket.py on 80 mm)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eticket_desk.reports.inputs import OrganisationData

METHODS = {"cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire"}
NOT_REFUNDABLE = "Les tickets achetés ne sont pas remboursables."
KEEP_IT = "Document à conserver : il vaut justificatif de paiement."
WALLET = "Solde du porte-monnaie après l'achat"


@dataclass(frozen=True)
class ReceiptLine:
    label: str
    quantity: int
    unit_cents: int
    amount_cents: int


@dataclass(frozen=True)
class ReceiptPayment:
    method: str  # "cash" | "cheque" | "card"
    amount_cents: int
    # « Chèque n° 1234567 — Crédit Agricole — tiré par M. DUPONT »,
    # « Espèces : reçu 50,00 €, rendu 12,50 € », « Carte bancaire — terminal 4F2A91 »
    details: str


@dataclass(frozen=True)
class ReceiptData:
    organisation: OrganisationData
    number: str  # "Q-2026-000123"
    issued_at: datetime
    agent_name: str
    till_label: str
    family_reference: str
    family_name: str
    address_lines: tuple[str, ...]
    lines: tuple[ReceiptLine, ...]
    payments: tuple[ReceiptPayment, ...]
    total_cents: int
    balances_after: tuple[tuple[str, int], ...]  # ("Garderie", 12): tickets left per type
    qf_text: str  # « Quotient familial 850 € — tranche 2 »
    kind: str = "tickets"  # "invoices": invoices paid at the counter (no wallet, no tickets)

    @property
    def for_tickets(self) -> bool:
        return self.kind == "tickets"

    def __post_init__(self) -> None:
        if self.total_cents != sum(line.amount_cents for line in self.lines):
            raise ValueError("the receipt total is not the sum of its lines")
        if self.payments and self.total_cents != sum(p.amount_cents for p in self.payments):
            raise ValueError("the receipt payments do not add up to its total")


def method_label(method: str) -> str:
    """'Espèces', 'Chèque', 'Carte bancaire' (an unknown method prints as given)."""
    return METHODS.get(method, method)


def receipt_title(data: ReceiptData) -> str:
    return f"Quittance n° {data.number}"
