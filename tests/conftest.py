"""Shared fixtures: a real SQLite file per test, a frozen clock, agents of every role."""

from __future__ import annotations

import os
from datetime import date, datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from eticket_desk.clock import FrozenClock
from eticket_desk.rules.permissions import Role
from eticket_desk.services import users
from eticket_desk.services.families import save_family
from eticket_desk.services.family_data import AdultData, ChildData, FamilyData
from eticket_desk.services.organisation import list_schools
from eticket_desk.services.setup import FirstSetup, create_empty_town
from eticket_desk.services.store import Actor, Store

ADMIN_PASSWORD = "motdepasse1"
AGENT_PASSWORD = "guichet2026"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 9, 14, 9, 30))


@pytest.fixture
def store(tmp_path, clock) -> Store:
    store = Store(tmp_path / "eticket.sqlite", clock)
    create_empty_town(
        store,
        FirstSetup(
            commune="Commune de Neuvecelle",
            postcode="74500",
            city="Neuvecelle",
            admin_login="admin",
            admin_full_name="Anne Martin",
            admin_password=ADMIN_PASSWORD,
            schools=["École Jules Ferry", "École du Lac"],
        ),
    )
    yield store
    store.close()


@pytest.fixture
def admin(store) -> Actor:
    actor, _ = users.authenticate(store, "admin", ADMIN_PASSWORD)
    return actor


def _make_user(store: Store, admin: Actor, login: str, name: str, role: Role) -> Actor:
    info = users.save_user(store, admin, users.UserDraft(login, name, role, True, AGENT_PASSWORD))
    return Actor(info.id, info.login, info.full_name, info.role)


@pytest.fixture
def agent(store, admin) -> Actor:
    return _make_user(store, admin, "paul", "Paul Guichet", Role.AGENT)


@pytest.fixture
def coordinator(store, admin) -> Actor:
    return _make_user(store, admin, "sandra", "Sandra Haton", Role.COORDINATOR)


@pytest.fixture
def schools(store):
    return list_schools(store)


def complete_family(schools, *, last_name="Dupont", child_first_name="Léa") -> FamilyData:
    """A dossier that passes validation: one guardian who pays and is the emergency contact."""
    school = schools[0]
    cp = next(c for c in school.classes if c.name == "CP")
    return FamilyData(
        adults=[
            AdultData(
                last_name=last_name,
                first_name="Marie",
                relation="Mère",
                phone_mobile="06 12 34 56 78",
                email="marie.dupont@example.fr",
                address1="12 rue des Écoles",
                postcode="74500",
                city="Neuvecelle",
                legal_guardian=True,
                billing=True,
                emergency_contact=True,
                may_pick_up=True,
            )
        ],
        children=[
            ChildData(
                last_name=last_name,
                first_name=child_first_name,
                birth_date=date(2019, 5, 3),
                school_id=school.id,
                class_id=cp.id,
                diet="sans_porc",
                allergies="Arachide",
                pai=True,
            )
        ],
    )


@pytest.fixture
def family(store, admin, schools) -> FamilyData:
    return save_family(store, admin, complete_family(schools))
