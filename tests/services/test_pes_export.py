"""The PES V2 export of an invoice run, read back element by element: the header's codes, the
bordereau (number, count, sums to the cent), one pièce per invoice with its lines, product
codes and natures, the debtor's name and address, the PDF referenced (and embedded), the SEPA
block of a family paying by direct debit, a credit note as an annulation-réduction; and the
refusals (régie mode, invalid SIRET, missing product code or address) that write no file."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date, datetime
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select, update

from eticket_desk.models import Adult, AuditEntry, Invoice, Organisation, SepaMandate
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.invoicing.documents import write_run_pdfs
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.pes.export import export_pes, previous_exports
from eticket_desk.services.invoicing.run import credit_note, issue_run
from tests.conftest import validated_family

SIRET = "21740191800016"
NS = "{http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller}"
CANTEEN = [Bracket(600, 310, 520), Bracket(1000, 385, 520), Bracket(None, 460, 520)]
NOVEMBER = month_period("2026-11")
DAYS = [date(2026, 11, d) for d in (2, 3, 5, 6, 9, 10)]


def v(element, path):
    found = element.find(path)
    assert found is not None, f"{path} missing"
    return found.get("V")


def _titres(store, admin, **changes):
    data = replace(
        load_organisation(store),
        collection_mode="titres",
        siret=SIRET,
        pes_id_post="074012",
        pes_cod_col="123",
        pes_cod_bud="01",
    )
    data = replace(data, pes_id_post="0740120", **changes)
    save_organisation(store, admin, data)


@pytest.fixture
def canteen(store, admin, activities):
    cantine = save_activity(
        store, admin, replace(activities["CANTINE"], product_code="cant", accounting_nature="7067")
    )
    save_activity_tariff(store, admin, cantine.id, date(2026, 9, 14), CANTEEN)
    return cantine


@pytest.fixture
def november(store, admin, schools, canteen, clock):
    """Two families: Dupont (QF 850: 3,85 €) 6 days; Martin (no QF: 4,60 €) 4 days, paying by
    direct debit. The run is issued on 1 December 2026."""
    dupont = validated_family(store, admin, schools)
    martin = validated_family(store, admin, schools, last_name="Martin", child_first_name="Zoé")
    dupont.qf_value, dupont.qf_date = 850, date(2026, 9, 1)
    dupont = load_family(store, admin, save_family(store, admin, dupont).id)
    martin.adults[0].relation = "Père"
    martin.adults[0].first_name = "Luc"
    martin.adults[0].address1 = "3 chemin des Vignes"
    martin.adults[0].address2 = "Bâtiment B"
    martin = load_family(store, admin, save_family(store, admin, martin).id)
    for day in DAYS:
        book_day(store, admin, dupont.children[0].id, canteen.id, day)
    for day in DAYS[:4]:
        book_day(store, admin, martin.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 12, 1, 9, 0)
    result = issue_run(store, admin, NOVEMBER)
    with store.write(admin) as session:
        mandate = SepaMandate(
            family_id=martin.id,
            rum="ETK-000042",
            signed_on=date(2026, 10, 2),
            recurrent=True,
            debtor_name="Luc Martin",
            street="chemin des Vignes",
            building_number="3",
            postcode="74500",
            town="Neuvecelle",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPP",
            first_debit_on=None,
            last_debit_on=None,
            created_at=datetime(2026, 10, 2, 10, 0),
            by="admin",
        )
        session.add(mandate)
        session.flush()
        invoice = session.scalar(select(Invoice).where(Invoice.family_id == martin.id))
        invoice.mandate_id, invoice.debit_date = mandate.id, date(2026, 12, 15)
    return result, dupont, martin


def _pieces(root):
    [bordereau] = [b for b in root.iter("Bordereau") if v(b, "BlocBordereau/TypBord") == "01"]
    return bordereau, {v(p, "BlocPiece/NumeroFacture"): p for p in bordereau.iter("Piece")}


def test_the_run_read_back_element_by_element(store, admin, november, tmp_path):
    run, dupont, martin = november
    _titres(store, admin)
    out = tmp_path / "pes" / "PES novembre 2026.xml"

    result = export_pes(store, admin, run.run_id, out)

    assert out.read_bytes().startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    root = ET.parse(out).getroot()
    assert root.tag == f"{NS}PES_Aller"
    assert v(root, "Enveloppe/Parametres/Version") == "2"
    assert v(root, "Enveloppe/Parametres/TypFic") == "PESALR2"
    assert v(root, "Enveloppe/Parametres/NomFic") == "PES novembre 2026.xml"
    head = root.find("EnTetePES")
    assert [(e.tag, e.get("V")) for e in head] == [
        ("DteStr", "2026-12-01"),
        ("IdPost", "0740120"),
        ("IdColl", SIRET),
        ("CodCol", "123"),
        ("CodBud", "01"),
        ("LibelleColBud", "Commune de Neuvecelle"),
    ]
    assert v(root, "PES_RecetteAller/EnTeteRecette/IdVer") == "2"
    bordereau, pieces = _pieces(root)
    block = bordereau.find("BlocBordereau")
    assert v(block, "Exer") == "2026"
    assert v(block, "IdBord") == "1"
    assert v(block, "DteBordEm") == "2026-12-01"
    assert v(block, "NbrPce") == "2"
    # Dupont 6 × 3,85 € = 23,10 €; Martin 4 × 4,60 € = 18,40 €
    assert v(block, "MtBordHt") == "41.50"
    assert v(block, "MtCumulAnnuel") == "41.50"
    assert result.pieces == 2 and result.total_cents == 4150 and result.bordereau == 1
    assert sorted(pieces) == ["F-2026-000001", "F-2026-000002"]
    amounts = [int(line.get("V").replace(".", "")) for line in bordereau.iter("MtHT")]
    assert sum(amounts) == 4150

    first = pieces["F-2026-000001"]
    assert v(first, "BlocPiece/IdPce") == "1"
    assert v(first, "BlocPiece/TypPce") == "01"
    assert v(first, "BlocPiece/NatPce") == "01"
    assert v(first, "BlocPiece/DebFact") == "2026-11-01"
    assert v(first, "BlocPiece/FinFact") == "2026-11-30"
    assert "novembre 2026" in v(first, "BlocPiece/ObjPce")
    assert v(first, "BlocPiece/PJRef/NomPJ") == "F-2026-000001.pdf"
    [line] = first.findall("LigneDePiece")
    info = line.find("BlocLignePiece/InfoLignePiece")
    assert v(info, "IdLigne") == "1"
    assert v(info, "CodProdLoc") == "CANT"
    assert v(info, "Nature") == "7067"
    assert v(info, "MtHT") == "23.10"
    assert line.find("BlocLignePiece/InfoPrelevementSEPA") is None
    tiers = line.find("Tiers")
    assert v(tiers, "InfoTiers/Civilite") == "MME"
    assert v(tiers, "InfoTiers/Nom") == "DUPONT"
    assert v(tiers, "InfoTiers/Prenom") == "Marie"
    assert v(tiers, "Adresse/Adr2") == "12 rue des Écoles"
    assert v(tiers, "Adresse/CP") == "74500"
    assert v(tiers, "Adresse/Ville") == "NEUVECELLE"

    second = pieces["F-2026-000002"]
    info = second.find("LigneDePiece/BlocLignePiece/InfoLignePiece")
    assert v(info, "MtHT") == "18.40"
    tiers = second.find("LigneDePiece/Tiers")
    assert v(tiers, "InfoTiers/Civilite") == "M"
    assert v(tiers, "InfoTiers/Nom") == "MARTIN"
    assert v(tiers, "Adresse/Adr2") == "3 chemin des Vignes"
    assert v(tiers, "Adresse/Adr3") == "Bâtiment B"
    sepa = second.find("LigneDePiece/BlocLignePiece/InfoPrelevementSEPA")
    assert v(sepa, "RefUniMdt") == "ETK-000042"
    assert v(sepa, "DateSignMandat") == "2026-10-02"
    assert v(sepa, "DtePrel") == "2026-12-15"
    assert v(sepa, "MtPrel") == "18.40"
    assert v(sepa, "SequencePres") == "02"  # first debit of the mandate (FRST)
    assert v(tiers, "CpteBancaire/IBAN") == "FR7630006000011234567890189"
    assert v(tiers, "CpteBancaire/BIC") == "AGRIFRPP"
    assert v(tiers, "CpteBancaire/CodeEtab") == "30006"
    assert root.find("PES_PJ") is None  # no PDF written yet: referenced, not embedded


def test_the_pdfs_written_ride_in_the_pes_pj_block(store, admin, november, tmp_path):
    run, _, _ = november
    _titres(store, admin)
    write_run_pdfs(store, admin, run.run_id)
    out = tmp_path / "pes.xml"

    result = export_pes(store, admin, run.run_id, out)

    assert result.attached == 2
    pjs = ET.parse(out).getroot().findall("PES_PJ/PJ")
    assert [v(pj, "NomPJ") for pj in pjs] == ["F-2026-000001.pdf", "F-2026-000002.pdf"]
    assert base64.b64decode(pjs[0].find("Contenu/Fichier").text).startswith(b"%PDF")


def test_a_credit_note_becomes_an_annulation_reduction(store, admin, november, tmp_path, clock):
    run, dupont, _ = november
    _titres(store, admin)
    clock.current = datetime(2026, 12, 3, 11, 0)
    with store.read() as session:
        invoice_id = session.scalar(select(Invoice.id).where(Invoice.number == "F-2026-000001"))
    credit_note(store, admin, invoice_id, "Absences pour maladie")
    out = tmp_path / "pes.xml"

    result = export_pes(store, admin, run.run_id, out)

    root = ET.parse(out).getroot()
    ordinary, reduction = root.findall("PES_RecetteAller/Bordereau")
    assert v(ordinary, "BlocBordereau/NbrPce") == "2"  # the titres stay as issued
    assert v(reduction, "BlocBordereau/TypBord") == "02"
    assert v(reduction, "BlocBordereau/NbrPce") == "1"
    assert v(reduction, "BlocBordereau/MtBordHt") == "23.10"
    assert v(reduction, "BlocBordereau/DteBordEm") == "2026-12-03"
    [piece] = reduction.findall("Piece")
    assert v(piece, "BlocPiece/TypPce") == "02"
    assert v(piece, "BlocPiece/NumeroFacture") == "A-2026-000001"
    assert v(piece, "BlocPiece/IdPce") == "1"
    link = piece.find("LigneDePiece/BlocLignePiece/RattachPiece")
    assert v(link, "ExerRat") == "2026"
    assert v(link, "IdPceOrig") == "1"  # the titre F-2026-000001
    assert v(piece, "LigneDePiece/BlocLignePiece/InfoLignePiece/MtHT") == "23.10"
    assert result.reductions == 1 and result.reduced_cents == 2310

    later = tmp_path / "reductions.xml"
    export_pes(store, admin, run.run_id, later, reductions_only=True)
    [only] = ET.parse(later).getroot().findall("PES_RecetteAller/Bordereau")
    assert v(only, "BlocBordereau/TypBord") == "02"


def test_exporting_again_keeps_the_number_and_remembers_who(store, admin, november, tmp_path):
    run, _, _ = november
    _titres(store, admin)
    export_pes(store, admin, run.run_id, tmp_path / "a.xml")
    export_pes(store, admin, run.run_id, tmp_path / "b.xml")

    for name in ("a.xml", "b.xml"):
        root = ET.parse(tmp_path / name).getroot()
        assert v(root, "PES_RecetteAller/Bordereau/BlocBordereau/IdBord") == "1"
    exports = previous_exports(store, run.run_id)
    assert [(e.file_name, e.by, e.pieces, e.total_cents) for e in exports] == [
        ("a.xml", "Anne Martin", 2, 4150),
        ("b.xml", "Anne Martin", 2, 4150),
    ]
    assert exports[0].exported_at == datetime(2026, 12, 1, 9, 0)
    with store.read() as session:
        summaries = session.scalars(
            select(AuditEntry.summary).where(AuditEntry.action == "pes_export")
        ).all()
    assert summaries[0] == (
        "Export PES V2 de la facturation novembre 2026 : 2 titre(s), 41,50\u00a0€ (a.xml)"
    )
    assert not list(tmp_path.glob("*.part"))


def _refused(store, admin, run_id, out) -> str:
    with pytest.raises(DomainError) as refused:
        export_pes(store, admin, run_id, out)
    assert not out.exists()
    assert not list(out.parent.glob(".*part"))
    assert previous_exports(store, run_id) == []
    return str(refused.value)


def test_a_regie_commune_is_refused(store, admin, november, tmp_path):
    run, _, _ = november
    message = _refused(store, admin, run.run_id, tmp_path / "pes.xml")
    assert "réservé aux communes qui émettent des titres de recettes" in message


def test_an_invalid_siret_stops_the_export(store, admin, november, tmp_path):
    run, _, _ = november
    _titres(store, admin)
    with store.engine.begin() as connection:  # a base from before the check, or hand-edited
        connection.execute(update(Organisation).values(siret="21740191800017"))
    message = _refused(store, admin, run.run_id, tmp_path / "pes.xml")
    assert "le SIRET 21740191800017 n'est pas valide" in message
    assert "Paramètres › Organisation" in message


def test_missing_pes_codes_are_named(store, admin, november, tmp_path):
    run, _, _ = november
    _titres(store, admin, siret="", pes_cod_col="")
    message = _refused(store, admin, run.run_id, tmp_path / "pes.xml")
    assert "le SIRET de la collectivité (IdColl) est manquant" in message
    assert "codes PES manquants : CodCol (code collectivité)" in message


def test_a_missing_product_code_names_the_activities(store, admin, november, canteen, tmp_path):
    run, _, _ = november
    _titres(store, admin)
    save_activity(store, admin, replace(canteen, product_code=""))
    message = _refused(store, admin, run.run_id, tmp_path / "pes.xml")
    assert "Code produit manquant pour : Cantine (Paramètres › Activités)" in message


def test_a_billing_address_without_postcode_names_the_family(store, admin, november, tmp_path):
    run, dupont, _ = november
    _titres(store, admin)
    with store.engine.begin() as connection:  # a dossier from an import without postcode
        connection.execute(update(Adult).where(Adult.family_id == dupont.id).values(postcode=""))
    message = _refused(store, admin, run.run_id, tmp_path / "pes.xml")
    assert "Adresse de facturation incomplète" in message
    assert f"({dupont.reference})" in message
    assert "Martin" not in message


def test_text_outside_latin1_is_spelled_in_latin1_and_amounts_have_a_point():
    from eticket_desk.services.invoicing.pes.xml_writer import euros, text

    assert text("Cœur’s « école »\n  d’été — 5 €", 160) == "Coeur's \"école\" d'été - 5 EUR"
    assert text("Łukasz Nowak", 38) == "Lukasz Nowak"
    assert text("x" * 50, 38) == "x" * 38
    assert [euros(c) for c in (0, 5, 1234, 460000)] == ["0.00", "0.05", "12.34", "4600.00"]
