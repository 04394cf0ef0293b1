"""Money on both sides: a parent pays an invoice online, the counter takes cash for the same
invoice offline; the invoice is paid once and the cash becomes the family's credit."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from eticket_central.models import Invoice, Payment
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload, invoice_payload

PASSWORD = "Soleil2026"


@pytest.fixture
def family(desk):
    family_id, invoice_id = uuid.uuid4(), uuid.uuid4()
    portal = {
        "login": f"dupont.{family_id.hex[:6]}",
        "password_hash": PasswordHasher().hash(PASSWORD),
    }
    results = desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, portal=portal)),
        desk.op(
            OpType.INVOICE_ISSUE, **invoice_payload(family_id, invoice_id, 4250, "F-2026-000123")
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    return family_id, invoice_id, portal["login"]


def _parent(central, commune, login: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{central.url}/portal/login",
        json={"tenant_id": str(commune.tenant_id), "login": login, "password": password},
    )


def _cash(desk, family_id, invoice_id, amount: int):
    return desk.op(
        OpType.PAYMENT_RECEIVED,
        payment_id=str(uuid.uuid4()),
        family_id=str(family_id),
        invoice_id=str(invoice_id),
        method="cash",
        amount_cents=amount,
        received_at=datetime(2026, 10, 5, 11, 0).isoformat(),
        receipt_number="R-2026-0042",
    )


def test_a_parent_logs_in_with_the_portal_password_only(central, commune, family):
    _, _, login = family
    assert _parent(central, commune, login, "mauvais1").status_code == 401
    assert _parent(central, commune, "personne").status_code == 401
    answer = _parent(central, commune, login)
    assert answer.status_code == 200
    token = answer.json()["token"]
    invoices = httpx.get(
        f"{central.url}/portal/invoices", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [(i["number"], i["amount_cents"], i["paid_cents"]) for i in invoices["invoices"]] == [
        ("F-2026-000123", 4250, 0)
    ]


def test_cash_taken_offline_for_an_invoice_paid_online_becomes_credit_never_twice(
    central, commune, desk, family, db
):
    family_id, invoice_id, login = family
    parent = {"Authorization": f"Bearer {_parent(central, commune, login).json()['token']}"}
    online = {"invoice_id": str(invoice_id), "amount_cents": 4250, "transaction_ref": "PAYFIP-77"}
    paid = httpx.post(f"{central.url}/portal/payments", json=online, headers=parent)
    assert paid.status_code == 200, paid.text
    assert paid.json()["invoice_due_cents"] == 0
    # The bank calls back twice with the same transaction: one payment.
    again = httpx.post(f"{central.url}/portal/payments", json=online, headers=parent)
    assert again.json()["already_recorded"] is True

    cash = _cash(desk, family_id, invoice_id, 4250)  # taken at the counter, offline
    answer = desk.push(cash)[0]
    assert answer["status"] == "applied"
    assert answer["result"]["to_invoice_cents"] == 0
    assert answer["result"]["to_credit_cents"] == 4250
    assert answer["result"]["credit_cents"] == 4250
    assert desk.push(cash)[0]["status"] == "duplicate"

    db.expire_all()
    invoice = db.get(Invoice, invoice_id)
    assert (invoice.amount_cents, invoice.paid_cents) == (4250, 4250)
    totals = db.execute(
        select(
            func.count(),
            func.sum(Payment.amount_cents),
            func.sum(Payment.to_invoice_cents),
            func.sum(Payment.to_credit_cents),
        ).where(Payment.family_id == family_id)
    ).one()
    assert totals == (2, 8500, 4250, 4250)

    pulled = desk.pull_all()
    credit = [c["data"]["credit_cents"] for c in pulled if c["entity"] == "family_credit"]
    assert credit == [4250]
    invoices = [c["data"]["paid_cents"] for c in pulled if c["entity"] == "invoice"]
    assert invoices == [0, 4250]  # issued, then paid online; the cash did not touch it
    statement = httpx.get(f"{central.url}/portal/invoices", headers=parent).json()
    assert statement["credit_cents"] == 4250


def test_cash_for_part_of_an_invoice_then_online_for_the_rest(central, commune, desk, family):
    family_id, invoice_id, login = family
    part = desk.push(_cash(desk, family_id, invoice_id, 2000))[0]["result"]
    assert (part["to_invoice_cents"], part["invoice_due_cents"]) == (2000, 2250)
    parent = {"Authorization": f"Bearer {_parent(central, commune, login).json()['token']}"}
    too_much = {"invoice_id": str(invoice_id), "amount_cents": 4250, "transaction_ref": "T-1"}
    refused = httpx.post(f"{central.url}/portal/payments", json=too_much, headers=parent)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Le montant dépasse le reste à payer (22,50\xa0€)."
    rest = {"invoice_id": str(invoice_id), "amount_cents": 2250, "transaction_ref": "T-2"}
    assert (
        httpx.post(f"{central.url}/portal/payments", json=rest, headers=parent).status_code == 200
    )
    paid_twice = {"invoice_id": str(invoice_id), "amount_cents": 100, "transaction_ref": "T-3"}
    answer = httpx.post(f"{central.url}/portal/payments", json=paid_twice, headers=parent)
    assert (answer.status_code, answer.json()["detail"]) == (409, "Cette facture est déjà réglée.")


def test_a_parent_cannot_pay_another_familys_invoice(central, commune, desk, family):
    _, _, login = family
    other_family, other_invoice = uuid.uuid4(), uuid.uuid4()
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(other_family, reference="F-2")),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(other_family, other_invoice)),
    )
    parent = {"Authorization": f"Bearer {_parent(central, commune, login).json()['token']}"}
    body = {"invoice_id": str(other_invoice), "amount_cents": 4250, "transaction_ref": "X"}
    answer = httpx.post(f"{central.url}/portal/payments", json=body, headers=parent)
    assert answer.status_code == 403
