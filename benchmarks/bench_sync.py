"""Sync of 10,000 ops, push then pull, against the central server over loopback PostgreSQL.

Budget (DESIGN.md): < 10 s. A throwaway PostgreSQL cluster with its default durability
(fsync on, synchronous commit), the server started by `eticket-central` in its own process,
one desk pushing 200 dossiers, 7,800 wallet lines and 2,000 payments, interleaved as a
desk queues them, in batches of 500 (each op in its own savepoint, one commit per batch),
then pulling every change back in pages of 5,000. Bookings are timed apart (1,000 days
booked after the canteen and the school year are pushed): each locks its day and runs the
rules one by one, so they cost more per op than facts.
Run: `uv run --extra server python -m benchmarks.bench_sync`.
"""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime, timedelta

import httpx

from benchmarks.central_server import central_server, commune_database
from benchmarks.results import Result, once
from eticket_central.tenants import add_device
from eticket_central.throwaway import ThrowawayCluster
from eticket_desk.sync.protocol import OpType, make_op

BUDGET_S = 10.0
BATCH = 500
FAMILIES, WALLET_LINES, PAYMENTS = 200, 7_800, 2_000


SCHOOL = uuid.UUID("5b1f9a52-8a43-4c3e-9a51-3d1c2b7f0e01")
CHILDREN: list[uuid.UUID] = []


def _family(index: int, family_id: uuid.UUID) -> dict:
    name = f"Famille {index}"
    CHILDREN.append(uuid.uuid4())
    return {
        "family_id": str(family_id),
        "base_version": 0,
        "reference": f"F-{index:05d}",
        "status": "validated",
        "adults": [{"id": str(uuid.uuid4()), "last_name": name, "billing": True}],
        "children": [
            {
                "id": str(CHILDREN[-1]),
                "last_name": name,
                "first_name": "Léa",
                "school_id": str(SCHOOL),
                "level": "CP",
            }
        ],
    }


def _ops() -> list[dict]:
    """As a desk queues them: each dossier, then its 10 sales (the cash, the +10 tickets)
    and 29 tickets used (−1), so types alternate all along the stream."""
    now = datetime(2026, 9, 14, 9, 0).isoformat()
    payloads: list[tuple[OpType, dict]] = []
    for index in range(FAMILIES):
        family = uuid.uuid4()
        payloads.append((OpType.FAMILY_UPSERT, _family(index, family)))
        sales = PAYMENTS // FAMILIES
        for sale in range(sales):
            payment = {
                "payment_id": str(uuid.uuid4()),
                "family_id": str(family),
                "method": "cash" if sale % 2 else "card",
                "amount_cents": 3950,
                "received_at": now,
                "receipt_number": f"R-{index:03d}{sale:02d}",
            }
            payloads.append((OpType.PAYMENT_RECEIVED, payment))
            payloads.append((OpType.WALLET_ENTRY, _line(family, 10, now)))
        for _ in range(WALLET_LINES // FAMILIES - sales):
            payloads.append((OpType.WALLET_ENTRY, _line(family, -1, now)))
    return [make_op(t, p, seq).model_dump(mode="json") for seq, (t, p) in enumerate(payloads, 1)]


def _line(family: uuid.UUID, quantity: int, now: str) -> dict:
    return {
        "entry_id": str(uuid.uuid4()),
        "family_id": str(family),
        "ticket_type": "CANTINE",
        "quantity": quantity,
        "kind": "purchase" if quantity > 0 else "booking",
        "occurred_at": now,
    }


def _booking_ops(first_seq: int) -> tuple[list[dict], list[dict]]:
    """The canteen and the school year, then 1,000 days booked (5 for each child)."""
    activity, today = uuid.uuid4(), date.today()
    setup = [
        make_op(
            OpType.CALENDAR_UPSERT,
            {"year_id": str(uuid.uuid4()), "label": "Année en cours",
             "start": (today - timedelta(days=30)).isoformat(),
             "end": (today + timedelta(days=300)).isoformat()},
            first_seq,
        ),
        make_op(
            OpType.ACTIVITY_UPSERT,
            {"activity_id": str(activity), "code": "CANTINE", "name": "Cantine",
             "weekdays": [0, 1, 3, 4], "deadline": {"kind": "previous_open_day", "at": "10:00"},
             "billing_mode": "unit", "capacity": 400},
            first_seq + 1,
        ),
    ]  # fmt: skip
    ahead = (today + timedelta(days=7 + n) for n in range(30))  # deadlines still ahead
    days = [d.isoformat() for d in ahead if d.weekday() in (0, 1, 3, 4)][:5]
    bookings = [
        make_op(
            OpType.BOOKING_BOOK,
            {"child_id": str(child), "activity_id": str(activity), "day": day},
            first_seq + 2 + index,
        )
        for index, (child, day) in enumerate((c, d) for c in CHILDREN for d in days)
    ]
    return [op.model_dump(mode="json") for op in setup], [
        op.model_dump(mode="json") for op in bookings
    ]


def measure() -> list[Result]:
    """Pushes and pulls the ops, then the bookings; prints the figures and returns them."""
    with ThrowawayCluster(fast=False) as cluster:
        with commune_database(cluster, "bench_sync") as commune:
            device = add_device(commune.sessions, str(commune.tenant), "Accueil", datetime.now())
        database = commune.url
        with central_server(database) as (url, server):
            ops = _ops()
            headers = {"Authorization": f"Bearer {device.token}"}
            with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
                started = time.perf_counter()
                statuses: dict[str, int] = {}
                for start in range(0, len(ops), BATCH):
                    body = {"device_id": str(device.device_id), "ops": ops[start : start + BATCH]}
                    answer = client.post("/sync/push", json=body)
                    answer.raise_for_status()
                    for result in answer.json()["results"]:
                        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
                pushed = time.perf_counter()
                changes, cursor = 0, 0
                while True:
                    page = client.get("/sync/pull", params={"since": cursor, "limit": 5000})
                    page.raise_for_status()
                    body = page.json()
                    changes += len(body["changes"])
                    cursor = body["cursor"]
                    if not body["more"]:
                        break
                pulled = time.perf_counter()
                setup, bookings = _booking_ops(len(ops) + 1)
                body = {"device_id": str(device.device_id), "ops": setup}
                client.post("/sync/push", json=body).raise_for_status()
                booking_start = time.perf_counter()
                booked = 0
                for start in range(0, len(bookings), BATCH):
                    body = {
                        "device_id": str(device.device_id),
                        "ops": bookings[start : start + BATCH],
                    }
                    answer = client.post("/sync/push", json=body)
                    answer.raise_for_status()
                    booked += sum(r["status"] == "applied" for r in answer.json()["results"])
                booking_time = time.perf_counter() - booking_start
    total = pulled - started
    print(f"ops poussées : {len(ops)} → {statuses}")
    print(f"changements reçus : {changes}")
    print(f"push : {pushed - started:.2f} s ({len(ops) / (pushed - started):.0f} ops/s)")
    print(f"pull : {pulled - pushed:.2f} s")
    verdict = "OK" if total < BUDGET_S and statuses == {"applied": len(ops)} else "HORS BUDGET"
    print(f"push + pull de {len(ops)} ops : {total:.2f} s (budget {BUDGET_S:.0f} s) {verdict}")
    print(
        f"réservations : {booked}/{len(bookings)} appliquées en {booking_time:.2f} s "
        f"({booking_time / len(bookings) * 1000:.2f} ms par réservation)"
    )
    all_applied = statuses == {"applied": len(ops)}
    return [
        once(
            f"push + pull of {len(ops):,} ops",
            total,
            BUDGET_S,
            within=total < BUDGET_S and all_applied,
            detail=f"push {pushed - started:.2f} s, pull {pulled - pushed:.2f} s, "
            f"{changes:,} changes pulled" + ("" if all_applied else f", statuses {statuses}"),
        ),
        once(
            f"{len(bookings):,} bookings pushed (timed apart)",
            booking_time,
            None,
            detail=f"{booked:,} applied, {booking_time / len(bookings) * 1000:.2f} ms each",
        ),
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
