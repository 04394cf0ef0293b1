"""Every page of the portal a parent opens, in a real browser on a phone and a computer:
axe-core finds no serious or critical violation. The dossier page is listed again (its
scrolling tables are keyboard-focusable now), and so are the password pages: the change
of password a logged-in parent meets, and « mot de passe oublié » on the commune's page."""

from __future__ import annotations

import pytest

from eticket_central.models import Tenant
from tests.browser.harness import SIZES, axe_violations, viewport

PAGES = {
    "planning": ("/portail/planning", "Planning"),
    "planning_plage": ("/portail/planning/plage", "Réserver"),
    "porte_monnaie": ("/portail/porte-monnaie", "Porte-monnaie"),
    "factures": ("/portail/factures", "Factures"),
    "documents": ("/portail/documents", "Documents"),
    "dossier": ("/portail/dossier", "Mon dossier"),
    "mot_de_passe": ("/portail/mot-de-passe", "Votre mot de passe"),
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


@pytest.mark.parametrize("device", SIZES)
def test_the_forgotten_password_page_passes_axe(browser, portal_parent, commune, db, device):
    slug = db.get(Tenant, commune.tenant_id).slug
    browser.delete_all_cookies()
    viewport(browser, SIZES[device])
    browser.get(f"{portal_parent.url}/portail/{slug}/mot-de-passe-oublie")

    assert browser.find_element("tag name", "h1").text == "Mot de passe oublié"
    assert axe_violations(browser) == []
