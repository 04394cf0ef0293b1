"""Fixtures of the central server's tests: a throwaway PostgreSQL cluster for the session, a
database per module (a copy of a migrated template), uvicorn on a loopback port, and a fresh
commune with its desks per test. Nothing is skipped: without PostgreSQL the tests fail."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest

from eticket_central.app import Settings, create_app
from eticket_central.db import make_engine, migrate, session_factory
from eticket_central.tenants import add_device, add_tenant
from eticket_central.throwaway import ClusterError, cluster_for_tests
from eticket_desk.clock import FrozenClock
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import Desk, ServerThread
from tests.central.mailbox import mailbox  # noqa: F401 (a fixture)

TEMPLATE = "eticket_template"
START = datetime(2026, 9, 14, 9, 30)  # a Monday, 9:30
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = cluster_for_tests()
    try:
        cluster.start()
        template_url = cluster.create_database(TEMPLATE)
        engine = make_engine(template_url, pool_size=1)
        migrate(engine)
        engine.dispose()
    except ClusterError as error:
        cluster.stop()
        pytest.fail(f"PostgreSQL ne démarre pas pour les tests du serveur central :\n{error}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def database_url(pg_cluster) -> str:
    return pg_cluster.create_database(f"central_{next(_databases)}", template=TEMPLATE)


@dataclass
class Central:
    """One running server and what a test needs to reach it."""

    thread: ServerThread
    clock: FrozenClock

    @property
    def url(self) -> str:
        return self.thread.url

    @property
    def sessions(self):
        return self.thread.app.state.sessions


def start_server(database_url: str, clock: FrozenClock, **settings) -> ServerThread:
    settings.setdefault("portal_cookie_secure", False)  # plain HTTP on loopback
    app = create_app(database_url, clock=clock, settings=Settings(**settings))
    return ServerThread(app).start()


@pytest.fixture(scope="module")
def _central_module(database_url):
    clock = FrozenClock(START)
    thread = start_server(database_url, clock)
    yield Central(thread, clock)
    thread.stop()


@pytest.fixture
def central(_central_module) -> Central:
    _central_module.clock.current = START
    return _central_module


@dataclass
class Commune:
    tenant_id: uuid.UUID
    name: str
    central: Central
    desks: list[Desk]

    def desk(self, label: str = "Accueil mairie") -> Desk:
        device = add_device(self.central.sessions, str(self.tenant_id), label, START)
        desk = Desk(self.central.url, device.device_id, device.token)
        self.desks.append(desk)
        return desk


def new_commune(central: Central, name: str | None = None) -> Commune:
    name = name or f"Commune {uuid.uuid4().hex[:8]}"
    return Commune(add_tenant(central.sessions, name, START), name, central, [])


@pytest.fixture
def commune(central):
    made = new_commune(central)
    yield made
    for desk in made.desks:
        desk.close()


@pytest.fixture
def desk(commune) -> Desk:
    return commune.desk()


@pytest.fixture
def db(central):
    """A session on the server's database, to check what was (not) written."""
    factory = session_factory(central.thread.app.state.engine)
    with factory() as session:
        yield session


@pytest.fixture
def planning(desk):
    """The canteen (one seat a day, the day before at 10:00) and the school year 2026-2027."""
    activity_id, year_id = uuid.uuid4(), uuid.uuid4()
    results = desk.push(
        desk.op(
            OpType.CALENDAR_UPSERT,
            year_id=str(year_id),
            label="2026-2027",
            start="2026-09-01",
            end="2027-07-03",
            closures=[
                {
                    "start": "2026-10-17",
                    "end": "2026-11-01",
                    "kind": "school_holiday",
                    "label": "Vacances de la Toussaint",
                }
            ],
        ),
        desk.op(
            OpType.ACTIVITY_UPSERT,
            activity_id=str(activity_id),
            code="CANTINE",
            name="Cantine",
            weekdays=[0, 1, 3, 4],
            deadline={"kind": "previous_open_day", "at": "10:00"},
            billing_mode="unit",
            capacity=1,
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    return activity_id
