"""A portal login per legal guardian, from the desk to the server and back: separated parents
each log in with their own letter; the password the mother chooses on the portal survives
the desk's later syncs of the dossier, and the desk shows that she chose it; a renewed
letter for the father closes his sessions only."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

import httpx
import pytest

from eticket_central.models import PortalSessionRow
from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import load_family, save_family, validate_family
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.syncing.cycle import sync_once
from tests.central.portal_logins import browser, log_in, slug_of
from tests.central.portal_pages import csrf_of

HERS = "Mon-soleil-2026"


@pytest.fixture
def separated(store, admin, lea_family):
    data = load_family(store, admin, lea_family.id)
    father = AdultData(
        last_name="Martin",
        first_name="Paul",
        relation="Père",
        email="paul.martin@example.org",
        legal_guardian=True,
    )
    save_family(store, admin, replace(data, adults=[*data.adults, father]))
    validate_family(store, admin, lea_family.id)
    return load_family(store, admin, lea_family.id)


def _portal_says(central, slug, login, password) -> int:
    with browser(central) as http:
        return log_in(http, slug, login, password).status_code


def test_separated_parents_keep_their_own_passwords_across_the_desks_syncs(
    store, admin, separated, client, central, commune, db
):
    mother, father = separated.adults[0], separated.adults[1]
    hers = issue_portal_access(store, admin, separated.id, mother.id, random.Random(1))
    his = issue_portal_access(store, admin, separated.id, father.id, random.Random(2))
    assert (hers.login, his.login) == ("f00001", "f00001-b")
    assert sync_once(store, client).ok
    slug = slug_of(db, commune)

    with browser(central) as her_phone, browser(central) as his_phone:
        first = log_in(her_phone, slug, hers.login, hers.password)
        assert first.headers["location"] == "/portail/mot-de-passe"
        token = csrf_of(her_phone.get("/portail/mot-de-passe").text)
        chosen = her_phone.post(
            "/portail/mot-de-passe",
            data={"csrf": token, "actuel": hers.password, "nouveau": HERS, "confirmation": HERS},
        )
        assert chosen.headers["location"] == "/portail/"
        assert log_in(his_phone, slug, his.login, his.password).status_code == 303

        # The desk learns it at its next sync; an edit of the dossier then goes up.
        assert sync_once(store, client).ok
        shown = {a.login: a for a in load_family(store, admin, separated.id).portal_accounts}
        assert shown["f00001"].password_changed_at == datetime(2026, 9, 14, 9, 30)
        assert shown["f00001-b"].password_changed_at is None
        data = load_family(store, admin, separated.id)
        save_family(store, admin, replace(data, notes="Garde alternée : semaines paires"))
        report = sync_once(store, client)
        assert report.ok and report.pushed >= 1
        assert _portal_says(central, slug, "f00001", HERS) == 303
        assert _portal_says(central, slug, "f00001", hers.password) == 401

        # His letter renewed at the counter: his session ends, hers stays open.
        store.clock.current = datetime(2026, 9, 14, 11, 0)
        renewed = issue_portal_access(store, admin, separated.id, father.id, random.Random(3))
        assert renewed.login == "f00001-b"
        assert sync_once(store, client).ok
        assert his_phone.get("/portail/").status_code == 303
        assert her_phone.get("/portail/").status_code == 200
        assert _portal_says(central, slug, "f00001-b", his.password) == 401
        assert _portal_says(central, slug, "f00001-b", renewed.password) == 303
        assert _portal_says(central, slug, "f00001", HERS) == 303


def test_a_newer_letter_replaces_the_password_the_mother_chose(
    store, admin, separated, client, central, commune, db
):
    mother = separated.adults[0]
    letter = issue_portal_access(store, admin, separated.id, mother.id, random.Random(1))
    assert sync_once(store, client).ok
    slug = slug_of(db, commune)
    with browser(central) as http:
        log_in(http, slug, letter.login, letter.password)
        token = csrf_of(http.get("/portail/mot-de-passe").text)
        http.post(
            "/portail/mot-de-passe",
            data={"csrf": token, "actuel": letter.password, "nouveau": HERS, "confirmation": HERS},
        )
    assert sync_once(store, client).ok  # the desk hears of it…
    store.clock.current = datetime(2026, 9, 14, 15, 0)
    lost = issue_portal_access(store, admin, separated.id, mother.id, random.Random(5))
    assert sync_once(store, client).ok  # …and a new letter, printed after it, wins

    assert _portal_says(central, slug, "f00001", HERS) == 401
    assert _portal_says(central, slug, "f00001", lost.password) == 303
    (shown,) = load_family(store, admin, separated.id).portal_accounts
    assert shown.password_changed_at is None


def test_the_json_login_opens_a_session_for_that_guardian(
    store, admin, separated, client, central, commune, db
):
    father = separated.adults[1]
    letter = issue_portal_access(store, admin, separated.id, father.id, random.Random(2))
    assert letter.login == "f00001"  # the dossier's first login, whoever it is for
    assert sync_once(store, client).ok
    answer = httpx.post(
        f"{central.url}/portal/login",
        json={
            "tenant_id": str(commune.tenant_id),
            "login": "F00001",  # typed as on the letter
            "password": letter.password,
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["family_id"] == str(separated.id)
    (session,) = db.query(PortalSessionRow).filter_by(family_id=separated.id).all()
    assert session.adult_id == father.id
