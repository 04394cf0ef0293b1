"""« Mon planning » in a real browser, on a phone and on a computer: axe-core finds no serious
or critical violation on the grid, the range and the « semaine type » pages, nothing is wider
than the screen, and a parent checks the whole week with one button (planning.js, no round
trip) then saves it: the Cantine days booked with their tickets."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import func, select

from eticket_central.models import WalletEntry
from eticket_central.portal.web.cookies import COOKIE
from tests.browser.harness import SIZES, axe_violations, viewport
from tests.central.planning_town import cell, dupont, town
from tests.central.portal_pages import open_session


@pytest.fixture
def dupont_in_browser(browser, central, commune):
    """The known town's Dupont family (tests/central/planning_town.py) and the browser with
    its parent's session cookie: (the browser, the town, the family)."""
    desk = commune.desk()
    places = town(desk)
    family = dupont(desk, places)
    token = open_session(central, commune.tenant_id, family.family_id)
    browser.delete_all_cookies()
    browser.get(f"{central.url}/portail/static/portail.css")  # on the portal's origin
    browser.add_cookie({"name": COOKIE, "value": token, "path": "/portail", "httpOnly": True})
    return browser, places, family


@pytest.mark.parametrize("device", SIZES)
def test_the_planning_pages_pass_axe_and_fit_the_screen(dupont_in_browser, central, device):
    browser, places, family = dupont_in_browser
    width, _ = SIZES[device]
    viewport(browser, SIZES[device])
    pages = [
        f"/portail/planning?enfant={family.lea}&semaine=2026-09-14",
        f"/portail/planning/plage?enfant={family.lea}",
        f"/portail/planning/semaine-type?enfant={family.tom}&activite={places.garderie}"
        "&semaine=2026-09-21",
    ]
    for page in pages:
        browser.get(f"{central.url}{page}")
        assert browser.find_element(By.TAG_NAME, "h1").text, page
        assert axe_violations(browser) == [], page
        scroll, client = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert client == width and scroll <= width, page  # the grid scrolls in its frame


def test_toute_la_semaine_then_enregistrer_books_the_cantine_days(dupont_in_browser, central, db):
    browser, places, family = dupont_in_browser
    viewport(browser, SIZES["ordinateur"])
    address = f"{central.url}/portail/planning?enfant={family.lea}&semaine=2026-09-14"
    browser.get(address)
    boxes = {
        key: browser.find_element(By.CSS_SELECTOR, f'input[name="j"][value="{key}"]')
        for key in (cell(places.cantine, date(2026, 9, d)) for d in (15, 17, 18))
    }
    assert [b.is_selected() for b in boxes.values()] == [True, False, False]

    browser.find_element(By.CSS_SELECTOR, f'button[name="ligne"][value="{places.cantine}"]').click()

    assert browser.current_url == address  # checked in the page, nothing sent
    assert [b.is_selected() for b in boxes.values()] == [True, True, True]
    browser.find_element(By.CSS_SELECTOR, 'button[name="enregistrer"]').click()

    summary = (  # once the page « Enregistrer » asked for is shown (the click does not wait)
        WebDriverWait(browser, 15)
        .until(lambda b: b.find_elements(By.CSS_SELECTOR, ".planning-resultat"))[0]
        .text
    )
    assert "Réservés (2)" in summary
    assert "Cantine — jeudi 17 septembre 2026 — Léa Dupont" in summary
    assert "Cantine — vendredi 18 septembre 2026 — Léa Dupont" in summary
    db.expire_all()
    tickets = db.execute(
        select(func.sum(WalletEntry.quantity)).where(WalletEntry.family_id == family.family_id)
    ).scalar_one()
    assert tickets == 1  # three bought, two taken
