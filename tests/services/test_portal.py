"""Portal credentials: one login per legal guardian, only for validated dossiers, one-time
password hashed, the letter addressed to that guardian."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from alembic import command
from pypdf import PdfReader

from eticket_desk.models import PortalAccount
from eticket_desk.models.database import alembic_config, migrate
from eticket_desk.reports.portal_letter import render
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.access.users import verify_password
from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import (
    load_family,
    save_family,
    validate_family,
)
from eticket_desk.services.families.portal import issue_portal_access, portal_guardians

_AMBIGUOUS = set("0O1lIio")


def _separated(store, admin, family):
    """The father lives elsewhere and is a legal guardian too; the grandmother is not."""
    data = load_family(store, admin, family.id)
    father = AdultData(
        last_name="Martin",
        first_name="Paul",
        relation="Père",
        email="paul.martin@example.fr",
        address1="3 chemin du Lac",
        postcode="74200",
        city="Thonon-les-Bains",
        legal_guardian=True,
    )
    grandma = AdultData(last_name="Dupont", first_name="Jeanne", relation="Grand-mère")
    saved = save_family(store, admin, replace(data, adults=[*data.adults, father, grandma]))
    validate_family(store, admin, family.id)
    return saved.adults


def test_refused_while_the_dossier_is_not_validated(store, admin, family):
    with pytest.raises(DomainError, match="dossier validé"):
        issue_portal_access(store, admin, family.id, family.adults[0].id)


def test_letter_carries_a_password_that_only_the_hash_remembers(store, admin, family, tmp_path):
    validate_family(store, admin, family.id)
    letter = issue_portal_access(store, admin, family.id, family.adults[0].id, random.Random(4))
    assert letter.login == "f00001"
    assert letter.addressee == "Marie DUPONT"
    assert letter.address_lines == ("12 rue des Écoles", "74500 NEUVECELLE")
    assert not set(letter.password) & _AMBIGUOUS
    with store.read() as session:
        account = session.query(PortalAccount).one()
        assert account.adult_id == family.adults[0].id
        assert account.password_hash != letter.password
        assert verify_password(account.password_hash, letter.password)
        assert account.must_change_password

    text = PdfReader(render(letter, tmp_path / "lettre.pdf")).pages[0].extract_text()
    assert letter.password in text
    assert "f00001" in text
    assert "Marie DUPONT" in text


def test_separated_parents_each_get_their_own_login_and_letter(store, admin, family):
    mother, father, grandma = _separated(store, admin, family)
    assert portal_guardians(load_family(store, admin, family.id)) == [mother, father]
    hers = issue_portal_access(store, admin, family.id, mother.id, random.Random(1))
    his = issue_portal_access(store, admin, family.id, father.id, random.Random(2))
    assert (hers.login, his.login) == ("f00001", "f00001-b")
    assert his.addressee == "Paul MARTIN"
    assert his.address_lines == ("3 chemin du Lac", "74200 THONON-LES-BAINS")
    with pytest.raises(DomainError, match="Jeanne DUPONT n'est pas responsable légal"):
        issue_portal_access(store, admin, family.id, grandma.id)
    shown = load_family(store, admin, family.id).portal_accounts
    assert [(a.adult_id, a.login) for a in shown] == [
        (mother.id, "f00001"),
        (father.id, "f00001-b"),
    ]


def test_renewing_one_guardians_letter_leaves_the_other_password(store, admin, family):
    mother, father, _ = _separated(store, admin, family)
    first = issue_portal_access(store, admin, family.id, mother.id, random.Random(1))
    his = issue_portal_access(store, admin, family.id, father.id, random.Random(3))
    second = issue_portal_access(store, admin, family.id, mother.id, random.Random(2))
    assert first.password != second.password and second.login == first.login
    with store.read() as session:
        stored = {a.adult_id: a.password_hash for a in session.query(PortalAccount)}
    assert not verify_password(stored[mother.id], first.password)
    assert verify_password(stored[mother.id], second.password)
    assert verify_password(stored[father.id], his.password)


def test_a_guardian_taken_off_the_dossier_loses_their_login(store, admin, family):
    mother, father, grandma = _separated(store, admin, family)
    issue_portal_access(store, admin, family.id, father.id, random.Random(3))
    data = load_family(store, admin, family.id)
    save_family(store, admin, replace(data, adults=[mother, grandma]))
    assert load_family(store, admin, family.id).portal_accounts == ()


def test_an_older_desks_family_account_is_attached_to_the_billing_adult(
    store, admin, family, tmp_path
):
    """Before 0016 a dossier had one account, nobody's in particular: after the upgrade it is
    the payer's (the mother), its login and password unchanged."""
    mother, father, _ = _separated(store, admin, family)
    letter = issue_portal_access(store, admin, family.id, father.id, random.Random(4))
    command.downgrade(alembic_config(store.engine), "0015")  # the file of an older desk
    migrate(store.engine)
    with store.read() as session:
        account = session.query(PortalAccount).one()
    assert (account.adult_id, account.login) == (mother.id, "f00001")
    assert verify_password(account.password_hash, letter.password)
