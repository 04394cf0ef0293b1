"""Sample counter documents (receipts, till journal, deposit slip) built from the demo town."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from eticket_desk.reports import deposit_slip, receipt, till_journal
from eticket_desk.reports.deposit_slip import DepositSlipData, SlipCheque
from eticket_desk.reports.receipt import ReceiptData, ReceiptLine, ReceiptPayment
from eticket_desk.reports.till_journal import TillJournalData
from eticket_desk.rules.money import format_cents
from eticket_desk.services.demo_data import COMMUNE
from eticket_desk.services.organisation import OrganisationData

AGENT = "Noémie Favre"
REGISSEUR = "Jérôme Buttay"
TILL = "Guichet de la mairie"
DAY = datetime(2026, 11, 23, 7, 45)

# (reference, family name) of the day's customers.
FAMILIES = (
    ("F00042", "DUPONT Jean-Baptiste"),
    ("F00107", "MÉGEVAND Hélène"),
    ("F00213", "LEFÈVRE Éloïse"),
    ("F00388", "BOUVIER-CHAPPAZ Anaïs"),
    ("F00451", "N'DIAYE Moussa"),
    ("F00519", "FAVRE-FÉLIX Gaëlle"),
    ("F00604", "DUCRETTET Loïc"),
    ("F00733", "GRANDCHAVIN Maëlys"),
)
BANKS = (
    "Crédit Agricole des Savoie",
    "Banque Populaire AURA",
    "La Banque Postale",
    "CIC Lyonnaise",
)


def sample_organisation() -> OrganisationData:
    """The demo town's commune, régie and trésorerie."""
    return OrganisationData(**COMMUNE)


def sample_receipt() -> ReceiptData:
    """A family buying garderie and cantine tickets, paid by cheque and in cash."""
    lines = (
        ReceiptLine("Tickets garderie du matin — tranche 2", 10, 180, 1800),
        ReceiptLine("Tickets cantine (repas) — tranche 2", 8, 420, 3360),
        ReceiptLine("Tickets TAP — atelier du vendredi", 1, 250, 250),
    )
    total = sum(line.amount_cents for line in lines)
    cheque = 3000
    cash = total - cheque
    return ReceiptData(
        organisation=sample_organisation(),
        number="Q-2026-000123",
        issued_at=DAY.replace(hour=16, minute=42),
        agent_name=AGENT,
        till_label=TILL,
        family_reference="F00042",
        family_name="M. et Mme DUPONT Jean-Baptiste",
        address_lines=(
            "12 chemin des Écureuils",
            "Résidence Les Œillets, bât. B",
            "74218 VAL-D'ARVE-LES-BAINS",
        ),
        lines=lines,
        payments=(
            ReceiptPayment(
                "cheque", cheque, "Chèque n° 1234567 — Crédit Agricole — tiré par M. DUPONT"
            ),
            ReceiptPayment(
                "cash",
                cash,
                f"Espèces : reçu {format_cents(3000)}, rendu {format_cents(3000 - cash)}",
            ),
        ),
        total_cents=total,
        balances_after=(("Garderie", 12), ("Cantine", 9), ("TAP", 1)),
        qf_text="Quotient familial 850 € — tranche 2",
    )


def sample_journal() -> TillJournalData:
    """A closed day at the counter: 10 receipts, one cancelled, a 2,30 € shortfall."""
    receipts = []
    moment = DAY.replace(hour=8, minute=5)
    cash_total = 0
    for index in range(10):
        reference, name = FAMILIES[index % len(FAMILIES)]
        amount = (4 + (index * 7) % 23) * 180
        method = ("cash", "cheque", "card", "cash", "card")[index % 5]
        cash = amount if method == "cash" else 0
        cancelled = index == 6
        if not cancelled:
            cash_total += cash
        receipts.append(
            till_journal.JournalReceipt(
                number=f"Q-2026-{101 + index:06d}",
                issued_at=moment,
                family_reference=reference,
                family_name=name,
                cash_cents=cash,
                cheque_cents=amount if method == "cheque" else 0,
                card_cents=amount if method == "card" else 0,
                total_cents=amount,
                cancelled=cancelled,
            )
        )
        moment += timedelta(minutes=13 + (index * 5) % 11)
    float_cents = 15_000
    expected = float_cents + cash_total
    return TillJournalData(
        organisation=sample_organisation(),
        title="Journal de caisse du lundi 23 novembre 2026",
        till_label=TILL,
        agent_name=f"{AGENT} (agente d'accueil)",
        opened_at=DAY,
        closed_at=DAY.replace(hour=18, minute=10),
        float_cents=float_cents,
        receipts=tuple(receipts),
        expected_cash_cents=expected,
        counted_cash_cents=expected - 230,
        difference_cents=-230,
        difference_note="Monnaie rendue en trop à un parent (pièce de 2 € confondue), signalé au régisseur.",
        signed_by=REGISSEUR,
        handovers=(
            f"À 16\u00a0h\u00a030, caisse reprise par {REGISSEUR} (régisseur), tenue jusque-là "
            f"par {AGENT} (agente d'accueil).",
        ),
    )


def sample_slip() -> DepositSlipData:
    """Twelve cheques of the week handed to the trésorerie."""
    drawers = (
        "M. DUPONT Jean-Baptiste",
        "Mme MÉGEVAND Hélène",
        "M. ou Mme LEFÈVRE",
        "Mme BOUVIER-CHAPPAZ Anaïs",
    )
    cheques = tuple(
        SlipCheque(
            number=f"{3141592 + index * 7919:07d}",
            bank=BANKS[index % len(BANKS)],
            drawer=drawers[index % len(drawers)],
            amount_cents=(12 + (index * 11) % 40) * 250,
            receipt_number=f"Q-2026-{98 + index * 3:06d}",
        )
        for index in range(12)
    )
    return DepositSlipData(
        organisation=sample_organisation(),
        slip_number="B-2026-0007",
        made_at=DAY.replace(hour=18, minute=20),
        agent_name=REGISSEUR,
        cheques=cheques,
        total_cents=sum(c.amount_cents for c in cheques),
    )


def render_counter_samples(out_dir: Path) -> list[Path]:
    """Write receipt_a4.pdf, receipt_ticket.pdf, till_journal.pdf and deposit_slip.pdf."""
    out_dir = Path(out_dir)
    return [
        receipt.render(sample_receipt(), out_dir / "receipt_a4.pdf"),
        receipt.render(sample_receipt(), out_dir / "receipt_ticket.pdf", layout="ticket"),
        till_journal.render(sample_journal(), out_dir / "till_journal.pdf"),
        deposit_slip.render(sample_slip(), out_dir / "deposit_slip.pdf"),
    ]
