"""Poison ops: one bad op is refused alone (a French message and its code), the rest of the
push is applied and the desk keeps pulling. No input reaches a 500 on push, pull, snapshot."""

from __future__ import annotations

import uuid

import pytest

from eticket_central.ops.registry import REGISTRY, OpHandler
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload, invoice_payload, wallet_payload


def _wallet(desk, family_id, quantity=3):
    return desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, quantity))


def _raw(op) -> dict:
    return op.model_dump(mode="json")


def _push(desk, *ops: dict) -> list[dict]:
    answer = desk.http.post("/sync/push", json={"device_id": str(desk.device_id), "ops": ops})
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _wallet_lines(desk) -> list[int]:
    return [c["data"]["quantity"] for c in desk.pull_all() if c["entity"] == "wallet_entry"]


def test_a_nul_byte_in_a_name_refuses_that_op_only_and_pull_goes_on(desk):
    family_id = uuid.uuid4()
    poisoned = family_payload(family_id, last_name="Du\x00pont")
    bad = {"op_id": str(uuid.uuid4()), "seq": 1, "type": "family.upsert", "payload": poisoned}
    after = _raw(desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 4)))
    after["seq"] = 2
    results = _push(desk, bad, after)
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["code"] == "INVALID_OP"
    assert results[0]["message"] == (
        "Opération refusée par le serveur : payload.adults[0].last_name : caractère de "
        "contrôle interdit (code 0)"
    )
    assert _wallet_lines(desk) == [4]
    # Sent again (the desk retries what it did not hear): the same refusal, nothing twice.
    again = _push(desk, bad, after)
    assert [r["status"] for r in again] == ["rejected", "duplicate"]
    assert again[0]["code"] == "INVALID_OP"


def test_a_booking_on_year_one_is_refused_alone(desk, planning):
    family_id, child_id = uuid.uuid4(), uuid.uuid4()
    book = desk.op(
        OpType.BOOKING_BOOK, child_id=str(child_id), activity_id=str(planning), day="2026-09-15"
    )
    bad = _raw(book)
    bad["payload"]["day"] = "0001-01-01"
    bad["op_id"], bad["seq"] = str(uuid.uuid4()), 10_000
    results = _push(desk, bad, _raw(_wallet(desk, family_id)))
    by_seq = {r["seq"]: r for r in results}
    assert by_seq[10_000]["status"] == "rejected"
    assert by_seq[10_000]["code"] == "INVALID_OP"
    assert (
        "payload.day : date hors des limites (du 01/01/2000 au 31/12/2100)"
        in (by_seq[10_000]["message"])
    )
    assert [r["status"] for r in results if r["seq"] != 10_000] == ["applied"]


def test_a_sequence_beyond_64_bits_is_refused_alone(desk):
    family_id = uuid.uuid4()
    huge = _raw(_wallet(desk, family_id, 2))
    huge["seq"] = 2**63
    results = _push(desk, _raw(_wallet(desk, family_id, 5)), huge)
    assert [(r["seq"], r["status"]) for r in results] == [(2, "applied"), (2**63, "rejected")]
    assert results[1]["code"] == "INVALID_OP"
    assert "seq : doit être ≤ 9223372036854775807" in results[1]["message"]
    assert _wallet_lines(desk) == [5]


def test_an_unknown_op_type_and_a_malformed_payload_are_refused_alone(desk):
    family_id = uuid.uuid4()
    unknown = {"op_id": str(uuid.uuid4()), "seq": 1, "type": "family.delete", "payload": {}}
    floaty = _raw(_wallet(desk, family_id))
    floaty["seq"], floaty["payload"]["quantity"] = 2, 2.5
    results = _push(desk, unknown, floaty, {**_raw(_wallet(desk, family_id, 7)), "seq": 3})
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert "type d'opération inconnu « family.delete »" in results[0]["message"]
    assert "payload.quantity : nombre entier attendu" in results[1]["message"]
    assert _wallet_lines(desk) == [7]


def _payment(family_id, invoice_id, amount, payment_id=None) -> dict:
    return {
        "payment_id": str(payment_id or uuid.uuid4()),
        "family_id": str(family_id),
        "invoice_id": str(invoice_id),
        "method": "cash",
        "amount_cents": amount,
        "received_at": "2026-10-02T09:00:00",
    }


def test_cancelling_a_counter_payment_is_refused_and_the_invoice_stays_right(desk):
    family_id, invoice_id, payment_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(family_id, invoice_id, 4250)),
        desk.op(OpType.PAYMENT_RECEIVED, **_payment(family_id, invoice_id, 4250, payment_id)),
    )
    cancel = desk.op(
        OpType.PAYMENT_CANCEL,
        payment_id=str(payment_id),
        reason="Erreur de saisie",
        cancelled_at="2026-10-02T10:00:00",
    )
    assert desk.push(cancel)[0]["status"] == "applied"
    counter = uuid.uuid5(payment_id, "cancelled")
    results = desk.push(
        desk.op(
            OpType.PAYMENT_CANCEL,
            payment_id=str(counter),
            reason="Annuler l'annulation",
            cancelled_at="2026-10-02T11:00:00",
        ),
        _wallet(desk, family_id, 1),
    )
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["code"] == "INVALID_DATA"
    assert results[0]["message"] == (
        "Ce règlement est lui-même l'annulation d'une quittance : il ne s'annule pas."
    )
    invoices = [c["data"] for c in desk.pull_all() if c["entity"] == "invoice"]
    assert invoices[-1]["paid_cents"] == 0


def test_a_database_error_inside_one_op_is_that_ops_refusal(desk, monkeypatch):
    def divide_by_zero(session, ctx, payload, now):
        from sqlalchemy import text

        session.execute(text("SELECT 1 / 0"))
        return {}

    original = REGISTRY[OpType.TICKET_TYPE_UPSERT]
    monkeypatch.setitem(
        REGISTRY,
        OpType.TICKET_TYPE_UPSERT,
        OpHandler(OpType.TICKET_TYPE_UPSERT, divide_by_zero, original.owned_ids),
    )
    family_id = uuid.uuid4()
    results = desk.push(
        desk.op(
            OpType.TICKET_TYPE_UPSERT, ticket_type_id=str(uuid.uuid4()), code="C", name="Cantine"
        ),
        _wallet(desk, family_id, 6),
    )
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["code"] == "INVALID_OP"
    assert results[0]["message"].startswith("Le serveur n'a pas pu enregistrer cette opération")
    assert _wallet_lines(desk) == [6]


@pytest.mark.parametrize(
    "params",
    [
        {"since": 2**63},
        {"since": -1},
        {"since": "x\x00"},
        {"limit": 10**30},
    ],
)
def test_pull_refuses_out_of_range_cursors_in_french(desk, params):
    answer = desk.http.get("/sync/pull", params=params)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("Requête refusée")


@pytest.mark.parametrize(
    "after",
    [
        "x\x00",
        "0001-01-01",
        "a/b/c",
        "a/0001-01-01/b",
        f"{uuid.uuid4()}/99999-01-01/{uuid.uuid4()}",
    ],
)
def test_snapshot_refuses_unreadable_page_cursors_in_french(desk, after):
    for entity in ("family", "booking", "tariff", "family_credit"):
        answer = desk.http.get("/sync/snapshot", params={"entity": entity, "after": after})
        assert answer.status_code == 422, (entity, answer.text)
        assert "curseur de page illisible" in answer.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'{"device_id": "x"}',
        b'{"ops": "x\\u0000"}',
        b'{"device_id": "00000000-0000-0000-0000-000000000000", "ops": {}}',
        b'{"device_id": "00000000-0000-0000-0000-000000000000", "ops": [1, null, "a"]}',
    ],
)
def test_malformed_envelopes_get_a_french_422(desk, body):
    answer = desk.http.post(
        "/sync/push", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code in (403, 422), answer.text
    assert answer.json()["detail"]


def test_an_aware_time_and_deeply_nested_json_get_answers_not_500(desk):
    family_id = uuid.uuid4()
    aware = _raw(_wallet(desk, family_id))
    aware["payload"]["occurred_at"] = "2026-09-14T09:00:00+02:00"
    results = _push(desk, aware, _raw(_wallet(desk, family_id, 8)))
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert "heure locale attendue, sans fuseau horaire" in results[0]["message"]
    nested = b'{"device_id": "' + str(desk.device_id).encode() + b'", "ops": ' + b"[" * 100_000
    answer = desk.http.post(
        "/sync/push", content=nested, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert "JSON illisible" in answer.json()["detail"]
