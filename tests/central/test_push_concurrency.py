"""Desks pushing at once: no deadlock (PostgreSQL's log says so), every op applied once, seats
counted right; a push whose desk hung up stops and is rolled back; a lock held too long is a
French 503 the desk retries, never a 500."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy import text

from eticket_central.db import make_engine, session_factory
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import new_commune, start_server
from tests.central.helpers import Desk, a_child

TOUSSAINT = (date(2026, 10, 17), date(2026, 11, 1))


def _open_days(count: int, first: date = date(2026, 9, 15)) -> list[date]:
    """Canteen days from `first` (by default Tuesday 15 September, the first whose deadline
    is ahead of the tests' clock), the Toussaint holidays skipped."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() in (0, 1, 3, 4) and not TOUSSAINT[0] <= day <= TOUSSAINT[1]:
            days.append(day)
        day += timedelta(days=1)
    return days


def _canteen(desk, capacity: int = 100) -> uuid.UUID:
    activity_id = uuid.uuid4()
    results = desk.push(
        desk.op(
            OpType.CALENDAR_UPSERT,
            year_id=str(uuid.uuid4()),
            label="2026-2027",
            start="2026-09-01",
            end="2027-07-03",
            closures=[
                {
                    "start": TOUSSAINT[0].isoformat(),
                    "end": TOUSSAINT[1].isoformat(),
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
            capacity=capacity,
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    return activity_id


def _deadlocks_logged(pg_cluster) -> int:
    return pg_cluster.log_path.read_text(errors="replace").count("deadlock detected")


def _book(desk, child_id, activity_id, day: date):
    return desk.op(
        OpType.BOOKING_BOOK, child_id=str(child_id), activity_id=str(activity_id), day=str(day)
    )


def _at_once(*calls) -> list:
    answers: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def test_two_desks_booking_the_same_days_in_opposite_order_never_deadlock(pg_cluster, commune, db):
    first, second = commune.desk("Accueil mairie"), commune.desk("Accueil école")
    activity_id = _canteen(first)
    lea, tom = a_child(first, "Lea"), a_child(second, "Tom")
    days = _open_days(40)
    before = _deadlocks_logged(pg_cluster)
    for _round in range(3):
        ahead = [_book(first, lea, activity_id, d) for d in days]
        behind = [_book(second, tom, activity_id, d) for d in reversed(days)]
        answers = _at_once(
            lambda ops=ahead: first.push_raw(ops), lambda ops=behind: second.push_raw(ops)
        )
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        statuses = {r["status"] for a in answers for r in a.json()["results"]}
        assert statuses <= {"applied"}
        days = days[::-1]  # the next round books again: answered without change
    assert _deadlocks_logged(pg_cluster) == before
    booked = db.execute(
        text("SELECT count(DISTINCT day), min(booked), max(booked) FROM activity_days "
             "WHERE activity_id = :a"),
        {"a": activity_id},
    ).one()  # fmt: skip
    assert tuple(booked) == (40, 2, 2)


def test_many_desks_with_mixed_ops_on_shared_days_are_all_applied_once(pg_cluster, commune, db):
    desks = [commune.desk(f"Poste {n}") for n in range(6)]
    activity_id = _canteen(desks[0], capacity=1000)
    days = _open_days(12)
    before = _deadlocks_logged(pg_cluster)
    batches = []
    for n, desk in enumerate(desks):
        child_id = a_child(desk, f"Enfant{n}")
        family_id = db.execute(
            text("SELECT family_id FROM children WHERE id = :c"), {"c": child_id}
        ).scalar_one()
        ops = []
        order = days if n % 2 else days[::-1]
        for day in order:
            ops.append(_book(desk, child_id, activity_id, day))
            ops.append(
                desk.op(
                    OpType.WALLET_ENTRY,
                    entry_id=str(uuid.uuid4()),
                    family_id=str(family_id),
                    ticket_type="CANTINE",
                    quantity=-1,
                    kind="booking",
                    occurred_at="2026-09-14T09:00:00",
                )
            )
        batches.append((desk, ops))
    answers = _at_once(*[lambda d=d, o=o: d.push_raw(o) for d, o in batches])
    assert [a.status_code for a in answers] == [200] * len(desks)
    assert {r["status"] for a in answers for r in a.json()["results"]} == {"applied"}
    assert _deadlocks_logged(pg_cluster) == before
    counts = db.execute(
        text("SELECT min(booked), max(booked) FROM activity_days WHERE activity_id = :a"),
        {"a": activity_id},
    ).one()
    assert tuple(counts) == (len(desks), len(desks))
    lines = db.execute(
        text("SELECT count(*), sum(quantity) FROM wallet_entries WHERE tenant_id = :t"),
        {"t": commune.tenant_id},
    ).one()
    assert tuple(lines) == (len(desks) * len(days), -len(desks) * len(days))


def _hold_day(database_url: str, activity_id, day: date):
    """Another transaction (a parent booking on the portal) holds the day's row."""
    engine = make_engine(database_url, pool_size=1)
    session = session_factory(engine)()
    session.execute(
        text("SELECT booked FROM activity_days WHERE activity_id = :a AND day = :d FOR UPDATE"),
        {"a": activity_id, "d": day},
    ).one()
    return engine, session


def _pushes_waiting(db) -> int:
    """Server connections waiting for a lock right now (the test's own excepted)."""
    db.rollback()
    return db.execute(
        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
             "AND datname = current_database()")
    ).scalar_one()  # fmt: skip


def test_a_push_whose_desk_hung_up_stops_and_is_rolled_back(central, database_url, desk, db):
    activity_id = _canteen(desk)
    lea, tom = a_child(desk, "Lea"), a_child(desk, "Tom")
    day = _open_days(1)[0]
    assert desk.push(_book(desk, lea, activity_id, day))[0]["status"] == "applied"
    engine, holder = _hold_day(database_url, activity_id, day)
    impatient = Desk(central.url, desk.device_id, desk.token)
    impatient.http.timeout = httpx.Timeout(1.0)
    booking = _book(desk, tom, activity_id, day)
    try:
        try:
            impatient.push_raw([booking])
            raise AssertionError("the push should have waited on the held day")
        except httpx.ReadTimeout:
            pass
        waited = 0
        while _pushes_waiting(db) and waited < 100:  # the server notices within a moment
            time.sleep(0.1)
            waited += 1
        assert _pushes_waiting(db) == 0  # the abandoned push is no longer waiting…
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
        impatient.close()
    # …and nothing of it was kept: the same op sent again is applied now, not "duplicate".
    again = desk.push(booking)[0]
    assert again["status"] == "applied"


def test_a_lock_held_too_long_is_a_french_503_then_the_retry_applies(
    central, database_url, commune
):
    server = start_server(database_url, central.clock, lock_timeout_s=0.5)
    desk = commune.desk()
    door = Desk(server.url, desk.device_id, desk.token)
    try:
        activity_id = _canteen(door)
        lea, tom = a_child(door, "Lea"), a_child(door, "Tom")
        day = _open_days(1)[0]
        assert door.push(_book(door, lea, activity_id, day))[0]["status"] == "applied"
        engine, holder = _hold_day(database_url, activity_id, day)
        booking = _book(door, tom, activity_id, day)
        try:
            answer = door.push_raw([booking])
        finally:
            holder.rollback()
            holder.close()
            engine.dispose()
        assert answer.status_code == 503
        assert answer.json()["detail"] == (
            "Le serveur est très occupé : la synchronisation reprendra d'elle-même."
        )
        assert door.push(booking)[0]["status"] == "applied"
    finally:
        door.close()
        server.stop()


def test_the_server_answers_with_two_worker_processes(pg_cluster, central, database_url):
    """`eticket-central --workers 2`: both processes serve the same desks."""
    import subprocess
    import sys

    from eticket_central.throwaway import free_port

    commune = new_commune(central)
    desk = commune.desk()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "eticket_central.cli", "--database", database_url]
        + ["--port", str(port), "--workers", "2", "--pool-size", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    door = Desk(f"http://127.0.0.1:{port}", desk.device_id, desk.token)
    try:
        # Two worker processes importing the app: up to 90 s on a loaded machine.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if door.http.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        activity_id = _canteen(door)
        children = [a_child(door, f"Enfant{n}") for n in range(8)]
        day = _open_days(1, date.today() + timedelta(days=7))[0]  # this server's clock is real
        answers = _at_once(
            *[lambda c=c: door.push_raw([_book(door, c, activity_id, day)]) for c in children]
        )
        assert [a.status_code for a in answers] == [200] * 8
        assert [a.json()["results"][0]["status"] for a in answers] == ["applied"] * 8
    finally:
        door.close()
        desk.close()
        server.terminate()
        server.wait(timeout=15)


def test_every_op_type_says_what_it_locks_or_that_it_only_appends():
    from eticket_central import locks

    placed = locks.KEYED | locks.APPEND_ONLY
    missing = sorted(t.value for t in OpType if t not in placed)
    assert missing == [], f"give these op types their lock names in locks.py: {missing}"
