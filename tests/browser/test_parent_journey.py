"""A parent's whole journey in a real browser, against one real desk (SQLite) syncing with the
real server: the letter issued at the counter, the first login and the password changed, a
week booked on « Mon planning » and a day past its deadline refused with the rules' reason,
tickets bought and an invoice paid on PayFiP's card page (the stand-in), a medical
certificate sent; then the desk's next sync shows all of it to the agent, to the cent."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from eticket_desk.rules.cells import CellState
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.wallet import balances
from eticket_desk.services.families.documents import documents_to_process
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.syncing.cycle import sync_once
from tests.browser.harness import SIZES, viewport
from tests.central import payfip_town
from tests.central.conftest import START
from tests.central.planning_town import cell
from tests.central.portal_logins import slug_of
from tests.conftest import cash_sale
from tests.sync.conftest import client, device, lea_family, server_planning  # noqa: F401
from tests.sync.test_scenarios import _local_invoice

# The stand-in and a server pointed at it (tests/central/payfip_town.py).
standin = payfip_town.standin
_central_module = payfip_town._central_module

CHOSEN = "Mon-soleil-2026"
MONDAY, TUESDAY, FRIDAY = date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 25)
LATE = date(2026, 9, 15)  # its deadline: Monday 14, 10:00
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _arrived(driver, part: str) -> None:
    """Waits for the navigation the click started (redirects included) to land on `part`."""
    WebDriverWait(driver, 15).until(
        lambda b: (
            part in b.current_url and b.execute_script("return document.readyState") == "complete"
        )
    )


def _saved(driver) -> str:
    """The summary of the changes, once the page « Enregistrer » sent back is shown."""
    found = WebDriverWait(driver, 15).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".planning-resultat")
    )
    return found[0].text


def _fill(driver, **fields: str) -> None:
    for name, value in fields.items():
        box = driver.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)


def _click(driver, selector: str) -> None:
    """Clicks `selector` once the page that holds it is shown (after a form's navigation)."""
    WebDriverWait(driver, 15).until(lambda b: b.find_elements(By.CSS_SELECTOR, selector))[0].click()


def _shows(driver, text: str) -> str:
    """The main content, once it shows `text` (the page the last click asked for)."""
    WebDriverWait(driver, 15).until(lambda b: text in b.find_element(By.ID, "contenu").text)
    return driver.find_element(By.ID, "contenu").text


def _open_payfip(store, admin) -> None:
    """The commune's PayFiP client number, test mode, as the agent types it at the desk."""
    organisation = dataclasses.replace(
        load_organisation(store),
        name="Mairie de Neuvecelle",
        postcode="74500",
        payfip_id=payfip_town.NUMCLI,
        payfip_mode="test",
    )
    save_organisation(store, admin, organisation)


def _card_page_accepts(driver, amount: str) -> None:
    """On PayFiP's card page (the stand-in, test mode): the amount, then « payé »."""
    _arrived(driver, "/tpa/paiementws.web")
    assert amount in driver.find_element(By.TAG_NAME, "body").text
    _click(driver, "button[value=P]")
    _arrived(driver, "/portail/paiements/")
    _shows(driver, "Paiement accepté")


def test_a_parent_s_whole_journey_on_the_portal_reaches_the_desk(
    browser, store, admin, agent, lea_family, garderie, server_planning, client, central,  # noqa: F811
    commune, db, standin, tmp_path,
):  # fmt: skip
    ticket, _ = garderie
    lea = lea_family.children[0]
    url = central.url
    # At the counter: PayFiP opened, an invoice of September, three garderie tickets sold in
    # cash (2,40 € each: no quotient), Monday 21 booked (so the garderie is Léa's on the
    # portal), and the letter for Léa's mother.
    _open_payfip(store, admin)
    invoice_id = _local_invoice(store, admin, lea_family.id, 4250)
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 3, 1000)
    book_day(store, agent, lea.id, server_planning.id, MONDAY)
    letter = issue_portal_access(store, admin, lea_family.id, lea_family.adults[0].id)
    assert sync_once(store, client).ok

    # 1. The first login with the letter, then the password she chooses.
    browser.delete_all_cookies()
    viewport(browser, SIZES["telephone"])
    browser.get(f"{url}/portail/{slug_of(db, commune)}/connexion")
    _fill(browser, identifiant=letter.login, mot_de_passe=letter.password)
    _click(browser, "main form button[type=submit]")
    _arrived(browser, "/portail/mot-de-passe")
    _fill(browser, actuel=letter.password, nouveau=CHOSEN, confirmation=CHOSEN)
    _click(browser, "main form button[type=submit]")
    WebDriverWait(browser, 15).until(lambda b: b.current_url == f"{url}/portail/")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Bonjour")

    # 2. Tuesday and Friday booked; then a day refused, past its deadline.
    week = f"{url}/portail/planning?enfant={lea.id}&semaine={MONDAY.isoformat()}"
    browser.get(week)
    for day in (TUESDAY, FRIDAY):
        _click(browser, f'input[name="j"][value="{cell(server_planning.id, day)}"]')
    _click(browser, 'button[name="enregistrer"]')
    summary = _saved(browser)
    assert "Réservés (2)" in summary, summary
    assert "Garderie soir — vendredi 25 septembre 2026 — Léa Dupont" in summary

    # She ticks Tuesday 15 at 9:30 but saves at 10:30, after its deadline (Monday, 10:00).
    browser.get(f"{url}/portail/planning?enfant={lea.id}&semaine={START.date().isoformat()}")
    _click(browser, f'input[name="j"][value="{cell(server_planning.id, LATE)}"]')
    central.clock.current = datetime(2026, 9, 14, 10, 30)
    try:
        _click(browser, 'button[name="enregistrer"]')
        summary = _saved(browser)
    finally:
        central.clock.current = START
    assert "Refusés (1)" in summary, summary
    assert "le délai est dépassé depuis le lundi 14 septembre 2026 à 10:00." in summary

    # 3. Five garderie tickets bought on « Porte-monnaie »: 5 × 2,40 € = 12,00 €.
    browser.get(f"{url}/portail/porte-monnaie")
    _fill(browser, quantite="5")
    _click(browser, "main form[action$='/achat'] button")
    _click(browser, "main form[action$='/paiements/tickets'] button")
    _card_page_accepts(browser, "12,00 €")
    browser.get(f"{url}/portail/porte-monnaie")
    _shows(browser, "Garderie : 5 tickets")  # 3 bought, 3 taken, 5 bought

    # 4. September's invoice paid.
    browser.get(f"{url}/portail/factures")
    _click(browser, f"form[action$='{invoice_id}/payer'] button")
    _card_page_accepts(browser, "42,50 €")
    _shows(browser, "La facture est réglée.")

    # 5. A medical certificate sent for Léa.
    certificate = tmp_path / "certificat Léa.pdf"
    certificate.write_bytes(PDF)
    browser.get(f"{url}/portail/documents")
    _click(browser, "#type option[value=certificat_medical]")
    _click(browser, f"#enfant option[value='{lea.id}']")
    browser.find_element(By.ID, "fichier").send_keys(str(certificate))
    _click(browser, "form.encart button[type=submit]")
    _shows(browser, "certificat Léa.pdf")

    # 6. The desk's next sync: the days, the tickets, the invoice paid, the document.
    assert sync_once(store, client).ok
    row = next(
        r
        for r in load_week(store, agent, lea_family.id, MONDAY).children[0].rows
        if r.activity_id == server_planning.id
    )
    states = {c.day: c.state for c in row.cells}
    booked = (states[MONDAY], states[TUESDAY], states[FRIDAY])
    assert booked == (CellState.OPEN_BOOKED,) * 3
    assert {b.code: b.tickets for b in balances(store, agent, lea_family.id)} == {"GARDERIE": 5}
    [invoice] = list_invoices(store, agent, family_id=lea_family.id)
    assert (invoice.total_cents, invoice.settled_cents) == (4250, 4250)
    [document] = documents_to_process(store)
    assert (document.family_id, document.child_id) == (lea_family.id, lea.id)
