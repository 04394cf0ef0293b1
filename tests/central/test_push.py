"""Push: applied once, duplicates answered with the original result, device order, refusals
that roll back only their own op, and malformed requests refused whole (422, in French)."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from eticket_central.models import ChangeLog, Family, WalletEntry
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload, wallet_payload


def _wallet_rows(db, family_id) -> int:
    db.expire_all()
    return db.execute(
        select(func.count()).select_from(WalletEntry).where(WalletEntry.family_id == family_id)
    ).scalar_one()


def test_a_pushed_op_is_applied_then_answered_duplicate_with_the_same_result(desk, db):
    family_id = uuid.uuid4()
    ops = [
        desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 10)),
    ]
    first = desk.push(*ops)
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert first[0]["result"]["version"] == 1

    again = desk.push(*ops)
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["original_status"] for r in again] == ["applied", "applied"]
    assert [r["result"] for r in again] == [r["result"] for r in first]
    assert _wallet_rows(db, family_id) == 1


def test_ops_are_applied_in_device_order_whatever_order_they_arrive_in(desk):
    family_id = uuid.uuid4()
    create = desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id))
    rename = desk.op(
        OpType.FAMILY_UPSERT, **family_payload(family_id, base_version=1, last_name="Durand")
    )
    results = desk.push(rename, create)
    assert [(r["seq"], r["status"]) for r in results] == [(1, "applied"), (2, "applied")]
    assert results[1]["result"]["version"] == 2
    family = desk.http.get(f"/sync/families/{family_id}").json()
    assert family["adults"][0]["last_name"] == "Durand"
    assert family["version"] == 2


def test_a_rejected_op_does_not_undo_the_others_and_keeps_its_refusal(desk, db):
    family_id = uuid.uuid4()
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    stale = desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, base_version=0))
    wallet = desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 5))
    results = desk.push(stale, wallet)
    assert results[0]["status"] == "rejected"
    assert results[0]["code"] == "STALE_VERSION"
    assert "modifié ailleurs" in results[0]["message"]
    assert results[1]["status"] == "applied"
    assert _wallet_rows(db, family_id) == 1

    again = desk.push(stale)
    assert again[0]["status"] == "duplicate"
    assert again[0]["original_status"] == "rejected"
    assert again[0]["code"] == "STALE_VERSION"


def test_the_same_op_id_with_another_payload_is_refused(desk):
    family_id = uuid.uuid4()
    op = desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 3))
    desk.push(op)
    forged = op.model_copy(update={"payload": op.payload.model_copy(update={"quantity": 30})})
    answer = desk.push(forged)[0]
    assert (answer["status"], answer["code"]) == ("rejected", "OP_ID_REUSED")


def test_malformed_ops_are_refused_alone_in_french_and_malformed_requests_whole(desk, db):
    family_id = uuid.uuid4()
    good = desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 4)).model_dump(mode="json")
    bad = {
        "op_id": str(uuid.uuid4()),
        "seq": 99,
        "type": "payment.received",
        "payload": {
            "payment_id": str(uuid.uuid4()),
            "family_id": str(family_id),
            "method": "bitcoin",
            "amount_cents": 12.5,
            "received_at": "hier",
        },
    }
    unknown = {"op_id": str(uuid.uuid4()), "seq": 100, "type": "family.delete", "payload": {}}
    answer = desk.http.post(
        "/sync/push", json={"device_id": str(desk.device_id), "ops": [good, bad, unknown]}
    )
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["seq"], r["status"], r["code"]) for r in results] == [
        (1, "applied", None),
        (99, "rejected", "INVALID_OP"),
        (100, "rejected", "INVALID_OP"),
    ]
    assert results[1]["message"].startswith("Opération refusée par le serveur : ")
    assert (
        "payload.method : valeur non permise (attendu : 'cash', 'cheque', 'card' ou 'debit')"
        in results[1]["message"]
    )
    assert "payload.amount_cents : nombre entier attendu" in results[1]["message"]
    assert "payload.received_at : date et heure invalides" in results[1]["message"]
    assert results[2]["message"] == (
        "Opération refusée par le serveur : type d'opération inconnu « family.delete »"
    )
    assert _wallet_rows(db, family_id) == 1

    # What cannot be answered op by op is refused whole, in French, and changes nothing.
    not_json = desk.http.post(
        "/sync/push", content=b"{pas du json", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert "JSON illisible" in not_json.json()["detail"]
    other = wallet_payload(family_id, 9)
    again = desk.op(OpType.WALLET_ENTRY, **other).model_dump(mode="json")
    twice = desk.http.post(
        "/sync/push", json={"device_id": str(desk.device_id), "ops": [again, again]}
    )
    assert twice.status_code == 422
    assert "le même op_id apparaît deux fois" in twice.json()["detail"]
    no_id = desk.http.post(
        "/sync/push",
        json={"device_id": str(desk.device_id), "ops": [{**again, "op_id": "x"}]},
    )
    assert no_id.status_code == 422
    assert no_id.json()["errors"] == ["ops[0].op_id : identifiant (UUID) invalide"]
    assert _wallet_rows(db, family_id) == 1
    lines = [c for c in desk.pull()["changes"] if c["entity"] == "wallet_entry"]
    assert [c["data"]["quantity"] for c in lines] == [4]


def test_the_same_ops_pushed_twice_at_once_are_applied_once(desk, db):
    family_id = uuid.uuid4()
    ops = [desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id))]
    ops += [desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 1)) for _ in range(30)]
    answers: list[list[dict]] = [[], []]
    barrier = threading.Barrier(2)

    def push(slot: int) -> None:
        barrier.wait()
        response = desk.push_raw(ops)
        assert response.status_code == 200, response.text
        answers[slot] = response.json()["results"]

    threads = [threading.Thread(target=push, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    for index in range(len(ops)):
        statuses = sorted(answers[slot][index]["status"] for slot in (0, 1))
        assert statuses == ["applied", "duplicate"], (index, statuses)
        assert answers[0][index]["result"] == answers[1][index]["result"]
    assert _wallet_rows(db, family_id) == 30
    family_changes = db.execute(
        select(func.count()).select_from(ChangeLog).where(ChangeLog.entity_id == str(family_id))
    ).scalar_one()
    assert family_changes == 1
    assert db.get(Family, family_id).version == 1


def _sale_payment(family_id, payment_id=None) -> dict:
    return {
        "payment_id": str(payment_id or uuid.uuid4()),
        "family_id": str(family_id),
        "method": "card",
        "amount_cents": 3950,
        "received_at": "2026-09-14T09:05:00",
        "receipt_number": "R-2026-0007",
    }


def test_a_run_of_facts_gets_the_same_answers_and_changes_as_one_by_one(desk, db):
    family_id, payment_id = uuid.uuid4(), uuid.uuid4()
    single = desk.push(desk.op(OpType.PAYMENT_RECEIVED, **_sale_payment(family_id, payment_id)))
    run = [
        desk.op(OpType.PAYMENT_RECEIVED, **_sale_payment(family_id)),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 10)),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, -1)),
    ]
    answers = desk.push(*run)
    assert [a["status"] for a in answers] == ["applied"] * 3
    assert answers[0]["result"].keys() == single[0]["result"].keys()
    assert answers[0]["result"]["credit_cents"] == 0
    assert answers[1]["result"]["already_recorded"] is False
    assert [a["status"] for a in desk.push(*run)] == ["duplicate"] * 3

    # A run holding a payment already recorded (the desk queued it twice under two op ids)
    # falls back to one by one: the second copy is applied as already recorded.
    again = desk.op(OpType.PAYMENT_RECEIVED, **_sale_payment(family_id, payment_id))
    line = desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 5))
    mixed = desk.push(again, line)
    assert mixed[0]["result"]["already_recorded"] is True
    assert mixed[1]["result"]["already_recorded"] is False
    assert _wallet_rows(db, family_id) == 3

    changes = [c for c in desk.pull_all() if c["entity"] in ("payment", "wallet_entry")]
    assert [c["entity"] for c in changes] == ["payment", "payment"] + ["wallet_entry"] * 3
    one_by_one, in_a_run = changes[0]["data"], changes[1]["data"]
    assert one_by_one.keys() == in_a_run.keys()
    assert (one_by_one["to_sale_cents"], in_a_run["to_sale_cents"]) == (3950, 3950)
    bulk_line, single_line = changes[2]["data"], changes[4]["data"]
    assert bulk_line.keys() == single_line.keys()
    assert bulk_line["occurred_at"] == single_line["occurred_at"] == "2026-09-14T09:00:00"
