"""Sample invoices, credit note and reminder letter of the demo town (and a generated run of
thousands of invoices for the benchmark), with the commune's demo logo drawn here."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

from eticket_desk.reports import invoice, reminder_letter
from eticket_desk.reports.invoice import InvoiceChild, InvoiceData, InvoiceLine
from eticket_desk.reports.reminder_letter import ReminderData, ReminderInvoice
from eticket_desk.rules.billing import billed_days_text
from eticket_desk.rules.money import format_cents
from eticket_desk.services.demo_data import BOYS, COMMUNE, GIRLS, SCHOOLS, STREETS, SURNAMES
from eticket_desk.services.organisation import OrganisationData

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


def _line(
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


def _child(name: str, school: str, lines: tuple[InvoiceLine, ...]) -> InvoiceChild:
    return InvoiceChild(name, school, lines, sum(line.amount_cents for line in lines))


def _invoice(children: tuple[InvoiceChild, ...], **changes) -> InvoiceData:
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
    lea = _child(
        "Léa DUPONT",
        f"{SCHOOL} — CE2",
        (
            _line("Cantine", "repas", 15, 385, 2, " — 2 absences justifiées non facturées"),
            _line(
                "Cantine",
                "repas",
                1,
                385,
                2,
                " — annulé après la date limite",
                late=(date(2026, 11, 30),),
            ),  # fmt: skip
            _line("Garderie soir", "soirs", 8, 190, 2, skip=4),
        ),
    )
    tom = _child(
        "Tom DUPONT",
        f"{SCHOOL} — GS",
        (_line("Cantine", "repas", 17, 385, 2), _line("Garderie matin", "matins", 10, 160, 2)),
    )
    return _invoice((lea, tom))


def sample_long_invoice() -> InvoiceData:
    """Three children and 40 lines detailed week by week: it runs onto a second page."""
    weeks = ("2 novembre", "9 novembre", "16 novembre", "23 novembre", "30 novembre")
    children = []
    for index, (name, grade) in enumerate((("Léa", "CE2"), ("Tom", "GS"), ("Zoé", "CM1"))):
        lines = [
            _line(
                activity,
                unit,
                1 + (week + index) % 4,
                cents[1],
                2,
                prefix=f"Semaine du {day} : ",
                start=date(2026, 11, 2 + 7 * week),
            )  # fmt: skip
            for week, day in enumerate(weeks)
            for activity, unit, cents in TARIFFS
        ]
        count = (14, 13, 13)[index]
        children.append(_child(f"{name} DUPONT", f"{SCHOOL} — {grade}", tuple(lines[:count])))
    return _invoice(tuple(children), paid_cents=2000)


def sample_family_invoice() -> InvoiceData:
    """Four children, three to four lines each, a late cancellation among them: it takes two
    pages, the second with the last lines, the totals and the coupon."""
    grades = (("Léa", "CM2"), ("Tom", "CE1"), ("Zoé", "GS"), ("Noé", "PS"))
    children = []
    for index, (name, grade) in enumerate(grades):
        lines = [
            _line("Cantine", "repas", 14 - index, 385, 2, skip=index),
            _line("Garderie matin", "matins", 9 + index, 160, 2, skip=2),
            _line("Garderie soir", "soirs", 6 + 2 * index, 190, 2, skip=index),
        ]
        if index % 2 == 0:
            late = (date(2026, 11, 19 + index),)
            lines.append(_line("Cantine", "repas", 1, 385, 2, " — annulé hors délai", late=late))
        children.append(_child(f"{name} DUPONT", f"{SCHOOL} — {grade}", tuple(lines)))
    return _invoice(tuple(children), number="F-2026-000124")


def sample_credit_note() -> InvoiceData:
    """Meals of a week of illness, refunded by a credit note on the November invoice."""
    line = InvoiceLine(
        "Cantine",
        "3 repas × 3,85 € (tranche 2, QF 640) — absence justifiée du 23 au 26 novembre",
        3,
        385,
        1155,
    )
    return _invoice(
        (_child("Léa DUPONT", f"{SCHOOL} — CE2", (line,)),),
        kind="credit_note",
        number="A-2026-000012",
        issued_on=date(2026, 12, 9),
        due_on=None,
        amount_due_cents=0,
        refers_to="F-2026-000123",
        refers_to_date=ISSUED,
        note=(
            "Certificat médical reçu le 8 décembre 2026 : les repas de l'absence ne sont pas "
            "dus. Le montant de cet avoir sera déduit de votre prochaine facture."
        ),
    )


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
                _line(activity, unit, rng.randint(4, 17), cents[bracket - 1], bracket)
                for activity, unit, cents in rng.sample(TARIFFS, rng.randint(1, 3))
            )
            grade = rng.choice(("PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"))
            school = rng.choice(SCHOOLS)[0]
            children.append(_child(f"{first} {surname}", f"{school} — {grade}", lines))
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


def render_invoice_samples(out_dir: Path) -> list[Path]:
    """Write invoice_a4.pdf, invoice_long.pdf, invoice_four_children.pdf,
    invoice_credit_note.pdf, reminder_letter.pdf."""
    out_dir = Path(out_dir)
    return [
        invoice.render(sample_invoice(), out_dir / "invoice_a4.pdf"),
        invoice.render(sample_long_invoice(), out_dir / "invoice_long.pdf"),
        invoice.render(sample_family_invoice(), out_dir / "invoice_four_children.pdf"),
        invoice.render(sample_credit_note(), out_dir / "invoice_credit_note.pdf"),
        reminder_letter.render(sample_reminder(), out_dir / "reminder_letter.pdf"),
    ]
