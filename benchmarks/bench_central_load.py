"""The central server under load: 20 desks pushing at once, then 300 parents on the last seats.

Budgets (DESIGN.md): 20 desks × 200 mixed ops at once — all applied once, no error, < 30 s;
300 parents booking in the last minute before a deadline — p95 < 300 ms, capacity held.
A throwaway PostgreSQL cluster with its default durability, the server started by
`eticket-central --workers 2` in its own processes on loopback (its real clock).

(a) Each desk sends one push of 200 ops, all desks released together: 20 new dossiers (a
child each), 100 bookings of the canteen on ten days shared by every desk (half the desks
in day order, half in reverse), 80 wallet lines. Verdict: every answer 200, every op
applied once (the server's rows counted: dossiers, bookings, seats, wallet lines, answers),
no deadlock (pg_stat_database and PostgreSQL's log), the wall time from release to the last
answer. A 503 is retried as a desk does (and counted).
(b) 300 families with a portal account and one canteen ticket each (prepaid); their parents
log in and open « Mon planning » on the week (not timed), then tick the same day, which has
40 seats left, and press « Enregistrer » — the page's form, CSRF token included — at random
moments of one minute (5 a second on average, each from its own loopback address, its
connection open). Verdict: exactly 40 bookings, the day's count
40, every family's tickets ≥ 0 and one ticket taken per booking, no 5xx, the p95 latency.
Run: `uv run --extra test python -m benchmarks.bench_central_load`.
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
import uuid
from datetime import date, datetime, timedelta

import httpx
from sqlalchemy import text

from benchmarks.central_server import central_server, commune_database
from benchmarks.reference_town import percentile
from benchmarks.results import Result, once
from eticket_central.tenants import add_device
from eticket_central.throwaway import ThrowawayCluster
from eticket_desk.sync.protocol import OpType, make_op

DESKS, FAMILIES_PER_DESK, BOOKED_DAYS, LINES_PER_FAMILY = 20, 20, 5, 4
SHARED_DAYS = 10
PUSH_BUDGET_S = 30.0
PARENTS, SEATS_LEFT, SPREAD_S = 300, 40, 60.0
PORTAL_BUDGET_MS = 300.0
SCHOOL = uuid.UUID("5b1f9a52-8a43-4c3e-9a51-3d1c2b7f0e01")
PASSWORD = "cantine-2026"
# What « Mon planning » answers after « Enregistrer » (planning_resultat.html's lists).
_OUTCOMES = tuple((name, f'class="resultat-{name}"') for name in ("booked", "waiting", "refused"))
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _days(count: int, first: date) -> list[date]:
    days, day = [], first
    while len(days) < count:
        if day.weekday() in (0, 1, 3, 4):
            days.append(day)
        day += timedelta(days=1)
    return days


def _planning(activity_id: uuid.UUID, portal_activity: uuid.UUID) -> list[tuple[OpType, dict]]:
    today = date.today()
    year = {
        "year_id": str(uuid.uuid4()),
        "label": "Année en cours",
        "start": (today - timedelta(days=30)).isoformat(),
        "end": (today + timedelta(days=300)).isoformat(),
    }
    canteen = {
        "activity_id": str(activity_id),
        "code": "CANTINE",
        "name": "Cantine",
        "weekdays": [0, 1, 3, 4],
        "deadline": {"kind": "previous_open_day", "at": "10:00"},
        "billing_mode": "unit",
        "capacity": 1000,
    }
    prepaid = {
        **canteen,
        "activity_id": str(portal_activity),
        "code": "CANTINE_PP",
        "name": "Cantine (tickets)",
        "billing_mode": "prepaid",
        "ticket_type": "CANTINE",
        "capacity": SEATS_LEFT,
    }
    return [
        (OpType.CALENDAR_UPSERT, year),
        (OpType.ACTIVITY_UPSERT, canteen),
        (OpType.ACTIVITY_UPSERT, prepaid),
    ]


def _dossier(reference: str, portal_hash: str | None = None) -> tuple[dict, uuid.UUID]:
    family_id, child_id = uuid.uuid4(), uuid.uuid4()
    payload = {
        "family_id": str(family_id),
        "base_version": 0,
        "reference": reference,
        "status": "validated",
        "adults": [{"id": str(uuid.uuid4()), "last_name": reference, "billing": True}],
        "children": [
            {
                "id": str(child_id),
                "last_name": reference,
                "first_name": "Léa",
                "school_id": str(SCHOOL),
                "level": "CP",
            }
        ],
    }
    if portal_hash is not None:
        payload["portal"] = {"login": reference.lower(), "password_hash": portal_hash}
    return payload, child_id


def _line(family_id: str, quantity: int) -> dict:
    return {
        "entry_id": str(uuid.uuid4()),
        "family_id": family_id,
        "ticket_type": "CANTINE",
        "quantity": quantity,
        "kind": "purchase" if quantity > 0 else "booking",
        "occurred_at": datetime.now().replace(microsecond=0).isoformat(),
    }


def _desk_ops(desk: int, activity_id: uuid.UUID, days: list[date]) -> list[dict]:
    """200 ops as a desk queues them: each dossier, its bookings, its wallet lines."""
    ops: list[tuple[OpType, dict]] = []
    order = days if desk % 2 else days[::-1]
    for index in range(FAMILIES_PER_DESK):
        payload, child_id = _dossier(f"F{desk:02d}-{index:03d}")
        ops.append((OpType.FAMILY_UPSERT, payload))
        start = index % (SHARED_DAYS - BOOKED_DAYS + 1)
        for day in order[start : start + BOOKED_DAYS]:
            booking = {"child_id": str(child_id), "activity_id": str(activity_id), "day": str(day)}
            ops.append((OpType.BOOKING_BOOK, booking))
        for line in range(LINES_PER_FAMILY):
            ops.append((OpType.WALLET_ENTRY, _line(payload["family_id"], 10 if line else -1)))
    return [make_op(t, p, seq).model_dump(mode="json") for seq, (t, p) in enumerate(ops, 1)]


def _deadlocks(engine, cluster: ThrowawayCluster) -> tuple[int, int]:
    """(pg_stat_database's count for the database, « deadlock detected » lines logged)."""
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        counted = connection.execute(
            text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        ).scalar_one()
    logged = (cluster.root / "server.log").read_text(errors="replace").count("deadlock detected")
    return int(counted), logged


def _push_until_answered(url: str, token: str, device_id, ops: list[dict], barrier, out: dict):
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        barrier.wait()
        for _attempt in range(10):
            answer = client.post("/sync/push", json={"device_id": str(device_id), "ops": ops})
            out.setdefault("codes", []).append(answer.status_code)
            if answer.status_code == 503:
                time.sleep(0.5)
                continue
            break
        out["results"] = answer.json().get("results", []) if answer.status_code == 200 else []
        out["done"] = time.perf_counter()


def _desks_at_once(url, sessions, tenant, activity_id, days) -> dict:
    now = datetime.now()
    devices = [add_device(sessions, str(tenant), f"Poste {n}", now) for n in range(DESKS)]
    pushes = [_desk_ops(n, activity_id, days) for n in range(DESKS)]
    barrier = threading.Barrier(DESKS + 1)
    outs: list[dict] = [{} for _ in range(DESKS)]
    threads = [
        threading.Thread(
            target=_push_until_answered,
            args=(url, d.token, d.device_id, ops, barrier, out),
        )
        for d, ops, out in zip(devices, pushes, outs, strict=True)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(300)
    wall = max(out.get("done", float("inf")) for out in outs) - started
    codes = [code for out in outs for code in out.get("codes", [])]
    statuses: dict[str, int] = {}
    for out in outs:
        for result in out.get("results", []):
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return {"wall": wall, "codes": codes, "statuses": statuses, "ops": sum(map(len, pushes))}


def _server_counts(engine, tenant, activity_id) -> dict[str, int]:
    queries = {
        "answers": "SELECT count(*) FROM applied_ops WHERE tenant_id = :t",
        "families": "SELECT count(*) FROM families WHERE tenant_id = :t",
        "bookings": "SELECT count(*) FROM bookings WHERE activity_id = :a AND state = 'booked'",
        "seats": "SELECT coalesce(sum(booked), 0) FROM activity_days WHERE activity_id = :a",
        "lines": "SELECT count(*) FROM wallet_entries WHERE tenant_id = :t",
    }
    with engine.connect() as connection:
        return {
            name: int(connection.execute(text(sql), {"t": tenant, "a": activity_id}).scalar_one())
            for name, sql in queries.items()
        }


def _portal_families(url, sessions, tenant, portal_hash) -> list[tuple[str, uuid.UUID]]:
    """300 dossiers with a portal login and one canteen ticket, pushed by the régie's desk."""
    device = add_device(sessions, str(tenant), "Régie", datetime.now())
    ops: list[tuple[OpType, dict]] = []
    families: list[tuple[str, uuid.UUID]] = []
    for index in range(PARENTS):
        payload, child_id = _dossier(f"P{index:04d}", portal_hash)
        ops.append((OpType.FAMILY_UPSERT, payload))
        ops.append((OpType.WALLET_ENTRY, _line(payload["family_id"], 1)))
        families.append((payload["portal"]["login"], child_id))
    wire = [make_op(t, p, seq).model_dump(mode="json") for seq, (t, p) in enumerate(ops, 1)]
    headers = {"Authorization": f"Bearer {device.token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for start in range(0, len(wire), 500):
            body = {"device_id": str(device.device_id), "ops": wire[start : start + 500]}
            answer = client.post("/sync/push", json=body)
            answer.raise_for_status()
            assert {r["status"] for r in answer.json()["results"]} == {"applied"}
    return families


def _address(index: int) -> str:
    return f"127.0.{1 + index // 250}.{1 + index % 250}"  # each parent from home


def _log_in(url: str, tenant, families) -> list[str | None]:
    tokens: list[str | None] = [None] * len(families)

    def work(indexes: range) -> None:
        for index in indexes:
            transport = httpx.HTTPTransport(local_address=_address(index))
            with httpx.Client(base_url=url, transport=transport, timeout=60) as client:
                answer = client.post(
                    "/portal/login",
                    json={
                        "tenant_id": str(tenant),
                        "login": families[index][0],
                        "password": PASSWORD,
                    },
                )
                if answer.status_code == 200:
                    tokens[index] = answer.json()["token"]

    workers = [threading.Thread(target=work, args=(range(n, len(families), 4),)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(600)
    return tokens


def _parents(url: str, tokens, families, activity_id, day) -> list[tuple[httpx.Client, str]]:
    """Each parent's browser with « Mon planning » open on the week of `day` before the last
    minute (the page read, its CSRF token kept): (the browser, the token)."""
    monday = day - timedelta(days=day.weekday())
    opened = []
    for index, token in enumerate(tokens):
        client = httpx.Client(
            base_url=url,
            transport=httpx.HTTPTransport(local_address=_address(index)),
            cookies={"portail_session": token or ""},
            timeout=60,
        )
        page = client.get(
            "/portail/planning", params={"enfant": str(families[index][1]), "semaine": str(monday)}
        )
        found = _CSRF.search(page.text)
        key = f"{activity_id}/{day}"
        if page.status_code != 200 or found is None or f'value="{key}"' not in page.text:
            raise SystemExit(f"le planning du parent {index} ne propose pas le {day}")
        opened.append((client, found.group(1)))
    return opened


def _book_last_seats(url, tokens, families, activity_id, day) -> dict:
    """Each parent ticks the day on « Mon planning » and presses « Enregistrer » at a random
    moment of the first SPREAD_S seconds of the minute (the form the page sends)."""
    draw = random.Random(16)
    moments = sorted(draw.uniform(0, SPREAD_S) for _ in families)
    latencies: list[float] = [0.0] * len(families)
    codes: list[int] = [0] * len(families)
    refusals: dict[str, int] = {}
    lock = threading.Lock()
    opened = _parents(url, tokens, families, activity_id, day)
    monday = day - timedelta(days=day.weekday())
    key = f"{activity_id}/{day}"
    start = time.perf_counter() + 1.0

    def parent(index: int) -> None:
        client, csrf = opened[index]
        form = {"csrf": csrf, "enfant": str(families[index][1]), "semaine": str(monday),
                "vu": key, "j": key}  # fmt: skip
        time.sleep(max(0.0, start + moments[index] - time.perf_counter()))
        began = time.perf_counter()
        answer = client.post("/portail/planning", data=form)
        latencies[index] = (time.perf_counter() - began) * 1000
        codes[index] = answer.status_code
        outcome = next((name for name, heading in _OUTCOMES if heading in answer.text), "unknown")
        with lock:
            refusals[outcome] = refusals.get(outcome, 0) + 1

    threads = [threading.Thread(target=parent, args=(i,)) for i in range(len(families))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for client, _ in opened:
        client.close()
    return {"latencies": latencies, "codes": codes, "refusals": refusals}


def _portal_counts(engine, tenant, activity_id, day) -> dict[str, int]:
    with engine.connect() as connection:
        booked = connection.execute(
            text("SELECT count(*) FROM bookings WHERE activity_id = :a AND day = :d "
                 "AND state = 'booked'"),
            {"a": activity_id, "d": day},
        ).scalar_one()  # fmt: skip
        seats = connection.execute(
            text("SELECT coalesce(max(booked), 0) FROM activity_days WHERE activity_id = :a "
                 "AND day = :d"),
            {"a": activity_id, "d": day},
        ).scalar_one()  # fmt: skip
        wallets = connection.execute(
            text("SELECT min(total), sum(CASE WHEN total = 0 THEN 1 ELSE 0 END) FROM ("
                 "SELECT family_id, sum(quantity) AS total FROM wallet_entries "
                 "WHERE tenant_id = :t AND ticket_type = 'CANTINE' AND family_id IN "
                 "(SELECT id FROM families WHERE reference LIKE 'P%' AND tenant_id = :t) "
                 "GROUP BY family_id) AS w"),
            {"t": tenant},
        ).one()  # fmt: skip
    return {
        "booked": int(booked),
        "seats": int(seats),
        "lowest_wallet": int(wallets[0]),
        "emptied_wallets": int(wallets[1]),
    }


def measure() -> list[Result]:
    from argon2 import PasswordHasher

    with (
        ThrowawayCluster(fast=False) as cluster,
        commune_database(cluster, "bench_central_load", pool_size=2) as commune,
    ):
        database, engine, sessions = commune.url, commune.engine, commune.sessions
        tenant = commune.tenant
        setup = add_device(sessions, str(tenant), "Administration", datetime.now())
        activity_id, portal_activity = uuid.uuid4(), uuid.uuid4()
        with central_server(database, "--workers", "2") as (url, server):
            planning = _planning(activity_id, portal_activity)
            body = {
                "device_id": str(setup.device_id),
                "ops": [
                    make_op(t, p, seq).model_dump(mode="json")
                    for seq, (t, p) in enumerate(planning, 1)
                ],
            }
            headers = {"Authorization": f"Bearer {setup.token}"}
            httpx.post(f"{url}/sync/push", json=body, headers=headers).raise_for_status()
            days = _days(SHARED_DAYS, date.today() + timedelta(days=7))
            before = _deadlocks(engine, cluster)
            desks = _desks_at_once(url, sessions, tenant, activity_id, days)
            time.sleep(1.5)  # PostgreSQL publishes its statistics within a second
            after = _deadlocks(engine, cluster)
            counts = _server_counts(engine, tenant, activity_id)

            portal_hash = PasswordHasher().hash(PASSWORD)
            families = _portal_families(url, sessions, tenant, portal_hash)
            tokens = _log_in(url, tenant, families)
            day = _days(1, date.today() + timedelta(days=8))[0]
            portal = _book_last_seats(url, tokens, families, portal_activity, day)
            held = _portal_counts(engine, tenant, portal_activity, day)
    return _report(desks, counts, before, after, portal, held, tokens)


def _report(desks, counts, before, after, portal, held, tokens) -> list[Result]:
    expected = {
        "answers": desks["ops"] + 3,  # and the planning's
        "families": DESKS * FAMILIES_PER_DESK,
        "bookings": DESKS * FAMILIES_PER_DESK * BOOKED_DAYS,
        "seats": DESKS * FAMILIES_PER_DESK * BOOKED_DAYS,
        "lines": DESKS * FAMILIES_PER_DESK * LINES_PER_FAMILY,
    }
    deadlocks = (after[0] - before[0], after[1] - before[1])
    all_once = desks["statuses"] == {"applied": desks["ops"]} and counts == expected
    no_error = all(code in (200, 503) for code in desks["codes"])
    retried = desks["codes"].count(503)
    wall = desks["wall"]
    push_ok = all_once and no_error and deadlocks == (0, 0) and wall < PUSH_BUDGET_S
    print(f"(a) {DESKS} postes × {desks['ops'] // DESKS} ops à la fois : {wall:.2f} s "
          f"(budget {PUSH_BUDGET_S:.0f} s) {'OK' if push_ok else 'HORS BUDGET'}")  # fmt: skip
    print(f"    réponses HTTP : {sorted(set(desks['codes']))}, 503 rejoués : {retried}")
    print(f"    statuts : {desks['statuses']}")
    print(f"    serveur : {counts} (attendu {expected})")
    print(f"    interblocages : pg_stat_database {deadlocks[0]}, journal {deadlocks[1]}")

    latencies = portal["latencies"]
    codes = portal["codes"]
    logged_in = sum(token is not None for token in tokens)
    capacity_held = (
        held["booked"] == SEATS_LEFT
        and held["seats"] == SEATS_LEFT
        and held["lowest_wallet"] >= 0
        and held["emptied_wallets"] == SEATS_LEFT
    )
    no_5xx = all(code == 200 for code in codes) and logged_in == PARENTS
    p95 = percentile(latencies, 95)
    portal_ok = capacity_held and no_5xx and p95 < PORTAL_BUDGET_MS
    print(f"(b) {PARENTS} parents sur {SEATS_LEFT} places en {SPREAD_S:.0f} s : p95 {p95:.0f} ms, "
          f"max {max(latencies):.0f} ms (budget {PORTAL_BUDGET_MS:.0f} ms) "
          f"{'OK' if portal_ok else 'HORS BUDGET'}")  # fmt: skip
    print(f"    connectés : {logged_in}, réponses : { {c: codes.count(c) for c in set(codes)} }, "
          f"issues : {portal['refusals']}")  # fmt: skip
    print(f"    tenu : {held}")
    return [
        once(
            f"central server: {DESKS} desks pushing {desks['ops'] // DESKS} mixed ops at once",
            wall,
            PUSH_BUDGET_S,
            within=push_ok,
            detail=f"2 workers; {desks['statuses']}; 503 retried {retried}; deadlocks "
            f"{deadlocks[0]} (stats), {deadlocks[1]} (log); rows as expected: "
            f"{counts == expected}",
        ),
        Result(
            f"central server: {PARENTS} parents booking {SEATS_LEFT} last seats",
            "ms",
            PORTAL_BUDGET_MS,
            p50=statistics.median(latencies),
            p95=p95,
            max=max(latencies),
            runs=len(latencies),
            within=portal_ok,
            detail=f"2 workers; {held['booked']} booked, day count {held['seats']}, lowest "
            f"wallet {held['lowest_wallet']}, refusals {portal['refusals']}",
        ),
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
