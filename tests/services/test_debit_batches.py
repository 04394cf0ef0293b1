"""SEPA debit batches: the preview before export, the pain.008 read back (both versions, valid
against the official schema), what is left out and why, the debit payments, exporting twice,
and a failure while writing the file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from eticket_desk.models import DebitBatch, DebitItem, Payment, SepaMandate
from eticket_desk.rules.billing import InvoiceStatus
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.invoicing import debit_export
from eticket_desk.services.invoicing.debit_export import export_batch, save_batch_file
from eticket_desk.services.invoicing.debit_file import validate_pain008
from eticket_desk.services.invoicing.debit_preview import preview_batch
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.queries import list_invoices, list_runs
from eticket_desk.services.invoicing.run import issue_run
from tests.conftest import validated_family
from tests.services.sepa_fixtures import (
    IBANS,
    ICS,
    give_mandate,
    set_creditor,
)

OCT = [date(2026, 10, d) for d in (1, 2, 5, 6, 8, 9, 12, 13, 15, 16)]  # 10 days
DEBIT_DAY = date(2026, 11, 16)


@pytest.fixture
def town(store, admin, schools, activities, clock):
    """Three families invoiced for October's canteen at 4,60 € a day: Dupont 10 days (46,00 €)
    on a new mandate, Martin 5 days (23,00 €) on a mandate already used, Bernard 3 days
    (13,80 €) on a one-off mandate."""
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    families = {}
    for name, child, days in (("Dupont", "Léa", 10), ("Martin", "Hugo", 5), ("Bernard", "Inès", 3)):
        family = validated_family(store, admin, schools, last_name=name, child_first_name=child)
        for day in OCT[:days]:
            book_day(store, admin, family.children[0].id, canteen.id, day)
        families[name] = family
    set_creditor(store, admin)  # the commune's ICS: mandates can be signed
    mandates = {
        "Dupont": give_mandate(store, admin, families["Dupont"].id, 1),
        "Martin": give_mandate(
            store,
            admin,
            families["Martin"].id,
            2,
            debtor_name="Paul Martin",
            iban=IBANS[1],
            bic="BREDFRPP",
            first_debit_on=date(2026, 10, 5),
            last_debit_on=date(2026, 10, 5),
        ),
        "Bernard": give_mandate(store, admin, families["Bernard"].id, 3, recurrent=False),
    }
    # The run gives each invoice its family's mandate and the debit day: issue day + 14 days.
    clock.current = datetime(2026, 11, 2, 9, 0)
    issue_run(store, admin, month_period("2026-10"))
    [run] = list_runs(store, admin)
    return families, mandates, run


def _ns(root) -> dict:
    return {"p": root.tag.split("}")[0][1:]}


def _read(path):
    root = ET.parse(path).getroot()
    ns = _ns(root)
    txs = {}
    for info in root.iterfind(".//p:PmtInf", ns):
        kind = info.findtext("p:PmtTpInf/p:SeqTp", namespaces=ns)
        for tx in info.iterfind("p:DrctDbtTxInf", ns):
            txs[tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns)] = (kind, info, tx)
    return root, ns, txs


@pytest.mark.parametrize("version", ["pain.008.001.02", "pain.008.001.08"])
def test_the_batch_file_read_back_says_what_the_preview_showed(
    store, admin, town, tmp_path, version
):
    families, _mandates, run = town
    set_creditor(store, admin, version)
    preview = preview_batch(store, admin, run.id)
    assert (preview.count, preview.total_cents, preview.problem) == (3, 8280, "")
    assert [(t.sequence_type, t.count, t.total_cents) for t in preview.totals] == [
        ("FRST", 1, 4600),
        ("RCUR", 1, 2300),
        ("OOFF", 1, 1380),
    ]
    assert preview.totals[0].label == "Premier (FRST)"
    done = export_batch(store, admin, tmp_path / "lot.xml", run.id)
    assert (done.count, done.total_cents, done.message_id) == (3, 8280, "PRLV-20261102-0001")
    content = (tmp_path / "lot.xml").read_bytes()
    validate_pain008(content, version)  # the official schema sepaxml ships
    root, ns, txs = _read(tmp_path / "lot.xml")
    assert root.tag == f"{{urn:iso:std:iso:20022:tech:xsd:{version}}}Document"
    header = root.find(".//p:GrpHdr", ns)
    assert header.findtext("p:MsgId", namespaces=ns) == "PRLV-20261102-0001"
    assert header.findtext("p:CreDtTm", namespaces=ns) == "2026-11-02T09:00:00"
    assert header.findtext("p:NbOfTxs", namespaces=ns) == "3"
    assert header.findtext("p:CtrlSum", namespaces=ns) == "82.80"
    assert len(root.findall(".//p:PmtInf", ns)) == 3  # one per sequence type and day
    numbers = {i.family_id: i.number for i in list_invoices(store, admin)}
    kind, info, tx = txs[numbers[families["Dupont"].id]]
    assert kind == "FRST"
    assert info.findtext("p:ReqdColltnDt", namespaces=ns) == "2026-11-16"
    assert info.findtext("p:CtrlSum", namespaces=ns) == "46.00"
    creditor_id = ".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id"
    assert info.findtext(creditor_id, namespaces=ns) == ICS
    assert tx.findtext("p:InstdAmt", namespaces=ns) == "46.00"
    mandate = tx.find("p:DrctDbtTx/p:MndtRltdInf", ns)
    rum = f"123456-{families['Dupont'].reference}-000001"  # ICS national part, dossier, n°
    assert mandate.findtext("p:MndtId", namespaces=ns) == rum
    assert mandate.findtext("p:DtOfSgntr", namespaces=ns) == "2026-09-01"
    assert tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == IBANS[0]
    bic_tag = "BIC" if version.endswith("02") else "BICFI"
    assert tx.findtext(f"p:DbtrAgt/p:FinInstnId/p:{bic_tag}", namespaces=ns) == "PSSTFRPP"
    address = tx.find("p:Dbtr/p:PstlAdr", ns)
    assert [(e.tag.split("}")[1], e.text) for e in address] == [
        ("StrtNm", "Rue des Ecoles"),
        ("BldgNb", "12"),
        ("PstCd", "74500"),
        ("TwnNm", "NEUVECELLE"),
        ("Ctry", "FR"),
    ]
    assert tx.findtext("p:Dbtr/p:Nm", namespaces=ns) == "Jeanne Dupont"
    kind, _info, tx = txs[numbers[families["Martin"].id]]
    assert (kind, tx.findtext("p:InstdAmt", namespaces=ns)) == ("RCUR", "23.00")
    assert txs[numbers[families["Bernard"].id]][0] == "OOFF"


def test_the_exported_invoices_are_paid_by_debit_and_the_mandates_used(
    store, admin, town, tmp_path
):
    families, mandates, run = town
    set_creditor(store, admin)
    export_batch(store, admin, tmp_path / "lot.xml", run.id)
    invoices = list_invoices(store, admin)
    assert {i.status for i in invoices} == {InvoiceStatus.PAID}
    with store.read() as session:
        methods = session.execute(select(Payment.method, Payment.amount_cents)).all()
        dupont = session.get(SepaMandate, mandates["Dupont"])
        martin = session.get(SepaMandate, mandates["Martin"])
    assert sorted(methods) == [("debit", 1380), ("debit", 2300), ("debit", 4600)]
    assert (dupont.first_debit_on, dupont.last_debit_on) == (DEBIT_DAY, DEBIT_DAY)
    assert (martin.first_debit_on, martin.last_debit_on) == (date(2026, 10, 5), DEBIT_DAY)
    # a second batch finds nothing left: no invoice is debited twice
    with pytest.raises(DomainError, match="déjà dans le lot PRLV-20261102-0001"):
        export_batch(store, admin, tmp_path / "encore.xml", run.id)
    assert not (tmp_path / "encore.xml").exists()
    with store.read() as session:
        batch_id = session.scalar(select(DebitBatch.id))
    again = save_batch_file(store, admin, batch_id, tmp_path / "copie.xml")
    assert again.read_bytes() == (tmp_path / "lot.xml").read_bytes()


def test_a_paid_invoice_and_a_revoked_mandate_are_left_out_with_their_reason(
    store, admin, town, tmp_path
):
    families, mandates, run = town
    set_creditor(store, admin)
    open_till(store, admin, 0)
    [martin_invoice] = list_invoices(store, admin, family_id=families["Martin"].id)
    cheque = PaymentInput(Method.CHEQUE, 2300, "1234567", "BRED", "M. MARTIN")
    pay_invoices(
        store,
        admin,
        InvoicePaymentRequest(families["Martin"].id, (martin_invoice.id,), (cheque,)),
    )
    with store.write(admin) as session:
        mandate = session.get(SepaMandate, mandates["Bernard"])
        mandate.revoked_on, mandate.revoked_reason = date(2026, 10, 30), "changement de banque"
    preview = preview_batch(store, admin, run.id)
    assert (preview.count, preview.total_cents) == (1, 4600)
    reasons = {item.family_label.split(" ")[1]: item.reason for item in preview.left_out}
    assert reasons == {
        "MARTIN": "facture déjà réglée",
        "BERNARD": "mandat révoqué le 30/10/2026 (changement de banque)",
    }
    done = export_batch(store, admin, tmp_path / "lot.xml", run.id)
    assert (done.count, done.left_out) == (1, 2)


def test_a_commune_without_ics_cannot_export(store, admin, town, tmp_path):
    _families, _mandates, run = town
    set_creditor(store, admin, sepa_ics="")
    preview = preview_batch(store, admin, run.id)
    assert "Il manque l'ICS (identifiant créancier SEPA)" in preview.problem
    with pytest.raises(DomainError, match="Il manque l'ICS"):
        export_batch(store, admin, tmp_path / "lot.xml", run.id)
    assert not (tmp_path / "lot.xml").exists()


def test_a_failure_while_writing_the_file_leaves_no_batch_and_no_payment(
    store, admin, town, tmp_path, monkeypatch
):
    _families, _mandates, run = town
    set_creditor(store, admin)
    calls = []

    def broken(path, content):
        calls.append(path)
        if len(calls) == 2:  # the kept copy is written, then the disk is full
            raise OSError(28, "No space left on device")
        path.write_bytes(content)

    monkeypatch.setattr(debit_export, "write_atomically", broken)
    with pytest.raises(OSError):
        export_batch(store, admin, tmp_path / "lot.xml", run.id)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(DebitBatch)) == 0
        assert session.scalar(select(func.count()).select_from(DebitItem)) == 0
        assert session.scalar(select(func.count()).select_from(Payment)) == 0
        assert session.scalar(select(SepaMandate.first_debit_on).limit(1)) is None
    assert not calls[0].exists() and not (tmp_path / "lot.xml").exists()
    assert {i.status for i in list_invoices(store, admin)} == {InvoiceStatus.ISSUED}
    monkeypatch.undo()
    assert export_batch(store, admin, tmp_path / "lot.xml", run.id).count == 3


def test_a_file_that_does_not_validate_is_refused_in_french():
    with pytest.raises(DomainError, match="ne respecte pas le schéma pain.008.001.02"):
        validate_pain008(
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.008.001.02'/>", "pain.008.001.02"
        )


@pytest.mark.parametrize("version", ["pain.008.001.02", "pain.008.001.08"])
def test_an_amended_mandate_is_announced_in_its_next_debit(store, admin, town, tmp_path, version):
    families, mandates, run = town
    set_creditor(store, admin, version)
    same_bank = "FR7620041010051234567890178"  # La Poste (20041), another account
    with store.write(admin) as session:
        martin = session.get(SepaMandate, mandates["Martin"])  # from La Poste to the BRED
        martin.amendment_pending, martin.original_iban = True, IBANS[0]
        dupont = session.get(SepaMandate, mandates["Dupont"])  # within La Poste
        dupont.amendment_pending, dupont.original_iban = True, same_bank
    export_batch(store, admin, tmp_path / "lot.xml", run.id)
    validate_pain008((tmp_path / "lot.xml").read_bytes(), version)
    _root, ns, txs = _read(tmp_path / "lot.xml")
    numbers = {i.family_id: i.number for i in list_invoices(store, admin)}
    kind, _info, tx = txs[numbers[families["Martin"].id]]
    mandate = tx.find("p:DrctDbtTx/p:MndtRltdInf", ns)
    assert kind == "FRST"  # another bank: a first debit again
    assert mandate.findtext("p:AmdmntInd", namespaces=ns) == "true"
    agent = "p:AmdmntInfDtls/p:OrgnlDbtrAgt/p:FinInstnId/p:Othr/p:Id"
    assert mandate.findtext(agent, namespaces=ns) == "SMNDA"
    _kind, _info, tx = txs[numbers[families["Dupont"].id]]
    mandate = tx.find("p:DrctDbtTx/p:MndtRltdInf", ns)
    account = "p:AmdmntInfDtls/p:OrgnlDbtrAcct/p:Id/p:IBAN"
    assert mandate.findtext(account, namespaces=ns) == same_bank
    _kind, _info, tx = txs[numbers[families["Bernard"].id]]
    assert tx.find("p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInd", ns) is None
    with store.read() as session:
        assert session.get(SepaMandate, mandates["Martin"]).amendment_pending is False
