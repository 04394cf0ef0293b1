"""Who may talk to the server: a desk's bearer token (hashed, revocable), and only about its
own commune's data."""

from __future__ import annotations

import uuid

import httpx

from eticket_central.models import Device
from eticket_central.tenants import revoke_device
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import new_commune
from tests.central.helpers import family_payload, wallet_payload


def test_no_token_or_a_wrong_token_gets_401(central, desk):
    anonymous = httpx.post(f"{central.url}/sync/push", json={"device_id": "x", "ops": []})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert "Authentification requise" in anonymous.json()["detail"]

    device_hex, _, secret = desk.token.partition(".")
    for wrong in (f"{device_hex}.{secret[:-2]}xx", f"{uuid.uuid4().hex}.{secret}", "n'importe"):
        answer = httpx.get(f"{central.url}/sync/pull", headers={"Authorization": f"Bearer {wrong}"})
        assert answer.status_code == 401
        assert answer.json()["detail"] == "Jeton d'appareil invalide."


def test_the_token_is_stored_hashed(desk, db):
    stored = db.get(Device, desk.device_id).token_hash
    assert len(stored) == 32
    assert desk.token.partition(".")[2].encode() not in stored


def test_a_revoked_device_gets_401(central, desk):
    assert desk.pull()["changes"] == []
    revoke_device(central.sessions, str(desk.device_id), central.clock.now())
    answer = desk.http.get("/sync/pull")
    assert answer.status_code == 401
    assert "révoqué" in answer.json()["detail"]


def test_a_device_cannot_push_in_another_devices_name(commune):
    first, second = commune.desk("Accueil"), commune.desk("Régie")
    answer = first.push_raw(
        [first.op(OpType.WALLET_ENTRY, **wallet_payload(uuid.uuid4()))], second.device_id
    )
    assert answer.status_code == 403


def test_another_communes_dossier_is_unknown_and_nothing_of_it_is_applied(central, desk, db):
    family_id = uuid.uuid4()
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    other = new_commune(central).desk("Autre commune")
    try:
        # Told exactly like an id the server never saw: no way to probe another commune.
        foreign = other.http.get(f"/sync/families/{family_id}")
        unknown = other.http.get(f"/sync/families/{uuid.uuid4()}")
        for answer in (foreign, unknown):
            assert (answer.status_code, answer.json()) == (
                404,
                {"detail": "Dossier inconnu du serveur."},
            )

        # An op naming that dossier is refused alone, as if it did not exist; the rest stands.
        mine = uuid.uuid4()
        wallet, upsert = other.push(
            other.op(OpType.WALLET_ENTRY, **wallet_payload(mine, 2)),
            other.op(OpType.FAMILY_UPSERT, **family_payload(family_id, base_version=1)),
        )
        assert wallet["status"] == "applied"
        assert (upsert["status"], upsert["code"]) == ("rejected", "NOT_FOUND")
        assert "commune" not in upsert["message"] and str(family_id) not in upsert["message"]
        db.expire_all()
        assert [c["entity"] for c in other.pull()["changes"]] == ["wallet_entry"]
        assert desk.http.get(f"/sync/families/{family_id}").json()["version"] == 1
    finally:
        other.close()


def test_pull_only_returns_the_devices_own_commune(central, desk):
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(uuid.uuid4(), reference="F-0001")))
    other = new_commune(central).desk()
    try:
        other.push(other.op(OpType.FAMILY_UPSERT, **family_payload(uuid.uuid4(), reference="X")))
        mine = desk.pull_all()
        theirs = other.pull_all()
        assert [c["data"]["reference"] for c in mine] == ["F-0001"]
        assert [c["data"]["reference"] for c in theirs] == ["X"]
    finally:
        other.close()
