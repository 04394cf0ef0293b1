"""Activities saved in the store: created, changed, refused whole, ordered."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import PermissionDenied, ValidationFailed
from eticket_desk.services.catalogue.activities import list_activities, move_activity, save_activity
from eticket_desk.services.core.audit import list_audit

GARDERIE = ActivitySpec(
    code="garderie_soir",
    name="  Garderie du soir ",
    weekdays=(4, 0, 1, 3),
    deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(18, 0)),
    billing_mode=BillingMode.UNIT,
    capacity=60,
    colour="#7C3AED",
)
CANTINE = ActivitySpec(
    code="CANTINE",
    name="Cantine",
    weekdays=(0, 1, 3, 4),
    deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
    billing_mode=BillingMode.PREPAID,
    ticket_type="repas",
)


def test_a_new_activity_is_saved_tidy_and_listed(store, admin):
    saved = save_activity(store, admin, GARDERIE)

    assert saved.id is not None
    assert saved.code == "GARDERIE_SOIR"
    assert saved.name == "Garderie du soir"
    assert saved.weekdays == (0, 1, 3, 4)
    assert saved.colour == "#7c3aed"
    assert saved.position == 1
    assert saved.deadline == DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(18, 0))
    assert list_activities(store) == [saved]
    second = save_activity(store, admin, CANTINE)
    assert second.position == 2 and second.ticket_type == "REPAS"


def test_an_activity_is_changed_in_place(store, admin):
    saved = save_activity(store, admin, GARDERIE)
    rule = DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1)
    changed = save_activity(
        store,
        admin,
        replace(saved, name="Garderie périscolaire", weekdays=(0, 1), deadline=rule, capacity=None),
    )

    assert changed.id == saved.id
    [listed] = list_activities(store)
    assert (listed.name, listed.weekdays, listed.capacity) == (
        "Garderie périscolaire",
        (0, 1),
        None,
    )
    assert listed.deadline.describe() == "jusqu'au mardi de la semaine précédente, avant 12h00"
    assert any("Garderie" in line.summary for line in list_audit(store, admin))


def test_schools_concerned_and_their_capacities_are_saved_and_removed(store, admin, schools):
    jules_ferry, du_lac = sorted(schools, key=lambda s: s.name != "École Jules Ferry")
    saved = save_activity(
        store, admin, replace(GARDERIE, school_capacities={jules_ferry.id: 30, du_lac.id: None})
    )
    assert saved.school_capacities == {jules_ferry.id: 30, du_lac.id: None}
    assert saved.concerns(du_lac.id, "CP")

    save_activity(store, admin, replace(saved, school_capacities={du_lac.id: 25}))
    [listed] = list_activities(store)
    assert listed.school_capacities == {du_lac.id: 25}
    assert not listed.concerns(jules_ferry.id, "CP")

    save_activity(store, admin, replace(listed, school_capacities={}))
    [listed] = list_activities(store)
    assert listed.school_capacities == {}
    assert listed.concerns(jules_ferry.id, "CP")


def test_a_code_already_taken_is_refused_and_nothing_is_written(store, admin):
    save_activity(store, admin, CANTINE)
    with pytest.raises(ValidationFailed) as refused:
        save_activity(store, admin, replace(GARDERIE, code="cantine"))
    assert refused.value.errors == {"code": "Le code CANTINE est déjà pris par une autre activité."}
    assert [a.code for a in list_activities(store, include_inactive=True)] == ["CANTINE"]


def test_a_wrong_field_is_refused_and_nothing_is_written(store, admin):
    with pytest.raises(ValidationFailed) as refused:
        save_activity(store, admin, replace(GARDERIE, weekdays=(), capacity=0))
    assert set(refused.value.errors) == {"weekdays", "capacity"}
    assert list_activities(store, include_inactive=True) == []


def test_an_agent_may_not_create_or_change_activities(store, admin, agent):
    with pytest.raises(PermissionDenied) as refused:
        save_activity(store, agent, GARDERIE)
    assert refused.value.message == (
        "Votre profil (Agent d'accueil) ne permet pas de modifier les activités."
    )
    assert list_activities(store, include_inactive=True) == []

    saved = save_activity(store, admin, GARDERIE)
    with pytest.raises(PermissionDenied):
        save_activity(store, agent, replace(saved, name="Garderie modifiée"))
    with pytest.raises(PermissionDenied):
        move_activity(store, agent, saved.id, -1)
    assert [a.name for a in list_activities(store)] == ["Garderie du soir"]


def test_an_inactive_activity_is_listed_only_when_asked(store, admin):
    save_activity(store, admin, CANTINE)
    save_activity(store, admin, replace(GARDERIE, active=False))
    assert [a.code for a in list_activities(store)] == ["CANTINE"]
    assert [a.code for a in list_activities(store, include_inactive=True)] == [
        "CANTINE",
        "GARDERIE_SOIR",
    ]


def test_activities_move_up_and_down_the_list(store, admin):
    first = save_activity(store, admin, CANTINE)
    save_activity(store, admin, GARDERIE)
    bus = save_activity(
        store,
        admin,
        ActivitySpec(
            "BUS_0830",
            "Bus 8h30",
            (0, 1, 2, 3, 4),
            DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0)),
            BillingMode.FARE,
        ),
    )

    move_activity(store, admin, bus.id, -1)
    assert [a.code for a in list_activities(store)] == ["CANTINE", "BUS_0830", "GARDERIE_SOIR"]
    move_activity(store, admin, first.id, +1)
    assert [a.code for a in list_activities(store)] == ["BUS_0830", "CANTINE", "GARDERIE_SOIR"]
    move_activity(store, admin, bus.id, -1)  # already first: stays
    assert [a.position for a in list_activities(store)] == [1, 2, 3]
