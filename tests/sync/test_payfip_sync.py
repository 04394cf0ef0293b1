"""An online payment reaches the counter: tickets bought on the portal and paid through
PayFiP (the stand-in) appear in the family's wallet at the desk after its pull, with the
ledger line; nothing appears while PayFiP has not confirmed. The desk's PayFiP settings
(client number, test mode) are what the server's request uses."""

from __future__ import annotations

import dataclasses

from eticket_central.models import Invoice as ServerInvoice
from eticket_central.payfip.requests import Payer, start_payment
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.counter.wallet import balances, ledger
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.syncing.cycle import sync_once
from tests.central import payfip_town
from tests.sync.test_scenarios import _local_invoice

# The stand-in and a server pointed at it (tests/central/payfip_town.py).
standin = payfip_town.standin
_central_module = payfip_town._central_module


def _open_payfip(store, admin) -> None:
    organisation = dataclasses.replace(
        load_organisation(store),
        name="Mairie de Neuvecelle",
        postcode="74500",
        payfip_id="012345",
        payfip_mode="test",
    )
    save_organisation(store, admin, organisation)


def _garderie_balance(store, agent, family_id) -> int:
    return next(b.tickets for b in balances(store, agent, family_id) if b.code == "GARDERIE")


def test_tickets_paid_online_reach_the_desks_wallet_only_once_payfip_confirmed(
    store, admin, agent, lea_family, garderie, client, central, commune, standin
):
    _open_payfip(store, admin)
    assert sync_once(store, client).ok

    payer = Payer(commune.tenant_id, lea_family.id, None)
    start_payment(central.thread.app.state, payer, central.url, ticket_type="GARDERIE", quantity=5)
    operation = standin.last()
    # No quotient in Léa's dossier: the highest bracket, 2,40 € a ticket, like at the counter.
    assert (operation.fields["numcli"], operation.fields["saisie"]) == ("012345", "T")
    assert operation.fields["montant"] == "1200"
    assert operation.fields["mel"] == "marie.dupont@example.fr"

    assert sync_once(store, client).ok
    assert _garderie_balance(store, agent, lea_family.id) == 0  # not confirmed yet

    standin.decide(operation.idop, "P")
    assert standin.notifications[-1] == (operation.idop, 200)
    assert sync_once(store, client).ok
    assert _garderie_balance(store, agent, lea_family.id) == 5
    [line] = ledger(store, agent, lea_family.id)
    assert (line.quantity, line.kind_code, line.by) == (5, "purchase", "serveur")
    assert operation.fields["refdet"] in line.label
    standin.notify(operation.idop)  # PayFiP repeats itself: still 5
    assert sync_once(store, client).ok
    assert _garderie_balance(store, agent, lea_family.id) == 5


def test_an_invoice_paid_through_payfip_is_settled_at_the_desk_after_its_pull(
    store, admin, agent, lea_family, client, central, commune, standin, db
):
    _open_payfip(store, admin)
    invoice_id = _local_invoice(store, admin, lea_family.id, 4250)
    assert sync_once(store, client).ok
    db.expire_all()
    assert db.get(ServerInvoice, invoice_id).period_label == "Septembre 2026"

    payer = Payer(commune.tenant_id, lea_family.id, None)
    start_payment(central.thread.app.state, payer, central.url, invoice_id=invoice_id)
    operation = standin.last()
    assert (operation.fields["montant"], operation.fields["refdet"]) == ("4250", "F2026000001")
    assert sync_once(store, client).ok
    [before] = list_invoices(store, agent, family_id=lea_family.id)
    assert before.settled_cents == 0  # PayFiP has not confirmed

    standin.decide(operation.idop, "P")
    assert sync_once(store, client).ok
    [after] = list_invoices(store, agent, family_id=lea_family.id)
    assert (after.number, after.total_cents, after.settled_cents) == ("F-2026-000001", 4250, 4250)
