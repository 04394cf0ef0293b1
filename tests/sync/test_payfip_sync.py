"""An online payment reaches the counter: tickets bought on the portal and paid through
PayFiP (the stand-in) appear in the family's wallet at the desk after its pull, with the
ledger line; nothing appears while PayFiP has not confirmed. The desk's PayFiP settings
(client number, test mode) are what the server's request uses."""

from __future__ import annotations

import dataclasses

from eticket_central.payfip.requests import Payer, start_payment
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.counter.wallet import balances, ledger
from eticket_desk.services.syncing.cycle import sync_once
from tests.central import payfip_town

# The stand-in and a server pointed at it (tests/central/payfip_town.py).
standin = payfip_town.standin
_central_module = payfip_town._central_module


def _garderie_balance(store, agent, family_id) -> int:
    return next(b.tickets for b in balances(store, agent, family_id) if b.code == "GARDERIE")


def test_tickets_paid_online_reach_the_desks_wallet_only_once_payfip_confirmed(
    store, admin, agent, lea_family, garderie, client, central, commune, standin
):
    organisation = dataclasses.replace(
        load_organisation(store),
        name="Mairie de Neuvecelle",
        postcode="74500",
        payfip_id="012345",
        payfip_mode="test",
    )
    save_organisation(store, admin, organisation)
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
