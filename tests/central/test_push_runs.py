"""Runs of requests (push_runs.answer_run): a first upload's dossiers, invoices and payments come
in runs of one type, tried together without a savepoint and an answer row per op; a refusal
in a run gives the run up to one by one, where the op is refused alone and its dependants
wait on it, as ever."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from eticket_central.models import AppliedOp, Booking, Child, Family, Invoice
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import SCHOOL, cheque_payment, child, family_payload, invoice_payload

THURSDAY = date(2026, 9, 17)


def _dossier(desk, family_id, reference, child_id, portal=None):
    return desk.op(
        OpType.FAMILY_UPSERT,
        **family_payload(
            family_id,
            reference=reference,
            children=[child(child_id, SCHOOL, first_name=reference)],
            portal=portal,
        ),
    )


def _book(desk, child_id, activity_id):
    return desk.op(
        OpType.BOOKING_BOOK,
        child_id=str(child_id),
        activity_id=str(activity_id),
        day=THURSDAY.isoformat(),
    )


def test_a_first_upload_in_runs_is_applied_once_and_a_retry_answers_duplicate(desk, db, planning):
    families = [uuid.uuid4() for _ in range(3)]
    children = [uuid.uuid4() for _ in range(3)]
    invoices = [uuid.uuid4() for _ in range(3)]
    ops = [
        _dossier(desk, f, f"F0010{i}", c)
        for i, (f, c) in enumerate(zip(families, children, strict=True))
    ]
    ops += [
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(f, i, 4250))
        for f, i in zip(families, invoices, strict=True)
    ]
    ops += [
        cheque_payment(desk, families[0], invoices[0], 1000),
        cheque_payment(desk, families[1], invoices[1], 5000),
    ]
    ops += [_book(desk, c, planning) for c in children[:2]]
    first = desk.push(*ops)
    assert [a["status"] for a in first] == ["applied"] * (len(ops) - 1) + ["rejected"]
    assert [a["result"]["version"] for a in first[:3]] == [1, 1, 1]
    # The second payment pays the invoice's 42.50 € and leaves 7.50 € of credit.
    assert (first[6]["result"]["to_invoice_cents"], first[6]["result"]["invoice_due_cents"]) == (
        1000,
        3250,
    )
    assert (first[7]["result"]["to_invoice_cents"], first[7]["result"]["credit_cents"]) == (
        4250,
        750,
    )
    # One seat on Thursday: the first child has it, the second is refused alone (its run is
    # given up to one by one), the first booking standing.
    assert first[8]["result"]["state"] == "booked"
    assert first[9]["code"] == "CAPACITY_FULL"

    again = desk.push(*ops)
    assert [a["status"] for a in again] == ["duplicate"] * len(ops)
    assert [a["result"] for a in again] == [a["result"] for a in first]
    assert again[9]["code"] == first[9]["code"]
    db.expire_all()
    assert db.scalar(select(func.count()).where(Family.id.in_(families))) == 3
    assert db.scalar(select(func.count()).where(Child.family_id.in_(families))) == 3
    paid = db.scalars(select(Invoice.paid_cents).where(Invoice.id.in_(invoices))).all()
    assert sorted(paid) == [0, 1000, 4250]
    assert db.scalar(select(func.count()).where(Booking.child_id.in_(children))) == 1
    answered = select(func.count()).where(AppliedOp.op_id.in_([op.op_id for op in ops]))
    assert db.scalar(answered) == len(ops)

    # A dossier pushed alone (one by one) is recorded as those of the run are.
    alone = uuid.uuid4()
    assert desk.push(_dossier(desk, alone, "F00103", uuid.uuid4()))[0]["status"] == "applied"
    changes = desk.pull_all()
    dossiers = [c for c in changes if c["entity"] == "family"]
    assert [c["data"]["reference"] for c in dossiers] == ["F00100", "F00101", "F00102", "F00103"]
    assert dossiers[0]["data"].keys() == dossiers[3]["data"].keys()
    assert {c["data"]["updated_at"] for c in dossiers} == {dossiers[3]["data"]["updated_at"]}
    assert [c["data"]["version"] for c in dossiers] == [1, 1, 1, 1]
    assert dossiers[0]["data"]["children"][0]["first_name"] == "F00100"


def test_a_dossier_refused_in_a_run_is_refused_alone_and_its_dependants_wait(desk, db, planning):
    portal = {"login": f"run.{uuid.uuid4().hex[:6]}", "password_hash": "$argon2id$v=19$x"}
    families = [uuid.uuid4() for _ in range(3)]
    children = [uuid.uuid4() for _ in range(3)]
    ops = [
        _dossier(desk, families[0], "F00200", children[0], portal),
        _dossier(desk, families[1], "F00201", children[1], portal),  # the same login: refused
        _dossier(desk, families[2], "F00202", children[2]),
        _book(desk, children[1], planning),
        _book(desk, children[2], planning),
    ]
    answers = desk.push(*ops)
    assert [(a["status"], a["code"]) for a in answers] == [
        ("applied", None),
        ("rejected", "INVALID_DATA"),
        ("applied", None),
        ("rejected", "DEPENDENCY_REJECTED"),
        ("applied", None),
    ]
    assert "est déjà celui d'une autre famille" in answers[1]["message"]
    assert answers[3]["message"].startswith("Le dossier F00201 a été refusé par le serveur")
    assert answers[4]["result"]["state"] == "booked"
    db.expire_all()
    assert db.scalars(select(Family.reference).where(Family.id.in_(families))).all() in (
        ["F00200", "F00202"],
        ["F00202", "F00200"],
    )
    again = desk.push(*ops)
    assert [(a["status"], a["original_status"]) for a in again] == [
        ("duplicate", "applied"),
        ("duplicate", "rejected"),
        ("duplicate", "applied"),
        ("duplicate", "rejected"),
        ("duplicate", "applied"),
    ]
    assert again[1]["code"] == "INVALID_DATA"
