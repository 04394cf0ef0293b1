"""Invoice runs on a real SQLite file: amounts to the cent by QF bracket and tariff period,
the billing rules of seed 003, gapless numbers, nothing written when a run fails, credit
notes, and the PDFs read back."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from eticket_desk.models import Booking, Family, Invoice, NumberSeries
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.families.data import ChildData
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.invoicing import run as invoicing
from eticket_desk.services.invoicing.documents import print_invoice, write_run_pdfs
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import credit_note, family_credit, issue_run, preview_run
from tests.conftest import validated_family

# Canteen: 3,10 € / 3,85 € / 4,60 € by QF; hors commune 5,20 € whatever the QF.
CANTEEN = [Bracket(600, 310, 520), Bracket(1000, 385, 520), Bracket(None, 460, 520)]
CANTEEN_LATER = [Bracket(600, 320, 530), Bracket(1000, 395, 530), Bracket(None, 470, 530)]
NOVEMBER = month_period("2026-11")
# The canteen's days of November 2026 (Mon, Tue, Thu, Fri; 11 November is a holiday).
DAYS = [date(2026, 11, d) for d in (2, 3, 5, 6, 9, 10, 12, 13, 16, 17, 19, 20)]


def _with_two_children(store, admin, schools, qf):
    family = validated_family(store, admin, schools)
    ce2 = next(c for c in schools[0].classes if c.name == "CE2")
    family.children.append(
        ChildData(
            last_name="Dupont",
            first_name="Hugo",
            birth_date=date(2018, 2, 11),
            school_id=schools[0].id,
            class_id=ce2.id,
        )
    )
    family.qf_value, family.qf_date = qf, date(2026, 9, 1)
    saved = save_family(store, admin, family)
    return load_family(store, admin, saved.id)


@pytest.fixture
def canteen(store, admin, activities):
    cantine = activities["CANTINE"]
    save_activity_tariff(store, admin, cantine.id, date(2026, 9, 14), CANTEEN)
    save_activity_tariff(store, admin, cantine.id, date(2026, 11, 16), CANTEEN_LATER)
    return cantine


def _book(store, admin, child, activity, days):
    for day in days:
        book_day(store, admin, child.id, activity.id, day)


def test_a_month_billed_to_the_cent(store, admin, coordinator, schools, canteen, clock):
    family = _with_two_children(store, admin, schools, qf=850)  # bracket 2
    lea, hugo = family.children
    _book(store, admin, lea, canteen, DAYS)  # 12 days: 8 before the 16th, 4 from it
    _book(store, admin, hugo, canteen, DAYS[:6])
    # Hugo: 5 November absent with a medical certificate (not billed), 6 November cancelled
    # after the deadline by the coordinator (billed), 2 November cancelled in time (not).
    cancel_booking(store, admin, hugo.id, canteen.id, date(2026, 11, 2))
    with store.write(admin) as session:
        session.execute(
            update(Booking)
            .where(Booking.child_id == hugo.id, Booking.day == date(2026, 11, 5))
            .values(state="absent_justified")
        )
    clock.current = datetime(2026, 11, 6, 8, 0)
    cancel_booking(
        store, coordinator, hugo.id, canteen.id, date(2026, 11, 6), override_reason="Malade"
    )
    clock.current = datetime(2026, 12, 1, 9, 0)

    preview = preview_run(store, admin, NOVEMBER)
    [draft] = preview.drafts
    by_child = {c.name: c for c in draft.children}
    lea_lines = [line for _, line in by_child["Léa DUPONT"].lines]
    assert [(x.quantity, x.unit_cents, x.amount_cents) for x in lea_lines] == [
        (8, 385, 3080),
        (4, 395, 1580),
    ]
    assert "8 jours × 3,85" in lea_lines[0].basis and "tranche 2 sur 3" in lea_lines[0].basis
    hugo_lines = [line for _, line in by_child["Hugo DUPONT"].lines]
    # 3, 6 (late cancellation), 9, 10 November: 4 days
    assert [(x.quantity, x.amount_cents) for x in hugo_lines] == [(4, 1540)]
    assert draft.total_cents == 3080 + 1580 + 1540

    result = issue_run(store, admin, NOVEMBER)
    assert (result.invoices, result.total_cents) == (1, 6200)
    assert result.first_number == "F-2026-000001"
    with store.read() as session:
        invoice = session.scalar(select(Invoice))
        assert invoice.due_date == date(2026, 12, 31)  # 30 days by default
        assert invoice.billing_name == "Marie DUPONT"
    # a second run of the same month bills nobody twice
    again = preview_run(store, admin, NOVEMBER)
    assert again.drafts == () and again.already_invoiced == (
        (family.reference, family.display_name),
    )


def test_hors_commune_and_no_qf_pay_their_rate(store, admin, schools, canteen, clock):
    outside = validated_family(store, admin, schools, last_name="Martin")
    outside.adults[0].postcode, outside.adults[0].city = "74200", "Thonon-les-Bains"
    outside = load_family(store, admin, save_family(store, admin, outside).id)
    no_qf = validated_family(store, admin, schools, last_name="Bernard")
    _book(store, admin, outside.children[0], canteen, DAYS[:2])
    _book(store, admin, no_qf.children[0], canteen, DAYS[:2])
    clock.current = datetime(2026, 12, 1, 9, 0)
    totals = {d.reference: d.total_cents for d in preview_run(store, admin, NOVEMBER).drafts}
    assert totals == {outside.reference: 2 * 520, no_qf.reference: 2 * 460}


def test_a_run_failing_half_way_leaves_no_invoice_and_no_gap(
    store, admin, schools, canteen, clock, monkeypatch
):
    for name in ("Dupont", "Martin", "Bernard"):
        family = validated_family(store, admin, schools, last_name=name)
        _book(store, admin, family.children[0], canteen, DAYS[:3])
    clock.current = datetime(2026, 12, 1, 9, 0)

    def broken(*args, **kwargs):
        raise RuntimeError("coupure de courant")

    monkeypatch.setattr(invoicing, "record", broken)
    with pytest.raises(RuntimeError):
        issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        assert session.scalar(select(Invoice)) is None
        assert session.get(NumberSeries, "invoice-2026") is None
    monkeypatch.undo()
    result = issue_run(store, admin, NOVEMBER)
    assert (result.first_number, result.last_number) == ("F-2026-000001", "F-2026-000003")


def test_a_missing_tariff_stops_the_run(store, admin, schools, activities, clock):
    family = validated_family(store, admin, schools)
    _book(store, admin, family.children[0], activities["CANTINE"], DAYS[:1])
    clock.current = datetime(2026, 12, 1, 9, 0)
    with pytest.raises(DomainError, match="Aucun tarif n'est en vigueur pour « Cantine »"):
        preview_run(store, admin, NOVEMBER)
    with pytest.raises(InvalidInput, match="AAAA-MM"):
        month_period("novembre")


def test_a_credit_note_cancels_and_the_month_can_be_billed_again(
    store, admin, schools, canteen, clock, tmp_path
):
    family = validated_family(store, admin, schools)
    _book(store, admin, family.children[0], canteen, DAYS[:5])
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        invoice_id = session.scalar(select(Invoice.id))
    with pytest.raises(InvalidInput, match="motif"):
        credit_note(store, admin, invoice_id, " ")
    number = credit_note(store, admin, invoice_id, "Repas comptés en double")
    assert number == "A-2026-000001"
    text = PdfReader(print_invoice(store, admin, invoice_id, tmp_path / "f.pdf")).pages[0]
    assert "F-2026-000001" in text.extract_text()
    assert [d.reference for d in preview_run(store, admin, NOVEMBER).drafts] == [family.reference]
    assert family_credit(store, family.id) == 0  # nothing was paid on it


def test_the_run_writes_one_pdf_each_and_a_merged_file(
    store, admin, schools, canteen, clock, tmp_path
):
    references = []
    for name in ("Dupont", "Martin"):
        family = validated_family(store, admin, schools, last_name=name)
        references.append(family.reference)
        _book(store, admin, family.children[0], canteen, DAYS[:4])
    clock.current = datetime(2026, 12, 1, 9, 0)
    result = issue_run(store, admin, NOVEMBER)
    files, merged = write_run_pdfs(store, admin, result.run_id, tmp_path / "run")
    assert [f.name for f in files] == ["F-2026-000001.pdf", "F-2026-000002.pdf"]
    text = PdfReader(files[0]).pages[0].extract_text()
    # no QF: the highest bracket, 4 × 4,60 €
    for expected in ("F-2026-000001", "18,40", "novembre 2026", "Trésor Public", "31"):
        assert expected in text
    assert len(PdfReader(merged).pages) == 2
    with store.read() as session:
        assert {f.reference for f in session.scalars(select(Family))} == set(references)


def test_a_fare_run_bills_the_subscriptions_of_the_period(store, admin, schools, activities, clock):
    from eticket_desk.rules.templates import FareOption, WeekTemplate
    from eticket_desk.services.invoicing.queries import fare_periods
    from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription

    tap = activities["TAP"]
    # TAP by the period: 1 session a week 18,00 € / 2 sessions 30,00 € (no QF: top bracket)
    save_activity_tariff(store, admin, tap.id, date(2026, 9, 14), [Bracket(None, 1800, 2400)], "1")
    save_activity_tariff(store, admin, tap.id, date(2026, 9, 14), [Bracket(None, 3000, 3600)], "2")
    period = next(p for p in fare_periods(store) if p.start > date(2026, 10, 20))
    assert period.kind == "fare" and "2026-2027" in period.label
    families = {}
    for name, option, days in (
        ("Dupont", FareOption.TWO, (1, 4)),
        ("Martin", FareOption.ONE, (1,)),
    ):
        family = validated_family(store, admin, schools, last_name=name)
        families[name] = family
        draft = SubscriptionDraft(
            family.children[0].id,
            tap.id,
            period.start,
            period.end,
            WeekTemplate(days),
            fare_option=option,
        )
        apply_subscription(store, admin, draft)
    preview = preview_run(store, admin, period)
    totals = {d.reference: d.total_cents for d in preview.drafts}
    assert totals == {families["Dupont"].reference: 3000, families["Martin"].reference: 1800}
    assert preview.unpriced == ("Bus 8h30",)  # a fare activity never priced is said, not billed
    line = preview.drafts[0].children[0].lines[0][1]
    assert line.basis.startswith("Forfait 2 séances par semaine") and period.label in line.basis
    clock.current = datetime(2026, 11, 3, 9, 0)
    assert issue_run(store, admin, period).invoices == 2
    assert preview_run(store, admin, period).drafts == ()


def test_a_month_is_billed_once_it_is_over(store, admin, canteen, clock):
    clock.current = datetime(2026, 11, 30, 17, 0)
    with pytest.raises(DomainError, match="Novembre 2026 n'est pas terminé.*01/12/2026"):
        preview_run(store, admin, NOVEMBER)
