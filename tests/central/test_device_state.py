"""GET /sync/device: what the server holds from the calling desk, read at each sync so that a
desk restored from a backup sees it is behind its own past — how many of its ops the server
answered and their last seq, the last receipt of each of its series and year, the commune's
last invoice and credit note (never another commune's, never another desk's receipts)."""

from __future__ import annotations

import uuid
from datetime import datetime

from eticket_desk.sync.protocol import OpType
from tests.central.conftest import new_commune
from tests.central.helpers import family_payload, invoice_payload


def _sale_payment(desk, family_id: uuid.UUID, receipt: str, amount: int = 480):
    return desk.op(
        OpType.PAYMENT_RECEIVED,
        payment_id=str(uuid.uuid4()),
        family_id=str(family_id),
        method="cash",
        amount_cents=amount,
        received_at=datetime(2026, 9, 14, 9, 30).isoformat(),
        receipt_number=receipt,
    )


def _state(desk) -> dict:
    answer = desk.http.get("/sync/device")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_new_desk_has_its_number_and_nothing_sent(commune):
    office, annex = commune.desk("Accueil mairie"), commune.desk("Annexe école")
    assert _state(annex) == {
        "device_id": str(annex.device_id),
        "label": "Annexe école",
        "number": 2,
        "ops": 0,
        "last_seq": 0,
        "last_receipts": [],
        "last_invoices": [],
        "last_credit_notes": [],
        "clock_offset_s": None,  # the desk did not send its time
        "clock_trusted": None,
        # the commune's desks, named: a sync issue names the other desk by its label
        "desks": [
            {"number": 1, "label": "Accueil mairie"},
            {"number": 2, "label": "Annexe école"},
        ],
    }
    assert _state(office)["number"] == 1
    # With its time (3 min 20 s behind the server's), the desk's clock is measured and kept.
    answer = office.http.get("/sync/device", params={"sent_at": "2026-09-14T09:26:40"})
    assert (answer.json()["clock_offset_s"], answer.json()["clock_trusted"]) == (200, True)
    refused = office.http.get("/sync/device", params={"sent_at": "2026-09-14T09:26:40+02:00"})
    assert refused.status_code == 422
    assert "sans fuseau horaire" in refused.text


def test_each_desk_reads_its_own_ops_and_receipts_and_the_communes_invoices(central, commune):
    office, annex = commune.desk("Accueil mairie"), commune.desk("Annexe école")
    family_id, invoice_id, cancelled_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    results = office.push(
        office.op(OpType.FAMILY_UPSERT, **family_payload(family_id)),
        office.op(
            OpType.INVOICE_ISSUE, **invoice_payload(family_id, invoice_id, 4250, "F-2026-000007")
        ),
        office.op(
            OpType.INVOICE_ISSUE, **invoice_payload(family_id, cancelled_id, 900, "F-2026-000006")
        ),
        office.op(
            OpType.INVOICE_CANCEL,
            invoice_id=str(cancelled_id),
            credit_note_number="A-2026-000002",
            reason="Erreur de période",
            cancelled_at=datetime(2026, 10, 2, 9, 0).isoformat(),
        ),
        _sale_payment(office, family_id, "Q-2026-000050"),  # before it had a number
        _sale_payment(office, family_id, "Q1-2026-000001"),
        _sale_payment(office, family_id, "Q1-2026-000002"),
    )
    assert {r["status"] for r in results} == {"applied"}, results
    assert annex.push(_sale_payment(annex, family_id, "Q2-2026-000009"))[0]["status"] == "applied"
    # A desk's own receipts only; the commune's invoices and credit notes for every desk.
    office_state, annex_state = _state(office), _state(annex)
    assert (office_state["ops"], office_state["last_seq"]) == (7, 7)
    assert office_state["last_receipts"] == ["Q-2026-000050", "Q1-2026-000002"]
    assert (annex_state["ops"], annex_state["last_seq"]) == (1, 1)
    assert annex_state["last_receipts"] == ["Q2-2026-000009"]
    for state in (office_state, annex_state):
        assert state["last_invoices"] == ["F-2026-000007"]
        assert state["last_credit_notes"] == ["A-2026-000002"]
    # Another commune's desk sees none of it.
    elsewhere = new_commune(central).desk("Accueil")
    try:
        assert _state(elsewhere)["last_invoices"] == []
        assert _state(elsewhere)["number"] == 1
        assert _state(elsewhere)["desks"] == [{"number": 1, "label": "Accueil"}]  # its own only
    finally:
        elsewhere.close()
