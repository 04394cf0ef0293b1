"""What the tests of the login and password pages share: two separated parents of one
dossier, each with their own login pushed by a desk, and a browser that logs in."""

from __future__ import annotations

import uuid

import httpx
from argon2 import PasswordHasher

from eticket_central.models import Tenant
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import START
from tests.central.helpers import family_payload
from tests.central.portal_pages import csrf_of

HER_LETTER, HIS_LETTER = "kP7mR2xWq9", "Zt4nH8bVc3"
HERS = "Mon-soleil-2026"
_addresses = iter(range(2, 250))


def browser(central) -> httpx.Client:
    """A browser of its own loopback address (the throttle counts failures per address)."""
    transport = httpx.HTTPTransport(local_address=f"127.0.1.{next(_addresses)}")
    return httpx.Client(base_url=central.url, transport=transport, timeout=60)


def slug_of(db, commune) -> str:
    return db.get(Tenant, commune.tenant_id).slug


def account(adult_id, login, password, issued_at=START, must_change=True) -> dict:
    return {
        "adult_id": str(adult_id),
        "login": login,
        "password_hash": PasswordHasher().hash(password),
        "must_change": must_change,
        "issued_at": issued_at.isoformat(),
    }


def separated_parents(family_id: uuid.UUID, his_letter=HIS_LETTER, **his) -> dict:
    """Claire Dupont (mother, billing) and Paul Martin (father, elsewhere), each a login."""
    payload = family_payload(family_id, reference="F00042")
    mother = uuid.UUID(payload["adults"][0]["id"])
    father = uuid.uuid5(family_id, "father")
    payload["adults"].append(
        {
            "id": str(father),
            "last_name": "Martin",
            "first_name": "Paul",
            "relation": "Père",
            "email": "paul.martin@example.org",
            "legal_guardian": True,
        }
    )
    payload["portals"] = [
        account(mother, "f00042", HER_LETTER),
        account(father, "f00042-b", his_letter, **{"must_change": False, **his}),
    ]
    return payload


def push_family(desk, payload) -> None:
    answer = desk.push(desk.op(OpType.FAMILY_UPSERT, **payload))[0]
    assert answer["status"] == "applied", answer


def log_in(http, slug, login, password, suite=None) -> httpx.Response:
    page = http.get(f"/portail/{slug}/connexion")
    assert page.status_code == 200
    data = {"csrf": csrf_of(page.text), "identifiant": login, "mot_de_passe": password}
    if suite is not None:
        data["suite"] = suite
    return http.post(f"/portail/{slug}/connexion", data=data)
