"""« Mon dossier » and « Mes documents » in a real browser, on a phone and on a computer:
axe-core finds no serious or critical violation, also with the French errors shown next to
their fields, and nothing is wider than the screen."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.harness import SIZES, axe_violations, viewport


def _once_shown(driver, selector: str):
    """The element, once the page the form's submission asked for shows it (the click does
    not wait for the navigation it starts)."""
    return WebDriverWait(driver, 15).until(lambda b: b.find_elements("css selector", selector))[0]


def _fits(driver, width: int) -> None:
    scroll, client = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client == width and scroll <= width  # wide tables scroll inside their wrapper


@pytest.mark.parametrize("device", SIZES)
def test_the_dossier_and_its_errors_pass_axe(logged_in, portal_parent, device):
    width, _ = SIZES[device]
    viewport(logged_in, SIZES[device])
    logged_in.get(f"{portal_parent.url}/portail/dossier")
    assert logged_in.find_element("tag name", "h1").text == "Mon dossier"
    assert axe_violations(logged_in) == []
    _fits(logged_in, width)

    phone = logged_in.find_element("css selector", 'input[name="phone_mobile"]')
    phone.clear()
    phone.send_keys("12")
    logged_in.find_element("css selector", "form.encart button[type=submit]").click()

    error = _once_shown(logged_in, ".erreur-champ").text
    assert "« 12 » n'est pas un numéro valide" in error
    typed = logged_in.find_element("css selector", 'input[name="phone_mobile"]')
    assert typed.get_attribute("value") == "12"
    assert typed.get_attribute("aria-invalid") == "true"
    assert axe_violations(logged_in) == []
    _fits(logged_in, width)


@pytest.mark.parametrize("device", SIZES)
def test_the_documents_page_and_a_refused_file_pass_axe(logged_in, portal_parent, device, tmp_path):
    width, _ = SIZES[device]
    viewport(logged_in, SIZES[device])
    logged_in.get(f"{portal_parent.url}/portail/documents")
    assert logged_in.find_element("tag name", "h1").text == "Mes documents"
    assert axe_violations(logged_in) == []

    program = tmp_path / "certificat.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)  # a Windows program renamed .pdf
    logged_in.find_element("css selector", "#type option[value=certificat_medical]").click()
    logged_in.find_element("id", "fichier").send_keys(str(program))
    logged_in.find_element("css selector", "form.encart button[type=submit]").click()

    error = _once_shown(logged_in, "#fichier-erreur").text
    assert "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG" in error
    selected = logged_in.find_element("css selector", "#type option:checked")
    assert selected.get_attribute("value") == "certificat_medical"  # the choice is kept
    assert axe_violations(logged_in) == []
    _fits(logged_in, width)
