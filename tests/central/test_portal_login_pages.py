"""Connexion on the portal's pages as parents meet it: each legal guardian with their own
login, the letter's one-time password replaced at the first login, a renewed letter that
closes only that guardian's sessions, a password chosen on the portal that a later desk op
leaves alone, the throttle, `suite` kept on this site, CSRF."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from eticket_central.models import Family, PortalSessionRow
from tests.central.conftest import START
from tests.central.helpers import family_payload
from tests.central.portal_logins import (
    HER_LETTER,
    HERS,
    HIS_LETTER,
    account,
    browser,
    log_in,
    push_family,
    separated_parents,
    slug_of,
)
from tests.central.portal_pages import csrf_of


def change(http, current, new, again=None) -> httpx.Response:
    token = csrf_of(http.get("/portail/mot-de-passe").text)
    data = {"csrf": token, "actuel": current, "nouveau": new, "confirmation": again or new}
    return http.post("/portail/mot-de-passe", data=data)


def test_each_guardian_logs_in_with_their_own_letter_and_first_chooses_a_password(
    central, commune, desk, db
):
    family_id = uuid.uuid4()
    push_family(desk, separated_parents(family_id))
    slug = slug_of(db, commune)
    with browser(central) as her, browser(central) as him:
        first = log_in(her, slug, "F00042 ", HER_LETTER)  # typed as on the letter
        assert (first.status_code, first.headers["location"]) == (303, "/portail/mot-de-passe")
        forced = her.get("/portail/?vue=semaine")
        assert forced.headers["location"] == "/portail/mot-de-passe"  # until it is done
        page = her.get("/portail/mot-de-passe")
        assert "choisissez maintenant votre mot de passe personnel" in page.text
        assert 'for="nouveau"' in page.text and 'for="confirmation"' in page.text

        refusals = {
            "au moins 10 caractères": change(her, HER_LETTER, "Court-1"),
            "différent de l&#39;ancien": change(her, HER_LETTER, HER_LETTER),
            "actuel n&#39;est pas le bon": change(her, "pas-le-bon-1", HERS),
            "deux saisies du nouveau mot de passe sont différentes": change(
                her, HER_LETTER, HERS, "Mon-soleil-2027"
            ),
        }
        for reason, answer in refusals.items():
            assert answer.status_code == 422 and reason in answer.text, reason
            assert 'aria-invalid="true"' in answer.text
        assert her.get("/portail/").headers["location"] == "/portail/mot-de-passe"

        done = change(her, HER_LETTER, HERS)
        assert (done.status_code, done.headers["location"]) == (303, "/portail/")
        assert "connecté(e) : f00042<" in her.get("/portail/").text

        his = log_in(him, slug, "f00042-b", HIS_LETTER)
        assert (his.status_code, his.headers["location"]) == (303, "/portail/")
        assert "connecté(e) : f00042-b<" in him.get("/portail/").text
        assert her.get("/portail/").status_code == 200  # both at once

        token = csrf_of(him.get("/portail/").text)
        out = him.post("/portail/deconnexion", data={"csrf": token})
        assert out.headers["location"] == "/portail/connexion"
        assert 'portail_session=""' in out.headers["set-cookie"]  # the cookie is cleared
        assert him.get("/portail/").status_code == 303
        assert her.get("/portail/").status_code == 200  # her session is hers

    sessions = db.query(PortalSessionRow).filter_by(family_id=family_id).all()
    father = uuid.uuid5(family_id, "father")
    assert [str(s.adult_id) for s in sessions] == [family_payload(family_id)["adults"][0]["id"]]
    assert father not in {s.adult_id for s in sessions}


def test_a_renewed_letter_for_the_father_leaves_the_mothers_session_open(
    central, commune, desk, db
):
    family_id = uuid.uuid4()
    payload = separated_parents(family_id)
    payload["portals"][0]["must_change"] = False
    push_family(desk, payload)
    slug = slug_of(db, commune)
    with browser(central) as her, browser(central) as him:
        assert log_in(her, slug, "f00042", HER_LETTER).status_code == 303
        assert log_in(him, slug, "f00042-b", HIS_LETTER).status_code == 303

        renewed = separated_parents(family_id, "Nouveau4xY", issued_at=START + timedelta(hours=2))
        renewed["portals"][0] = payload["portals"][0]  # hers as it was
        push_family(desk, {**renewed, "base_version": 1})

        assert him.get("/portail/").status_code == 303  # his session closed
        assert her.get("/portail/").status_code == 200  # hers still open
        assert log_in(him, slug, "f00042-b", HIS_LETTER).status_code == 401
        assert log_in(him, slug, "f00042-b", "Nouveau4xY").status_code == 303


def test_the_mothers_own_password_survives_a_later_desk_op_until_a_newer_letter(
    central, commune, desk, db
):
    family_id = uuid.uuid4()
    payload = separated_parents(family_id)
    push_family(desk, payload)
    slug = slug_of(db, commune)
    central.clock.current = START + timedelta(hours=1)
    with browser(central) as her:
        log_in(her, slug, "f00042", HER_LETTER)
        assert change(her, HER_LETTER, HERS).status_code == 303

    changed = [c for c in desk.pull_all() if c["entity"] == "family" and c["id"] == str(family_id)]
    told = changed[-1]["data"]["portal_accounts"]
    assert told[0] == {
        "adult_id": payload["adults"][0]["id"],
        "login": "f00042",
        "password_changed_at": "2026-09-14T10:30:00",
    }
    assert told[1]["password_changed_at"] is None
    assert all("hash" not in str(a) for a in told)

    # A desk that had not heard of it sends the dossier again, with the letter's hash.
    version = _family_version(db, family_id)
    push_family(desk, {**payload, "notes": "Allergie au kiwi", "base_version": version})
    with browser(central) as her:
        assert log_in(her, slug, "f00042", HER_LETTER).status_code == 401
        mine = log_in(her, slug, "f00042", HERS)
        assert (mine.status_code, mine.headers["location"]) == (303, "/portail/")

    newer = separated_parents(family_id)
    newer["portals"][0] = account(
        payload["adults"][0]["id"], "f00042", "Lettre2026x", START + timedelta(hours=3)
    )
    push_family(desk, {**newer, "base_version": _family_version(db, family_id)})
    with browser(central) as her:
        assert log_in(her, slug, "f00042", HERS).status_code == 401
        again = log_in(her, slug, "f00042", "Lettre2026x")
        assert again.headers["location"] == "/portail/mot-de-passe"


def _family_version(db, family_id) -> int:
    db.expire_all()
    return db.get(Family, family_id).version


def test_the_sixth_wrong_attempt_gets_a_french_page_saying_when_to_retry(
    central, commune, desk, db
):
    push_family(desk, separated_parents(uuid.uuid4()))
    slug = slug_of(db, commune)
    with browser(central) as http:
        wrong = [log_in(http, slug, "f00042", f"faux-{n}") for n in range(5)]
        assert [w.status_code for w in wrong] == [401] * 5
        assert "Identifiant ou mot de passe incorrect." in wrong[0].text
        refused = log_in(http, slug, "f00042", HER_LETTER)  # even the right one

    assert refused.status_code == 429
    assert "Trop de tentatives de connexion : réessayez dans 15 minutes." in refused.text
    assert refused.headers["retry-after"] == "900"
    assert '<html lang="fr">' in refused.text
    assert db.query(PortalSessionRow).filter_by(tenant_id=commune.tenant_id).count() == 0


def test_suite_goes_on_to_a_page_of_the_portal_never_to_another_site(central, commune, desk, db):
    payload = separated_parents(uuid.uuid4())
    push_family(desk, payload)
    slug = slug_of(db, commune)
    landed = {}
    for suite in ("/portail/factures?annee=2026", "https://evil.example/", "//evil.example/"):
        with browser(central) as http:
            landed[suite] = log_in(http, slug, "f00042-b", HIS_LETTER, suite).headers["location"]
    assert landed == {
        "/portail/factures?annee=2026": "/portail/factures?annee=2026",
        "https://evil.example/": "/portail/",
        "//evil.example/": "/portail/",
    }


def test_a_login_form_without_its_token_is_refused_and_opens_nothing(central, commune, desk, db):
    push_family(desk, separated_parents(uuid.uuid4()))
    slug = slug_of(db, commune)
    with browser(central) as http:
        http.get(f"/portail/{slug}/connexion")
        forged = http.post(
            f"/portail/{slug}/connexion",
            data={"csrf": "faux", "identifiant": "f00042-b", "mot_de_passe": HIS_LETTER},
        )
    assert forged.status_code == 403
    assert "rien n&#39;a été enregistré" in forged.text
    assert "portail_session" not in forged.headers.get("set-cookie", "")
    assert db.query(PortalSessionRow).filter_by(tenant_id=commune.tenant_id).count() == 0


def test_the_communes_are_listed_by_name_and_an_unknown_one_is_a_french_404(central, commune, db):
    with browser(central) as http:
        listed = http.get("/portail/connexion?suite=/portail/factures")
        unknown = http.get("/portail/nulle-part-sur-terre/connexion")
    slug = slug_of(db, commune)
    assert f'href="/portail/{slug}/connexion?suite=%2Fportail%2Ffactures"' in listed.text
    assert commune.name in listed.text
    assert unknown.status_code == 404 and "Page introuvable" in unknown.text


def test_a_guardian_taken_off_the_dossier_loses_login_and_session(central, commune, desk, db):
    family_id = uuid.uuid4()
    payload = separated_parents(family_id)
    push_family(desk, payload)
    slug = slug_of(db, commune)
    with browser(central) as him:
        assert log_in(him, slug, "f00042-b", HIS_LETTER).status_code == 303
        # Another desk, which never issued his login, sends the dossier without him.
        without = {**payload, "adults": payload["adults"][:1], "base_version": 1}
        del without["portals"]
        push_family(desk, without)
        assert him.get("/portail/").status_code == 303
        assert log_in(him, slug, "f00042-b", HIS_LETTER).status_code == 401
    told = _told(desk, family_id)
    assert [a["login"] for a in told] == ["f00042"]  # hers stays


def _told(desk, family_id) -> list:
    changes = [c for c in desk.pull_all() if c["entity"] == "family" and c["id"] == str(family_id)]
    return changes[-1]["data"]["portal_accounts"]
