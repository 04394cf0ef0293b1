"""The invoice a parent opens on the portal is the document the desk issued: the desk sends
what it printed with the invoice, and the server renders it with the same report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from eticket_central.models import InvoicePrint
from eticket_central.portal.invoice_document import family_document
from eticket_desk.models import Invoice
from eticket_desk.reports.invoice import render_bytes
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.invoicing.documents import print_invoice
from eticket_desk.services.invoicing.run import credit_note, issue_run
from eticket_desk.services.syncing.cycle import sync_once
from tests.printed import words_on
from tests.services.test_invoicing import CANTEEN, DAYS, NOVEMBER


def _texts(pdf) -> list[list[str]]:
    return [[word for *_, word in page] for page in words_on(pdf)]


def _issued(store, admin, family, activities, clock, client):
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, DAYS[0].replace(day=1), CANTEEN)
    for day in DAYS[:5]:
        book_day(store, admin, family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        return session.scalars(select(Invoice)).one()


def test_the_server_renders_the_invoice_the_desk_printed_word_for_word(
    store, admin, lea_family, activities, clock, client, commune, db, tmp_path
):
    invoice = _issued(store, admin, lea_family, activities, clock, client)
    report = sync_once(store, client)
    assert report.ok and report.rejected == 0, report.rejected_labels
    desk_pdf = print_invoice(store, admin, invoice.id, tmp_path / "desk.pdf")

    db.expire_all()
    data = family_document(db, commune.tenant_id, lea_family.id, invoice.id, "invoice")
    server_pdf = tmp_path / "server.pdf"
    server_pdf.write_bytes(render_bytes(data))

    desk, server = _texts(desk_pdf), _texts(server_pdf)
    assert server == desk
    words = " ".join(server[-1])
    assert "23,00 €" in words  # 5 meals × 4,60 €, to the cent
    assert "Facture n° F-2026-000001" in words  # the coupon's number, under the cut line
    assert "Dossier famille" in words  # the coupon is there
    assert data.amount_due_cents == 2300 and data.has_coupon


def test_the_credit_note_is_rendered_too_and_no_other_family_gets_either_document(
    store, admin, lea_family, activities, clock, client, commune, db, tmp_path
):
    invoice = _issued(store, admin, lea_family, activities, clock, client)
    credit_note(store, admin, invoice.id, "Repas comptés en double")
    assert sync_once(store, client).ok
    with store.read() as session:
        note = session.scalars(select(Invoice).where(Invoice.kind == "credit_note")).one()
    desk_pdf = print_invoice(store, admin, note.id, tmp_path / "desk.pdf")

    db.expire_all()
    data = family_document(db, commune.tenant_id, lea_family.id, invoice.id, "credit_note")
    server_pdf = tmp_path / "server.pdf"
    server_pdf.write_bytes(render_bytes(data))

    assert _texts(server_pdf) == _texts(desk_pdf)
    words = " ".join(_texts(server_pdf)[0])
    assert "Avoir n° A-2026-000001" in words and "F-2026-000001" in words
    assert "Repas comptés en double" in words
    stranger = uuid.uuid4()  # another family of the commune, or of another one: nothing
    assert family_document(db, commune.tenant_id, stranger, invoice.id, "invoice") is None
    assert family_document(db, uuid.uuid4(), lea_family.id, invoice.id, "invoice") is None
    assert db.get(InvoicePrint, (invoice.id, "invoice")).data["billing_name"]
