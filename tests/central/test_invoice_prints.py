"""What an invoice printed at the desk is kept with it on the server, whichever way it came:
a first upload's run of invoices (one statement for all) or an invoice pushed alone; an op
of a desk older than that (no `printed`) is applied all the same, with no document."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from eticket_central.models import Invoice, InvoicePrint
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload, invoice_payload


def _printed(name: str, amount: int) -> dict:
    return {
        "billing_name": f"Mme Claire {name}",
        "address": ["3 rue des Écoles", "74500 Neuvecelle"],
        "period": "Novembre 2026",
        "note": "",
        "children": [
            {
                "name": f"Léa {name}",
                "school": "École du Lac — CE2",
                "lines": [["Cantine", f"{amount // 460} jours × 4,60 €", amount // 460, 460,
                           amount, "2, 3 et 5 novembre"]],
            }
        ],
    }  # fmt: skip


def test_a_run_of_invoices_keeps_each_printed_copy_and_an_older_desk_s_has_none(desk, db):
    families = [uuid.uuid4() for _ in range(3)]
    invoices = [uuid.uuid4() for _ in range(3)]
    ops = [desk.op(OpType.FAMILY_UPSERT, **family_payload(f)) for f in families]
    for index, (family_id, invoice_id) in enumerate(zip(families, invoices, strict=True)):
        payload = invoice_payload(family_id, invoice_id, 1380)
        if index < 2:
            payload["printed"] = _printed(f"DUPONT{index}", 1380)
        ops.append(desk.op(OpType.INVOICE_ISSUE, **payload))

    answers = desk.push(*ops)

    assert [a["status"] for a in answers] == ["applied"] * 6
    db.expire_all()
    kept = {
        p.invoice_id: p.data
        for p in db.scalars(select(InvoicePrint).where(InvoicePrint.invoice_id.in_(invoices)))
    }
    assert set(kept) == set(invoices[:2])
    assert kept[invoices[1]]["billing_name"] == "Mme Claire DUPONT1"
    assert kept[invoices[0]]["children"][0]["lines"][0] == [
        "Cantine", "3 jours × 4,60 €", 3, 460, 1380, "2, 3 et 5 novembre"
    ]  # fmt: skip
    assert db.get(Invoice, invoices[2]).amount_cents == 1380  # applied, without a document


def test_an_invoice_pushed_alone_keeps_its_printed_copy_and_a_retry_changes_nothing(desk, db):
    family_id, invoice_id = uuid.uuid4(), uuid.uuid4()
    assert desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))[0]["status"] == (
        "applied"
    )
    payload = {**invoice_payload(family_id, invoice_id, 920), "printed": _printed("MARTIN", 920)}
    op = desk.op(OpType.INVOICE_ISSUE, **payload)

    assert desk.push(op)[0]["status"] == "applied"
    assert desk.push(op)[0]["status"] == "duplicate"

    db.expire_all()
    kept = db.get(InvoicePrint, (invoice_id, "invoice"))
    assert kept.tenant_id == db.get(Invoice, invoice_id).tenant_id
    assert kept.data["children"][0]["name"] == "Léa MARTIN"
    assert kept.data["children"][0]["lines"][0][4] == 920


def test_a_printed_copy_with_a_control_character_is_refused_with_its_op(desk, db):
    family_id, invoice_id = uuid.uuid4(), uuid.uuid4()
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    payload = {**invoice_payload(family_id, invoice_id), "printed": _printed("NUL", 460)}
    op = desk.op(OpType.INVOICE_ISSUE, **payload).model_dump(mode="json")
    op["payload"]["printed"]["billing_name"] = "Mme\x00Claire"  # what the desk's schema refuses
    sent = desk.http.post("/sync/push", json={"device_id": str(desk.device_id), "ops": [op]})

    answer = sent.json()["results"][0]
    assert (answer["status"], answer["code"]) == ("rejected", "INVALID_OP")
    assert "caractère de contrôle interdit" in answer["message"]
    db.expire_all()
    assert db.get(Invoice, invoice_id) is None
