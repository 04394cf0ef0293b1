"""Portal credentials: only for validated dossiers, one-time password hashed, letter printed."""

from __future__ import annotations

import random

import pytest
from pypdf import PdfReader

from eticket_desk.models import PortalAccount
from eticket_desk.reports.portal_letter import render
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.access.users import verify_password
from eticket_desk.services.families.dossiers import validate_family
from eticket_desk.services.families.portal import issue_portal_access


def test_refused_while_the_dossier_is_not_validated(store, admin, family):
    with pytest.raises(DomainError, match="dossier validé"):
        issue_portal_access(store, admin, family.id)


def test_letter_carries_a_password_that_only_the_hash_remembers(store, admin, family, tmp_path):
    validate_family(store, admin, family.id)
    letter = issue_portal_access(store, admin, family.id, rng=random.Random(4))
    assert letter.login == "f00001"
    assert letter.addressee == "Marie DUPONT"
    assert letter.address_lines == ("12 rue des Écoles", "74500 NEUVECELLE")
    with store.read() as session:
        account = session.query(PortalAccount).one()
        assert account.password_hash != letter.password
        assert verify_password(account.password_hash, letter.password)
        assert account.must_change_password

    text = PdfReader(render(letter, tmp_path / "lettre.pdf")).pages[0].extract_text()
    assert letter.password in text
    assert "f00001" in text
    assert "Marie DUPONT" in text


def test_renewing_invalidates_the_previous_password(store, admin, family):
    validate_family(store, admin, family.id)
    first = issue_portal_access(store, admin, family.id, rng=random.Random(1))
    second = issue_portal_access(store, admin, family.id, rng=random.Random(2))
    assert first.password != second.password
    with store.read() as session:
        stored = session.query(PortalAccount).one().password_hash
    assert not verify_password(stored, first.password)
    assert verify_password(stored, second.password)
