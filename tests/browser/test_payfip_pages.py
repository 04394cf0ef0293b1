"""Porte-monnaie, Factures and the payment's pages in a real browser, on a phone and on a
computer: axe-core finds no serious or critical violation and nothing is wider than the
screen; a parent pays an invoice on PayFiP's card page (the stand-in, test mode) and comes
back to « Paiement accepté ». (docs/screenshots/portal_*.png: scripts/portal_screenshots.py.)"""

from __future__ import annotations

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from eticket_central.portal.web.cookies import COOKIE
from tests.browser.harness import SIZES, axe_violations, viewport
from tests.central import payfip_town
from tests.central.portal_pages import open_session

# The stand-in and a server pointed at it (tests/central/payfip_town.py).
standin = payfip_town.standin
_central_module = payfip_town._central_module


@pytest.fixture
def paying(browser, central, commune, standin):
    """The Dupont family of payfip_town (an invoice of 42,50 €, Cantine tickets at 4,10 €)
    with a paid purchase of 10 tickets, and its parent's session in the browser."""
    town = payfip_town.settle_town(commune)
    token = open_session(central, commune.tenant_id, town.family_id)
    browser.delete_all_cookies()
    browser.get(f"{central.url}/portail/static/portail.css")
    browser.add_cookie({"name": COOKIE, "value": token, "path": "/portail", "httpOnly": True})
    browser.get(f"{central.url}/portail/porte-monnaie/achat?type=CANTINE&quantite=10")
    standin.auto = "P"
    try:
        browser.find_element("css selector", "main form button").click()
        _arrived(browser, "/portail/paiements/")
    finally:
        standin.auto = None
    assert "Paiement accepté" in browser.find_element("id", "contenu").text
    return town, browser.current_url


def _arrived(browser, part: str) -> None:
    """Waits for the navigation the click started (PayFiP's redirects) to land on `part`."""
    WebDriverWait(browser, 15).until(
        lambda b: (
            part in b.current_url and b.execute_script("return document.readyState") == "complete"
        )
    )


def _fits(browser, width: int) -> None:
    scroll, client = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client == width and scroll <= width  # nothing sticks out sideways


@pytest.mark.parametrize("device", SIZES)
def test_the_wallet_invoices_and_payment_pages_pass_axe(browser, central, paying, device):
    _, returned = paying
    pages = {
        "porte_monnaie": "/portail/porte-monnaie",
        "achat": "/portail/porte-monnaie/achat?type=CANTINE&quantite=4",
        "factures": "/portail/factures",
        "paiement_retour": returned.removeprefix(central.url),
    }
    for name, path in pages.items():
        viewport(browser, SIZES[device])
        browser.get(f"{central.url}{path}")
        assert browser.find_element("tag name", "h1").text, name
        assert axe_violations(browser) == [], name
        _fits(browser, SIZES[device][0])


def test_a_parent_pays_an_invoice_on_payfips_card_page_and_comes_back_paid(
    browser, central, paying, standin
):
    town, _ = paying
    viewport(browser, SIZES["telephone"])
    browser.get(f"{central.url}/portail/factures")
    browser.find_element("css selector", f"form[action$='{town.invoice_id}/payer'] button").click()
    _arrived(browser, "/tpa/paiementws.web")  # PayFiP's page, test mode
    assert "42,50 €" in browser.find_element("tag name", "body").text
    browser.find_element("css selector", "button[value=P]").click()
    _arrived(browser, "/portail/paiements/")

    text = browser.find_element("id", "contenu").text
    assert "Paiement accepté" in text and "La facture est réglée." in text
    browser.get(f"{central.url}/portail/factures")
    listed = browser.find_element("id", "contenu").text
    assert "payée" in listed and "Payer en ligne" not in listed
