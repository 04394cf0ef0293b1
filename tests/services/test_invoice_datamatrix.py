"""The DGFiP « paiement de proximité » datamatrix on a titres commune's invoice, as the family
and the tobacconist's scanner see it: the PDF is rasterised and the code read back with a
real decoder (zxing-cpp); none on a régie commune's invoice, on a debited invoice or on a
credit note; the copy sent to the portal carries the same references."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from io import BytesIO

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from eticket_desk.models import Activity, Invoice, SepaMandate
from eticket_desk.reports.invoice import render_bytes
from eticket_desk.rules.dgfip_datamatrix import DatamatrixReference, datamatrix_string
from eticket_desk.services.catalogue import organisation
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.invoicing.documents import invoice_data, print_invoice
from eticket_desk.services.invoicing.run import credit_note, issue_run
from eticket_desk.sync.outbox import PlanningChanged, emit
from eticket_desk.sync.payloads import PrintedInvoice
from eticket_desk.sync.printed_invoices import printed_invoices
from tests.services.test_invoicing import CANTEEN, DAYS, NOVEMBER, _book, _with_two_children

EXPECTED = DatamatrixReference(
    establishment="123",
    period="1",  # November: the PES Per « 1 »
    product="070",  # CodProdLoc « 7067 »
    year=2026,
    debt_number="1",  # F-2026-000001
    accountant="740000",
)


@pytest.fixture
def canteen(store, admin, activities):
    cantine = activities["CANTINE"]
    save_activity_tariff(store, admin, cantine.id, date(2026, 9, 14), CANTEEN)
    return cantine


def _titres(store, admin, mode="titres"):
    data = organisation.load_organisation(store)
    data.collection_mode = mode
    data.pes_cod_col, data.pes_id_post, data.pes_cod_bud = "123", "0740000", "01"
    organisation.save_organisation(store, admin, data)


def _invoice(store, admin, schools, canteen, clock):
    with store.write(admin) as session:  # no screen sets it yet (the PES export's work)
        session.get(Activity, canteen.id).product_code = "7067"
        emit(session, PlanningChanged("activity", canteen.id))
    family = _with_two_children(store, admin, schools, qf=850)
    _book(store, admin, family.children[0], canteen, DAYS[:4])  # 4 × 3,85 €
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        return session.scalar(select(Invoice)).id


def decoded(pdf: bytes) -> list[str]:
    """The texts of the datamatrix codes on the last page, read at 300 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[len(document) - 1].render(scale=300 / 72).to_pil()
    return [
        symbol.text
        for symbol in zxingcpp.read_barcodes(image)
        if symbol.format == zxingcpp.BarcodeFormat.DataMatrix
    ]


def test_a_titres_invoice_carries_the_code_a_tobacconist_reads(
    store,
    admin,
    schools,
    canteen,
    clock,
    tmp_path,
):
    _titres(store, admin)
    invoice_id = _invoice(store, admin, schools, canteen, clock)
    pdf = print_invoice(store, admin, invoice_id, tmp_path / "facture.pdf")

    expected = datamatrix_string(EXPECTED, 4 * 385)
    assert decoded(pdf.read_bytes()) == [expected]
    assert expected.endswith("806     1540")  # 15,40 € to pay
    text = " ".join(PdfReader(pdf).pages[-1].extract_text().split())
    assert "Paiement de proximité" in text
    mention = "Payable en espèces (jusqu'à 300 €) ou par carte bancaire chez les buralistes agréés."
    assert mention in text.replace("\xa0", " ")


def test_a_regie_invoice_has_no_datamatrix(store, admin, schools, canteen, clock):
    _titres(store, admin, mode="regie")
    invoice_id = _invoice(store, admin, schools, canteen, clock)
    data = invoice_data(store, admin, invoice_id)
    assert data.datamatrix is None
    pdf = render_bytes(data)
    assert decoded(pdf) == []
    assert "buralistes" not in PdfReader(BytesIO(pdf)).pages[-1].extract_text()


def test_a_debited_invoice_and_a_credit_note_have_none(
    store,
    admin,
    schools,
    canteen,
    clock,
):
    _titres(store, admin)
    invoice_id = _invoice(store, admin, schools, canteen, clock)
    assert invoice_data(store, admin, invoice_id).datamatrix == EXPECTED
    with store.write(admin) as session:
        invoice = session.get(Invoice, invoice_id)
        mandate = SepaMandate(
            id=uuid.uuid4(),
            family_id=invoice.family_id,
            rum="RUM-TEST-1",
            signed_on=date(2026, 9, 1),
            debtor_name="Marie DUPONT",
            iban="FR7630001007941234567890185",
            created_at=datetime(2026, 9, 1, 9, 0),
            by="admin",
        )
        session.add(mandate)
        session.flush()
        invoice.mandate_id = mandate.id
    debited = invoice_data(store, admin, invoice_id)
    assert debited.datamatrix is None and decoded(render_bytes(debited)) == []

    number = credit_note(store, admin, invoice_id, "Erreur de facturation")
    with store.read() as session:
        note = session.scalar(select(Invoice).where(Invoice.number == number))
        note_id = note.id
    note_data = invoice_data(store, admin, note_id)
    assert note_data.datamatrix is None and decoded(render_bytes(note_data)) == []


def test_the_portal_copy_carries_the_same_references(
    store,
    admin,
    schools,
    canteen,
    clock,
):
    _titres(store, admin)
    invoice_id = _invoice(store, admin, schools, canteen, clock)
    with store.read() as session:
        printed = printed_invoices(session, [session.get(Invoice, invoice_id)])[invoice_id]
    wire = PrintedInvoice.model_validate(printed)
    assert DatamatrixReference(**wire.model_dump(mode="json")["datamatrix"]) == EXPECTED


def test_a_paid_invoice_prints_no_code(store, admin, schools, canteen, clock):
    _titres(store, admin)
    invoice_id = _invoice(store, admin, schools, canteen, clock)
    data = invoice_data(store, admin, invoice_id)
    paid = replace(data, paid_cents=data.total_cents, amount_due_cents=0)
    assert paid.proximity_code == "" and decoded(render_bytes(paid)) == []


@pytest.mark.parametrize("missing", ["pes_cod_col", "pes_id_post"])
def test_missing_pes_codes_print_no_code(
    store,
    admin,
    schools,
    canteen,
    clock,
    missing,
):
    _titres(store, admin)
    data = organisation.load_organisation(store)
    setattr(data, missing, "")
    organisation.save_organisation(store, admin, data)
    invoice_id = _invoice(store, admin, schools, canteen, clock)
    assert invoice_data(store, admin, invoice_id).datamatrix is None
