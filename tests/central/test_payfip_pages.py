"""The wallet, invoices and payment pages as a parent uses them, with PayFiP's stand-in in
place of the DGFiP: the exact amount left is paid, the return page says what our record
says (never what its address claims), the receipt e-mail arrives, tickets appear only once
PayFiP confirmed, and another family's invoice or payment is 404."""

from __future__ import annotations

import dataclasses
import html
import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from eticket_central.models import Invoice
from eticket_central.payfip.table import PayfipTransaction
from eticket_desk.sync.protocol import OpType
from tests.central import payfip_town
from tests.central.helpers import invoice_payload
from tests.central.mailbox import smtp_settings
from tests.central.payfip_town import EMAIL, Town, settle_town
from tests.central.portal_pages import browser, csrf_of, open_session

# The stand-in, a server pointed at it, a commune with its town (payfip_town.py).
standin = payfip_town.standin
_central_module = payfip_town._central_module
town = payfip_town.town
EURO = "\u00a0€"


@pytest.fixture
def mails(central, mailbox):
    """The server's e-mail sent to the test's mailbox for the test's length."""
    state = central.thread.app.state
    before = state.settings
    state.settings = dataclasses.replace(before, **smtp_settings(mailbox))
    yield mailbox
    state.settings = before


def _parent(central, town: Town):
    return browser(central, open_session(central, town.commune.tenant_id, town.family_id))


def _post(parent, path: str, data: dict, page: str):
    return parent.post(path, data={**data, "csrf": csrf_of(parent.get(page).text)})


def _pay_button(number: str, amount: str) -> str:
    return f'aria-label="Payer en ligne {amount}{EURO} (facture {number})"'


def _invoice(db, invoice_id) -> Invoice:
    db.expire_all()
    return db.get(Invoice, invoice_id)


def test_an_invoice_is_paid_online_for_the_exact_amount_left_and_the_receipt_is_mailed(
    central, town, standin, db, mails
):
    number = _invoice(db, town.invoice_id).number
    paid_id = uuid.uuid4()
    answers = town.desk.push(
        town.desk.op(
            OpType.INVOICE_ISSUE, **invoice_payload(town.family_id, paid_id, 1800, "F-2026-900001")
        ),
        town.desk.op(
            OpType.PAYMENT_RECEIVED,
            payment_id=str(uuid.uuid4()),
            family_id=str(town.family_id),
            invoice_id=str(paid_id),
            method="cash",
            amount_cents=1800,
            received_at=datetime(2026, 10, 5, 11, 0).isoformat(),
            receipt_number="R-2026-0042",
        ),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    parent = _parent(central, town)

    page = parent.get("/portail/factures")
    assert page.status_code == 200
    assert page.text.count('aria-label="Payer en ligne') == 1  # the paid one has no button
    assert _pay_button(number, "42,50") in page.text
    assert "F-2026-900001" in page.text and "payée" in page.text and "à payer" in page.text
    assert f'href="/portail/factures/{town.invoice_id}/pdf"' in page.text
    assert "<dt>Période</dt><dd>septembre 2026</dd>" in page.text

    leave = _post(parent, f"/portail/factures/{town.invoice_id}/payer", {}, "/portail/factures")
    assert leave.status_code == 303
    idop = standin.last().idop
    assert leave.headers["location"] == f"{standin.page}?idop={idop}"
    card = parent.get(leave.headers["location"])  # PayFiP's page, test mode
    assert "PayFiP — mode test" in card.text and f"42,50{' '}€" in card.text
    back = parent.post(standin.page, data={"idop": idop, "resultat": "P"})
    assert back.status_code == 303  # notified first, then the browser comes back
    assert standin.notifications[-1] == (idop, 200)
    returned = parent.get(back.headers["location"])
    assert "Paiement accepté" in returned.text
    assert f"Facture {number}" in returned.text and idop in returned.text

    assert _invoice(db, town.invoice_id).paid_cents == 4250
    after = parent.get("/portail/factures").text
    assert "Payer en ligne" not in after
    receipt = mails.wait_for(EMAIL)
    assert receipt["Subject"] == f"Paiement reçu : facture {number} (42,50{EURO})"
    body = receipt.get_body(("plain",)).get_content()
    assert f"paiement en ligne de 42,50{EURO} : facture {number}" in body
    assert f"Transaction PayFiP : {idop}" in body


def test_the_return_page_says_what_payfip_confirmed_never_what_its_address_claims(
    central, town, standin, db
):
    parent = _parent(central, town)
    leave = _post(parent, f"/portail/factures/{town.invoice_id}/payer", {}, "/portail/factures")
    operation = standin.last()
    ours = operation.fields["urlredirect"].removeprefix(central.url)

    claimed = parent.get(ours, params={"resultrans": "P", "etat": "paid"})
    assert "Paiement en cours de confirmation" in claimed.text
    assert "Paiement accepté" not in claimed.text

    standin.auto = "A"
    try:
        back = parent.get(leave.headers["location"])  # the parent gives up on PayFiP's page
    finally:
        standin.auto = None
    assert back.headers["location"] == operation.fields["urlredirect"]
    again = parent.post(ours)  # PayFiP may come back with a POST: shown by a GET
    assert (again.status_code, again.headers["location"]) == (303, ours)
    assert "Paiement refusé ou abandonné" in parent.get(ours).text
    assert _invoice(db, town.invoice_id).paid_cents == 0
    assert "Payer en ligne 42,50" in parent.get("/portail/factures").text


def test_another_familys_invoice_and_payment_are_404(central, town, standin):
    stranger = _parent(central, settle_town(town.commune))
    mine = _parent(central, town)
    refused = _post(stranger, f"/portail/factures/{town.invoice_id}/payer", {}, "/portail/factures")
    assert refused.status_code == 404
    _post(mine, f"/portail/factures/{town.invoice_id}/payer", {}, "/portail/factures")
    ours = standin.last().fields["urlredirect"].removeprefix(central.url)
    assert stranger.get(ours).status_code == 404
    assert stranger.get(f"/portail/paiements/{uuid.uuid4()}").status_code == 404
    assert mine.get(ours).status_code == 200


def test_tickets_are_bought_at_the_familys_price_and_appear_once_payfip_confirmed(
    central, town, standin, db, mails
):
    parent = _parent(central, town)
    page = parent.get("/portail/porte-monnaie").text
    assert f"Cantine — 4,10{EURO} le ticket" in page
    assert "Quotient familial 850 € — tranche 2 sur 2" in page

    summary = parent.get("/portail/porte-monnaie/achat", params={"type": "CANTINE", "quantite": 10})
    assert f"Payer 41,00{EURO} avec PayFiP" in summary.text
    leave = parent.post(
        "/portail/paiements/tickets",
        data={"type": "CANTINE", "quantite": "10", "csrf": csrf_of(summary.text)},
    )
    assert leave.status_code == 303
    operation = standin.last()
    assert operation.fields["montant"] == "4100"
    assert "0 ticket" in parent.get("/portail/porte-monnaie").text  # nothing before PayFiP

    standin.auto = "P"
    try:
        back = parent.get(leave.headers["location"])
    finally:
        standin.auto = None
    assert "Paiement accepté" in parent.get(back.headers["location"]).text
    wallet = parent.get("/portail/porte-monnaie").text
    assert "10 tickets" in wallet
    assert "Cantine · Achat" in wallet
    assert f"Achat en ligne PayFiP {operation.fields['refdet']}" in wallet
    assert "+10" in wallet
    body = mails.wait_for(EMAIL).get_body(("plain",)).get_content()
    assert f"10 tickets Cantine à 4,10{EURO}" in body
    assert "Les tickets sont dans votre porte-monnaie" in body


def test_a_wrong_quantity_or_a_commune_without_payfip_pays_nothing(central, town, standin, db):
    parent = _parent(central, town)
    wrong = parent.get("/portail/porte-monnaie/achat", params={"type": "CANTINE", "quantite": 0})
    assert wrong.status_code == 303
    shown = parent.get(wrong.headers["location"]).text
    assert "Indiquez un nombre de tickets entre 1 et 500." in shown

    closed = town.desk.push(payfip_town.organisation_op(town.desk, numcli=""))
    assert closed[0]["status"] == "applied"
    assert "Payer en ligne" not in parent.get("/portail/factures").text
    assert "Le paiement en ligne n'est pas ouvert" in parent.get("/portail/porte-monnaie").text
    count = len(standin.operations)
    refused = _post(parent, f"/portail/factures/{town.invoice_id}/payer", {}, "/portail/factures")
    assert refused.status_code == 303
    assert "n'est pas ouvert dans cette commune" in html.unescape(
        parent.get("/portail/factures").text
    )
    assert len(standin.operations) == count
    db.expire_all()
    assert (
        db.execute(
            select(PayfipTransaction).where(PayfipTransaction.family_id == town.family_id)
        ).first()
        is None
    )


def test_two_tabs_paying_one_invoice_pay_it_once_the_rest_is_credit_and_a_cancelled_one_shows(
    central, town, standin, db
):
    parent = _parent(central, town)
    pay = f"/portail/factures/{town.invoice_id}/payer"
    first = _post(parent, pay, {}, "/portail/factures").headers["location"]
    second = _post(parent, pay, {}, "/portail/factures").headers["location"]  # another tab
    for page in (first, second):
        parent.post(standin.page, data={"idop": page.rsplit("=", 1)[1], "resultat": "P"})

    assert _invoice(db, town.invoice_id).paid_cents == 4250
    listed = parent.get("/portail/factures").text
    assert f"Votre avoir : <strong>42,50{EURO}</strong>" in listed
    assert "Payer en ligne" not in listed

    cancelled = uuid.uuid4()
    answers = town.desk.push(
        town.desk.op(
            OpType.INVOICE_ISSUE, **invoice_payload(town.family_id, cancelled, 990, "F-2026-900002")
        ),
        town.desk.op(
            OpType.INVOICE_CANCEL,
            invoice_id=str(cancelled),
            credit_note_number="A-2026-000007",
            reason="Repas comptés en double",
            cancelled_at=datetime(2026, 10, 9, 10, 0).isoformat(),
        ),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    listed = parent.get("/portail/factures").text
    assert "annulée par avoir</span> (avoir A-2026-000007)" in listed
    assert "Payer en ligne" not in listed
    refused = _post(parent, f"/portail/factures/{cancelled}/payer", {}, "/portail/factures")
    assert refused.status_code == 303
    assert "annulée par un avoir : il n'y a rien à payer" in html.unescape(
        parent.get("/portail/factures").text
    )


def test_a_request_payfip_refuses_pays_nothing_and_says_so(central, town, standin, db):
    pushed = town.desk.push(payfip_town.organisation_op(town.desk, mode="activation"))
    assert pushed[0]["status"] == "applied"  # saisie X: the stand-in knows test mode only
    parent = _parent(central, town)
    answer = _post(parent, f"/portail/factures/{town.invoice_id}/payer", {}, "/portail/factures")
    assert (answer.status_code, answer.headers["location"]) == (303, "/portail/factures")
    shown = html.unescape(parent.get("/portail/factures").text)
    assert "PayFiP, le service de paiement de la DGFiP, n'a pas pu prendre votre paiement" in shown
    assert _invoice(db, town.invoice_id).paid_cents == 0
