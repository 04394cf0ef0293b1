"""Money on both sides: a parent's own word never pays an invoice; the payment provider's
confirmation does (once per transaction, never another family's); the counter takes cash for
the same invoice offline, and what the invoice no longer needs becomes the family's credit."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from eticket_central.models import ChangeLog, Invoice, Payment
from eticket_central.portal.confirmations import (
    ConfirmedTransaction,
    TransactionRefused,
    record_confirmed_payment,
)
from eticket_central.portal.invoices import NOT_OPEN
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import new_commune
from tests.central.helpers import family_payload, invoice_payload

PASSWORD = "Soleil2026"
PAID_AT = datetime(2026, 10, 6, 20, 15)


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


def _headers(central, commune, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_parent(central, commune, login).json()['token']}"}


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


def _confirm(central, commune, invoice_id, amount: int, transaction: str = "PAYFIP-77"):
    return record_confirmed_payment(
        central.sessions,
        ConfirmedTransaction("payfip", transaction, commune.tenant_id, invoice_id, amount, PAID_AT),
        central.clock.now(),
    )


def _log_size(db) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(ChangeLog)).scalar_one()


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


def test_a_parents_own_post_pays_nothing_and_logs_nothing(central, commune, family, db):
    family_id, invoice_id, login = family
    parent = _headers(central, commune, login)
    logged = _log_size(db)
    claim = {"invoice_id": str(invoice_id), "amount_cents": 4250, "transaction_ref": "FAUX-1"}
    answer = httpx.post(f"{central.url}/portal/payments", json=claim, headers=parent)
    assert (answer.status_code, answer.json()["detail"]) == (409, NOT_OPEN)
    assert "PayFiP" in NOT_OPEN and "rien n'a été enregistré" in NOT_OPEN

    db.expire_all()
    assert db.get(Invoice, invoice_id).paid_cents == 0
    assert db.execute(select(Payment).where(Payment.family_id == family_id)).first() is None
    assert _log_size(db) == logged
    statement = httpx.get(f"{central.url}/portal/invoices", headers=parent).json()
    assert [i["paid_cents"] for i in statement["invoices"]] == [0]


def test_cash_taken_offline_for_an_invoice_confirmed_online_becomes_credit_never_twice(
    central, commune, desk, family, db
):
    family_id, invoice_id, login = family
    paid = _confirm(central, commune, invoice_id, 4250)
    assert (paid["invoice_due_cents"], paid["already_recorded"]) == (0, False)
    # The provider notifies twice for the same transaction: one payment.
    again = _confirm(central, commune, invoice_id, 4250)
    assert (again["payment_id"], again["already_recorded"]) == (paid["payment_id"], True)

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
    online = db.get(Payment, uuid.UUID(paid["payment_id"]))
    assert (online.method, online.details) == (
        "online",
        {"provider": "payfip", "transaction_id": "PAYFIP-77"},
    )

    pulled = desk.pull_all()
    credit = [c["data"]["credit_cents"] for c in pulled if c["entity"] == "family_credit"]
    assert credit == [4250]
    invoices = [c["data"]["paid_cents"] for c in pulled if c["entity"] == "invoice"]
    assert invoices == [0, 4250]  # issued, then confirmed online; the cash did not touch it
    statement = httpx.get(
        f"{central.url}/portal/invoices", headers=_headers(central, commune, login)
    ).json()
    assert statement["credit_cents"] == 4250


def test_cash_for_part_of_an_invoice_then_a_confirmation_for_more_than_the_rest(
    central, commune, desk, family, db
):
    family_id, invoice_id, _ = family
    part = desk.push(_cash(desk, family_id, invoice_id, 2000))[0]["result"]
    assert (part["to_invoice_cents"], part["invoice_due_cents"]) == (2000, 2250)
    # PayFiP took 42,50 € meanwhile (the parent paid the whole invoice): money is a fact.
    online = _confirm(central, commune, invoice_id, 4250, "PAYFIP-88")
    assert (online["to_invoice_cents"], online["to_credit_cents"]) == (2250, 2000)
    assert (online["invoice_due_cents"], online["credit_cents"]) == (0, 2000)
    db.expire_all()
    assert db.get(Invoice, invoice_id).paid_cents == 4250


def test_a_transaction_id_coming_back_for_another_family_is_refused_without_its_data(
    central, commune, desk, family, db
):
    family_id, invoice_id, _ = family
    first = _confirm(central, commune, invoice_id, 4250, "PAYFIP-SHARED")
    other_family, other_invoice = uuid.uuid4(), uuid.uuid4()
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(other_family, reference="F-2")),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(other_family, other_invoice, 1800)),
    )
    elsewhere = new_commune(central)
    logged = _log_size(db)
    attempts = [
        (commune.tenant_id, other_invoice, 1800),  # another family of the commune
        (commune.tenant_id, invoice_id, 100),  # the same invoice, another amount
        (elsewhere.tenant_id, other_invoice, 4250),  # another commune
    ]
    for tenant_id, invoice, amount in attempts:
        confirmed = ConfirmedTransaction(
            "payfip", "PAYFIP-SHARED", tenant_id, invoice, amount, PAID_AT
        )
        with pytest.raises(TransactionRefused) as refused:
            record_confirmed_payment(central.sessions, confirmed, central.clock.now())
        message = refused.value.message
        assert message.startswith("La transaction payfip PAYFIP-SHARED a déjà été enregistrée")
        for secret in (first["payment_id"], str(family_id), str(invoice_id), "4250", "42,50"):
            assert secret not in message
    db.expire_all()
    assert db.get(Invoice, other_invoice).paid_cents == 0
    assert db.execute(select(Payment).where(Payment.family_id == other_family)).first() is None
    assert _log_size(db) == logged
    # Another provider may reuse the same transaction number: its own payment.
    other = ConfirmedTransaction(
        "autre", "PAYFIP-SHARED", commune.tenant_id, other_invoice, 1800, PAID_AT
    )
    assert (
        record_confirmed_payment(central.sessions, other, central.clock.now())["invoice_due_cents"]
        == 0
    )


def test_a_confirmation_for_an_unknown_or_foreign_invoice_records_nothing(
    central, commune, family, db
):
    _, invoice_id, _ = family
    elsewhere = new_commune(central)
    for tenant_id, invoice in (
        (commune.tenant_id, uuid.uuid4()),
        (elsewhere.tenant_id, invoice_id),
    ):
        confirmed = ConfirmedTransaction("payfip", "T-9", tenant_id, invoice, 4250, PAID_AT)
        with pytest.raises(TransactionRefused, match="facture inconnue de cette commune"):
            record_confirmed_payment(central.sessions, confirmed, central.clock.now())
    db.expire_all()
    assert db.get(Invoice, invoice_id).paid_cents == 0


def test_another_familys_invoice_is_not_found_like_an_unknown_one(central, commune, desk, family):
    _, _, login = family
    other_family, other_invoice = uuid.uuid4(), uuid.uuid4()
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(other_family, reference="F-2")),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(other_family, other_invoice)),
    )
    parent = _headers(central, commune, login)
    answers = [
        httpx.post(
            f"{central.url}/portal/payments",
            json={"invoice_id": str(invoice), "amount_cents": 4250, "transaction_ref": "X"},
            headers=parent,
        )
        for invoice in (other_invoice, uuid.uuid4())
    ]
    assert [(a.status_code, a.json()["detail"]) for a in answers] == [
        (404, "Facture introuvable."),
        (404, "Facture introuvable."),
    ]
