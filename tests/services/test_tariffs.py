"""Ticket types and dated tariffs on a real SQLite file: the tariff in force on a day, the
highest bracket without a valid QF, hors commune by postcode and by the setting, refusals."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from eticket_desk.rules.errors import InvalidInput, PermissionDenied, ValidationFailed
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.catalogue.tariffs import (
    list_tariffs,
    list_ticket_types,
    load_commune_postcodes,
    price_for,
    save_commune_postcodes,
    save_tariff,
    save_ticket_type,
    tariff_in_force,
)
from eticket_desk.services.families.dossiers import save_family
from tests.conftest import complete_family

BRACKETS = [Bracket(600, 120, 170), Bracket(1000, 160, 210), Bracket(None, 240, 290)]
DEARER = [Bracket(600, 130, 180), Bracket(1000, 175, 225), Bracket(None, 260, 310)]


@pytest.fixture
def garderie(store, admin):
    ticket = save_ticket_type(store, admin, "garderie", "Garderie")
    save_tariff(store, admin, ticket.id, store.clock.today(), BRACKETS)
    return ticket


def _family(store, admin, schools, *, qf=None, postcode="74500", last_name="Dupont"):
    data = complete_family(schools, last_name=last_name)
    adult = dataclasses.replace(data.adults[0], postcode=postcode)
    data = dataclasses.replace(
        data,
        adults=[adult],
        qf_value=qf,
        qf_date=store.clock.today() - timedelta(days=30) if qf is not None else None,
    )
    return save_family(store, admin, data)


def _price(store, family, ticket, day):
    with store.read() as session:
        return price_for(session, family.id, ticket.id, day)


def test_ticket_type_code_is_upper_case_and_listed(store, admin):
    save_ticket_type(store, admin, "cantine", "Cantine")
    saved = save_ticket_type(store, admin, "garderie", "Garderie du soir", active=False)
    assert saved.code == "GARDERIE"
    assert [t.code for t in list_ticket_types(store)] == ["CANTINE"]
    assert [t.name for t in list_ticket_types(store, include_inactive=True)] == [
        "Cantine",
        "Garderie du soir",
    ]


def test_a_new_tariff_from_next_month_does_not_change_todays_price(store, admin, schools, garderie):
    family = _family(store, admin, schools, qf=850)
    today = store.clock.today()  # 14 September 2026
    save_tariff(store, admin, garderie.id, date(2026, 10, 1), DEARER)

    assert _price(store, family, garderie, today).unit_cents == 160
    assert _price(store, family, garderie, date(2026, 9, 30)).unit_cents == 160
    assert _price(store, family, garderie, date(2026, 10, 1)).unit_cents == 175

    tariffs = list_tariffs(store, garderie.id)
    assert [t.valid_from for t in tariffs] == [date(2026, 10, 1), today]
    assert tariff_in_force(tariffs, today).brackets == tuple(BRACKETS)
    assert tariff_in_force(tariffs, date(2026, 9, 1)) is None


def test_a_family_without_valid_qf_pays_the_highest_bracket(store, admin, schools, garderie):
    family = _family(store, admin, schools, qf=None)
    price = _price(store, family, garderie, store.clock.today())
    assert price.unit_cents == 240
    assert "sans quotient familial valide" in price.note


def test_qf_brackets(store, admin, schools, garderie):
    low = _family(store, admin, schools, qf=450, last_name="Bernard")
    assert _price(store, low, garderie, store.clock.today()).unit_cents == 120


def test_hors_commune_by_postcode_and_by_the_extra_postcodes(store, admin, schools, garderie):
    family = _family(store, admin, schools, qf=850, postcode="74200")
    today = store.clock.today()
    price = _price(store, family, garderie, today)
    assert price.unit_cents == 210
    assert "hors commune" in price.note

    saved = save_commune_postcodes(store, admin, "74200, 74500;74500")
    assert saved.extra == ("74200",)  # the commune's own postcode is always there
    assert load_commune_postcodes(store).own == "74500"
    assert _price(store, family, garderie, today).unit_cents == 160


def test_refusals(store, admin, agent, garderie):
    yesterday = store.clock.today() - timedelta(days=1)
    with pytest.raises(InvalidInput, match="dans le passé"):
        save_tariff(store, admin, garderie.id, yesterday, BRACKETS)
    with pytest.raises(ValidationFailed) as exc:
        save_tariff(store, admin, garderie.id, store.clock.today(), BRACKETS[:2])
    assert "et au-delà" in exc.value.errors["brackets"]
    with pytest.raises(ValidationFailed):
        save_tariff(
            store,
            admin,
            garderie.id,
            store.clock.today(),
            [BRACKETS[1], *BRACKETS[0:1], BRACKETS[2]],
        )
    with pytest.raises(PermissionDenied):
        save_tariff(store, agent, garderie.id, store.clock.today(), BRACKETS)
    with pytest.raises(PermissionDenied):
        save_ticket_type(store, agent, "BUS", "Bus")
    with pytest.raises(PermissionDenied):
        save_commune_postcodes(store, agent, "74200")
    with pytest.raises(InvalidInput, match="code postal"):
        save_commune_postcodes(store, admin, "742")
    assert len(list_tariffs(store, garderie.id)) == 1
