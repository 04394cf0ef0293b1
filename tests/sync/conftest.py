"""Desk ↔ server fixtures: the central server of tests/central (throwaway PostgreSQL, uvicorn
on loopback), a commune with this desk's device, the planning the server needs, and the
keyring's in-memory stand-in (the token never touches a file)."""

from __future__ import annotations

import sqlite3

import keyring
import pytest

from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.core.store import Store
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.syncing.answers import Answers, record_answers
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.state import pending_ops
from eticket_desk.services.syncing.status import save_device
from eticket_desk.sync.client import SyncClient
from eticket_desk.sync.protocol import OpResult, OpStatus, OpType, RejectCode
from tests.central.conftest import (  # noqa: F401 (fixtures)
    _central_module,
    central,
    commune,
    database_url,
    db,
    pg_cluster,
)
from tests.conftest import cash_sale, validated_family
from tests.sync.stand_ins import MemoryKeyring


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def device(commune):  # noqa: F811
    """This desk's device on the server (the Desk helper holds its id and token)."""
    return commune.desk("Accueil mairie")


@pytest.fixture
def other_desk(commune):  # noqa: F811
    """Another desk of the same commune (it sets up the planning, books, edits dossiers)."""
    return commune.desk("Accueil école")


@pytest.fixture
def client(device):
    made = SyncClient(device.http.base_url, device.device_id, device.token, backoff=0.01)
    yield made
    made.close()


@pytest.fixture
def lea_family(store, admin, schools):
    return validated_family(store, admin, schools)


@pytest.fixture
def server_planning(store, admin, garderie):
    """The evening garderie with one seat a day: the desk's own planning, which its first
    sync sends to the server (calendar.upsert, activity.upsert) before anything else."""
    import dataclasses

    from eticket_desk.services.catalogue.activities import save_activity

    _, activity = garderie
    return save_activity(store, admin, dataclasses.replace(activity, capacity=1))


def parent_headers(central, commune, letter) -> dict[str, str]:  # noqa: F811
    """The parent logged in on the portal with the letter the desk handed over."""
    import httpx

    token = httpx.post(
        f"{central.url}/portal/login",
        json={
            "tenant_id": str(commune.tenant_id),
            "login": letter.login,
            "password": letter.password,
        },
    ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def refuse_a_booked_day(store, agent, family, garderie, day, message: str) -> tuple:
    """Two garderie tickets sold, one day booked at the desk, then refused by the server
    (CAPACITY_FULL, `message`): the answers recorded, with the ops and results to replay."""
    ticket, activity = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 2, 500)
    book_day(store, agent, family.children[0].id, activity.id, day)
    rows = [r for r in pending_ops(store, 100) if r.type == OpType.BOOKING_BOOK]
    full = [
        OpResult(
            op_id=r.op_id,
            seq=r.seq,
            status=OpStatus.REJECTED,
            code=RejectCode.CAPACITY_FULL,
            message=message,
        )
        for r in rows
    ]
    answers: Answers = record_answers(store, rows, full)
    return answers, rows, full


@pytest.fixture
def desks(
    store,
    admin,
    agent,
    lea_family,
    garderie,
    server_planning,
    commune,  # noqa: F811
    memory_keyring,
    tmp_path,
):
    """Two real desks of one commune, each synced once: the town hall (`store`, desk 1) and
    the annex, started from a copy of the town hall's base then registered as a device of its
    own (desk 2). Both read the same frozen clock."""
    office, annex = commune.desk("Accueil mairie"), commune.desk("Annexe école")
    url = str(office.http.base_url)
    save_device(store, admin, url, office.device_id, office.token)
    assert run_sync(store).ok  # the planning and Léa's dossier go up; desk number 1
    source, target = sqlite3.connect(store.path), sqlite3.connect(tmp_path / "annexe.sqlite")
    source.backup(target)
    source.close()
    target.close()
    annex_store = Store(tmp_path / "annexe.sqlite", store.clock)
    save_device(annex_store, admin, url, annex.device_id, annex.token)
    assert run_sync(annex_store).ok  # desk number 2
    return store, annex_store
