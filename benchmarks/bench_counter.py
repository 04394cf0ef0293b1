"""Selling tickets and printing the receipt on the reference town.

Budget (DESIGN.md): sell tickets and print the receipt PDF < 200 ms (the sale's transaction
with its receipt number, then the A4 quittance rendered to a file).
Run: `uv run python -m benchmarks.bench_counter`.
"""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import text

from benchmarks.reference_town import summary, town_copy
from benchmarks.results import Result, timing
from eticket_desk.clock import FrozenClock
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.catalogue.tariffs import list_ticket_types
from eticket_desk.services.core.store import Store
from eticket_desk.services.counter.receipts import print_receipt
from eticket_desk.services.counter.sales import SaleRequest, sell_tickets
from eticket_desk.services.counter.till import current_till, open_till
from eticket_desk.services.demo.town import DEMO_PASSWORD


def measure() -> list[Result]:
    """Sells and prints 80 times, prints the summary line and returns it as a result."""
    copy = town_copy("counter")
    folder = copy.parent
    store = Store(copy, FrozenClock(datetime(2026, 11, 23, 9, 0)))
    actor, _ = authenticate(store, "agent", DEMO_PASSWORD)
    if current_till(store) is None:
        open_till(store, actor, 15_000)
    garderie = list_ticket_types(store)[0]
    with store.read() as session:
        families = [
            row[0]
            for row in session.execute(
                text("SELECT id FROM family WHERE status = 'validated' ORDER BY number LIMIT 80")
            )
        ]
    import uuid

    millis = []
    for index, family in enumerate(families):
        started = time.perf_counter()
        done = sell_tickets(
            store,
            actor,
            SaleRequest(
                uuid.UUID(family),
                ((garderie.id, 10),),
                (PaymentInput(Method.CASH, 5000),),
            ),
        )
        print_receipt(store, actor, done.sale_id, folder / f"quittance-{index}.pdf")
        millis.append((time.perf_counter() - started) * 1000)
    print(f"reference town copy: {copy}")
    operation = "sell 10 tickets (cash, change) and print the A4 receipt"
    print(summary(operation, millis[1:], 200))
    store.close()
    return [timing(operation, millis[1:], 200)]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
