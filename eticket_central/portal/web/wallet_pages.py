"""Porte-monnaie: the balance of each ticket type, the ledger, and buying tickets online —
the type and quantity, the amount shown before paying (the counter's price for the family,
portal/ticket_prices.py), then PayFiP (payment_pages.py). Tickets enter the wallet only on
PayFiP's confirmation (payfip/notifications.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from eticket_central.payfip.requests import payfip_open
from eticket_central.portal.family_money import wallet
from eticket_central.portal.ticket_prices import MAX_TICKETS, ticket_offers
from eticket_central.portal.web.messages import see_other
from eticket_central.portal.web.session import WebParentDep
from eticket_central.portal.web.templating import render

router = APIRouter()
PAGE = "/portail/porte-monnaie"
NOT_SOLD = "Ce type de ticket n'est pas vendu en ligne : choisissez-en un autre."


@router.get("/porte-monnaie")  # under /portail (web/__init__.py)
def wallet_page(request: Request, parent: WebParentDep):
    state = request.app.state
    with state.sessions.begin() as session:
        balances, ledger = wallet(session, parent.tenant_id, parent.family_id)
        offers = ticket_offers(
            session, parent.tenant_id, parent.family_id, state.clock.now().date()
        )
        is_open = payfip_open(session, parent.tenant_id)
    return render(
        request,
        "porte_monnaie.html",
        parent,
        active="porte-monnaie",
        balances=balances,
        ledger=ledger,
        offers=offers,
        payfip_open=is_open,
        max_tickets=MAX_TICKETS,
    )


@router.get("/porte-monnaie/achat")
def purchase_summary(request: Request, parent: WebParentDep, type: str = "", quantite: str = ""):
    """The amount before paying (a GET: nothing is written until « Payer »)."""
    state = request.app.state
    quantity = int(quantite) if quantite.strip().isdigit() else 0
    if not 0 < quantity <= MAX_TICKETS:
        return see_other(
            PAGE, f"Indiquez un nombre de tickets entre 1 et {MAX_TICKETS}.", kind="erreur"
        )
    with state.sessions.begin() as session:
        offers = ticket_offers(
            session, parent.tenant_id, parent.family_id, state.clock.now().date()
        )
        if not payfip_open(session, parent.tenant_id):
            offers = []
    offer = next((o for o in offers if o.code == type), None)
    if offer is None:
        return see_other(PAGE, NOT_SOLD, kind="erreur")
    return render(
        request,
        "paiement_achat.html",
        parent,
        active="porte-monnaie",
        offer=offer,
        quantity=quantity,
        total_cents=offer.price.unit_cents * quantity,
    )
