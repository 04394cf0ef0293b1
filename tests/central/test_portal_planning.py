"""« Mon planning » as a parent uses it: Léa's week in words and icons with deadlines and
places, booking and cancelling from the one form (tickets taken and given back), refusals in
the rules' words (deadline passed, TAP, no ticket), another family's child unknown, CSRF."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from sqlalchemy import func, select

from eticket_central.models import Booking, WalletEntry
from tests.central.planning_town import cell, dupont, grid_form, parent_of, town

TUESDAY, THURSDAY, FRIDAY = date(2026, 9, 15), date(2026, 9, 17), date(2026, 9, 18)


def _checkboxes(html: str) -> list[str]:
    return re.findall(r'type="checkbox" id="[^"]+" name="j" value="([^"]+)"', html)


def _state(db, activity_id, child_id, day) -> str | None:
    db.expire_all()
    booking = db.get(Booking, (activity_id, day, child_id))
    return booking.state if booking else None


def test_leas_week_reads_in_words_with_deadlines_places_the_legend_and_her_brother(
    central, commune, desk
):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)

    page = parent.get(f"/portail/planning?enfant={family.lea}&semaine=2026-09-16")

    assert page.status_code == 200
    text = page.text
    assert "Léa Dupont — semaine du lundi 14 septembre 2026 au vendredi 18 septembre 2026" in text
    assert "Réservé, non modifiable" in text  # Monday's Cantine, its deadline passed
    assert "non modifiable : délai passé depuis le vendredi 11/09 à 10:00" in text
    assert "modifiable jusqu&#39;au lundi 14/09 à 10:00" in text  # Tuesday, still open
    assert "29 places" in text and "30 places" in text
    assert "Cantine n&#39;a pas lieu le mercredi" in text
    assert "Les TAP se modifient par l&#39;inscription" in text
    assert "Légende" in text and "<strong>Liste d'attente</strong>" in text
    # Tuesday (booked), Thursday, Friday of the Cantine can be changed; no TAP day can.
    assert _checkboxes(text) == [
        cell(places.cantine, TUESDAY),
        cell(places.cantine, THURSDAY),
        cell(places.cantine, FRIDAY),
    ]
    assert f'value="{cell(places.cantine, TUESDAY)}" checked' in text
    assert f"/portail/planning?enfant={family.tom}&amp;semaine=2026-09-14" in text
    assert "semaine=2026-09-07" in text and "semaine=2026-09-21" in text  # previous, next
    assert 'type="date" id="semaine-choisie"' in text


def test_a_parent_books_thursday_and_cancels_tuesday_with_one_save(central, commune, desk, db):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    tuesday, thursday = cell(places.cantine, TUESDAY), cell(places.cantine, THURSDAY)
    shown = {tuesday: True, thursday: False, cell(places.cantine, FRIDAY): False}

    answer = parent.post_form(
        "/portail/planning", grid_form(family.lea, shown, {thursday}, enregistrer="1")
    )

    assert answer.status_code == 200
    assert "1 jour(s) réservé(s), 0 en liste d&#39;attente, 1 annulé(s), 0 refusé(s)." in (
        answer.text
    )
    assert "Réservés (1)" in answer.text and "Cantine — jeudi 17 septembre 2026" in answer.text
    assert _state(db, places.cantine, family.lea, THURSDAY) == "booked"
    assert _state(db, places.cantine, family.lea, TUESDAY) == "cancelled"
    kinds = db.execute(
        select(WalletEntry.kind, WalletEntry.quantity).where(
            WalletEntry.family_id == family.family_id, WalletEntry.kind != "purchase"
        )
    ).all()
    assert sorted(kinds) == [("booking", -1), ("cancellation", 1)]
    # The grid shown after the save is the new one.
    assert f'value="{thursday}" checked' in answer.text
    assert f'value="{tuesday}" checked' not in answer.text


def test_a_day_past_its_deadline_is_refused_with_the_rules_reason(central, commune, desk, db):
    places = town(desk)
    family = dupont(desk, places)
    central.clock.current = datetime(2026, 9, 15, 10, 30)  # Thursday's deadline: Tuesday 10:00
    parent = parent_of(central, commune, family)
    thursday = cell(places.cantine, THURSDAY)
    assert thursday not in _checkboxes(parent.get(f"/portail/planning?enfant={family.lea}").text)

    # A page left open since before 10:00 sends Thursday anyway.
    answer = parent.post_form(
        "/portail/planning", grid_form(family.lea, {thursday: False}, {thursday}, enregistrer="1")
    )

    assert "Refusés (1)" in answer.text
    assert (
        "Cantine du jeudi 17 septembre : le délai est dépassé depuis le mardi 15 septembre 2026 "
        "à 10:00." in answer.text
    )
    assert _state(db, places.cantine, family.lea, THURSDAY) is None


def test_the_tap_is_read_only_even_when_a_form_asks_to_cancel_it(central, commune, desk, db):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    tap = cell(places.tap, TUESDAY)

    answer = parent.post_form(
        "/portail/planning", grid_form(family.lea, {tap: True}, set(), enregistrer="1")
    )

    assert "Refusés (1)" in answer.text
    assert (
        "Les TAP se modifient par l&#39;inscription (formulaire d&#39;inscription)" in answer.text
    )
    assert _state(db, places.tap, family.lea, TUESDAY) == "booked"


def test_without_a_ticket_the_cantine_is_refused_and_the_garderie_booked(
    central, commune, desk, db
):
    places = town(desk)
    family = dupont(desk, places, tickets=0)
    parent = parent_of(central, commune, family)
    thursday = cell(places.cantine, THURSDAY)
    garderie = cell(places.garderie, date(2026, 9, 22))

    refused = parent.post_form(
        "/portail/planning", grid_form(family.lea, {thursday: False}, {thursday}, enregistrer="1")
    )
    booked = parent.post_form(
        "/portail/planning",
        grid_form(family.tom, {garderie: True}, set(), semaine="2026-09-21", enregistrer="1"),
    )

    assert (
        "Plus de ticket cantine dans votre porte-monnaie : achetez-en au guichet ou en ligne "
        "avant de réserver." in refused.text
    )
    assert _state(db, places.cantine, family.lea, THURSDAY) is None
    assert "Annulés (1)" in booked.text  # Tom's garderie is post-paid: no ticket needed
    balance = db.execute(
        select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
            WalletEntry.family_id == family.family_id
        )
    ).scalar_one()
    assert balance == 0


def test_another_familys_child_is_as_unknown_as_one_that_does_not_exist(central, commune, desk, db):
    places = town(desk)
    family = dupont(desk, places)
    other = dupont(desk, places, last_name="Martin")
    parent = parent_of(central, commune, family)
    thursday = cell(places.cantine, THURSDAY)

    pages = [
        parent.get(f"/portail/planning?enfant={child}")
        for child in (other.lea, uuid.uuid4(), "pas-un-id")
    ]
    posted = parent.post_form(
        "/portail/planning", grid_form(other.lea, {thursday: False}, {thursday}, enregistrer="1")
    )
    copy = parent.get(
        f"/portail/planning/semaine-type?enfant={other.lea}&activite={places.cantine}"
        "&semaine=2026-09-14"
    )

    assert [p.status_code for p in pages] == [404, 404, 404]
    assert len({p.text for p in pages[:2]}) == 1  # the very same page
    assert (posted.status_code, copy.status_code) == (404, 404)
    assert "Martin" not in posted.text
    assert _state(db, places.cantine, other.lea, THURSDAY) is None


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(central, commune, desk, db):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    thursday = cell(places.cantine, THURSDAY)
    form = grid_form(family.lea, {thursday: False}, {thursday}, enregistrer="1")

    answers = [
        parent.http.post("/portail/planning", data=form),
        parent.http.post("/portail/planning", data={**form, "csrf": "0" * 64}),
    ]

    assert [a.status_code for a in answers] == [403, 403]
    assert "rien n&#39;a été enregistré" in answers[0].text
    assert _state(db, places.cantine, family.lea, THURSDAY) is None


def test_toute_la_semaine_checks_the_row_without_saving_and_a_second_press_unchecks_it(
    central, commune, desk, db
):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    keys = [cell(places.cantine, d) for d in (TUESDAY, THURSDAY, FRIDAY)]
    shown = dict(zip(keys, (True, False, False), strict=True))

    checked = parent.post_form(
        "/portail/planning", grid_form(family.lea, shown, {keys[0]}, ligne=str(places.cantine))
    )
    unchecked = parent.post_form(
        "/portail/planning", grid_form(family.lea, shown, set(keys), ligne=str(places.cantine))
    )
    day = parent.post_form(
        "/portail/planning", grid_form(family.lea, shown, {keys[0]}, jour=FRIDAY.isoformat())
    )

    assert all(f'value="{k}" checked' in checked.text for k in keys)
    assert checked.text.count("(modifié, à enregistrer)") == 2
    assert not any(f'value="{k}" checked' in unchecked.text for k in keys)
    assert f'value="{keys[2]}" checked' in day.text and f'value="{keys[1]}" checked' not in (
        day.text
    )
    assert _state(db, places.cantine, family.lea, THURSDAY) is None  # nothing saved


def test_an_unreadable_week_says_so_and_shows_this_week(central, commune, desk):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    page = parent.get(f"/portail/planning?enfant={family.lea}&semaine=31/02/2026")
    assert page.status_code == 400
    assert "« 31/02/2026 » n&#39;est pas une date : voici la semaine en cours." in page.text
    assert "semaine du lundi 14 septembre 2026" in page.text


def test_a_dossier_not_yet_validated_shows_why_and_offers_no_checkbox(central, commune, desk):
    places = town(desk)
    family = dupont(desk, places, status="incomplete")
    parent = parent_of(central, commune, family)
    page = parent.get(f"/portail/planning?enfant={family.lea}&semaine=2026-09-14")
    assert "Votre dossier n&#39;est pas encore validé par la mairie" in page.text
    assert _checkboxes(page.text) == []
    assert "Enregistrer</button>" not in page.text
