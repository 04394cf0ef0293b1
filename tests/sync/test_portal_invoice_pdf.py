"""The invoice a parent opens on the portal is the document the desk issued: the desk sends
what it printed with the invoice, and the server renders it with the same report."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

import httpx
from pypdf import PdfReader
from sqlalchemy import select

from eticket_central.models import InvoicePrint
from eticket_central.portal.invoice_document import family_document
from eticket_central.portal.web.cookies import COOKIE
from eticket_desk.models import Invoice
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.invoicing.documents import print_invoice
from eticket_desk.services.invoicing.mandates import new_mandate_form, sign_mandate
from eticket_desk.services.invoicing.run import credit_note, issue_run
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload, invoice_payload
from tests.central.portal_pages import csrf_of
from tests.printed import words_on
from tests.services.test_invoicing import CANTEEN, DAYS, NOVEMBER
from tests.sync.conftest import parent_headers


def _texts(pdf) -> list[list[str]]:
    return [[word for *_, word in page] for page in words_on(pdf)]


def _issued(store, admin, family, activities, clock):
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, DAYS[0].replace(day=1), CANTEEN)
    for day in DAYS[:5]:
        book_day(store, admin, family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        return session.scalars(select(Invoice)).one()


def _guardian(family):
    return next(a.id for a in family.adults if a.legal_guardian and not a.third_party)


def _parent_cookie(central, commune, letter) -> dict[str, str]:
    """The parent logged in with the letter's password, then their own chosen on the
    password page (the letter's is for once): the portal's session cookie."""
    token = parent_headers(central, commune, letter)["Authorization"].removeprefix("Bearer ")
    cookie = {COOKIE: token}
    with httpx.Client(base_url=central.url, cookies=cookie) as portal:
        mine = "Mon-soleil-2026"
        form = {
            "csrf": csrf_of(portal.get("/portail/mot-de-passe").text),
            "actuel": letter.password,
            "nouveau": mine,
            "confirmation": mine,
        }
        assert portal.post("/portail/mot-de-passe", data=form).status_code == 303
    return cookie


def _a_stranger_invoice(other_desk) -> uuid.UUID:
    """Another family of the same commune, with its own invoice."""
    family_id, invoice_id = uuid.uuid4(), uuid.uuid4()
    answers = other_desk.push(
        other_desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)),
        other_desk.op(OpType.INVOICE_ISSUE, **invoice_payload(family_id, invoice_id, 1000)),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    return invoice_id


def test_the_parent_opens_on_the_portal_the_invoice_the_desk_printed_word_for_word(
    store, admin, lea_family, activities, clock, client, central, commune, other_desk, tmp_path
):
    invoice = _issued(store, admin, lea_family, activities, clock)
    letter = issue_portal_access(store, admin, lea_family.id, _guardian(lea_family))
    report = sync_once(store, client)
    assert report.ok and report.rejected == 0, report.rejected_labels
    cookie = _parent_cookie(central, commune, letter)
    desk_pdf = print_invoice(store, admin, invoice.id, tmp_path / "desk.pdf")

    with httpx.Client(base_url=central.url, cookies=cookie) as portal:
        answer = portal.get(f"/portail/factures/{invoice.id}/pdf")
        stranger = portal.get(f"/portail/factures/{_a_stranger_invoice(other_desk)}/pdf")
        unknown = portal.get(f"/portail/factures/{uuid.uuid4()}/pdf")
        no_credit_note = portal.get(f"/portail/factures/{invoice.id}/avoir/pdf")

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'inline; filename="Facture F-2026-000001.pdf"'
    server_pdf = tmp_path / "server.pdf"
    server_pdf.write_bytes(answer.content)
    desk, server = _texts(desk_pdf), _texts(server_pdf)
    assert server == desk
    words = " ".join(server[-1])
    assert "23,00 €" in words  # 5 meals × 4,60 €, to the cent
    assert "Facture n° F-2026-000001" in words  # the coupon's number, under the cut line
    assert "Dossier famille" in words  # the coupon is there
    assert stranger.status_code == unknown.status_code == no_credit_note.status_code == 404
    assert stranger.text == unknown.text  # the same answer: nothing tells the invoice exists
    assert "pas dans votre dossier" in stranger.text


def test_the_credit_note_is_the_desk_s_too_and_no_other_family_gets_either_document(
    store, admin, lea_family, activities, clock, client, central, commune, db, tmp_path
):
    invoice = _issued(store, admin, lea_family, activities, clock)
    credit_note(store, admin, invoice.id, "Repas comptés en double")
    letter = issue_portal_access(store, admin, lea_family.id, _guardian(lea_family))
    assert sync_once(store, client).ok
    cookie = _parent_cookie(central, commune, letter)
    with store.read() as session:
        note = session.scalars(select(Invoice).where(Invoice.kind == "credit_note")).one()
    desk_pdf = print_invoice(store, admin, note.id, tmp_path / "desk.pdf")

    with httpx.Client(base_url=central.url, cookies=cookie) as portal:
        answer = portal.get(f"/portail/factures/{invoice.id}/avoir/pdf")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == 'inline; filename="Avoir A-2026-000001.pdf"'
    server_pdf = tmp_path / "server.pdf"
    server_pdf.write_bytes(answer.content)

    assert _texts(server_pdf) == _texts(desk_pdf)
    words = " ".join(_texts(server_pdf)[0])
    assert "Avoir n° A-2026-000001" in words and "F-2026-000001" in words
    assert "Repas comptés en double" in words
    db.expire_all()
    assert db.get(InvoicePrint, (invoice.id, "credit_note")).data["note"] == (
        "Repas comptés en double"
    )
    for family_id, tenant_id in ((uuid.uuid4(), commune.tenant_id), (lea_family.id, uuid.uuid4())):
        assert family_document(db, tenant_id, family_id, invoice.id, "credit_note") is None


def test_without_a_session_the_pdf_sends_to_the_login_page(central, commune):
    answer = httpx.get(f"{central.url}/portail/factures/{uuid.uuid4()}/pdf")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/portail/connexion?suite=")


def test_an_invoice_debited_by_sepa_reads_the_same_on_the_portal_with_no_payment_offered(
    store, admin, lea_family, activities, clock, client, central, commune, tmp_path
):
    organisation = dataclasses.replace(
        load_organisation(store), sepa_ics="FR72ZZZ123456", sepa_debit_delay_days=12
    )
    save_organisation(store, admin, organisation)
    form = new_mandate_form(store, admin, lea_family.id)
    mandate = sign_mandate(
        store, admin, lea_family.id, dataclasses.replace(form, iban="FR7630006000011234567890189")
    )
    invoice = _issued(store, admin, lea_family, activities, clock)
    letter = issue_portal_access(store, admin, lea_family.id, _guardian(lea_family))
    assert sync_once(store, client).ok
    cookie = _parent_cookie(central, commune, letter)
    desk_pdf = print_invoice(store, admin, invoice.id, tmp_path / "desk.pdf")

    with httpx.Client(base_url=central.url, cookies=cookie) as portal:
        answer = portal.get(f"/portail/factures/{invoice.id}/pdf")
        page = portal.get("/portail/factures").text
    server_pdf = tmp_path / "server.pdf"
    server_pdf.write_bytes(answer.content)
    assert _texts(server_pdf) == _texts(desk_pdf)
    words = " ".join(PdfReader(server_pdf).pages[-1].extract_text().split())
    assert "Montant prélevé le 14/12/2026 sur le compte FR76 •••• 0189 : 23,00 €" in words
    assert mandate.rum in words and "FR72ZZZ123456" in words
    assert "Prélevé le 14/12/2026" in page and "Payer en ligne" not in page
