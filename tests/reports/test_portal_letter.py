"""The portal-access letter, read back from the PDF as a parent (and a printer) would."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from eticket_desk.reports import portal_letter
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.families.portal import PortalLetter

ORGANISATION = OrganisationData(
    name="Commune de Neuvecelle",
    address1="1 place de la Mairie",
    postcode="74500",
    city="Neuvecelle",
    phone="+33450701234",
    email="periscolaire@neuvecelle.fr",
    portal_url="https://famille.neuvecelle.fr",
)


@pytest.fixture
def letter() -> PortalLetter:
    return PortalLetter(
        organisation=ORGANISATION,
        family_reference="F00042",
        addressee="Éloïse Lefèvre",
        address_lines=("12 chemin des Écureuils", "74500 NEUVECELLE"),
        children=("Léa Lefèvre", "Noé Lefèvre"),
        login="f00042",
        password="Kp7wRt3zHa",
        portal_url="https://famille.neuvecelle.fr",
        issued_on=date(2026, 9, 14),
        agent_name="Anne Martin",
    )


def _read(pdf: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(str(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _squeezed(text: str) -> str:
    """Text without any whitespace, so wrapped lines compare equal to the original."""
    return re.sub(r"\s+", "", text)


def test_the_letter_carries_the_codes_and_the_family(tmp_path, letter):
    out = portal_letter.render(letter, tmp_path / "courrier.pdf")

    assert out == tmp_path / "courrier.pdf"
    reader, text = _read(out)
    assert len(reader.pages) == 1
    assert "Kp7wRt3zHa" in text
    assert "f00042" in text
    assert "F00042" in text
    assert "Éloïse Lefèvre" in text
    assert "Commune de Neuvecelle" in text
    assert "Neuvecelle, le 14 septembre 2026" in text
    assert "Objet : vos codes d'accès au portail famille" in text
    assert "Léa Lefèvre et Noé Lefèvre" in " ".join(text.split())
    assert "https://famille.neuvecelle.fr" in text
    assert "Anne Martin" in text
    assert "Le service périscolaire" in text
    assert "Mot de passe provisoire" in text
    assert "é" in text
    assert "€" not in text


def test_the_letter_warns_the_password_is_temporary_and_confidential(tmp_path, letter):
    _, text = _read(portal_letter.render(letter, tmp_path / "courrier.pdf"))
    flat = " ".join(text.split())

    assert "première connexion" in flat
    assert "personnels et confidentiels" in flat
    assert "ne vous demandera jamais votre mot de passe" in flat
    assert "Comment faire ?" in flat
    assert "Document personnel" in flat


def test_fonts_are_embedded_dejavu_only(tmp_path, letter):
    reader, _ = _read(portal_letter.render(letter, tmp_path / "courrier.pdf"))
    fonts = reader.pages[0]["/Resources"]["/Font"]

    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        assert "DejaVuSans" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_without_a_portal_address_the_letter_says_where_to_find_it(tmp_path, letter):
    letter = dataclasses.replace(letter, portal_url="")
    _, text = _read(portal_letter.render(letter, tmp_path / "courrier.pdf"))

    assert "l'adresse communiquée par la mairie" in text
    assert "https://" not in text


def test_markup_characters_in_names_are_printed_as_typed(tmp_path, letter):
    letter = dataclasses.replace(letter, addressee="Zoé <Martin> & Fils")
    _, text = _read(portal_letter.render(letter, tmp_path / "courrier.pdf"))

    assert "Zoé <Martin> & Fils" in text


def test_very_long_names_and_addresses_stay_on_one_page_and_whole(tmp_path, letter):
    long_name = "Marie-Éloïse-Bérénice DE LA ROCHEFOUCAULD-MONTMORENCY-LEFÈVRE-DUVAL"
    address = (
        "Appartement 1204, escalier C, 12e étage, porte gauche au fond du couloir",
        "Résidence Les Jardins Suspendus du Chablais et du Léman, bâtiment Œillets",
        "1245 chemin des Écureuils et des Marronniers centenaires, lieu-dit Les Grands Prés",
        "74500 SAINT-GINGOLPH-SUR-LES-HAUTS",
    )
    letter = dataclasses.replace(
        letter,
        organisation=dataclasses.replace(
            ORGANISATION,
            name="Syndicat intercommunal à vocation multiple du Chablais et du Léman",
            address2="Zone d'activités économiques des Grands Prés, route départementale 1005",
        ),
        addressee=long_name,
        address_lines=address,
        children=tuple(f"Enfant{i} DE LA ROCHEFOUCAULD-MONTMORENCY" for i in range(8)),
    )
    reader, text = _read(portal_letter.render(letter, tmp_path / "courrier.pdf"))

    assert len(reader.pages) == 1
    squeezed = _squeezed(text)
    for line in (long_name, *address, *letter.children, "Kp7wRt3zHa"):
        assert _squeezed(line) in squeezed


def test_an_absurd_amount_of_text_is_shrunk_rather_than_split(tmp_path, letter):
    letter = dataclasses.replace(
        letter, children=tuple(f"Enfant numéro {i} avec un très long prénom" for i in range(60))
    )
    reader, text = _read(portal_letter.render(letter, tmp_path / "courrier.pdf"))

    assert len(reader.pages) == 1
    assert "Kp7wRt3zHa" in text
    assert "Enfant numéro 59" in " ".join(text.split())
