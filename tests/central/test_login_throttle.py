"""Portal logins are throttled per login and per client address (in PostgreSQL, before any
password is hashed), and a crowd of login attempts does not slow the desks' sync down."""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from argon2 import PasswordHasher

from eticket_desk.clock import FrozenClock
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import START, Central, new_commune, start_server
from tests.central.helpers import family_payload

PASSWORD = "Soleil2026"
_HASH = PasswordHasher().hash(PASSWORD)
_addresses = iter(range(2, 250))


def _accounts(desk, count: int) -> list[str]:
    logins = []
    for _ in range(count):
        family_id = uuid.uuid4()
        login = f"famille.{family_id.hex[:8]}"
        portal = {"login": login, "password_hash": _HASH}
        answer = desk.push(
            desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, portal=portal))
        )
        assert answer[0]["status"] == "applied"
        logins.append(login)
    return logins


def _browser(url: str) -> httpx.Client:
    """A browser of its own: each test logs in from its own loopback address (the
    failures of the module's other tests, kept in the database, are not its own)."""
    transport = httpx.HTTPTransport(local_address=f"127.0.0.{next(_addresses)}")
    return httpx.Client(base_url=url, transport=transport, timeout=120)


@pytest.fixture
def client(central):
    with _browser(central.url) as http:
        yield http


def _login(client, commune, login: str, password: str) -> httpx.Response:
    return client.post(
        "/portal/login",
        json={"tenant_id": str(commune.tenant_id), "login": login, "password": password},
    )


def test_the_sixth_attempt_is_refused_even_with_the_right_password(central, commune, desk, client):
    (login,) = _accounts(desk, 1)
    for _ in range(5):
        assert _login(client, commune, login, "mauvais").status_code == 401
    central.clock.current = START + timedelta(minutes=4)
    refused = _login(client, commune, login, PASSWORD)
    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "Trop de tentatives de connexion : réessayez dans 11 minutes."
    )
    assert refused.headers["retry-after"] == str(11 * 60)
    # The window passes (15 minutes after the first failure): the right password opens.
    central.clock.current = START + timedelta(minutes=15, seconds=1)
    assert _login(client, commune, login, PASSWORD).status_code == 200


def test_the_right_password_clears_the_logins_failures(central, commune, desk, client):
    (login,) = _accounts(desk, 1)
    for _ in range(2):
        for _ in range(4):
            assert _login(client, commune, login, "mauvais").status_code == 401
        assert _login(client, commune, login, PASSWORD).status_code == 200


def test_an_address_trying_many_logins_is_throttled_for_all_of_them(central, commune, desk, client):
    logins = _accounts(desk, 5)
    for login in logins[:4]:  # 4 logins × 5 failures: the address's 20
        for _ in range(5):
            assert _login(client, commune, login, "mauvais").status_code == 401
    refused = _login(client, commune, logins[4], PASSWORD)
    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "Trop de tentatives de connexion : réessayez dans 15 minutes."
    )
    unknown = _login(client, commune, "personne", "x")
    assert unknown.status_code == 429
    # Another address is not concerned; and the window passes for this one.
    with _browser(central.url) as elsewhere:
        assert _login(elsewhere, commune, logins[4], PASSWORD).status_code == 200
    central.clock.current = START + timedelta(minutes=16)
    assert _login(client, commune, logins[4], PASSWORD).status_code == 200


def _median_pull(desk, count: int = 15) -> float:
    durations = []
    for _ in range(count):
        began = time.perf_counter()
        desk.pull(since=0)
        durations.append(time.perf_counter() - began)
    return statistics.median(durations)


def test_a_crowd_of_logins_does_not_starve_the_desks_sync(database_url):
    """32 clients trying passwords without pause (throttle out of the way): the desk's pull
    stays quick, since password checks wait for their own few slots, not for threads."""
    server = start_server(
        database_url,
        FrozenClock(START),
        login_failures_per_login=10**6,
        login_failures_per_address=10**6,
    )
    central = Central(server, server.app.state.clock)
    commune = new_commune(central)
    desk = commune.desk()
    stop = threading.Event()
    tried = []

    def crowd() -> None:
        with _browser(central.url) as http:
            while not stop.is_set():
                tried.append(_login(http, commune, "personne", "mauvais").status_code)

    try:
        desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(uuid.uuid4())))
        quiet = _median_pull(desk)
        threads = [threading.Thread(target=crowd, daemon=True) for _ in range(32)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        busy = _median_pull(desk)
    finally:
        stop.set()
        desk.close()
        for thread in threads:
            thread.join(timeout=120)
        server.stop()
    assert set(tried) == {401}
    assert busy < max(0.5, 20 * quiet), f"pull: {quiet:.3f} s quiet, {busy:.3f} s among logins"


def _at_once(calls) -> list[int]:
    answers: list[int] = []
    threads = [threading.Thread(target=lambda c=c: answers.append(c().status_code)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(answers)


def test_guesses_sent_in_parallel_are_counted_whole(central, commune, desk, client):
    (login,) = _accounts(desk, 1)
    answers = _at_once([lambda: _login(client, commune, login, "mauvais")] * 9)
    assert answers == [401] * 5 + [429] * 4


def test_parents_behind_one_address_log_in_together(database_url):
    """Attempts being checked count for their login, not for their address: a school's
    parents behind one address are refused only after that address's failures."""
    server = start_server(database_url, FrozenClock(START), login_failures_per_address=3)
    central = Central(server, server.app.state.clock)
    commune = new_commune(central)
    desk = commune.desk()
    try:
        logins = _accounts(desk, 8)
        with _browser(central.url) as http:
            calls = [lambda login=login: _login(http, commune, login, PASSWORD) for login in logins]
            assert _at_once(calls) == [200] * 8
            for login in logins[:3]:
                assert _login(http, commune, login, "mauvais").status_code == 401
            assert _login(http, commune, logins[3], PASSWORD).status_code == 429
    finally:
        desk.close()
        server.stop()


def test_a_login_forgets_the_familys_expired_sessions_and_the_old_token_is_refused(
    central, commune, desk, client, db
):
    from sqlalchemy import select

    from eticket_central.models import PortalSessionRow

    (login,) = _accounts(desk, 1)
    first = _login(client, commune, login, PASSWORD).json()
    central.clock.current = START + timedelta(hours=9)  # past the 8 hours of a session
    old = client.get("/portal/invoices", headers={"Authorization": f"Bearer {first['token']}"})
    assert old.status_code == 401
    second = _login(client, commune, login, PASSWORD).json()
    db.expire_all()
    kept = db.scalars(
        select(PortalSessionRow.expires_at).where(
            PortalSessionRow.family_id == uuid.UUID(second["family_id"])
        )
    ).all()
    assert kept == [START + timedelta(hours=17)]
