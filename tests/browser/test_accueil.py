"""The accueil in a real browser, on a phone and on a computer: axe-core finds no serious or
critical violation, nothing is wider than the screen, and the keyboard reaches every link."""

from __future__ import annotations

import pytest

from tests.browser.harness import SIZES, axe_violations, links_shown, tab_order, viewport


@pytest.mark.parametrize("device", SIZES)
def test_the_accueil_passes_axe_on_a_phone_and_a_computer(logged_in, portal_parent, device):
    width, _ = SIZES[device]
    viewport(logged_in, SIZES[device])
    logged_in.get(f"{portal_parent.url}/portail/")

    heading = logged_in.find_element("tag name", "h1").text
    assert heading.startswith("Bonjour, famille") and "dupont" in heading.lower()
    assert "42,50" in logged_in.find_element("id", "contenu").text  # the invoice to pay
    assert axe_violations(logged_in) == []
    scroll, client = logged_in.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client == width and scroll <= width  # nothing sticks out sideways


@pytest.mark.parametrize("device", SIZES)
def test_the_keyboard_reaches_every_link_of_the_accueil_in_order(logged_in, portal_parent, device):
    viewport(logged_in, SIZES[device])
    logged_in.get(f"{portal_parent.url}/portail/")

    links = links_shown(logged_in)
    reached = [name.split(" ", 1)[1] for name in tab_order(logged_in) if name.startswith("a ")]

    assert "#contenu" in links and "/portail/factures" in links
    assert reached == links  # every link, in the order of the page
    assert "button Se déconnecter" in tab_order(logged_in)


def test_an_unknown_page_passes_axe_too(logged_in, portal_parent):
    viewport(logged_in, SIZES["telephone"])
    logged_in.get(f"{portal_parent.url}/portail/nulle-part")

    assert logged_in.find_element("tag name", "h1").text == "Page introuvable"
    assert axe_violations(logged_in) == []
