"""An activity as the rules see it: what cannot be saved, whom it concerns, when it runs."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time

import pytest

from eticket_desk.rules.activity import ActivitySpec, BillingMode, check_activity
from eticket_desk.rules.calendar import CalendarSet, Closure, ClosureKind, SchoolCalendar
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import ValidationFailed

JULES_FERRY = uuid.uuid4()
DU_LAC = uuid.uuid4()
CANTINE = ActivitySpec(
    code="CANTINE",
    name="Cantine",
    weekdays=(0, 1, 3, 4),
    deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
    billing_mode=BillingMode.PREPAID,
    capacity=180,
    ticket_type="REPAS",
    colour="#e11d48",
)
BUS = ActivitySpec(
    code="BUS_0830",
    name="Bus 8h30",
    weekdays=(0, 1, 2, 3, 4),
    deadline=DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1),
    billing_mode=BillingMode.FARE,
)
TAP = ActivitySpec(
    code="TAP",
    name="TAP",
    weekdays=(1, 4),
    deadline=DeadlineRule(DeadlineKind.SUBSCRIPTION_ONLY),
    billing_mode=BillingMode.FARE,
)
YEAR = CalendarSet(
    (
        SchoolCalendar(
            "2026-2027",
            date(2026, 9, 1),
            date(2027, 7, 2),
            (
                Closure(
                    date(2026, 10, 17),
                    date(2026, 11, 1),
                    ClosureKind.SCHOOL_HOLIDAY,
                    "Vacances de la Toussaint",
                ),
            ),
        ),
    )
)


# -- what cannot be saved ----------------------------------------------------------------------


def test_a_well_formed_activity_passes():
    check_activity(CANTINE)
    check_activity(replace(BUS, school_capacities={JULES_FERRY: 30, DU_LAC: None}))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"code": "cantine du midi"},
            "code",
            "Le code doit faire de 2 à 20 caractères : majuscules, chiffres ou « _ » (ex. CANTINE).",
        ),
        (
            {"code": "C"},
            "code",
            "Le code doit faire de 2 à 20 caractères : majuscules, chiffres ou « _ » (ex. CANTINE).",
        ),
        ({"name": "   "}, "name", "Le nom de l'activité est obligatoire."),
        ({"weekdays": ()}, "weekdays", "Cochez au moins un jour de la semaine."),
        ({"weekdays": (0, 7)}, "weekdays", "Jour de la semaine inconnu."),
        (
            {"capacity": 0},
            "capacity",
            "La capacité doit être d'au moins une place (ou vide : illimitée).",
        ),
        (
            {"school_capacities": {JULES_FERRY: 0}},
            "school_capacities",
            "La capacité d'une école doit être d'au moins une place.",
        ),
        ({"levels": ("CP", "6E")}, "levels", "Niveau de classe inconnu."),
        (
            {"ticket_type": "  "},
            "ticket_type",
            "Une activité prépayée doit indiquer son type de ticket.",
        ),
        ({"colour": "rouge"}, "colour", "La couleur doit être de la forme #RRVVBB."),
        (
            {"product_code": "CANT1"},
            "product_code",
            "Le code produit (PES) fait de 1 à 4 lettres ou chiffres, sans espace (ex. 01, CANT).",
        ),
        (
            {"accounting_nature": "7067A"},
            "accounting_nature",
            "L'imputation (nature) s'écrit en chiffres seulement, comme le compte 7067.",
        ),
    ],
)
def test_each_wrong_field_is_refused_with_its_french_message(change, field, message):
    with pytest.raises(ValidationFailed) as refused:
        check_activity(replace(CANTINE, **change))
    assert refused.value.errors == {field: message}
    assert message in refused.value.message


def test_every_wrong_field_is_reported_at_once():
    with pytest.raises(ValidationFailed) as refused:
        check_activity(replace(CANTINE, code="", name="", weekdays=(), ticket_type=""))
    assert set(refused.value.errors) == {"code", "name", "weekdays", "ticket_type"}


def test_a_product_code_and_a_nature_may_be_left_empty_or_set():
    check_activity(replace(CANTINE, product_code="", accounting_nature=""))
    check_activity(replace(CANTINE, product_code="01", accounting_nature="7067"))


def test_a_ticket_type_is_needed_only_when_prepaid():
    check_activity(replace(CANTINE, billing_mode=BillingMode.UNIT, ticket_type=""))


# -- whom it concerns --------------------------------------------------------------------------


def test_an_activity_with_no_school_listed_concerns_every_school_and_level():
    assert CANTINE.concerns(JULES_FERRY, "PS")
    assert CANTINE.concerns(DU_LAC, "CM2")
    assert not CANTINE.concerns(None, "CP")  # a child with no school is concerned by nothing


def test_listed_schools_and_levels_restrict_who_is_concerned():
    tap = replace(TAP, school_capacities={JULES_FERRY: 30}, levels=("CP", "CE1", "CE2"))
    assert tap.concerns(JULES_FERRY, "CE1")
    assert not tap.concerns(DU_LAC, "CE1")
    assert not tap.concerns(JULES_FERRY, "MS")
    assert tap.school_capacity(JULES_FERRY) == 30
    assert tap.school_capacity(DU_LAC) is None


# -- when it runs ------------------------------------------------------------------------------


def test_a_day_off_the_activity_weekdays_says_so():
    wednesday = date(2026, 9, 16)
    assert CANTINE.closed_reason(wednesday, YEAR) == "Cantine n'a pas lieu le mercredi"
    assert not CANTINE.runs_on(wednesday, YEAR)
    assert BUS.runs_on(wednesday, YEAR)


def test_holidays_weekends_and_days_out_of_the_year_are_closed():
    assert CANTINE.closed_reason(date(2026, 10, 20), YEAR) == "Vacances de la Toussaint"
    assert CANTINE.closed_reason(date(2026, 9, 19), YEAR) == "Cantine n'a pas lieu le samedi"
    assert CANTINE.closed_reason(date(2027, 8, 2), YEAR) == "Hors année scolaire"
    assert CANTINE.closed_reason(date(2026, 9, 17), YEAR) is None


def test_thursday_is_booked_until_tuesday_when_wednesday_is_closed():
    assert CANTINE.deadline_of(date(2026, 9, 17), YEAR) == datetime(2026, 9, 15, 10, 0)
    assert CANTINE.deadline_of(date(2026, 9, 14), YEAR) == datetime(2026, 9, 11, 10, 0)


def test_the_example_day_is_the_next_one_a_family_can_still_book():
    before_ten = datetime(2026, 9, 14, 9, 30)
    after_ten = datetime(2026, 9, 14, 10, 30)
    assert CANTINE.deadline_example(before_ten, YEAR) == (
        date(2026, 9, 15),
        datetime(2026, 9, 14, 10, 0),
    )
    assert CANTINE.deadline_example(after_ten, YEAR) == (
        date(2026, 9, 17),
        datetime(2026, 9, 15, 10, 0),
    )
    # Booked a week ahead: the days of this week and the next are already locked.
    assert BUS.deadline_example(after_ten, YEAR) == (
        date(2026, 9, 21),
        datetime(2026, 9, 15, 12, 0),
    )


def test_a_subscription_only_example_has_no_deadline():
    assert TAP.deadline_example(datetime(2026, 9, 14, 9, 30), YEAR) == (date(2026, 9, 15), None)


def test_no_example_when_no_school_year_is_known():
    assert CANTINE.deadline_example(datetime(2026, 9, 14, 9, 30), CalendarSet()) is None


def test_weekdays_and_levels_read_short():
    assert CANTINE.weekdays_short_text() == "lun., mar., jeu., ven."
    assert CANTINE.weekdays_text() == "lundi, mardi, jeudi, vendredi"
    assert CANTINE.levels_text() == "Tous"
    assert replace(CANTINE, levels=("CM2", "CP", "CE1", "CE2", "CM1")).levels_text() == "CP à CM2"
    assert replace(CANTINE, levels=("PS", "CP")).levels_text() == "PS, CP"
