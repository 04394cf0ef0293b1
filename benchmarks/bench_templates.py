"""Applying a year of week templates to every child of the reference town, in bulk.

Budget (issue 4): a year template for 10,000 children (6 activities) in under 60 s, with a
progress bar. The town's bookings are cleared on a copy made with SQLite's backup API, every
child of a validated family gets paper forms for the year (garderie matin, cantine, garderie
soir and TAP for all who are concerned, the two bus trips for 70 riders: 64 seats), then
`apply_saved_subscriptions` books the year. Run: `uv run python -m benchmarks.bench_templates`.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

from benchmarks.reference_town import reference_town
from eticket_desk.clock import FrozenClock
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD
from eticket_desk.services.subscriptions.forms import apply_saved_subscriptions

NOW = datetime(2026, 8, 25, 9, 0)  # the week before the rentrée: every day still open
TEMPLATES = {
    "GARDERIE_MATIN": "01234",
    "CANTINE": "0134",
    "GARDERIE_SOIR": "0134",
    "TAP": "14",
    "BUS_0830": "01234",
    "BUS_1630": "0134",
}
BUS_RIDERS = 70


def fresh_copy() -> Path:
    """The reference town without its bookings, as on the day the forms are typed in."""
    target = Path(tempfile.gettempdir()) / "eticket-bench-templates.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(reference_town())
    copy = sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.executescript(
        "DELETE FROM booking; DELETE FROM occupancy; DELETE FROM subscription; VACUUM;"
    )
    copy.close()
    return target


def write_forms(store: Store) -> int:
    """One paper form per child and activity concerned, for the whole school year."""
    with store.read() as session:
        connection = session.connection().connection.driver_connection
        activities = dict(connection.execute("SELECT code, id FROM activity").fetchall())
        year_start, year_end = connection.execute('SELECT start, "end" FROM school_year').fetchone()
        children = connection.execute(
            "SELECT c.id, k.level FROM child c JOIN family f ON f.id = c.family_id "
            "JOIN school_class k ON k.id = c.class_id WHERE f.status = 'validated' ORDER BY c.id"
        ).fetchall()
    rows = []
    stamp = NOW.strftime("%Y-%m-%d %H:%M:%S.000000")
    for index, (child_id, level) in enumerate(children):
        for code, weekdays in TEMPLATES.items():
            if code == "TAP" and level in ("PS", "MS", "GS"):
                continue
            if code.startswith("BUS") and index >= BUS_RIDERS:
                continue
            rows.append(
                (
                    uuid.uuid4().hex,
                    child_id,
                    activities[code],
                    year_start,
                    year_end,
                    weekdays,
                    stamp,
                )
            )
    with store.write(store_actor(store)) as session:
        # Enough garderie tickets for the year (prepaid days are booked only as far as the
        # wallet goes): the load stays the same as a town that sold its tickets in August.
        session.connection().exec_driver_sql(
            "INSERT INTO wallet_entry (id, family_id, ticket_type_id, at, quantity, kind, "
            'reason, "by") SELECT lower(hex(randomblob(16))), f.id, t.id, ?, 800, '
            "'correction', 'Tickets achetés en août', 'bench' FROM family f, ticket_type t "
            "WHERE f.status = 'validated'",
            (stamp,),
        )
        session.connection().exec_driver_sql(
            'INSERT INTO subscription (id, child_id, activity_id, start, "end", period_label, '
            "regular, weekdays, parity, fare_option, source, created_at, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, 'Année scolaire', 1, ?, 'all', '', 'paper', ?, ?, 'bench')",
            [(*r, r[-1]) for r in rows],
        )
    return len(children)


def store_actor(store: Store):
    actor, _ = authenticate(store, "regisseur", DEMO_PASSWORD)
    return actor


def main() -> None:
    path = fresh_copy()
    store = Store(path, FrozenClock(NOW))
    children = write_forms(store)
    actor = store_actor(store)
    from datetime import date

    shown = [-1]

    def progress(done: int, total: int) -> bool:
        percent = done * 100 // total
        if percent // 10 != shown[0]:
            shown[0] = percent // 10
            print(f"  {done} / {total} formulaires ({percent} %)", flush=True)
        return True

    started = time.perf_counter()
    summary = apply_saved_subscriptions(
        store, actor, date(2026, 9, 1), date(2027, 7, 2), progress=progress
    )
    seconds = time.perf_counter() - started
    with store.read() as session:
        connection = session.connection().connection.driver_connection
        states = dict(
            connection.execute("SELECT state, count(*) FROM booking GROUP BY state").fetchall()
        )
    print(
        f"{children} children, {summary.forms} forms (6 activities), {summary.booked} days booked, "
        f"{states.get('waiting', 0)} on waiting lists: {seconds:.1f} s "
        f"(budget 60 s) {'OK' if seconds < 60 else 'OVER BUDGET'}"
    )
    store.close()


if __name__ == "__main__":
    main()
