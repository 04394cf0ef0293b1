"""What the PayFiP tests share: the stand-in and a server pointed at it, and a commune whose
desk synced its organisation (PayFiP client number, test mode), the canteen's ticket type
and tariff, and the Dupont family with an invoice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from eticket_central.payfip.requests import Payer
from eticket_desk.clock import FrozenClock
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import START, Central, Commune, new_commune, start_server
from tests.central.helpers import Desk, family_payload, invoice_payload
from tests.payfip_standin import PayfipStandin

NUMCLI = "012345"
EMAIL = "claire.dupont@example.org"


@pytest.fixture(scope="module")
def standin():
    running = PayfipStandin().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def _central_module(database_url, standin):
    """The module's server, its PayFiP at the stand-in's address."""
    clock = FrozenClock(START)
    thread = start_server(database_url, clock, payfip_url=standin.page)
    yield Central(thread, clock)
    thread.stop()


@dataclass
class Town:
    commune: Commune
    desk: Desk
    family_id: uuid.UUID
    adult_id: uuid.UUID
    invoice_id: uuid.UUID

    @property
    def payer(self) -> Payer:
        return Payer(self.commune.tenant_id, self.family_id, self.adult_id)


def organisation_op(desk: Desk, numcli: str = NUMCLI, mode: str = "test"):
    return desk.op(
        OpType.ORGANISATION_UPSERT,
        organisation_id=str(uuid.uuid5(uuid.NAMESPACE_DNS, f"org-{desk.device_id}")),
        name="Mairie de Neuvecelle",
        postcode="74500",
        payfip_id=numcli,
        payfip_mode=mode,
    )


def settle_town(commune: Commune, *, amount: int = 4250, quotient: int | None = 850) -> Town:
    desk = commune.desk()
    family_id, invoice_id = uuid.uuid4(), uuid.uuid4()
    family = family_payload(family_id)
    family["quotient"] = quotient
    family["adults"][0]["postcode"] = "74500"
    results = desk.push(
        organisation_op(desk),
        desk.op(
            OpType.TICKET_TYPE_UPSERT,
            ticket_type_id=str(uuid.uuid4()),
            code="CANTINE",
            name="Cantine",
        ),
        desk.op(
            OpType.TARIFF_UPSERT,
            tariff_id=str(uuid.uuid4()),
            ticket_type="CANTINE",
            valid_from="2026-09-01",
            brackets=[
                {"qf_max": 700, "price_cents": 250, "outside_price_cents": 500},
                {"qf_max": None, "price_cents": 410, "outside_price_cents": 620},
            ],
        ),
        desk.op(OpType.FAMILY_UPSERT, **family),
        desk.op(
            OpType.INVOICE_ISSUE,
            **invoice_payload(family_id, invoice_id, amount) | {"period_label": "septembre 2026"},
        ),
    )
    assert [r["status"] for r in results] == ["applied"] * 5, results
    adult_id = uuid.UUID(family["adults"][0]["id"])
    return Town(commune, desk, family_id, adult_id, invoice_id)


@pytest.fixture
def town(central) -> Town:
    made = settle_town(new_commune(central))
    yield made
    for desk in made.commune.desks:
        desk.close()
