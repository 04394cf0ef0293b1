"""Every page of the portal a parent opens, in a real browser on a phone and a computer:
axe-core finds no serious or critical violation. (The dossier page is not listed yet: its
scrolling tables are not keyboard-focusable at 375 px, scrollable-region-focusable.)"""

from __future__ import annotations

import pytest

from tests.browser.harness import SIZES, axe_violations, viewport

PAGES = {
    "planning": ("/portail/planning", "Planning"),
    "planning_plage": ("/portail/planning/plage", "Réserver"),
    "porte_monnaie": ("/portail/porte-monnaie", "Porte-monnaie"),
    "factures": ("/portail/factures", "Factures"),
    "documents": ("/portail/documents", "Documents"),
}


@pytest.mark.parametrize("device", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_the_parent_s_pages_pass_axe(logged_in, portal_parent, page, device):
    path, heading = PAGES[page]
    viewport(logged_in, SIZES[device])
    logged_in.get(f"{portal_parent.url}{path}")

    assert heading.lower() in logged_in.find_element("tag name", "h1").text.lower()
    assert axe_violations(logged_in) == []


@pytest.mark.parametrize("device", SIZES)
def test_the_login_page_passes_axe(browser, portal_parent, device):
    browser.delete_all_cookies()
    viewport(browser, SIZES[device])
    browser.get(f"{portal_parent.url}/portail/connexion")

    assert browser.find_element("tag name", "h1").text
    assert axe_violations(browser) == []
