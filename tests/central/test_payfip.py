"""PayFiP as the DGFiP documents it, against the stand-in: the request carries the commune's
client number, the exercise, the debt reference, the amount in cents, the e-mail and the
object; only PayFiP's notification pays (once, whatever it repeats); a detail that does not
match what we asked is refused with nothing written; refused or abandoned pays nothing."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import func, select

from eticket_central.models import ChangeLog, Invoice, Payment, WalletEntry
from eticket_central.payfip.requests import start_payment
from eticket_central.payfip.soap import PayfipError
from eticket_central.payfip.table import PayfipTransaction
from eticket_desk.rules.errors import DomainError, NotFound
from tests.central import payfip_town
from tests.central.payfip_town import EMAIL, NUMCLI, settle_town

# The stand-in, a server pointed at it, a commune with its town (payfip_town.py).
standin = payfip_town.standin
_central_module = payfip_town._central_module
town = payfip_town.town


def _state(central):
    return central.thread.app.state


def _pay_invoice(central, town):
    return start_payment(_state(central), town.payer, central.url, invoice_id=town.invoice_id)


def _payments(db, family_id) -> list[Payment]:
    db.expire_all()
    return list(db.execute(select(Payment).where(Payment.family_id == family_id)).scalars())


def _attempt(db, transaction_id) -> PayfipTransaction:
    db.expire_all()
    return db.get(PayfipTransaction, transaction_id)


def _log_size(db) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(ChangeLog)).scalar_one()


def test_the_request_carries_what_payfip_documents(central, town, standin):
    started = _pay_invoice(central, town)
    operation = standin.last()
    assert started.payment_page == f"{standin.url}/tpa/paiementws.web?idop={operation.idop}"
    fields = operation.fields
    assert (fields["numcli"], fields["exer"], fields["montant"], fields["saisie"]) == (
        NUMCLI,
        "2026",
        "4250",
        "T",
    )
    assert fields["mel"] == EMAIL
    assert fields["refdet"].startswith("F2026") and fields["refdet"].isalnum()
    assert fields["objet"].startswith("Facture F 2026")
    assert fields["urlnotif"] == f"{central.url}/payfip/notification"
    assert fields["urlredirect"] == f"{central.url}/portail/paiements/{started.transaction_id}"


def test_an_invoice_is_paid_to_the_cent_only_by_the_notification_and_once(
    central, town, standin, db
):
    started = _pay_invoice(central, town)
    idop = standin.last().idop
    assert _attempt(db, started.transaction_id).state == "pending"
    assert _payments(db, town.family_id) == []

    standin.decide(idop, "P")
    assert standin.notifications[-1] == (idop, 200)
    assert standin.notify(idop) == 200  # PayFiP notifies again: nothing more
    payments = _payments(db, town.family_id)
    assert [
        (p.method, p.amount_cents, p.to_invoice_cents, p.to_credit_cents) for p in payments
    ] == [("online", 4250, 4250, 0)]
    assert payments[0].details["transaction_id"] == idop
    assert db.get(Invoice, town.invoice_id).paid_cents == 4250
    attempt = _attempt(db, started.transaction_id)
    assert (attempt.state, attempt.resultrans, attempt.payment_id) == ("paid", "P", payments[0].id)
    with pytest.raises(DomainError, match="déjà payée"):
        _pay_invoice(central, town)


@pytest.mark.parametrize(
    ("forged", "named"),
    [
        ({"montant": "425"}, "montant"),
        ({"refdet": "F2026999999"}, "refdet"),
        ({"numcli": "999999"}, "numcli"),
    ],
)
def test_a_detail_that_does_not_match_the_request_is_refused_and_nothing_written(
    central, town, standin, db, forged, named
):
    started = _pay_invoice(central, town)
    idop = standin.last().idop
    standin.forge(idop, **forged)
    logged = _log_size(db)
    standin.decide(idop, "P")
    assert standin.notifications[-1] == (idop, 409)
    assert _payments(db, town.family_id) == []
    assert db.get(Invoice, town.invoice_id).paid_cents == 0
    assert _attempt(db, started.transaction_id).state == "pending"
    assert _log_size(db) == logged
    again = httpx.post(f"{central.url}/payfip/notification", data={"idop": idop})
    assert again.status_code == 409
    assert f"ne correspond pas à la demande ({named})" in again.text
    assert "rien n'a été enregistré" in again.text


def test_an_operation_never_asked_for_is_refused(central, town, standin, db):
    status = standin.notify_unknown(f"{central.url}/payfip/notification", str(uuid.uuid4()))
    assert status == 404
    assert _payments(db, town.family_id) == []


def test_another_familys_invoice_cannot_be_paid(central, town):
    stranger = settle_town(town.commune)
    with pytest.raises(NotFound):
        start_payment(_state(central), stranger.payer, central.url, invoice_id=town.invoice_id)


@pytest.mark.parametrize(("resultrans", "state"), [("A", "abandoned"), ("R", "refused")])
def test_an_abandoned_or_refused_payment_leaves_the_invoice_unpaid(
    central, town, standin, db, resultrans, state
):
    started = _pay_invoice(central, town)
    standin.decide(standin.last().idop, resultrans)
    assert standin.notifications[-1][1] == 200
    assert _attempt(db, started.transaction_id).state == state
    assert _payments(db, town.family_id) == []
    assert db.get(Invoice, town.invoice_id).paid_cents == 0


def test_a_notification_before_the_parent_finished_waits_and_a_late_one_pays(
    central, town, standin, db
):
    started = _pay_invoice(central, town)
    idop = standin.last().idop
    assert standin.notify(idop) == 200  # PayFiP answers P5: not known yet
    assert _attempt(db, started.transaction_id).state == "pending"
    standin.held = True
    standin.decide(idop, "P")
    assert db.get(Invoice, town.invoice_id).paid_cents == 0
    assert standin.release() == [200]
    db.expire_all()
    assert db.get(Invoice, town.invoice_id).paid_cents == 4250


def test_two_tabs_paying_the_same_invoice_pay_it_once_and_the_rest_is_credit(
    central, town, standin, db
):
    _pay_invoice(central, town)
    first = standin.last().idop
    _pay_invoice(central, town)  # a second tab, before the first was paid
    second = standin.last().idop
    standin.decide(first, "P")
    standin.decide(second, "P")
    payments = sorted(_payments(db, town.family_id), key=lambda p: p.to_credit_cents)
    assert [(p.to_invoice_cents, p.to_credit_cents) for p in payments] == [(4250, 0), (0, 4250)]
    assert db.get(Invoice, town.invoice_id).paid_cents == 4250


def test_tickets_enter_the_wallet_only_on_payfips_confirmation(central, town, standin, db):
    started = start_payment(
        _state(central), town.payer, central.url, ticket_type="CANTINE", quantity=10
    )
    operation = standin.last()
    assert operation.fields["montant"] == "4100"  # QF 850: the second bracket, 4,10 € each

    def balance() -> int:
        db.expire_all()
        return db.execute(
            select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
                WalletEntry.family_id == town.family_id, WalletEntry.ticket_type == "CANTINE"
            )
        ).scalar_one()

    assert balance() == 0
    standin.decide(operation.idop, "P")
    standin.notify(operation.idop)
    assert balance() == 10
    [payment] = _payments(db, town.family_id)
    assert (payment.amount_cents, payment.to_sale_cents, payment.invoice_id) == (4100, 4100, None)
    assert _attempt(db, started.transaction_id).payment_id == payment.id


def test_production_mode_asks_with_saisie_w_and_a_refusal_writes_nothing(
    central, town, standin, db
):
    pushed = town.desk.push(payfip_town.organisation_op(town.desk, mode="production"))
    assert pushed[0]["status"] == "applied"
    asked = len(standin.operations)
    with pytest.raises(PayfipError) as refused:  # the stand-in is PayFiP's test mode only
        _pay_invoice(central, town)
    assert refused.value.message == "champs invalides : saisie"
    assert len(standin.operations) == asked
    db.expire_all()
    assert (
        db.execute(
            select(PayfipTransaction).where(PayfipTransaction.family_id == town.family_id)
        ).first()
        is None
    )
