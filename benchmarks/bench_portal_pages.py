"""The families' portal on the reference town: each page's server time.

Budget (issue 20): a page's server time p95 < 100 ms on the reference town. The reference
town's desk (`demo --families 6000`, clock frozen on Monday 23/11/2026) makes its first
upload to a new central server (`eticket-central` in its own process, a throwaway
PostgreSQL cluster with its default durability, as bench_first_upload; not timed here).
Then SAMPLE families with children and invoices get a portal session (opened in the base,
as the login does: argon2 is not what is measured), and each parent reads every page of the
menu in turn over loopback, three rounds: Accueil, Mon planning (the first child's week),
Porte-monnaie, Factures, Dossier, Documents; and the last invoice's PDF (rendered by the
server from the printed copy the desk sent: a document, judged against 300 ms). The time is
the request's, seen by the client on loopback (an upper bound of the server's).
Run: `uv run --extra test python -m benchmarks.bench_portal_pages`.
"""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import datetime, timedelta

import httpx
import keyring
from sqlalchemy import select

from benchmarks.bench_first_upload import sync_until_sent
from benchmarks.bench_planning import copy_of_the_town
from benchmarks.central_server import central_server, commune_database
from benchmarks.reference_town import summary
from benchmarks.results import Result, timing
from eticket_central.models import Child, Invoice, PortalSessionRow
from eticket_central.tenants import add_device
from eticket_central.throwaway import ThrowawayCluster
from eticket_central.tokens import hash_secret
from eticket_desk.clock import FrozenClock
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD, DEMO_TODAY
from eticket_desk.services.syncing.status import save_device
from tests.sync.stand_ins import MemoryKeyring

SAMPLE = 40
ROUNDS = 3
PAGE_BUDGET_MS = 100.0
PDF_BUDGET_MS = 300.0


def _parents(sessions, tenant: uuid.UUID) -> list[tuple[str, uuid.UUID, uuid.UUID]]:
    """SAMPLE families with a child and an invoice, each with a session: (token, first
    child, last invoice)."""
    with sessions.begin() as session:
        rows = session.execute(
            select(Invoice.family_id, Invoice.id, Child.id)
            .join(Child, Child.family_id == Invoice.family_id)
            .where(Invoice.tenant_id == tenant)
            .order_by(Invoice.family_id, Invoice.issued_on.desc(), Child.name)
        ).all()
        chosen: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
        for family_id, invoice_id, child_id in rows:
            chosen.setdefault(family_id, (child_id, invoice_id))
        step = max(1, len(chosen) // SAMPLE)
        picked = list(chosen.items())[::step][:SAMPLE]
        parents = []
        for family_id, (child_id, invoice_id) in picked:
            token = secrets.token_urlsafe(32)
            session.add(
                PortalSessionRow(
                    token_hash=hash_secret(token),
                    tenant_id=tenant,
                    family_id=family_id,
                    expires_at=datetime.now() + timedelta(hours=8),
                )
            )
            parents.append((token, child_id, invoice_id))
    return parents


def _pages(child_id: uuid.UUID, invoice_id: uuid.UUID) -> dict[str, str]:
    return {
        "Accueil": "/portail/",
        "Mon planning": f"/portail/planning?enfant={child_id}",
        "Porte-monnaie": "/portail/porte-monnaie",
        "Factures": "/portail/factures",
        "Dossier": "/portail/dossier",
        "Documents": "/portail/documents",
        "PDF de facture": f"/portail/factures/{invoice_id}/pdf",
    }


def _read_every_page(url: str, parents) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for _ in range(ROUNDS):
        for token, child_id, invoice_id in parents:
            with httpx.Client(base_url=url, cookies={"portail_session": token}) as browser:
                for name, path in _pages(child_id, invoice_id).items():
                    began = time.perf_counter()
                    answer = browser.get(path)
                    elapsed = (time.perf_counter() - began) * 1000
                    if answer.status_code != 200:
                        raise SystemExit(f"{name} ({path}) : HTTP {answer.status_code}")
                    times.setdefault(name, []).append(elapsed)
    return times


def measure() -> list[Result]:
    path = copy_of_the_town()
    store = Store(path, FrozenClock(DEMO_TODAY))
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    keyring.set_keyring(MemoryKeyring())  # never the real OS keyring
    with (
        ThrowawayCluster(fast=False) as cluster,
        commune_database(cluster, "bench_portal_pages") as commune,
    ):
        device = add_device(commune.sessions, str(commune.tenant), "Régie", datetime.now())
        with central_server(commune.url) as (url, _server):
            save_device(store, admin, url, uuid.UUID(str(device.device_id)), device.token)
            _syncs, _pushed, rejected, errors = sync_until_sent(store)
            if errors or rejected:
                raise SystemExit(f"premier envoi incomplet : {rejected} refusés, {errors[:1]}")
            parents = _parents(commune.sessions, commune.tenant)
            times = _read_every_page(url, parents)
    store.close()
    results = []
    for name, millis in times.items():
        budget = PDF_BUDGET_MS if name == "PDF de facture" else PAGE_BUDGET_MS
        print(summary(f"portail : {name}", millis, budget))
        results.append(
            timing(
                f"portal page: {name}",
                millis,
                budget,
                detail=f"{len(parents)} parents × {ROUNDS} rounds, reference town uploaded",
            )
        )
    return results


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
