"""A town's first upload: the reference town's desk registers on a new central server.

Budget (issue 17): < 60 s. On a copy of the reference town (`demo --families 6000`), clock
frozen on the demo's Monday 23/11/2026; a throwaway PostgreSQL cluster with its default
durability, the server started by `eticket-central` in its own process on loopback (as
bench_sync). Timed once, as the agent lives it: registering the desk (`save_device`, which
queues the first upload: the desk's whole state as ops), then syncs until nothing is left to
send (each push, and the pull of what the server recorded). The server's change log and
bookings are counted afterwards: the verdict also needs every op applied and the server
holding every booked or waiting day the desk holds from today on. The CPU time of the desk,
of the server's process and of PostgreSQL's processes during the upload is printed too: on
a machine others share, it says what the wall time cannot.
Run: `uv run --extra server python -m benchmarks.bench_first_upload`.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime
from pathlib import Path

import keyring
from sqlalchemy import func, select, text

from benchmarks.bench_planning import copy_of_the_town
from benchmarks.central_server import central_server, commune_database
from benchmarks.results import Result, once
from eticket_central.models import Booking as ServerBooking
from eticket_central.models import ChangeLog
from eticket_central.tenants import add_device
from eticket_central.throwaway import ThrowawayCluster
from eticket_desk.clock import FrozenClock
from eticket_desk.models import Booking, OutboxOp
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD, DEMO_TODAY
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.status import save_device
from tests.sync.stand_ins import MemoryKeyring

BUDGET_S = 60.0
MAX_SYNCS = 50  # a sync sends until the server answers part of a batch: a few are enough
_HELD = ("booked", "waiting")


def _desk_days(store: Store) -> int:
    with store.read() as session:
        return session.scalar(
            select(func.count()).where(Booking.day >= DEMO_TODAY.date(), Booking.state.in_(_HELD))
        )


def _pending(store: Store) -> int:
    with store.read() as session:
        return session.scalar(
            select(func.count()).select_from(OutboxOp).where(OutboxOp.status == "pending")
        )


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """A process's CPU seconds so far, its waited-for children included (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / _TICKS


def _postgres_cpu(cluster: ThrowawayCluster) -> float:
    """PostgreSQL's CPU seconds: the postmaster, its finished and its running processes."""
    master = int((cluster.data / "postmaster.pid").read_text().split()[0])
    total = _cpu(master)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                total += _cpu(int(entry.name))
    return total


def sync_until_sent(store: Store) -> tuple[int, int, int, list[str]]:
    """Syncs the desk until nothing is left to send: (syncs, ops pushed, rejected, errors)."""
    pushed = rejected = syncs = 0
    errors: list[str] = []
    while syncs < MAX_SYNCS:
        report = run_sync(store)
        syncs += 1
        pushed += report.pushed
        rejected += report.rejected
        if report.error:
            errors.append(report.error)
            break
        if not _pending(store):
            break
    return syncs, pushed, rejected, errors


def measure() -> list[Result]:
    path = copy_of_the_town()
    store = Store(path, FrozenClock(DEMO_TODAY))
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    keyring.set_keyring(MemoryKeyring())  # never the real OS keyring
    desk_days = _desk_days(store)
    with (
        ThrowawayCluster(fast=False) as cluster,
        commune_database(cluster, "bench_first_upload") as commune,
    ):
        database, sessions, tenant = commune.url, commune.sessions, commune.tenant
        device = add_device(sessions, str(tenant), "Accueil mairie", datetime.now())
        with central_server(database) as (url, server):
            cpu_before = (time.process_time(), _cpu(server.pid), _postgres_cpu(cluster))
            started = time.perf_counter()
            save_device(store, admin, url, uuid.UUID(str(device.device_id)), device.token)
            queued = time.perf_counter()
            ops = _pending(store)
            syncs, pushed, rejected, errors = sync_until_sent(store)
            done = time.perf_counter()
            cpu_after = (time.process_time(), _cpu(server.pid), _postgres_cpu(cluster))
            with sessions() as session:
                changes = session.scalar(select(func.count()).select_from(ChangeLog))
                by_entity = dict(
                    session.execute(
                        select(ChangeLog.entity, func.count()).group_by(ChangeLog.entity)
                    ).all()
                )
                server_days = session.scalar(
                    select(func.count()).where(
                        ServerBooking.day >= DEMO_TODAY.date(), ServerBooking.state.in_(_HELD)
                    )
                )
                size = session.scalar(text("SELECT pg_database_size(current_database())"))
    store.close()
    total = done - started
    desk_cpu, server_cpu, pg_cpu = (b - a for a, b in zip(cpu_before, cpu_after, strict=True))
    cpu = f"CPU: desk {desk_cpu:.1f} s, server {server_cpu:.1f} s, PostgreSQL {pg_cpu:.1f} s"
    whole = not errors and not rejected and pushed >= ops and server_days == desk_days
    print(f"ops mises en file : {ops:,} en {queued - started:.2f} s")
    print(f"synchronisations : {syncs}, ops envoyées {pushed:,}, refusées {rejected:,}")
    print(f"changements enregistrés par le serveur : {changes:,} {by_entity}")
    print(f"jours réservés ou en attente : poste {desk_days:,}, serveur {server_days:,}")
    print(f"base du serveur : {size / 1e6:.0f} Mo")
    print(cpu)
    if errors:
        print(f"erreur : {errors[0]}")
    verdict = "OK" if total < BUDGET_S and whole else "HORS BUDGET"
    print(f"premier envoi de la commune : {total:.2f} s (budget {BUDGET_S:.0f} s) {verdict}")
    return [
        once(
            "a town's first upload (register, push, pull)",
            total,
            BUDGET_S,
            within=total < BUDGET_S and whole,
            detail=f"{ops:,} ops queued in {queued - started:.1f} s, {syncs} syncs, "
            f"{changes:,} changes recorded, {server_days:,}/{desk_days:,} days on the server; "
            + cpu
            + (f", {rejected} rejected" if rejected else "")
            + (f", error: {errors[0]}" if errors else ""),
        )
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
