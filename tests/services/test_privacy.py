"""Families' personal data: the export holds everything of the family (health included) and
nothing of another; the anonymisation of families gone for 3 years erases names, contacts and
health data but keeps every invoice, sale and payment, and is audited."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

import tests.services.test_integrity as scenes
from eticket_desk.models import Adult, AuditEntry, Child, Invoice, Payment, PortalAccount, Sale
from eticket_desk.rules.errors import NotFound
from eticket_desk.services.families.dossiers import set_archived
from eticket_desk.services.families.search import search_families
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.maintenance.privacy import anonymise_gone_families, export_family

town = scenes.town


def test_the_export_holds_the_family_and_nothing_of_another(store, admin, town, tmp_path):
    dupont, martin = town
    json_path, pdf_path = export_family(store, admin, martin.reference.lower(), tmp_path / "x")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["dossier"]["reference"] == martin.reference
    assert [c["first_name"] for c in data["enfants"]] == ["Tom"]
    assert data["enfants"][0]["allergies"] == "Arachide"  # health data is the family's too
    assert len(data["reservations"]) == 2 and len(data["factures"]) == 1
    assert [s["receipt_number"] for s in data["ventes"]] == ["Q-2026-000002", "Q-2026-000003"]
    assert {p["method"] for p in data["paiements"]} == {"cash", "cheque"}
    assert data["journal"] and "password_hash" not in json_path.read_text(encoding="utf-8")
    text = json_path.read_text(encoding="utf-8")
    assert dupont.reference not in text and "Léa" not in text
    assert str(dupont.id) not in text
    pdf = "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert f"Données personnelles de la famille {martin.reference}" in pdf
    assert "Tom" in pdf and "Arachide" in pdf and "F-2026-000001" in pdf
    assert "Léa" not in pdf
    assert "06 12 34 56 78" in pdf  # the phone as the family wrote it, not +33612345678
    with store.read() as session:
        assert session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "health_view", AuditEntry.entity_id == str(martin.id))
        )


def test_an_unknown_reference_is_refused(store, admin, tmp_path):
    with pytest.raises(NotFound, match="Aucun dossier famille"):
        export_family(store, admin, "F-999999", tmp_path)


def test_families_gone_three_years_are_anonymised_accounting_kept(store, admin, town, clock):
    dupont, martin = town
    set_archived(store, admin, martin.id, True)
    with store.read() as session:
        totals = session.execute(select(func.sum(Sale.total_cents), func.count(Sale.id))).one()
        invoice = session.execute(select(Invoice.number, Invoice.total_cents)).one()
        paid = session.scalar(select(func.sum(Payment.amount_cents)))
    clock.current = datetime(2029, 6, 1, 9, 0)
    assert anonymise_gone_families(store, admin, 3, dry_run=True).families == ()  # 2 ½ years
    clock.current = datetime(2030, 1, 5, 9, 0)
    dry = anonymise_gone_families(store, admin, 3, dry_run=True)
    assert dry.families == ((martin.reference, "MARTIN Marie"),)
    assert "seraient anonymisée(s)" in dry.sentence()
    assert search_families(store, admin, "Martin")  # nothing changed by the dry run
    done = anonymise_gone_families(store, admin, 3)
    assert done.sentence().startswith("1 famille(s) anonymisée(s)")
    with store.read() as session:
        assert session.execute(select(func.sum(Sale.total_cents), func.count(Sale.id))).one() == (
            totals
        )
        assert session.execute(select(Invoice.number, Invoice.total_cents)).one() == invoice
        assert session.scalar(select(func.sum(Payment.amount_cents))) == paid
        adult = session.scalar(select(Adult).where(Adult.family_id == martin.id))
        assert (adult.last_name, adult.email, adult.phone_mobile, adult.city) == (
            "ANONYME",
            "",
            "",
            "",
        )
        child = session.scalar(select(Child).where(Child.family_id == martin.id))
        assert (child.first_name, child.allergies, child.pai) == ("Enfant 1", "", False)
        portal = select(PortalAccount).where(PortalAccount.family_id == martin.id)
        assert session.scalar(portal) is None
        kept = session.scalar(select(Adult).where(Adult.family_id == dupont.id))
        assert kept.last_name == "Dupont"
        logged = session.scalars(select(AuditEntry.summary)).all()
        assert not any("Martin" in line and "Tom" in line for line in logged)
        assert any(line.startswith("Anonymisation de la famille") for line in logged)
    assert not search_families(store, admin, "Martin")
    assert check(store).ok
    assert anonymise_gone_families(store, admin, 3).families == ()  # done once


def test_every_view_of_health_data_is_in_the_audit_log(store, admin, agent, town, tmp_path):
    from eticket_desk.services.families.dossiers import load_family

    _, martin = town

    def views() -> int:
        with store.read() as session:
            return session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "health_view")
            )

    before = views()
    assert load_family(store, admin, martin.id).children[0].allergies == "Arachide"
    assert views() == before + 1
    assert load_family(store, agent, martin.id).children[0].allergies is None  # not shown
    assert views() == before + 1
    export_family(store, admin, martin.reference, tmp_path)
    assert views() == before + 2
