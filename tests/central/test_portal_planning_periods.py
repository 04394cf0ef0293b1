"""« Semaine type » and booking by date range on the portal's pages, and the last seats of a
day taken by twenty parents at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from eticket_central.models import ActivityDay, Booking, WalletEntry
from eticket_desk.sync.protocol import OpType
from tests.central.planning_town import (
    PERIOD_END,
    cell,
    dupont,
    grid_form,
    parent_of,
    town,
)
from tests.central.portal_pages import csrf_of

THURSDAY = date(2026, 9, 17)


def _days(db, activity_id, child_id, state="booked") -> list[date]:
    db.expire_all()
    return sorted(
        db.scalars(
            select(Booking.day).where(
                Booking.activity_id == activity_id,
                Booking.child_id == child_id,
                Booking.state == state,
            )
        )
    )


def test_semaine_type_copies_toms_tuesday_to_the_end_of_the_period(central, commune, desk, db):
    places = town(desk)
    family = dupont(desk, places)  # Tom's Garderie: Tuesday 22 September
    parent = parent_of(central, commune, family)
    address = (
        f"/portail/planning/semaine-type?enfant={family.tom}&activite={places.garderie}"
        "&semaine=2026-09-21"
    )

    preview = parent.get(address)
    assert preview.status_code == 200
    assert "(mar.)" in preview.text
    assert "du lundi 28 septembre 2026 au vendredi 16 octobre 2026" in preview.text
    assert "3 jour(s) à réserver" in preview.text
    assert _days(db, places.garderie, family.tom) == [date(2026, 9, 22)]  # nothing yet

    done = parent.post_form(
        "/portail/planning/semaine-type",
        {"enfant": str(family.tom), "activite": str(places.garderie), "semaine": "2026-09-21"},
        page=address,
    )

    assert done.status_code == 200
    assert "Semaine type appliquée du 28/09/2026 au 16/10/2026" in done.text
    assert "3 jour(s) réservé(s)" in done.text
    assert _days(db, places.garderie, family.tom) == [
        date(2026, 9, 22),
        date(2026, 9, 29),
        date(2026, 10, 6),
        date(2026, 10, 13),
    ]
    assert max(_days(db, places.garderie, family.tom)) <= PERIOD_END


def test_semaine_type_is_not_offered_for_the_tap(central, commune, desk):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    page = parent.get(
        f"/portail/planning/semaine-type?enfant={family.lea}&activite={places.tap}"
        "&semaine=2026-09-14"
    )
    assert "Les TAP se modifient par l&#39;inscription" in page.text
    assert "Appliquer la semaine type" not in page.text


def test_thursdays_of_even_weeks_previewed_then_booked_for_both_children(
    central, commune, desk, db
):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    form = {
        "enfant": [str(family.lea), str(family.tom)],
        "activite": str(places.garderie),
        "du": "2026-09-14",
        "au": "2026-11-06",
        "jours": ["3"],
        "semaines": "even",
        "action": "book",
    }

    preview = parent.post_form("/portail/planning/plage", {**form, "etape": "apercu"})

    # Weeks 38, 40, 42 and 44 (in the Toussaint: no garderie) for each child.
    assert preview.status_code == 200
    assert "Aperçu (rien n&#39;est encore enregistré)" in preview.text
    assert "6 jour(s) réservé(s)" in preview.text
    assert "2 jour(s) sans activité" in preview.text
    assert "celle du lundi 14 septembre 2026, est la semaine 38, paire" in preview.text
    assert _days(db, places.garderie, family.lea) == []

    done = parent.post_form("/portail/planning/plage", {**form, "etape": "confirmer"})

    assert "C&#39;est enregistré" in done.text and "6 jour(s) réservé(s)" in done.text
    thursdays = [date(2026, 9, 17), date(2026, 10, 1), date(2026, 10, 15)]
    assert _days(db, places.garderie, family.lea) == thursdays
    assert _days(db, places.garderie, family.tom) == [
        *thursdays[:1],
        date(2026, 9, 22),
        *thursdays[1:],
    ]


def test_a_range_form_with_mistakes_says_each_in_french_and_books_nothing(
    central, commune, desk, db
):
    places = town(desk)
    family = dupont(desk, places)
    parent = parent_of(central, commune, family)
    answer = parent.post_form(
        "/portail/planning/plage",
        {
            "enfant": str(family.lea),
            "activite": str(places.garderie),
            "du": "2026-10-30",
            "au": "2026-09-01",
            "etape": "confirmer",
        },
    )
    assert answer.status_code == 400
    assert "La date de fin est avant la date de début." in answer.text
    assert "Cochez au moins un jour de la semaine." in answer.text
    assert _days(db, places.garderie, family.lea) == []


def test_twenty_parents_take_the_last_five_seats_of_a_day_at_once(central, commune, desk, db):
    places = town(desk, garderie_seats=8)
    parents = [
        (family, parent_of(central, commune, family))
        for family in (dupont(desk, places, last_name=f"Famille{n}") for n in range(20))
    ]
    taken = [
        desk.op(
            OpType.BOOKING_BOOK,
            child_id=str(family.lea),
            activity_id=str(places.garderie),
            day=THURSDAY.isoformat(),
        )
        for family, _ in parents[:3]
    ]
    assert [a["status"] for a in desk.push(*taken)] == ["applied"] * 3  # five seats left
    key = cell(places.garderie, THURSDAY)
    forms = []
    for family, parent in parents:
        token = csrf_of(parent.get(f"/portail/planning?enfant={family.tom}").text)
        forms.append({**grid_form(family.tom, {key: False}, {key}, enregistrer="1"), "csrf": token})
    barrier = threading.Barrier(len(parents))
    answers = {}

    def save(n: int) -> None:
        barrier.wait()
        answers[n] = parents[n][1].http.post("/portail/planning", data=forms[n], timeout=120)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(parents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)

    assert sorted(a.status_code for a in answers.values()) == [200] * 20
    booked = [n for n, a in answers.items() if "Réservés (1)" in a.text]
    waiting = [n for n, a in answers.items() if "Sur liste d&#39;attente (complet) (1)" in a.text]
    assert (len(booked), len(waiting)) == (5, 15)
    db.expire_all()
    day = db.get(ActivityDay, (places.garderie, THURSDAY))
    assert (day.booked, day.waiting) == (8, 15)
    states = db.scalars(
        select(Booking.state).where(Booking.activity_id == places.garderie, Booking.day == THURSDAY)
    ).all()
    assert sorted(states) == ["booked"] * 8 + ["waiting"] * 15
    for _family, parent in parents:
        parent.close()


def test_six_saves_at_once_with_one_ticket_left_book_one_day_and_empty_the_wallet(
    central, commune, desk, db
):
    places = town(desk)
    family = dupont(desk, places, tickets=1)
    days = [date(2026, 9, d) for d in (17, 18, 22, 24, 25, 29)]
    browsers = [parent_of(central, commune, family) for _ in days]
    forms = []
    for day, parent in zip(days, browsers, strict=True):
        monday = day - timedelta(days=day.weekday())
        token = csrf_of(parent.get(f"/portail/planning?enfant={family.lea}").text)
        key = cell(places.cantine, day)
        form = grid_form(family.lea, {key: False}, {key}, semaine=monday.isoformat())
        forms.append({**form, "csrf": token})
    barrier = threading.Barrier(len(days))
    answers = {}

    def save(n: int) -> None:
        barrier.wait()
        answers[n] = browsers[n].http.post("/portail/planning", data=forms[n], timeout=120)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(days))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)

    booked = [n for n, a in answers.items() if "Réservés (1)" in a.text]
    refused = [n for n, a in answers.items() if "Plus de ticket cantine" in a.text]
    assert (len(booked), len(refused)) == (1, 5)
    db.expire_all()
    balance = db.execute(
        select(func.sum(WalletEntry.quantity)).where(WalletEntry.family_id == family.family_id)
    ).scalar_one()
    assert balance == 0
    taken = db.scalars(
        select(Booking.day).where(
            Booking.child_id == family.lea,
            Booking.activity_id == places.cantine,
            Booking.day.in_(days),
            Booking.state == "booked",
        )
    ).all()
    assert taken == [days[booked[0]]]
    for parent in browsers:
        parent.close()
