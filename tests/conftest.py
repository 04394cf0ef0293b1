"""Shared fixtures: a real SQLite file per test, a frozen clock, agents of every role."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import select

from eticket_desk.clock import FrozenClock
from eticket_desk.models import Booking
from eticket_desk.rules.permissions import Role
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.access import users
from eticket_desk.services.catalogue.organisation import list_schools
from eticket_desk.services.catalogue.setup import FirstSetup, create_empty_town
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.data import AdultData, ChildData, FamilyData
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.sync.outbox import BookingChanged, emit
from eticket_desk.ui.refcount_guard import guard
from tests.outbox_guard import OutboxGuard

guard()  # before pytest-qt makes its first PySide6 call (see the module's docstring)

ADMIN_PASSWORD = "motdepasse1"
AGENT_PASSWORD = "guichet2026"


def _why_qt_cannot_load() -> str:
    """Empty when Qt's core library loads on this machine; else the loader's message (Windows
    under Wine 8 lacks the system ICU that Qt6Core.dll needs: scripts/windows_suite.sh)."""
    try:
        import PySide6.QtCore  # noqa: F401
    except ImportError as error:
        return str(error)
    return ""


QT_MISSING = _why_qt_cannot_load()
_QT_MODULES_LEFT: list[str] = []


_QT_USE = re.compile(r"^\s*(from|import) (PySide6|eticket_desk\.ui)\b|\b(qtbot|qapp)\b", re.M)


def _uses_qt(path) -> bool:
    """A test module that imports Qt or the screens, or asks pytest-qt's fixtures."""
    return bool(_QT_USE.search(path.read_text(encoding="utf-8")))


def pytest_ignore_collect(collection_path, config):
    """Where Qt cannot load, the screen tests are left out and named at the end of the run;
    everything else runs."""
    if not QT_MISSING:
        return None
    if collection_path.is_dir() and collection_path.name == "ui":
        _QT_MODULES_LEFT.append(f"{collection_path.name}/")
        return True
    is_test = collection_path.suffix == ".py" and collection_path.name.startswith("test_")
    if is_test and _uses_qt(collection_path):
        _QT_MODULES_LEFT.append(collection_path.name)
        return True
    return None


def pytest_terminal_summary(terminalreporter):
    if QT_MISSING:
        terminalreporter.write_line(
            f"Qt ne se charge pas sur cette machine ({QT_MISSING}) : tests d'écran non "
            f"exécutés ici : {', '.join(_QT_MODULES_LEFT) or 'aucun'}."
        )


@pytest.fixture(autouse=True)
def outbox_guard():
    """Every desk transaction of every test states the sync ops of what it writes (a use case
    that forgets fails its test: see tests/outbox_guard.py)."""
    checker = OutboxGuard()
    checker.install()
    yield checker
    checker.remove()
    assert not checker.failures, checker.failures


@pytest.fixture(autouse=True)
def user_data_folder(tmp_path_factory, monkeypatch):
    """The user's data folder (the default base, the documents of every base) is a temporary
    one: a test never writes in the real one (platformdirs reads these at each call)."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", str(folder))
    return folder


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 9, 14, 9, 30))


EMPTY_TOWN = FirstSetup(
    commune="Commune de Neuvecelle",
    postcode="74500",
    city="Neuvecelle",
    admin_login="admin",
    admin_full_name="Anne Martin",
    admin_password=ADMIN_PASSWORD,
    schools=["École Jules Ferry", "École du Lac"],
)


@pytest.fixture(scope="session")
def _migrated_base(tmp_path_factory) -> Path:
    """A new base with every migration applied, made once and copied for each test (migrating
    took a tenth to two thirds of a second per test, a second under Wine). The town itself is
    made in each test: its rows have ids of their own, which the server tells apart."""
    path = tmp_path_factory.mktemp("migrated") / "eticket.sqlite"
    Store(path).close()
    return path


@pytest.fixture
def store(tmp_path, clock, _migrated_base) -> Store:
    path = tmp_path / "eticket.sqlite"
    shutil.copyfile(_migrated_base, path)
    store = Store(path, clock)
    create_empty_town(store, EMPTY_TOWN)
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


# ---------------------------------------------------------------- calendar and activities


@pytest.fixture
def school_year(store, admin):
    """2026-2027, zone A: rentrée Tuesday 1 September 2026, Toussaint 17 Oct – 1 Nov."""
    from eticket_desk.services.catalogue.calendar import create_school_year

    return create_school_year(store, admin, 2026)


@pytest.fixture
def activities(store, admin, school_year) -> dict:
    """The guides' rules: canteen until the previous open day 10:00 (closed on Wednesday),
    a 2-seat bus until Tuesday 12:00 of the week before, TAP by subscription only."""
    from datetime import time

    from eticket_desk.rules.activity import ActivitySpec, BillingMode
    from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
    from eticket_desk.services.catalogue.activities import save_activity

    specs = (
        ActivitySpec(
            code="CANTINE",
            name="Cantine",
            weekdays=(0, 1, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.UNIT,
        ),
        ActivitySpec(
            code="BUS",
            name="Bus 8h30",
            weekdays=(0, 1, 2, 3, 4),
            deadline=DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1),
            billing_mode=BillingMode.FARE,
            capacity=2,
        ),
        ActivitySpec(
            code="TAP",
            name="TAP",
            weekdays=(1, 4),
            deadline=DeadlineRule(DeadlineKind.SUBSCRIPTION_ONLY),
            billing_mode=BillingMode.FARE,
            levels=("CP", "CE1", "CE2", "CM1", "CM2"),
        ),
    )
    return {spec.code: save_activity(store, admin, spec) for spec in specs}


def validated_family(store, admin, schools, **names) -> FamilyData:
    from eticket_desk.services.families.dossiers import load_family, validate_family

    data = save_family(store, admin, complete_family(schools, **names))
    assert validate_family(store, admin, data.id) == []
    return load_family(store, admin, data.id)


# ------------------------------------------------------------------ the counter

# QF up to 600 €, up to 1000 €, above: (commune, hors commune) prices of a ticket.
BRACKETS = [Bracket(600, 120, 170), Bracket(1000, 160, 210), Bracket(None, 240, 290)]


@pytest.fixture
def garderie(store, admin, school_year):
    """The GARDERIE ticket type with its three brackets and a prepaid evening garderie."""
    from datetime import time

    from eticket_desk.rules.activity import ActivitySpec, BillingMode
    from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
    from eticket_desk.services.catalogue.activities import save_activity
    from eticket_desk.services.catalogue.tariffs import save_tariff, save_ticket_type

    ticket = save_ticket_type(store, admin, "garderie", "Garderie")
    save_tariff(store, admin, ticket.id, store.clock.today(), BRACKETS)
    activity = save_activity(
        store,
        admin,
        ActivitySpec(
            code="GARDERIE_SOIR",
            name="Garderie soir",
            weekdays=(0, 1, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.PREPAID,
            ticket_type="GARDERIE",
        ),
    )
    return ticket, activity


def set_state_in_test(store, actor, child_id, day, state: str) -> None:
    """Sets the state of a child's bookings of a day directly (a past day the services no
    longer change), stating their ops like any writer."""
    with store.write(actor) as session:
        query = select(Booking).where(Booking.child_id == child_id, Booking.day == day)
        for booking in session.scalars(query):
            emit(session, BookingChanged(booking.activity_id, day, child_id, booking.state))
            booking.state = state


def cash_sale(store, actor, family, ticket, quantity, given):
    from eticket_desk.rules.pricing import Method, PaymentInput
    from eticket_desk.services.counter.sales import SaleRequest, sell_tickets

    return sell_tickets(
        store,
        actor,
        SaleRequest(family.id, ((ticket.id, quantity),), (PaymentInput(Method.CASH, given),)),
    )


def cheque_sale(store, actor, family, ticket, quantity, number, amount):
    from eticket_desk.rules.pricing import Method, PaymentInput
    from eticket_desk.services.counter.sales import SaleRequest, sell_tickets

    payment = PaymentInput(
        Method.CHEQUE,
        amount,
        cheque_number=number,
        cheque_bank="La Banque Postale",
        cheque_drawer="M. DUPONT Jean",
    )
    return sell_tickets(store, actor, SaleRequest(family.id, ((ticket.id, quantity),), (payment,)))


# ------------------------------------------------------------------ screens


@pytest.fixture
def ctx(qapp, store, admin):
    """An AppContext over the test store whose task runner runs at once."""
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    return AppContext(store=store, actor=admin, runner=ImmediateRunner(), bus=ChangeBus())


@pytest.fixture
def unexpected_boxes(qapp):
    """Closes any message box nobody answers (so a failing test fails instead of hanging),
    and fails the test that left one."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(f"{box.text()} {box.informativeText()}")
            box.done(QMessageBox.StandardButton.Cancel)

    timer = QTimer()
    timer.timeout.connect(close_box)
    timer.start(200)
    yield seen
    timer.stop()
    assert not seen, f"unexpected message boxes: {seen}"
