"""School years from the installed holiday data, typed dates beyond it, local closures, rights."""

from __future__ import annotations

from datetime import date

import pytest

from eticket_desk.rules.calendar import ClosureKind, PeriodMode
from eticket_desk.rules.errors import DomainError, InvalidInput, PermissionDenied
from eticket_desk.services.catalogue import calendar
from eticket_desk.services.catalogue.organisation import load_organisation


def _only_year(store):
    years = calendar.list_school_years(store)
    assert len(years) == 1
    return years[0]


def _beyond_the_data() -> int:
    """The first school year the installed data knows nothing of (2029 with the pinned data)."""
    return calendar.holiday_data_years()[1] + 1


def test_2026_2027_zone_a_comes_from_the_installed_data(store, admin):
    assert load_organisation(store).school_zone == "A"
    calendar.create_school_year(store, admin, 2026)

    year = _only_year(store)
    assert (year.label, year.zone) == ("2026-2027", "A")
    assert (year.start, year.end) == (date(2026, 9, 1), date(2027, 7, 2))
    assert year.unknown_holidays == ()
    toussaint = next(c for c in year.closures if c.label == "Vacances de la Toussaint")
    assert (toussaint.kind, toussaint.start, toussaint.end) == (
        ClosureKind.SCHOOL_HOLIDAY,
        date(2026, 10, 17),
        date(2026, 11, 1),
    )
    armistice = next(c for c in year.closures if c.label == "Armistice")
    assert (armistice.kind, armistice.start, armistice.end) == (
        ClosureKind.PUBLIC_HOLIDAY,
        date(2026, 11, 11),
        date(2026, 11, 11),
    )
    # A public holiday on a Sunday or inside the holidays closes nothing more.
    assert not any(c.label == "Noël" for c in year.closures)

    days = calendar.load_calendar(store)
    assert days.closed_reason(date(2026, 10, 20)) == "Vacances de la Toussaint"
    assert days.closed_reason(date(2026, 11, 11)) == "Armistice"
    assert days.closed_reason(date(2026, 11, 14)) is None  # weekdays are the activities'
    assert days.closed_reason(date(2026, 11, 12)) is None
    assert days.closed_reason(date(2027, 7, 5)) == "Hors année scolaire"


def test_periods_between_the_holidays_are_five(store, admin):
    calendar.create_school_year(store, admin, 2026)
    periods = [(p.name, p.start, p.end) for p in _only_year(store).periods]
    assert periods == [
        ("Période 1", date(2026, 9, 1), date(2026, 10, 16)),
        ("Période 2", date(2026, 11, 2), date(2026, 12, 18)),
        ("Période 3", date(2027, 1, 4), date(2027, 2, 12)),
        ("Période 4", date(2027, 3, 1), date(2027, 4, 9)),
        ("Période 5", date(2027, 4, 26), date(2027, 7, 2)),
    ]


def test_terms_are_three(store, admin):
    calendar.create_school_year(store, admin, 2026, period_mode=PeriodMode.TERMS)
    year = _only_year(store)
    assert year.period_mode == PeriodMode.TERMS
    assert [(p.name, p.start, p.end) for p in year.periods] == [
        ("1er trimestre", date(2026, 9, 1), date(2026, 12, 31)),
        ("2e trimestre", date(2027, 1, 1), date(2027, 3, 31)),
        ("3e trimestre", date(2027, 4, 1), date(2027, 7, 2)),
    ]


def test_the_draft_says_what_the_data_does_not_know():
    known = calendar.draft_school_year("A", 2026)
    assert known.unknown == ()
    beyond = calendar.draft_school_year("A", _beyond_the_data())
    assert (beyond.start, beyond.end, beyond.holidays) == (None, None, ())
    assert "Date de la rentrée" in beyond.unknown
    assert "Vacances de la Toussaint" in beyond.unknown
    with pytest.raises(InvalidInput, match="zone de vacances scolaires"):
        calendar.draft_school_year("D", 2026)


def test_a_year_beyond_the_data_without_dates_is_refused_and_nothing_is_written(store, admin):
    first = _beyond_the_data()
    low, high = calendar.holiday_data_years()
    with pytest.raises(DomainError) as refused:
        calendar.create_school_year(store, admin, first)
    message = refused.value.message
    assert f"{first}-{first + 1}" in message
    assert f"(années {low} à {high})" in message
    assert "indiquez la date de la rentrée et celle de la fin des cours" in message
    assert calendar.list_school_years(store) == []


def test_a_year_beyond_the_data_with_typed_dates_records_the_unknown_holidays(store, admin):
    first = _beyond_the_data()
    start, end = date(first, 9, 3), date(first + 1, 7, 5)
    calendar.create_school_year(store, admin, first, start=start, end=end)

    year = _only_year(store)
    assert (year.start, year.end) == (start, end)
    assert year.unknown_holidays == (
        "Vacances de la Toussaint",
        "Vacances de Noël",
        "Vacances d'hiver",
        "Vacances de printemps",
    )  # the typed dates are known now; the holidays are not, and none is guessed
    assert not any(c.kind == ClosureKind.SCHOOL_HOLIDAY for c in year.closures)
    assert any(c.kind == ClosureKind.PUBLIC_HOLIDAY for c in year.closures)
    assert [p.name for p in year.periods] == ["Période 1"]
    assert calendar.load_calendar(store).year_of(start).unknown_holidays == year.unknown_holidays


def test_the_year_the_data_half_knows_takes_its_rentree_from_the_data(store, admin):
    first = calendar.holiday_data_years()[1]  # summer known, next holidays not
    draft = calendar.draft_school_year("A", first)
    assert draft.start is not None and draft.end is None
    calendar.create_school_year(store, admin, first, end=date(first + 1, 7, 6))
    year = _only_year(store)
    assert (year.start, year.end) == (draft.start, date(first + 1, 7, 6))
    assert "Vacances de Noël" in year.unknown_holidays
    assert "Début des vacances d'été" not in year.unknown_holidays


def test_the_same_year_twice_is_refused(store, admin):
    calendar.create_school_year(store, admin, 2026)
    with pytest.raises(DomainError, match="L'année scolaire 2026-2027 existe déjà."):
        calendar.create_school_year(store, admin, 2026, period_mode=PeriodMode.TERMS)
    assert _only_year(store).period_mode == PeriodMode.BETWEEN_HOLIDAYS


def test_overlapping_years_are_refused(store, admin):
    calendar.create_school_year(store, admin, 2026)
    with pytest.raises(DomainError, match="chevauchent l'année scolaire 2026-2027"):
        calendar.create_school_year(store, admin, 2027, start=date(2027, 6, 28))
    assert [y.label for y in calendar.list_school_years(store)] == ["2026-2027"]
    calendar.create_school_year(store, admin, 2027)
    assert [y.label for y in calendar.list_school_years(store)] == ["2026-2027", "2027-2028"]


def test_an_end_before_the_rentree_is_refused(store, admin):
    first = _beyond_the_data()
    with pytest.raises(InvalidInput, match="doit venir après la rentrée"):
        calendar.create_school_year(
            store, admin, first, start=date(first, 9, 3), end=date(first, 9, 1)
        )
    assert calendar.list_school_years(store) == []


def test_a_local_closure_is_added_and_removed(store, admin):
    calendar.create_school_year(store, admin, 2026)
    pont = calendar.add_closure(store, admin, date(2026, 11, 12), date(2026, 11, 13), " Pont ")
    strike = calendar.add_closure(
        store, admin, date(2026, 11, 26), date(2026, 11, 26), "Grève", ("CANTINE",)
    )

    closures = {c.id: c for c in _only_year(store).closures}
    assert (closures[pont].kind, closures[pont].label) == (ClosureKind.LOCAL, "Pont")
    assert closures[pont].activity_codes == ()
    assert closures[strike].activity_codes == ("CANTINE",)
    days = calendar.load_calendar(store)
    assert days.closed_reason(date(2026, 11, 13)) == "Pont"
    assert days.closed_reason(date(2026, 11, 26), "CANTINE") == "Grève"
    assert days.closed_reason(date(2026, 11, 26), "GARDERIE_SOIR") is None

    calendar.remove_closure(store, admin, pont)
    assert calendar.load_calendar(store).closed_reason(date(2026, 11, 13)) is None
    with pytest.raises(DomainError, match="n'existe plus"):
        calendar.remove_closure(store, admin, pont)


def test_a_closure_needs_a_reason_and_dates_inside_one_year(store, admin):
    calendar.create_school_year(store, admin, 2026)
    with pytest.raises(InvalidInput, match="motif"):
        calendar.add_closure(store, admin, date(2026, 11, 12), date(2026, 11, 12), "  ")
    with pytest.raises(InvalidInput, match="après son début"):
        calendar.add_closure(store, admin, date(2026, 11, 13), date(2026, 11, 12), "Pont")
    with pytest.raises(DomainError, match="pas dans une année scolaire"):
        calendar.add_closure(store, admin, date(2027, 7, 1), date(2027, 7, 9), "Travaux")
    assert not any(c.kind == ClosureKind.LOCAL for c in _only_year(store).closures)


def test_school_holidays_and_public_holidays_cannot_be_removed(store, admin):
    calendar.create_school_year(store, admin, 2026)
    year = _only_year(store)
    for label in ("Vacances de la Toussaint", "Armistice"):
        official = next(c for c in year.closures if c.label == label)
        with pytest.raises(DomainError, match="seules les fermetures locales"):
            calendar.remove_closure(store, admin, official.id)
    assert len(_only_year(store).closures) == len(year.closures)


def test_an_agent_may_read_the_calendar_but_not_change_it(store, admin, agent):
    with pytest.raises(PermissionDenied, match="ne permet pas de modifier le calendrier"):
        calendar.create_school_year(store, agent, 2026)
    assert calendar.list_school_years(store) == []

    calendar.create_school_year(store, admin, 2026)
    pont = calendar.add_closure(store, admin, date(2026, 11, 12), date(2026, 11, 13), "Pont")
    with pytest.raises(PermissionDenied):
        calendar.add_closure(store, agent, date(2026, 12, 1), date(2026, 12, 1), "Grève")
    with pytest.raises(PermissionDenied):
        calendar.remove_closure(store, agent, pont)
    year = _only_year(store)  # anyone may read it
    assert [c.label for c in year.closures if c.kind == ClosureKind.LOCAL] == ["Pont"]


def test_a_coordinator_may_not_change_the_calendar_either(store, coordinator):
    with pytest.raises(PermissionDenied, match="Coordinateur périscolaire"):
        calendar.create_school_year(store, coordinator, 2026)
