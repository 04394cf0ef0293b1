"""« Mot de passe oublié » as a parent meets it: the same answer whether or not the account
exists, the e-mail read from a real SMTP server, its link followed to set a new password
(the guardian's other sessions closed), then a link used, expired after one hour, forged."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import timedelta

import pytest

from eticket_central.models import PasswordReset, PortalSessionRow
from tests.central.mailbox import smtp_settings
from tests.central.portal_logins import (
    HER_LETTER,
    HIS_LETTER,
    browser,
    log_in,
    push_family,
    separated_parents,
    slug_of,
)
from tests.central.portal_pages import csrf_of

_LINK = re.compile(r"http://\S+/mot-de-passe-oublie/\S+")
HIS_OWN = "Montagne-bleue-74"


@pytest.fixture
def mailing(central, mailbox):
    """The server sends its e-mail to the test's mailbox."""
    state = central.thread.app.state
    before = state.settings
    state.settings = dataclasses.replace(before, **smtp_settings(mailbox))
    yield mailbox
    state.settings = before


@pytest.fixture
def family(desk, commune, db):
    family_id = uuid.uuid4()
    payload = separated_parents(family_id)
    payload["portals"][0]["must_change"] = False
    push_family(desk, payload)
    return family_id, slug_of(db, commune)


def ask(http, slug, typed):
    page = http.get(f"/portail/{slug}/mot-de-passe-oublie")
    data = {"csrf": csrf_of(page.text), "identifiant": typed}
    return http.post(f"/portail/{slug}/mot-de-passe-oublie", data=data)


def set_new(http, link, new, again=None):
    page = http.get(link)
    data = {"csrf": csrf_of(page.text), "nouveau": new, "confirmation": again or new}
    return http.post(link, data=data)


def test_the_father_resets_his_password_from_the_e_mail_and_logs_in_with_it(
    central, commune, family, mailing, db
):
    family_id, slug = family
    with browser(central) as old_phone, browser(central) as http:
        assert log_in(old_phone, slug, "f00042-b", HIS_LETTER).status_code == 303
        shown = [
            http.get(ask(http, slug, typed).headers["location"]).text
            for typed in ("F00042-B", "personne-inconnue")
        ]

        message = mailing.wait_for("paul.martin@example.org")
        assert message["Subject"].startswith("Portail famille de Commune")
        body = message.get_body(("plain",)).get_content()
        assert "l'identifiant « f00042-b »" in body and "valable une heure" in body
        link = _LINK.search(body).group(0).removeprefix(central.url)
        assert link.startswith(f"/portail/{slug}/mot-de-passe-oublie/")

        page = http.get(link)
        assert page.status_code == 200 and "identifiant « f00042-b »" in page.text
        weak = set_new(http, link, "court")
        assert weak.status_code == 422 and "au moins 10 caractères" in weak.text
        old = set_new(http, link, HIS_LETTER)
        assert "différent de l&#39;ancien" in old.text
        typo = set_new(http, link, HIS_OWN, "Montagne-bleue-75")
        assert "deux saisies du nouveau mot de passe sont différentes" in typo.text

        done = set_new(http, link, HIS_OWN)
        assert done.headers["location"] == f"/portail/{slug}/connexion"
        assert "connectez-vous avec" in http.get(done.headers["location"]).text
        assert old_phone.get("/portail/").status_code == 303  # his other session closed
        assert log_in(http, slug, "f00042-b", HIS_LETTER).status_code == 401
        assert log_in(http, slug, "f00042-b", HIS_OWN).headers["location"] == "/portail/"

        reused = http.get(link)
        assert reused.status_code == 410 and "Ce lien a déjà servi" in reused.text
        replayed = http.post(link, data={"csrf": _token(http, slug), "nouveau": "x" * 12})
        assert replayed.status_code == 410

    # The same answer whatever was typed; the mother got nothing, nobody else either.
    assert shown[0] == shown[1] and "Si cet identifiant ou cette adresse" in shown[0]
    assert mailing.to("claire.dupont@example.org") == []
    assert len(mailing.messages) == 1
    assert db.query(PasswordReset).filter_by(tenant_id=commune.tenant_id).count() == 1
    assert _LINK.search(body).group(0).rsplit("/", 1)[1].encode() not in {
        r.token_hash for r in db.query(PasswordReset)
    }  # only its hash is kept


def test_by_e_mail_address_the_link_goes_to_the_mother_only(central, commune, family, mailing):
    family_id, slug = family
    with browser(central) as http:
        ask(http, slug, "Claire.Dupont@Example.org")
        message = mailing.wait_for("claire.dupont@example.org")
        assert "l'identifiant « f00042 »" in message.get_body(("plain",)).get_content()
        link = _LINK.search(message.get_body(("plain",)).get_content()).group(0)
        assert set_new(http, link.removeprefix(central.url), "Nouvelle-vie-2026").status_code == 303
        assert log_in(http, slug, "f00042", HER_LETTER).status_code == 401
        assert log_in(http, slug, "f00042", "Nouvelle-vie-2026").status_code == 303
    assert mailing.to("paul.martin@example.org") == []


def test_a_link_expires_after_one_hour_and_a_forged_one_is_not_valid(
    central, commune, family, mailing, db
):
    family_id, slug = family
    with browser(central) as http:
        ask(http, slug, "f00042-b")
        body = mailing.wait_for("paul.martin@example.org").get_body(("plain",)).get_content()
        link = _LINK.search(body).group(0).removeprefix(central.url)
        central.clock.current += timedelta(minutes=59)
        assert http.get(link).status_code == 200
        central.clock.current += timedelta(minutes=1)
        expired = http.get(link)
        forged = http.get(f"/portail/{slug}/mot-de-passe-oublie/{'A' * 43}")
        late = http.post(link, data={"csrf": _token(http, slug), "nouveau": HIS_OWN})

    assert expired.status_code == 410 and "Ce lien a expiré" in expired.text
    assert late.status_code == 410
    assert forged.status_code == 404 and "Ce lien n&#39;est pas valide" in forged.text
    with browser(central) as http:
        assert log_in(http, slug, "f00042-b", HIS_LETTER).status_code == 303  # unchanged
    sessions = db.query(PortalSessionRow).filter_by(family_id=family_id).count()
    assert sessions == 1


def test_asking_for_links_is_throttled_like_logins(central, commune, family, mailing):
    _, slug = family
    with browser(central) as http:
        answers = [ask(http, slug, f"inconnu-{n}") for n in range(20)]
        refused = ask(http, slug, "f00042-b")
    assert {a.status_code for a in answers} == {303}
    assert refused.status_code == 429
    assert "Trop de tentatives de demande : réessayez dans" in refused.text
    assert mailing.to("paul.martin@example.org") == []


def _token(http, slug) -> str:
    """The browser's form token (the spent link's page has no form)."""
    return csrf_of(http.get(f"/portail/{slug}/connexion").text)
