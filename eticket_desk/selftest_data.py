"""The data the self-test prints (`eticket-desk --selftest`): one document of each kind that
takes no database (receipts, till journal, deposit slip, invoice, reminder letter) and a
generated run of invoices big enough for worker processes, with the demo commune's logo
drawn here. Built from the demo town's names (services/demo/data); the developer's sample
PDFs and the benchmarks build on them (devtools/samples)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw

from eticket_desk.reports import till_journal
from eticket_desk.reports.deposit_slip import DepositSlipData, SlipCheque
from eticket_desk.reports.invoice import InvoiceChild, InvoiceData, InvoiceLine
from eticket_desk.reports.receipt_data import ReceiptData, ReceiptLine, ReceiptPayment
from eticket_desk.reports.reminder_letter import ReminderData, ReminderInvoice
from eticket_desk.reports.till_journal import TillJournalData
from eticket_desk.rules.billing import billed_days_text
from eticket_desk.rules.money import format_cents
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo.data import BOYS, COMMUNE, GIRLS, SCHOOLS, STREETS, SURNAMES

ISSUED = date(2026, 12, 1)
DUE = ISSUED + timedelta(days=30)
TOWN_LINE = "74218 VAL-D'ARVE-LES-BAINS"
SCHOOL = "École Jules Ferry"
# (activity, unit, unit price in cents by QF bracket 1..4)
TARIFFS = (
    ("Cantine", "repas", (295, 340, 385, 430)),
    ("Garderie matin", "matins", (120, 140, 160, 180)),
    ("Garderie soir", "soirs", (150, 170, 190, 210)),
)
QF_BRACKETS = ((1, 480), (2, 640), (3, 910), (4, 1350))


@lru_cache(maxsize=1)
def sample_logo() -> bytes:
    """The demo commune's emblem as a PNG: a navy shield, a snowy peak over the Arve."""
    scale = 4
    size = 120 * scale
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    navy, snow, river, sky = (
        (31, 58, 95, 255),
        (255, 255, 255, 255),
        (92, 155, 213, 255),
        (214, 228, 242, 255),
    )

    def pt(x: float, y: float) -> tuple[float, float]:
        return (x * scale, y * scale)

    pen.rounded_rectangle([pt(14, 6), pt(106, 70)], radius=6 * scale, fill=navy)
    pen.polygon([pt(14, 60), pt(106, 60), pt(60, 114)], fill=navy)
    pen.ellipse([pt(76, 16), pt(90, 30)], fill=(240, 196, 80, 255))
    pen.polygon([pt(22, 78), pt(50, 30), pt(66, 54), pt(76, 42), pt(98, 78)], fill=sky)
    pen.polygon([pt(50, 30), pt(42, 44), pt(48, 41), pt(53, 46), pt(58, 42)], fill=snow)
    pen.polygon([pt(76, 42), pt(71, 50), pt(76, 48), pt(80, 51)], fill=snow)
    for index, y in enumerate((82, 90)):
        width = 34 - index * 10
        pen.line([pt(60 - width, y), pt(60 + width, y)], fill=river, width=4 * scale)
    image = image.resize((240, 240), Image.LANCZOS)
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def sample_organisation() -> OrganisationData:
    """The demo town's commune, régie and trésorerie."""
    return OrganisationData(**COMMUNE)


# The days each activity runs (Monday = 0), and the public holiday of November 2026.
WEEKDAYS = {
    "Cantine": (0, 1, 3, 4),
    "Garderie matin": (0, 1, 2, 3, 4),
    "Garderie soir": (0, 1, 3, 4),
}
HOLIDAYS = (date(2026, 11, 11),)


def _days(activity: str, count: int, start: date = date(2026, 11, 2), skip: int = 0) -> list[date]:
    """The first `count` days `activity` runs from `start` (after `skip` of them)."""
    days, day = [], start
    while len(days) < count + skip and day.month == start.month:
        if day.weekday() in WEEKDAYS.get(activity, (0, 1, 3, 4)) and day not in HOLIDAYS:
            days.append(day)
        day += timedelta(days=1)
    return days[skip:]


def invoice_line(
    activity: str,
    unit: str,
    count: int,
    cents: int,
    bracket: int,
    note: str = "",
    prefix: str = "",
    start: date = date(2026, 11, 2),
    skip: int = 0,
    late: tuple[date, ...] = (),
) -> InvoiceLine:
    qf = dict(QF_BRACKETS)[bracket]
    if count < 2 and unit != "repas":  # « 1 matin », « 1 repas »
        unit = unit.removesuffix("s")
    nbsp = "\u00a0"  # « (tranche 2, QF 640) » never broken across lines
    rate = f"(tranche{nbsp}{bracket},{nbsp}QF{nbsp}{qf})"
    basis = f"{prefix}{count} {unit} × {format_cents(cents)} {rate}"
    days = billed_days_text(late or _days(activity, count, start, skip), late)
    return InvoiceLine(activity, f"{basis}{note}", count, cents, count * cents, days)


def invoice_child(name: str, school: str, lines: tuple[InvoiceLine, ...]) -> InvoiceChild:
    return InvoiceChild(name, school, lines, sum(line.amount_cents for line in lines))


def invoice_of(children: tuple[InvoiceChild, ...], **changes) -> InvoiceData:
    total = sum(child.subtotal_cents for child in children)
    paid = changes.pop("paid_cents", 0)
    fields = {
        "organisation": sample_organisation(),
        "kind": "invoice",
        "number": "F-2026-000123",
        "family_reference": "F00042",
        "billing_name": "M. et Mme DUPONT Jean-Baptiste",
        "address_lines": ("12 chemin des Écureuils", "Résidence Les Œillets, bât. B", TOWN_LINE),
        "issued_on": ISSUED,
        "period_label": "novembre 2026",
        "due_on": DUE,
        "children": children,
        "total_cents": total,
        "amount_due_cents": total - paid,
        "paid_cents": paid,
        "logo": sample_logo(),
    }
    fields.update(changes)
    return InvoiceData(**fields)


def sample_invoice() -> InvoiceData:
    """Two children's month of cantine and garderie, one of them with a late cancellation."""
    lea = invoice_child(
        "Léa DUPONT",
        f"{SCHOOL} — CE2",
        (
            invoice_line("Cantine", "repas", 15, 385, 2, " — 2 absences justifiées non facturées"),
            invoice_line(
                "Cantine",
                "repas",
                1,
                385,
                2,
                " — annulé après la date limite",
                late=(date(2026, 11, 30),),
            ),  # fmt: skip
            invoice_line("Garderie soir", "soirs", 8, 190, 2, skip=4),
        ),
    )
    tom = invoice_child(
        "Tom DUPONT",
        f"{SCHOOL} — GS",
        (
            invoice_line("Cantine", "repas", 17, 385, 2),
            invoice_line("Garderie matin", "matins", 10, 160, 2),
        ),
    )
    return invoice_of((lea, tom))


def sample_reminder() -> ReminderData:
    """A first reminder for two unpaid invoices, one of them partly paid."""
    return ReminderData(
        organisation=sample_organisation(),
        logo=sample_logo(),
        family_reference="F00042",
        billing_name="M. et Mme DUPONT Jean-Baptiste",
        address_lines=("12 chemin des Écureuils", "Résidence Les Œillets, bât. B", TOWN_LINE),
        issued_on=date(2027, 1, 18),
        pay_by=date(2027, 2, 1),
        invoices=(
            ReminderInvoice("F-2026-000087", date(2026, 11, 2), date(2026, 12, 2), 9640, 4000),
            ReminderInvoice("F-2026-000123", ISSUED, DUE, 14350, 0),
        ),
        total_remaining_cents=5640 + 14350,
        signer="Jérôme Buttay",
        signer_title="Le régisseur",
    )


def generated_invoices(count: int, seed: int = 1) -> list[InvoiceData]:
    """`count` invoices of 1–3 children with 2–4 lines each, deterministic (benchmark)."""
    rng = random.Random(seed)
    organisation, logo = sample_organisation(), sample_logo()
    out = []
    for number in range(1, count + 1):
        surname = rng.choice(SURNAMES).upper()
        bracket, _ = rng.choice(QF_BRACKETS)
        children = []
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
            first = rng.choice(GIRLS + BOYS)
            lines = tuple(
                invoice_line(activity, unit, rng.randint(4, 17), cents[bracket - 1], bracket)
                for activity, unit, cents in rng.sample(TARIFFS, rng.randint(1, 3))
            )
            grade = rng.choice(("PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"))
            school = rng.choice(SCHOOLS)[0]
            children.append(invoice_child(f"{first} {surname}", f"{school} — {grade}", lines))
        total = sum(child.subtotal_cents for child in children)
        out.append(
            InvoiceData(
                organisation=organisation,
                kind="invoice",
                number=f"F-2026-{number:06d}",
                family_reference=f"F{number:05d}",
                billing_name=f"{rng.choice(('M.', 'Mme', 'M. et Mme'))} {surname}",
                address_lines=(f"{rng.randint(1, 120)} {rng.choice(STREETS)}", TOWN_LINE),
                issued_on=ISSUED,
                period_label="novembre 2026",
                due_on=DUE,
                children=tuple(children),
                total_cents=total,
                amount_due_cents=total,
                logo=logo,
            )
        )
    return out


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
