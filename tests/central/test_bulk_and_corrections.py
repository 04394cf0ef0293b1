"""A paper form's days judged one by one on the server; credit notes and cancelled receipts;
one invoice number per commune."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select

from eticket_central.models import ActivityDay, Booking, Invoice
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import (
    SCHOOL,
    TUESDAY,
    a_child,
    cheque_payment,
    child,
    family_payload,
    invoice_payload,
)

THURSDAY, FRIDAY = date(2026, 9, 17), date(2026, 9, 18)
HOLIDAY = date(2026, 10, 20)  # Vacances de la Toussaint


def _form(desk, child_id, activity_id, **days):
    return desk.op(
        OpType.BOOKINGS_APPLY,
        child_id=str(child_id),
        activity_id=str(activity_id),
        subscription_id=str(uuid.uuid4()),
        label="Inscription Cantine",
        **{
            key: value if isinstance(value, dict) else [d.isoformat() for d in value]
            for key, value in days.items()
        },
    )


def _states(db, child_id) -> dict[date, str]:
    db.expire_all()
    rows = db.execute(select(Booking.day, Booking.state).where(Booking.child_id == child_id))
    return dict(rows.all())


def test_a_form_books_its_days_the_full_one_waits_the_closed_one_is_refused(desk, planning, db):
    first, second = a_child(desk, "Léa"), a_child(desk, "Hugo")
    assert desk.push(_form(desk, first, planning, book=[TUESDAY]))[0]["status"] == "applied"

    form = _form(desk, second, planning, book=[TUESDAY, THURSDAY, FRIDAY, HOLIDAY])
    answer = desk.push(form)[0]

    assert answer["status"] == "applied"
    assert answer["result"]["waiting"] == ["2026-09-15"]  # the only seat is Léa's
    assert [(r["day"], r["code"]) for r in answer["result"]["refused"]] == [
        ("2026-10-20", "DAY_CLOSED")
    ]
    assert "Vacances de la Toussaint" in answer["result"]["refused"][0]["message"]
    assert _states(db, second) == {TUESDAY: "waiting", THURSDAY: "booked", FRIDAY: "booked"}
    tuesday = db.get(ActivityDay, (planning, TUESDAY))
    assert (tuesday.booked, tuesday.waiting) == (1, 1)
    # Sent again after a lost reply: nothing twice.
    again = desk.push(form)[0]
    assert (again["status"], again["original_status"]) == ("duplicate", "applied")
    db.expire_all()
    assert db.get(ActivityDay, (planning, THURSDAY)).booked == 1


def test_a_form_cancelling_a_day_frees_its_seat_for_the_next_form(desk, planning, db):
    first, second = a_child(desk, "Léa"), a_child(desk, "Hugo")
    desk.push(_form(desk, first, planning, book=[THURSDAY]))
    answer = desk.push(
        _form(desk, first, planning, cancel=[THURSDAY]),
        _form(desk, second, planning, book=[THURSDAY]),
    )
    assert [a["result"]["refused"] for a in answer] == [[], []]
    assert _states(db, first) == {THURSDAY: "cancelled"}
    assert _states(db, second) == {THURSDAY: "booked"}


def test_a_credit_note_turns_what_was_paid_into_credit_and_a_later_payment_too(desk, db):
    family_id, invoice_id = uuid.uuid4(), uuid.uuid4()
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, reference="F-AV")),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(family_id, invoice_id, 4250)),
    )
    paid = cheque_payment(desk, family_id, invoice_id, 1000)
    cancel = desk.op(
        OpType.INVOICE_CANCEL,
        invoice_id=str(invoice_id),
        credit_note_number="A-2026-000001",
        reason="Erreur de tarif",
        cancelled_at=datetime(2026, 10, 6, 9, 0).isoformat(),
    )
    late = cheque_payment(desk, family_id, invoice_id, 4250)
    answers = desk.push(paid, cancel, late)

    assert [a["status"] for a in answers] == ["applied"] * 3
    assert answers[1]["result"]["to_credit_cents"] == 1000
    assert (answers[2]["result"]["to_invoice_cents"], answers[2]["result"]["credit_cents"]) == (
        0,
        5250,
    )
    db.expire_all()
    invoice = db.get(Invoice, invoice_id)
    assert (invoice.paid_cents, invoice.credit_note_number) == (0, "A-2026-000001")
    assert invoice.cancelled_at == datetime(2026, 10, 6, 9, 0)


def test_a_cancelled_receipt_gives_the_invoice_its_debt_back_once(desk, db):
    family_id, invoice_id = uuid.uuid4(), uuid.uuid4()
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, reference="F-RC")),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(family_id, invoice_id, 4250)),
    )
    paid = cheque_payment(desk, family_id, invoice_id, 4250)
    payment_id = paid.payload.payment_id
    cancel = desk.op(
        OpType.PAYMENT_CANCEL,
        payment_id=str(payment_id),
        reason="Chèque sans provision rendu",
        cancelled_at=datetime(2026, 10, 5, 17, 0).isoformat(),
    )
    answers = desk.push(paid, cancel)
    assert [a["status"] for a in answers] == ["applied", "applied"]
    again = desk.push(
        desk.op(
            OpType.PAYMENT_CANCEL,
            payment_id=str(payment_id),
            reason="Chèque sans provision rendu",
            cancelled_at=datetime(2026, 10, 5, 17, 0).isoformat(),
        )
    )[0]
    assert again["result"]["already_recorded"] is True
    db.expire_all()
    assert db.get(Invoice, invoice_id).paid_cents == 0


def test_a_second_desk_cannot_reuse_an_invoice_number_of_the_commune(commune, db):
    office, annex = commune.desk("Régie"), commune.desk("Annexe")
    family_id = uuid.uuid4()
    office.push(office.op(OpType.FAMILY_UPSERT, **family_payload(family_id, reference="F-N")))
    first = office.push(
        office.op(
            OpType.INVOICE_ISSUE,
            **invoice_payload(family_id, uuid.uuid4(), 1200, "F-2026-000777"),
        )
    )[0]
    second = annex.push(
        annex.op(
            OpType.INVOICE_ISSUE,
            **invoice_payload(family_id, uuid.uuid4(), 3400, "F-2026-000777"),
        )
    )[0]
    assert first["status"] == "applied"
    assert (second["status"], second["code"]) == ("rejected", "INVALID_DATA")
    assert "un seul poste, celui de la régie" in second["message"]


def test_ops_on_a_new_dossier_refused_in_the_same_push_wait_on_it(desk, planning):
    portal = {"login": f"martin.{uuid.uuid4().hex[:6]}", "password_hash": "$argon2id$v=19$x"}
    first, second = uuid.uuid4(), uuid.uuid4()
    hugo = uuid.uuid4()
    answers = desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(first, reference="F00011", portal=portal)),
        desk.op(
            OpType.FAMILY_UPSERT,
            **family_payload(
                second,
                reference="F00012",
                portal=portal,  # the same portal login: refused
                children=[child(hugo, SCHOOL, first_name="Hugo")],
            ),
        ),
        desk.op(
            OpType.BOOKING_BOOK,
            child_id=str(hugo),
            activity_id=str(planning),
            day=THURSDAY.isoformat(),
        ),
    )
    assert [(a["status"], a["code"]) for a in answers] == [
        ("applied", None),
        ("rejected", "INVALID_DATA"),
        ("rejected", "DEPENDENCY_REJECTED"),
    ]
    assert answers[2]["message"].startswith("Le dossier F00012 a été refusé par le serveur")


def test_a_dossier_number_already_used_in_the_commune_is_refused(commune):
    office, annex = commune.desk("Régie"), commune.desk("Annexe")
    first = office.push(
        office.op(OpType.FAMILY_UPSERT, **family_payload(uuid.uuid4(), reference="F00031"))
    )[0]
    second = annex.push(
        annex.op(OpType.FAMILY_UPSERT, **family_payload(uuid.uuid4(), reference="F00031"))
    )[0]
    assert first["status"] == "applied"
    assert (second["status"], second["code"]) == ("rejected", "INVALID_DATA")
    assert second["message"].startswith("Le numéro de dossier F00031 est déjà celui d'un autre")


def test_a_form_sent_as_its_terms_is_judged_day_by_day_and_recorded_as_one_change(
    desk, planning, db
):
    from eticket_central.models import ChangeLog
    from eticket_desk.sync.days_pull import day_changes
    from eticket_desk.sync.protocol import Change

    lea = a_child(desk, "Léa")
    terms = {
        "start": "2026-09-15",
        "end": "2026-10-02",
        "weekdays": "134",  # Tuesdays, Thursdays, Fridays
        "removed": [THURSDAY.isoformat()],
    }
    answer = desk.push(_form(desk, lea, planning, book_terms=terms))[0]

    assert (answer["status"], answer["result"]["changed"]) == ("applied", 8)
    states = _states(db, lea)
    assert len(states) == 8 and THURSDAY not in states and set(states.values()) == {"booked"}
    recorded = db.scalars(
        select(ChangeLog).where(
            ChangeLog.entity.in_(("booking", "booking_days")),
            ChangeLog.entity_id.contains(str(lea)),
        )
    ).all()
    assert [c.entity for c in recorded] == ["booking_days"]  # one change, not eight
    change = Change(seq=1, entity="booking_days", id=recorded[0].entity_id, data=recorded[0].data)
    assert {date.fromisoformat(d.data["day"]): d.data["state"] for d in day_changes(change)} == (
        states
    )


def test_terms_over_more_than_two_school_years_are_refused_alone(desk, planning):
    lea = a_child(desk, "Léa")
    terms = {"start": "2026-09-01", "end": "2027-07-02", "weekdays": "0134"}
    op = _form(desk, lea, planning, book_terms=terms).model_dump(mode="json")
    op["payload"]["book_terms"]["end"] = "2029-09-01"  # what the desk's own schema refuses
    sent = desk.http.post("/sync/push", json={"device_id": str(desk.device_id), "ops": [op]})
    answer = sent.json()["results"][0]
    assert (answer["status"], answer["code"]) == ("rejected", "INVALID_OP")
    assert "deux années scolaires" in answer["message"]
