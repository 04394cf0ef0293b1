"""Family dossiers through the services, on a real SQLite file."""

from __future__ import annotations

import pytest

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from eticket_desk.services.core.audit import list_audit
from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import (
    load_family,
    save_family,
    set_archived,
    validate_family,
)
from eticket_desk.services.families.search import search_families
from tests.conftest import complete_family


def test_a_new_dossier_is_a_draft_with_the_next_reference(store, admin, schools):
    family = save_family(store, admin, complete_family(schools))
    assert family.reference == "F00001"
    assert family.status == FamilyStatus.DRAFT
    assert family.adults[0].phone_mobile == "+33612345678"
    assert family.display_name == "DUPONT Marie"


def test_every_bad_field_is_reported_and_nothing_is_written(store, admin, schools):
    data = complete_family(schools)
    data.adults[0].phone_mobile = "06 12"
    data.adults[0].email = "marie@"
    data.adults[0].postcode = "7450"
    data.children[0].first_name = "  "
    with pytest.raises(ValidationFailed) as refused:
        save_family(store, admin, data)
    assert set(refused.value.errors) == {
        "adults[0].phone_mobile",
        "adults[0].email",
        "adults[0].postcode",
        "children[0].first_name",
    }
    assert "n'est pas un numéro valide" in refused.value.errors["adults[0].phone_mobile"]
    assert search_families(store, admin, "") == []


def test_validation_lists_what_is_missing_then_validates(store, admin, schools):
    data = complete_family(schools)
    data.adults[0].emergency_contact = False
    data.children[0].class_id = None
    family = save_family(store, admin, data)
    missing = validate_family(store, admin, family.id)
    assert missing == [
        "Aucun contact d'urgence n'est désigné.",
        "Léa DUPONT : classe non renseignée.",
    ]
    assert load_family(store, admin, family.id).status == FamilyStatus.INCOMPLETE

    family = load_family(store, admin, family.id)
    family.adults[0].emergency_contact = True
    family.children[0].class_id = schools[0].classes[3].id
    family = save_family(store, admin, family)
    assert validate_family(store, admin, family.id) == []
    assert load_family(store, admin, family.id).status == FamilyStatus.VALIDATED


def test_editing_a_validated_dossier_into_an_incomplete_one_downgrades_it(store, admin, family):
    validate_family(store, admin, family.id)
    family = load_family(store, admin, family.id)
    family.adults[0].billing = False
    family = save_family(store, admin, family)
    assert family.status == FamilyStatus.INCOMPLETE
    assert "Aucun adulte n'est désigné pour l'adresse de facturation." in family.missing


def test_an_agent_does_not_see_health_data_and_cannot_erase_it(store, agent, coordinator, family):
    seen_by_agent = load_family(store, agent, family.id)
    assert seen_by_agent.health_visible is False
    assert seen_by_agent.children[0].allergies is None
    seen_by_agent.children[0].first_name = "Léane"
    save_family(store, agent, seen_by_agent)
    seen_by_coordinator = load_family(store, coordinator, family.id)
    assert seen_by_coordinator.children[0].first_name == "Léane"
    assert seen_by_coordinator.children[0].allergies == "Arachide"
    assert seen_by_coordinator.children[0].pai is True


def test_every_view_of_health_data_is_audited(store, admin, coordinator, family):
    load_family(store, coordinator, family.id)
    lines = list_audit(store, admin, text="santé")
    assert [line.user for line in lines] == ["Sandra Haton"]
    assert "F00001" in lines[0].summary


def test_every_change_is_audited_with_old_and_new_values(store, admin, family):
    family.adults[0].phone_mobile = "06 98 76 54 32"
    save_family(store, admin, family)
    change = next(
        line
        for line in list_audit(store, admin)
        if line.action == "Modification" and line.entity == "Adulte"
    )
    assert change.details["phone_mobile"] == ["+33612345678", "+33698765432"]
    assert change.user == "Anne Martin"


def test_a_stale_copy_is_refused(store, admin, family):
    other_window = load_family(store, admin, family.id)
    family.notes = "première fenêtre"
    save_family(store, admin, family)
    other_window.notes = "seconde fenêtre"
    with pytest.raises(Conflict, match="modifié ailleurs"):
        save_family(store, admin, other_window)


def test_adults_and_third_parties_are_kept_in_order(store, admin, family):
    family.adults.append(
        AdultData(
            last_name="Durand",
            first_name="Jeanne",
            relation="Grand-mère",
            third_party=True,
            may_pick_up=True,
            phone_home="04 50 71 22 33",
        )
    )
    family = save_family(store, admin, family)
    assert [(a.last_name, a.third_party) for a in family.adults] == [
        ("Dupont", False),
        ("Durand", True),
    ]
    assert [h.reference for h in search_families(store, admin, "04 50 71")] == ["F00001"]


def test_a_third_party_cannot_pay(store, admin, family):
    family.adults.append(AdultData(last_name="Durand", third_party=True, billing=True))
    with pytest.raises(
        ValidationFailed, match="un tiers ne peut être ni responsable légal ni payeur"
    ):
        save_family(store, admin, family)


def test_archived_dossiers_are_read_only(store, admin, coordinator, agent, family):
    with pytest.raises(PermissionDenied):
        set_archived(store, agent, family.id, True)
    set_archived(store, coordinator, family.id, True)
    family = load_family(store, admin, family.id)
    assert family.status == FamilyStatus.ARCHIVED
    with pytest.raises(DomainError, match="archivé"):
        save_family(store, admin, family)
