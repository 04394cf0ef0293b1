"""Presence marking on a real store: one transaction per save, audited, seat counters never
moved, and the next invoice follows (an absence with a medical certificate is not billed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from eticket_desk.rules.booking import BookingRefused, BookingState, RefusalCode
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.attendance.presence import (
    PresenceChange,
    absence,
    presence_sheet,
    save_presence,
)
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.bookings.occupancy import occupancy_report
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.core.audit import list_audit
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run, preview_run
from tests.conftest import validated_family

NOVEMBER = month_period("2026-11")
# The canteen's first week of November 2026 (Wednesday closed).
DAYS = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 6)]
CANTEEN = [Bracket(600, 310, 520), Bracket(1000, 385, 520), Bracket(None, 460, 520)]


@pytest.fixture
def lea(store, admin, schools, activities):
    family = validated_family(store, admin, schools)
    for day in DAYS:
        book_day(store, admin, family.children[0].id, activities["CANTINE"].id, day)
    return family.children[0]


def _billed_days(store, admin) -> int:
    [draft] = preview_run(store, admin, NOVEMBER).drafts
    return sum(line.quantity for child in draft.children for _, line in child.lines)


def test_presence_changes_the_next_invoice(store, admin, coordinator, lea, activities, clock):
    cantine = activities["CANTINE"]
    save_activity_tariff(store, admin, cantine.id, date(2026, 9, 14), CANTEEN)
    clock.current = datetime(2026, 12, 1, 9, 0)  # November is over: it can be billed
    assert _billed_days(store, admin) == 4
    # Absent on Thursday without a word: still billed (the seat was held).
    save_presence(store, coordinator, cantine.id, DAYS[2], [PresenceChange(lea.id, absence(False))])
    assert _billed_days(store, admin) == 4
    # The medical certificate arrives: the day is no longer billed.
    saved = save_presence(
        store, coordinator, cantine.id, DAYS[2], [PresenceChange(lea.id, absence(True))]
    )
    assert saved.changed == 1
    assert "1 absent avec certificat" in saved.message
    assert _billed_days(store, admin) == 3
    [draft] = preview_run(store, admin, NOVEMBER).drafts
    assert "3 jours × 4,60" in draft.children[0].lines[0][1].basis
    # Present on Monday: billed as before.
    save_presence(
        store, coordinator, cantine.id, DAYS[0], [PresenceChange(lea.id, BookingState.PRESENT)]
    )
    assert _billed_days(store, admin) == 3


def test_marking_never_moves_a_seat(store, admin, coordinator, schools, activities, clock):
    bus = activities["BUS"]  # two seats
    children = [
        validated_family(store, admin, schools, last_name=name).children[0]
        for name in ("Dupont", "Martin", "Bernard")
    ]
    day = date(2026, 9, 28)
    for child in children[:2]:
        book_day(store, admin, child.id, bus.id, day)
    book_day(store, admin, children[2].id, bus.id, day, waiting_list=True)
    clock.current = datetime(2026, 9, 28, 18, 0)
    save_presence(
        store,
        coordinator,
        bus.id,
        day,
        [
            PresenceChange(children[0].id, BookingState.PRESENT),
            PresenceChange(children[1].id, BookingState.ABSENT_UNJUSTIFIED),
        ],
    )
    [activity] = occupancy_report(store, coordinator, day, day, [bus.id]).activities
    assert (activity.days[0].booked, activity.days[0].waiting) == (2, 1)
    # The absent child held the seat: nobody was promoted from the waiting list, and the
    # day is pointed, so it cannot be cancelled any more.
    sheet = presence_sheet(store, coordinator, bus.id, day)
    assert [(r.last_name, r.state) for r in sheet.rows] == [
        ("Dupont", BookingState.PRESENT),
        ("Martin", BookingState.ABSENT_UNJUSTIFIED),
    ]
    with pytest.raises(BookingRefused) as refused:
        cancel_booking(store, admin, children[1].id, bus.id, day, override_reason="Oubli")
    assert refused.value.code == RefusalCode.BOOKING_LOCKED
    assert "déjà pointée" in refused.value.message
    # Taking the mark back (« non pointé ») leaves the counters alone too.
    save_presence(
        store, coordinator, bus.id, day, [PresenceChange(children[1].id, BookingState.BOOKED)]
    )
    [activity] = occupancy_report(store, coordinator, day, day, [bus.id]).activities
    assert activity.days[0].booked == 2


def test_one_transaction_per_save_and_audited(
    store, admin, coordinator, schools, lea, activities, clock
):
    cantine = activities["CANTINE"]
    other = validated_family(store, admin, schools, last_name="Martin").children[0]  # not booked
    clock.current = datetime(2026, 11, 6, 17, 0)
    with pytest.raises(DomainError) as refused:
        save_presence(
            store,
            coordinator,
            cantine.id,
            DAYS[0],
            [
                PresenceChange(lea.id, BookingState.PRESENT),
                PresenceChange(other.id, BookingState.PRESENT),
            ],
        )
    assert "n'est plus inscrit ce jour-là" in refused.value.message
    sheet = presence_sheet(store, coordinator, cantine.id, DAYS[0])
    assert [r.state for r in sheet.rows] == [BookingState.BOOKED]  # nothing half-written

    save_presence(
        store, coordinator, cantine.id, DAYS[0], [PresenceChange(lea.id, BookingState.PRESENT)]
    )
    [entry] = [x for x in list_audit(store, admin, text="Pointage") if x.user == "Sandra Haton"]
    assert "Pointage Léa DUPONT — Cantine du 02/11/2026" in entry.summary
    assert entry.details["state"] == ["booked", "present"]
    again = save_presence(
        store, coordinator, cantine.id, DAYS[0], [PresenceChange(lea.id, BookingState.PRESENT)]
    )
    assert again.changed == 0 and again.message == "Aucun changement à enregistrer."


def test_a_day_to_come_cannot_be_marked(store, coordinator, lea, activities, clock):
    clock.current = datetime(2026, 11, 5, 8, 0)
    cantine = activities["CANTINE"]
    assert presence_sheet(store, coordinator, cantine.id, DAYS[2]).editable  # today
    assert not presence_sheet(store, coordinator, cantine.id, DAYS[3]).editable
    with pytest.raises(DomainError) as refused:
        save_presence(
            store, coordinator, cantine.id, DAYS[3], [PresenceChange(lea.id, BookingState.PRESENT)]
        )
    assert "n'est pas encore passé" in refused.value.message


def test_marking_a_month_already_invoiced_says_so(store, admin, lea, activities, clock):
    cantine = activities["CANTINE"]
    save_activity_tariff(store, admin, cantine.id, date(2026, 9, 14), CANTEEN)
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, NOVEMBER)
    assert presence_sheet(store, admin, cantine.id, DAYS[1]).invoiced == 1
    saved = save_presence(
        store, admin, cantine.id, DAYS[1], [PresenceChange(lea.id, absence(True))]
    )
    assert saved.invoiced == ("Léa DUPONT",)
    assert "déjà facturé pour Léa DUPONT" in saved.message


def test_the_sheet_shows_diets_only_when_asked_and_allowed_and_audits_it(
    store, admin, agent, coordinator, lea, activities
):
    cantine = activities["CANTINE"]

    plain = presence_sheet(store, coordinator, cantine.id, DAYS[0])
    refused = presence_sheet(store, agent, cantine.id, DAYS[0], with_health=True)
    shown = presence_sheet(store, coordinator, cantine.id, DAYS[0], with_health=True)

    assert not plain.show_health and plain.rows[0].health == ""
    assert not refused.show_health and refused.rows[0].health == ""  # an agent may not see it
    assert shown.show_health
    assert shown.rows[0].health == "sans porc · PAI · Allergies : Arachide"
    assert shown.rows[0].health_alert
    views = list_audit(store, admin, text="Consultation des données de santé : présences")
    assert [(v.user, v.summary) for v in views] == [
        ("Sandra Haton", "Consultation des données de santé : présences Cantine du 02/11/2026")
    ]


def test_a_tap_day_changes_by_the_form_only_but_its_presence_is_marked(
    store, admin, coordinator, schools, activities, clock
):
    """Seed 003: TAP is never changed day by day, not even with an override; the form books
    it, and marking who came is no booking change."""
    from eticket_desk.rules.templates import WeekTemplate
    from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription

    tap = activities["TAP"].id
    lea = validated_family(store, admin, schools).children[0]
    friday = date(2026, 9, 18)
    draft = SubscriptionDraft(lea.id, tap, friday, friday, WeekTemplate(frozenset({4})))
    assert apply_subscription(store, coordinator, draft).to_book == (friday,)
    for change, day in ((cancel_booking, friday), (book_day, date(2026, 9, 22))):
        with pytest.raises(BookingRefused) as refused:
            change(store, coordinator, lea.id, tap, day, override_reason="Sortie scolaire")
        assert refused.value.code == RefusalCode.SUBSCRIPTION_ONLY
        assert refused.value.message == (
            "Les TAP se modifient par l'inscription (formulaire d'inscription), pas jour par jour."
        )
    clock.current = datetime(2026, 9, 18, 17, 0)
    saved = save_presence(store, coordinator, tap, friday, [PresenceChange(lea.id, absence(False))])
    assert saved.changed == 1
    [row] = presence_sheet(store, coordinator, tap, friday).rows
    assert row.state == BookingState.ABSENT_UNJUSTIFIED
